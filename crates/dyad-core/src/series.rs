//! Stage 7: tension time series per dyad and period, aggregated with polars.
//!
//! `mean_stance` is the mean of the statements' `stance` (p_cooperative − p_hostile, in
//! [−1, 1]); `tension = 50 × (1 − mean_stance)`, so 0 is all-cooperative, 50 balanced or
//! neutral, 100 all-hostile. Periods of the archive's span in which a dyad has no
//! statement are kept, with `statements = 0` and empty `mean_stance` / `tension`.
//!
//! Undirected dyads count a sentence once: `dyad score` writes both directions of every
//! pair (one of them is usually the neutral, receiving side), so A–B takes, per sentence,
//! the direction with the strongest stance rather than averaging in its neutral mirror.
use crate::actors::Gazetteer;
use crate::aggregate::{select, Filter, Selection};
use crate::dates::{from_epoch_days, to_epoch_days, Every};
use crate::schema::{scored as input, series as out};
use crate::pair_spec::PairSpec;
use anyhow::Result;
use chrono::NaiveDate;
use polars::prelude::*;

#[derive(Debug, Clone)]
pub struct SeriesOptions {
    pub every: Every,
    /// Only these dyads (all when empty).
    pub pairs: Vec<PairSpec>,
    /// Merge A→B and B→A into one dyad with source < target alphabetically.
    pub undirected: bool,
    /// Weight articles, not statements: each article's statements in a dyad-period are first
    /// averaged, so one article with 40 statements counts as one.
    pub per_article: bool,
    /// Count a statement republished elsewhere (same sentence after normalising case,
    /// punctuation and spacing, same directed pair) once: its earliest copy is kept.
    pub dedup: bool,
    /// Leave out statements labelled neutral: the series then describes only statements that
    /// carry a stance (like event data, which codes only events), at the cost of volume.
    pub exclude_neutral: bool,
    /// Only rows marked `primary` (a source → target of what the sentence reports).
    pub primary_only: bool,
    /// Only rows of these PLOVER quad classes (all when empty).
    pub quads: Vec<crate::stance::Quad>,
    /// Weight each statement by the model's confidence (its highest class probability), so
    /// statements the model is unsure of count less; intervals use the effective sample size.
    pub confidence_weighted: bool,
    /// Add `tension_smooth`: statement-weighted over this many trailing periods.
    pub smooth: Option<usize>,
    /// Add `tension_z` and `spike`, flagging z ≥ this against the previous `SPIKE_BASELINE` periods with data.
    pub spikes: Option<f64>,
}

/// One dyad-period.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesRow {
    pub period: NaiveDate,
    pub source: String,
    pub target: String,
    pub statements: i64,
    pub articles: i64,
    pub mean_stance: Option<f64>,
    pub tension: Option<f64>,
    pub cooperative: i64,
    pub neutral: i64,
    pub hostile: i64,
    /// 95 % confidence interval of `mean_stance` (normal approximation over the averaged units:
    /// statements, or articles with `per_article`); none with fewer than two units.
    pub ci: Option<(f64, f64)>,
    /// The dyad's statements over all statements of the period in the scored file.
    pub share: f64,
    /// Statement-weighted tension over this and the preceding periods (`--smooth N`).
    pub tension_smooth: Option<f64>,
    /// z-score of this period's tension against the trailing baseline (`--spikes`).
    pub tension_z: Option<f64>,
    pub spike: bool,
}

/// Trailing statement-weighted mean over `window` periods (the current one included), as tension.
pub fn smooth(rows: &mut [SeriesRow], window: usize) {
    for k in 0..rows.len() {
        let lo = (k + 1).saturating_sub(window.max(1));
        let (mut sum, mut n) = (0.0, 0i64);
        for r in &rows[lo..=k] {
            if let Some(m) = r.mean_stance {
                sum += m * r.statements as f64;
                n += r.statements;
            }
        }
        rows[k].tension_smooth = (n > 0).then(|| tension_of(sum / n as f64));
    }
}

/// Periods with data in the trailing baseline needed before a z-score is given.
pub const MIN_BASELINE: usize = 3;

/// A period needs this many statements to be scored for a spike: one stray hostile sentence
/// is not an event.
pub const MIN_SPIKE_STATEMENTS: i64 = 3;

/// Flags periods whose tension is `threshold` or more standard deviations above the mean of
/// the previous `baseline` periods that have statements (upward = more hostile).
pub fn flag_spikes(rows: &mut [SeriesRow], baseline: usize, threshold: f64) {
    for k in 0..rows.len() {
        rows[k].tension_z = None;
        rows[k].spike = false;
        let Some(t) = rows[k].tension else { continue };
        if rows[k].statements < MIN_SPIKE_STATEMENTS {
            continue;
        }
        let past: Vec<f64> = rows[..k].iter().rev().filter_map(|r| r.tension).take(baseline).collect();
        if past.len() < MIN_BASELINE {
            continue;
        }
        let mean = past.iter().sum::<f64>() / past.len() as f64;
        let sd = (past.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (past.len() - 1) as f64).sqrt();
        if sd > 0.0 {
            let z = (t - mean) / sd;
            rows[k].tension_z = Some(z);
            rows[k].spike = z >= threshold;
        }
    }
}

