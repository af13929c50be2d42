//! The all-MiniLM-L6-v2 encoder through rust-bert / tch: tokenizer, BERT body, mean pooling.
use anyhow::{Context, Result};
use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use rust_bert::Config;
use rust_tokenizers::tokenizer::{BertTokenizer, MultiThreadedTokenizer, TruncationStrategy};
use std::path::Path;
use tch::{nn::VarStore, Device, Kind, Tensor};

/// Longest input in word pieces; news sentences past this are truncated.
pub const MAX_TOKENS: usize = 128;

pub struct Encoder {
    pub tokenizer: BertTokenizer,
    pub model: BertModel<BertEmbeddings>,
    pub vs: VarStore,
    pub device: Device,
}

/// A padded batch ready for the model.
pub struct Batch {
    pub ids: Tensor,
    pub mask: Tensor,
}

impl Encoder {
    pub fn load(dir: &Path, device: Device) -> Result<Encoder> {
        let config = BertConfig::from_file(dir.join("config.json"));
        let tokenizer = BertTokenizer::from_file(dir.join("vocab.txt"), true, true)
            .with_context(|| format!("reading {}", dir.join("vocab.txt").display()))?;
        let mut vs = VarStore::new(device);
        let model = BertModel::<BertEmbeddings>::new_with_optional_pooler(vs.root(), &config, false);
        let weights = dir.join("model.safetensors");
        vs.load(&weights).with_context(|| format!("loading encoder weights {}", weights.display()))?;
        Ok(Encoder { tokenizer, model, vs, device })
    }

    /// Word-piece ids with [CLS] … [SEP], truncated to [`MAX_TOKENS`].
    pub fn tokenize(&self, texts: &[&str]) -> Vec<Vec<i64>> {
        MultiThreadedTokenizer::encode_list(&self.tokenizer, texts, MAX_TOKENS, &TruncationStrategy::LongestFirst, 0)
            .into_iter()
            .map(|t| t.token_ids)
            .collect()
    }

    /// Pads id sequences to the longest one.
    pub fn pad(&self, seqs: &[Vec<i64>]) -> Batch {
        let len = seqs.iter().map(Vec::len).max().unwrap_or(1);
        let mut ids = Vec::with_capacity(seqs.len() * len);
        let mut mask = Vec::with_capacity(seqs.len() * len);
        for s in seqs {
            ids.extend_from_slice(s);
            ids.extend(std::iter::repeat_n(0i64, len - s.len()));
            mask.extend(std::iter::repeat_n(1i64, s.len()));
            mask.extend(std::iter::repeat_n(0i64, len - s.len()));
        }
        let shape = [seqs.len() as i64, len as i64];
        Batch {
            ids: Tensor::from_slice(&ids).view(shape).to(self.device),
            mask: Tensor::from_slice(&mask).view(shape).to(self.device),
        }
    }

    /// Last hidden states `[batch, len, 384]`.
    pub fn hidden(&self, batch: &Batch, train: bool) -> Result<Tensor> {
        let out = self.model.forward_t(Some(&batch.ids), Some(&batch.mask), None, None, None, None, None, train)?;
        Ok(out.hidden_state)
    }

    /// Sentence embeddings as sentence-transformers computes them: mean over real tokens, L2-normalised.
    pub fn embed(&self, texts: &[&str]) -> Result<Tensor> {
        let seqs = self.tokenize(texts);
        let batch = self.pad(&seqs);
        tch::no_grad(|| {
            let h = self.hidden(&batch, false)?;
            Ok(mean_pool(&h, &batch.mask))
        })
    }
}

/// Mean of the hidden states over unmasked tokens, L2-normalised.
pub fn mean_pool(hidden: &Tensor, mask: &Tensor) -> Tensor {
    let m = mask.unsqueeze(-1).to_kind(Kind::Float);
    let summed = (hidden * &m).sum_dim_intlist([1i64].as_slice(), false, Kind::Float);
    let counts = m.sum_dim_intlist([1i64].as_slice(), false, Kind::Float).clamp_min(1e-9);
    let mean = summed / counts;
    let norm = mean.norm_scalaropt_dim(2.0, [1i64].as_slice(), true).clamp_min(1e-12);
    mean / norm
}

