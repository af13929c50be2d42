//! Model v3: one encoder pass per sentence, then a pair head for every ordered pair of actor
//! mentions in it (the "all entities encoded once + pairwise classifier" family of relation
//! extraction). For each pair it gives
//! - the **role**: P(this pair is a source → target of what the sentence reports), learned
//!   from annotated roles instead of the word-order rule (which it reads as one input);
//! - the **stance** (cooperative / neutral / hostile);
//! - the PLOVER **quad** class (verbal/material × cooperation/conflict) and root event.
//!
//! The encoder is the trained stance model's (`models/stance`), read once per sentence with no
//! markers; a mention is the mean of its word pieces' final states. A pair's features are
//! [CLS] ⊕ source ⊕ target ⊕ source⊙target ⊕ position features; one hidden layer is shared by
//! the heads. On disk (`models/pairs/`): `heads.safetensors` and `manifest.json`, which names the
//! stance weights' sha256 the heads were trained over (heads over another encoder are refused).
use crate::directed::{fold_quote, sha256_file, DirectedStanceModel};
use crate::encoder::MAX_TOKENS;
use crate::mpnet::MpnetEncoder;
use anyhow::{bail, Context, Result};
use dyad_core::stance::{PairScore, StanceInput, StanceScore, StanceScorer};
use rust_tokenizers::tokenizer::Tokenizer;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use tch::nn::{self, Module};
use tch::{Device, Kind, Tensor};

/// Position features of a pair: order (+1 source first, −1 target first), signed distance in
/// word pieces / 32 (clamped to ±4), 1 / number of mentions in the sentence.
const POSITION_FEATURES: i64 = 3;

/// Length of a pair's feature vector over an encoder of width `hidden`.
pub fn feature_count(hidden: i64) -> i64 {
    4 * hidden + POSITION_FEATURES
}

/// The encoder the pair heads read once per sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PairEncoderKind {
    /// The trained stance model's all-MiniLM-L6-v2 (`models/stance`), 384 wide.
    #[default]
    StanceModel,
    /// all-mpnet-base-v2 as setup fetches it (`make setup-accurate`), 768 wide, not fine-tuned.
    Mpnet,
}

impl PairEncoderKind {
    pub fn hidden(self) -> i64 {
        match self {
            PairEncoderKind::StanceModel => 384,
            PairEncoderKind::Mpnet => 768,
        }
    }
}

/// The ids that open and close an encoder's input, and the window's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Specials {
    pub cls: i64,
    pub sep: i64,
    pub max_tokens: usize,
}

impl Specials {
    /// BERT's [CLS] and [SEP] (all-MiniLM-L6-v2).
    pub const BERT: Specials = Specials { cls: 101, sep: 102, max_tokens: MAX_TOKENS };
    /// MPNet's `<s>` and `</s>`; the same 128-piece window as MiniLM (news sentences rarely
    /// need more, and the window keeps the mentions' region).
    pub const MPNET: Specials = Specials { cls: 0, sep: 2, max_tokens: MAX_TOKENS };
}

/// An encoder as the pair heads use it: word pieces with mention ranges, then every token's
/// last hidden state, one pass per sentence.
pub enum SentenceEncoder<'a> {
    StanceModel(&'a DirectedStanceModel),
    Mpnet(&'a MpnetEncoder),
}

impl SentenceEncoder<'_> {
    pub fn kind(&self) -> PairEncoderKind {
        match self {
            SentenceEncoder::StanceModel(_) => PairEncoderKind::StanceModel,
            SentenceEncoder::Mpnet(_) => PairEncoderKind::Mpnet,
        }
    }

    pub fn encode(&self, text: &str, mentions: &[(usize, usize)]) -> EncodedSentence {
        match self {
            SentenceEncoder::StanceModel(m) => encode_sentence(&m.encoder.tokenizer, text, mentions, m.folds_quotes(), Specials::BERT),
            SentenceEncoder::Mpnet(m) => encode_sentence(&m.tokenizer, text, mentions, true, Specials::MPNET),
        }
    }

    /// Last hidden states `[b, len, hidden]` of padded id sequences.
    pub fn hidden_all(&self, seqs: &[Vec<i64>]) -> Result<Tensor> {
        Ok(match self {
            SentenceEncoder::StanceModel(m) => {
                let fast = m.fast().context("the stance model has no inference path")?;
                fast.hidden_all(&m.encoder.pad(seqs))
            }
            SentenceEncoder::Mpnet(m) => m.hidden(&m.pad(seqs), false),
        })
    }

    /// One pass per sentence, in length-sorted batches.
    pub fn states(&self, sentences: &[EncodedSentence], batch_size: usize) -> Result<Vec<SentenceStates>> {
        sentence_states(&|seqs: &[Vec<i64>]| self.hidden_all(seqs), sentences, batch_size)
    }
}

