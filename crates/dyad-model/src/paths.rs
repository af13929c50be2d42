//! Where the encoder lives. Setup (`make setup`) puts it in `.deps/models/` inside the
//! project; `--model-dir` or `DYAD_MODEL_DIR` point elsewhere.
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

pub const ENCODER_NAME: &str = "all-MiniLM-L6-v2";
/// The 110 M-parameter encoder under `--model accurate` (`make setup-accurate` fetches it).
pub const ACCURATE_ENCODER_NAME: &str = "all-mpnet-base-v2";

/// The project folder this crate was built in (two levels above `crates/dyad-model`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The files an encoder folder must hold.
const REQUIRED: &[&str] = &["model.safetensors", "config.json", "vocab.txt"];

fn is_encoder_dir(p: &Path) -> bool {
    REQUIRED.iter().all(|f| p.join(f).is_file())
}

/// Finds the encoder folder: the explicit choice, then `DYAD_MODEL_DIR`, then the
/// project's `.deps/models/` (as built, next to the executable, or below the working directory).
pub fn encoder_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    named_encoder_dir(ENCODER_NAME, "make setup", "DYAD_MODEL_DIR", explicit)
}

/// The all-mpnet-base-v2 folder (`make setup-accurate`), found like [`encoder_dir`] but with
/// `DYAD_ACCURATE_MODEL_DIR` as its variable.
pub fn accurate_encoder_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    named_encoder_dir(ACCURATE_ENCODER_NAME, "make setup-accurate", "DYAD_ACCURATE_MODEL_DIR", explicit)
}

fn named_encoder_dir(name: &str, setup: &str, env_var: &str, explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = explicit {
        if is_encoder_dir(p) {
            return Ok(p.to_path_buf());
        }
        bail!("{} is not an encoder folder (needs {}); run `{setup}` to fetch {name}", p.display(), REQUIRED.join(", "));
    }
    if let Some(p) = std::env::var_os(env_var).filter(|s| !s.is_empty()) {
        let p = PathBuf::from(p);
        if is_encoder_dir(&p) {
            return Ok(p);
        }
        bail!("{env_var}={} is not an encoder folder (needs {})", p.display(), REQUIRED.join(", "));
    }
    let mut candidates = vec![workspace_root().join(".deps/models").join(name)];
    if let Ok(exe) = std::env::current_exe() {
        for up in exe.ancestors().skip(1).take(4) {
            candidates.push(up.join(".deps/models").join(name));
        }
    }
    candidates.push(PathBuf::from(".deps/models").join(name));
    if let Some(p) = candidates.iter().find(|p| is_encoder_dir(p)) {
        return Ok(p.clone());
    }
    bail!(
        "the {name} encoder was not found (looked in {}): run `{setup}`, or pass --model-dir / set {env_var}",
        candidates[0].display()
    )
}

/// The project's own trained weights (`models/`), found like the encoder.
pub fn project_models_dir() -> PathBuf {
    let built = workspace_root().join("models");
    if built.is_dir() {
        return built;
    }
    PathBuf::from("models")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_bad_dir_says_how_to_fix() {
        let e = encoder_dir(Some(Path::new("/nonexistent"))).unwrap_err().to_string();
        assert!(e.contains("make setup"), "{e}");
    }
}
