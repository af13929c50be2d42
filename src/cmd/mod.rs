//! One file per subcommand: parse arguments, call the library.
pub mod actors;
pub mod classify;
pub mod compare;
pub mod series;
pub mod score;

use anyhow::{bail, Result};
use dyad::encoder::Encoder;
use dyad::stance::{AnchorScorer, StanceScorer};
use std::path::PathBuf;

/// Model options shared by the commands that run the encoder.
#[derive(clap::Args, Debug, Clone)]
pub struct ModelArgs {
    /// Folder of the all-MiniLM-L6-v2 encoder (default: found from `make setup`).
    #[arg(long, env = "DYAD_MODEL_DIR", value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Statements per model batch.
    #[arg(long, default_value_t = 32)]
    pub batch_size: usize,
    /// CPU threads for the model and tokenizer (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// cpu or cuda (cuda needs `make setup CUDA=1`).
    #[arg(long, default_value = "cpu")]
    pub device: String,
}

impl ModelArgs {
    pub fn load(&self) -> Result<Box<dyn StanceScorer>> {
        if let Some(n) = self.threads {
            tch::set_num_threads(n as i32);
            let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
        }
        let device = match self.device.as_str() {
            "cpu" => tch::Device::Cpu,
            "cuda" if tch::Cuda::is_available() => tch::Device::Cuda(0),
            "cuda" => bail!("--device cuda: no CUDA device visible to libtorch (CPU libtorch? run `make setup CUDA=1`)"),
            o => bail!("--device {o:?}: use cpu or cuda"),
        };
        let dir = dyad::paths::encoder_dir(self.model_dir.as_deref())?;
        let encoder = Encoder::load(&dir, device)?;
        Ok(Box::new(AnchorScorer::new(encoder, self.batch_size)?))
    }
}

pub fn parse_date_arg(s: &str) -> Result<chrono::NaiveDate, String> {
    dyad::dates::parse_date(s).ok_or_else(|| format!("unreadable date {s:?} (use YYYY-MM-DD)"))
}