impl SeriesRow {
    /// A dyad-period without statements.
    pub fn empty(period: NaiveDate, source: &str, target: &str) -> SeriesRow {
        SeriesRow {
            period,
            source: source.to_string(),
            target: target.to_string(),
            statements: 0,
            articles: 0,
            mean_stance: None,
            tension: None,
            cooperative: 0,
            neutral: 0,
            hostile: 0,
            ci: None,
            share: 0.0,
            tension_smooth: None,
            tension_z: None,
            spike: false,
        }
    }
}

/// The most dyad-periods a series may lay out (every dyad gets every period of the archive's
/// span). The output is written a slice at a time, so the limit guards against misdated rows
/// rather than memory: one row dated 1900 once stretched a daily series of recent news over
/// 13.7 million rows, every day since then.
pub const MAX_SERIES_ROWS: usize = 10_000_000;

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959964;

pub fn tension_of(mean_stance: f64) -> f64 {
    50.0 * (1.0 - mean_stance)
}

fn strings(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    Ok(df.column(name)?.str()?.iter().map(|v| v.unwrap_or("").to_string()).collect())
}

pub use crate::aggregate::republished;

impl SeriesOptions {
    /// The rows these options count ([`crate::aggregate`]).
    pub fn filter(&self) -> Filter {
        Filter {
            pairs: self.pairs.clone(),
            undirected: self.undirected,
            dedup: self.dedup,
            exclude_neutral: self.exclude_neutral,
            primary_only: self.primary_only,
            quads: self.quads.clone(),
        }
    }
}

/// Aggregates scored statements (a frame from [`crate::store::read_scored`]) into dyad-periods.
pub fn compute(scored: &DataFrame, opts: &SeriesOptions) -> Result<Vec<SeriesRow>> {
    Ok(compute_counted(scored, opts)?.0)
}

/// Like [`compute`], also returning how many republished statements were left out.
pub fn compute_counted(scored: &DataFrame, opts: &SeriesOptions) -> Result<(Vec<SeriesRow>, usize)> {
    let selection = select(scored, &opts.filter())?;
    Ok((compute_selected(scored, opts, &selection)?, selection.republished))
}

impl SeriesOptions {
    /// The scored columns these options read: the filter's ([`Filter::columns`]) and the
    /// probabilities when statements are weighted by confidence.
    pub fn columns(&self) -> Vec<&'static str> {
        let mut c = self.filter().columns();
        if self.confidence_weighted {
            c.extend([input::P_COOPERATIVE, input::P_NEUTRAL, input::P_HOSTILE]);
        }
        c
    }
}

/// A scored input aggregated ([`compute_path`]): [`finish`] or [`dense`] lay out its series.
#[derive(Debug, Clone)]
pub struct FromPath {
    pub whole: Partial,
    /// Dedup found republished statements from the sentence text: the input has no dedup key
    /// columns (scored before dyad wrote them), which is slower.
    pub from_text: bool,
    /// The `model` values of the rows read (when asked for), sorted.
    pub models: Vec<String>,
    pub pieces: crate::partition::Pieces,
}

/// Aggregates the scored input at `path`, read in pieces of whole dyads when it has more than
/// `piece_rows` rows ([`crate::partition`]), so memory grows far more slowly than the archive;
/// `finish(compute_path(…)?.whole, opts)` equals [`compute`] over the whole input read at once.
/// With `models`, also lists the `model` column's values (for a chart's source line).
pub fn compute_path(path: &std::path::Path, opts: &SeriesOptions, models: bool, piece_rows: usize) -> Result<FromPath> {
    let mut columns = crate::partition::with_dedup_source(path, opts.columns(), opts.dedup)?;
    if models {
        columns.push(input::MODEL);
    }
    let mut whole = Partial::default();
    let (mut from_text, mut names) = (false, std::collections::BTreeSet::new());
    let pieces = crate::partition::for_each_piece(path, &columns, opts.undirected, piece_rows, |piece| {
        from_text |= opts.dedup && !crate::store::has_dedup_keys(&piece);
        if models {
            if let Ok(m) = piece.column(input::MODEL) {
                names.extend(m.unique()?.str()?.iter().flatten().map(str::to_string));
            }
        }
        whole.merge(partial(&piece, opts)?);
        Ok(())
    })?;
    Ok(FromPath { whole, from_text, models: names.into_iter().collect(), pieces })
}

/// Each row's period (days since the epoch of its first day).
pub fn row_periods(scored: &DataFrame, every: Every) -> Result<Vec<i32>> {
    Ok(crate::aggregate::days(scored)?.iter().map(|&d| to_epoch_days(every.start_of(from_epoch_days(d)))).collect())
}

