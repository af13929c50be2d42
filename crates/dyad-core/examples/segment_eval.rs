//! Sentence-boundary precision and recall of the segmenters on the gold set that
//! `scripts/data/build_segment_gold.py` builds (documents with known unit starts).
//!
//!     python3 scripts/data/build_segment_gold.py --out out/segment_gold
//!     cargo build --workspace --examples && ./target/debug/examples/segment_eval out/segment_gold/dev.jsonl out/segment_gold/heldout.jsonl
//!
//! With `--archive FILE…` (any input `dyad score` reads) it prints, instead, how many sentences
//! `before` and `normalise+rules` find in each archive and how many differ, with examples.
//!
//! A boundary is the char offset where a unit (sentence, headline, dateline) starts; a predicted
//! start counts when it equals a gold start. Candidates:
//! - `before`: the rules as they were before the "real archives" issue, on the raw text;
//! - `rules`: the rules with the dotted-acronym fix, on the raw text;
//! - `normalise+rules`: what `dyad score` runs now (normalisation, then the rules);
//! - `normalise+uax29`: normalisation, then Unicode's sentence boundaries (UAX #29, the
//!   `unicode-segmentation` crate) inside each line, merged back over the same abbreviations.
use dyad_core::ingest::{read_file, IngestOptions};
use dyad_core::normalize::normalize_with_origin;
use dyad_core::segment::{char_slice, is_abbreviation, split_sentences, split_with};
use std::collections::{BTreeMap, HashSet};
use unicode_segmentation::UnicodeSegmentation;

#[derive(serde::Deserialize)]
struct GoldDoc {
    style: String,
    text: String,
    starts: Vec<usize>,
}

fn uax29_starts(text: &str) -> Vec<usize> {
    let normalized = normalize_with_origin(text);
    let norm = &normalized.text;
    let mut starts = Vec::new();
    let mut line_char = 0;
    for line in norm.split('\n') {
        let mut pending_merge = false;
        for (byte, seg) in line.split_sentence_bound_indices() {
            let trimmed = seg.trim();
            if trimmed.is_empty() {
                continue;
            }
            let lead = seg.chars().take_while(|c| c.is_whitespace()).count();
            let at = line_char + line[..byte].chars().count() + lead;
            if !pending_merge {
                starts.push(normalized.original_span(at, at + 1).0);
            }
            let last_word = trimmed.split_whitespace().last().unwrap_or("");
            pending_merge = last_word.ends_with('.') && is_abbreviation(last_word.trim_end_matches('.'));
        }
        line_char += line.chars().count() + 1;
    }
    starts
}

#[derive(Default, Clone, Copy)]
struct Counts {
    gold: usize,
    predicted: usize,
    hit: usize,
}

impl Counts {
    fn add(&mut self, gold: &[usize], predicted: &[usize]) {
        let g: HashSet<usize> = gold.iter().copied().collect();
        self.gold += g.len();
        self.predicted += predicted.len();
        self.hit += predicted.iter().filter(|p| g.contains(p)).count();
    }
    fn show(&self) -> String {
        let p = self.hit as f64 / self.predicted.max(1) as f64;
        let r = self.hit as f64 / self.gold.max(1) as f64;
        let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        format!("P {p:.3} R {r:.3} F1 {f:.3}")
    }
}

fn archive_changes(files: &[String]) {
    for file in files {
        let (mut articles, mut before_n, mut after_n, mut changed_articles) = (0, 0, 0, 0);
        let mut examples = Vec::new();
        read_file(std::path::Path::new(file), &IngestOptions::default(), &mut |r| {
            let Ok(a) = r else { return };
            articles += 1;
            let before: Vec<(usize, usize)> = split_with(&a.text, false).iter().map(|s| (s.start, s.end)).collect();
            let after = split_sentences(&a.text);
            before_n += before.len();
            after_n += after.len();
            let after_spans: Vec<(usize, usize)> = after.iter().map(|s| (s.start, s.end)).collect();
            if before != after_spans {
                changed_articles += 1;
                let b: HashSet<_> = before.iter().collect();
                let a_spans: HashSet<_> = after_spans.iter().collect();
                if examples.len() < std::env::var("SHOW").ok().and_then(|v| v.parse().ok()).unwrap_or(8) {
                    let only = |spans: &[(usize, usize)], other: &HashSet<&(usize, usize)>| -> Vec<String> {
                        spans.iter().filter(|s| !other.contains(s)).map(|&(s, e)| format!("{:?}", char_slice(&a.text, s, e))).collect()
                    };
                    examples.push(format!("{}\n    before: {}\n    now:    {}", a.id, only(&before, &a_spans).join(" | "), only(&after_spans, &b).join(" | ")));
                }
            }
        });
        println!("{file}: {articles} articles; sentences before {before_n}, now {after_n}; {changed_articles} articles segmented differently");
        for e in examples {
            println!("  {e}");
        }
    }
}

fn main() -> anyhow::Result<()> {
    let mut files: Vec<String> = std::env::args().skip(1).collect();
    if files.first().map(String::as_str) == Some("--archive") {
        archive_changes(&files.split_off(1));
        return Ok(());
    }
    if files.is_empty() {
        anyhow::bail!("usage: segment_eval GOLD.jsonl…");
    }
    type Seg = fn(&str) -> Vec<usize>;
    let candidates: [(&str, Seg); 4] = [
        ("before", |t| split_with(t, false).into_iter().map(|s| s.start).collect()),
        ("rules", |t| split_with(t, true).into_iter().map(|s| s.start).collect()),
        ("normalise+rules", |t| split_sentences(t).into_iter().map(|s| s.start).collect()),
        ("normalise+uax29", uax29_starts),
    ];
    for file in files {
        let docs: Vec<GoldDoc> = std::fs::read_to_string(&file)?
            .lines()
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()?;
        println!("{file}: {} documents", docs.len());
        for (name, seg) in candidates {
            let mut all = Counts::default();
            let mut by_style: BTreeMap<&str, Counts> = BTreeMap::new();
            for d in &docs {
                let predicted = seg(&d.text);
                all.add(&d.starts, &predicted);
                by_style.entry(d.style.as_str()).or_default().add(&d.starts, &predicted);
            }
            let styles: Vec<String> = by_style.iter().map(|(s, c)| format!("{s}: {}", c.show())).collect();
            println!("  {name:<16} all: {}  |  {}", all.show(), styles.join("  |  "));
        }
    }
    Ok(())
}
