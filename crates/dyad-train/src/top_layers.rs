//! Fine-tuning the top layers of all-mpnet-base-v2 under the pair heads (`top_layers` in the
//! heads config, with `encoder: mpnet`).
//!
//! Why this shape: full fine-tuning of 110 M parameters on two CPU cores takes many hours per
//! seed. The lower layers stay frozen, so their output is computed once per sentence and kept
//! in memory as fp16 (one pass per sentence, the one-pass design: ~50 word pieces × 768 values ×
//! 2 bytes, about 1 GB for the 13.6 k training sentences); each epoch then runs only the top
//! layers — with dropout and gradients — and the pair heads. Every seed starts from the
//! pretrained weights. Each epoch ends with a checkpoint (the trained layers and the heads), so
//! `dyad train-heads --resume` continues an interrupted seed from its last finished epoch.
use crate::heads::{feature_set, heads_loss, stance_class_weights, FeatureSet, HeadsConfig, PairSentence, TargetTensors};
use anyhow::{Context, Result};
use dyad_model::mpnet::MpnetEncoder;
use dyad_model::pair_heads::{pair_features, states_of, EncodedSentence, PairHeads, SentenceStates};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tch::{nn, nn::OptimizerConfig, Device, Kind, Tensor};

/// Sentences as the top layers read them: word pieces with mention ranges, and the frozen
/// layers' output `[len, hidden]` (fp16) for each.
pub struct LowerStates {
    pub encoded: Vec<EncodedSentence>,
    pub states: Vec<Tensor>,
    /// The first layer that trains; `states` are the output of layer `from − 1`.
    pub from: usize,
}

/// Runs the frozen layers `0..from` once over every sentence, in length-sorted batches.
pub fn lower_states(enc: &MpnetEncoder, sentences: &[PairSentence], from: usize, progress: &mut dyn FnMut(String)) -> Result<LowerStates> {
    let started = Instant::now();
    let encoded: Vec<EncodedSentence> = sentences.iter().map(|s| dyad_model::pair_heads::SentenceEncoder::Mpnet(enc).encode(&s.text, &s.mentions)).collect();
    let mut order: Vec<usize> = (0..encoded.len()).collect();
    order.sort_by_key(|&i| encoded[i].ids.len());
    let mut states: Vec<Option<Tensor>> = (0..encoded.len()).map(|_| None).collect();
    tch::no_grad(|| {
        for (k, chunk) in order.chunks(64).enumerate() {
            let seqs: Vec<Vec<i64>> = chunk.iter().map(|&i| encoded[i].ids.clone()).collect();
            let batch = enc.pad(&seqs);
            let bias = enc.model.attention_bias(&batch.mask);
            let h = enc.model.layers_t(&enc.model.embed(&batch.ids, false), &bias, 0, from, false).to_device(Device::Cpu);
            for (b, &i) in chunk.iter().enumerate() {
                states[i] = Some(h.get(b as i64).narrow(0, 0, encoded[i].ids.len() as i64).to_kind(Kind::Half).contiguous());
            }
            if (k + 1) % 16 == 0 || (k + 1) * 64 >= order.len() {
                progress(format!("  frozen layers 0..{from}: {}/{} sentences ({:.0} s)", ((k + 1) * 64).min(order.len()), order.len(), started.elapsed().as_secs_f64()));
            }
        }
    });
    Ok(LowerStates { encoded, states: states.into_iter().map(|s| s.expect("every sentence encoded")).collect(), from })
}

/// The top layers over sentences `idx` (zero-padded to the longest), then each sentence's
/// pair-feature states. With `train`, dropout is on and gradients flow to the top layers.
fn top_states(enc: &MpnetEncoder, lower: &LowerStates, idx: &[usize], train: bool) -> Vec<SentenceStates> {
    let device = enc.device;
    let len = idx.iter().map(|&i| lower.encoded[i].ids.len()).max().unwrap_or(1) as i64;
    let padded: Vec<Tensor> = idx
        .iter()
        .map(|&i| {
            let s = lower.states[i].to_device(device).to_kind(Kind::Float);
            s.constant_pad_nd([0, 0, 0, len - s.size()[0]])
        })
        .collect();
    let x = Tensor::stack(&padded, 0);
    let mask: Vec<i64> = idx.iter().flat_map(|&i| (0..len).map(move |t| (t < lower.encoded[i].ids.len() as i64) as i64)).collect();
    let mask = Tensor::from_slice(&mask).view([idx.len() as i64, len]).to_device(device);
    let bias = enc.model.attention_bias(&mask);
    let h = enc.model.layers_t(&x, &bias, lower.from, enc.model.layer_count(), train);
    idx.iter().enumerate().map(|(b, &i)| states_of(&h.get(b as i64), &lower.encoded[i])).collect()
}

