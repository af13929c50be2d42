//! Evaluation, apart from training and inference: stance metrics on labelled files
//! ([`eval_plv`], [`eval_directed_sentiment`], [`eval_examples`]; confusion and calibration in
//! [`metrics`]) and actor-pair evaluation against annotated spans ([`pairs`]).
pub mod metrics;
pub mod pairs;

use crate::corpus::*;
use dyad_core::stance::{Label, StanceScore, StanceScorer};
use metrics::{Calibration, Confusion};
use anyhow::Result;
use serde::Serialize;

/// Combines the two directed calls on a directed-sentiment sentence into its 5-class label:
/// neutral when both directions are neutral, else the more confident non-neutral direction.
pub fn five_class(pq: &StanceScore, qp: &StanceScore) -> usize {
    let pick = |s: &StanceScore, pos: usize, neg: usize| match s.label() {
        Label::Cooperative => Some((s.p_cooperative, pos)),
        Label::Hostile => Some((s.p_hostile, neg)),
        Label::Neutral => None,
    };
    match (pick(pq, 1, 3), pick(qp, 2, 4)) {
        (None, None) => 0,
        (Some((_, c)), None) | (None, Some((_, c))) => c,
        (Some((a, ca)), Some((b, cb))) => {
            if a >= b {
                ca
            } else {
                cb
            }
        }
    }
}

/// One evaluated item, as `dyad eval --predictions` writes it: what was asked, the gold label
/// and what the model said, so every number of the evaluation can be checked by hand.
#[derive(Debug, Clone, Serialize)]
pub struct Prediction {
    /// sha256 of the sentence (first 16 hex digits), as in the split files.
    pub key: String,
    pub text: String,
    /// Char spans; for a directed-sentiment sentence, p and q.
    pub source: (usize, usize),
    pub target: (usize, usize),
    pub gold: String,
    pub predicted: String,
    /// source→target; for a directed-sentiment sentence p→q then q→p.
    pub scores: Vec<StanceScore>,
}

fn prediction(e: &Example, gold: &str, predicted: &str, scores: Vec<StanceScore>) -> Prediction {
    Prediction {
        key: e.key.clone(),
        text: e.input.text.clone(),
        source: e.input.source,
        target: e.input.target,
        gold: gold.to_string(),
        predicted: predicted.to_string(),
        scores,
    }
}

/// A confusion matrix, the calibration of the directed calls, and the items behind them.
pub struct Evaluation {
    pub confusion: Confusion,
    pub calibration: Calibration,
    pub predictions: Vec<Prediction>,
}

/// Directed items for [`Calibration`]: probabilities in label-index order and the gold index.
fn calibration_of(examples: &[Example], scores: &[StanceScore]) -> Calibration {
    let items: Vec<([f32; 3], usize)> = examples
        .iter()
        .zip(scores)
        .map(|(e, s)| ([s.p_cooperative, s.p_neutral, s.p_hostile], label_index(e.label) as usize))
        .collect();
    Calibration::new(&items)
}

/// Results on the PLV dev part: cooperative-vs-hostile on the given direction, and 3 classes
/// over both directions (the predictions are the directed items).
pub struct PlvEval {
    pub coop_vs_hostile: Confusion,
    /// PLOVER quad of the marked pair (source→target), where the scorer has a quad head.
    pub quad: Option<Confusion>,
    pub directed: Confusion,
    pub calibration: Calibration,
    pub predictions: Vec<Prediction>,
}

pub fn eval_plv(scorer: &dyn StanceScorer, sentences: &[PlvSentence]) -> Result<PlvEval> {
    let ex = plv_examples(sentences);
    let inputs: Vec<_> = ex.iter().map(|e| e.input.clone()).collect();
    // The marked pairs are asserted: each is its sentence's source → target.
    let pairs = scorer.score_pairs(&inputs, &vec![true; inputs.len()])?;
    let scores: Vec<StanceScore> = pairs.iter().map(|p| p.stance).collect();
    let mut quad = pairs.iter().any(|p| p.quad.is_some()).then(|| Confusion::new(&dyad_core::stance::Quad::ALL.map(|q| q.as_str())));
    let mut cvh = Confusion::new(&["cooperative", "hostile"]);
    let mut directed = Confusion::new(&["cooperative", "neutral", "hostile"]);
    let mut predictions = Vec::with_capacity(ex.len());
    for (k, (e, s)) in ex.iter().zip(&scores).enumerate() {
        directed.add(label_index(e.label) as usize, label_index(s.label()) as usize);
        predictions.push(prediction(e, e.label.as_str(), s.label().as_str(), vec![*s]));
        if k % 2 == 0 {
            // Forward direction: which of the two polarities does the model prefer?
            let gold = if e.label == Label::Cooperative { 0 } else { 1 };
            cvh.add(gold, if s.p_cooperative >= s.p_hostile { 0 } else { 1 });
            if let (Some(q), Some((top, _)), Some(gold)) = (quad.as_mut(), pairs[k].top_quad(), dyad_core::stance::Quad::from_penta(sentences[k / 2].penta)) {
                let at = |x| dyad_core::stance::Quad::ALL.iter().position(|y| *y == x).unwrap();
                q.add(at(gold), at(top));
            }
        }
    }
    Ok(PlvEval { coop_vs_hostile: cvh, quad, directed, calibration: calibration_of(&ex, &scores), predictions })
}

pub const FIVE_CLASS: [&str; 5] = ["neutral", "positive p→q", "positive q→p", "negative p→q", "negative q→p"];

pub fn eval_directed_sentiment(scorer: &dyn StanceScorer, sentences: &[DsSentence]) -> Result<Evaluation> {
    let ex = ds_examples(sentences, Trains::Sentiment);
    let inputs: Vec<_> = ex.iter().map(|e| e.input.clone()).collect();
    let scores = scorer.score(&inputs)?;
    let mut confusion = Confusion::new(&FIVE_CLASS);
    let mut predictions = Vec::with_capacity(sentences.len());
    for ((s, pair), e) in sentences.iter().zip(scores.chunks(2)).zip(ex.chunks(2)) {
        let predicted = five_class(&pair[0], &pair[1]);
        confusion.add(s.label, predicted);
        predictions.push(prediction(&e[0], FIVE_CLASS[s.label], FIVE_CLASS[predicted], pair.to_vec()));
    }
    Ok(Evaluation { confusion, calibration: calibration_of(&ex, &scores), predictions })
}

pub fn eval_examples(scorer: &dyn StanceScorer, examples: &[Example]) -> Result<Evaluation> {
    let inputs: Vec<_> = examples.iter().map(|e| e.input.clone()).collect();
    let scores = scorer.score(&inputs)?;
    let mut confusion = Confusion::new(&["cooperative", "neutral", "hostile"]);
    let mut predictions = Vec::with_capacity(examples.len());
    for (e, s) in examples.iter().zip(&scores) {
        confusion.add(label_index(e.label) as usize, label_index(s.label()) as usize);
        predictions.push(prediction(e, e.label.as_str(), s.label().as_str(), vec![*s]));
    }
    Ok(Evaluation { confusion, calibration: calibration_of(examples, &scores), predictions })
}

