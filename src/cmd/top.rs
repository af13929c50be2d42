use anyhow::Result;
use dyad_core::actors::Gazetteer;
use dyad_core::top::{check_windows, movers_frame, movers_of_path, Window};
use std::path::PathBuf;

/// Dyads whose tension changed most between two date windows, with statement counts so a
/// reader can judge each move.
///
/// Parquet archives of more than 500,000 rows are read in pieces of whole dyads (see `dyad
/// series --help`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A file written by `dyad score` (.parquet, .csv, .jsonl), a dataset directory of its
    /// parts, or a quoted glob ('out/*.parquet').
    pub scored: PathBuf,
    /// The earlier window, FROM..TO (inclusive dates).
    #[arg(long)]
    pub from: Window,
    /// The later window, FROM..TO.
    #[arg(long)]
    pub to: Window,
    #[command(flatten)]
    pub filter: super::FilterArgs,
    /// Leave out dyads with fewer statements than this in either window.
    #[arg(long, default_value_t = 5)]
    pub min_statements: i64,
    /// How many dyads to print.
    #[arg(short = 'n', long, default_value_t = 20)]
    pub limit: usize,
    /// Write the whole table (.csv, .parquet, .json).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    check_windows(a.from, a.to)?;
    let filter = a.filter.filter(Vec::new());
    let read = movers_of_path(&a.scored, a.from, a.to, a.min_statements, &filter, dyad_core::partition::piece_rows()?)?;
    super::note_how_read(&a.scored, read.from_text, read.pieces);
    let movers = read.movers;
    if filter.dedup {
        eprintln!("republished statements counted once (--no-dedup keeps them)");
    }
    let g = Gazetteer::builtin();
    println!(
        "{:<9} {:<36} {:>8} {:>8} {:>8} {:>7} {:>7}",
        "dyad", "", "before", "after", "change", "n_bef", "n_aft"
    );
    for m in movers.iter().take(a.limit) {
        let names = format!("{} → {}", g.name_of(&m.source).unwrap_or(&m.source), g.name_of(&m.target).unwrap_or(&m.target));
        println!(
            "{:<9} {:<36} {:>8.1} {:>8.1} {:>+8.1} {:>7} {:>7}",
            format!("{}→{}", m.source, m.target),
            names,
            m.tension_before,
            m.tension_after,
            m.change,
            m.statements_before,
            m.statements_after
        );
    }
    eprintln!("{} dyads with ≥ {} statements in both windows", movers.len(), a.min_statements);
    if a.output.is_some() {
        super::output::Output(a.output).write(&mut movers_frame(&movers)?, "dyads")?;
    }
    Ok(())
}
