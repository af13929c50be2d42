//! How well actors and dyads find who acts on whom, measured against sentences annotated with
//! source and target spans (CoNLL, one token per line with BIO tags: `S` source, `T` target,
//! `R` both, e.g. `../shared/data/actors/conflibert_source_target_train.conll`).
//!
//! Gold pairs: each annotated span is resolved with the gazetteer on its own text; every
//! (source-side code, target-side code) with source side = S or R spans, target side = T or R
//! spans, is a gold directed pair. Predicted pairs: the sentence's actors (place rule and all)
//! paired by [`dyad_core::dyads::candidate_pairs`], directed by a [`Direction`] policy.
use crate::conll::{SpanSentence, CONLL_DATE};
use dyad_core::actors::{ArticleActors, Gazetteer, Mention};
use dyad_core::dyads::{candidate_pairs, reciprocal};
use dyad_core::segment::char_slice;
use dyad_core::stance::{Label, StanceInput, StanceScorer};
use anyhow::Result;
use chrono::NaiveDate;
use std::collections::BTreeSet;


/// Gold directed pairs of a sentence: (source code, target code), with the kinds of both ends.
pub fn gold_pairs(g: &Gazetteer, s: &SpanSentence, date: NaiveDate) -> BTreeSet<(String, String, bool)> {
    let codes = |role: char| -> BTreeSet<String> {
        s.spans
            .iter()
            .filter(|(r, _, _)| *r == role || *r == 'R')
            .flat_map(|(_, a, b)| g.find_with(&char_slice(&s.text, *a, *b), date, dyad_core::actors::PlaceRule::Off).0)
            .map(|m| m.code)
            .collect()
    };
    let (src, tgt) = (codes('S'), codes('T'));
    let mut out = BTreeSet::new();
    for a in &src {
        for b in &tgt {
            if a != b {
                out.insert((a.clone(), b.clone(), g.kind_of(a) == "country" && g.kind_of(b) == "country"));
            }
        }
    }
    out
}

/// How a candidate pair is given its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Both directions of every pair (what `dyad score` writes; the model's neutral label is
    /// left to mark the receiving side).
    Both,
    /// The actor named first is the source ("Russia vetoed a Japanese-drafted resolution"),
    /// both ways when the two are coordinated ("Iran and Azerbaijan agreed").
    Order,
    /// Like `Order`, with the first actor named as the only source (and the actors coordinated
    /// with it or meeting it): later actors are objects, topics or places of its action, not
    /// sources toward each other ("Putin will meet Erdogan for talks on Syria and Iraq").
    Anchored,
    /// The directions the stance model gives a stance (cooperative or hostile); when it gives
    /// neither, the `Order` direction.
    Model,
    /// Model v3's role head: `p_primary` ≥ 0.5 (only with a scorer that has pair heads).
    Learned,
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct PairCounts {
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
}

impl PairCounts {
    pub fn precision(&self) -> f64 {
        self.correct as f64 / self.predicted.max(1) as f64
    }
    pub fn recall(&self) -> f64 {
        self.correct as f64 / self.gold.max(1) as f64
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    }
}

/// Place-vs-actor decisions against the spans: a gazetteer match is an actor when it overlaps
/// an annotated span.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct PlaceCounts {
    /// Rejected as a place, and indeed in no span.
    pub rejected_right: usize,
    /// Rejected as a place, but annotated as an actor.
    pub rejected_wrong: usize,
    /// Kept as an actor, in a span.
    pub kept_right: usize,
    /// Kept as an actor, in no span.
    pub kept_wrong: usize,
}

pub struct PairEval {
    /// Sentences measured: those whose annotation has a source side and a target side.
    pub sentences: usize,
    /// Sentences left out because only one side is annotated ("Palestinian gunmen[S] killed an
    /// Israeli soldier[untagged]"): any pair predicted there could not be judged.
    pub partial: usize,
    /// Country pairs only (the floor), then with international organisations.
    pub countries: Vec<(Direction, PairCounts)>,
    pub with_igos: Vec<(Direction, PairCounts)>,
    pub places: PlaceCounts,
    /// Some wrong or missed pairs for the report: (line, text, gold, predicted by `Order`).
    pub examples: Vec<(usize, String, Vec<String>, Vec<String>)>,
    /// Some place decisions the annotation contradicts: (line, mention, reason or "kept").
    pub place_errors: Vec<(usize, String, String)>,
}

/// The annotation marks a source side (S or R) and a target side (T or R).
pub fn fully_annotated(s: &SpanSentence) -> bool {
    let has = |r: char| s.spans.iter().any(|(x, _, _)| *x == r || *x == 'R');
    has('S') && has('T')
}

