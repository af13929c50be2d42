//! The MPNet encoder written in tch (`dyad_model::mpnet`, under `--model accurate`) against
//! Python `transformers`' `MPNetModel` on the same all-mpnet-base-v2 weights: same word pieces,
//! and hidden states and sentence embeddings within 1e-4. The reference outputs are a fixture
//! (`tests/data/mpnet_reference.json`) that `scripts/bench/mpnet_reference.py` regenerates.

use dyad_model::mpnet::MpnetEncoder;
use serde::Deserialize;
use std::path::Path;
use tch::{Device, Kind, Tensor};

#[derive(Deserialize)]
struct Reference {
    sentences: Vec<ReferenceSentence>,
}

#[derive(Deserialize)]
struct ReferenceSentence {
    text: String,
    ids: Vec<i64>,
    rows: Vec<i64>,
    hidden: Vec<Vec<f32>>,
    embedding: Vec<f32>,
}

fn reference() -> Reference {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mpnet_reference.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn encoder() -> MpnetEncoder {
    let dir = dyad_model::paths::accurate_encoder_dir(None).expect("all-mpnet-base-v2 (run make setup-accurate)");
    MpnetEncoder::load(&dir, Device::Cpu).expect("MPNet loads")
}

fn max_abs_diff(got: &Tensor, want: &[f32]) -> f64 {
    (got - Tensor::from_slice(want)).abs().max().double_value(&[])
}

#[test]
fn mpnet_matches_python_transformers() {
    let reference = reference();
    let enc = encoder();
    let texts: Vec<&str> = reference.sentences.iter().map(|s| s.text.as_str()).collect();
    let ids = enc.tokenize(&texts);
    for (got, want) in ids.iter().zip(&reference.sentences) {
        assert_eq!(got, &want.ids, "word pieces of {:?}", want.text);
    }
    assert!(ids.iter().any(|s| s.len() > 130), "the fixture needs a sentence beyond the last relative-position bucket");
    // One padded batch, as Python ran it: padding must not move anyone's positions.
    let batch = enc.pad(&ids);
    let (hidden, embeddings) = tch::no_grad(|| {
        let h = enc.hidden(&batch, false);
        let e = dyad_model::encoder::mean_pool(&h, &batch.mask);
        (h, e)
    });
    let mut worst: f64 = 0.0;
    for (i, want) in reference.sentences.iter().enumerate() {
        for (row, values) in want.rows.iter().zip(&want.hidden) {
            let d = max_abs_diff(&hidden.get(i as i64).get(*row), values);
            assert!(d < 1e-4, "sentence {i} token {row}: hidden states differ by {d}");
            worst = worst.max(d);
        }
        let d = max_abs_diff(&embeddings.get(i as i64), &want.embedding);
        assert!(d < 1e-4, "sentence {i}: embedding differs by {d}");
        worst = worst.max(d);
    }
    eprintln!("MPNet vs transformers: largest difference {worst:.2e} over {} sentences", texts.len());
    // Alone (no padding) the same sentence gives the same states.
    let alone = tch::no_grad(|| enc.embed(&texts[..1]));
    let d = max_abs_diff(&alone.get(0), &reference.sentences[0].embedding);
    assert!(d < 1e-4, "unpadded embedding differs by {d}");
    assert_eq!(hidden.kind(), Kind::Float);
}

/// Relative-position buckets as `transformers` computes them, at the edges that matter: exact
/// below 8, logarithmic up to 128 (16 per direction), keys after the query in the upper half.
#[test]
fn mpnet_relative_buckets() {
    let enc = encoder();
    let b = enc.model.relative_buckets(200, Device::Cpu);
    let at = |q: i64, k: i64| b.int64_value(&[q, k]);
    assert_eq!(at(0, 0), 0);
    assert_eq!(at(10, 3), 7); // 7 back: exact
    assert_eq!(at(3, 10), 16 + 7); // 7 ahead: exact, upper half
    assert_eq!(at(8, 0), 8); // first logarithmic bucket
    assert_eq!(at(199, 0), 15); // beyond 128: last bucket
    assert_eq!(at(0, 199), 31);
    // Monotone in distance within each direction.
    let back: Vec<i64> = (0..200).map(|d| at(d, 0)).collect();
    assert!(back.windows(2).all(|w| w[0] <= w[1]), "{back:?}");
}
