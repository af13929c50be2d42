//! The stand-in scorer from the foundation: similarity to anchor statements. Kept as a
//! baseline (`--scorer anchor`) to show what the trained model adds.
use dyad_core::stance::{Label, StanceInput, StanceScore, StanceScorer};
use crate::encoder::Encoder;
use anyhow::Result;
use tch::{Kind, Tensor};

/// Statements that stand for each class; a pair's text is scored by its similarity to them.
const ANCHORS: &[(Label, &str)] = &[
    (Label::Cooperative, "the two countries agreed to strengthen cooperation and ties"),
    (Label::Cooperative, "signed an agreement on trade and economic cooperation"),
    (Label::Cooperative, "praised and welcomed the friendly relations between the two nations"),
    (Label::Cooperative, "pledged support and offered aid"),
    (Label::Cooperative, "held friendly talks and expanded bilateral relations"),
    (Label::Cooperative, "the two nations are brothers and friends"),
    (Label::Cooperative, "military and political ties between the two countries"),
    (Label::Hostile, "condemned and denounced the attack"),
    (Label::Hostile, "threatened military action and warned of retaliation"),
    (Label::Hostile, "accused the other country of terrorism"),
    (Label::Hostile, "imposed sanctions and expelled diplomats"),
    (Label::Hostile, "voiced concern over the threat to its security"),
    (Label::Hostile, "troops attacked and bombed the country"),
    (Label::Hostile, "tensions and dispute between the two countries escalated"),
    (Label::Neutral, "the minister said in a statement on Monday"),
    (Label::Neutral, "the official visited the capital"),
    (Label::Neutral, "the report was published in the newspaper"),
    (Label::Neutral, "people live in the city near the border"),
];

/// Stand-in scorer: embeds the stretch of the sentence that spans both actors (plus a few
/// words around it) and compares it with the anchor statements. It is real and cheap, but it
/// cannot tell direction (A→B and B→A read the same words), so it will be replaced by the
/// trained directed model.
pub struct AnchorScorer {
    encoder: Encoder,
    anchors: Tensor,
    classes: Vec<Label>,
    pub batch_size: usize,
}

/// Softmax temperature over cosine similarities.
const TEMPERATURE: f64 = 0.04;
/// Words of context kept on each side of the actors.
const CONTEXT_WORDS: usize = 6;

impl AnchorScorer {
    pub fn new(encoder: Encoder, batch_size: usize) -> Result<AnchorScorer> {
        let texts: Vec<&str> = ANCHORS.iter().map(|(_, t)| *t).collect();
        let anchors = encoder.embed(&texts)?;
        Ok(AnchorScorer { encoder, anchors, classes: ANCHORS.iter().map(|(l, _)| *l).collect(), batch_size: batch_size.max(1) })
    }
}

/// The part of the sentence from the earlier actor to the later one, widened by
/// `CONTEXT_WORDS` words each side.
pub fn pair_window(input: &StanceInput) -> String {
    let chars: Vec<char> = input.text.chars().collect();
    let lo = input.source.0.min(input.target.0);
    let hi = input.source.1.max(input.target.1).min(chars.len());
    let mut s = lo;
    let mut words = 0;
    while s > 0 && words <= CONTEXT_WORDS {
        s -= 1;
        if chars[s].is_whitespace() {
            words += 1;
        }
    }
    let mut e = hi;
    let mut words = 0;
    while e < chars.len() && words <= CONTEXT_WORDS {
        if chars[e].is_whitespace() {
            words += 1;
        }
        e += 1;
    }
    chars[s..e].iter().collect::<String>().trim().to_string()
}

impl StanceScorer for AnchorScorer {
    fn model_name(&self) -> &str {
        "anchor-minilm-v0"
    }

    fn score(&self, inputs: &[StanceInput]) -> Result<Vec<StanceScore>> {
        let windows: Vec<String> = inputs.iter().map(pair_window).collect();
        let lengths: Vec<usize> = windows.iter().map(String::len).collect();
        crate::batching::score_in_length_order(&lengths, self.batch_size, |chunk| {
            let texts: Vec<&str> = chunk.iter().map(|&i| windows[i].as_str()).collect();
            let emb = self.encoder.embed(&texts)?;
            let sims = emb.matmul(&self.anchors.tr()); // [b, anchors]
            let mut class_scores = Vec::new();
            for label in [Label::Cooperative, Label::Neutral, Label::Hostile] {
                let idx: Vec<i64> = (0..self.classes.len() as i64).filter(|&i| self.classes[i as usize] == label).collect();
                let s = sims.index_select(1, &Tensor::from_slice(&idx).to(self.encoder.device));
                // Mean of the two closest anchors of the class.
                class_scores.push(s.topk(2, 1, true, true).0.mean_dim([1i64].as_slice(), false, Kind::Float));
            }
            Ok((Tensor::stack(&class_scores, 1) / TEMPERATURE).softmax(1, Kind::Float))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_spans_both_actors() {
        let text = "In a long speech on Monday evening the Iranian president said Tehran seeks ties with Azerbaijan across every sector of the economy and beyond.";
        let src = text.find("Tehran").unwrap();
        let tgt = text.find("Azerbaijan").unwrap();
        let w = pair_window(&StanceInput { text: text.into(), source: (src, src + 6), target: (tgt, tgt + 10) });
        assert!(w.contains("Tehran seeks ties with Azerbaijan"), "{w}");
        assert!(!w.starts_with("In a long"), "{w}");
    }
}