/// The series of the rows `selection` keeps (from [`select`] with `opts.filter()`): callers that
/// also need the rows behind each number (the report's drill-down) select once and use both.
pub fn compute_selected(scored: &DataFrame, opts: &SeriesOptions, selection: &Selection) -> Result<Vec<SeriesRow>> {
    finish(partial_selected(scored, opts, selection)?, opts)
}

/// Sums over one piece of an archive that holds whole dyads (all of a dyad's rows, both
/// directions with `undirected`): its non-empty dyad-periods, and what the whole archive's
/// series needs besides (volume per period, span, republished count). Series are sums and
/// counts, and dedup works within a directed pair, so pieces merge exactly ([`Partial::merge`]).
#[derive(Debug, Clone, Default)]
pub struct Partial {
    /// Dyad-periods with statements, `share` not yet set.
    pub cells: Vec<SeriesRow>,
    /// Counted statements per period (epoch days of its first day), all dyads: `share`'s denominator.
    pub totals: std::collections::HashMap<i32, i64>,
    /// First and last period of any row, counted or not, so every dyad gets the same periods.
    pub span: Option<(i32, i32)>,
    /// Republished statements left out by dedup.
    pub republished: usize,
}

impl Partial {
    /// Adds another piece; the pieces' dyads must not overlap.
    pub fn merge(&mut self, other: Partial) {
        self.cells.extend(other.cells);
        for (p, n) in other.totals {
            *self.totals.entry(p).or_default() += n;
        }
        self.span = match (self.span, other.span) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (a, b) => a.or(b),
        };
        self.republished += other.republished;
    }
}

/// The [`Partial`] of a frame that holds whole dyads.
pub fn partial(scored: &DataFrame, opts: &SeriesOptions) -> Result<Partial> {
    let selection = select(scored, &opts.filter())?;
    partial_selected(scored, opts, &selection)
}

fn partial_selected(scored: &DataFrame, opts: &SeriesOptions, selection: &Selection) -> Result<Partial> {
    let periods = row_periods(scored, opts.every)?;
    let clock = std::time::Instant::now();
    let Selection { source: src, target: tgt, counted: one_per_sentence, keep, republished, .. } = selection;
    let span = periods.iter().min().zip(periods.iter().max()).map(|(a, b)| (*a, *b));
    let mut totals: std::collections::HashMap<i32, i64> = std::collections::HashMap::new();
    for (p, &first) in periods.iter().zip(one_per_sentence) {
        if first {
            *totals.entry(*p).or_default() += 1;
        }
    }
    let df = DataFrame::new_infer_height(vec![
        Column::new(out::PERIOD.into(), periods),
        Column::new(out::SOURCE.into(), src.clone()),
        Column::new(out::TARGET.into(), tgt.clone()),
        scored.column(input::ARTICLE_ID)?.clone(),
        scored.column(input::STANCE)?.cast(&DataType::Float64)?,
        scored.column(input::LABEL)?.clone(),
        confidence_weights(scored, opts.confidence_weighted)?,
    ])?;
    let df = df.filter(&BooleanChunked::from_slice("keep".into(), keep))?;
    let is = |l: &str| col(input::LABEL).eq(lit(l.to_string())).cast(DataType::Int64);
    // The units averaged: statements, or articles (their statements averaged first).
    let units = if opts.per_article {
        df.lazy()
            .group_by([col(out::PERIOD), col(out::SOURCE), col(out::TARGET), col(input::ARTICLE_ID)])
            .agg([
                ((col(input::STANCE) * col("w")).sum() / col("w").sum()).alias(input::STANCE),
                len().cast(DataType::Int64).alias("n"),
                is("cooperative").sum().alias("cooperative"),
                is("neutral").sum().alias("neutral"),
                is("hostile").sum().alias("hostile"),
            ])
            .with_columns([lit(1.0f64).alias("w")])
    } else {
        df.lazy().with_columns([
            lit(1i64).alias("n"),
            is("cooperative").alias("cooperative"),
            is("neutral").alias("neutral"),
            is("hostile").alias("hostile"),
        ])
    };
    let agg = units
        .group_by([col(out::PERIOD), col(out::SOURCE), col(out::TARGET)])
        .agg([
            col("n").sum().cast(DataType::Int64).alias("statements"),
            col(input::ARTICLE_ID).n_unique().cast(DataType::Int64).alias("articles"),
            // Weighted moments (w = 1 unless --confidence-weighted): mean Σwx/Σw, variance
            // Σwx²/Σw − mean², effective n (Σw)²/Σw², which reduce to the usual ones at w = 1.
            col("w").sum().alias("sw"),
            (col("w") * col("w")).sum().alias("sw2"),
            (col("w") * col(input::STANCE)).sum().alias("swx"),
            (col("w") * col(input::STANCE) * col(input::STANCE)).sum().alias("swxx"),
            len().cast(DataType::Int64).alias("units"),
            col("cooperative").sum().cast(DataType::Int64).alias("cooperative"),
            col("neutral").sum().cast(DataType::Int64).alias("neutral"),
            col("hostile").sum().cast(DataType::Int64).alias("hostile"),
        ])
        .collect()?;

    crate::timing::timing("group_by", clock);
    let i64s = |n: &str| -> Result<Vec<i64>> { Ok(agg.column(n)?.i64()?.iter().map(|v| v.unwrap_or(0)).collect()) };
    let period: Vec<i32> = agg.column(out::PERIOD)?.i32()?.iter().map(|v| v.unwrap_or(0)).collect();
    let (s, t) = (strings(&agg, out::SOURCE)?, strings(&agg, out::TARGET)?);
    let (n, a, c, ne, h, u) =
        (i64s("statements")?, i64s("articles")?, i64s("cooperative")?, i64s("neutral")?, i64s("hostile")?, i64s("units")?);
    let f64s = |n: &str| -> Result<Vec<f64>> { Ok(agg.column(n)?.cast(&DataType::Float64)?.f64()?.iter().map(|v| v.unwrap_or(0.0)).collect()) };
    let (sw, sw2, swx, swxx) = (f64s("sw")?, f64s("sw2")?, f64s("swx")?, f64s("swxx")?);
    let cells = (0..agg.height())
        .map(|k| {
            let mean = (sw[k] > 0.0).then(|| swx[k] / sw[k]);
            // The interval from (sd, effective n), over two units or more.
            let ci = mean.and_then(|m| {
                let n_eff = sw[k] * sw[k] / sw2[k];
                let var = (swxx[k] / sw[k] - m * m).max(0.0) * n_eff / (n_eff - 1.0);
                (n_eff > 1.0 + 1e-9 && u[k] >= 2).then(|| {
                    let half = Z95 * var.sqrt() / n_eff.sqrt();
                    ((m - half).max(-1.0), (m + half).min(1.0))
                })
            });
            SeriesRow {
                period: from_epoch_days(period[k]),
                source: s[k].clone(),
                target: t[k].clone(),
                statements: n[k],
                articles: a[k],
                mean_stance: mean,
                tension: mean.map(tension_of),
                cooperative: c[k],
                neutral: ne[k],
                hostile: h[k],
                ci,
                share: 0.0,
                tension_smooth: None,
                tension_z: None,
                spike: false,
            }
        })
        .collect();
    Ok(Partial { cells, totals, span, republished: *republished })
}

