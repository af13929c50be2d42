use anyhow::Result;
use dyad_model::encoder::{cpu_flags, Int8Kernel};

/// What this machine gives dyad: CPU features and the int8 kernel they select, threads, CUDA,
/// and where the encoder and the stance model were found. Paste it into a bug report.
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_: Args) -> Result<()> {
    println!("dyad {}", env!("CARGO_PKG_VERSION"));
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string()))
        .unwrap_or_else(|| "unknown".into());
    println!("cpu: {cpu}");
    let flags = cpu_flags();
    let wanted = ["avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni", "amx_int8"];
    let present: Vec<&str> = wanted.iter().copied().filter(|f| flags.iter().any(|g| g == f)).collect();
    println!("cpu features: {}", if present.is_empty() { "none of avx2/avx512".to_string() } else { present.join(" ") });
    if let Ok(forced) = std::env::var("FBGEMM_ENABLE_INSTRUCTIONS") {
        println!("FBGEMM_ENABLE_INSTRUCTIONS={forced} (fbgemm's override)");
    }
    println!("int8 kernel (--precision int8): {}", Int8Kernel::detect().describe());
    println!("libtorch threads: {}", tch::get_num_threads());
    println!("cuda: {}", if tch::Cuda::is_available() { format!("{} device(s)", tch::Cuda::device_count()) } else { "not available".into() });
    match dyad_model::paths::encoder_dir(None) {
        Ok(p) => println!("encoder: {}", p.display()),
        Err(e) => println!("encoder: {e}"),
    }
    match dyad_model::paths::accurate_encoder_dir(None) {
        Ok(p) => println!("accurate encoder (--model accurate): {}", p.display()),
        Err(e) => println!("accurate encoder (--model accurate): {e}"),
    }
    let manifest = dyad_model::paths::project_models_dir().join("stance/manifest.json");
    match std::fs::read_to_string(&manifest).ok().and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok()) {
        Some(m) => println!("stance model: {} ({})", m["name"].as_str().unwrap_or("?"), manifest.display()),
        None => println!("stance model: {} not readable", manifest.display()),
    }
    Ok(())
}
