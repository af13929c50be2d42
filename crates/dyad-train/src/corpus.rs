//! Labelled stance data from `../shared/data/stance/`, turned into directed examples.
//!
//! - `plv_train.tsv`: `<s>source</s>` and `<t>target</t>` marked; penta 1–2 cooperative, 3–4 hostile.
//!   The reverse pair (target→source) is neutral unless the event is mutual (AGREE, CONSULT, COOPERATE).
//! - `directed_sentiment_{train,valid}.tsv`: entities p and q bracketed; labels 0 neutral,
//!   1 positive p→q, 2 positive q→p, 3 negative p→q, 4 negative q→p. Each sentence gives both
//!   directions; the direction that carries no stance is neutral.
//! - `conflibert_cameo_train.tsv` (sentence, penta 0–4) joined with the ConfliBERT actor
//!   annotation `actors/conflibert_source_target_train.conll` (tokens tagged S source, T target,
//!   R reciprocal): the same sentences, so the join gives marked source/target pairs with a
//!   penta class. Penta 0 (make a statement) is neutral; R pairs carry the label both ways.
use dyad_core::stance::{Label, StanceInput};
use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// One directed, labelled example.
#[derive(Debug, Clone)]
pub struct Example {
    pub input: StanceInput,
    pub label: Label,
    /// Identifies the sentence (for splits: a sentence never sits in two splits).
    pub key: String,
    /// The output layer(s) it trains when the model has two; a one-head model reads all.
    pub trains: Trains,
}

/// Which head an example trains in a two-head model: the stance head (event scheme: PLV,
/// ConfliBERT, composed), the sentiment head (directed-sentiment scheme) or both (a
/// directed-sentiment sentence with a stance, where the two schemes agree).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trains {
    Stance,
    Sentiment,
    Both,
}

/// A sentence of the directed-sentiment set with both directions and its 5-class label.
#[derive(Debug, Clone)]
pub struct DsSentence {
    pub text: String,
    pub p: (usize, usize),
    pub q: (usize, usize),
    pub label: usize,
    pub key: String,
}

/// A PLV sentence: source → target with its penta class and PLOVER root.
#[derive(Debug, Clone)]
pub struct PlvSentence {
    pub text: String,
    pub source: (usize, usize),
    pub target: (usize, usize),
    pub penta: u8,
    pub root: String,
    pub key: String,
}

pub use crate::keys::sentence_key;

fn tsv_rows(path: &Path) -> Result<(Vec<String>, Vec<(usize, Vec<String>)>)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines().enumerate();
    let header: Vec<String> = lines.next().map(|(_, h)| h.split('\t').map(str::to_string).collect()).unwrap_or_default();
    let rows = lines.filter(|(_, l)| !l.trim().is_empty()).map(|(i, l)| (i + 1, l.split('\t').map(str::to_string).collect())).collect();
    Ok((header, rows))
}

fn column(header: &[String], name: &str, path: &Path) -> Result<usize> {
    header.iter().position(|h| h == name).with_context(|| format!("{}: no column {name:?}", path.display()))
}

/// Removes inline markers, returning the plain text and the char spans they enclosed.
fn strip_markers(marked: &str, pairs: &[(&str, &str)]) -> Option<(String, Vec<(usize, usize)>)> {
    let mut text = String::new();
    let mut spans: Vec<Option<(usize, usize)>> = vec![None; pairs.len()];
    let mut open: Vec<Option<usize>> = vec![None; pairs.len()];
    let mut rest = marked;
    let mut n = 0usize;
    'outer: while !rest.is_empty() {
        for (k, (o, c)) in pairs.iter().enumerate() {
            if rest.starts_with(o) && open[k].is_none() && spans[k].is_none() {
                open[k] = Some(n);
                rest = &rest[o.len()..];
                continue 'outer;
            }
            if rest.starts_with(c) && open[k].is_some() {
                spans[k] = Some((open[k].take().unwrap(), n));
                rest = &rest[c.len()..];
                continue 'outer;
            }
        }
        let ch = rest.chars().next().unwrap();
        text.push(ch);
        n += 1;
        rest = &rest[ch.len_utf8()..];
    }
    let spans: Option<Vec<(usize, usize)>> = spans.into_iter().collect();
    Some((text, spans?))
}

