//! `dyad train --heads`: model v3's pair heads (role, stance, PLOVER quad and root) over the
//! trained stance model's encoder, read once per sentence (see `dyad_model::pair_heads`).
//!
//! The encoder is not changed, so every training and dev sentence is encoded once and its
//! pair features cached; the heads are then trained for each seed of the config on those
//! features (seconds per seed on a CPU). Every seed is evaluated on the dev parts, and the
//! mean ± sd over seeds is written into the manifest. The shipped seed is the config's first,
//! fixed before any result is seen.
//!
//! Data (all from `../shared/data`):
//! - roles: the CoNLL source/target annotation (train part; its dev part is the role dev set),
//!   PLV (its marked source → target; the reverse pair only for mutual events; other actors
//!   the gazetteer finds in the sentence are not roles);
//! - stance: PLV (as the stance model) and the directed-sentiment training set;
//! - quad and root: PLV's penta (1–4) and root on the marked pair.
use crate::conll::{is_dev, load_conll, SpanSentence, CONLL_DATE};
use crate::corpus::*;
use crate::eval::five_class;
use crate::eval::metrics::Confusion;
use crate::eval::pairs::{fully_annotated, gold_pairs, PairCounts};
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use dyad_core::actors::{ArticleActors, Gazetteer, Mention, Via};
use dyad_core::dyads::candidate_pairs;
use dyad_core::stance::{Label, Quad, StanceInput, StanceScore, StanceScorer};
use dyad_model::directed::{sha256_file, DirectedStanceModel};
use dyad_model::mpnet::MpnetEncoder;
use dyad_model::pair_heads::{feature_count, pair_features, quad_consistent_with, HeadOutputs, PairEncoderKind, PairHeads, PairManifest, PrimaryFrom, SentenceEncoder, SentenceStates, StanceFrom};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tch::{nn, nn::OptimizerConfig, Device, Kind, Reduction, Tensor};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadsConfig {
    /// Training seeds; every one is trained and evaluated, the first is shipped.
    pub seeds: Vec<u64>,
    pub epochs: usize,
    pub batch_size: usize,
    pub lr: f64,
    pub weight_decay: f64,
    pub dropout: f64,
    /// Width of the shared hidden layer.
    pub hidden: i64,
    /// Loss weights of the heads.
    pub role_weight: f64,
    pub stance_weight: f64,
    pub quad_weight: f64,
    pub root_weight: f64,
    /// Directed-sentiment pairs that hold a stance train the role head too (see [`ds_sentences`]).
    #[serde(default)]
    pub ds_stance_holder_roles: bool,
    /// Stance class weights are (N / (3 · n_class))^power.
    pub class_weight_power: f64,
    /// Role probability from which a pair is `primary` (fixed, not tuned on dev).
    pub role_threshold: f32,
    /// Roots with fewer training pairs than this are left out of the root head.
    pub min_root_examples: usize,
    pub stance_from: StanceFrom,
    /// The encoder whose states the heads read: the stance model's (default) or the
    /// all-mpnet-base-v2 base, frozen (`make setup-accurate`).
    #[serde(default)]
    pub encoder: PairEncoderKind,
    /// With `encoder: mpnet`: fine-tune its top layers with the heads (see [`crate::top_layers`]);
    /// without it the encoder is frozen and the heads train on cached features.
    #[serde(default)]
    pub top_layers: Option<TopLayersConfig>,
    /// Which decision fills `primary` (see `PrimaryFrom`); the reference check follows it.
    pub primary_from: PrimaryFrom,
    /// Learn the quad and root heads from a trained teacher's probabilities as well (see
    /// [`DistillConfig`]); frozen-encoder training only.
    #[serde(default)]
    pub distill: Option<DistillConfig>,
    /// The quad's cooperation/conflict half follows the pair's stance (see
    /// `dyad_model::pair_heads::quad_consistent_with`).
    #[serde(default)]
    pub quad_follows_stance: bool,
    /// Consistency of the stance head across the pairs of one sentence, as a training loss
    /// (see [`ConsistencyConfig`]); frozen-encoder training only.
    #[serde(default)]
    pub consistency: Option<ConsistencyConfig>,
    /// Relative to the config file: folders and files of the shared data and splits.
    pub stance_data_dir: PathBuf,
    pub conll: PathBuf,
    pub plv_dev_split: PathBuf,
    /// The reference article whose four statements are checked for every seed.
    pub reference_article: PathBuf,
    /// The stance model whose encoder the heads read, and where the heads go.
    pub stance_dir: PathBuf,
    pub out_dir: PathBuf,
    pub model_name: String,
}

/// How the top layers of the encoder are fine-tuned under the heads.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopLayersConfig {
    /// How many of the encoder's last layers train (the rest are frozen and run once).
    pub layers: usize,
    pub epochs: usize,
    /// Sentences per batch (each brings all its pairs).
    pub batch_sentences: usize,
    /// Learning rate of the encoder's layers (the heads use `lr`).
    pub encoder_lr: f64,
}

/// Distillation: a trained teacher (the accurate model's heads over all-mpnet-base-v2) labels
/// every training pair, and the pairs of unlabelled archive sentences, with its quad and root
/// probabilities; the student's quad and root heads learn them by cross-entropy against those
/// soft labels, next to the gold labels where there are any. Dev sentences are never labelled.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistillConfig {
    /// The teacher's heads folder (its manifest names its encoder; it must have been trained
    /// over the same stance model, as `PairModel::load` checks).
    pub teacher_dir: PathBuf,
    /// Loss weights of the soft quad and root targets.
    pub quad_weight: f64,
    pub root_weight: f64,
    /// Archives whose statements add unlabelled pairs (read as `dyad score` reads them).
    #[serde(default)]
    pub archives: Vec<PathBuf>,
    /// At most this many archive sentences, in the archives' order.
    pub max_archive_sentences: usize,
    /// Run the teacher's encoder at int8 (about 2× faster; 98.9 % of its quads as at f32).
    #[serde(default)]
    pub teacher_int8: bool,
}

/// Wen et al. (ACL 2024)'s consistency constraints on entity-to-entity stance, as penalties on
/// the one-pass stance head's probabilities over the pairs of one sentence — labelled or not, so
/// the unlabelled archive sentences of `distill` take part. Each penalty is the probability the
/// head gives to an inconsistent combination:
/// - reverse: A → B and B → A take opposite stances (one cooperative, the other hostile). Both
///   directions may hold a stance (PLOVER's mutual events) or one may be neutral (the
///   directed-sentiment data), so only opposite signs are inconsistent.
/// - transitive: a triangle A → B, B → C, A → C whose signs multiply to a negative (structural
///   balance: the friend of a friend treated as an enemy, or enemies all round); a neutral side
///   leaves the triangle unconstrained.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyConfig {
    pub reverse_weight: f64,
    pub transitive_weight: f64,
    /// Constrained pairs and triangles drawn per training step (each).
    pub batch_size: usize,
    /// Also train and evaluate every seed without the loss, on the same features, and write
    /// those figures beside the others (`without_consistency` in the manifest).
    #[serde(default)]
    pub ablation: bool,
}

