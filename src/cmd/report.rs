use anyhow::{bail, Context, Result};
use dyad_core::actors::Gazetteer;
use dyad_core::pair_spec::parse_pair;
use dyad_core::report::{build_payload, render_html, ArticleInfo, ReportOptions};
use dyad_core::top::Window;
use std::collections::HashMap;
use std::path::PathBuf;

/// One self-contained HTML page over a scored file: an overview of the dyads (sortable,
/// filterable), their tension series with 95 % intervals and spikes, A→B against B→A, top movers,
/// and for every period the statements behind its number. Opens offline from file://.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A file written by `dyad score`.
    pub scored: PathBuf,
    /// Where to write the page (.html).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Dyads drawn when the page opens, SOURCE-TARGET by ISO3 code or name; repeatable (default:
    /// the three with most statements). The overview lists every dyad either way.
    #[arg(long = "pair", value_name = "PAIR")]
    pub pairs: Vec<String>,
    #[command(flatten)]
    pub agg: super::AggregationArgs,
    /// Spike threshold Z (tension Z sd or more above the previous 6 periods with statements).
    #[arg(long, value_name = "Z", default_value_t = 2.0)]
    pub spikes: f64,
    /// Top movers' earlier window FROM..TO (default: the span's first half).
    #[arg(long, requires = "to")]
    pub from: Option<Window>,
    /// Top movers' later window FROM..TO (default: the span's second half).
    #[arg(long, requires = "from")]
    pub to: Option<Window>,
    /// Top movers need this many statements in each window.
    #[arg(long, default_value_t = 5)]
    pub min_statements: i64,
    /// Dyads whose series and statements are embedded in the page: the most reported ones,
    /// besides those named with --pair. The others are listed in the overview only.
    #[arg(long, default_value_t = 60)]
    pub max_dyads: usize,
    /// Statements listed per dyad and period in the drill-down (the page counts the rest).
    #[arg(long, default_value_t = 200)]
    pub max_statements_per_period: usize,
    /// The archive(s) that were scored, to show each article's title and link (.jsonl, .csv,
    /// .parquet, directories); without them the drill-down shows article ids.
    #[arg(long, value_name = "INPUT", num_args = 1..)]
    pub articles: Vec<PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    if a.output.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() != Some("html") {
        bail!("{}: the report is a web page; name it .html", a.output.display());
    }
    if let (Some(f), Some(t)) = (a.from, a.to) {
        dyad_core::top::check_windows(f, t)?;
    }
    let g = Gazetteer::builtin();
    let show = a.pairs.iter().map(|p| parse_pair(p, g)).collect::<Result<Vec<_>>>()?;
    let scored = dyad_core::store::read_scored_columns(&a.scored, None)?;
    let opts = ReportOptions {
        series: dyad_core::series::SeriesOptions { spikes: Some(a.spikes), ..a.agg.series_options(Vec::new()) },
        show,
        movers: a.from.zip(a.to),
        min_statements: a.min_statements,
        max_dyads: a.max_dyads,
        max_statements_per_period: a.max_statements_per_period,
        articles: read_articles(&a.articles)?,
        scored_name: a.scored.file_name().map_or_else(|| a.scored.display().to_string(), |n| n.to_string_lossy().to_string()),
        command: std::env::args().map(|s| if s.contains(' ') { format!("'{s}'") } else { s }).collect::<Vec<_>>().join(" "),
    };
    let payload = build_payload(&scored, &opts, g)?;
    if payload.meta.republished > 0 {
        eprintln!("{} republished statements counted once (--no-dedup keeps them)", payload.meta.republished);
    }
    let html = render_html(&payload)?;
    // Written beside the target and renamed, so an interrupted run leaves no half page.
    let tmp = a.output.with_extension("html.partial");
    std::fs::write(&tmp, &html).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &a.output).with_context(|| format!("writing {}", a.output.display()))?;
    let embedded = payload.dyads.iter().filter(|d| d.series.is_some()).count();
    eprintln!(
        "wrote {} ({:.1} MB): {} dyads, {} with series and statements embedded, {} statements listed, {} periods",
        a.output.display(),
        html.len() as f64 / 1e6,
        payload.dyads.len(),
        embedded,
        payload.statements.dyad.len(),
        payload.periods.len()
    );
    Ok(())
}

/// Titles and URLs by article id; unreadable records are skipped (they were reported by `score`).
fn read_articles(paths: &[PathBuf]) -> Result<HashMap<String, ArticleInfo>> {
    let mut out = HashMap::new();
    for p in dyad_core::ingest::expand_inputs(paths)? {
        dyad_core::ingest::read_file(&p, &Default::default(), &mut |r| {
            if let Ok(art) = r {
                out.insert(art.id, ArticleInfo { title: art.title, url: art.url });
            }
        });
    }
    Ok(out)
}