pub fn load_plv(path: &Path) -> Result<(Vec<PlvSentence>, usize)> {
    let (h, rows) = tsv_rows(path)?;
    let (m, p, r) = (column(&h, "marked_sentence", path)?, column(&h, "penta", path)?, column(&h, "root", path)?);
    let (mut out, mut skipped) = (Vec::new(), 0);
    for (_, row) in rows {
        let parsed = row.get(m).and_then(|s| strip_markers(s, &[("<s>", "</s>"), ("<t>", "</t>")]));
        let penta = row.get(p).and_then(|x| x.trim().parse::<u8>().ok()).filter(|x| (1..=4).contains(x));
        match (parsed, penta) {
            (Some((text, spans)), Some(penta)) => out.push(PlvSentence {
                key: sentence_key(&text),
                text,
                source: spans[0],
                target: spans[1],
                penta,
                root: row.get(r).cloned().unwrap_or_default(),
            }),
            _ => skipped += 1,
        }
    }
    Ok((out, skipped))
}

pub fn load_directed_sentiment(path: &Path) -> Result<(Vec<DsSentence>, usize)> {
    let (h, rows) = tsv_rows(path)?;
    let (s, pc, qc, l) = (column(&h, "sentence", path)?, column(&h, "p", path)?, column(&h, "q", path)?, column(&h, "label", path)?);
    let (mut out, mut skipped) = (Vec::new(), 0);
    for (_, row) in rows {
        let label = row.get(l).and_then(|x| x.trim().parse::<usize>().ok()).filter(|x| *x <= 4);
        let parsed = row.get(s).and_then(|x| strip_brackets(x));
        match (parsed, label) {
            (Some((text, spans)), Some(label)) if spans.len() == 2 => {
                let content = |sp: (usize, usize)| text.chars().skip(sp.0).take(sp.1 - sp.0).collect::<String>();
                let (p_text, q_text) = (row[pc].trim(), row[qc].trim());
                // Brackets are in sentence order; p and q are named in the columns.
                let (p, q) = if content(spans[0]).trim() == p_text || content(spans[1]).trim() == q_text {
                    (spans[0], spans[1])
                } else {
                    (spans[1], spans[0])
                };
                out.push(DsSentence { key: sentence_key(&text), text, p, q, label });
            }
            _ => skipped += 1,
        }
    }
    Ok((out, skipped))
}

fn strip_brackets(marked: &str) -> Option<(String, Vec<(usize, usize)>)> {
    let (mut text, mut spans, mut open) = (String::new(), Vec::new(), None);
    let mut n = 0;
    for ch in marked.chars() {
        match ch {
            '[' if open.is_none() => open = Some(n),
            ']' if open.is_some() => spans.push((open.take().unwrap(), n)),
            _ => {
                text.push(ch);
                n += 1;
            }
        }
    }
    Some((text, spans))
}

/// Roots whose event is mutual: the reverse pair carries the same stance. `RECIPROCAL` marks
/// a ConfliBERT pair tagged R (both actors do it).
pub const MUTUAL_ROOTS: &[&str] = &["AGREE", "CONSULT", "COOPERATE", RECIPROCAL];
pub const RECIPROCAL: &str = "RECIPROCAL";

pub fn penta_label(penta: u8) -> Label {
    match penta {
        0 => Label::Neutral,
        1 | 2 => Label::Cooperative,
        _ => Label::Hostile,
    }
}

pub fn plv_examples(sentences: &[PlvSentence]) -> Vec<Example> {
    let mut out = Vec::new();
    for s in sentences {
        let label = penta_label(s.penta);
        let reverse = if MUTUAL_ROOTS.contains(&s.root.as_str()) { label } else { Label::Neutral };
        out.push(Example { input: StanceInput { text: s.text.clone(), source: s.source, target: s.target }, label, key: s.key.clone(), trains: Trains::Stance });
        out.push(Example { input: StanceInput { text: s.text.clone(), source: s.target, target: s.source }, label: reverse, key: s.key.clone(), trains: Trains::Stance });
    }
    out
}

/// What the ConfliBERT join found: the pairs, and how many sentences of each file were left out.
#[derive(Debug, Default)]
pub struct ConflibertJoin {
    /// Source→target pairs as PLV-style sentences (penta 0–4; root `RECIPROCAL` for R pairs).
    pub pairs: Vec<PlvSentence>,
    /// Annotated sentences whose text is not in the penta file.
    pub unmatched: usize,
    /// Matched sentences without both a source and a target (or two reciprocal actors).
    pub without_pair: usize,
}

