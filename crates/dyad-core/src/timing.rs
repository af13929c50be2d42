//! Phase timings for benchmarks.

/// With `DYAD_TIMINGS=1`, prints the time since `since` for a named phase to stderr (used by
/// the scale bench to show where time goes).
pub fn timing(phase: &str, since: std::time::Instant) {
    if std::env::var_os("DYAD_TIMINGS").is_some() {
        eprintln!("timing: {phase} at {:.2} s", since.elapsed().as_secs_f64());
    }
}
