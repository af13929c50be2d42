//! The MPNet encoder written in tch (`dyad_model::mpnet`, under `--model accurate`) against
//! Python `transformers`' `MPNetModel` on the same all-mpnet-base-v2 weights: same word pieces,
//! and hidden states and sentence embeddings within 1e-4. The reference outputs are a fixture
//! (`tests/data/mpnet_reference.json`) that `scripts/bench/mpnet_reference.py` regenerates.

use dyad_model::encoder::Precision;
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

/// `--precision int8` under `--model accurate`: MPNet's linear layers quantised (fbgemm; 7-bit
/// weights where the kernel saturates, as CI forces with `FBGEMM_ENABLE_INSTRUCTIONS=AVX2`), the
/// rest fp32. The sentence embeddings stay close to f32 on the fixture sentences (one of 163
/// word pieces), they are not the f32 numbers (the int8 path ran), and switching back gives the
/// f32 states exactly.
#[test]
fn mpnet_int8_tracks_f32() {
    let reference = reference();
    let mut enc = encoder();
    let texts: Vec<&str> = reference.sentences.iter().map(|s| s.text.as_str()).collect();
    let exact = enc.embed(&texts);
    enc.set_precision(Precision::Int8).unwrap();
    assert_eq!(enc.model.precision(), Precision::Int8);
    let int8 = enc.embed(&texts);
    // Both are L2-normalised: the dot product is the cosine.
    let cosines: Vec<f64> = (0..texts.len() as i64).map(|i| (exact.get(i) * int8.get(i)).sum(Kind::Float).double_value(&[])).collect();
    let moved = (&exact - &int8).abs().max().double_value(&[]);
    eprintln!("MPNet int8 ({:?}) vs f32: cosines {cosines:.4?}, largest difference {moved:.2e}", dyad_model::encoder::Int8Kernel::detect());
    assert!(cosines.iter().all(|&c| c > 0.98), "int8 embeddings drift from f32: cosines {cosines:?}");
    assert!(moved > 1e-5, "int8 embeddings equal f32 ({moved:.1e}): the quantised layers did not run");
    enc.set_precision(Precision::F32).unwrap();
    let back = enc.embed(&texts);
    assert_eq!((&back - &exact).abs().max().double_value(&[]), 0.0, "f32 after int8 is not the f32 path");
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
    let (fast, accurate, int8) = (dir.path().join("fast.csv"), dir.path().join("accurate.csv"), dir.path().join("accurate_int8.csv"));
    for (out, extra) in [(&fast, &[][..]), (&accurate, &["--model", "accurate"][..]), (&int8, &["--model", "accurate", "--precision", "int8"][..])] {
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
    // int8 (MiniLM and MPNet quantised): the same statements, named as int8, nearly the same
    // decisions (on the Guardian archive 98.8 % of labels and 98.9 % of quads agree).
    let q = scored_rows(&int8);
    assert_eq!(a.iter().map(key).collect::<Vec<_>>(), q.iter().map(key).collect::<Vec<_>>(), "the same statements at int8");
    assert!(q[0]["model"].contains("+int8") && q[0]["model"].contains("pairs-accurate"), "model column: {}", q[0]["model"]);
    let same = |k: &str| a.iter().zip(&q).filter(|(x, y)| x[k] == y[k]).count() as f64 / a.len() as f64;
    assert!(same("label") >= 0.9 && same("quad") >= 0.9, "int8 agrees with f32 on {:.2} of labels, {:.2} of quads", same("label"), same("quad"));
    let p_moved = a.iter().zip(&q).map(|(x, y)| (p(x, "p_primary") - p(y, "p_primary")).abs()).fold(0.0, f64::max);
    assert!(p_moved > 0.0, "p_primary identical at int8: MPNet was not quantised");
}