/// Letters and digits only, lower-cased: the two ConfliBERT files tokenise and quote
/// differently ("government's" vs "governmentʼs"), but agree on these.
fn join_key(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// Positions in `text` of its ASCII letters and digits, in order: what [`join_key`] keeps.
fn alnum_positions(text: &str) -> Vec<usize> {
    text.chars().enumerate().filter(|(_, c)| c.is_ascii_alphanumeric()).map(|(i, _)| i).collect()
}

/// Moves a char span of `from` onto `to`, two texts with the same [`join_key`], by counting
/// letters and digits (punctuation at the span's edges is dropped).
fn carry_span(from: &str, to_alnum: &[usize], span: (usize, usize)) -> Option<(usize, usize)> {
    let count = |a: usize, b: usize| from.chars().skip(a).take(b - a).filter(|c| c.is_ascii_alphanumeric()).count();
    let (before, inside) = (count(0, span.0), count(span.0, span.1));
    if inside == 0 || before + inside > to_alnum.len() {
        return None;
    }
    Some((to_alnum[before], to_alnum[before + inside - 1] + 1))
}

/// Joins the ConfliBERT actor annotation (CoNLL, read by [`crate::conll::load_conll`]) with
/// the ConfliBERT penta file on the sentence text, carrying the tagged spans onto the penta
/// file's text. Every source × target pair of a sentence becomes one pair; two R actors give
/// one pair marked `RECIPROCAL`.
pub fn load_conflibert(conll: &Path, cameo: &Path) -> Result<ConflibertJoin> {
    let (h, rows) = tsv_rows(cameo)?;
    let (sc, pc) = (column(&h, "sentence", cameo)?, column(&h, "penta", cameo)?);
    let mut penta_of: std::collections::HashMap<String, (String, u8)> = std::collections::HashMap::new();
    for (_, row) in rows {
        if let (Some(text), Some(p)) = (row.get(sc), row.get(pc).and_then(|x| x.trim().parse::<u8>().ok()).filter(|p| *p <= 4)) {
            penta_of.insert(join_key(text), (text.trim().to_string(), p));
        }
    }
    let mut join = ConflibertJoin::default();
    for annotated in crate::conll::load_conll(conll)? {
        let Some((text, penta)) = penta_of.get(&join_key(&annotated.text)) else {
            join.unmatched += 1;
            continue;
        };
        let alnum = alnum_positions(text);
        let of = |k: char| -> Vec<(usize, usize)> {
            annotated.spans.iter().filter(|s| s.0 == k).filter_map(|s| carry_span(&annotated.text, &alnum, (s.1, s.2))).collect()
        };
        let (sources, targets, mutual) = (of('S'), of('T'), of('R'));
        let mut pairs: Vec<((usize, usize), (usize, usize), &str)> = Vec::new();
        for &s in &sources {
            pairs.extend(targets.iter().map(|&t| (s, t, "")));
        }
        if mutual.len() == 2 {
            pairs.push((mutual[0], mutual[1], RECIPROCAL));
        }
        if pairs.is_empty() {
            join.without_pair += 1;
        }
        for (source, target, root) in pairs {
            join.pairs.push(PlvSentence { text: text.clone(), source, target, penta: *penta, root: root.to_string(), key: sentence_key(text) });
        }
    }
    Ok(join)
}

/// The directed labels (p→q, q→p) of a 5-class label.
pub fn ds_directed_labels(label: usize) -> (Label, Label) {
    match label {
        1 => (Label::Cooperative, Label::Neutral),
        2 => (Label::Neutral, Label::Cooperative),
        3 => (Label::Hostile, Label::Neutral),
        4 => (Label::Neutral, Label::Hostile),
        _ => (Label::Neutral, Label::Neutral),
    }
}

/// Both directions of each sentence. The all-neutral ones train the sentiment head; those with
/// a stance train `with_stance` (the sentiment head, or both heads).
pub fn ds_examples(sentences: &[DsSentence], with_stance: Trains) -> Vec<Example> {
    let mut out = Vec::new();
    for s in sentences {
        let (pq, qp) = ds_directed_labels(s.label);
        let trains = if s.label == 0 { Trains::Sentiment } else { with_stance };
        out.push(Example { input: StanceInput { text: s.text.clone(), source: s.p, target: s.q }, label: pq, key: s.key.clone(), trains });
        out.push(Example { input: StanceInput { text: s.text.clone(), source: s.q, target: s.p }, label: qp, key: s.key.clone(), trains });
    }
    out
}

/// Directed-sentiment sentences with a p→q stance rewritten so that p comes after q (see
/// `augment`); the label keeps naming p→q, since who holds the stance is unchanged.
pub fn reordered_ds(sentences: &[DsSentence]) -> Vec<DsSentence> {
    sentences
        .iter()
        .filter(|s| matches!(s.label, 1 | 3) && s.p.1 <= s.q.0)
        .filter_map(|s| {
            let r = crate::augment::reorder(&s.text, s.p, s.q)?;
            Some(DsSentence { key: sentence_key(&r.text), text: r.text, p: r.first, q: r.second, label: s.label })
        })
        .collect()
}

/// PLV sentences rewritten so that the source comes after the target (see `augment`).
pub fn reordered_plv(sentences: &[PlvSentence]) -> Vec<PlvSentence> {
    sentences
        .iter()
        .filter(|s| s.source.1 <= s.target.0)
        .filter_map(|s| {
            let r = crate::augment::reorder(&s.text, s.source, s.target)?;
            Some(PlvSentence { key: sentence_key(&r.text), text: r.text, source: r.first, target: r.second, ..s.clone() })
        })
        .collect()
}

/// Joins two pair sentences of opposite stance into one: `a`'s sentence without its final
/// stop, a connective, then `b`'s sentence; both pairs keep their own labels. Teaches that
/// stance belongs to a pair, not to the sentence: the same text holds a hostile pair and a
/// cooperative one (as "Tehran perceives Israel's … ties with Azerbaijan as a threat" does).
/// Returns the two pairs over the joined text, or `None` when a mention would be cut.
pub fn compose(a: &PlvSentence, b: &PlvSentence, connective: &str) -> Option<(PlvSentence, PlvSentence)> {
    let head = a.text.trim_end().trim_end_matches(['.', '!', '?']).trim_end();
    let head_len = head.chars().count();
    if a.source.1 > head_len || a.target.1 > head_len || a.text == b.text {
        return None;
    }
    let text = format!("{head}{connective}{}", b.text.trim_start());
    let shift = head_len + connective.chars().count() - (b.text.chars().count() - b.text.trim_start().chars().count());
    let moved = |s: (usize, usize)| (s.0 + shift, s.1 + shift);
    let key = sentence_key(&text);
    let first = PlvSentence { text: text.clone(), key: key.clone(), ..a.clone() };
    let second = PlvSentence { text, key, source: moved(b.source), target: moved(b.target), ..b.clone() };
    Some((first, second))
}

/// A frame around a reported clause: `{A}` is the framing actor, `{S}` the clause. `hostile`:
/// the frame is hostile toward the clause's source ("{A} condemned reports that {S}."); else it
/// only reports it ("{A} said that {S}.").
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    pub template: &'static str,
    pub hostile: bool,
}

