//! Stage 5: the stance of a source country toward a target country in one sentence — the
//! interface only.
//!
//! Everything downstream sees only [`StanceScorer`] and these plain records (no tensor type):
//! the scorers behind it live in the `dyad-model` crate and can change (anchor similarity, a
//! trained directed classifier, an ensemble) without touching the rest.
use anyhow::Result;
use serde::{Deserialize, Serialize};

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
