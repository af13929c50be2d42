//! Stage 5: the stance of a source country toward a target country in one sentence.
//!
//! Everything downstream sees only [`StanceScorer`]; the scorer behind it can change
//! (anchor similarity today, a trained directed classifier later) without touching the rest.
use anyhow::Result;
use serde::{Deserialize, Serialize};

pub mod anchor;
pub mod augment;
pub mod data;
pub mod ensemble;
pub mod metrics;
pub mod model;
pub mod train;

pub use anchor::{pair_window, AnchorScorer};
pub use ensemble::EnsembleScorer;
pub use model::DirectedStanceModel;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Cooperative,
    Neutral,
    Hostile,
}

impl Label {
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Cooperative => "cooperative",
            Label::Neutral => "neutral",
            Label::Hostile => "hostile",
        }
    }
}

impl std::str::FromStr for Label {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "cooperative" => Ok(Label::Cooperative),
            "neutral" => Ok(Label::Neutral),
            "hostile" => Ok(Label::Hostile),
            o => Err(format!("unknown label {o:?}")),
        }
    }
}

/// Class probabilities for one directed statement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StanceScore {
    pub p_cooperative: f32,
    pub p_neutral: f32,
    pub p_hostile: f32,
}

impl StanceScore {
    /// In [−1, 1]: p_cooperative − p_hostile.
    pub fn stance(&self) -> f32 {
        self.p_cooperative - self.p_hostile
    }

    /// The most probable class.
    pub fn label(&self) -> Label {
        if self.p_cooperative >= self.p_neutral && self.p_cooperative >= self.p_hostile {
            Label::Cooperative
        } else if self.p_hostile >= self.p_neutral {
            Label::Hostile
        } else {
            Label::Neutral
        }
    }
}

/// A sentence with the char spans of the source and target mentions.
#[derive(Debug, Clone, PartialEq)]
pub struct StanceInput {
    pub text: String,
    pub source: (usize, usize),
    pub target: (usize, usize),
}

/// Scores items in length-sorted batches (little padding) and returns the scores in input
/// order. `score_batch` gets the indices of one batch and returns `[batch, 3]` probabilities
/// (cooperative, neutral, hostile).
pub(crate) fn score_in_length_order(
    lengths: &[usize],
    batch_size: usize,
    mut score_batch: impl FnMut(&[usize]) -> Result<tch::Tensor>,
) -> Result<Vec<StanceScore>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| lengths[i]);
    let mut out = vec![StanceScore { p_cooperative: 0.0, p_neutral: 1.0, p_hostile: 0.0 }; lengths.len()];
    for chunk in order.chunks(batch_size.max(1)) {
        let probs = score_batch(chunk)?.to_device(tch::Device::Cpu);
        let probs: Vec<f32> = Vec::<f32>::try_from(probs.flatten(0, -1))?;
        for (k, &i) in chunk.iter().enumerate() {
            out[i] = StanceScore { p_cooperative: probs[3 * k], p_neutral: probs[3 * k + 1], p_hostile: probs[3 * k + 2] };
        }
    }
    Ok(out)
}

pub trait StanceScorer {
    /// Recorded in every output row's `model` column.
    fn model_name(&self) -> &str;
    fn score(&self, inputs: &[StanceInput]) -> Result<Vec<StanceScore>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stance_and_label_from_probabilities() {
        let s = StanceScore { p_cooperative: 0.7, p_neutral: 0.2, p_hostile: 0.1 };
        assert!((s.stance() - 0.6).abs() < 1e-6);
        assert_eq!(s.label(), Label::Cooperative);
        assert_eq!(StanceScore { p_cooperative: 0.1, p_neutral: 0.3, p_hostile: 0.6 }.label(), Label::Hostile);
        assert_eq!("neutral".parse::<Label>().unwrap(), Label::Neutral);
    }
}
