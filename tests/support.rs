#![allow(dead_code)]
use std::path::{Path, PathBuf};

pub fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data").join(rel)
}

pub fn reference_article() -> PathBuf {
    shared("archives/iran_azerbaijan_2025-02-04.txt")
}

/// The dyad binary built for this test run.
pub fn dyad() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_dyad"))
}

/// The name of the shipped stance model, as its manifest records it.
pub fn shipped_model_name() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/stance/manifest.json");
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    m["name"].as_str().unwrap().to_string()
}

/// Two scored CSV files hold the same rows in the same order: every column equal, except the
/// probability columns, which may differ by 1e-4 (the last printed digit) where the model saw
/// the statement in a batch of another shape.
pub fn assert_same_scored_csv(got: &Path, want: &Path) {
    const PROBABILITY_COLUMNS: &[&str] = &["stance", "p_cooperative", "p_neutral", "p_hostile", "p_primary", "p_quad"];
    let mut g = csv::Reader::from_path(got).unwrap();
    let mut w = csv::Reader::from_path(want).unwrap();
    let header = w.headers().unwrap().clone();
    assert_eq!(g.headers().unwrap(), &header, "columns differ");
    let (g, w): (Vec<csv::StringRecord>, Vec<csv::StringRecord>) =
        (g.records().map(Result::unwrap).collect(), w.records().map(Result::unwrap).collect());
    assert_eq!(g.len(), w.len(), "{} has {} rows, {} has {}", got.display(), g.len(), want.display(), w.len());
    for (k, (a, b)) in g.iter().zip(&w).enumerate() {
        for (c, name) in header.iter().enumerate() {
            if PROBABILITY_COLUMNS.contains(&name) && !(a[c].is_empty() && b[c].is_empty()) {
                let (x, y): (f64, f64) = (a[c].parse().unwrap(), b[c].parse().unwrap());
                assert!((x - y).abs() <= 2e-4, "row {} column {name}: {x} vs {y}", k + 2);
            } else {
                assert_eq!(&a[c], &b[c], "row {} column {name}", k + 2);
            }
        }
    }
}