/// A sentence's word-piece ids and, for each mention, its token range in them (empty when the
/// mention fell outside the [`MAX_TOKENS`] window).
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedSentence {
    pub ids: Vec<i64>,
    pub ranges: Vec<(usize, usize)>,
}

/// Tokenizes `text` with the mention boundaries (char spans) as cut points, so each mention's
/// word pieces are known exactly; a sentence longer than the window keeps the region from the
/// first to the last mention with context on both sides, or the region's start if even that
/// is too long.
pub fn encode_sentence(
    tokenizer: &impl Tokenizer<rust_tokenizers::vocab::BertVocab>,
    text: &str,
    mentions: &[(usize, usize)],
    fold_quotes: bool,
    specials: Specials,
) -> EncodedSentence {
    let chars: Vec<char> = text.chars().map(|c| if fold_quotes { fold_quote(c) } else { c }).collect();
    let n = chars.len();
    let clamp = |(a, b): (usize, usize)| (a.min(n), b.min(n).max(a.min(n)));
    let spans: Vec<(usize, usize)> = mentions.iter().map(|&m| clamp(m)).collect();
    let mut cuts: Vec<usize> = vec![0, n];
    for &(a, b) in &spans {
        cuts.push(a);
        cuts.push(b);
    }
    cuts.sort_unstable();
    cuts.dedup();
    // Token index at each cut point.
    let mut body: Vec<i64> = Vec::new();
    let mut at_cut: HashMap<usize, usize> = HashMap::new();
    for w in cuts.windows(2) {
        at_cut.insert(w[0], body.len());
        let piece: String = chars[w[0]..w[1]].iter().collect();
        body.extend(tokenizer.convert_tokens_to_ids(&tokenizer.tokenize(&piece)));
    }
    at_cut.insert(n, body.len());
    let ranges: Vec<(usize, usize)> = spans.iter().map(|(a, b)| (at_cut[a], at_cut[b])).collect();
    let room = specials.max_tokens - 2;
    let window = if body.len() <= room {
        0..body.len()
    } else {
        let first = ranges.iter().filter(|r| r.1 > r.0).map(|r| r.0).min().unwrap_or(0);
        let last = ranges.iter().map(|r| r.1).max().unwrap_or(0);
        if last.saturating_sub(first) >= room {
            first..first + room
        } else {
            let spare = room - (last - first);
            let left = (spare / 2).min(first);
            let right = (spare - left).min(body.len() - last);
            let left = (spare - right).min(first);
            first - left..last + right
        }
    };
    let mut ids = Vec::with_capacity(window.len() + 2);
    ids.push(specials.cls);
    ids.extend_from_slice(&body[window.clone()]);
    ids.push(specials.sep);
    let ranges = ranges
        .iter()
        .map(|&(a, b)| {
            let (a, b) = (a.max(window.start), b.min(window.end));
            if b > a {
                (a - window.start + 1, b - window.start + 1)
            } else {
                (0, 0)
            }
        })
        .collect();
    EncodedSentence { ids, ranges }
}

/// What the pair features read from one sentence's pass: the [CLS] state `[hidden]`, each
/// mention's mean state `[k, hidden]` ([CLS] for a mention cut by the window) and its first
/// token.
pub struct SentenceStates {
    pub cls: Tensor,
    pub mentions: Tensor,
    pub starts: Vec<usize>,
}

/// What the pair features read from one sentence's last hidden states `[len, hidden]` (padding
/// past the sentence is never read). Differentiable: training the encoder's top layers goes
/// through it.
pub fn states_of(hs: &Tensor, s: &EncodedSentence) -> SentenceStates {
    let cls = hs.get(0);
    let ms: Vec<Tensor> = s
        .ranges
        .iter()
        .map(|&(a, e)| if e > a { hs.narrow(0, a as i64, (e - a) as i64).mean_dim([0i64].as_slice(), false, Kind::Float) } else { cls.shallow_clone() })
        .collect();
    let mentions = if ms.is_empty() { Tensor::zeros([0, hs.size()[1]], (Kind::Float, hs.device())) } else { Tensor::stack(&ms, 0) };
    SentenceStates { cls, mentions, starts: s.ranges.iter().map(|r| r.0).collect() }
}

