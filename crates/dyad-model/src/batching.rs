//! Length-sorted batching shared by the scorers: the tensor side of the scorer interface.
use anyhow::Result;
use dyad_core::stance::StanceScore;

/// Scores items in length-sorted batches (little padding) and returns the scores in input
/// order. `score_batch` gets the indices of one batch and returns `[batch, 3]` probabilities
/// (cooperative, neutral, hostile).
pub(crate) fn score_in_length_order(
    lengths: &[usize],
    batch_size: usize,
    mut score_batch: impl FnMut(&[usize]) -> Result<tch::Tensor>,
) -> Result<Vec<StanceScore>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| lengths[i]);
    let mut out = vec![StanceScore { p_cooperative: 0.0, p_neutral: 1.0, p_hostile: 0.0 }; lengths.len()];
    for chunk in order.chunks(batch_size.max(1)) {
        let probs = score_batch(chunk)?.to_device(tch::Device::Cpu);
        let probs: Vec<f32> = Vec::<f32>::try_from(probs.flatten(0, -1))?;
        for (k, &i) in chunk.iter().enumerate() {
            out[i] = StanceScore { p_cooperative: probs[3 * k], p_neutral: probs[3 * k + 1], p_hostile: probs[3 * k + 2] };
        }
    }
    Ok(out)
}
