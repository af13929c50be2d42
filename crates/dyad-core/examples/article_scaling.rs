//! How the stages before the model scale with article length (the "a 5 MB article runs 13
//! minutes" report): normalise, segment, and actors + pairs (`statements_of`) on articles of
//! 1 KB to 5 MB (`MAX_KB` caps it), built by repeating a real article: as it is, with no
//! sentence ends but its paragraph breaks ("paragraphs"), and with no sentence end or line
//! break at all ("one-line": one sentence as long as the article, the worst shape). Prints seconds and µs per KB;
//! flat µs/KB means linear.
//!
//!     cargo build --workspace --examples && ./target/debug/examples/article_scaling ../shared/data/archives/iran_azerbaijan_2025-02-04.txt
use dyad_core::actors::Gazetteer;
use dyad_core::ingest::{read_file, IngestOptions};
use dyad_core::normalize::normalize;
use dyad_core::pipeline::statements_of;
use dyad_core::segment::split_sentences;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let path = std::env::args().nth(1).ok_or_else(|| anyhow::anyhow!("usage: article_scaling ARTICLE.txt"))?;
    let mut articles = Vec::new();
    read_file(std::path::Path::new(&path), &IngestOptions::default(), &mut |r| articles.push(r));
    let article = articles.remove(0).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let flat: String = article.text.replace(['.', '!', '?', '\n'], " ");
    let max_kb: usize = std::env::var("MAX_KB").ok().and_then(|v| v.parse().ok()).unwrap_or(5000);
    let gazetteer = Gazetteer::builtin();
    println!("{:<10} {:>9} {:>10} {:>10} {:>12} {:>10} {:>10}", "shape", "KB", "normalise", "segment", "statements", "rows", "µs/KB");
    for kb in [1usize, 10, 100, 1000, 5000].into_iter().filter(|&kb| kb <= max_kb) {
        for (shape, base, sep) in [("article", &article.text, "\n\n"), ("paragraphs", &flat, "\n\n"), ("one-line", &flat, " ")] {
            let mut text = String::new();
            while text.len() < kb * 1024 {
                text.push_str(base);
                text.push_str(sep);
            }
            let cut = (0..=kb * 1024).rev().find(|&b| text.is_char_boundary(b)).unwrap_or(0);
            text.truncate(cut);
            let t0 = Instant::now();
            let n = normalize(&text);
            let t_norm = t0.elapsed().as_secs_f64();
            let t1 = Instant::now();
            let sentences = split_sentences(&text).len();
            let t_seg = t1.elapsed().as_secs_f64();
            let mut a = article.clone();
            a.text = text;
            let t2 = Instant::now();
            let rows = statements_of(&a, gazetteer).len();
            let t_all = t2.elapsed().as_secs_f64();
            drop(n);
            println!(
                "{shape:<10} {kb:>9} {t_norm:>9.3}s {t_seg:>9.3}s {t_all:>11.3}s {rows:>10} {:>10.0}   ({sentences} sentences)",
                t_all * 1e6 / kb as f64
            );
        }
    }
    Ok(())
}