/// One pass per sentence through `hidden_all` (padded ids → `[b, len, hidden]`), in
/// length-sorted batches.
pub fn sentence_states(hidden_all: &dyn Fn(&[Vec<i64>]) -> Result<Tensor>, sentences: &[EncodedSentence], batch_size: usize) -> Result<Vec<SentenceStates>> {
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    order.sort_by_key(|&i| sentences[i].ids.len());
    let mut out: Vec<Option<SentenceStates>> = (0..sentences.len()).map(|_| None).collect();
    tch::no_grad(|| -> Result<()> {
        for chunk in order.chunks(batch_size.max(1)) {
            let seqs: Vec<Vec<i64>> = chunk.iter().map(|&i| sentences[i].ids.clone()).collect();
            let h = hidden_all(&seqs)?.to_device(Device::Cpu);
            for (b, &i) in chunk.iter().enumerate() {
                out[i] = Some(states_of(&h.get(b as i64), &sentences[i]));
            }
        }
        Ok(())
    })?;
    Ok(out.into_iter().map(|s| s.expect("every sentence encoded")).collect())
}

/// Features `[pairs, feature_count(hidden)]` of ordered mention pairs (i = source, j = target) of one sentence.
pub fn pair_features(states: &SentenceStates, pairs: &[(usize, usize)]) -> Tensor {
    let p = pairs.len() as i64;
    let k = states.mentions.size()[0].max(1) as f32;
    let device = states.mentions.device();
    let idx = |f: fn(&(usize, usize)) -> usize| Tensor::from_slice(&pairs.iter().map(|x| f(x) as i64).collect::<Vec<_>>()).to_device(device);
    let (si, ti) = (idx(|x| x.0), idx(|x| x.1));
    let s = states.mentions.index_select(0, &si);
    let t = states.mentions.index_select(0, &ti);
    let cls = states.cls.unsqueeze(0).expand([p, states.cls.size()[0]], false);
    let mut pos: Vec<f32> = Vec::with_capacity(pairs.len() * POSITION_FEATURES as usize);
    for &(i, j) in pairs {
        let (a, b) = (states.starts[i] as f32, states.starts[j] as f32);
        pos.push(if a <= b { 1.0 } else { -1.0 });
        pos.push(((b - a) / 32.0).clamp(-4.0, 4.0));
        pos.push(1.0 / k);
    }
    let pos = Tensor::from_slice(&pos).view([p, POSITION_FEATURES]).to_device(device);
    let prod = &s * &t;
    Tensor::cat(&[cls, s, t, prod, pos], 1)
}

/// Logits of the heads for a batch of pairs.
pub struct HeadOutputs {
    /// `[n]`: the role logit.
    pub role: Tensor,
    /// `[n, 3]`: cooperative, neutral, hostile.
    pub stance: Tensor,
    /// `[n, 4]`: [`dyad_core::stance::Quad::ALL`] order.
    pub quad: Tensor,
    /// `[n, roots]`: PLOVER root events, in the manifest's `roots` order.
    pub root: Tensor,
}

/// The heads: one shared hidden layer; the role head also reads the word-order rule's bit.
pub struct PairHeads {
    pub vs: nn::VarStore,
    hidden: nn::Linear,
    role: nn::Linear,
    stance: nn::Linear,
    quad: nn::Linear,
    root: nn::Linear,
    dropout: f64,
}

impl PairHeads {
    /// Heads over an encoder of width `encoder_hidden`, with a shared layer `hidden` wide.
    pub fn new(device: Device, encoder_hidden: i64, hidden: i64, roots: usize, dropout: f64) -> PairHeads {
        let vs = nn::VarStore::new(device);
        let r = vs.root();
        PairHeads {
            hidden: nn::linear(&r / "hidden", feature_count(encoder_hidden), hidden, Default::default()),
            role: nn::linear(&r / "role", hidden + 1, 1, Default::default()),
            stance: nn::linear(&r / "stance", hidden, 3, Default::default()),
            quad: nn::linear(&r / "quad", hidden, 4, Default::default()),
            root: nn::linear(&r / "root", hidden, roots.max(1) as i64, Default::default()),
            dropout,
            vs,
        }
    }

