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
