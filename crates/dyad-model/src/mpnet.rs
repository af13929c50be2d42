//! MPNet (all-mpnet-base-v2, 110 M parameters) in tch: the encoder under `--model accurate`.
//!
//! rust-bert 0.23 has no MPNet, so it is written here, next to [`crate::encoder::FastBert`].
//! MPNet is BERT-shaped; what differs, following `transformers`' `modeling_mpnet.py`:
//! - no token-type embeddings; absolute positions count real tokens only and start after the
//!   padding id (`cumsum(ids ≠ pad) · (ids ≠ pad) + pad`), so padding never shifts them;
//! - every layer adds one learned relative-position bias to the attention scores: relative
//!   distances fall into 32 buckets (16 per direction, exact below 8, logarithmic up to 128),
//!   each bucket holds one value per head, and the table is shared by all layers;
//! - the projections are `attention.attn.{q,k,v,o}`, LayerNorm ε is 1e-5, GELU is exact (erf);
//! - the tokenizer is BERT's uncased word-piece tokenizer with `<s>` … `</s>` around the
//!   sentence and `<pad>` (id 1) as padding.
//!
//! `tests/mpnet.rs` compares the hidden states with Python `transformers`' `MPNetModel` on the
//! same weights (fixture from `scripts/bench/mpnet_reference.py`).
use crate::encoder::{mean_pool, Linear, Precision};
use anyhow::{bail, Context, Result};
use rust_tokenizers::tokenizer::{BertTokenizer, MultiThreadedTokenizer, TruncationStrategy};
use rust_tokenizers::vocab::{BertVocab, Vocab};
use serde::Deserialize;
use std::path::Path;
use tch::nn::{self, Module};
use tch::{Device, Kind, Tensor};

/// Longest input in word pieces, as sentence-transformers runs all-mpnet-base-v2.
pub const MAX_TOKENS: usize = 384;

/// The fields of the encoder's `config.json` the forward pass needs.
#[derive(Debug, Clone, Deserialize)]
pub struct MpnetConfig {
    pub vocab_size: i64,
    pub hidden_size: i64,
    pub num_hidden_layers: i64,
    pub num_attention_heads: i64,
    pub intermediate_size: i64,
    pub max_position_embeddings: i64,
    pub relative_attention_num_buckets: i64,
    pub layer_norm_eps: f64,
    pub hidden_dropout_prob: f64,
    pub attention_probs_dropout_prob: f64,
    pub pad_token_id: i64,
}

impl MpnetConfig {
    pub fn from_file(path: &Path) -> Result<MpnetConfig> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("{}: not an MPNet config", path.display()))
    }
}

struct MpnetLayer {
    q: nn::Linear,
    k: nn::Linear,
    v: nn::Linear,
    o: nn::Linear,
    attn_norm: nn::LayerNorm,
    inter: nn::Linear,
    out: nn::Linear,
    out_norm: nn::LayerNorm,
}

/// A layer's linear maps for inference at int8 (`--precision int8`), quantised once from the
/// final weights (base plus overlay): Q, K and V as one GEMM. LayerNorms, the relative bias and
/// the embeddings stay fp32 in [`MpnetLayer`].
struct QuantizedLayer {
    qkv: Linear,
    o: Linear,
    inter: Linear,
    out: Linear,
}

/// The MPNet body (embeddings and layers, no pooler), with variable names as in the
/// safetensors file, so `VarStore::load` fills it.
pub struct MpnetModel {
    word: nn::Embedding,
    position: nn::Embedding,
    emb_norm: nn::LayerNorm,
    layers: Vec<MpnetLayer>,
    relative_attention_bias: nn::Embedding,
    /// Set by [`MpnetModel::set_precision`]; used only when not training.
    quantized: Option<Vec<QuantizedLayer>>,
    pub config: MpnetConfig,
}