    /// `x`: `[n, feature_count(encoder hidden)]`; `rule`: `[n]` 1.0 where the word-order rule calls the pair primary.
    pub fn forward(&self, x: &Tensor, rule: &Tensor, train: bool) -> HeadOutputs {
        let h = self.hidden.forward(&x.dropout(self.dropout, train)).gelu("none").dropout(self.dropout, train);
        let role_in = Tensor::cat(&[&h, &rule.to_kind(Kind::Float).unsqueeze(1)], 1);
        HeadOutputs {
            role: self.role.forward(&role_in).squeeze_dim(1),
            stance: self.stance.forward(&h),
            quad: self.quad.forward(&h),
            root: self.root.forward(&h),
        }
    }
}

/// Where the stance of a pair comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StanceFrom {
    /// The pair head (one pass per sentence for everything).
    OnePass,
    /// The per-pair marked model for pairs the role head calls primary (one more pass each),
    /// the pair head for the rest.
    #[default]
    MarkedForPrimary,
    /// The per-pair marked model for every pair (one pass per pair, as before v3).
    Marked,
}

/// Which decision fills the `primary` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum PrimaryFrom {
    /// The word-order rule of `dyads` (what dyad used before v3).
    #[default]
    Rule,
    /// The role head: `p_primary` ≥ the manifest's threshold.
    Learned,
}

/// The quad probabilities of a pair whose stance is `label`, restricted to the half of the
/// quad that agrees with it (cooperation for a cooperative stance, conflict for a hostile one)
/// and renormalised; a neutral stance leaves them as they are. Why: one row must not say
/// "hostile" and "verbal_cooperation" at once, and the stance of a primary pair comes from the
/// per-pair model, which separates cooperation from conflict better than the quad head.
pub fn quad_consistent_with(quad: [f32; 4], label: dyad_core::stance::Label) -> [f32; 4] {
    use dyad_core::stance::Label;
    let keep = match label {
        Label::Cooperative => [true, true, false, false],
        Label::Hostile => [false, false, true, true],
        Label::Neutral => return quad,
    };
    let total: f32 = (0..4).filter(|&i| keep[i]).map(|i| quad[i]).sum();
    if total <= 0.0 {
        return quad;
    }
    let mut out = [0f32; 4];
    for i in 0..4 {
        out[i] = if keep[i] { quad[i] / total } else { 0.0 };
    }
    out
}

/// Beside the heads' weights; everything needed to trust and reproduce them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PairManifest {
    pub name: String,
    pub weights_sha256: String,
    /// The stance model whose encoder the heads read (its weights' sha256).
    pub stance_weights_sha256: String,
    /// The encoder the heads read (the stance model's unless this says otherwise).
    #[serde(default)]
    pub encoder: PairEncoderKind,
    /// With fine-tuned top layers: sha256 of `encoder_top.safetensors` (those layers, fp16,
    /// over the base weights setup fetches) and the first of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoder_overlay_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoder_trained_from_layer: Option<usize>,
    pub hidden: i64,
    /// PLOVER root events, in the root head's output order.
    pub roots: Vec<String>,
    pub stance_from: StanceFrom,
    /// Role probability from which a pair is `primary`.
    pub role_threshold: f32,
    /// Which decision the `primary` column holds by default (chosen on the dev figures: the
    /// learned role ships as the decision only once it beats the rule there).
    #[serde(default)]
    pub primary_from: PrimaryFrom,
    /// The quad of a pair agrees with its stance (see [`quad_consistent_with`]).
    #[serde(default)]
    pub quad_follows_stance: bool,
    pub config: serde_json::Value,
    pub data_sha256: std::collections::BTreeMap<String, String>,
    pub dev_metrics: serde_json::Value,
    pub trained_at: String,
    pub train_seconds: f64,
}

impl PairManifest {
    pub fn read(dir: &Path) -> Result<PairManifest> {
        let path = dir.join("manifest.json");
        serde_json::from_str(&std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?)
            .with_context(|| format!("parsing {}", path.display()))
    }
}

