//! Stage 4: turn the mentions of a sentence into directed candidate pairs.
//!
//! Every ordered pair of distinct countries is a candidate (A→B and B→A); the stance
//! model, which reads the marked source and target, decides which direction carries a
//! stance and which is neutral. The first mention of each country stands for it, preferring a
//! name, demonym, capital or office-holder over a person remembered from earlier in the article.
use crate::actors::Mention;

/// A directed (source → target) pair within one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidatePair {
    pub source: Mention,
    pub target: Mention,
}

/// At most this many distinct countries per sentence are paired (lists of a dozen
/// countries would give 132 pairs of noise); the first ones named are kept.
pub const MAX_COUNTRIES_PER_SENTENCE: usize = 6;

pub fn candidate_pairs(mentions: &[Mention]) -> Vec<CandidatePair> {
    let mut firsts: Vec<&Mention> = Vec::new();
    let remembered = |m: &Mention| matches!(m.via, crate::actors::Via::Memory { .. });
    for m in mentions {
        match firsts.iter().position(|f| f.code == m.code) {
            None => firsts.push(m),
            Some(i) if remembered(firsts[i]) && !remembered(m) => firsts[i] = m,
            Some(_) => {}
        }
    }
    // Keep sentence order after replacements.
    firsts.sort_by_key(|m| m.start);
    firsts.truncate(MAX_COUNTRIES_PER_SENTENCE);
    let mut out = Vec::new();
    for s in &firsts {
        for t in &firsts {
            if s.code != t.code {
                out.push(CandidatePair { source: (*s).clone(), target: (*t).clone() });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::Gazetteer;

    #[test]
    fn distinct_countries_give_both_directions() {
        let d = chrono::NaiveDate::from_ymd_opt(2025, 2, 4).unwrap();
        let t = "Tehran perceives Israel’s military and political ties with Azerbaijan as a potential threat to Iran.";
        let pairs = candidate_pairs(&Gazetteer::builtin().find(t, d));
        let got: Vec<(String, String)> = pairs.iter().map(|p| (p.source.code.clone(), p.target.code.clone())).collect();
        assert_eq!(got.len(), 6);
        assert!(got.contains(&("IRN".into(), "ISR".into())));
        assert!(got.contains(&("ISR".into(), "AZE".into())));
        assert!(got.contains(&("AZE".into(), "IRN".into())));
        // IRN's first mention ("Tehran") stands for it.
        assert_eq!(pairs[0].source.text, "Tehran");
        assert!(candidate_pairs(&Gazetteer::builtin().find("Iran and Iran again.", d)).is_empty());
    }
}