pub fn load_config(path: &Path) -> Result<HeadsConfig> {
    let mut c: HeadsConfig = serde_json::from_str(&std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?)
        .with_context(|| format!("parsing {}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let distill_paths = c.distill.iter_mut().flat_map(|d| std::iter::once(&mut d.teacher_dir).chain(d.archives.iter_mut()));
    for p in [&mut c.stance_data_dir, &mut c.conll, &mut c.plv_dev_split, &mut c.reference_article, &mut c.stance_dir, &mut c.out_dir].into_iter().chain(distill_paths) {
        if p.is_relative() {
            *p = base.join(&*p);
        }
    }
    if c.seeds.is_empty() {
        bail!("{}: `seeds` is empty", path.display());
    }
    if c.top_layers.is_some() && c.encoder != PairEncoderKind::Mpnet {
        bail!("{}: `top_layers` fine-tunes all-mpnet-base-v2 and needs `\"encoder\": \"mpnet\"`", path.display());
    }
    if c.consistency.is_some() && c.top_layers.is_some() {
        bail!("{}: `consistency` trains heads over a frozen encoder; drop `top_layers`", path.display());
    }
    if let Some(d) = &c.distill {
        if c.top_layers.is_some() {
            bail!("{}: `distill` trains heads over a frozen encoder; drop `top_layers`", path.display());
        }
        let reference = std::fs::canonicalize(&c.reference_article).ok();
        if d.archives.iter().any(|a| std::fs::canonicalize(a).ok() == reference && reference.is_some()) {
            bail!("{}: `distill.archives` holds the reference article, which is checked, not trained on", path.display());
        }
    }
    Ok(c)
}

/// What one ordered pair teaches (each head only where the data says).
#[derive(Debug, Clone, Default)]
pub struct PairTarget {
    pub source: usize,
    pub target: usize,
    /// The word-order rule's decision (an input of the role head).
    pub rule: bool,
    pub role: Option<bool>,
    pub stance: Option<Label>,
    pub quad: Option<Quad>,
    pub root: Option<String>,
    /// The teacher's quad probabilities and root probabilities (in the student's root order),
    /// where distilling.
    pub soft_quad: Option<[f32; 4]>,
    pub soft_root: Option<Vec<f32>>,
    /// Actor codes (CoNLL and the reference article), for code-level role metrics.
    pub codes: Option<(String, String, bool)>,
}

/// A sentence, its mention spans and its pairs.
#[derive(Debug, Clone)]
pub struct PairSentence {
    pub text: String,
    pub mentions: Vec<(usize, usize)>,
    pub pairs: Vec<PairTarget>,
}

/// Mentions standing for annotated spans, with codes of their own, so the word-order rule
/// can be run on them.
fn span_mentions(text: &str, spans: &[(usize, usize)]) -> Vec<Mention> {
    spans
        .iter()
        .enumerate()
        .map(|(i, &(a, b))| Mention {
            start: a,
            end: b,
            text: dyad_core::segment::char_slice(text, a, b).to_string(),
            code: format!("X{i}"),
            kind: "country".into(),
            via: Via::Gazetteer { form: String::new() },
        })
        .collect()
}

/// The rule's decision for each ordered (i, j) of `mentions` (distinct codes).
fn rule_of(text: &str, mentions: &[Mention]) -> BTreeMap<(usize, usize), bool> {
    let pairs = candidate_pairs(text, mentions);
    let at = |m: &Mention| mentions.iter().position(|x| x.start == m.start && x.end == m.end).unwrap();
    pairs.iter().map(|p| ((at(&p.source), at(&p.target)), p.primary)).collect()
}

/// CoNLL sentences with both sides annotated: the gazetteer's mentions paired as `dyad score`
/// pairs them; a pair is a role when its source lies in an S/R span and its target in a T/R one.
pub fn conll_sentences(g: &Gazetteer, sentences: &[SpanSentence]) -> Vec<PairSentence> {
    let date = NaiveDate::from_ymd_opt(CONLL_DATE.0, CONLL_DATE.1, CONLL_DATE.2).unwrap();
    let mut out = Vec::new();
    for s in sentences.iter().filter(|s| fully_annotated(s)) {
        let mentions = ArticleActors::new(g, date).find(&s.text);
        out.push(from_candidates(&s.text, &mentions, |m: &Mention, role: char| {
            s.spans.iter().any(|(r, a, b)| (*r == role || *r == 'R') && m.start < *b && *a < m.end)
        }));
    }
    out
}

/// A sentence's candidate pairs as `dyad score` builds them; `in_role(m, 'S' | 'T')` says
/// whether a mention is annotated on that side (`None` for unannotated text).
fn from_candidates(text: &str, mentions: &[Mention], in_role: impl Fn(&Mention, char) -> bool) -> PairSentence {
    let pairs = candidate_pairs(text, mentions);
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut at = |m: &Mention| match spans.iter().position(|s| *s == (m.start, m.end)) {
        Some(i) => i,
        None => {
            spans.push((m.start, m.end));
            spans.len() - 1
        }
    };
    let pairs = pairs
        .iter()
        .map(|p| PairTarget {
            source: at(&p.source),
            target: at(&p.target),
            rule: p.primary,
            role: Some(in_role(&p.source, 'S') && in_role(&p.target, 'T')),
            codes: Some((p.source.code.clone(), p.target.code.clone(), p.source.kind == "country" && p.target.kind == "country")),
            ..Default::default()
        })
        .collect();
    PairSentence { text: text.to_string(), mentions: spans, pairs }
}

/// PLV sentences: the marked pair (and its reverse), plus pairs with the other actors the
/// gazetteer finds, which are not roles.
pub fn plv_sentences(g: &Gazetteer, sentences: &[PlvSentence]) -> Vec<PairSentence> {
    let date = NaiveDate::from_ymd_opt(CONLL_DATE.0, CONLL_DATE.1, CONLL_DATE.2).unwrap();
    sentences
        .iter()
        .map(|s| {
            let mut spans = vec![s.source, s.target];
            for m in g.find(&s.text, date) {
                let overlaps = spans.iter().any(|&(a, b)| m.start < b && a < m.end);
                if !overlaps {
                    spans.push((m.start, m.end));
                }
            }
            let mentions = span_mentions(&s.text, &spans);
            let rule = rule_of(&s.text, &mentions);
            let label = penta_label(s.penta);
            let mutual = MUTUAL_ROOTS.contains(&s.root.as_str());
            let quad = Quad::from_penta(s.penta);
            let mut pairs = Vec::new();
            for i in 0..spans.len() {
                for j in 0..spans.len() {
                    if i == j {
                        continue;
                    }
                    let rule = rule.get(&(i, j)).copied().unwrap_or(false);
                    let p = match (i, j) {
                        (0, 1) => PairTarget { role: Some(true), stance: Some(label), quad, root: Some(s.root.clone()), ..Default::default() },
                        (1, 0) => PairTarget {
                            role: Some(mutual),
                            stance: Some(if mutual { label } else { Label::Neutral }),
                            quad: if mutual { quad } else { None },
                            ..Default::default()
                        },
                        _ => PairTarget { role: Some(false), ..Default::default() },
                    };
                    pairs.push(PairTarget { source: i, target: j, rule, ..p });
                }
            }
            PairSentence { text: s.text.clone(), mentions: spans, pairs }
        })
        .collect()
}

/// Directed-sentiment sentences: stance of both directions; with `stance_holder_roles`, the
/// direction that holds a stance (praise or blame) is also a role — these are the nested
/// relations of news ("Tehran perceives Israel's ties with Azerbaijan …": ISR→AZE) that the
/// event data rarely marks. The other direction and neutral sentences teach no role.
pub fn ds_sentences(sentences: &[DsSentence], stance_holder_roles: bool) -> Vec<PairSentence> {
    sentences
        .iter()
        .map(|s| {
            let spans = vec![s.p, s.q];
            let rule = rule_of(&s.text, &span_mentions(&s.text, &spans));
            let (pq, qp) = ds_directed_labels(s.label);
            let pair = |i: usize, j: usize, l: Label| PairTarget {
                source: i,
                target: j,
                rule: rule.get(&(i, j)).copied().unwrap_or(false),
                stance: Some(l),
                role: (stance_holder_roles && l != Label::Neutral).then_some(true),
                ..Default::default()
            };
            PairSentence { text: s.text.clone(), mentions: spans, pairs: vec![pair(0, 1, pq), pair(1, 0, qp)] }
        })
        .collect()
}

/// Cached features and targets of a set of sentences, one row per pair.
pub struct FeatureSet {
    pub x: Tensor,
    pub rule: Tensor,
    pub targets: Vec<PairTarget>,
    /// Index of each row's sentence.
    pub sentence: Vec<usize>,
}

/// Encodes every sentence once with `encoder` and builds its pairs' features.
pub fn features(encoder: &SentenceEncoder<'_>, sentences: &[PairSentence], progress: &mut dyn FnMut(String)) -> Result<FeatureSet> {
    let encoded: Vec<_> = sentences.iter().map(|s| encoder.encode(&s.text, &s.mentions)).collect();
    let started = Instant::now();
    let mut states = Vec::with_capacity(sentences.len());
    for chunk in encoded.chunks(1024) {
        states.extend(encoder.states(chunk, 64)?);
        progress(format!("  encoded {}/{} sentences ({:.0} s)", states.len(), sentences.len(), started.elapsed().as_secs_f64()));
    }
    Ok(feature_set(sentences, &states, encoder.kind().hidden()))
}

/// The pairs' features of sentences whose states are known (`states[i]` of `sentences[i]`).
pub fn feature_set(sentences: &[PairSentence], states: &[SentenceStates], hidden: i64) -> FeatureSet {
    let mut xs = Vec::new();
    let mut targets = Vec::new();
    let mut sentence = Vec::new();
    for (si, (s, st)) in sentences.iter().zip(states).enumerate() {
        if s.pairs.is_empty() {
            continue;
        }
        let ij: Vec<(usize, usize)> = s.pairs.iter().map(|p| (p.source, p.target)).collect();
        xs.push(pair_features(st, &ij));
        targets.extend(s.pairs.iter().cloned());
        sentence.extend(std::iter::repeat_n(si, s.pairs.len()));
    }
    let x = if xs.is_empty() { Tensor::zeros([0, feature_count(hidden)], (Kind::Float, Device::Cpu)) } else { Tensor::cat(&xs, 0) };
    let rule = Tensor::from_slice(&targets.iter().map(|t| if t.rule { 1f32 } else { 0.0 }).collect::<Vec<_>>());
    FeatureSet { x, rule, targets, sentence }
}

/// Head outputs as plain probabilities.
pub struct Predicted {
    pub role: Vec<f32>,
    pub stance: Vec<StanceScore>,
    pub quad: Vec<[f32; 4]>,
    pub root: Vec<usize>,
}

pub fn predict(heads: &PairHeads, f: &FeatureSet) -> Result<Predicted> {
    let out = tch::no_grad(|| heads.forward(&f.x, &f.rule, false));
    let role = Vec::<f32>::try_from(out.role.sigmoid())?;
    let st = Vec::<f32>::try_from(out.stance.softmax(-1, Kind::Float).flatten(0, -1))?;
    let q = Vec::<f32>::try_from(out.quad.softmax(-1, Kind::Float).flatten(0, -1))?;
    let root = Vec::<i64>::try_from(out.root.argmax(-1, false))?;
    Ok(Predicted {
        role,
        stance: st.chunks(3).map(|c| StanceScore { p_cooperative: c[0], p_neutral: c[1], p_hostile: c[2] }).collect(),
        quad: q.chunks(4).map(|c| [c[0], c[1], c[2], c[3]]).collect(),
        root: root.into_iter().map(|r| r as usize).collect(),
    })
}

fn quad_index(q: Quad) -> usize {
    Quad::ALL.iter().position(|x| *x == q).unwrap()
}

/// What the heads learn from a list of pairs, as tensors (−100 / mask 0 where a head has no label).
pub struct TargetTensors {
    pub rule: Tensor,
    role: Tensor,
    role_mask: Tensor,
    stance: Tensor,
    quad: Tensor,
    root: Tensor,
    /// Teacher probabilities (rows of zeros where there are none) and where they are.
    soft_quad: Tensor,
    soft_root: Tensor,
    soft_mask: Tensor,
}

impl TargetTensors {
    pub fn new(t: &[PairTarget], roots: &[String], device: Device) -> TargetTensors {
        let f32s = |f: &dyn Fn(&PairTarget) -> f32| Tensor::from_slice(&t.iter().map(f).collect::<Vec<_>>()).to_device(device);
        let i64s = |f: &dyn Fn(&PairTarget) -> i64| Tensor::from_slice(&t.iter().map(f).collect::<Vec<_>>()).to_device(device);
        TargetTensors {
            rule: f32s(&|p| if p.rule { 1.0 } else { 0.0 }),
            role: f32s(&|p| if p.role == Some(true) { 1.0 } else { 0.0 }),
            role_mask: f32s(&|p| if p.role.is_some() { 1.0 } else { 0.0 }),
            stance: i64s(&|p| p.stance.map(label_index).unwrap_or(-100)),
            quad: i64s(&|p| p.quad.map(|q| quad_index(q) as i64).unwrap_or(-100)),
            root: i64s(&|p| p.root.as_ref().and_then(|r| roots.iter().position(|x| x == r)).map(|i| i as i64).unwrap_or(-100)),
            soft_quad: Tensor::from_slice(&t.iter().flat_map(|p| p.soft_quad.unwrap_or([0.0; 4])).collect::<Vec<f32>>()).view([t.len() as i64, 4]).to_device(device),
            soft_root: Tensor::from_slice(&t.iter().flat_map(|p| p.soft_root.clone().unwrap_or_else(|| vec![0.0; roots.len()])).collect::<Vec<f32>>())
                .view([t.len() as i64, roots.len() as i64])
                .to_device(device),
            soft_mask: f32s(&|p| if p.soft_quad.is_some() { 1.0 } else { 0.0 }),
        }
    }
}

/// Stance class weights (N / (3 · n_class))^power over the labelled pairs.
pub fn stance_class_weights(c: &HeadsConfig, targets: &[PairTarget]) -> Tensor {
    let mut counts = [0f64; 3];
    for p in targets {
        if let Some(l) = p.stance {
            counts[label_index(l) as usize] += 1.0;
        }
    }
    let total: f64 = counts.iter().sum();
    let weights: Vec<f32> = counts.iter().map(|&k| ((total / (3.0 * k.max(1.0))).powf(c.class_weight_power)) as f32).collect();
    Tensor::from_slice(&weights)
}

/// The heads' weighted loss on the rows `idx` of `t` (all rows with `None`).
pub fn heads_loss(c: &HeadsConfig, out: &HeadOutputs, t: &TargetTensors, idx: Option<&Tensor>, stance_w: &Tensor) -> Tensor {
    let rows = |x: &Tensor| match idx {
        Some(i) => x.index_select(0, i),
        None => x.shallow_clone(),
    };
    let ce = |logits: &Tensor, target: &Tensor, w: Option<&Tensor>| -> Tensor {
        // A batch with no labelled item for a head contributes nothing (mean over none is NaN).
        if target.ne(-100).any().int64_value(&[]) == 0 {
            return Tensor::zeros([], (Kind::Float, logits.device()));
        }
        logits.cross_entropy_loss::<&Tensor>(target, w, Reduction::Mean, -100, 0.0)
    };
    let rm = rows(&t.role_mask);
    let role_loss = out.role.binary_cross_entropy_with_logits::<Tensor>(&rows(&t.role), Some(rm.shallow_clone()), None, Reduction::Sum) / rm.sum(Kind::Float).clamp_min(1.0);
    let hard = role_loss * c.role_weight
        + ce(&out.stance, &rows(&t.stance), Some(stance_w)) * c.stance_weight
        + ce(&out.quad, &rows(&t.quad), None) * c.quad_weight
        + ce(&out.root, &rows(&t.root), None) * c.root_weight;
    let Some(d) = &c.distill else { return hard };
    // Cross-entropy against the teacher's probabilities, averaged over the rows that have them.
    let mask = rows(&t.soft_mask);
    let n = mask.sum(Kind::Float).clamp_min(1.0);
    let soft = |logits: &Tensor, p: &Tensor| (-(rows(p) * logits.log_softmax(-1, Kind::Float)).sum_dim_intlist([-1i64].as_slice(), false, Kind::Float) * &mask).sum(Kind::Float) / &n;
    hard + soft(&out.quad, &t.soft_quad) * d.quad_weight + soft(&out.root, &t.soft_root) * d.root_weight
}

/// The rows of `f` that a consistency constraint ties together: (A → B, B → A) for every
/// sentence's pair present in both directions (each once), and (A → B, B → C, A → C) for every
/// triangle of three distinct mentions whose three pairs are present.
pub struct ConsistencyItems {
    pub reverse: Vec<[i64; 2]>,
    pub transitive: Vec<[i64; 3]>,
}

pub fn consistency_items(f: &FeatureSet) -> ConsistencyItems {
    let mut items = ConsistencyItems { reverse: Vec::new(), transitive: Vec::new() };
    let mut start = 0;
    while start < f.sentence.len() {
        let end = start + f.sentence[start..].iter().take_while(|&&s| s == f.sentence[start]).count();
        let row: BTreeMap<(usize, usize), i64> = (start..end).map(|k| ((f.targets[k].source, f.targets[k].target), k as i64)).collect();
        let mentions: BTreeSet<usize> = row.keys().flat_map(|&(a, b)| [a, b]).collect();
        for (&(a, b), &ab) in &row {
            if a < b {
                if let Some(&ba) = row.get(&(b, a)) {
                    items.reverse.push([ab, ba]);
                }
            }
            for &c in &mentions {
                if c == a || c == b {
                    continue;
                }
                if let (Some(&bc), Some(&ac)) = (row.get(&(b, c)), row.get(&(a, c))) {
                    items.transitive.push([ab, bc, ac]);
                }
            }
        }
        start = end;
    }
    items
}

/// Expected violations of the two constraints, from stance probabilities (columns
/// cooperative, neutral, hostile): `reverse` rows [A → B, B → A], `transitive` rows
/// [A → B, B → C, A → C]; each is the mean over its items (0 with none).
pub fn consistency_penalties(reverse: &[Tensor; 2], transitive: &[Tensor; 3]) -> (Tensor, Tensor) {
    let (c, h) = (|p: &Tensor| p.select(1, 0), |p: &Tensor| p.select(1, 2));
    let mean = |x: Tensor| if x.size()[0] == 0 { Tensor::zeros([], (Kind::Float, x.device())) } else { x.mean(Kind::Float) };
    let [ab, ba] = reverse;
    let opposite = c(ab) * h(ba) + h(ab) * c(ba);
    let [ab, bc, ac] = transitive;
    // Sign products that are negative: + + −, + − +, − + +, − − −.
    let unbalanced = c(ab) * c(bc) * h(ac) + c(ab) * h(bc) * c(ac) + h(ab) * c(bc) * c(ac) + h(ab) * h(bc) * h(ac);
    (mean(opposite), mean(unbalanced))
}

/// The consistency loss of one step: `batch_size` constrained pairs and triangles drawn at
/// random from `items`, their rows run through the heads (training mode).
fn consistency_loss(k: &ConsistencyConfig, heads: &PairHeads, f: &FeatureSet, items: &ConsistencyItems) -> Tensor {
    let draw = |rows: &[i64], width: usize| -> Vec<Tensor> {
        let n = (rows.len() / width) as i64;
        if n == 0 {
            return (0..width).map(|_| Tensor::zeros([0, 3], (Kind::Float, Device::Cpu))).collect();
        }
        let at = Tensor::randint(n, [k.batch_size as i64], (Kind::Int64, Device::Cpu));
        let table = Tensor::from_slice(rows).view([n, width as i64]);
        let idx = table.index_select(0, &at).transpose(0, 1).contiguous().view([-1]);
        let out = heads.forward(&f.x.index_select(0, &idx), &f.rule.index_select(0, &idx), true);
        out.stance.softmax(-1, Kind::Float).chunk(width as i64, 0)
    };
    let r: [Tensor; 2] = draw(items.reverse.as_flattened(), 2).try_into().expect("draw returns one tensor per place");
    let t: [Tensor; 3] = draw(items.transitive.as_flattened(), 3).try_into().expect("draw returns one tensor per place");
    let (opposite, unbalanced) = consistency_penalties(&r, &t);
    opposite * k.reverse_weight + unbalanced * k.transitive_weight
}

/// How many of the constrained pairs and triangles of `f` have predicted labels that break
/// the constraints: ([opposite, reverse pairs], [unbalanced, triangles]).
pub fn consistency_violations(f: &FeatureSet, p: &Predicted) -> ([usize; 2], [usize; 2]) {
    let items = consistency_items(f);
    let sign = |k: i64| p.stance[k as usize].label().sign();
    let opposite = items.reverse.iter().filter(|[a, b]| sign(*a) * sign(*b) < 0).count();
    let unbalanced = items.transitive.iter().filter(|[a, b, c]| sign(*a) * sign(*b) * sign(*c) < 0).count();
    ([opposite, items.reverse.len()], [unbalanced, items.transitive.len()])
}

/// Sentences of unlabelled archives, as `dyad score` pairs them (mentions, rule), without
/// labels, at most `max`; a sentence seen twice is kept once.
pub fn archive_sentences(g: &Gazetteer, archives: &[PathBuf], max: usize) -> Result<Vec<PairSentence>> {
    let mut out: Vec<PairSentence> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for path in archives {
        let statements = reference_statements(g, path).with_context(|| format!("reading the archive {}", path.display()))?;
        // Statements come sentence by sentence; a sentence is (article, index), so a reprint of
        // the same text in the next article starts a new one (and is then dropped as seen).
        let mut at_sentence: Option<(String, usize)> = None;
        let mut current: Option<PairSentence> = None;
        for st in statements {
            let id = (st.article_id.clone(), st.sentence_id);
            if at_sentence.as_ref() != Some(&id) {
                out.extend(current.take());
                at_sentence = Some(id);
                if out.len() < max && seen.insert(st.sentence.clone()) {
                    current = Some(PairSentence { text: st.sentence.clone(), mentions: Vec::new(), pairs: Vec::new() });
                }
            }
            let Some(s) = current.as_mut() else { continue };
            let mut at = |span: (usize, usize)| match s.mentions.iter().position(|m| *m == span) {
                Some(i) => i,
                None => {
                    s.mentions.push(span);
                    s.mentions.len() - 1
                }
            };
            let (a, b) = (at((st.source.start, st.source.end)), at((st.target.start, st.target.end)));
            s.pairs.push(PairTarget { source: a, target: b, rule: st.primary, ..Default::default() });
        }
        out.extend(current.take());
        if out.len() >= max {
            out.truncate(max);
            break;
        }
    }
    Ok(out)
}

/// Labels every pair of `sentences` with the teacher's quad and root probabilities (roots in
/// the student's order, by name; a root the teacher lacks gets 0).
pub fn teacher_labels(d: &DistillConfig, stance_dir: &Path, roots: &[String], sentences: &mut [PairSentence], progress: &mut dyn FnMut(String)) -> Result<()> {
    let stance = DirectedStanceModel::load(&dyad_model::paths::encoder_dir(None)?, stance_dir, Device::Cpu)?;
    let mut teacher = dyad_model::pair_heads::PairModel::load(stance, &d.teacher_dir).with_context(|| format!("loading the teacher {}", d.teacher_dir.display()))?;
    if d.teacher_int8 {
        if let Some(m) = teacher.mpnet.as_mut() {
            m.set_precision(dyad_model::encoder::Precision::Int8)?;
        }
    }
    let root_at: Vec<Option<usize>> = roots.iter().map(|r| teacher.manifest.roots.iter().position(|x| x == r)).collect();
    let started = Instant::now();
    let total = sentences.len();
    let mut done = 0;
    for chunk in sentences.chunks_mut(512) {
        let mut inputs = Vec::new();
        let mut rule = Vec::new();
        for s in chunk.iter() {
            for p in &s.pairs {
                inputs.push(StanceInput { text: s.text.clone(), source: s.mentions[p.source], target: s.mentions[p.target] });
                rule.push(p.rule);
            }
        }
        let (_, _, quad, root) = teacher.heads_for(&inputs, &rule)?;
        let mut k = 0;
        for s in chunk.iter_mut() {
            for p in s.pairs.iter_mut() {
                p.soft_quad = Some(quad[k]);
                let r: Vec<f32> = root_at.iter().map(|i| i.map(|i| root[k][i]).unwrap_or(0.0)).collect();
                let sum: f32 = r.iter().sum();
                p.soft_root = Some(r.iter().map(|x| x / sum.max(1e-6)).collect());
                k += 1;
            }
        }
        done += chunk.len();
        progress(format!("  teacher labelled {done}/{total} sentences ({:.0} s)", started.elapsed().as_secs_f64()));
    }
    Ok(())
}

/// Trains one seed's heads on `train`.
pub fn train_heads(c: &HeadsConfig, seed: u64, roots: &[String], train: &FeatureSet) -> Result<PairHeads> {
    tch::manual_seed(seed as i64);
    let heads = PairHeads::new(Device::Cpu, c.encoder.hidden(), c.hidden, roots.len(), c.dropout);
    let mut opt = nn::AdamW { wd: c.weight_decay, ..Default::default() }.build(&heads.vs, c.lr)?;
    let n = train.targets.len() as i64;
    let t = TargetTensors::new(&train.targets, roots, Device::Cpu);
    let stance_w = stance_class_weights(c, &train.targets);
    let items = c.consistency.as_ref().map(|_| consistency_items(train));
    let mut rng_seed = seed;
    for _epoch in 0..c.epochs {
        rng_seed = rng_seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        tch::manual_seed(rng_seed as i64);
        let perm = Tensor::randperm(n, (Kind::Int64, Device::Cpu));
        let mut start = 0;
        while start < n {
            let len = (c.batch_size as i64).min(n - start);
            let idx = perm.narrow(0, start, len);
            start += len;
            let out = heads.forward(&train.x.index_select(0, &idx), &train.rule.index_select(0, &idx), true);
            let mut loss = heads_loss(c, &out, &t, Some(&idx), &stance_w);
            if let (Some(k), Some(items)) = (&c.consistency, &items) {
                loss = loss + consistency_loss(k, &heads, train, items);
            }
            opt.backward_step(&loss);
        }
    }
    Ok(heads)
}

/// Dev figures of one seed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DevFigures {
    /// CoNLL dev part, country pairs: the learned role against the annotation.
    pub role_precision: f64,
    pub role_recall: f64,
    pub role_f1: f64,
    /// The word-order rule on the same pairs, for comparison.
    pub rule_precision: f64,
    pub rule_recall: f64,
    /// PLV dev, marked source → target: cooperative vs hostile (one-pass stance head).
    pub plv_coop_vs_hostile: f64,
    /// PLV dev: the marked pair's role probability ≥ threshold; third actors below it.
    pub plv_role_recall: f64,
    pub plv_third_actor_role_rate: f64,
    /// PLV dev quad accuracy (4 classes): the quad head alone, and with its half set by the
    /// marked pair's per-pair stance (what `dyad score` writes with `quad_follows_stance`).
    pub plv_quad_accuracy: f64,
    pub plv_quad_accuracy_with_stance: f64,
    pub plv_root_accuracy: f64,
    /// directed_sentiment_valid, 5-class macro-F1 from the one-pass stance head.
    pub ds_macro_f1: f64,
    /// Predicted one-pass stances that break Wen et al.'s constraints (see
    /// [`ConsistencyConfig`]) on the dev sets: opposite stances of a pair's two directions
    /// (PLV, CoNLL and directed-sentiment dev), unbalanced triangles (PLV and CoNLL dev).
    #[serde(default)]
    pub dev_opposite_reverse_rate: f64,
    #[serde(default)]
    pub dev_unbalanced_triangle_rate: f64,
    /// The brief's four reference statements right (role and stance as shipped).
    pub reference_right: usize,
    pub reference_notes: Vec<String>,
}

/// Counts of code-level role pairs, countries only: (learned, rule).
fn role_counts(g: &Gazetteer, conll: &[SpanSentence], sentences: &[PairSentence], f: &FeatureSet, p: &Predicted, threshold: f32) -> (PairCounts, PairCounts) {
    let date = NaiveDate::from_ymd_opt(CONLL_DATE.0, CONLL_DATE.1, CONLL_DATE.2).unwrap();
    let annotated: Vec<&SpanSentence> = conll.iter().filter(|s| fully_annotated(s)).collect();
    assert_eq!(annotated.len(), sentences.len());
    let (mut learned, mut rule) = (PairCounts::default(), PairCounts::default());
    for (si, s) in annotated.iter().enumerate() {
        let gold: BTreeSet<(String, String)> = gold_pairs(g, s, date).into_iter().filter(|x| x.2).map(|x| (x.0, x.1)).collect();
        let mut by_model = BTreeSet::new();
        let mut by_rule = BTreeSet::new();
        for (k, t) in f.targets.iter().enumerate().filter(|(k, _)| f.sentence[*k] == si) {
            let Some((a, b, countries)) = &t.codes else { continue };
            if !countries {
                continue;
            }
            if p.role[k] >= threshold {
                by_model.insert((a.clone(), b.clone()));
            }
            if t.rule {
                by_rule.insert((a.clone(), b.clone()));
            }
        }
        for (counts, predicted) in [(&mut learned, &by_model), (&mut rule, &by_rule)] {
            counts.gold += gold.len();
            counts.predicted += predicted.len();
            counts.correct += gold.intersection(predicted).count();
        }
    }
    (learned, rule)
}

/// The brief's reference statements: (source, target, sentence start, label).
pub const REFERENCE: [(&str, &str, &str, Label); 4] = [
    ("IRN", "AZE", "Iranian President Masoud Pezeshkian told", Label::Cooperative),
    ("IRN", "AZE", "Iran has consistently voiced", Label::Hostile),
    ("IRN", "ISR", "Tehran perceives Israel", Label::Hostile),
    ("ISR", "AZE", "Tehran perceives Israel", Label::Cooperative),
];

/// The reference article's statements as `dyad score` builds them.
pub fn reference_statements(g: &Gazetteer, article: &Path) -> Result<Vec<dyad_core::records::Statement>> {
    let mut articles = Vec::new();
    let mut errors = Vec::new();
    dyad_core::ingest::read_file(article, &Default::default(), &mut |r| match r {
        Ok(a) => articles.push(a),
        Err(e) => errors.push(e.to_string()),
    });
    if let Some(e) = errors.first() {
        bail!("{e}");
    }
    Ok(articles.iter().flat_map(|a| dyad_core::pipeline::statements_of(a, g)).collect())
}

/// Checks the reference statements: the pair must be primary (role ≥ threshold) and its label
/// right, with the stance as `stance_from` gives it.
fn check_reference(
    statements: &[dyad_core::records::Statement],
    f: &FeatureSet,
    p: &Predicted,
    marked: &[StanceScore],
    c: &HeadsConfig,
) -> (usize, Vec<String>) {
    let mut right = 0;
    let mut notes = Vec::new();
    for (s, t, start, label) in REFERENCE {
        let Some(k) = statements.iter().position(|x| x.source.code == s && x.target.code == t && x.sentence.starts_with(start)) else {
            notes.push(format!("{s}→{t} «{start}…»: not found"));
            continue;
        };
        debug_assert_eq!(f.sentence.len(), statements.len());
        let role = p.role[k];
        let primary = match c.primary_from {
            PrimaryFrom::Rule => f.targets[k].rule,
            PrimaryFrom::Learned => role >= c.role_threshold,
        };
        let stance = match c.stance_from {
            StanceFrom::OnePass => p.stance[k],
            StanceFrom::Marked => marked[k],
            StanceFrom::MarkedForPrimary if primary => marked[k],
            StanceFrom::MarkedForPrimary => p.stance[k],
        };
        let ok = primary && stance.label() == label;
        right += ok as usize;
        let note = if ok { "" } else if primary { " WRONG" } else { " WRONG (not primary)" };
        notes.push(format!("{s}→{t} «{start}…»: rule {}, p_primary {role:.2}, {} (want {}){note}", f.targets[k].rule, stance.label().as_str(), label.as_str()));
    }
    (right, notes)
}

pub struct HeadsRun {
    pub per_seed: Vec<(u64, DevFigures)>,
    pub manifest: PairManifest,
    pub dir: PathBuf,
}

/// Mean and sample standard deviation.
pub fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n.max(1.0);
    let var = if xs.len() > 1 { xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
    (mean, var.sqrt())
}

/// The figures of all seeds as `metric: {mean, sd, seeds: {seed: value}}`.
pub fn spread(per_seed: &[(u64, DevFigures)]) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    let rows: Vec<(u64, serde_json::Value)> = per_seed.iter().map(|(s, f)| (*s, serde_json::to_value(f).unwrap())).collect();
    let Some((_, first)) = rows.first() else { return serde_json::Value::Null };
    for key in first.as_object().unwrap().keys() {
        let values: Vec<f64> = rows.iter().filter_map(|(_, v)| v[key].as_f64()).collect();
        if values.len() != rows.len() {
            continue;
        }
        let (m, sd) = mean_sd(&values);
        let seeds: serde_json::Map<String, serde_json::Value> = rows.iter().map(|(s, v)| (s.to_string(), v[key].clone())).collect();
        out.insert(key.clone(), serde_json::json!({ "mean": m, "sd": sd, "seeds": seeds }));
    }
    serde_json::Value::Object(out)
}