/// The series from the merged [`Partial`] of a whole archive: each dyad laid over every period
/// of the archive's span (empty periods kept), with `share`, smoothing and spikes.
pub fn finish(whole: Partial, opts: &SeriesOptions) -> Result<Vec<SeriesRow>> {
    let dyads = dense(whole, opts)?;
    // Sized once: growing by doubling would briefly hold up to twice the series.
    let mut out = Vec::with_capacity(dyads.rows);
    for rows in dyads {
        out.extend(rows);
    }
    Ok(out)
}

/// The dyads of a merged [`Partial`], one at a time, each over every period of the span: what
/// [`finish`] collects, for writers that turn dyads into columns as they come instead of holding
/// every row of a long series at once ([`write_series`]).
pub struct Dense {
    /// Rows all dyads make together.
    pub rows: usize,
    /// The cells sorted by dyad and period: walked in place, so the cells are held once.
    cells: std::iter::Peekable<std::vec::IntoIter<SeriesRow>>,
    /// Asked-for dyads without any cell, sorted.
    empty: std::iter::Peekable<std::vec::IntoIter<(String, String)>>,
    span: Option<(NaiveDate, NaiveDate)>,
    every: Every,
    smooth: Option<usize>,
    spikes: Option<f64>,
}

impl Iterator for Dense {
    type Item = Vec<SeriesRow>;

    fn next(&mut self) -> Option<Vec<SeriesRow>> {
        let (first, last) = self.span?;
        let from_cells = self.cells.peek().map(|r| (r.source.as_str(), r.target.as_str()));
        let (s, t) = match (from_cells, self.empty.peek()) {
            (None, None) => return None,
            (Some(c), Some(e)) if (e.0.as_str(), e.1.as_str()) < c => self.empty.next()?,
            (Some((s, t)), _) => (s.to_string(), t.to_string()),
            (None, Some(_)) => self.empty.next()?,
        };
        let mut out = Vec::new();
        let mut p = first;
        while p <= last {
            let here = self.cells.next_if(|r| r.period == p && r.source == s && r.target == t);
            out.push(here.unwrap_or_else(|| SeriesRow::empty(p, &s, &t)));
            p = self.every.next(p);
        }
        // Cells are laid out on the periods' grid, so none is left; were one off it, the next
        // dyad must still start at its own cells.
        while self.cells.next_if(|r| r.source == s && r.target == t).is_some() {}
        if let Some(w) = self.smooth {
            smooth(&mut out, w);
        }
        if let Some(z) = self.spikes {
            flag_spikes(&mut out, SPIKE_BASELINE, z);
        }
        Some(out)
    }
}

