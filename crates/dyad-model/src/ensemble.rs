//! Several trained stance models read the same statements; their probabilities are averaged.
//! Fine-tuned models of one configuration disagree on hard statements with the seed; the mean
//! of a few is steadier than any one (`models/README.md` has the measurement).
use dyad_core::stance::{StanceInput, StanceScore, StanceScorer};
use anyhow::{bail, Result};

pub struct EnsembleScorer {
    members: Vec<Box<dyn StanceScorer>>,
    name: String,
}

impl EnsembleScorer {
    pub fn new(members: Vec<Box<dyn StanceScorer>>) -> Result<EnsembleScorer> {
        if members.is_empty() {
            bail!("an ensemble needs at least one model");
        }
        let name = format!("mean({})", members.iter().map(|m| m.model_name()).collect::<Vec<_>>().join(","));
        Ok(EnsembleScorer { members, name })
    }
}

impl StanceScorer for EnsembleScorer {
    fn model_name(&self) -> &str {
        &self.name
    }

    fn score(&self, inputs: &[StanceInput]) -> Result<Vec<StanceScore>> {
        let mut sum = vec![StanceScore { p_cooperative: 0.0, p_neutral: 0.0, p_hostile: 0.0 }; inputs.len()];
        for m in &self.members {
            for (acc, s) in sum.iter_mut().zip(m.score(inputs)?) {
                acc.p_cooperative += s.p_cooperative;
                acc.p_neutral += s.p_neutral;
                acc.p_hostile += s.p_hostile;
            }
        }
        let k = self.members.len() as f32;
        Ok(sum
            .into_iter()
            .map(|s| StanceScore { p_cooperative: s.p_cooperative / k, p_neutral: s.p_neutral / k, p_hostile: s.p_hostile / k })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scorer that says the same thing about every statement.
    struct Fixed(&'static str, StanceScore);
    impl StanceScorer for Fixed {
        fn model_name(&self) -> &str {
            self.0
        }
        fn score(&self, inputs: &[StanceInput]) -> Result<Vec<StanceScore>> {
            Ok(vec![self.1; inputs.len()])
        }
    }

    #[test]
    fn averages_members_and_names_them() {
        let a = Fixed("a", StanceScore { p_cooperative: 0.8, p_neutral: 0.2, p_hostile: 0.0 });
        let b = Fixed("b", StanceScore { p_cooperative: 0.2, p_neutral: 0.2, p_hostile: 0.6 });
        let e = EnsembleScorer::new(vec![Box::new(a), Box::new(b)]).unwrap();
        assert_eq!(e.model_name(), "mean(a,b)");
        let input = StanceInput { text: "x".into(), source: (0, 1), target: (0, 1) };
        let s = e.score(&[input.clone(), input]).unwrap();
        assert_eq!(s.len(), 2);
        assert!((s[0].p_cooperative - 0.5).abs() < 1e-6 && (s[0].p_hostile - 0.3).abs() < 1e-6);
        assert!(EnsembleScorer::new(vec![]).is_err());
    }
}
