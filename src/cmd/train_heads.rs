use anyhow::{Context, Result};
use dyad_model::DeviceKind;
use std::path::PathBuf;

/// Train model v3's pair heads (role, stance, PLOVER quad and root) over the shipped stance
/// model's encoder, for every seed of the config, and write models/pairs/{heads.safetensors,manifest.json}.
///
/// Each seed is evaluated on dev data never trained on (CoNLL dev part for roles, PLV dev,
/// directed_sentiment_valid, the brief's reference statements); the mean ± sd over seeds is
/// printed and recorded in the manifest. The config's first seed is the one shipped.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Training config (JSON); paths in it are relative to the file.
    #[arg(long, default_value = "models/pairs-train.json")]
    pub config: PathBuf,
    /// Write somewhere else than the config's out_dir.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    /// Folder of the base encoder (default: found from `make setup`).
    #[arg(long, env = "DYAD_MODEL_DIR", value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Where the encoder runs (cuda needs `make setup CUDA=1`); the heads train on CPU.
    #[arg(long, value_enum, default_value_t = DeviceKind::Cpu)]
    pub device: DeviceKind,
    /// CPU threads for libtorch and the tokenizer (default: all cores).
    #[arg(long, value_parser = super::parse_threads)]
    pub threads: Option<usize>,
}

pub fn run(a: Args) -> Result<()> {
    let mut c = dyad_train::heads::load_config(&a.config)?;
    if let Some(o) = a.out_dir {
        c.out_dir = o;
    }
    dyad_model::spec::set_threads(a.threads);
    let json = serde_json::to_value(&c)?;
    let encoder = dyad_model::paths::encoder_dir(a.model_dir.as_deref())?;
    let stance = dyad_model::DirectedStanceModel::load(&encoder, &c.stance_dir, a.device.device()?)?;
    let run = dyad_train::heads::run(&c, json, &stance, &mut |s| eprintln!("{s}")).context("training the pair heads")?;
    println!("{}", serde_json::to_string_pretty(&run.manifest.dev_metrics)?);
    eprintln!("wrote {}/heads.safetensors and manifest.json (seed {})", run.dir.display(), c.seeds[0]);
    Ok(())
}