/// Sets `share`, sorts the cells by dyad (adding asked-for dyads without statements) and checks
/// the series is not absurdly long (see [`MAX_SERIES_ROWS`]).
pub fn dense(whole: Partial, opts: &SeriesOptions) -> Result<Dense> {
    let Partial { mut cells, totals, span, .. } = whole;
    let span = span.map(|(a, b)| (from_epoch_days(a), from_epoch_days(b)));
    for r in cells.iter_mut() {
        r.share = r.statements as f64 / totals.get(&to_epoch_days(r.period)).copied().unwrap_or(1).max(1) as f64;
    }
    fn key(r: &SeriesRow) -> (&str, &str) {
        (r.source.as_str(), r.target.as_str())
    }
    cells.sort_unstable_by(|a, b| key(a).cmp(&key(b)).then(a.period.cmp(&b.period)));
    // Requested pairs with no statement at all still get their (empty) rows.
    let mut empty: Vec<(String, String)> = opts
        .pairs
        .iter()
        .map(|p| if opts.undirected { p.sorted() } else { p.clone() })
        .map(|p| (p.source, p.target))
        .filter(|(s, t)| cells.binary_search_by(|r| key(r).cmp(&(s.as_str(), t.as_str()))).is_err())
        .collect();
    empty.sort_unstable();
    empty.dedup();
    let dyads = empty.len() + cells.windows(2).filter(|w| key(&w[0]) != key(&w[1])).count() + usize::from(!cells.is_empty());
    let mut rows = 0usize;
    if let Some((first, last)) = span {
        let mut periods = 0usize;
        let mut p = first;
        while p <= last && periods <= MAX_SERIES_ROWS {
            periods += 1;
            p = opts.every.next(p);
        }
        if periods.saturating_mul(dyads) > MAX_SERIES_ROWS {
            anyhow::bail!(
                "{dyads} dyads over {} periods from {first} to {last} would be more than {MAX_SERIES_ROWS} rows: \
                 check the scored file for misdated rows (the earliest period is {first}), choose dyads with --pair, or a longer --every",
                if periods > MAX_SERIES_ROWS { format!("more than {MAX_SERIES_ROWS}") } else { periods.to_string() },
            );
        }
        rows = periods * dyads;
    }
    Ok(Dense { rows, cells: cells.into_iter().peekable(), empty: empty.into_iter().peekable(), span, every: opts.every, smooth: opts.smooth, spikes: opts.spikes })
}

/// [`series_frame`] of the dyads of `dyads`, handed to `write` a slice of about 100,000 rows at
/// a time (whole dyads, in order): a monthly series of every dyad of a large archive is millions
/// of rows, which a writer ([`crate::store::FrameSink`]) need not hold at once. `seen` gets each
/// dyad's rows on the way. Returns the rows written.
pub fn write_series(dyads: Dense, gazetteer: &Gazetteer, opts: &SeriesOptions, write: impl FnMut(&DataFrame) -> Result<()>, seen: impl FnMut(&[SeriesRow])) -> Result<usize> {
    write_series_in_slices(dyads, gazetteer, opts, 100_000, write, seen)
}

/// [`write_series`] with slices of at least `slice_rows` rows (or the last dyads).
pub(crate) fn write_series_in_slices(
    dyads: Dense,
    gazetteer: &Gazetteer,
    opts: &SeriesOptions,
    slice_rows: usize,
    mut write: impl FnMut(&DataFrame) -> Result<()>,
    mut seen: impl FnMut(&[SeriesRow]),
) -> Result<usize> {
    let mut slice: Vec<SeriesRow> = Vec::new();
    let mut flush = |slice: &mut Vec<SeriesRow>| -> Result<usize> {
        write(&series_frame(slice, gazetteer, opts)?)?;
        let n = slice.len();
        slice.clear();
        Ok(n)
    };
    let mut rows = 0usize;
    for dyad in dyads {
        seen(&dyad);
        slice.extend(dyad);
        if slice.len() >= slice_rows {
            rows += flush(&mut slice)?;
        }
    }
    // One slice even when empty (rows is 0 only if none was flushed): it carries the columns
    // (a CSV header, a Parquet schema).
    if !slice.is_empty() || rows == 0 {
        rows += flush(&mut slice)?;
    }
    Ok(rows)
}

/// The weight column: 1, or the model's confidence (highest of the three probabilities).
fn confidence_weights(scored: &DataFrame, confidence: bool) -> Result<Column> {
    let n = scored.height();
    if !confidence {
        return Ok(Column::new("w".into(), vec![1.0f64; n]));
    }
    let p = |c: &str| -> Result<Vec<f64>> {
        Ok(scored
            .column(c)
            .map_err(|_| anyhow::anyhow!("--confidence-weighted needs the {c} column of `dyad score`"))?
            .cast(&DataType::Float64)?
            .f64()?
            .iter()
            .map(|v| v.unwrap_or(0.0))
            .collect())
    };
    let (c, ne, h) = (p(input::P_COOPERATIVE)?, p(input::P_NEUTRAL)?, p(input::P_HOSTILE)?);
    Ok(Column::new("w".into(), (0..n).map(|k| c[k].max(ne[k]).max(h[k])).collect::<Vec<f64>>()))
}

