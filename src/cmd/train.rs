use anyhow::{bail, Context, Result};
use dyad_model::DeviceKind;
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
    /// Write somewhere else than the config's out_dir.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    /// Folder of the base encoder (default: found from `make setup`).
    #[arg(long, env = "DYAD_MODEL_DIR", value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Where training runs (cuda needs `make setup CUDA=1`).
    #[arg(long, value_enum, default_value_t = DeviceKind::Cpu)]
    pub device: DeviceKind,
    /// CPU threads for libtorch and the tokenizer (default: all cores).
    #[arg(long, value_parser = super::parse_threads)]
    pub threads: Option<usize>,
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
    if let Some(o) = a.out_dir {
        c.out_dir = o;
    }
    dyad_model::spec::set_threads(a.threads);
    let json = serde_json::to_value(&c)?;
    let device = a.device.device()?;
    let dir = dyad_model::paths::encoder_dir(a.model_dir.as_deref())?;
    let m = dyad_train::train::train(&c, json, &dir, device, &mut |s| eprintln!("{s}")).context("training")?;
    println!("{}", serde_json::to_string_pretty(&m.dev_metrics)?);
    Ok(())
}
