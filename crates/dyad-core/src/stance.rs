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

    /// +1, 0 or −1: the sign a relation takes in structural balance (a triangle is balanced when
    /// the product of its three signs is not negative).
    pub fn sign(self) -> i32 {
        match self {
            Label::Cooperative => 1,
            Label::Neutral => 0,
            Label::Hostile => -1,
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

/// PLOVER's quad classes: verbal vs material, cooperation vs conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Quad {
    VerbalCooperation,
    MaterialCooperation,
    VerbalConflict,
    MaterialConflict,
}

impl Quad {
    /// In the model's output order (PLV's penta 1–4).
    pub const ALL: [Quad; 4] = [Quad::VerbalCooperation, Quad::MaterialCooperation, Quad::VerbalConflict, Quad::MaterialConflict];

    pub fn as_str(self) -> &'static str {
        match self {
            Quad::VerbalCooperation => "verbal_cooperation",
            Quad::MaterialCooperation => "material_cooperation",
            Quad::VerbalConflict => "verbal_conflict",
            Quad::MaterialConflict => "material_conflict",
        }
    }

    /// PLV's `penta` 1–4 (0, a statement with neither, has no quad).
    pub fn from_penta(penta: u8) -> Option<Quad> {
        Quad::ALL.get((penta as usize).checked_sub(1)?).copied()
    }
}

impl std::str::FromStr for Quad {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Quad::ALL
            .into_iter()
            .find(|q| q.as_str() == s)
            .ok_or_else(|| format!("unknown quad {s:?} (one of verbal_cooperation, material_cooperation, verbal_conflict, material_conflict)"))
    }
}

/// Everything a scorer says about one ordered pair: the stance, and where the scorer has the
/// pair heads (model v3) the role — P(this pair is the sentence's source → target) — and
/// the PLOVER quad class probabilities (in [`Quad::ALL`] order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairScore {
    pub stance: StanceScore,
    /// The role head's decision (`p_primary` at or above the model's threshold).
    pub primary: Option<bool>,
    pub p_primary: Option<f32>,
    pub quad: Option<[f32; 4]>,
}

impl PairScore {
    /// The most probable quad class and its probability.
    pub fn top_quad(&self) -> Option<(Quad, f32)> {
        let q = self.quad?;
        let (i, p) = q.iter().copied().enumerate().fold((0, f32::MIN), |a, (i, p)| if p > a.1 { (i, p) } else { a });
        Some((Quad::ALL[i], p))
    }
}

pub trait StanceScorer {
    /// Recorded in every output row's `model` column.
    fn model_name(&self) -> &str;
    fn score(&self, inputs: &[StanceInput]) -> Result<Vec<StanceScore>>;

    /// Stance, role and event type of each pair. `rule_primary` is the word-order rule's
    /// decision for each input (see `dyads::anchored`), which a learned role head may read.
    /// Scorers without pair heads give the stance only.
    fn score_pairs(&self, inputs: &[StanceInput], rule_primary: &[bool]) -> Result<Vec<PairScore>> {
        let _ = rule_primary;
        Ok(self.score(inputs)?.into_iter().map(|stance| PairScore { stance, primary: None, p_primary: None, quad: None }).collect())
    }
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

    #[test]
    fn quads_follow_penta_and_parse_back() {
        assert_eq!(Quad::from_penta(0), None);
        assert_eq!(Quad::from_penta(4), Some(Quad::MaterialConflict));
        for q in Quad::ALL {
            assert_eq!(q.as_str().parse::<Quad>().unwrap(), q);
        }
        assert!("conflict".parse::<Quad>().unwrap_err().contains("material_conflict"));
        let s = PairScore { stance: StanceScore { p_cooperative: 0.1, p_neutral: 0.1, p_hostile: 0.8 }, primary: Some(true), p_primary: Some(0.9), quad: Some([0.1, 0.1, 0.7, 0.1]) };
        assert_eq!(s.top_quad(), Some((Quad::VerbalConflict, 0.7)));
    }
}
