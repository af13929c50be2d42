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

/// Rows of a scored CSV, keyed by the statement (sentence and the two mentions' offsets).
fn scored_rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    r.records().map(|rec| header.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()).collect()
}

/// `dyad score --model accurate` end to end on the reference article: the same statements as
/// the fast model (actors and pairs do not depend on the model), the `model` column naming the
/// accurate heads, probabilities that sum to one, and role and quad read through MPNet (they
/// differ from the fast model's).
#[test]
fn score_model_accurate_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let article = crate::support::reference_article();
    let (fast, accurate) = (dir.path().join("fast.csv"), dir.path().join("accurate.csv"));
    for (out, extra) in [(&fast, &[][..]), (&accurate, &["--model", "accurate"][..])] {
        let o = crate::support::dyad().arg("score").arg(&article).arg("-o").arg(out).arg("--quiet").args(extra).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let (f, a) = (scored_rows(&fast), scored_rows(&accurate));
    assert!(!a.is_empty());
    let key = |r: &std::collections::HashMap<String, String>| ["sentence_id", "source", "target", "source_start", "target_start"].map(|k| r[k].clone());
    assert_eq!(f.iter().map(key).collect::<Vec<_>>(), a.iter().map(key).collect::<Vec<_>>(), "the same statements");
    assert!(a[0]["model"].contains("pairs-accurate"), "model column: {}", a[0]["model"]);
    assert_ne!(a[0]["model"], f[0]["model"]);
    let p = |r: &std::collections::HashMap<String, String>, k: &str| r[k].parse::<f64>().unwrap_or(f64::NAN);
    for r in &a {
        let sum = p(r, "p_cooperative") + p(r, "p_neutral") + p(r, "p_hostile");
        assert!((sum - 1.0).abs() < 1e-3, "probabilities sum to {sum}");
        assert!((0.0..=1.0).contains(&p(r, "p_primary")), "p_primary {}", r["p_primary"]);
    }
    let moved = a.iter().zip(&f).filter(|(x, y)| (p(x, "p_primary") - p(y, "p_primary")).abs() > 1e-3).count();
    assert!(moved > 0, "p_primary identical to the fast model's: the MPNet heads were not used");
}