/// Frames used by `augment_nest`, the actor before and after the clause.
pub const FRAMES: &[Frame] = &[
    Frame { template: "{A} condemned reports that {S}.", hostile: true },
    Frame { template: "{A} sees the fact that {S} as a threat.", hostile: true },
    Frame { template: "{A} warned that {S}, calling it a provocation.", hostile: true },
    Frame { template: "{A} protested after {S}.", hostile: true },
    Frame { template: "{S}, which {A} denounced as a danger to the region.", hostile: true },
    Frame { template: "{S}, a move {A} criticised.", hostile: true },
    Frame { template: "{A} said that {S}.", hostile: false },
    Frame { template: "According to {A}, {S}.", hostile: false },
    Frame { template: "{S}, {A} reported.", hostile: false },
    Frame { template: "{A} noted that {S}.", hostile: false },
];

/// Sentence openings that are not names, lower-cased when the sentence becomes a clause.
const COMMON_OPENINGS: &[&str] = &["The", "A", "An", "In", "On", "At", "After", "Before", "During", "This", "These", "Its", "Their", "His", "Her", "It", "They", "He", "She", "We", "Last"];

/// Puts a pair sentence inside a frame spoken by a third actor: the clause's pair keeps its own
/// label, and the frame adds a pair from the framing actor to the clause's source (PLV-style:
/// penta 3 for a hostile frame, 0 for a reporting one; the reverse direction is neutral). Teaches
/// that a pair inside a hostile frame keeps its own stance ("Tehran perceives Israel's … ties
/// with Azerbaijan as a threat": ISR→AZE cooperative) while the frame's actor is hostile.
/// Returns (clause pair, frame pair), or `None` when the clause would be cut or already names
/// the actor.
pub fn nest(inner: &PlvSentence, frame: Frame, actor: &str) -> Option<(PlvSentence, PlvSentence)> {
    let body = inner.text.trim_end().trim_end_matches(['.', '!', '?']).trim_end();
    let lead = inner.text.chars().count() - inner.text.trim_start().chars().count();
    let body: String = body.chars().skip(lead).collect();
    let len = body.chars().count();
    if inner.source.0 < lead || inner.target.0 < lead || inner.source.1 - lead > len || inner.target.1 - lead > len || inner.text.contains(actor) {
        return None;
    }
    let first_word = body.split_whitespace().next().unwrap_or("");
    let body = if COMMON_OPENINGS.contains(&first_word) && !frame.template.starts_with("{S}") {
        let mut c = body.chars();
        c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
    } else {
        body
    };
    let (before, after) = frame.template.split_once("{S}")?;
    let before = before.replace("{A}", actor);
    let shift = before.chars().count();
    let actor_start = match before.find(actor) {
        Some(b) => before[..b].chars().count(),
        None => shift + len + after.split_once("{A}")?.0.chars().count(),
    };
    let text = format!("{before}{body}{}", after.replace("{A}", actor));
    let key = sentence_key(&text);
    let moved = |s: (usize, usize)| (s.0 - lead + shift, s.1 - lead + shift);
    let clause = PlvSentence { text: text.clone(), key: key.clone(), source: moved(inner.source), target: moved(inner.target), ..inner.clone() };
    let framing = PlvSentence {
        source: (actor_start, actor_start + actor.chars().count()),
        target: clause.source,
        penta: if frame.hostile { 3 } else { 0 },
        root: "FRAME".into(),
        text,
        key,
    };
    Some((clause, framing))
}