/// all-mpnet-base-v2 as setup fetched it, with the top layers of `dir/encoder_top.safetensors`
/// (fp16, checked against the manifest's sha256) over it where the heads were trained with them.
fn load_mpnet(dir: &Path, manifest: &PairManifest, device: Device) -> Result<MpnetEncoder> {
    let enc = MpnetEncoder::load(&crate::paths::accurate_encoder_dir(None)?, device)?;
    if let Some(want) = &manifest.encoder_overlay_sha256 {
        let path = dir.join("encoder_top.safetensors");
        let actual = sha256_file(&path)?;
        if &actual != want {
            bail!("{}: sha256 {actual} does not match {want} recorded in {}/manifest.json", path.display(), dir.display());
        }
        let overlay = Tensor::read_safetensors(&path).with_context(|| format!("reading {}", path.display()))?;
        let mut known = enc.vs.variables();
        // copy_ into the fp32 variables (VarStore::load_partial would swap in the fp16 data).
        tch::no_grad(|| -> Result<()> {
            for (name, value) in &overlay {
                let var = known.get_mut(name).with_context(|| format!("{}: {name} is not a variable of all-mpnet-base-v2", path.display()))?;
                if var.size() != value.size() {
                    bail!("{}: {name} has shape {:?}, the encoder's {:?}", path.display(), value.size(), var.size());
                }
                var.copy_(&value.to_device(device));
            }
            Ok(())
        })?;
    }
    Ok(enc)
}

/// The stance model with the pair heads over its encoder (or over all-mpnet-base-v2): what
/// `dyad score` runs by default.
pub struct PairModel {
    pub stance: DirectedStanceModel,
    /// all-mpnet-base-v2 (with its fine-tuned top layers, if any) where the heads read it
    /// (`--model accurate`); the stance model then scores only the pairs `stance_from` sends it.
    pub mpnet: Option<MpnetEncoder>,
    pub heads: PairHeads,
    pub manifest: PairManifest,
    pub stance_from: StanceFrom,
    pub primary_from: PrimaryFrom,
    pub batch_size: usize,
    name: String,
}

impl PairModel {
    pub fn new(stance: DirectedStanceModel, heads: PairHeads, manifest: PairManifest) -> PairModel {
        let name = format!("{}+{}", stance.model_name(), manifest.name);
        PairModel { stance_from: manifest.stance_from, primary_from: manifest.primary_from, batch_size: stance.batch_size, stance, mpnet: None, heads, manifest, name }
    }

    /// The heads in `dir` over `stance`, refused unless they were trained over its weights.
    pub fn load(stance: DirectedStanceModel, dir: &Path) -> Result<PairModel> {
        let manifest = PairManifest::read(dir)?;
        let weights = dir.join("heads.safetensors");
        let actual = sha256_file(&weights)?;
        if actual != manifest.weights_sha256 {
            bail!(
                "{}: sha256 {actual} does not match {} recorded in {}/manifest.json; the weights are damaged or from another training run",
                weights.display(),
                manifest.weights_sha256,
                dir.display()
            );
        }
        if stance.weights_sha256 != manifest.stance_weights_sha256 {
            bail!(
                "{}: these pair heads were trained over the stance weights {}, not over the loaded ones ({}); retrain them (`make train`) or pass --no-pair-heads",
                dir.display(),
                manifest.stance_weights_sha256,
                stance.weights_sha256
            );
        }
        let device = stance.encoder.device;
        let mpnet = match manifest.encoder {
            PairEncoderKind::StanceModel => None,
            PairEncoderKind::Mpnet => Some(load_mpnet(dir, &manifest, device)?),
        };
        let mut heads = PairHeads::new(device, manifest.encoder.hidden(), manifest.hidden, manifest.roots.len(), 0.0);
        heads.vs.load(&weights).with_context(|| format!("loading {}", weights.display()))?;
        let mut model = PairModel::new(stance, heads, manifest);
        model.mpnet = mpnet;
        Ok(model)
    }

    /// Renames after the stance model's precision changed.
    pub fn refresh_name(&mut self) {
        self.name = format!("{}+{}", self.stance.model_name(), self.manifest.name);
    }

