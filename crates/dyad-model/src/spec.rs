//! Which scorer to build, as one value: the policy that turns options into a loaded
//! [`StanceScorer`] (ensembles, heads, precision, device, threads) lives here, not in the CLI.
use crate::encoder::{Encoder, Precision};
use crate::paths::{encoder_dir, project_models_dir};
use crate::pair_heads::PairModel;
use crate::{AnchorScorer, DirectedStanceModel, EnsembleScorer, Head};
use anyhow::{bail, Result};
use dyad_core::stance::StanceScorer;
use std::path::PathBuf;

/// The scorer behind `score`, `classify` and `eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ScorerKind {
    /// The shipped directed stance model (`models/stance`), or the folders of `stance_dirs`.
    #[default]
    Trained,
    /// The untrained baseline: similarity to anchor sentences.
    Anchor,
}

/// Which encoder reads the sentences under the pair heads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ModelChoice {
    /// all-MiniLM-L6-v2 (22 M parameters): the stance model with pair heads over its encoder
    /// (`models/stance`, `models/pairs`).
    #[default]
    Fast,
    /// all-mpnet-base-v2 (110 M) under the pair heads of `models/pairs-accurate` (role, quad,
    /// one-pass stance), the stance model for the pairs its manifest sends it; about 3× slower on
    /// CPU at f32 (`--precision int8` quantises MPNet too). Needs `make setup-accurate` (~400 MB,
    /// once).
    Accurate,
}

/// Where the model runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DeviceKind {
    #[default]
    Cpu,
    /// The first CUDA device (needs `make setup CUDA=1`).
    Cuda,
}

impl DeviceKind {
    pub fn device(self) -> Result<tch::Device> {
        Ok(match self {
            DeviceKind::Cpu => tch::Device::Cpu,
            DeviceKind::Cuda if tch::Cuda::is_available() => tch::Device::Cuda(0),
            DeviceKind::Cuda => bail!("--device cuda: no CUDA device visible to libtorch (CPU libtorch? run `make setup CUDA=1`)"),
        })
    }
}

/// Everything needed to load a scorer.
#[derive(Debug, Clone)]
pub struct ScorerSpec {
    pub kind: ScorerKind,
    /// The encoder folder; `None` finds the one `make setup` fetched ([`encoder_dir`]).
    pub encoder_dir: Option<PathBuf>,
    /// Trained model folders; empty means the shipped `models/stance`. Several are averaged.
    pub stance_dirs: Vec<PathBuf>,
    /// The output layer asked for; `None` takes `default_head` where the model has it.
    pub head: Option<Head>,
    /// The head a command prefers when none is asked for (`eval` on directed-sentiment files
    /// prefers the sentiment head of a two-head model).
    pub default_head: Head,
    pub precision: Precision,
    pub device: DeviceKind,
    pub batch_size: usize,
    /// CPU threads for libtorch and the tokenizer; `None` keeps all cores.
    pub threads: Option<usize>,
    /// Model v3's pair heads (`models/pairs`: learned role, quad) over the shipped stance
    /// model; without them `primary` is the word-order rule's and there is no quad.
    pub pair_heads: bool,
    /// The fast (MiniLM) or the accurate (MPNet) pair heads.
    pub model: ModelChoice,
}

impl Default for ScorerSpec {
    fn default() -> ScorerSpec {
        ScorerSpec {
            kind: ScorerKind::Trained,
            encoder_dir: None,
            stance_dirs: Vec::new(),
            head: None,
            default_head: Head::Stance,
            precision: Precision::F32,
            device: DeviceKind::Cpu,
            batch_size: 32,
            threads: None,
            pair_heads: true,
            model: ModelChoice::Fast,
        }
    }
}

/// Sets libtorch's and rayon's thread counts (rayon's only once per process).
pub fn set_threads(threads: Option<usize>) {
    if let Some(n) = threads {
        tch::set_num_threads(n as i32);
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    }
}

impl ScorerSpec {
    pub fn load(&self) -> Result<Box<dyn StanceScorer>> {
        set_threads(self.threads);
        let device = self.device.device()?;
        let dir = encoder_dir(self.encoder_dir.as_deref())?;
        match self.kind {
            ScorerKind::Trained => {
                let dirs = if self.stance_dirs.is_empty() { vec![project_models_dir().join("stance")] } else { self.stance_dirs.clone() };
                let mut members: Vec<Box<dyn StanceScorer>> = Vec::new();
                let pairs_dir = project_models_dir().join(match self.model {
                    ModelChoice::Fast => "pairs",
                    ModelChoice::Accurate => "pairs-accurate",
                });
                let with_heads = self.pair_heads && self.stance_dirs.is_empty() && pairs_dir.join("manifest.json").exists();
                if self.model == ModelChoice::Accurate {
                    if !self.pair_heads || !self.stance_dirs.is_empty() {
                        bail!("--model accurate is the pair heads over all-mpnet-base-v2; --no-pair-heads and --stance-dir apply to --model fast only");
                    }
                    if !with_heads {
                        bail!("--model accurate: {} has no manifest.json", pairs_dir.display());
                    }
                    if self.head == Some(Head::Sentiment) {
                        bail!("--model accurate: --head sentiment applies to --model fast only");
                    }
                }
                for stance_dir in &dirs {
                    let mut m = DirectedStanceModel::load(&dir, stance_dir, device)?;
                    m.batch_size = self.batch_size.max(1);
                    let head = match self.head {
                        // The accurate model is the pair heads, which read the stance head's encoder.
                        _ if self.model == ModelChoice::Accurate => Head::Stance,
                        Some(h) => h,
                        None if self.default_head == Head::Sentiment && !m.has_sentiment_head() => Head::Stance,
                        None => self.default_head,
                    };
                    m.set_head(head)?;
                    if self.precision != Precision::F32 {
                        m.set_inference_path(Some(self.precision))?;
                    }
                    if with_heads && head == Head::Stance {
                        let mut pm = PairModel::load(m, &pairs_dir)?;
                        if let Some(mpnet) = pm.mpnet.as_mut() {
                            mpnet.set_precision(self.precision)?;
                        }
                        pm.refresh_name();
                        members.push(Box::new(pm));
                        continue;
                    }
                    members.push(Box::new(m));
                }
                if members.len() == 1 {
                    return Ok(members.pop().unwrap());
                }
                Ok(Box::new(EnsembleScorer::new(members)?))
            }
            ScorerKind::Anchor => {
                if self.model != ModelChoice::Fast {
                    bail!("--model accurate applies to the trained scorer only");
                }
                if self.precision != Precision::F32 {
                    bail!("--precision int8 applies to the trained scorer only");
                }
                if self.head.is_some() {
                    bail!("--head applies to the trained scorer only");
                }
                if !self.stance_dirs.is_empty() {
                    bail!("--stance-dir applies to the trained scorer only");
                }
                Ok(Box::new(AnchorScorer::new(Encoder::load(&dir, device)?, self.batch_size)?))
            }
        }
    }
}
