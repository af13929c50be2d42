//! Sentences per second of the bare encoders (no heads): all-mpnet-base-v2 (the base of
//! `--model accurate`) and all-MiniLM-L6-v2 (`--model fast`), sentence-transformers' embedding
//! (mean pooling, L2 norm), in length-sorted batches. `scripts/bench/bench_encoders.sh` runs it
//! against Python sentence-transformers on the same sentences.
//!
//!   encoder_rate SENTENCES.txt [--threads 2] [--batch 32] [--encoder mpnet|minilm] [--precision f32|int8]
//!
//! `--precision int8` (MPNet only) times the quantised path of `--model accurate --precision int8`.
use anyhow::{bail, Context, Result};
use dyad_model::encoder::{Encoder, Precision};
use dyad_model::mpnet::MpnetEncoder;
use std::time::Instant;
use tch::{Device, Tensor};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str, default: &str| -> String {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.to_string())
    };
    let path = args.first().context("usage: encoder_rate SENTENCES.txt [--threads N] [--batch N] [--encoder mpnet|minilm]")?;
    let threads: i32 = flag("--threads", "2").parse()?;
    let batch: usize = flag("--batch", "32").parse()?;
    let which = flag("--encoder", "mpnet");
    let precision = match flag("--precision", "f32").as_str() {
        "f32" => Precision::F32,
        "int8" => Precision::Int8,
        other => bail!("--precision {other}: expected f32 or int8"),
    };
    tch::set_num_threads(threads);
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let sentences: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let t_load = Instant::now();
    let (embed, name): (Box<dyn Fn(&[&str]) -> Tensor>, &str) = match which.as_str() {
        "mpnet" => {
            let mut enc = MpnetEncoder::load(&dyad_model::paths::accurate_encoder_dir(None)?, Device::Cpu)?;
            enc.set_precision(precision)?;
            (Box::new(move |s: &[&str]| enc.embed(s)), "all-mpnet-base-v2")
        }
        "minilm" if precision == Precision::Int8 => bail!("--precision int8: the bare MiniLM here is rust-bert's forward; `bench_classify.sh` times MiniLM's int8 path"),
        "minilm" => {
            let enc = Encoder::load(&dyad_model::paths::encoder_dir(None)?, Device::Cpu)?;
            (Box::new(move |s: &[&str]| enc.embed(s).expect("MiniLM embeds")), "all-MiniLM-L6-v2")
        }
        other => bail!("--encoder {other}: expected mpnet or minilm"),
    };
    let load = t_load.elapsed().as_secs_f64();
    // Length-sorted batches, as sentence-transformers' encode() does.
    let mut order: Vec<&str> = sentences.clone();
    order.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let _warm_up = embed(&order[..order.len().min(batch)]);
    let t = Instant::now();
    let mut dims = 0;
    for chunk in order.chunks(batch) {
        dims = embed(chunk).size()[1];
    }
    let dt = t.elapsed().as_secs_f64();
    println!(
        "dyad {name} (tch, {}, {precision:?}): {} sentences, threads {threads}, batch {batch}: {:.1} sentences/s ({dims} dims; load {load:.2} s excluded)",
        if cfg!(debug_assertions) { "debug build" } else { "release build" },
        sentences.len(),
        sentences.len() as f64 / dt
    );
    Ok(())
}