    /// Head outputs (softmaxed; role as a probability) for each input, one pass per sentence.
    pub fn heads_for(&self, inputs: &[StanceInput], rule_primary: &[bool]) -> Result<(Vec<f32>, Vec<[f32; 3]>, Vec<[f32; 4]>, Vec<Vec<f32>>)> {
        // Sentences in order of first appearance, each with its distinct mention spans.
        let mut sentence_of: HashMap<&str, usize> = HashMap::new();
        let mut sentences: Vec<(&str, Vec<(usize, usize)>)> = Vec::new();
        let mut pair_at: Vec<(usize, usize, usize)> = Vec::with_capacity(inputs.len());
        for inp in inputs {
            let si = *sentence_of.entry(inp.text.as_str()).or_insert_with(|| {
                sentences.push((inp.text.as_str(), Vec::new()));
                sentences.len() - 1
            });
            let mentions = &mut sentences[si].1;
            let mut at = |span: (usize, usize)| match mentions.iter().position(|m| *m == span) {
                Some(i) => i,
                None => {
                    mentions.push(span);
                    mentions.len() - 1
                }
            };
            let (s, t) = (at(inp.source), at(inp.target));
            pair_at.push((si, s, t));
        }
        let encoded: Vec<EncodedSentence> = {
            use rayon::prelude::*;
            // The tokenizers alone cross threads (the models hold tensors, which do not).
            match &self.mpnet {
                Some(m) => {
                    let tok = &m.tokenizer;
                    sentences.par_iter().map(|(t, ms)| encode_sentence(tok, t, ms, true, Specials::MPNET)).collect()
                }
                None => {
                    let (tok, fold) = (&self.stance.encoder.tokenizer, self.stance.folds_quotes());
                    sentences.par_iter().map(|(t, ms)| encode_sentence(tok, t, ms, fold, Specials::BERT)).collect()
                }
            }
        };
        let encoder = match &self.mpnet {
            Some(m) => SentenceEncoder::Mpnet(m),
            None => SentenceEncoder::StanceModel(&self.stance),
        };
        let states = encoder.states(&encoded, self.batch_size)?;
        let mut by_sentence: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); sentences.len()];
        for (k, &(si, s, t)) in pair_at.iter().enumerate() {
            by_sentence[si].push((k, s, t));
        }
        let mut features = Vec::with_capacity(sentences.len());
        let mut order = Vec::with_capacity(inputs.len());
        for (si, pairs) in by_sentence.iter().enumerate() {
            if pairs.is_empty() {
                continue;
            }
            let ij: Vec<(usize, usize)> = pairs.iter().map(|p| (p.1, p.2)).collect();
            features.push(pair_features(&states[si], &ij));
            order.extend(pairs.iter().map(|p| p.0));
        }
        let n = inputs.len();
        let mut role = vec![0f32; n];
        let mut stance = vec![[0f32; 3]; n];
        let mut quad = vec![[0f32; 4]; n];
        let mut root = vec![Vec::new(); n];
        if n == 0 {
            return Ok((role, stance, quad, root));
        }
        let device = self.stance.encoder.device;
        let x = Tensor::cat(&features, 0).to_device(device);
        let rule = Tensor::from_slice(&order.iter().map(|&k| if rule_primary.get(k).copied().unwrap_or(false) { 1f32 } else { 0.0 }).collect::<Vec<_>>()).to_device(device);
        let out = tch::no_grad(|| self.heads.forward(&x, &rule, false));
        let rows = |t: Tensor| -> Result<Vec<Vec<f32>>> {
            let t = t.to_device(Device::Cpu).contiguous();
            let w = t.size()[1] as usize;
            let flat: Vec<f32> = Vec::<f32>::try_from(t.flatten(0, -1))?;
            Ok(flat.chunks(w.max(1)).map(|c| c.to_vec()).collect())
        };
        let p_role: Vec<f32> = Vec::<f32>::try_from(out.role.sigmoid().to_device(Device::Cpu))?;
        let p_stance = rows(out.stance.softmax(-1, Kind::Float))?;
        let p_quad = rows(out.quad.softmax(-1, Kind::Float))?;
        let p_root = rows(out.root.softmax(-1, Kind::Float))?;
        for (r, &k) in order.iter().enumerate() {
            role[k] = p_role[r];
            stance[k] = [p_stance[r][0], p_stance[r][1], p_stance[r][2]];
            quad[k] = [p_quad[r][0], p_quad[r][1], p_quad[r][2], p_quad[r][3]];
            root[k] = p_root[r].clone();
        }
        Ok((role, stance, quad, root))
    }
}

impl StanceScorer for PairModel {
    fn model_name(&self) -> &str {
        &self.name
    }

    /// The stance of pairs the caller asserts (`classify`, `eval`): each is taken as the
    /// sentence's source → target, so its stance comes from where a primary pair's does.
    fn score(&self, inputs: &[StanceInput]) -> Result<Vec<StanceScore>> {
        Ok(self.score_pairs(inputs, &vec![true; inputs.len()])?.into_iter().map(|p| p.stance).collect())
    }