/// Runs the three direction policies over `sentences`; `scorer` is needed for `Model`.
pub fn evaluate(g: &Gazetteer, sentences: &[SpanSentence], scorer: Option<&dyn StanceScorer>) -> Result<PairEval> {
    let date = NaiveDate::from_ymd_opt(CONLL_DATE.0, CONLL_DATE.1, CONLL_DATE.2).unwrap();
    let policies = [Direction::Both, Direction::Order, Direction::Anchored, Direction::Model, Direction::Learned];
    let mut countries = vec![PairCounts::default(); policies.len()];
    let mut with_igos = vec![PairCounts::default(); policies.len()];
    let mut places = PlaceCounts::default();
    let mut examples = Vec::new();
    let mut place_errors = Vec::new();
    // Score every candidate direction once, for the Model policy.
    let mut per_sentence: Vec<(Vec<Mention>, Vec<(usize, usize)>)> = Vec::new();
    let mut inputs = Vec::new();
    let mut rules = Vec::new();
    let partial = sentences.iter().filter(|s| !fully_annotated(s)).count();
    let sentences: Vec<&SpanSentence> = sentences.iter().filter(|s| fully_annotated(s)).collect();
    for s in &sentences {
        let (mentions, rejected) = ArticleActors::new(g, date).find_explained(&s.text);
        let in_span = |a: usize, b: usize| s.spans.iter().any(|(_, x, y)| a < *y && *x < b);
        for m in &mentions {
            if in_span(m.start, m.end) {
                places.kept_right += 1;
            } else {
                places.kept_wrong += 1;
            }
        }
        for r in rejected.iter().filter(|r| r.reason.starts_with("place")) {
            if in_span(r.start, r.end) {
                places.rejected_wrong += 1;
                if place_errors.len() < 60 {
                    place_errors.push((s.line, r.text.clone(), format!("{} in: {}", r.reason, s.text)));
                }
            } else {
                places.rejected_right += 1;
            }
        }
        let pairs = candidate_pairs(&s.text, &mentions);
        let mut idx = Vec::new();
        for p in &pairs {
            idx.push((inputs.len(), 0));
            inputs.push(StanceInput { text: s.text.clone(), source: (p.source.start, p.source.end), target: (p.target.start, p.target.end) });
            rules.push(p.primary);
        }
        per_sentence.push((mentions, idx));
    }
    let pair_scores = match scorer {
        Some(sc) if !inputs.is_empty() => sc.score_pairs(&inputs, &rules)?,
        _ => Vec::new(),
    };
    let scores: Vec<_> = pair_scores.iter().map(|p| p.stance).collect();
    let has_roles = pair_scores.iter().any(|p| p.p_primary.is_some());
    for (s, (mentions, idx)) in sentences.iter().zip(&per_sentence) {
        let gold = gold_pairs(g, s, date);
        let pairs = candidate_pairs(&s.text, mentions);
        for (k, policy) in policies.iter().enumerate() {
            if *policy == Direction::Model && scores.is_empty() || *policy == Direction::Learned && !has_roles {
                continue;
            }
            let mut predicted: BTreeSet<(String, String, bool)> = BTreeSet::new();
            for (pi, p) in pairs.iter().enumerate() {
                let first = p.source.start < p.target.start;
                let order = first || reciprocal(&s.text, &p.source, &p.target);
                let keep = match policy {
                    Direction::Both => true,
                    Direction::Order => order,
                    Direction::Anchored => p.primary,
                    Direction::Learned => pair_scores[idx[pi].0].p_primary.unwrap_or(0.0) >= 0.5,
                    Direction::Model => {
                        let this = scores[idx[pi].0].label() != Label::Neutral;
                        let back = pairs
                            .iter()
                            .position(|q| q.source.code == p.target.code && q.target.code == p.source.code)
                            .map(|j| scores[idx[j].0].label() != Label::Neutral)
                            .unwrap_or(false);
                        this || (!back && order)
                    }
                };
                if keep {
                    let both_countries = p.source.kind == "country" && p.target.kind == "country";
                    predicted.insert((p.source.code.clone(), p.target.code.clone(), both_countries));
                }
            }
            for (counts, only_countries) in [(&mut countries[k], true), (&mut with_igos[k], false)] {
                let filt = |x: &&(String, String, bool)| !only_countries || x.2;
                let gs: BTreeSet<_> = gold.iter().filter(filt).collect();
                let ps: BTreeSet<_> = predicted.iter().filter(filt).collect();
                counts.gold += gs.len();
                counts.predicted += ps.len();
                counts.correct += gs.intersection(&ps).count();
            }
            if *policy == Direction::Anchored && examples.len() < 40 {
                let gs: BTreeSet<_> = gold.iter().filter(|x| x.2).collect();
                let ps: BTreeSet<_> = predicted.iter().filter(|x| x.2).collect();
                if gs != ps {
                    let show = |v: &BTreeSet<&(String, String, bool)>| v.iter().map(|(a, b, _)| format!("{a}→{b}")).collect();
                    examples.push((s.line, s.text.clone(), show(&gs), show(&ps)));
                }
            }
        }
    }
    Ok(PairEval {
        sentences: sentences.len(),
        partial,
        countries: policies.iter().copied().zip(countries).collect(),
        with_igos: policies.iter().copied().zip(with_igos).collect(),
        places,
        examples,
        place_errors,
    })
}