/// Periods with statements in the trailing baseline of `--spikes`.
pub const SPIKE_BASELINE: usize = 6;

/// The series as a frame with the documented columns ([`out`]; `tension_smooth`, `tension_z`
/// and `spike` only when asked for), display names added by [`crate::naming`].
pub fn series_frame(rows: &[SeriesRow], gazetteer: &Gazetteer, opts: &SeriesOptions) -> Result<DataFrame> {
    let mut df = to_code_frame(rows, opts)?;
    crate::naming::insert_names(&mut df, 3, out::SOURCE, out::SOURCE_NAME, gazetteer)?;
    crate::naming::insert_names(&mut df, 4, out::TARGET, out::TARGET_NAME, gazetteer)?;
    Ok(df)
}

/// The series with codes only.
pub fn to_code_frame(rows: &[SeriesRow], opts: &SeriesOptions) -> Result<DataFrame> {
    let round = |x: Option<f64>| x.map(|v| (v * 10_000.0).round() / 10_000.0);
    let i = |name: &str, f: fn(&SeriesRow) -> i64| Column::new(name.into(), rows.iter().map(f).collect::<Vec<i64>>());
    let x = |name: &str, f: &dyn Fn(&SeriesRow) -> Option<f64>| Column::new(name.into(), rows.iter().map(|r| round(f(r))).collect::<Vec<_>>());
    let mut df = DataFrame::new_infer_height(vec![
        Column::new(out::PERIOD.into(), rows.iter().map(|r| to_epoch_days(r.period)).collect::<Vec<i32>>()).cast(&DataType::Date)?,
        Column::new(out::SOURCE.into(), rows.iter().map(|r| r.source.as_str()).collect::<Vec<_>>()),
        Column::new(out::TARGET.into(), rows.iter().map(|r| r.target.as_str()).collect::<Vec<_>>()),
        i(out::STATEMENTS, |r| r.statements),
        i(out::ARTICLES, |r| r.articles),
        x(out::MEAN_STANCE, &|r| r.mean_stance),
        x(out::TENSION, &|r| r.tension),
        i(out::COOPERATIVE, |r| r.cooperative),
        i(out::NEUTRAL, |r| r.neutral),
        i(out::HOSTILE, |r| r.hostile),
        x(out::MEAN_STANCE_CI_LOW, &|r| r.ci.map(|c| c.0)),
        x(out::MEAN_STANCE_CI_HIGH, &|r| r.ci.map(|c| c.1)),
        x(out::TENSION_CI_LOW, &|r| r.ci.map(|c| tension_of(c.1))),
        x(out::TENSION_CI_HIGH, &|r| r.ci.map(|c| tension_of(c.0))),
        Column::new(out::SHARE.into(), rows.iter().map(|r| (r.share * 1e6).round() / 1e6).collect::<Vec<_>>()),
    ])?;
    if opts.smooth.is_some() {
        df.with_column(x(out::TENSION_SMOOTH, &|r| r.tension_smooth))?;
    }
    if opts.spikes.is_some() {
        df.with_column(x(out::TENSION_Z, &|r| r.tension_z))?;
        df.with_column(Column::new(out::SPIKE.into(), rows.iter().map(|r| r.spike).collect::<Vec<_>>()))?;
    }
    Ok(df)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::tests::row;
    use crate::store::rows_to_frame as scored_frame;

    /// Options with every switch off (tests elsewhere in the crate build on it).
    pub(crate) fn opts(every: Every, undirected: bool, pairs: &[(&str, &str)]) -> SeriesOptions {
        SeriesOptions {
            every,
            undirected,
            per_article: false,
            dedup: false,
            exclude_neutral: false,
            primary_only: false,
            quads: Vec::new(),
            confidence_weighted: false,
            smooth: None,
            spikes: None,
            pairs: pairs.iter().map(|(s, t)| PairSpec { source: s.to_string(), target: t.to_string() }).collect(),
        }
    }

    fn table() -> DataFrame {
        let second_sentence = crate::store::ScoredRow { sentence_id: 1, ..row("a1", "2025-01-05", "IRN", "AZE", 0.4) };
        scored_frame(&[
            row("a1", "2025-01-05", "IRN", "AZE", 0.8),
            second_sentence,
            row("a2", "2025-01-20", "IRN", "AZE", -0.6),
            row("a3", "2025-03-02", "IRN", "AZE", -1.0),
            row("a3", "2025-03-02", "AZE", "IRN", 0.5),
            row("a4", "2025-02-10", "ARM", "AZE", -0.5),
        ])
        .unwrap()
    }

    /// `--quad` keeps rows of the asked event types; a file without the column is refused.
    #[test]
    fn quad_filter_keeps_the_asked_event_types() {
        use crate::stance::Quad;
        let mut o = opts(Every::Month, false, &[("IRN", "AZE")]);
        o.quads = vec![Quad::MaterialConflict];
        let rows = compute(&table(), &o).unwrap();
        // The test rows: hostile ones are material_conflict, cooperative ones verbal_cooperation.
        let counted: i64 = rows.iter().map(|r| r.statements).sum();
        assert_eq!(counted, 2);
        assert!(rows.iter().all(|r| r.cooperative == 0));
        o.quads = vec![Quad::MaterialConflict, Quad::VerbalCooperation];
        assert_eq!(compute(&table(), &o).unwrap().iter().map(|r| r.statements).sum::<i64>(), 4);
        let old = table().drop(crate::schema::scored::QUAD).unwrap();
        let e = compute(&old, &o).unwrap_err().to_string();
        assert!(e.contains("no `quad` column"), "{e}");
    }

    #[test]
    fn monthly_means_counts_and_gaps() {
        let rows = compute(&table(), &opts(Every::Month, false, &[("IRN", "AZE")])).unwrap();
        assert_eq!(rows.len(), 3, "Jan, Feb (empty), Mar");
        let jan = &rows[0];
        assert_eq!(jan.period, NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        assert_eq!((jan.statements, jan.articles), (3, 2));
        assert!((jan.mean_stance.unwrap() - 0.2).abs() < 1e-9);
        assert!((jan.tension.unwrap() - 40.0).abs() < 1e-9);
        assert_eq!((jan.cooperative, jan.hostile), (2, 1));
        // sd of (0.8, 0.4, −0.6) = √0.52 = 0.72111; half-width 1.96 · 0.72111 / √3 = 0.81600
        let (lo, hi) = jan.ci.unwrap();
        assert!((lo - (0.2 - 0.81600)).abs() < 1e-4, "{lo}");
        assert!((hi - 1.0).abs() < 1e-12, "0.2 + 0.816 is clipped to the stance range: {hi}");
        // January holds only IRN→AZE statements; March has a3's two and nothing else.
        assert!((jan.share - 1.0).abs() < 1e-12);
        assert!((rows[2].share - 0.5).abs() < 1e-12);
        assert_eq!(rows[1].statements, 0);
        assert_eq!(rows[1].tension, None);
        assert_eq!(rows[1].ci, None);
        assert_eq!(rows[2].ci, None, "one statement gives no interval");
        assert!((rows[2].tension.unwrap() - 100.0).abs() < 1e-9);
    }

    fn period(tension: Option<f64>, statements: i64) -> SeriesRow {
        SeriesRow {
            statements,
            articles: statements,
            mean_stance: tension.map(|t| 1.0 - t / 50.0),
            tension,
            ..SeriesRow::empty(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), "A", "B")
        }
    }

    #[test]
    fn smoothing_is_statement_weighted_over_trailing_periods() {
        let mut rows = vec![period(Some(20.0), 1), period(None, 0), period(Some(80.0), 3), period(Some(50.0), 1)];
        smooth(&mut rows, 2);
        assert!((rows[0].tension_smooth.unwrap() - 20.0).abs() < 1e-9);
        assert!((rows[1].tension_smooth.unwrap() - 20.0).abs() < 1e-9, "the empty period carries the window");
        assert!((rows[2].tension_smooth.unwrap() - 80.0).abs() < 1e-9);
        assert!((rows[3].tension_smooth.unwrap() - (80.0 * 3.0 + 50.0) / 4.0).abs() < 1e-9);
    }

    #[test]
    fn spikes_against_the_trailing_baseline() {
        let mut rows: Vec<SeriesRow> =
            [40.0, 42.0, 38.0, 41.0, 39.0, 70.0, 40.0].iter().map(|&t| period(Some(t), 5)).collect();
        rows.insert(5, period(None, 0));
        flag_spikes(&mut rows, 6, 2.0);
        assert!(rows[..3].iter().all(|r| r.tension_z.is_none()), "fewer than 3 baseline periods");
        // baseline 40, 42, 38, 41, 39: mean 40, sd 1.5811; z(70) = 18.97
        assert!((rows[6].tension_z.unwrap() - 30.0 / 1.5811388).abs() < 1e-4);
        assert!(rows[6].spike);
        assert!(!rows[7].spike, "the return to 40 is not a spike");
        assert_eq!(rows.iter().filter(|r| r.spike).count(), 1);
        let mut thin = rows.clone();
        thin[6].statements = 1;
        flag_spikes(&mut thin, 6, 2.0);
        assert!(thin[6].tension_z.is_none(), "a single statement is not scored for a spike");
    }

    #[test]
    fn republished_statements_count_once() {
        let copy = |a: &str, d: &str, sentence: &str, stance: f64| crate::store::ScoredRow { sentence: sentence.into(), ..row(a, d, "IRN", "AZE", stance) };
        let scored = scored_frame(&[
            copy("wire", "2025-01-03", "Iran warned Azerbaijan.", -1.0),
            copy("reprint", "2025-01-05", "IRAN warned  Azerbaijan!", -1.0),
            copy("other", "2025-01-04", "Iran praised Azerbaijan.", 1.0),
        ])
        .unwrap();
        assert_eq!(republished(&scored).unwrap(), [false, true, false]);
        let o = SeriesOptions { dedup: true, ..opts(Every::Month, false, &[]) };
        let (rows, removed) = compute_counted(&scored, &o).unwrap();
        assert_eq!((removed, rows[0].statements, rows[0].mean_stance), (1, 2, Some(0.0)));
        let (rows, removed) = compute_counted(&scored, &opts(Every::Month, false, &[])).unwrap();
        assert_eq!((removed, rows[0].statements), (0, 3));
        let neutral = crate::store::ScoredRow { sentence: "Iran met Azerbaijan.".into(), ..row("n", "2025-01-06", "IRN", "AZE", 0.0) };
        let with_neutral = scored_frame(&[copy("other", "2025-01-04", "Iran praised Azerbaijan.", 1.0), neutral]).unwrap();
        let o = SeriesOptions { exclude_neutral: true, ..opts(Every::Month, false, &[]) };
        let rows = compute(&with_neutral, &o).unwrap();
        assert_eq!((rows[0].statements, rows[0].mean_stance), (1, Some(1.0)));
    }

    #[test]
    fn confidence_weighting() {
        // stance 1.0 (confidence 1.0) and −0.5 (p_hostile 0.5, p_neutral 0.5: confidence 0.5).
        let scored = scored_frame(&[row("a", "2025-01-03", "IRN", "AZE", 1.0), row("b", "2025-01-04", "IRN", "AZE", -0.5)]).unwrap();
        let plain = &compute(&scored, &opts(Every::Month, false, &[])).unwrap()[0];
        assert!((plain.mean_stance.unwrap() - 0.25).abs() < 1e-12);
        let o = SeriesOptions { confidence_weighted: true, ..opts(Every::Month, false, &[]) };
        let w = &compute(&scored, &o).unwrap()[0];
        // (1·1 + 0.5·(−0.5)) / 1.5 = 0.5; statements still count 2.
        assert!((w.mean_stance.unwrap() - 0.5).abs() < 1e-12, "{w:?}");
        assert_eq!(w.statements, 2);
        // Effective n = 1.5² / 1.25 = 1.8, weighted sd √(0.5 · 1.8 / 0.8): half-width 1.96·sd/√1.8.
        let half = 1.96 * (0.5f64 * 1.8 / 0.8).sqrt() / 1.8f64.sqrt();
        assert!((w.ci.unwrap().1 - (0.5 + half).min(1.0)).abs() < 1e-9, "{w:?}");
        assert!((w.ci.unwrap().0 - (0.5 - half).max(-1.0)).abs() < 1e-9, "{w:?}");
    }

    /// One misdated row does not make a daily series of centuries: the series refuses with
    /// the span it would cover.
    #[test]
    fn an_outlier_date_is_refused_not_laid_out() {
        let rows: Vec<crate::store::ScoredRow> = (0..30)
            .map(|k| row(&format!("a{k}"), "2025-01-05", &format!("C{k:02}"), "AZE", 0.5))
            .chain([row("old", "1000-01-01", "IRN", "AZE", 0.5)])
            .collect();
        let e = compute(&scored_frame(&rows).unwrap(), &opts(Every::Day, false, &[])).unwrap_err().to_string();
        assert!(e.contains("from 1000-01-01 to 2025-01-05") && e.contains("misdated"), "{e}");
        assert!(compute(&scored_frame(&rows).unwrap(), &opts(Every::Year, false, &[])).is_ok(), "yearly is small enough");
    }

    #[test]
    fn per_article_weighting() {
        // January: a1 has two statements (0.8, 0.4) and a2 one (−0.6).
        let o = SeriesOptions { per_article: true, ..opts(Every::Month, false, &[("IRN", "AZE")]) };
        let jan = &compute(&table(), &o).unwrap()[0];
        assert_eq!((jan.statements, jan.articles), (3, 2));
        // mean of article means (0.6, −0.6) = 0, not the statement mean 0.2
        assert!(jan.mean_stance.unwrap().abs() < 1e-12);
        assert_eq!((jan.cooperative, jan.hostile), (2, 1));
    }

    #[test]
    fn undirected_merges_both_directions() {
        let rows = compute(&table(), &opts(Every::Quarter, true, &[("IRN", "AZE")])).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].source.as_str(), rows[0].target.as_str()), ("AZE", "IRN"));
        // a3's sentence holds IRN→AZE −1.0 and AZE→IRN 0.5: counted once, by the stronger stance.
        assert_eq!(rows[0].statements, 4);
        assert_eq!(rows[0].articles, 3);
        assert!((rows[0].mean_stance.unwrap() - (0.8 + 0.4 - 0.6 - 1.0) / 4.0).abs() < 1e-9);
        // All dyads when no pair is asked for.
        let all = compute(&table(), &opts(Every::Year, false, &[])).unwrap();
        assert_eq!(all.len(), 3);
        let df = series_frame(&all, Gazetteer::builtin(), &opts(Every::Year, false, &[])).unwrap();
        assert_eq!(df.column("source_name").unwrap().str().unwrap().get(0), Some("Armenia"));
    }
}