impl MpnetModel {
    pub fn new(p: &nn::Path, config: &MpnetConfig) -> MpnetModel {
        let h = config.hidden_size;
        let norm = |p: nn::Path| nn::layer_norm(p, vec![h], nn::LayerNormConfig { eps: config.layer_norm_eps, ..Default::default() });
        let lin = |p: nn::Path, i: i64, o: i64| nn::linear(p, i, o, Default::default());
        let emb = p / "embeddings";
        let enc = p / "encoder";
        let layers = (0..config.num_hidden_layers)
            .map(|i| {
                let l = &enc / "layer" / i;
                let attn = &l / "attention";
                MpnetLayer {
                    q: lin(&attn / "attn" / "q", h, h),
                    k: lin(&attn / "attn" / "k", h, h),
                    v: lin(&attn / "attn" / "v", h, h),
                    o: lin(&attn / "attn" / "o", h, h),
                    attn_norm: norm(&attn / "LayerNorm"),
                    inter: lin(&l / "intermediate" / "dense", h, config.intermediate_size),
                    out: lin(&l / "output" / "dense", config.intermediate_size, h),
                    out_norm: norm(&l / "output" / "LayerNorm"),
                }
            })
            .collect();
        MpnetModel {
            word: nn::embedding(&emb / "word_embeddings", config.vocab_size, h, Default::default()),
            position: nn::embedding(&emb / "position_embeddings", config.max_position_embeddings, h, Default::default()),
            emb_norm: norm(&emb / "LayerNorm"),
            layers,
            relative_attention_bias: nn::embedding(&enc / "relative_attention_bias", config.relative_attention_num_buckets, config.num_attention_heads, Default::default()),
            quantized: None,
            config: config.clone(),
        }
    }

    pub fn layer_count(&self) -> usize {
        self.layers.len()
    }

    /// The arithmetic of inference (`train == false`): f32 as trained, or the linear layers
    /// quantised to int8 now, from the weights as they are (so after any overlay is loaded).
    /// Training always runs the fp32 variables.
    pub fn set_precision(&mut self, precision: Precision) {
        self.quantized = (precision == Precision::Int8).then(|| {
            tch::no_grad(|| {
                let bias = |x: &nn::Linear| x.bs.as_ref().expect("MPNet linear layers have biases").detach();
                let q = |l: &nn::Linear| Linear::new(l.ws.detach(), bias(l), precision);
                self.layers
                    .iter()
                    .map(|l| {
                        QuantizedLayer {
                            qkv: Linear::new(Tensor::cat(&[&l.q.ws, &l.k.ws, &l.v.ws], 0).detach(), Tensor::cat(&[bias(&l.q), bias(&l.k), bias(&l.v)], 0), precision),
                            o: q(&l.o),
                            inter: q(&l.inter),
                            out: q(&l.out),
                        }
                    })
                    .collect()
            })
        });
    }

    pub fn precision(&self) -> Precision {
        if self.quantized.is_some() {
            Precision::Int8
        } else {
            Precision::F32
        }
    }

    /// Token plus position embeddings, normalised: the input of layer 0 (`[b, len, hidden]`).
    pub fn embed(&self, ids: &Tensor, train: bool) -> Tensor {
        let pad = self.config.pad_token_id;
        let real = ids.ne(pad).to_kind(Kind::Int64);
        let positions = real.cumsum(1, Kind::Int64) * &real + pad;
        let x = self.word.forward(ids) + self.position.forward(&positions);
        self.emb_norm.forward(&x).dropout(self.config.hidden_dropout_prob, train)
    }

    /// Relative-position bucket of every (query, key) pair of a `len`-token input, `[len, len]`:
    /// `transformers`' `relative_position_bucket` (num_buckets 32, max_distance 128) op for op,
    /// so the logarithmic buckets' edges round the same way.
    pub fn relative_buckets(&self, len: i64, device: Device) -> Tensor {
        let num_buckets = self.config.relative_attention_num_buckets / 2;
        let max_exact = num_buckets / 2;
        let max_distance = 128.0f64;
        let context = Tensor::arange(len, (Kind::Int64, device)).unsqueeze(1);
        let memory = Tensor::arange(len, (Kind::Int64, device)).unsqueeze(0);
        let n = -(memory - context);
        let ret = n.lt(0).to_kind(Kind::Int64) * num_buckets;
        let n = n.abs();
        let is_small = n.lt(max_exact);
        let large = (n.to_kind(Kind::Float) / max_exact as f64).log() / (max_distance / max_exact as f64).ln() * (num_buckets - max_exact) as f64;
        let large = (large.to_kind(Kind::Int64) + max_exact).clamp_max(num_buckets - 1);
        ret + n.where_self(&is_small, &large)
    }