impl PairEval {
    pub fn render(&self) -> String {
        let mut s = format!("{} sentences with source and target annotated ({} with one side only left out)\n\ndirected pairs      policy   gold  predicted  correct  precision  recall     F1\n", self.sentences, self.partial);
        for (title, rows) in [("countries", &self.countries), ("countries + IGOs", &self.with_igos)] {
            for (d, c) in rows.iter().filter(|(_, c)| c.gold + c.predicted > 0) {
                s += &format!(
                    "{title:<19} {:<7} {:>5} {:>10} {:>8} {:>10.3} {:>7.3} {:>6.3}\n",
                    format!("{d:?}").to_lowercase(),
                    c.gold,
                    c.predicted,
                    c.correct,
                    c.precision(),
                    c.recall(),
                    c.f1()
                );
            }
        }
        let p = self.places;
        s += &format!(
            "\nplace vs actor (a gazetteer match is an actor when it lies in an annotated span):\n  rejected as place: {} ({} right, {} were actors)\n  kept as actor:     {} ({} in a span, {} in none)\n",
            p.rejected_right + p.rejected_wrong,
            p.rejected_right,
            p.rejected_wrong,
            p.kept_right + p.kept_wrong,
            p.kept_right,
            p.kept_wrong
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conll::load_conll;

    fn conll(body: &str) -> Vec<SpanSentence> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.conll");
        std::fs::write(&p, body).unwrap();
        load_conll(&p).unwrap()
    }

    #[test]
    fn spans_pairs_and_policies() {
        let s = conll("Russia B-S\nvetoed O\na O\nJapanese B-T\n- I-T\ndrafted I-T\nresolution I-T\nin O\nDamascus O\n. O\n\nIran B-R\nand O\nAzerbaijan B-R\nagreed O\n. O\n");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].text, "Russia vetoed a Japanese - drafted resolution in Damascus.");
        assert_eq!(s[0].spans, vec![('S', 0, 6), ('T', 16, 45)]);
        assert_eq!(s[1].line, 12);
        let g = Gazetteer::builtin();
        let d = NaiveDate::from_ymd_opt(2018, 1, 1).unwrap();
        let gold: Vec<_> = gold_pairs(g, &s[0], d).into_iter().map(|(a, b, _)| format!("{a}→{b}")).collect();
        assert_eq!(gold, ["RUS→JPN"]);
        // R spans give both directions.
        assert_eq!(gold_pairs(g, &s[1], d).len(), 2);
        let e = evaluate(g, &s, None).unwrap();
        // "in Damascus" is a place; Order gets RUS→JPN and both IRN/AZE directions: all right.
        let order = e.countries.iter().find(|(d, _)| *d == Direction::Order).unwrap().1;
        assert_eq!((order.gold, order.predicted, order.correct), (3, 3, 3));
        let both = e.countries.iter().find(|(d, _)| *d == Direction::Both).unwrap().1;
        assert_eq!((both.predicted, both.correct), (4, 3));
        assert_eq!((e.places.rejected_right, e.places.rejected_wrong), (1, 0));
    }

    #[test]
    fn an_inside_tag_of_another_role_keeps_the_open_span() {
        let s = conll("Iran B-S\nofficials I-S\nAzerbaijani I-T\nleaders I-T\nmet O\n");
        assert_eq!(s[0].spans, [('S', 0, 14), ('T', 15, 34)]);
    }

    #[test]
    fn bad_tags_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad.conll");
        std::fs::write(&p, "Iran B-S\nsaid SOMETHING\n").unwrap();
        let e = load_conll(&p).unwrap_err().to_string();
        assert!(e.contains("bad.conll:2"), "{e}");
    }
}