/// Weights of one transformer layer, taken from the encoder's VarStore.
struct LayerWeights {
    q: (Tensor, Tensor),
    k: (Tensor, Tensor),
    v: (Tensor, Tensor),
    attn_out: (Tensor, Tensor),
    attn_norm: (Tensor, Tensor),
    inter: (Tensor, Tensor),
    out: (Tensor, Tensor),
    out_norm: (Tensor, Tensor),
}

/// An inference-only forward pass over the same weights as rust-bert's `BertModel`, with
/// libtorch's fused `scaled_dot_product_attention` in place of explicit softmax(QKᵀ)V.
/// Training keeps rust-bert's path (dropout, autograd); `tests/stance_model.rs` checks the
/// two agree.
pub struct FastBert {
    word: Tensor,
    position: Tensor,
    token_type: Tensor,
    emb_norm: (Tensor, Tensor),
    layers: Vec<LayerWeights>,
    heads: i64,
    eps: f64,
}

impl FastBert {
    pub fn from_encoder(enc: &Encoder) -> Result<FastBert> {
        let vars = enc.vs.variables();
        let get = |n: &str| -> Result<Tensor> {
            vars.get(n).map(|t| t.shallow_clone()).with_context(|| format!("encoder variable {n} missing"))
        };
        let pair = |p: &str| -> Result<(Tensor, Tensor)> { Ok((get(&format!("{p}.weight"))?, get(&format!("{p}.bias"))?)) };
        let mut layers = Vec::new();
        for i in 0.. {
            let p = format!("encoder.layer.{i}");
            if !vars.contains_key(&format!("{p}.attention.self.query.weight")) {
                break;
            }
            layers.push(LayerWeights {
                q: pair(&format!("{p}.attention.self.query"))?,
                k: pair(&format!("{p}.attention.self.key"))?,
                v: pair(&format!("{p}.attention.self.value"))?,
                attn_out: pair(&format!("{p}.attention.output.dense"))?,
                attn_norm: pair(&format!("{p}.attention.output.LayerNorm"))?,
                inter: pair(&format!("{p}.intermediate.dense"))?,
                out: pair(&format!("{p}.output.dense"))?,
                out_norm: pair(&format!("{p}.output.LayerNorm"))?,
            });
        }
        Ok(FastBert {
            word: get("embeddings.word_embeddings.weight")?,
            position: get("embeddings.position_embeddings.weight")?,
            token_type: get("embeddings.token_type_embeddings.weight")?,
            emb_norm: pair("embeddings.LayerNorm")?,
            layers,
            heads: 12,
            eps: 1e-12,
        })
    }

    /// Last hidden states `[batch, len, hidden]`; call under `tch::no_grad`.
    pub fn hidden(&self, batch: &Batch) -> Tensor {
        let (b, len) = (batch.ids.size()[0], batch.ids.size()[1]);
        let hidden = self.word.size()[1];
        let head_dim = hidden / self.heads;
        let positions = Tensor::arange(len, (Kind::Int64, batch.ids.device()));
        let x = self.word.index_select(0, &batch.ids.flatten(0, -1)).view([b, len, hidden])
            + self.position.index_select(0, &positions).unsqueeze(0)
            + self.token_type.get(0);
        let norm = |x: &Tensor, w: &(Tensor, Tensor)| x.layer_norm([hidden], Some(&w.0), Some(&w.1), self.eps, false);
        let mut x = norm(&x, &self.emb_norm);
        // True where a key may be attended to; broadcast over heads and queries.
        let mask = batch.mask.to_kind(Kind::Bool).view([b, 1, 1, len]);
        let split = |t: Tensor| t.view([b, len, self.heads, head_dim]).transpose(1, 2);
        for l in &self.layers {
            let q = split(x.linear(&l.q.0, Some(&l.q.1)));
            let k = split(x.linear(&l.k.0, Some(&l.k.1)));
            let v = split(x.linear(&l.v.0, Some(&l.v.1)));
            let ctx = Tensor::scaled_dot_product_attention(&q, &k, &v, Some(&mask), 0.0, false, None)
                .transpose(1, 2)
                .contiguous()
                .view([b, len, hidden]);
            let attn = norm(&(ctx.linear(&l.attn_out.0, Some(&l.attn_out.1)) + &x), &l.attn_norm);
            let inter = attn.linear(&l.inter.0, Some(&l.inter.1)).gelu("none");
            x = norm(&(inter.linear(&l.out.0, Some(&l.out.1)) + &attn), &l.out_norm);
        }
        x
    }
}
