use anyhow::{Context, Result};
use std::path::PathBuf;

/// Train model v3's pair heads (role, stance, PLOVER quad and root) over the shipped stance
/// model's encoder, for every seed of the config, and write models/pairs/{heads.safetensors,manifest.json}.
///
/// Each seed is evaluated on dev data never trained on (CoNLL dev part for roles, PLV dev,
/// directed_sentiment_valid, the brief's reference statements); the mean ± sd over seeds is
/// printed and recorded in the manifest. The config's first seed is the one shipped.
///
/// Optional parts of the config: `distill` (learn quad and root from the accurate model's
/// probabilities too), `consistency` (Wen et al.'s consistency loss on the stance head; with
/// `"ablation": true` every seed is also trained without it); see models/README.md.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Training config (JSON); paths in it are relative to the file.
    #[arg(long, default_value = "models/pairs-train.json")]
    pub config: PathBuf,
    /// With `top_layers` in the config: continue each seed from its last epoch checkpoint
    /// (`checkpoint-seed{N}.safetensors` in the out_dir; the optimizer state restarts).
    #[arg(long)]
    pub resume: bool,
    // The encoder runs on --device; frozen-encoder heads train on CPU.
    #[command(flatten)]
    pub run: super::TrainingRunArgs,
}

pub fn run(a: Args) -> Result<()> {
    let mut c = dyad_train::heads::load_config(&a.config)?;
    if let Some(o) = a.run.out_dir.clone() {
        c.out_dir = o;
    }
    let (encoder, device) = a.run.prepare()?;
    let json = serde_json::to_value(&c)?;
    let stance = dyad_model::DirectedStanceModel::load(&encoder, &c.stance_dir, device)?;
    let run = dyad_train::heads::run(&c, json, &stance, a.resume, &mut |s| eprintln!("{s}")).context("training the pair heads")?;
    println!("{}", serde_json::to_string_pretty(&run.manifest.dev_metrics)?);
    eprintln!("wrote {}/heads.safetensors and manifest.json (seed {})", run.dir.display(), c.seeds[0]);
    Ok(())
}
