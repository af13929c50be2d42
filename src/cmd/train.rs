use anyhow::{Context, Result};
use std::path::PathBuf;

/// Fine-tune the directed stance model (seeded) and write models/stance/{weights.safetensors,manifest.json}.
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
    /// Write somewhere else than the config's out_dir.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    #[command(flatten)]
    pub model: super::ModelArgs,
}

pub fn run(a: Args) -> Result<()> {
    let mut c = dyad::stance::train::load_config(&a.config)?;
    if let Some(e) = a.epochs {
        c.epochs = e;
    }
    if a.max_examples.is_some() {
        c.max_train_examples = a.max_examples;
    }
    if let Some(o) = a.out_dir {
        c.out_dir = o;
    }
    if a.model.precision != dyad::encoder::Precision::F32 {
        anyhow::bail!("training runs in f32; --precision applies to score, classify and eval");
    }
    if a.model.head.is_some() {
        anyhow::bail!("training fits every head the config names (sentiment_head); --head applies to score, classify and eval");
    }
    let json = serde_json::to_value(&c)?;
    let device = a.model.device()?;
    let dir = dyad::paths::encoder_dir(a.model.model_dir.as_deref())?;
    let m = dyad::stance::train::train(&c, json, &dir, device, &mut |s| eprintln!("{s}")).context("training")?;
    println!("{}", serde_json::to_string_pretty(&m.dev_metrics)?);
    Ok(())
}
