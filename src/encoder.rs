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
