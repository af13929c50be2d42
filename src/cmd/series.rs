use anyhow::Result;
use dyad_core::actors::Gazetteer;
use dyad_core::pair_spec::parse_pair;
use dyad_core::series::{write_series, SeriesOptions};
use std::path::PathBuf;

/// Tension time series per dyad and period from a scored file.
///
/// tension = 50 × (1 − mean_stance): 0 all cooperative, 50 neutral/balanced, 100 all hostile.
/// Periods with no statement for a dyad appear with statements = 0 and empty tension.
///
/// Parquet archives of more than 500,000 rows are read in pieces of whole dyads spilled to a
/// temporary directory ($TMPDIR), so memory grows far more slowly than the archive;
/// DYAD_PIECE_ROWS=N sets the piece size.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A file written by `dyad score` (.parquet, .csv, .jsonl), a dataset directory of its
    /// parts, or a quoted glob ('out/*.parquet').
    pub scored: PathBuf,
    /// Only these dyads, SOURCE-TARGET by ISO3 code or name (IRN-AZE, Iran-Azerbaijan); repeatable.
    #[arg(long = "pair", value_name = "PAIR")]
    pub pairs: Vec<String>,
    #[command(flatten)]
    pub agg: super::AggregationArgs,
    /// Add tension_smooth: statement-weighted tension over this many trailing periods.
    #[arg(long, value_name = "PERIODS")]
    pub smooth: Option<usize>,
    /// Add tension_z and spike: flag periods whose tension is Z or more standard deviations above
    /// the previous 6 periods with statements (z needs at least 3 of them, and 3 statements in the
    /// period itself). Default Z 2.
    #[arg(long, value_name = "Z", num_args = 0..=1, default_missing_value = "2.0")]
    pub spikes: Option<f64>,
    /// Draw a chart (.png or .svg) of the --pair dyads, or of the six with most statements.
    #[arg(long, value_name = "CHART")]
    pub plot: Option<PathBuf>,
    /// Output .csv, .parquet or .json (JSON lines); CSV on stdout when omitted.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    let g = Gazetteer::builtin();
    let pairs = a.pairs.iter().map(|p| parse_pair(p, g)).collect::<Result<Vec<_>>>()?;
    let clock = std::time::Instant::now();
    let opts = SeriesOptions { smooth: a.smooth, spikes: a.spikes, ..a.agg.series_options(pairs) };
    // The model column for the chart's source line.
    let from = super::series_of_path(&a.scored, &opts, a.plot.is_some())?;
    dyad_core::timing::timing("read and aggregate", clock);
    if opts.dedup {
        eprintln!("{} republished statements counted once (--no-dedup keeps them)", from.whole.republished);
    }
    let plotted = match &a.plot {
        Some(_) => plotted_pairs(&from.whole.cells, &opts)?,
        None => Vec::new(),
    };
    let mut plot_rows = Vec::new();
    let dyads = dyad_core::series::dense(from.whole, &opts)?;
    // Written a slice of dyads at a time: the dense series of every dyad is the largest thing
    // a run over a big archive would otherwise hold.
    let output = super::output::Output(a.output);
    let mut sink = output.sink()?;
    write_series(dyads, g, &opts, |slice| sink.write(slice), |rows| {
        if rows.first().is_some_and(|r| plotted.iter().any(|p| p.source == r.source && p.target == r.target)) {
            plot_rows.extend_from_slice(rows);
        }
    })?;
    output.wrote(sink.finish()?, "rows");
    dyad_core::timing::timing("lay out and write", clock);
    if let Some(p) = &a.plot {
        plot(&a.scored, &from.models, plot_rows, plotted, &opts, p)?;
    }
    Ok(())
}

/// Most dyads a chart can tell apart (one colour each).
const MAX_PLOTTED: usize = 6;

/// The chart of `series --plot`: the asked-for dyads, else the most reported, drawn as `compare`
/// draws them (the same aggregation, so the chart's points are the rows written above).
/// The dyads `--plot` draws: the asked-for ones, else the most reported (from the series' cells).
fn plotted_pairs(cells: &[dyad_core::series::SeriesRow], opts: &SeriesOptions) -> Result<Vec<dyad_core::pair_spec::PairSpec>> {
    let pairs = if opts.pairs.is_empty() {
        let mut totals: std::collections::BTreeMap<(&str, &str), i64> = Default::default();
        for r in cells {
            *totals.entry((r.source.as_str(), r.target.as_str())).or_default() += r.statements;
        }
        let mut by: Vec<_> = totals.into_iter().filter(|(_, n)| *n > 0).collect();
        by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        by.into_iter().take(MAX_PLOTTED).map(|((s, t), _)| dyad_core::pair_spec::PairSpec { source: s.into(), target: t.into() }).collect()
    } else if opts.pairs.len() > MAX_PLOTTED {
        anyhow::bail!("--plot draws at most {MAX_PLOTTED} dyads; {} were given with --pair", opts.pairs.len());
    } else {
        opts.pairs.clone()
    };
    if pairs.is_empty() {
        anyhow::bail!("--plot: no dyad has statements to draw");
    }
    Ok(dyad_core::compare::comparison_options(&SeriesOptions { pairs, ..opts.clone() }).pairs)
}

/// The chart of `series --plot`: the rows written above, without smoothing, drawn as `compare`
/// draws them.
fn plot(path: &std::path::Path, models: &[String], rows: Vec<dyad_core::series::SeriesRow>, pairs: Vec<dyad_core::pair_spec::PairSpec>, opts: &SeriesOptions, chart: &std::path::Path) -> Result<()> {
    let copts = dyad_core::compare::comparison_options(&SeriesOptions { pairs, ..opts.clone() });
    let rows = rows.into_iter().map(|r| dyad_core::series::SeriesRow { tension_smooth: None, ..r }).collect();
    let c = dyad_core::compare::from_rows(rows, &copts)?;
    dyad_core::chart::draw_comparison(&c, chart, dyad_core::chart::DEFAULT_SIZE, &super::chart_source_line(path, models, &c))?;
    eprintln!("wrote {}", chart.display());
    Ok(())
}