    /// What every layer adds to its attention scores: the relative-position bias plus a large
    /// negative number at padded keys, `[b, heads, len, len]`.
    pub fn attention_bias(&self, mask: &Tensor) -> Tensor {
        let (b, len) = (mask.size()[0], mask.size()[1]);
        let bias = self.relative_attention_bias.forward(&self.relative_buckets(len, mask.device())).permute([2, 0, 1]).unsqueeze(0);
        let key_mask = (mask.to_kind(Kind::Float).neg() + 1.0).view([b, 1, 1, len]) * f32::MIN as f64;
        bias + key_mask
    }

    fn heads(&self, t: &Tensor) -> Tensor {
        let (b, len) = (t.size()[0], t.size()[1]);
        let heads = self.config.num_attention_heads;
        t.view([b, len, heads, self.config.hidden_size / heads]).transpose(1, 2)
    }

    fn layer(&self, i: usize, x: &Tensor, bias: &Tensor, train: bool) -> Tensor {
        let l = &self.layers[i];
        let quantized = self.quantized.as_ref().filter(|_| !train).map(|layers| &layers[i]);
        let (b, len, hidden) = (x.size()[0], x.size()[1], x.size()[2]);
        let (q, k, v) = match quantized {
            Some(ql) => {
                let qkv = ql.qkv.apply(x).chunk(3, -1);
                (self.heads(&qkv[0]), self.heads(&qkv[1]), self.heads(&qkv[2]))
            }
            None => (self.heads(&l.q.forward(x)), self.heads(&l.k.forward(x)), self.heads(&l.v.forward(x))),
        };
        let p_attn = if train { self.config.attention_probs_dropout_prob } else { 0.0 };
        // softmax(q·kᵀ/√d + bias)·v, dropout on the probabilities when training.
        let ctx = Tensor::scaled_dot_product_attention(&q, &k, &v, Some(bias), p_attn, false, None)
            .transpose(1, 2)
            .contiguous()
            .view([b, len, hidden]);
        let drop = self.config.hidden_dropout_prob;
        let linear = |fp32: &nn::Linear, int8: Option<&Linear>, x: &Tensor| match int8 {
            Some(q) => q.apply(x),
            None => fp32.forward(x),
        };
        let attn = l.attn_norm.forward(&(linear(&l.o, quantized.map(|q| &q.o), &ctx).dropout(drop, train) + x));
        let inter = linear(&l.inter, quantized.map(|q| &q.inter), &attn).gelu("none");
        l.out_norm.forward(&(linear(&l.out, quantized.map(|q| &q.out), &inter).dropout(drop, train) + &attn))
    }

    /// Runs layers `from..to` on `x` (the output of layer `from − 1`, or of [`Self::embed`]):
    /// training the top layers can start from cached lower-layer states.
    pub fn layers_t(&self, x: &Tensor, bias: &Tensor, from: usize, to: usize, train: bool) -> Tensor {
        let mut x = x.shallow_clone();
        for i in from..to {
            x = self.layer(i, &x, bias, train);
        }
        x
    }

    /// Last hidden states `[b, len, hidden]`.
    pub fn forward_t(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        let bias = self.attention_bias(mask);
        self.layers_t(&self.embed(ids, train), &bias, 0, self.layers.len(), train)
    }
}

/// A padded batch for MPNet: ids padded with `<pad>`, mask 1 on real tokens.
pub type MpnetBatch = crate::encoder::Batch;

/// Tokenizer, model and weights of an all-mpnet-base-v2 folder.
pub struct MpnetEncoder {
    pub tokenizer: BertTokenizer,
    pub model: MpnetModel,
    pub vs: nn::VarStore,
    pub device: Device,
}

