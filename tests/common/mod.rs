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
