//! One file per subcommand: parse arguments, call the library.
pub mod actors;
pub mod classify;
pub mod compare;
pub mod doctor;
pub mod eval;
pub mod series;
pub mod score;
pub mod top;
pub mod train;

use anyhow::{bail, Result};
use dyad::encoder::{Encoder, Precision};
use dyad::stance::model::Head;
use dyad::stance::{AnchorScorer, DirectedStanceModel, EnsembleScorer, StanceScorer};
use dyad::dates::Every;
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
    /// trained (the shipped directed model in models/stance) or anchor (the untrained baseline).
    #[arg(long, default_value = "trained")]
    pub scorer: String,
    /// Folder of the trained stance model (default models/stance). Given more than once, the
    /// models' probabilities are averaged and the `model` column reads `mean(name,name,…)`.
    #[arg(long, value_name = "DIR")]
    pub stance_dir: Vec<PathBuf>,
    /// Arithmetic of the trained model on CPU: f32 (as trained) or int8 (quantised linear
    /// layers, about 2x faster, 98–99.7 % of labels as f32; figures in models/README.md). The
    /// `model` column records int8 as `<model>+int8`.
    #[arg(long, value_enum, default_value_t = Precision::F32)]
    pub precision: Precision,
    /// Output layer of a model trained with two: stance (cooperation vs. hostility of events,
    /// what score and classify report) or sentiment (the directed-sentiment scheme; `dyad eval`
    /// uses it on directed-sentiment files). The `model` column records `<model>+sentiment`.
    #[arg(long, value_enum)]
    pub head: Option<Head>,
}

impl ModelArgs {
    pub fn load(&self) -> Result<Box<dyn StanceScorer>> {
        self.load_for(Head::Stance)
    }

    /// Loads the scorer reading `--head`, else `default` where the model has that head, else
    /// the stance head.
    pub fn load_for(&self, default: Head) -> Result<Box<dyn StanceScorer>> {
        if let Some(n) = self.threads {
            tch::set_num_threads(n as i32);
            let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
        }
        let device = self.device()?;
        if self.precision != Precision::F32 && self.scorer != "trained" {
            bail!("--precision int8 applies to the trained scorer only");
        }
        let dir = dyad::paths::encoder_dir(self.model_dir.as_deref())?;
        match self.scorer.as_str() {
            "trained" => {
                let dirs = if self.stance_dir.is_empty() { vec![dyad::paths::project_models_dir().join("stance")] } else { self.stance_dir.clone() };
                let mut members: Vec<Box<dyn StanceScorer>> = Vec::new();
                for stance_dir in &dirs {
                    let mut m = DirectedStanceModel::load(&dir, stance_dir, device)?;
                    m.batch_size = self.batch_size.max(1);
                    let head = match self.head {
                        Some(h) => h,
                        None if default == Head::Sentiment && !m.has_sentiment_head() => Head::Stance,
                        None => default,
                    };
                    m.set_head(head)?;
                    if self.precision != Precision::F32 {
                        m.set_inference_path(Some(self.precision))?;
                    }
                    members.push(Box::new(m));
                }
                if members.len() == 1 {
                    return Ok(members.pop().unwrap());
                }
                Ok(Box::new(EnsembleScorer::new(members)?))
            }
            "anchor" if self.head.is_some() => bail!("--head applies to the trained scorer only"),
            "anchor" => Ok(Box::new(AnchorScorer::new(Encoder::load(&dir, device)?, self.batch_size)?)),
            o => bail!("--scorer {o:?}: use trained or anchor"),
        }
    }

    pub fn device(&self) -> Result<tch::Device> {
        Ok(match self.device.as_str() {
            "cpu" => tch::Device::Cpu,
            "cuda" if tch::Cuda::is_available() => tch::Device::Cuda(0),
            "cuda" => bail!("--device cuda: no CUDA device visible to libtorch (CPU libtorch? run `make setup CUDA=1`)"),
            o => bail!("--device {o:?}: use cpu or cuda"),
        })
    }
}

/// How statements become dyad-periods; shared by `series` and `compare`.
#[derive(clap::Args, Debug, Clone)]
pub struct AggregationArgs {
    /// Period: 1d, 1w (ISO weeks from Monday), 1mo, 1q or 1y.
    #[arg(long, default_value = "1mo")]
    pub every: Every,
    /// Merge A→B and B→A into one dyad (listed alphabetically); a sentence counts once.
    #[arg(long)]
    pub undirected: bool,
    /// Weight articles, not statements: an article's statements in a dyad-period are averaged first.
    #[arg(long)]
    pub per_article: bool,
    /// Keep republished statements (by default a sentence repeated across articles, same pair, counts once).
    #[arg(long)]
    pub no_dedup: bool,
    /// Only statements that carry a stance (label cooperative or hostile); neutral ones, such as
    /// the receiving side of a directed statement, are left out.
    #[arg(long)]
    pub exclude_neutral: bool,
    /// Only each sentence's own source → target pairs (the `primary` column: first actor acts on
    /// the next; coordinated or meeting actors both ways), not every candidate direction.
    #[arg(long)]
    pub primary_only: bool,
    /// Weight each statement by the model's confidence (its highest class probability);
    /// 95 % intervals then use the effective sample size (Σw)²/Σw².
    #[arg(long)]
    pub confidence_weighted: bool,
}

impl AggregationArgs {
    pub fn series_options(&self, pairs: Vec<dyad::pairs::PairSpec>) -> dyad::series::SeriesOptions {
        dyad::series::SeriesOptions {
            every: self.every,
            pairs,
            undirected: self.undirected,
            per_article: self.per_article,
            dedup: !self.no_dedup,
            exclude_neutral: self.exclude_neutral,
            primary_only: self.primary_only,
            confidence_weighted: self.confidence_weighted,
            smooth: None,
            spikes: None,
        }
    }
}

pub fn parse_date_arg(s: &str) -> Result<chrono::NaiveDate, String> {
    dyad::dates::parse_date(s).ok_or_else(|| format!("unreadable date {s:?} (use YYYY-MM-DD)"))
}
