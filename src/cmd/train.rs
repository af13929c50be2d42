use anyhow::{bail, Context, Result};
use std::path::PathBuf;

/// Fine-tune the directed stance model (seeded) and write models/stance/{weights.safetensors,manifest.json}.
///
/// Everything that shapes the model (data, seed, epochs, layers trained, augmentation) is in
/// the config, so a run is reproduced from its manifest; the options here only say where and
/// how fast it runs.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Training config (JSON); paths in it are relative to the file.
    #[arg(long, default_value = "models/stance-train.json")]
    pub config: PathBuf,
    /// Override the config's epochs (quick checks).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Override the config's cap on training examples (quick checks).
    #[arg(long)]
    pub max_examples: Option<usize>,
    #[command(flatten)]
    pub run: super::TrainingRunArgs,
}

pub fn run(a: Args) -> Result<()> {
    let mut c = dyad_train::train::load_config(&a.config)?;
    if let Some(e) = a.epochs {
        if e == 0 {
            bail!("--epochs 0 trains nothing");
        }
        c.epochs = e;
    }
    if a.max_examples.is_some() {
        c.max_train_examples = a.max_examples;
    }
    if let Some(o) = a.run.out_dir.clone() {
        c.out_dir = o;
    }
    let (dir, device) = a.run.prepare()?;
    let json = serde_json::to_value(&c)?;
    let m = dyad_train::train::train(&c, json, &dir, device, &mut |s| eprintln!("{s}")).context("training")?;
    println!("{}", serde_json::to_string_pretty(&m.dev_metrics)?);
    Ok(())
}
