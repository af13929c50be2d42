use super::{parse_date_arg, ModelArgs};
use anyhow::Result;
use dyad_core::actors::Gazetteer;
use dyad_core::ingest::IngestOptions;
use dyad_core::pipeline::{run_score, ScoreOptions};
use std::path::PathBuf;

/// Batch-score articles: one row per (sentence, directed country pair) with its stance.
///
/// Inputs: .jsonl, .csv, .parquet (fields id, date, text; optional title, source, url) or
/// .txt articles (date from the byline), .gz too, or directories of them. Bad records are
/// reported with file:line and skipped. An interrupted run leaves OUT.partial.jsonl; rerun
/// with --resume to continue where it stopped.
///
/// Exit codes: 0 every record scored; 3 output written, some records skipped (each reported
/// as file:line: reason); 1 nothing written (a fatal error, or --strict at the first bad
/// record); 2 bad arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input files or directories.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output file (.parquet, .csv or .jsonl), or a dataset directory DIR/ (trailing slash):
    /// Parquet part files of --part-articles articles each, written atomically, with a manifest
    /// per shard; series, compare, top and report read the directory (or a glob) as one file.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Score only shard I of N (0 ≤ I < N), chosen by a stable hash of the article id: N
    /// machines given the same input and DIR/ split an archive with no coordination, and their
    /// parts together hold exactly the rows of one run over the whole input.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<dyad_core::dataset::Shard>,
    /// Articles per part file of a dataset directory.
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub part_articles: usize,
    /// Date for records without one (and .txt articles without a byline date), YYYY-MM-DD.
    #[arg(long, value_parser = parse_date_arg)]
    pub date: Option<chrono::NaiveDate>,
    /// Stop at the first bad record instead of skipping it.
    #[arg(long)]
    pub strict: bool,
    /// Continue an interrupted run from OUT.partial.jsonl (a dataset: from the parts present).
    #[arg(long)]
    pub resume: bool,
    /// Hide the progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

pub fn run(a: Args) -> Result<()> {
    // Finished articles are in the checkpoint as soon as their chunk is scored (a torn last
    // line is dropped on resume), so stopping at any point is safe; say how to go on.
    let kept = if dyad_core::dataset::is_dataset_output(&a.output) {
        format!("the parts written and the current part's checkpoint in {}", a.output.display())
    } else {
        dyad_core::store::checkpoint::path_for(&a.output).display().to_string()
    };
    let _ = ctrlc::set_handler(move || {
        eprintln!("\ninterrupted: finished articles are kept in {kept}; run the same command with --resume to continue");
        // _exit, not exit: libtorch's worker threads are mid-computation, and running static
        // destructors under them crashes. Checkpoint lines are written unbuffered, so nothing
        // is lost by skipping them.
        // SAFETY: ends the process at once; no Rust state is touched afterwards.
        unsafe { libc::_exit(130) };
    });
    let scorer = a.model.load()?;
    let opts = ScoreOptions {
        inputs: a.inputs,
        output: a.output.clone(),
        ingest: IngestOptions { default_date: a.date },
        strict: a.strict,
        resume: a.resume,
        chunk_articles: 16,
        progress: !a.quiet,
        shard: a.shard,
        part_articles: a.part_articles,
    };
    let summary = run_score(&opts, Gazetteer::builtin(), scorer.as_ref())?;
    eprintln!("{summary}");
    eprintln!("wrote {}", a.output.display());
    if summary.articles_skipped > 0 {
        eprintln!("{} records skipped (exit code {})", summary.articles_skipped, super::EXIT_SKIPPED);
        std::process::exit(super::EXIT_SKIPPED);
    }
    Ok(())
}