    fn score_pairs(&self, inputs: &[StanceInput], rule_primary: &[bool]) -> Result<Vec<PairScore>> {
        let (role, stance, quad, _) = self.heads_for(inputs, rule_primary)?;
        let one_pass = |s: [f32; 3]| StanceScore { p_cooperative: s[0], p_neutral: s[1], p_hostile: s[2] };
        let primary = |k: usize| match self.primary_from {
            PrimaryFrom::Rule => rule_primary.get(k).copied().unwrap_or(false),
            PrimaryFrom::Learned => role[k] >= self.manifest.role_threshold,
        };
        let mut out: Vec<PairScore> = (0..inputs.len())
            .map(|k| PairScore { stance: one_pass(stance[k]), primary: Some(primary(k)), p_primary: Some(role[k]), quad: Some(quad[k]) })
            .collect();
        let marked: Vec<usize> = match self.stance_from {
            StanceFrom::OnePass => Vec::new(),
            StanceFrom::Marked => (0..inputs.len()).collect(),
            StanceFrom::MarkedForPrimary => (0..inputs.len()).filter(|&k| primary(k)).collect(),
        };
        if !marked.is_empty() {
            let sub: Vec<StanceInput> = marked.iter().map(|&k| inputs[k].clone()).collect();
            for (k, s) in marked.into_iter().zip(self.stance.score(&sub)?) {
                out[k].stance = s;
            }
        }
        if self.manifest.quad_follows_stance {
            for p in out.iter_mut() {
                p.quad = p.quad.map(|q| quad_consistent_with(q, p.stance.label()));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each mention's token range covers exactly its word pieces, with or without truncation.
    #[test]
    fn mention_ranges_cover_their_word_pieces() {
        let dir = crate::paths::encoder_dir(None).unwrap_or_else(|e| panic!("{e}"));
        let tok = rust_tokenizers::tokenizer::BertTokenizer::from_file(dir.join("vocab.txt"), true, true).unwrap();
        let ids_of = |s: &str| tok.convert_tokens_to_ids(&tok.tokenize(s));
        let text = "Tehran perceives Israel\u{2019}s ties with Azerbaijan as a threat.";
        let span = |w: &str| {
            let a = text.chars().collect::<String>().find(w).unwrap();
            let a = text[..a].chars().count();
            (a, a + w.chars().count())
        };
        let mentions = [span("Tehran"), span("Israel"), span("Azerbaijan")];
        let e = encode_sentence(&tok, text, &mentions, true, Specials::BERT);
        assert_eq!((e.ids[0], *e.ids.last().unwrap()), (Specials::BERT.cls, Specials::BERT.sep));
        for (m, w) in mentions.iter().zip(["Tehran", "Israel", "Azerbaijan"]) {
            let (a, b) = e.ranges[mentions.iter().position(|x| x == m).unwrap()];
            assert_eq!(e.ids[a..b], ids_of(w)[..], "{w}");
        }
        // The same sentence unmarked tokenizes the same way: cutting at mention boundaries
        // that fall between words changes nothing.
        assert_eq!(e.ids[1..e.ids.len() - 1], ids_of(&text.replace('\u{2019}', "'"))[..]);
        // A long sentence: the window keeps every mention when they fit, one far away is cut.
        let long = format!("{} Iran warned Israel. {}", "word ".repeat(200), "more ".repeat(200));
        let (i, s) = (long.find("Iran").unwrap(), long.find("Israel").unwrap());
        let e = encode_sentence(&tok, &long, &[(i, i + 4), (s, s + 6)], false, Specials::BERT);
        assert_eq!(e.ids.len(), MAX_TOKENS);
        assert_eq!(e.ids[e.ranges[0].0..e.ranges[0].1], ids_of("Iran")[..]);
        assert_eq!(e.ids[e.ranges[1].0..e.ranges[1].1], ids_of("Israel")[..]);
        // Mentions further apart than the window: the first is kept, the far one is marked cut
        // (its pairs then read the [CLS] state for it).
        let e = encode_sentence(&tok, &long, &[(0, 4), (s, s + 6)], false, Specials::BERT);
        assert_eq!(e.ids[e.ranges[0].0..e.ranges[0].1], ids_of("word")[..]);
        assert_eq!(e.ranges[1], (0, 0));
    }
}
