// torch-sys links libtorch but does not give binaries an rpath; add one so that `dyad` and
// `cargo test` find libtorch without LD_LIBRARY_PATH. Link arguments from a build script reach
// only its own package's binaries and tests, so every package that links libtorch (the root
// `dyad`, dyad-model, dyad-train) names this one file as its `build` script.
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    // `.cargo/config.toml` sets LIBTORCH to the project's .deps/libtorch; without it, look for
    // .deps/libtorch in the package's folder and above (the workspace root).
    let libtorch = std::env::var("LIBTORCH").map(PathBuf::from).unwrap_or_else(|_| {
        let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
        manifest.ancestors().map(|d| d.join(".deps/libtorch")).find(|p| p.is_dir()).unwrap_or_else(|| manifest.join(".deps/libtorch"))
    });
    let lib = libtorch.join("lib");
    if !Path::new(&lib).join("libtorch_cpu.so").exists() {
        panic!(
            "libtorch not found in {}: run `make setup` (fetches libtorch 2.4.0 from PyPI)",
            libtorch.display()
        );
    }
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
}
