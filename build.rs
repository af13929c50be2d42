// torch-sys links libtorch but does not give the binary an rpath; add one so that
// `dyad` and `cargo test` find libtorch without LD_LIBRARY_PATH.
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    let libtorch = std::env::var("LIBTORCH").map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join(".deps/libtorch")
    });
    let lib = libtorch.join("lib");
    if !lib.join("libtorch_cpu.so").exists() {
        panic!(
            "libtorch not found in {}: run `make setup` (fetches libtorch 2.4.0 from PyPI)",
            libtorch.display()
        );
    }
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
}