/// The fixed PLV dev split: within each penta class, sentences ordered by key, every 7th
/// (≈14%) is dev. Stratified, by sentence, and independent of file order.
pub fn plv_dev_keys(sentences: &[PlvSentence]) -> HashSet<String> {
    let mut by_class: BTreeMap<u8, Vec<&str>> = BTreeMap::new();
    for s in sentences {
        by_class.entry(s.penta).or_default().push(&s.key);
    }
    let mut dev = HashSet::new();
    for keys in by_class.values_mut() {
        keys.sort();
        keys.dedup();
        dev.extend(keys.iter().enumerate().filter(|(i, _)| i % 7 == 3).map(|(_, k)| k.to_string()));
    }
    dev
}

/// Reads the committed dev split (one key per line, `#` comments).
pub fn read_keys(path: &Path) -> Result<HashSet<String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading split {}", path.display()))?;
    let keys: HashSet<String> = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string).collect();
    if keys.is_empty() {
        bail!("{}: empty split", path.display());
    }
    Ok(keys)
}

/// The class index of a label in the model's output (cooperative, neutral, hostile).
pub fn label_index(l: Label) -> i64 {
    match l {
        Label::Cooperative => 0,
        Label::Neutral => 1,
        Label::Hostile => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_become_spans() {
        let (text, spans) = strip_markers("<s>Iran</s> warned <t>Israel</t>.", &[("<s>", "</s>"), ("<t>", "</t>")]).unwrap();
        assert_eq!(text, "Iran warned Israel.");
        assert_eq!(spans, [(0, 4), (12, 18)]);
        let (text, spans) = strip_brackets("A [Los Angele]s anchor met [the United State]s.").unwrap();
        assert_eq!(text, "A Los Angeles anchor met the United States.");
        assert_eq!(spans, [(2, 12), (25, 41)]);
    }

    #[test]
    fn reordered_sentences_keep_who_holds_the_stance() {
        let text = "The FBI accused Fiji of lying.".to_string();
        let ds = DsSentence { key: sentence_key(&text), text: text.clone(), p: (4, 7), q: (16, 20), label: 3 };
        let neutral = DsSentence { label: 0, ..ds.clone() };
        let r = reordered_ds(&[ds, neutral]);
        assert_eq!(r.len(), 1, "only sentences with a p→q stance are rewritten");
        let span = |s: (usize, usize)| r[0].text.chars().skip(s.0).take(s.1 - s.0).collect::<String>();
        assert_eq!((r[0].text.as_str(), span(r[0].p).as_str(), span(r[0].q).as_str(), r[0].label), ("Fiji was accused by the FBI of lying.", "FBI", "Fiji", 3));
        assert_ne!(r[0].key, sentence_key(&text));
        let plv = PlvSentence { text: text.clone(), source: (4, 7), target: (16, 20), penta: 4, root: "ACCUSE".into(), key: "k".into() };
        let r = reordered_plv(&[plv]);
        assert_eq!((r[0].source.0 > r[0].target.0, r[0].penta), (true, 4));
    }

    #[test]
    fn conflibert_join_marks_source_and_target_in_the_original_text() {
        let dir = std::env::temp_dir().join(format!("dyad-conflibert-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let conll = dir.join("a.conll");
        let cameo = dir.join("c.tsv");
        std::fs::write(&conll, "a B-S\nSwiss I-S\ncourt I-S\nrejected O\nthe O\nCroatian B-T\ngovernment I-T\n's I-T\nrequest I-T\n. O\n\nLavrov B-R\nmet O\nSafadi B-R\n. O\n\nNobody B-S\nis O\nhere O\n\nNot O\nin O\nfile O\n").unwrap();
        std::fs::write(&cameo, "sentence\tpenta\nMeanwhile a Swiss court rejected the Croatian governmentʼs request.\t3\nLavrov met Safadi.\t1\nNobody is here\t0\n").unwrap();
        // The first annotated sentence lacks "Meanwhile": it is not the same sentence.
        let j = load_conflibert(&conll, &cameo).unwrap();
        assert_eq!((j.pairs.len(), j.unmatched, j.without_pair), (1, 2, 1));
        std::fs::write(&cameo, "sentence\tpenta\nA Swiss court rejected the Croatian governmentʼs request.\t3\nLavrov met Safadi.\t1\n").unwrap();
        let j = load_conflibert(&conll, &cameo).unwrap();
        let span = |p: &PlvSentence, s: (usize, usize)| p.text.chars().skip(s.0).take(s.1 - s.0).collect::<String>();
        assert_eq!(j.pairs.len(), 2);
        assert_eq!((span(&j.pairs[0], j.pairs[0].source).as_str(), span(&j.pairs[0], j.pairs[0].target).as_str()), ("A Swiss court", "Croatian governmentʼs request"));
        assert_eq!((j.pairs[1].root.as_str(), span(&j.pairs[1], j.pairs[1].target).as_str()), (RECIPROCAL, "Safadi"));
        let ex = plv_examples(&j.pairs);
        assert_eq!(ex.iter().map(|e| e.label).collect::<Vec<_>>(), [Label::Hostile, Label::Neutral, Label::Cooperative, Label::Cooperative]);
        let neutral = PlvSentence { penta: 0, ..j.pairs[0].clone() };
        assert_eq!(plv_examples(&[neutral]).iter().map(|e| e.label).collect::<Vec<_>>(), [Label::Neutral, Label::Neutral]);
        std::fs::remove_dir_all(&dir).ok();
    }

    /// On the shared files: the join finds the annotated pairs, and every span's text is the
    /// span the CoNLL file tagged (same letters and digits).
    #[test]
    fn conflibert_join_on_the_shared_files() {
        let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
        let conll = shared.join("actors/conflibert_source_target_train.conll");
        let j = load_conflibert(&conll, &shared.join("stance/conflibert_cameo_train.tsv")).expect("shared ConfliBERT files");
        assert!(j.pairs.len() >= 450, "{} pairs", j.pairs.len());
        let tagged: HashSet<String> = crate::conll::load_conll(&conll)
            .unwrap()
            .iter()
            .flat_map(|a| a.spans.iter().map(|s| join_key(&a.text.chars().skip(s.1).take(s.2 - s.1).collect::<String>())).collect::<Vec<_>>())
            .collect();
        for p in &j.pairs {
            for s in [p.source, p.target] {
                let text: String = p.text.chars().skip(s.0).take(s.1 - s.0).collect();
                assert!(tagged.contains(&join_key(&text)), "{text:?} in {:?}", p.text);
            }
        }
        let classes: HashSet<u8> = j.pairs.iter().map(|p| p.penta).collect();
        assert_eq!(classes.len(), 5, "all five penta classes present");
    }

    #[test]
    fn composed_sentences_keep_each_pairs_own_stance() {
        let a = PlvSentence { text: "Iran condemned Israel.".into(), source: (0, 4), target: (15, 21), penta: 3, root: "ACCUSE".into(), key: "a".into() };
        let b = PlvSentence { text: " Turkey thanked Azerbaijan.".into(), source: (1, 7), target: (16, 26), penta: 1, root: "SUPPORT".into(), key: "b".into() };
        let (x, y) = compose(&a, &b, ", while ").unwrap();
        assert_eq!(x.text, "Iran condemned Israel, while Turkey thanked Azerbaijan.");
        assert_eq!(x.key, y.key);
        let span = |p: &PlvSentence, s: (usize, usize)| p.text.chars().skip(s.0).take(s.1 - s.0).collect::<String>();
        assert_eq!([span(&x, x.source), span(&x, x.target), span(&y, y.source), span(&y, y.target)], ["Iran", "Israel", "Turkey", "Azerbaijan"]);
        let labels: Vec<Label> = plv_examples(&[x, y]).iter().map(|e| e.label).collect();
        assert_eq!(labels, [Label::Hostile, Label::Neutral, Label::Cooperative, Label::Neutral]);
        let cut = PlvSentence { text: "Iran condemned it.".into(), target: (15, 18), ..a.clone() };
        assert!(compose(&cut, &b, "; ").is_none(), "a mention inside the dropped stop");
    }

    #[test]
    fn nested_clauses_keep_their_pairs_stance_and_the_frame_adds_its_own() {
        let inner = PlvSentence { text: "The army of Turkey signed a pact with Azerbaijan.".into(), source: (12, 18), target: (38, 48), penta: 1, root: "SUPPORT".into(), key: "k".into() };
        let span = |p: &PlvSentence, s: (usize, usize)| p.text.chars().skip(s.0).take(s.1 - s.0).collect::<String>();
        let (clause, framing) = nest(&inner, FRAMES[1], "Iran").unwrap();
        assert_eq!(clause.text, "Iran sees the fact that the army of Turkey signed a pact with Azerbaijan as a threat.");
        assert_eq!([span(&clause, clause.source), span(&clause, clause.target), span(&framing, framing.source), span(&framing, framing.target)], ["Turkey", "Azerbaijan", "Iran", "Turkey"]);
        let labels: Vec<Label> = plv_examples(&[clause, framing]).iter().map(|e| e.label).collect();
        assert_eq!(labels, [Label::Cooperative, Label::Neutral, Label::Hostile, Label::Neutral]);
        // The actor after the clause, which keeps its capital; a reporting frame is neutral.
        let (clause, framing) = nest(&inner, FRAMES[8], "Russia").unwrap();
        assert_eq!(clause.text, "The army of Turkey signed a pact with Azerbaijan, Russia reported.");
        assert_eq!(span(&framing, framing.source), "Russia");
        assert_eq!(plv_examples(&[framing]).iter().map(|e| e.label).collect::<Vec<_>>(), [Label::Neutral, Label::Neutral]);
        assert!(nest(&inner, FRAMES[0], "Turkey").is_none(), "the clause already names the actor");
    }

    #[test]
    fn directed_labels() {
        assert_eq!(ds_directed_labels(4), (Label::Neutral, Label::Hostile));
        let s = PlvSentence { text: "A met B.".into(), source: (0, 1), target: (6, 7), penta: 1, root: "CONSULT".into(), key: "k".into() };
        let ex = plv_examples(&[s.clone(), PlvSentence { root: "SUPPORT".into(), ..s }]);
        assert_eq!(ex.iter().map(|e| e.label).collect::<Vec<_>>(), [Label::Cooperative, Label::Cooperative, Label::Cooperative, Label::Neutral]);
        assert_eq!(ex[1].input.source, (6, 7));
    }
}