/// Trains every seed, evaluates each, writes the first seed's heads and the manifest.
/// Dev sets' pair features under one seed's encoder.
struct DevFeatures {
    conll: FeatureSet,
    plv: FeatureSet,
    ds: FeatureSet,
    reference: FeatureSet,
}

/// The frozen layers' output of every training and dev sentence (top-layer fine-tuning).
struct LowerSets {
    train: crate::top_layers::LowerStates,
    conll: crate::top_layers::LowerStates,
    plv: crate::top_layers::LowerStates,
    ds: crate::top_layers::LowerStates,
    reference: crate::top_layers::LowerStates,
}

/// `resume`: with `top_layers`, each seed continues from its last epoch checkpoint in `out_dir`.
pub fn run(c: &HeadsConfig, config_json: serde_json::Value, model: &DirectedStanceModel, resume: bool, progress: &mut dyn FnMut(String)) -> Result<HeadsRun> {
    let started = Instant::now();
    let g = Gazetteer::builtin();
    let conll_all = load_conll(&c.conll)?;
    let (conll_dev, conll_train): (Vec<SpanSentence>, Vec<SpanSentence>) = conll_all.into_iter().partition(is_dev);
    let (plv, _) = load_plv(&c.stance_data_dir.join("plv_train.tsv"))?;
    let plv_dev_keys = read_keys(&c.plv_dev_split)?;
    let (plv_dev, plv_train): (Vec<PlvSentence>, Vec<PlvSentence>) = plv.into_iter().partition(|s| plv_dev_keys.contains(&s.key));
    let (ds_train, _) = load_directed_sentiment(&c.stance_data_dir.join("directed_sentiment_train.tsv"))?;
    let (ds_valid, _) = load_directed_sentiment(&c.stance_data_dir.join("directed_sentiment_valid.tsv"))?;
    // No dev sentence is trained on, whichever set it came from.
    let dev_keys: HashSet<&str> = conll_dev.iter().map(|s| s.key.as_str()).chain(plv_dev.iter().map(|s| s.key.as_str())).chain(ds_valid.iter().map(|s| s.key.as_str())).collect();
    let conll_train: Vec<SpanSentence> = conll_train.into_iter().filter(|s| !dev_keys.contains(s.key.as_str())).collect();
    let plv_train: Vec<PlvSentence> = plv_train.into_iter().filter(|s| !dev_keys.contains(s.key.as_str())).collect();
    let ds_train: Vec<DsSentence> = ds_train.into_iter().filter(|s| !dev_keys.contains(s.key.as_str())).collect();

    let mut train_sentences = conll_sentences(g, &conll_train);
    train_sentences.extend(plv_sentences(g, &plv_train));
    train_sentences.extend(ds_sentences(&ds_train, c.ds_stance_holder_roles));
    let labelled_sentences = train_sentences.len();
    if let Some(d) = &c.distill {
        // Archive sentences that are also a dev sentence would leak it; none is expected.
        let extra: Vec<PairSentence> = archive_sentences(g, &d.archives, d.max_archive_sentences)?;
        let dev_texts: HashSet<&str> = conll_dev.iter().map(|s| s.text.as_str()).chain(plv_dev.iter().map(|s| s.text.as_str())).chain(ds_valid.iter().map(|s| s.text.as_str())).collect();
        train_sentences.extend(extra.into_iter().filter(|s| !dev_texts.contains(s.text.as_str())));
    }
    let conll_dev_s = conll_sentences(g, &conll_dev);
    let plv_dev_s = plv_sentences(g, &plv_dev);
    let ds_valid_s = ds_sentences(&ds_valid, false);
    let reference = reference_statements(g, &c.reference_article)?;
    let reference_s: Vec<PairSentence> = reference
        .iter()
        .map(|st| PairSentence {
            text: st.sentence.clone(),
            mentions: vec![(st.source.start, st.source.end), (st.target.start, st.target.end)],
            pairs: vec![PairTarget { source: 0, target: 1, rule: st.primary, ..Default::default() }],
        })
        .collect();
    // Roots with enough training pairs; the rest are not predicted.
    let mut root_counts: BTreeMap<String, usize> = BTreeMap::new();
    for s in &plv_train {
        *root_counts.entry(s.root.clone()).or_default() += 1;
    }
    let roots: Vec<String> = root_counts.iter().filter(|(_, &n)| n >= c.min_root_examples).map(|(r, _)| r.clone()).collect();
    if let Some(d) = &c.distill {
        progress(format!("distilling from {}: {} labelled and {} archive sentences", d.teacher_dir.display(), labelled_sentences, train_sentences.len() - labelled_sentences));
        teacher_labels(d, &c.stance_dir, &roots, &mut train_sentences, progress)?;
    }
    progress(format!(
        "{} training sentences (CoNLL {}, PLV {}, directed sentiment {}); dev: CoNLL {}, PLV {}, directed_sentiment_valid {}; {} roots",
        train_sentences.len(),
        conll_train.len(),
        plv_train.len(),
        ds_train.len(),
        conll_dev_s.len(),
        plv_dev_s.len(),
        ds_valid_s.len(),
        roots.len()
    ));
    let mpnet = match c.encoder {
        PairEncoderKind::Mpnet => Some(MpnetEncoder::load(&dyad_model::paths::accurate_encoder_dir(None)?, model.encoder.device)?),
        PairEncoderKind::StanceModel => None,
    };
    let encoder = match &mpnet {
        Some(m) => SentenceEncoder::Mpnet(m),
        None => SentenceEncoder::StanceModel(model),
    };
    let (frozen, lower) = match (&c.top_layers, &mpnet) {
        (Some(top), Some(m)) => {
            let from = m.model.layer_count().checked_sub(top.layers).context("top_layers.layers exceeds the encoder's layers")?;
            let mut lower = |s: &[PairSentence]| crate::top_layers::lower_states(m, s, from, progress);
            let sets = LowerSets { train: lower(&train_sentences)?, conll: lower(&conll_dev_s)?, plv: lower(&plv_dev_s)?, ds: lower(&ds_valid_s)?, reference: lower(&reference_s)? };
            (None, Some(sets))
        }
        _ => {
            let train_f = features(&encoder, &train_sentences, progress)?;
            let dev = DevFeatures {
                conll: features(&encoder, &conll_dev_s, progress)?,
                plv: features(&encoder, &plv_dev_s, progress)?,
                ds: features(&encoder, &ds_valid_s, progress)?,
                // Reference statements: each one's own pair with its own rule bit, as `dyad score` sees it.
                reference: features(&encoder, &reference_s, progress)?,
            };
            progress(format!("features of {} training pairs cached ({:.0} s)", train_f.targets.len(), started.elapsed().as_secs_f64()));
            (Some((train_f, dev)), None)
        }
    };
    let reference_marked = model.score(&reference.iter().map(|s| s.stance_input()).collect::<Vec<StanceInput>>())?;
    // The per-pair stance of each PLV dev marked pair, for the quad that follows it.
    let plv_marked = model.score(&plv_dev.iter().map(|s| StanceInput { text: s.text.clone(), source: s.source, target: s.target }).collect::<Vec<_>>())?;

    // Every dev figure of one trained set of heads; `label` names it in the progress lines.
    let evaluate = |heads: &PairHeads, dev: &DevFeatures, label: String, progress: &mut dyn FnMut(String)| -> Result<DevFigures> {
        let (conll_f, plv_f, ds_f, reference_f) = (&dev.conll, &dev.plv, &dev.ds, &dev.reference);
        let mut fig = DevFigures::default();
        let (mut opposite, mut unbalanced) = ([0usize; 2], [0usize; 2]);
        let mut count_violations = |f: &FeatureSet, p: &Predicted| {
            let (o, u) = consistency_violations(f, p);
            for i in 0..2 {
                opposite[i] += o[i];
                unbalanced[i] += u[i];
            }
        };
        let p = predict(heads, &conll_f)?;
        count_violations(conll_f, &p);
        let (learned, rule) = role_counts(g, &conll_dev, &conll_dev_s, &conll_f, &p, c.role_threshold);
        (fig.role_precision, fig.role_recall, fig.role_f1) = (learned.precision(), learned.recall(), learned.f1());
        (fig.rule_precision, fig.rule_recall) = (rule.precision(), rule.recall());
        let p = predict(heads, &plv_f)?;
        count_violations(plv_f, &p);
        let mut cvh = Confusion::new(&["cooperative", "hostile"]);
        let mut quad = Confusion::new(&["verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"]);
        let mut quad_with_stance = Confusion::new(&["verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"]);
        let (mut root_right, mut root_n, mut marked_role, mut marked_n, mut third_role, mut third_n) = (0, 0, 0, 0, 0, 0);
        for (k, t) in plv_f.targets.iter().enumerate() {
            let is_marked = t.source == 0 && t.target == 1;
            if is_marked {
                let gold = t.stance.unwrap();
                let s = p.stance[k];
                cvh.add(if gold == Label::Cooperative { 0 } else { 1 }, if s.p_cooperative >= s.p_hostile { 0 } else { 1 });
                let q = p.quad[k];
                let best = (0..4).max_by(|&a, &b| q[a].total_cmp(&q[b])).unwrap();
                quad.add(quad_index(t.quad.unwrap()), best);
                let q2 = quad_consistent_with(q, plv_marked[plv_f.sentence[k]].label());
                quad_with_stance.add(quad_index(t.quad.unwrap()), (0..4).max_by(|&a, &b| q2[a].total_cmp(&q2[b])).unwrap());
                root_n += 1;
                root_right += (t.root.as_deref() == roots.get(p.root[k]).map(String::as_str)) as usize;
                marked_n += 1;
                marked_role += (p.role[k] >= c.role_threshold) as usize;
            } else if t.source >= 2 || t.target >= 2 {
                third_n += 1;
                third_role += (p.role[k] >= c.role_threshold) as usize;
            }
        }
        fig.plv_coop_vs_hostile = cvh.accuracy();
        fig.plv_quad_accuracy = quad.accuracy();
        fig.plv_quad_accuracy_with_stance = quad_with_stance.accuracy();
        fig.plv_root_accuracy = root_right as f64 / root_n.max(1) as f64;
        fig.plv_role_recall = marked_role as f64 / marked_n.max(1) as f64;
        fig.plv_third_actor_role_rate = third_role as f64 / third_n.max(1) as f64;
        let p = predict(heads, &ds_f)?;
        count_violations(ds_f, &p);
        fig.dev_opposite_reverse_rate = opposite[0] as f64 / opposite[1].max(1) as f64;
        fig.dev_unbalanced_triangle_rate = unbalanced[0] as f64 / unbalanced[1].max(1) as f64;
        let mut five = Confusion::new(&crate::eval::FIVE_CLASS);
        for (si, s) in ds_valid.iter().enumerate() {
            let ks: Vec<usize> = (0..ds_f.sentence.len()).filter(|&k| ds_f.sentence[k] == si).collect();
            if ks.len() == 2 {
                five.add(s.label, five_class(&p.stance[ks[0]], &p.stance[ks[1]]));
            }
        }
        fig.ds_macro_f1 = five.macro_f1();
        let p = predict(heads, &reference_f)?;
        (fig.reference_right, fig.reference_notes) = check_reference(&reference, &reference_f, &p, &reference_marked, c);
        progress(format!(
            "{label}: role P {:.3} R {:.3} (rule P {:.3} R {:.3}); PLV c-vs-h {:.3}, quad {:.3} (following the stance {:.3}), root {:.3}, marked-pair role {:.3}, third-actor role {:.3}; DS macro-F1 {:.3}; opposite reverse {:.3} of {}, unbalanced triangles {:.3} of {}; reference {}/4",
            fig.role_precision,
            fig.role_recall,
            fig.rule_precision,
            fig.rule_recall,
            fig.plv_coop_vs_hostile,
            fig.plv_quad_accuracy,
            fig.plv_quad_accuracy_with_stance,
            fig.plv_root_accuracy,
            fig.plv_role_recall,
            fig.plv_third_actor_role_rate,
            fig.ds_macro_f1,
            fig.dev_opposite_reverse_rate,
            opposite[1],
            fig.dev_unbalanced_triangle_rate,
            unbalanced[1],
            fig.reference_right
        ));
        for n in &fig.reference_notes {
            progress(format!("    {n}"));
        }
        Ok(fig)
    };
    std::fs::create_dir_all(&c.out_dir).with_context(|| format!("creating {}", c.out_dir.display()))?;
    let mut per_seed = Vec::new();
    let mut ablation = Vec::new();
    let mut shipped: Option<PairHeads> = None;
    let mut overlay: Option<(String, usize)> = None;
    for &seed in &c.seeds {
        let t0 = Instant::now();
        let tuned_dev;
        let (heads, dev) = match (&frozen, &lower) {
            (Some((train_f, dev)), _) => (train_heads(c, seed, &roots, train_f)?, dev),
            (None, Some(l)) => {
                let dir = dyad_model::paths::accurate_encoder_dir(None)?;
                let (heads, enc) = crate::top_layers::train(c, seed, &roots, &train_sentences, &l.train, &dir, model.encoder.device, resume, progress)?;
                tuned_dev = DevFeatures {
                    conll: crate::top_layers::features(&enc, &l.conll, &conll_dev_s)?,
                    plv: crate::top_layers::features(&enc, &l.plv, &plv_dev_s)?,
                    ds: crate::top_layers::features(&enc, &l.ds, &ds_valid_s)?,
                    reference: crate::top_layers::features(&enc, &l.reference, &reference_s)?,
                };
                if overlay.is_none() {
                    let path = c.out_dir.join("encoder_top.safetensors");
                    crate::top_layers::save_overlay(&path, &enc, l.train.from)?;
                    overlay = Some((sha256_file(&path)?, l.train.from));
                }
                (heads, &tuned_dev)
            }
            (None, None) => unreachable!("either frozen features or lower-layer states"),
        };
        let fig = evaluate(&heads, dev, format!("seed {seed} ({:.0} s)", t0.elapsed().as_secs_f64()), progress)?;
        if let (Some(k), Some((train_f, dev))) = (&c.consistency, &frozen) {
            if k.ablation {
                // The same seed and features without the loss: what the loss changes, in one run.
                let t1 = Instant::now();
                let without = train_heads(&HeadsConfig { consistency: None, ..c.clone() }, seed, &roots, train_f)?;
                let label = format!("seed {seed} without the consistency loss ({:.0} s)", t1.elapsed().as_secs_f64());
                ablation.push((seed, evaluate(&without, dev, label, progress)?));
            }
        }
        per_seed.push((seed, fig));
        if shipped.is_none() {
            shipped = Some(heads);
        }
    }
    let heads = shipped.expect("at least one seed");
    let weights = c.out_dir.join("heads.safetensors");
    heads.vs.save(&weights).with_context(|| format!("writing {}", weights.display()))?;
    let mut data_sha256 = BTreeMap::new();
    for f in ["plv_train.tsv", "directed_sentiment_train.tsv", "directed_sentiment_valid.tsv"] {
        data_sha256.insert(f.to_string(), sha256_file(&c.stance_data_dir.join(f))?);
    }
    data_sha256.insert(c.conll.file_name().unwrap().to_string_lossy().into_owned(), sha256_file(&c.conll)?);
    let mut dev_metrics = serde_json::json!({ "shipped_seed": c.seeds[0], "over_seeds": spread(&per_seed) });
    if !ablation.is_empty() {
        dev_metrics["without_consistency"] = spread(&ablation);
    }
    let manifest = PairManifest {
        name: c.model_name.clone(),
        weights_sha256: sha256_file(&weights)?,
        stance_weights_sha256: model.weights_sha256.clone(),
        encoder: c.encoder,
        encoder_overlay_sha256: overlay.as_ref().map(|o| o.0.clone()),
        encoder_trained_from_layer: overlay.as_ref().map(|o| o.1),
        hidden: c.hidden,
        roots,
        stance_from: c.stance_from,
        role_threshold: c.role_threshold,
        primary_from: c.primary_from,
        quad_follows_stance: c.quad_follows_stance,
        config: config_json,
        data_sha256,
        dev_metrics,
        trained_at: chrono::Local::now().to_rfc3339(),
        train_seconds: started.elapsed().as_secs_f64(),
    };
    let path = c.out_dir.join("manifest.json");
    std::fs::write(&path, serde_json::to_string_pretty(&manifest)? + "\n").with_context(|| format!("writing {}", path.display()))?;
    // The run is complete: the per-seed checkpoints that let it resume are not part of the model.
    if c.top_layers.is_some() {
        for &seed in &c.seeds {
            let _ = std::fs::remove_file(crate::top_layers::checkpoint_path(&c.out_dir, seed));
        }
    }
    Ok(HeadsRun { per_seed, manifest, dir: c.out_dir.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(path: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
    }

    /// The project's own sample archive, paired as `dyad score` pairs it: every sentence once,
    /// mentions that are spans of it, pairs between two of them and no labels; `max` holds.
    #[test]
    fn archive_sentences_are_paired_unlabelled_and_capped() {
        let g = Gazetteer::builtin();
        let sample = project("data/sample/huffpost_sample.jsonl");
        let all = archive_sentences(g, std::slice::from_ref(&sample), usize::MAX).unwrap();
        assert!(all.len() > 5, "{} sentences", all.len());
        let texts: HashSet<&str> = all.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts.len(), all.len(), "a sentence kept twice");
        for s in &all {
            let chars = s.text.chars().count();
            assert!(!s.pairs.is_empty());
            assert!(s.mentions.iter().all(|&(a, b)| a < b && b <= chars), "{:?} in {:?}", s.mentions, s.text);
            for p in &s.pairs {
                assert!(p.source != p.target && p.source < s.mentions.len() && p.target < s.mentions.len());
                assert!(p.role.is_none() && p.stance.is_none() && p.quad.is_none() && p.root.is_none() && p.soft_quad.is_none());
            }
        }
        assert!(all.iter().flat_map(|s| &s.pairs).any(|p| p.rule), "no pair is primary under the rule");
        let five = archive_sentences(g, &[sample.clone(), sample], 5).unwrap();
        assert_eq!(five.iter().map(|s| &s.text).collect::<Vec<_>>(), all[..5].iter().map(|s| &s.text).collect::<Vec<_>>());
    }

    /// The real teacher (the accurate model's heads over all-mpnet-base-v2) labels real
    /// sentences with probability rows; heads trained on those soft labels alone (no gold quad)
    /// learn the teacher's quads, which an untrained quad head does not give.
    #[test]
    fn heads_learn_the_teachers_quads() {
        let config = project("models/pairs-train.json");
        let mut c = load_config(&config).unwrap();
        let d = c.distill.clone().unwrap();
        let teacher_roots = PairManifest::read(&d.teacher_dir).unwrap().roots;
        let g = Gazetteer::builtin();
        let mut sentences = archive_sentences(g, &[project("data/sample/huffpost_sample.jsonl")], 24).unwrap();
        teacher_labels(&DistillConfig { teacher_int8: false, ..d }, &c.stance_dir, &teacher_roots, &mut sentences, &mut |_| {}).unwrap();
        let pairs: Vec<&PairTarget> = sentences.iter().flat_map(|s| &s.pairs).collect();
        for p in &pairs {
            let q = p.soft_quad.unwrap();
            assert!((q.iter().sum::<f32>() - 1.0).abs() < 1e-3, "quad {q:?}");
            assert!((p.soft_root.as_ref().unwrap().iter().sum::<f32>() - 1.0).abs() < 1e-3);
        }
        let argmax = |q: &[f32]| (0..q.len()).max_by(|&a, &b| q[a].total_cmp(&q[b])).unwrap();
        let teacher: Vec<usize> = pairs.iter().map(|p| argmax(&p.soft_quad.unwrap())).collect();
        let stance = DirectedStanceModel::load(&dyad_model::paths::encoder_dir(None).unwrap(), &c.stance_dir, Device::Cpu).unwrap();
        let f = features(&SentenceEncoder::StanceModel(&stance), &sentences, &mut |_| {}).unwrap();
        let agreement = |heads: &PairHeads| {
            let p = predict(heads, &f).unwrap();
            p.quad.iter().zip(&teacher).filter(|(q, t)| argmax(&q[..]) == **t).count() as f64 / teacher.len() as f64
        };
        (c.epochs, c.batch_size) = (60, 16);
        let distilled = train_heads(&c, 13, &teacher_roots, &f).unwrap();
        c.distill = None;
        let undistilled = train_heads(&c, 13, &teacher_roots, &f).unwrap();
        let (with, without) = (agreement(&distilled), agreement(&undistilled));
        eprintln!("{} pairs: quad argmax as the teacher's {with:.2} with distillation, {without:.2} without", teacher.len());
        assert!(with >= 0.9, "distilled heads agree with the teacher on {with:.2} of quads");
        assert!(with > without, "soft labels changed nothing: {with:.2} vs {without:.2}");
    }

    /// Stance probability rows (cooperative, neutral, hostile) as a tensor.
    fn probs(rows: &[[f32; 3]]) -> Tensor {
        Tensor::from_slice(rows.as_flattened()).view([rows.len() as i64, 3])
    }

    #[test]
    fn consistency_penalties_are_the_probability_of_an_inconsistent_reading() {
        let (c, n, h) = ([1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]);
        let value = |x: Tensor| x.double_value(&[]);
        let none = [probs(&[]), probs(&[]), probs(&[])];
        // Opposite directions are inconsistent; one neutral direction, or the same sign, is not.
        for (ab, ba, want) in [(c, h, 1.0), (h, c, 1.0), (c, c, 0.0), (h, h, 0.0), (c, n, 0.0), (n, h, 0.0)] {
            let (opposite, _) = consistency_penalties(&[probs(&[ab]), probs(&[ba])], &none);
            assert_eq!(value(opposite), want, "{ab:?} {ba:?}");
        }
        // Balance: + + −, + − +, − + + and − − − are unbalanced; a neutral side frees the triangle.
        let pairs = [probs(&[]), probs(&[])];
        for (ab, bc, ac, want) in [(c, c, h, 1.0), (c, h, c, 1.0), (h, c, c, 1.0), (h, h, h, 1.0), (c, c, c, 0.0), (h, h, c, 0.0), (c, h, h, 0.0), (n, h, h, 0.0)] {
            let (_, unbalanced) = consistency_penalties(&pairs, &[probs(&[ab]), probs(&[bc]), probs(&[ac])]);
            assert_eq!(value(unbalanced), want, "{ab:?} {bc:?} {ac:?}");
        }
        // Soft probabilities: the expected violation, averaged over the items.
        let (opposite, _) = consistency_penalties(&[probs(&[[0.5, 0.0, 0.5], c]), probs(&[[0.5, 0.0, 0.5], c])], &none);
        // (0.5 · 0.5 + 0.5 · 0.5 + 0 + 0) / 2 items
        let opposite = value(opposite);
        assert!((opposite - 0.25).abs() < 1e-6, "{opposite}");
    }

    /// Real sentences from the sample archive, paired as `dyad score` pairs them: every
    /// constrained item lies inside one sentence, in the directions it names.
    #[test]
    fn consistency_items_tie_the_pairs_of_one_sentence() {
        let g = Gazetteer::builtin();
        let sentences = archive_sentences(g, &[project("data/sample/huffpost_sample.jsonl")], 200).unwrap();
        let hidden = 4;
        let zeros = |shape: &[i64]| Tensor::zeros(shape, (Kind::Float, Device::Cpu));
        let states: Vec<SentenceStates> = sentences.iter().map(|s| SentenceStates { cls: zeros(&[hidden]), mentions: zeros(&[s.mentions.len() as i64, hidden]), starts: (0..s.mentions.len()).collect() }).collect();
        let f = feature_set(&sentences, &states, hidden);
        let items = consistency_items(&f);
        assert!(!items.reverse.is_empty() && !items.transitive.is_empty(), "{} reverse, {} triangles", items.reverse.len(), items.transitive.len());
        let t = |k: i64| (&f.targets[k as usize], f.sentence[k as usize]);
        for &[ab, ba] in &items.reverse {
            let ((x, sx), (y, sy)) = (t(ab), t(ba));
            assert_eq!(sx, sy);
            assert_eq!((x.source, x.target), (y.target, y.source));
        }
        for &[ab, bc, ac] in &items.transitive {
            let ((x, sx), (y, sy), (z, sz)) = (t(ab), t(bc), t(ac));
            assert!(sx == sy && sy == sz);
            assert_eq!((x.target, x.source, y.target), (y.source, z.source, z.target));
            assert!(x.source != x.target && y.target != x.source && y.target != x.target);
        }
        // Every pair present in both directions is one item, and every triangle is found.
        let mut want_reverse = 0;
        let mut want_triangles = 0;
        for s in &sentences {
            let has: HashSet<(usize, usize)> = s.pairs.iter().map(|p| (p.source, p.target)).collect();
            want_reverse += has.iter().filter(|&&(a, b)| a < b && has.contains(&(b, a))).count();
            let m = s.mentions.len();
            for (a, b, c) in (0..m).flat_map(|a| (0..m).flat_map(move |b| (0..m).map(move |c| (a, b, c)))) {
                want_triangles += (a != b && b != c && a != c && has.contains(&(a, b)) && has.contains(&(b, c)) && has.contains(&(a, c))) as usize;
            }
        }
        assert_eq!((items.reverse.len(), items.transitive.len()), (want_reverse, want_triangles));
    }

    /// The rows a step draws reach the penalties in their places: with one reverse pair and one
    /// triangle over distinct random features (no dropout), the step's loss equals the
    /// penalties computed on those rows directly.
    #[test]
    fn consistency_loss_reads_the_drawn_rows_in_order() {
        tch::manual_seed(3);
        let hidden = 8;
        let heads = PairHeads::new(Device::Cpu, hidden, 16, 2, 0.0);
        let rows = 5;
        let f = FeatureSet {
            x: Tensor::randn([rows, feature_count(hidden)], (Kind::Float, Device::Cpu)) * 3.0,
            rule: Tensor::zeros([rows], (Kind::Float, Device::Cpu)),
            targets: vec![PairTarget::default(); rows as usize],
            sentence: vec![0; rows as usize],
        };
        let items = ConsistencyItems { reverse: vec![[3, 0]], transitive: vec![[1, 4, 2]] };
        let k = ConsistencyConfig { reverse_weight: 1.0, transitive_weight: 10.0, batch_size: 4, ablation: false };
        let got = tch::no_grad(|| consistency_loss(&k, &heads, &f, &items)).double_value(&[]);
        let p = tch::no_grad(|| heads.forward(&f.x, &f.rule, false)).stance.softmax(-1, Kind::Float);
        let row = |i: i64| p.narrow(0, i, 1);
        let (o, u) = consistency_penalties(&[row(3), row(0)], &[row(1), row(4), row(2)]);
        let want = o.double_value(&[]) + 10.0 * u.double_value(&[]);
        assert!(want > 1e-4, "the random heads give no violation to compare: {want}");
        assert!((got - want).abs() < 1e-5 * want.max(1.0), "loss {got} against {want} from the rows themselves");
    }

    /// Heads trained on real features with the loss and without it (same seed): the loss
    /// lowers the expected violations on the sentences it saw.
    #[test]
    fn consistency_loss_lowers_violations() {
        let config = project("models/pairs-train.json");
        let mut c = load_config(&config).unwrap();
        c.distill = None;
        let g = Gazetteer::builtin();
        let mut sentences = archive_sentences(g, &[project("data/sample/huffpost_sample.jsonl")], 60).unwrap();
        // Give half the pairs a stance so the head has something to learn besides the constraints.
        for (k, p) in sentences.iter_mut().flat_map(|s| s.pairs.iter_mut()).enumerate() {
            p.stance = (k % 2 == 0).then_some([Label::Cooperative, Label::Hostile, Label::Neutral][k / 2 % 3]);
        }
        let stance = DirectedStanceModel::load(&dyad_model::paths::encoder_dir(None).unwrap(), &c.stance_dir, Device::Cpu).unwrap();
        let f = features(&SentenceEncoder::StanceModel(&stance), &sentences, &mut |_| {}).unwrap();
        let items = consistency_items(&f);
        let expected = |heads: &PairHeads| {
            let p = tch::no_grad(|| heads.forward(&f.x, &f.rule, false)).stance.softmax(-1, Kind::Float);
            let rows = |r: &[i64], w: usize, i: usize| p.index_select(0, &Tensor::from_slice(&r.iter().skip(i).step_by(w).copied().collect::<Vec<_>>()));
            let (o, u) = consistency_penalties(&[rows(items.reverse.as_flattened(), 2, 0), rows(items.reverse.as_flattened(), 2, 1)], &[0, 1, 2].map(|i| rows(items.transitive.as_flattened(), 3, i)));
            o.double_value(&[]) + u.double_value(&[])
        };
        (c.epochs, c.batch_size) = (40, 16);
        let without = train_heads(&c, 13, &[], &f).unwrap();
        c.consistency = Some(ConsistencyConfig { reverse_weight: 2.0, transitive_weight: 2.0, batch_size: 32, ablation: false });
        let with = train_heads(&c, 13, &[], &f).unwrap();
        let (w, wo) = (expected(&with), expected(&without));
        eprintln!("{} reverse pairs, {} triangles: expected violations {w:.3} with the loss, {wo:.3} without", items.reverse.len(), items.transitive.len());
        assert!(w < 0.7 * wo, "the loss did not lower the violations: {w:.3} vs {wo:.3}");
    }
}