/// Features of every pair of `sentences` through the (fine-tuned) top layers: what the
/// frozen path's [`crate::heads::features`] gives, for evaluation.
pub fn features(enc: &MpnetEncoder, lower: &LowerStates, sentences: &[PairSentence]) -> Result<FeatureSet> {
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    order.sort_by_key(|&i| lower.encoded[i].ids.len());
    let mut states: Vec<Option<SentenceStates>> = (0..sentences.len()).map(|_| None).collect();
    tch::no_grad(|| {
        for chunk in order.chunks(64) {
            for (st, &i) in top_states(enc, lower, chunk, false).into_iter().zip(chunk) {
                states[i] = Some(SentenceStates { cls: st.cls.to_device(Device::Cpu), mentions: st.mentions.to_device(Device::Cpu), starts: st.starts });
            }
        }
    });
    let states: Vec<SentenceStates> = states.into_iter().map(|s| s.expect("every sentence encoded")).collect();
    Ok(feature_set(sentences, &states, enc.model.config.hidden_size))
}

/// `encoder.layer.{i}.…` with `i ≥ from`: the variables that train.
fn is_top_layer(name: &str, from: usize) -> bool {
    name.strip_prefix("encoder.layer.").and_then(|r| r.split('.').next()).and_then(|i| i.parse::<usize>().ok()).is_some_and(|i| i >= from)
}

/// Where seed `seed`'s epoch checkpoint lives (removed once the whole run has finished).
pub fn checkpoint_path(out_dir: &Path, seed: u64) -> PathBuf {
    out_dir.join(format!("checkpoint-seed{seed}.safetensors"))
}

/// Trains one seed: the top layers (from the pretrained weights in `encoder_dir`) and the heads.
/// Returns the heads and the encoder with its trained top layers.
pub fn train(
    c: &HeadsConfig,
    seed: u64,
    roots: &[String],
    sentences: &[PairSentence],
    lower: &LowerStates,
    encoder_dir: &Path,
    device: Device,
    resume: bool,
    progress: &mut dyn FnMut(String),
) -> Result<(PairHeads, MpnetEncoder)> {
    tch::manual_seed(seed as i64);
    let enc = MpnetEncoder::load(encoder_dir, device)?;
    // Only the top layers train. The relative-position bias table is shared with the frozen
    // layers, whose cached output it shaped, so it stays as it is too.
    for (name, t) in enc.vs.variables() {
        let _ = t.set_requires_grad(is_top_layer(&name, lower.from));
    }
    let mut heads = PairHeads::new(device, enc.model.config.hidden_size, c.hidden, roots.len(), c.dropout);
    let top = c.top_layers.as_ref().context("the config has no `top_layers` settings")?;
    let mut opt_heads = nn::AdamW { wd: c.weight_decay, ..Default::default() }.build(&heads.vs, c.lr)?;
    let mut opt_enc = nn::AdamW { wd: c.weight_decay, ..Default::default() }.build(&enc.vs, top.encoder_lr)?;
    let with_pairs: Vec<usize> = (0..sentences.len()).filter(|&i| !sentences[i].pairs.is_empty()).collect();
    let all_targets: Vec<_> = with_pairs.iter().flat_map(|&i| sentences[i].pairs.iter().cloned()).collect();
    let stance_w = stance_class_weights(c, &all_targets).to_device(device);
    let checkpoint = checkpoint_path(&c.out_dir, seed);
    let mut first_epoch = 0;
    if resume && checkpoint.is_file() {
        let saved = Tensor::read_safetensors(&checkpoint).with_context(|| format!("reading {}", checkpoint.display()))?;
        tch::no_grad(|| -> Result<()> {
            let (mut heads_vars, mut enc_vars) = (heads.vs.variables(), enc.vs.variables());
            for (name, t) in &saved {
                if name == "epochs_done" {
                    first_epoch = t.int64_value(&[0]) as usize;
                } else if let Some(n) = name.strip_prefix("heads.") {
                    heads_vars.get_mut(n).with_context(|| format!("checkpoint variable {name}"))?.copy_(t);
                } else if let Some(n) = name.strip_prefix("encoder.") {
                    enc_vars.get_mut(n).with_context(|| format!("checkpoint variable {name}"))?.copy_(t);
                }
            }
            Ok(())
        })?;
        progress(format!("  seed {seed}: resuming after epoch {first_epoch} from {} (optimizer state restarts)", checkpoint.display()));
    }
    let started = Instant::now();
    let mut rng_seed = seed;
    for epoch in 0..top.epochs {
        rng_seed = rng_seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        if epoch < first_epoch {
            continue;
        }
        tch::manual_seed(rng_seed as i64);
        // Shuffled, then sorted by length within windows of 32 batches: little padding, and
        // every batch still a random draw.
        let perm = Vec::<i64>::try_from(Tensor::randperm(with_pairs.len() as i64, (Kind::Int64, Device::Cpu)))?;
        let mut shuffled: Vec<usize> = perm.iter().map(|&k| with_pairs[k as usize]).collect();
        for window in shuffled.chunks_mut(top.batch_sentences * 32) {
            window.sort_by_key(|&i| lower.encoded[i].ids.len());
        }
        let mut batches: Vec<&[usize]> = shuffled.chunks(top.batch_sentences).collect();
        let order = Vec::<i64>::try_from(Tensor::randperm(batches.len() as i64, (Kind::Int64, Device::Cpu)))?;
        batches = order.iter().map(|&k| batches[k as usize]).collect();
        let (mut loss_sum, mut loss_n) = (0.0, 0usize);
        for (b, idx) in batches.iter().enumerate() {
            let states = top_states(&enc, lower, idx, true);
            let mut xs = Vec::with_capacity(idx.len());
            let mut targets = Vec::new();
            for (st, &i) in states.iter().zip(idx.iter()) {
                let ij: Vec<(usize, usize)> = sentences[i].pairs.iter().map(|p| (p.source, p.target)).collect();
                xs.push(pair_features(st, &ij));
                targets.extend(sentences[i].pairs.iter().cloned());
            }
            let t = TargetTensors::new(&targets, roots, device);
            let out = heads.forward(&Tensor::cat(&xs, 0), &t.rule, true);
            let loss = heads_loss(c, &out, &t, None, &stance_w);
            opt_heads.zero_grad();
            opt_enc.zero_grad();
            loss.backward();
            opt_heads.step();
            opt_enc.step();
            loss_sum += loss.double_value(&[]);
            loss_n += 1;
            if (b + 1) % 50 == 0 {
                progress(format!("  seed {seed} epoch {}: {}/{} batches, loss {:.4} ({:.0} s)", epoch + 1, b + 1, batches.len(), loss_sum / loss_n as f64, started.elapsed().as_secs_f64()));
            }
        }
        progress(format!("  seed {seed} epoch {} done: loss {:.4} ({:.0} s)", epoch + 1, loss_sum / loss_n.max(1) as f64, started.elapsed().as_secs_f64()));
        save_checkpoint(&checkpoint, &heads, &enc, lower.from, epoch + 1)?;
    }
    // Evaluation reads the features on the CPU.
    heads.vs.set_device(Device::Cpu);
    Ok((heads, enc))
}

