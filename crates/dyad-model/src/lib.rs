//! dyad-model: the stance scorers behind `dyad_core::stance::StanceScorer`, over libtorch.
//!
//! [`encoder`] (all-MiniLM-L6-v2 through rust-bert/tch, with a fast fp32/int8 inference
//! path), [`mpnet`] (all-mpnet-base-v2, written in tch: rust-bert has no MPNet), [`directed`] (the trained directed stance model), [`anchor`] (the untrained
//! baseline), [`ensemble`] (several models averaged), and [`spec::ScorerSpec`], the one place
//! that turns options into a loaded scorer. The model's configuration (manifest, training
//! config) is kept apart from its weights, as in rust-bert's pipelines.

pub mod anchor;
pub mod batching;
pub mod directed;
pub mod encoder;
pub mod ensemble;
pub mod mpnet;
pub mod pair_heads;
pub mod paths;
pub mod spec;

pub use anchor::{pair_window, AnchorScorer};
pub use directed::{DirectedStanceModel, Head};
pub use encoder::Precision;
pub use ensemble::EnsembleScorer;
pub use spec::{DeviceKind, ModelChoice, ScorerKind, ScorerSpec};
