use clap::{Parser, Subcommand};

mod cmd;

/// dyad — how relations between countries are moving, read from the news.
///
/// Typical run: `dyad score ARCHIVE.jsonl -o scored.parquet`, then
/// `dyad series scored.parquet --every 1mo -o series.csv` and
/// `dyad compare scored.parquet IRN-AZE ARM-AZE --plot chart.png`.
#[derive(Parser)]
#[command(name = "dyad", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Score(cmd::score::Args),
    Classify(cmd::classify::Args),
    Series(cmd::series::Args),
    Compare(cmd::compare::Args),
    Top(cmd::top::Args),
    Report(cmd::report::Args),
    Actors(cmd::actors::Args),
    Train(cmd::train::Args),
    TrainHeads(cmd::train_heads::Args),
    Eval(cmd::eval::Args),
    Doctor(cmd::doctor::Args),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Score(a) => cmd::score::run(a),
        Command::Classify(a) => cmd::classify::run(a),
        Command::Series(a) => cmd::series::run(a),
        Command::Compare(a) => cmd::compare::run(a),
        Command::Top(a) => cmd::top::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Actors(a) => cmd::actors::run(a),
        Command::Train(a) => cmd::train::run(a),
        Command::TrainHeads(a) => cmd::train_heads::run(a),
        Command::Eval(a) => cmd::eval::run(a),
        Command::Doctor(a) => cmd::doctor::run(a),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