/// The trained variables (heads and top layers, fp32) and the number of finished epochs,
/// written to a temporary file and renamed, so a killed run leaves the previous checkpoint.
fn save_checkpoint(path: &Path, heads: &PairHeads, enc: &MpnetEncoder, from: usize, epochs_done: usize) -> Result<()> {
    let mut named: Vec<(String, Tensor)> = heads.vs.variables().into_iter().map(|(n, t)| (format!("heads.{n}"), t.to_device(Device::Cpu))).collect();
    named.extend(enc.vs.variables().into_iter().filter(|(n, _)| is_top_layer(n, from)).map(|(n, t)| (format!("encoder.{n}"), t.to_device(Device::Cpu))));
    named.push(("epochs_done".into(), Tensor::from_slice(&[epochs_done as i64])));
    let tmp = path.with_extension("safetensors.partial");
    Tensor::write_safetensors(&named, &tmp).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))?;
    Ok(())
}

/// The overlay `dyad score --model accurate` loads over the base weights: only the trained top
/// layers, in fp16.
pub fn save_overlay(path: &Path, enc: &MpnetEncoder, from: usize) -> Result<()> {
    let named: Vec<(String, Tensor)> =
        enc.vs.variables().into_iter().filter(|(n, _)| is_top_layer(n, from)).map(|(n, t)| (n, t.to_device(Device::Cpu).to_kind(Kind::Half))).collect();
    Tensor::write_safetensors(&named, path).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heads::{load_config, PairTarget};
    use dyad_core::stance::Label;

    /// Two-actor sentences with a labelled source → target pair each.
    fn sentences() -> Vec<PairSentence> {
        let texts = [
            ("Iran has consistently voiced concerns over Azerbaijan's proposal.", "Iran", "Azerbaijan", Label::Hostile),
            ("Pezeshkian told Hajiyev that Tehran seeks to strengthen relations across all sectors with Azerbaijan.", "Tehran", "Azerbaijan", Label::Cooperative),
            ("Russia condemned the strikes that Ukraine launched on Sunday.", "Russia", "Ukraine", Label::Hostile),
            ("France and Germany signed a treaty of friendship on Tuesday.", "France", "Germany", Label::Cooperative),
            ("Japan said talks with China would continue next week.", "Japan", "China", Label::Neutral),
        ];
        texts
            .iter()
            .map(|&(text, s, t, label)| {
                let span = |x: &str| {
                    let b = text[..text.find(x).unwrap()].chars().count();
                    (b, b + x.chars().count())
                };
                let pair = |source, target, stance| PairTarget { source, target, rule: source == 0, role: Some(source == 0), stance: Some(stance), ..Default::default() };
                PairSentence { text: text.into(), mentions: vec![span(s), span(t)], pairs: vec![pair(0, 1, label), pair(1, 0, Label::Neutral)] }
            })
            .collect()
    }

    /// One epoch over five real sentences on the real weights: only the top layer moves, the
    /// checkpoint records the finished epoch, `--resume` skips it (same weights back), and the
    /// overlay holds the top layer alone, in fp16.
    #[test]
    fn top_layer_training_checkpoints_and_resumes() {
        let dir = dyad_model::paths::accurate_encoder_dir(None).expect("all-mpnet-base-v2 (run make setup-accurate)");
        let out = tempfile::tempdir().unwrap();
        let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/experiments/pairs-train-mpnet-top1.json");
        let mut c = load_config(&config).unwrap();
        c.out_dir = out.path().to_path_buf();
        let top = c.top_layers.as_mut().unwrap();
        (top.epochs, top.batch_sentences) = (1, 2);
        let base = MpnetEncoder::load(&dir, Device::Cpu).unwrap();
        let from = base.model.layer_count() - 1;
        let s = sentences();
        let lower = lower_states(&base, &s, from, &mut |_| {}).unwrap();
        assert_eq!(lower.states[0].size()[1], 768);
        assert_eq!(lower.states[0].kind(), Kind::Half);
        let (heads, tuned) = train(&c, 13, &[], &s, &lower, &dir, Device::Cpu, false, &mut |_| {}).unwrap();
        let (b, t) = (base.vs.variables(), tuned.vs.variables());
        let moved = |n: &str| (&b[n] - &t[n]).abs().max().double_value(&[]);
        assert!(moved(&format!("encoder.layer.{from}.output.dense.weight")) > 0.0, "the top layer did not train");
        assert_eq!(moved(&format!("encoder.layer.{}.output.dense.weight", from - 1)), 0.0, "a frozen layer changed");
        assert_eq!(moved("encoder.relative_attention_bias.weight"), 0.0);
        let checkpoint = checkpoint_path(out.path(), 13);
        let saved = Tensor::read_safetensors(&checkpoint).unwrap();
        assert_eq!(saved.iter().find(|(n, _)| n == "epochs_done").unwrap().1.int64_value(&[0]), 1);
        // Resumed with the epoch already done: nothing trains, the checkpoint's weights come back.
        let (heads2, tuned2) = train(&c, 13, &[], &s, &lower, &dir, Device::Cpu, true, &mut |_| {}).unwrap();
        let name = format!("encoder.layer.{from}.output.dense.weight");
        assert_eq!((&t[&name] - &tuned2.vs.variables()[&name]).abs().max().double_value(&[]), 0.0);
        let (h1, h2) = (heads.vs.variables(), heads2.vs.variables());
        assert_eq!((&h1["stance.weight"] - &h2["stance.weight"]).abs().max().double_value(&[]), 0.0);
        // Features through the tuned layer, one row per pair, as the frozen path gives.
        let f = features(&tuned, &lower, &s).unwrap();
        assert_eq!(f.x.size(), [10, dyad_model::pair_heads::feature_count(768)]);
        let overlay = out.path().join("encoder_top.safetensors");
        save_overlay(&overlay, &tuned, from).unwrap();
        let named = Tensor::read_safetensors(&overlay).unwrap();
        assert!(!named.is_empty() && named.iter().all(|(n, t)| n.starts_with(&format!("encoder.layer.{from}.")) && t.kind() == Kind::Half), "{:?}", named.iter().map(|x| &x.0).collect::<Vec<_>>());
    }

    #[test]
    fn top_layer_names() {
        assert!(is_top_layer("encoder.layer.11.attention.attn.q.weight", 10));
        assert!(is_top_layer("encoder.layer.10.output.dense.bias", 10));
        assert!(!is_top_layer("encoder.layer.9.output.dense.bias", 10));
        assert!(!is_top_layer("encoder.layer.1.output.dense.bias", 10));
        assert!(!is_top_layer("encoder.relative_attention_bias.weight", 0));
        assert!(!is_top_layer("embeddings.word_embeddings.weight", 0));
    }
}