/// MPNet's word-piece vocabulary: BERT's uncased one with `<s>`, `<pad>`, `</s>`, `<unk>` in
/// front and `<mask>` at the end, and those as its special tokens (`special_tokens_map.json`;
/// `[UNK]` stays the unknown token). rust_tokenizers cannot name its special-token map type
/// outside the crate, so the BERT defaults are loaded and then replaced.
fn mpnet_vocab(path: &Path) -> Result<BertVocab> {
    let mut vocab = BertVocab::from_file(path).with_context(|| format!("reading {}", path.display()))?;
    let map = &mut vocab.special_token_map;
    map.cls_token = Some("<s>".into());
    map.bos_token = Some("<s>".into());
    map.sep_token = Some("</s>".into());
    map.eos_token = Some("</s>".into());
    map.pad_token = Some("<pad>".into());
    map.mask_token = Some("<mask>".into());
    for token in ["<s>", "</s>", "<pad>", "<mask>"] {
        let id = *vocab.values.get(token).with_context(|| format!("{}: no {token} token; not an MPNet vocabulary", path.display()))?;
        vocab.special_values.insert(token.to_string(), id);
        vocab.special_indices.insert(id, token.to_string());
    }
    Ok(vocab)
}

impl MpnetEncoder {
    pub fn load(dir: &Path, device: Device) -> Result<MpnetEncoder> {
        let config = MpnetConfig::from_file(&dir.join("config.json"))?;
        let vocab = mpnet_vocab(&dir.join("vocab.txt"))?;
        // Uncased, accents stripped: MPNetTokenizer's do_lower_case with strip_accents unset.
        let tokenizer = BertTokenizer::from_existing_vocab(vocab, true, true);
        let mut vs = nn::VarStore::new(device);
        let model = MpnetModel::new(&vs.root(), &config);
        let weights = dir.join("model.safetensors");
        vs.load(&weights).with_context(|| format!("loading MPNet weights {}", weights.display()))?;
        Ok(MpnetEncoder { tokenizer, model, vs, device })
    }

    /// Inference at `precision` (see [`MpnetModel::set_precision`]); int8 runs fbgemm's CPU
    /// kernels only.
    pub fn set_precision(&mut self, precision: Precision) -> Result<()> {
        if precision == Precision::Int8 && self.device != Device::Cpu {
            bail!("--precision int8 uses fbgemm's CPU kernels; with --device cuda use f32");
        }
        if precision == Precision::F32 {
            self.model.set_precision(precision);
            return Ok(());
        }
        // As for MiniLM (`FastBert::from_encoder`): libtorch prints a deprecation line the first
        // time each fbgemm kernel runs, so quantising and one tiny warm-up pass run muted.
        crate::encoder::with_stderr_muted(|| {
            self.model.set_precision(precision);
            let batch = self.pad(&[vec![0, 2]]);
            let _ = tch::no_grad(|| self.hidden(&batch, false));
        });
        Ok(())
    }

    /// Word-piece ids with `<s>` … `</s>`, truncated to [`MAX_TOKENS`].
    pub fn tokenize(&self, texts: &[&str]) -> Vec<Vec<i64>> {
        MultiThreadedTokenizer::encode_list(&self.tokenizer, texts, MAX_TOKENS, &TruncationStrategy::LongestFirst, 0)
            .into_iter()
            .map(|t| t.token_ids)
            .collect()
    }

    /// Pads id sequences to the longest one with `<pad>`.
    pub fn pad(&self, seqs: &[Vec<i64>]) -> MpnetBatch {
        crate::encoder::pad_ids(seqs, self.model.config.pad_token_id, self.device)
    }

    /// Last hidden states `[batch, len, 768]`.
    pub fn hidden(&self, batch: &MpnetBatch, train: bool) -> Tensor {
        self.model.forward_t(&batch.ids, &batch.mask, train)
    }

    /// Sentence embeddings as sentence-transformers computes them for all-mpnet-base-v2: mean
    /// over real tokens, L2-normalised.
    pub fn embed(&self, texts: &[&str]) -> Tensor {
        let batch = self.pad(&self.tokenize(texts));
        tch::no_grad(|| mean_pool(&self.hidden(&batch, false), &batch.mask))
    }
}
