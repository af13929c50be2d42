//! Generates a synthetic scored archive for the series/compare scale bench
//! (`scripts/bench/bench_series.sh`): `cargo run -p dyad-core --example gen_scored -- ROWS OUT.parquet [SEED]`.
//!
//! Realistic in what aggregation feels: country popularity follows a Zipf law (a few dyads
//! hold most statements, a long tail has few), volume grows 5 % a year over 2015–2024, each
//! sentence is written in both directions as `dyad score` does (one side usually neutral),
//! articles hold 3–12 statements, dyads have their own slowly drifting stance, and 8 % of
//! articles are republished within three days (half of them edited), so dedup has work.
//! The rows carry dedup keys as `dyad score` writes them, unless GEN_WITHOUT_DEDUP_KEYS=1.
use dyad_core::stance::Label;
use dyad_core::store::{rows_to_frame, ScoredRow};
use polars::prelude::*;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit().max(1e-12), self.unit());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let rows: usize = args.get(1).map(|s| s.replace('_', "").parse()).transpose()?.unwrap_or(10_000_000);
    let out = std::path::PathBuf::from(args.get(2).cloned().unwrap_or_else(|| "target/bench/scored.parquet".into()));
    let mut rng = Rng(args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(7));
    std::fs::create_dir_all(out.parent().unwrap_or(std::path::Path::new(".")))?;

    // Countries from the shipped gazetteer, the big news makers first.
    let mut codes: Vec<String> = include_str!("../../../data/gazetteer.tsv")
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() >= 4 && f[1] == "country" && f[2] == "canonical").then(|| f[0].to_string())
        })
        .collect();
    let front = ["USA", "CHN", "RUS", "UKR", "ISR", "IRN", "GBR", "FRA", "DEU", "TUR", "SYR", "IND", "PAK", "PRK", "KOR", "JPN", "SAU", "AZE", "ARM"];
    codes.retain(|c| !front.contains(&c.as_str()));
    let codes: Vec<String> = front.iter().map(|s| s.to_string()).chain(codes).collect();
    // Zipf(1.1) cumulative weights.
    let weights: Vec<f64> = (1..=codes.len()).map(|k| 1.0 / (k as f64).powf(1.1)).collect();
    let total: f64 = weights.iter().sum();
    let mut cdf = Vec::new();
    let mut acc = 0.0;
    for w in &weights {
        acc += w / total;
        cdf.push(acc);
    }
    let pick = |rng: &mut Rng| -> usize { cdf.partition_point(|&c| c < rng.unit()).min(codes.len() - 1) };
    let n = codes.len();
    let base_stance: Vec<f64> = (0..n * n).map(|_| (rng.normal() * 0.35).clamp(-0.9, 0.9)).collect();
    let vocab: Vec<String> = (0..3000).map(|i| format!("w{:x}", (i as u64).wrapping_mul(2654435761) % 1_000_003)).collect();
    let start = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
    let days = 3653usize;
    // Volume grows 5 % a year: draw the day by inverting the exponential density.
    let growth = 0.05f64 / 365.0;
    let day_of = |u: f64| -> usize { (((u * ((growth * days as f64).exp() - 1.0)) + 1.0).ln() / growth) as usize };

    let tmp = out.with_extension("parquet.tmp");
    let mut file = std::fs::File::create(&tmp)?;
    let mut writer: Option<polars::io::parquet::write::BatchedWriter<&mut std::fs::File>> = None;
    // As `dyad score` writes them; GEN_WITHOUT_DEDUP_KEYS=1 writes a file like those scored before
    // the key columns existed (dedup then works from the text: the bench compares both).
    let with_keys = std::env::var_os("GEN_WITHOUT_DEDUP_KEYS").is_none();
    let (mut written, mut article) = (0usize, 0usize);
    let mut chunk: Vec<ScoredRow> = Vec::new();
    let mut recent: Vec<(usize, Vec<ScoredRow>)> = Vec::new(); // (day, rows) for republishing
    while written < rows {
        article += 1;
        let day = day_of(rng.unit()).min(days - 1);
        let mut rows_of_article = Vec::new();
        if rng.unit() < 0.08 && !recent.is_empty() {
            // A republished copy of a recent article, half of them edited.
            let (d0, src) = recent[rng.below(recent.len())].clone();
            let edited = rng.unit() < 0.5;
            for mut r in src {
                r.article_id = format!("a{article}");
                r.date = start + chrono::Duration::days((d0 + rng.below(4)).min(days - 1) as i64);
                if edited {
                    r.sentence = format!("{} {}", r.sentence, "said officials on Monday");
                }
                rows_of_article.push(r);
            }
        } else {
            let date = start + chrono::Duration::days(day as i64);
            for sid in 0..3 + rng.below(10) {
                let (a, mut b) = (pick(&mut rng), pick(&mut rng));
                while b == a {
                    b = pick(&mut rng);
                }
                let words: Vec<&str> = (0..12 + rng.below(14)).map(|_| vocab[rng.below(vocab.len())].as_str()).collect();
                let sentence = format!("{} and {} {}.", codes[a], codes[b], words.join(" "));
                let drift = ((day as f64) / 365.0 * 0.7 + a as f64).sin() * 0.2;
                let speaker_stance = (base_stance[a * n + b] + drift + rng.normal() * 0.35).clamp(-1.0, 1.0);
                let receiver_stance = (rng.normal() * 0.1).clamp(-1.0, 1.0);
                for (s, t, stance) in [(a, b, speaker_stance), (b, a, receiver_stance)] {
                    let label = if stance > 0.3 { Label::Cooperative } else if stance < -0.3 { Label::Hostile } else { Label::Neutral };
                    let (pc, ph) = ((stance.max(0.0) + 0.05).min(1.0), ((-stance).max(0.0) + 0.05).min(1.0));
                    rows_of_article.push(ScoredRow {
                        article_id: format!("a{article}"),
                        date,
                        sentence_id: sid as i64,
                        start: 0,
                        end: sentence.len() as i64,
                        sentence: sentence.clone(),
                        source: codes[s].clone(),
                        target: codes[t].clone(),
                        source_text: codes[s].clone(),
                        target_text: codes[t].clone(),
                        stance,
                        label,
                        p_cooperative: pc,
                        p_neutral: (1.0 - pc - ph).max(0.0),
                        p_hostile: ph,
                        model: "synthetic".into(),
                        source_start: 0,
                        source_end: 3,
                        target_start: 8,
                        target_end: 11,
                        source_kind: "country".into(),
                        target_kind: "country".into(),
                        primary: s == a,
                        p_primary: Some(if s == a { 0.9 } else { 0.1 }),
                        quad: (s == a).then_some(if stance < 0.0 { dyad_core::stance::Quad::VerbalConflict } else { dyad_core::stance::Quad::VerbalCooperation }),
                        p_quad: (s == a).then_some(0.8),
                        dedup_copy_key: None,
                        dedup_band_1: None,
                        dedup_band_2: None,
                        dedup_band_3: None,
                        dedup_band_4: None,
                        dedup_band_5: None,
                        dedup_band_6: None,
                    });
                }
            }
            if recent.len() < 500 {
                recent.push((day, rows_of_article.clone()));
            } else {
                let k = rng.below(recent.len());
                recent[k] = (day, rows_of_article.clone());
            }
        }
        if with_keys {
            rows_of_article = rows_of_article.into_iter().map(ScoredRow::with_dedup_keys).collect();
        }
        written += rows_of_article.len();
        chunk.extend(rows_of_article);
        if chunk.len() >= 500_000 || written >= rows {
            let df = rows_to_frame(&chunk)?;
            if writer.is_none() {
                writer = Some(ParquetWriter::new(&mut file).batched(df.schema())?);
            }
            writer.as_mut().unwrap().write_batch(&df)?;
            chunk.clear();
            eprint!("\r{written} rows");
        }
    }
    writer.unwrap().finish()?;
    std::fs::rename(&tmp, &out)?;
    eprintln!("\nwrote {} ({written} rows, {article} articles)", out.display());
    Ok(())
}
