use anyhow::{bail, Result};
use dyad_core::actors::Gazetteer;
use dyad_core::compare::{render_text, wide_frame};
use dyad_core::pair_spec::parse_pair;
use std::path::PathBuf;

/// Compare dyads side by side over time: level, trend, correlation, lead/lag, periods where
/// they diverge, with a chart.
///
/// Parquet archives of more than 500,000 rows are read in pieces of whole dyads (see `dyad
/// series --help`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A file written by `dyad score` (.parquet, .csv, .jsonl), a dataset directory of its
    /// parts, or a quoted glob ('out/*.parquet').
    pub scored: PathBuf,
    /// Dyads, SOURCE-TARGET by ISO3 code or name: IRN-AZE ARM-AZE.
    #[arg(required = true, value_name = "PAIR")]
    pub pairs: Vec<String>,
    #[command(flatten)]
    pub agg: super::AggregationArgs,
    /// Add the reverse of each pair (B→A next to A→B) and print the asymmetry between them.
    #[arg(long, conflicts_with = "undirected")]
    pub both_directions: bool,
    /// Flag spikes (tension Z or more standard deviations above the previous 6 periods with
    /// statements); they are listed and ringed on the chart. Default Z 2.
    #[arg(long, value_name = "Z", num_args = 0..=1, default_missing_value = "2.0")]
    pub spikes: Option<f64>,
    /// Draw a chart: .png or .svg.
    #[arg(long, value_name = "CHART")]
    pub plot: Option<PathBuf>,
    /// Also write the side-by-side table (.csv, .parquet, .json).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    let g = Gazetteer::builtin();
    let mut pairs = a.pairs.iter().map(|p| parse_pair(p, g)).collect::<Result<Vec<_>>>()?;
    if a.both_directions {
        for p in pairs.clone() {
            let rev = dyad_core::pair_spec::PairSpec { source: p.target.clone(), target: p.source.clone() };
            if !pairs.contains(&rev) {
                let at = pairs.iter().position(|q| *q == p).map_or(pairs.len(), |i| i + 1);
                pairs.insert(at, rev);
            }
        }
    }
    if pairs.is_empty() {
        bail!("give at least one pair");
    }
    let opts = dyad_core::series::SeriesOptions { spikes: a.spikes, ..a.agg.series_options(pairs) };
    let opts = dyad_core::compare::comparison_options(&opts);
    let from = super::series_of_path(&a.scored, &opts, true)?;
    let c = dyad_core::compare::from_rows(dyad_core::series::finish(from.whole, &opts)?, &opts)?;
    print!("{}", render_text(&c, g));
    if a.output.is_some() {
        super::output::Output(a.output.clone()).write(&mut wide_frame(&c)?, "periods")?;
    }
    if let Some(p) = &a.plot {
        dyad_core::chart::draw_comparison(&c, p, dyad_core::chart::DEFAULT_SIZE, &super::chart_source_line(&a.scored, &from.models, &c))?;
        eprintln!("wrote {}", p.display());
    }
    Ok(())
}
