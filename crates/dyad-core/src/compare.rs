//! Stage 8: several dyads side by side — level, trend, correlation — for `dyad compare`.
use crate::actors::Gazetteer;
use crate::dates::{to_epoch_days, Every};
use crate::pair_spec::PairSpec;
use crate::series::{compute, SeriesOptions, SeriesRow};
use anyhow::Result;
use chrono::NaiveDate;
use polars::prelude::*;
use std::fmt::Write as _;


/// Headline figures for one dyad over the whole window.
#[derive(Debug, Clone, PartialEq)]
pub struct PairSummary {
    pub label: String,
    pub statements: i64,
    pub periods_with_data: usize,
    /// Tension of all the dyad's statements pooled (statement-weighted), 0–100.
    pub level: Option<f64>,
    /// Least-squares slope of tension per period, over periods with data (points per period).
    pub trend: Option<f64>,
}

/// Pearson correlation of two dyads' tension over the periods where both have statements.
#[derive(Debug, Clone, PartialEq)]
pub struct Correlation {
    pub a: usize,
    pub b: usize,
    pub r: Option<f64>,
    pub periods: usize,
}

/// Lagged correlation: `a` at period t against `b` at period t + `lag`. A positive lag with a
/// higher correlation than at lag 0 means moves in `a` come first ("a leads b").
#[derive(Debug, Clone, PartialEq)]
pub struct LeadLag {
    pub a: usize,
    pub b: usize,
    pub lag: i32,
    pub r: f64,
    /// Correlation at lag 0 over the same rule, for comparison.
    pub r0: Option<f64>,
    pub periods: usize,
}

/// Periods in which two dyads' 95 % intervals of tension do not overlap.
#[derive(Debug, Clone, PartialEq)]
pub struct Divergence {
    pub a: usize,
    pub b: usize,
    /// (period, tension of a − tension of b).
    pub periods: Vec<(NaiveDate, f64)>,
}

#[derive(Debug, Clone)]
pub struct Comparison {
    pub every: Every,
    pub periods: Vec<NaiveDate>,
    pub pairs: Vec<PairSpec>,
    pub labels: Vec<String>,
    /// `series[i][k]`: pair i in period k.
    pub series: Vec<Vec<SeriesRow>>,
    pub summaries: Vec<PairSummary>,
    pub correlations: Vec<Correlation>,
    pub lead_lags: Vec<LeadLag>,
    pub divergences: Vec<Divergence>,
}

/// Lags tried by [`lead_lag`]: up to this many periods either way.
pub const MAX_LAG: i32 = 3;
/// A lagged correlation needs at least this many common periods.
pub const MIN_PERIODS_FOR_LAG: usize = 6;

/// Tension series `a` and `b` (one value per period, `None` without statements): the lag in
/// −MAX_LAG..=MAX_LAG with the highest correlation of a(t) with b(t + lag).
pub fn lead_lag(a: &[Option<f64>], b: &[Option<f64>]) -> Option<(i32, f64, usize)> {
    let mut best: Option<(i32, f64, usize)> = None;
    for lag in -MAX_LAG..=MAX_LAG {
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for t in 0..a.len() as i32 {
            let u = t + lag;
            if u < 0 || u >= b.len() as i32 {
                continue;
            }
            if let (Some(p), Some(q)) = (a[t as usize], b[u as usize]) {
                x.push(p);
                y.push(q);
            }
        }
        if x.len() < MIN_PERIODS_FOR_LAG {
            continue;
        }
        if let Some(r) = pearson(&x, &y) {
            // Ties go to the smaller |lag|: a lead must earn its place.
            let better = match best {
                None => true,
                Some((bl, br, _)) => r > br + 1e-12 || ((r - br).abs() <= 1e-12 && lag.abs() < bl.abs()),
            };
            if better {
                best = Some((lag, r, x.len()));
            }
        }
    }
    best
}

/// Periods where both dyads have a 95 % interval and the intervals (in tension points) do not overlap.
pub fn divergent_periods(a: &[SeriesRow], b: &[SeriesRow]) -> Vec<(NaiveDate, f64)> {
    let band = |r: &SeriesRow| r.ci.map(|(lo, hi)| (crate::series::tension_of(hi), crate::series::tension_of(lo)));
    a.iter()
        .zip(b)
        .filter_map(|(ra, rb)| {
            let ((alo, ahi), (blo, bhi)) = (band(ra)?, band(rb)?);
            let gap = ra.tension? - rb.tension?;
            (ahi < blo || bhi < alo).then_some((ra.period, gap))
        })
        .collect()
}

/// Fewer common periods than this give no correlation (it would mean nothing).
pub const MIN_PERIODS_FOR_CORRELATION: usize = 3;

pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    if x.len() < 2 {
        return None;
    }
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Least-squares slope of y over x.
pub fn slope(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    if x.len() < 2 {
        return None;
    }
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// Compares `opts.pairs` aggregated as `opts` says (smoothing is ignored; spikes are flagged
/// when `opts.spikes` is set).
pub fn compare(scored: &DataFrame, opts: &SeriesOptions) -> Result<Comparison> {
    let opts = comparison_options(opts);
    from_rows(compute(scored, &opts)?, &opts)
}

/// What a comparison aggregates with: `opts` with its pairs as the series names them
/// (alphabetical with `undirected`) and no smoothing.
pub fn comparison_options(opts: &SeriesOptions) -> SeriesOptions {
    let pairs: Vec<PairSpec> = opts.pairs.iter().map(|p| if opts.undirected { p.sorted() } else { p.clone() }).collect();
    SeriesOptions { pairs, smooth: None, ..opts.clone() }
}

/// The comparison of `opts.pairs` from their series `rows`, aggregated with `opts` (from
/// [`comparison_options`]; rows of other dyads are ignored).
pub fn from_rows(rows: Vec<SeriesRow>, opts: &SeriesOptions) -> Result<Comparison> {
    let pairs = opts.pairs.clone();
    let mut periods: Vec<NaiveDate> = rows.iter().map(|r| r.period).collect();
    periods.sort();
    periods.dedup();
    let series: Vec<Vec<SeriesRow>> = pairs
        .iter()
        .map(|p| rows.iter().filter(|r| r.source == p.source && r.target == p.target).cloned().collect())
        .collect();
    let labels: Vec<String> = pairs.iter().map(|p| p.label(!opts.undirected)).collect();

    let summaries = series
        .iter()
        .zip(&labels)
        .map(|(s, label)| {
            let statements: i64 = s.iter().map(|r| r.statements).sum();
            let with: Vec<(f64, &SeriesRow)> =
                s.iter().enumerate().filter(|(_, r)| r.statements > 0).map(|(k, r)| (k as f64, r)).collect();
            let weighted: f64 = with.iter().map(|(_, r)| r.mean_stance.unwrap_or(0.0) * r.statements as f64).sum();
            let xs: Vec<f64> = with.iter().map(|(k, _)| *k).collect();
            let ys: Vec<f64> = with.iter().map(|(_, r)| r.tension.unwrap_or(50.0)).collect();
            PairSummary {
                label: label.clone(),
                statements,
                periods_with_data: with.len(),
                level: (statements > 0).then(|| crate::series::tension_of(weighted / statements as f64)),
                trend: slope(&xs, &ys),
            }
        })
        .collect();

    let (mut correlations, mut lead_lags, mut divergences) = (Vec::new(), Vec::new(), Vec::new());
    for a in 0..series.len() {
        for b in a + 1..series.len() {
            let (mut x, mut y) = (Vec::new(), Vec::new());
            for (ra, rb) in series[a].iter().zip(&series[b]) {
                if let (Some(ta), Some(tb)) = (ra.tension, rb.tension) {
                    x.push(ta);
                    y.push(tb);
                }
            }
            let r = if x.len() >= MIN_PERIODS_FOR_CORRELATION { pearson(&x, &y) } else { None };
            correlations.push(Correlation { a, b, r, periods: x.len() });
            let ta: Vec<Option<f64>> = series[a].iter().map(|r| r.tension).collect();
            let tb: Vec<Option<f64>> = series[b].iter().map(|r| r.tension).collect();
            if let Some((lag, r, periods)) = lead_lag(&ta, &tb) {
                let r0 = lead_lag_at(&ta, &tb, 0);
                lead_lags.push(LeadLag { a, b, lag, r, r0, periods });
            }
            let d = divergent_periods(&series[a], &series[b]);
            if !d.is_empty() {
                divergences.push(Divergence { a, b, periods: d });
            }
        }
    }
    Ok(Comparison { every: opts.every, periods, pairs, labels, series, summaries, correlations, lead_lags, divergences })
}

fn lead_lag_at(a: &[Option<f64>], b: &[Option<f64>], lag: i32) -> Option<f64> {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for t in 0..a.len() as i32 {
        let u = t + lag;
        if (0..b.len() as i32).contains(&u) {
            if let (Some(p), Some(q)) = (a[t as usize], b[u as usize]) {
                x.push(p);
                y.push(q);
            }
        }
    }
    (x.len() >= MIN_PERIODS_FOR_LAG).then(|| pearson(&x, &y)).flatten()
}

fn fmt_opt(x: Option<f64>, width: usize, prec: usize) -> String {
    match x {
        Some(v) => format!("{v:>width$.prec$}"),
        None => format!("{:>width$}", "–"),
    }
}

/// The side-by-side table and summary printed by `dyad compare`.
pub fn render_text(c: &Comparison, gazetteer: &Gazetteer) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "tension (0 = cooperative … 100 = hostile), statements in brackets");
    let _ = write!(s, "{:<12}", "period");
    for l in &c.labels {
        let _ = write!(s, "{:>18}", l);
    }
    s.push('\n');
    for (k, p) in c.periods.iter().enumerate() {
        let _ = write!(s, "{:<12}", p.to_string());
        for ser in &c.series {
            let r = &ser[k];
            let cell = match r.tension {
                Some(t) => format!("{t:.1} ({})", r.statements),
                None => "– (0)".to_string(),
            };
            let _ = write!(s, "{:>18}", cell);
        }
        s.push('\n');
    }
    let _ = writeln!(s, "\nsummary");
    for (sum, p) in c.summaries.iter().zip(&c.pairs) {
        let names = format!(
            "{} / {}",
            gazetteer.name_of(&p.source).unwrap_or(&p.source),
            gazetteer.name_of(&p.target).unwrap_or(&p.target)
        );
        let _ = writeln!(
            s,
            "  {:<10} {:<32} level {}  trend {} per period  ({} statements in {} of {} periods)",
            sum.label,
            names,
            fmt_opt(sum.level, 5, 1),
            fmt_opt(sum.trend, 6, 2),
            sum.statements,
            sum.periods_with_data,
            c.periods.len()
        );
    }
    // Asymmetry: how differently each side of a dyad speaks of the other.
    for (i, p) in c.pairs.iter().enumerate() {
        if let Some(j) = c.pairs.iter().position(|q| q.source == p.target && q.target == p.source) {
            if i < j {
                if let (Some(a), Some(b)) = (c.summaries[i].level, c.summaries[j].level) {
                    let _ = writeln!(s, "  asymmetry {} minus {}: {:+.1} tension points", c.labels[i], c.labels[j], a - b);
                }
            }
        }
    }
    for corr in &c.correlations {
        let _ = writeln!(
            s,
            "  correlation {} vs {}: {} over {} common periods{}",
            c.labels[corr.a],
            c.labels[corr.b],
            fmt_opt(corr.r, 5, 2),
            corr.periods,
            if corr.r.is_none() { format!(" (needs ≥ {MIN_PERIODS_FOR_CORRELATION} with variation)") } else { String::new() }
        );
    }
    for corr in &c.correlations {
        if !c.lead_lags.iter().any(|ll| ll.a == corr.a && ll.b == corr.b) {
            let _ = writeln!(
                s,
                "  lead/lag {} vs {}: – (needs ≥ {MIN_PERIODS_FOR_LAG} common periods at some lag within ±{MAX_LAG}, with variation)",
                c.labels[corr.a], c.labels[corr.b]
            );
        }
    }
    for ll in &c.lead_lags {
        let (a, b) = (&c.labels[ll.a], &c.labels[ll.b]);
        let what = match ll.lag {
            0 => format!("no lead: best at lag 0 (r {:.2})", ll.r),
            k if k > 0 => format!("{a} leads {b} by {k} period(s): r {:.2} (lag 0: {})", ll.r, fmt_opt(ll.r0, 0, 2)),
            k => format!("{b} leads {a} by {} period(s): r {:.2} (lag 0: {})", -k, ll.r, fmt_opt(ll.r0, 0, 2)),
        };
        let _ = writeln!(s, "  lead/lag {a} vs {b}: {what}, lags ±{MAX_LAG}, ≥ {MIN_PERIODS_FOR_LAG} common periods");
    }
    for d in &c.divergences {
        let list: Vec<String> = d.periods.iter().map(|(p, gap)| format!("{p} ({gap:+.1})")).collect();
        let _ = writeln!(
            s,
            "  diverging {} vs {} (95 % intervals apart) in {} period(s): {}",
            c.labels[d.a],
            c.labels[d.b],
            d.periods.len(),
            list.join(", ")
        );
    }
    let spikes: Vec<String> = c
        .series
        .iter()
        .zip(&c.labels)
        .flat_map(|(ser, l)| ser.iter().filter(|r| r.spike).map(move |r| format!("{l} {}", r.period)))
        .collect();
    if !spikes.is_empty() {
        let _ = writeln!(s, "  spikes: {}", spikes.join(", "));
    }
    s
}

/// The comparison as a wide table: `period`, then `<pair>_tension` and `<pair>_statements` per pair.
pub fn wide_frame(c: &Comparison) -> Result<DataFrame> {
    use crate::schema::compare_wide as w;
    let mut cols = vec![Column::new(w::PERIOD.into(), c.periods.iter().map(|p| to_epoch_days(*p)).collect::<Vec<i32>>())
        .cast(&DataType::Date)?];
    for (p, ser) in c.pairs.iter().zip(&c.series) {
        let name = |suffix: &str| w::column(&p.source, &p.target, suffix).into();
        cols.push(Column::new(name(w::TENSION), ser.iter().map(|r| r.tension).collect::<Vec<_>>()));
        cols.push(Column::new(name(w::STATEMENTS), ser.iter().map(|r| r.statements).collect::<Vec<_>>()));
        cols.push(Column::new(name(w::CI_LOW), ser.iter().map(|r| r.ci.map(|c| crate::series::tension_of(c.1))).collect::<Vec<_>>()));
        cols.push(Column::new(name(w::CI_HIGH), ser.iter().map(|r| r.ci.map(|c| crate::series::tension_of(c.0))).collect::<Vec<_>>()));
        cols.push(Column::new(name(w::SPIKE), ser.iter().map(|r| r.spike).collect::<Vec<_>>()));
    }
    Ok(DataFrame::new_infer_height(cols)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::row;

    #[test]
    fn statistics() {
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
        assert_eq!(pearson(&[1.0, 2.0], &[5.0, 5.0]), None);
        assert!((slope(&[0.0, 1.0, 2.0], &[10.0, 20.0, 30.0]).unwrap() - 10.0).abs() < 1e-12);
    }

    #[test]
    fn two_pairs_side_by_side() {
        let scored = crate::store::rows_to_frame(&[
            row("a", "2025-01-10", "IRN", "AZE", 1.0),  // tension 0
            row("b", "2025-02-10", "IRN", "AZE", 0.0),  // 50
            row("c", "2025-03-10", "IRN", "AZE", -1.0), // 100
            row("c", "2025-03-10", "IRN", "AZE", -1.0), // 100
            row("d", "2025-01-11", "ARM", "AZE", 0.6),  // 20
            row("e", "2025-02-11", "ARM", "AZE", 0.2),  // 40
            row("f", "2025-03-11", "ARM", "AZE", -0.2), // 60
        ])
        .unwrap();
        let pairs = vec![PairSpec { source: "IRN".into(), target: "AZE".into() }, PairSpec { source: "ARM".into(), target: "AZE".into() }];
        let c = compare(&scored, &SeriesOptions { pairs, ..crate::series::tests::opts(Every::Month, false, &[]) }).unwrap();
        assert_eq!(c.periods.len(), 3);
        // IRN→AZE pooled mean stance = (1 + 0 − 1 − 1) / 4 = −0.25 → tension 62.5
        assert!((c.summaries[0].level.unwrap() - 62.5).abs() < 1e-9);
        assert!((c.summaries[0].trend.unwrap() - 50.0).abs() < 1e-9);
        assert!((c.summaries[1].trend.unwrap() - 20.0).abs() < 1e-9);
        assert!((c.correlations[0].r.unwrap() - 1.0).abs() < 1e-9);
        let text = render_text(&c, Gazetteer::builtin());
        assert!(text.contains("IRN→AZE") && text.contains("Armenia / Azerbaijan"), "{text}");
        let wide = wide_frame(&c).unwrap();
        assert_eq!(wide.get_column_names().len(), 11);
        // Three periods are too few for a lagged correlation, and the table says so.
        assert!(c.lead_lags.is_empty());
        assert!(text.contains("lead/lag IRN→AZE vs ARM→AZE: – (needs ≥ 6"), "{text}");
    }

    #[test]
    fn lead_lag_finds_the_shift() {
        // b repeats a two periods later.
        let a: Vec<Option<f64>> = [10.0, 40.0, 20.0, 80.0, 30.0, 60.0, 50.0, 90.0, 20.0, 70.0].iter().map(|v| Some(*v)).collect();
        let mut b: Vec<Option<f64>> = vec![Some(55.0), Some(45.0)];
        b.extend(a[..8].iter().copied());
        let (lag, r, n) = lead_lag(&a, &b).unwrap();
        assert_eq!(lag, 2);
        assert!((r - 1.0).abs() < 1e-9);
        assert_eq!(n, 8);
        // The other way round, b lags: a(t) against b(t − 2) is the same relation.
        assert_eq!(lead_lag(&b, &a).unwrap().0, -2);
        // Gaps are skipped, not filled.
        let mut gappy = a.clone();
        gappy[3] = None;
        assert!(lead_lag(&gappy, &b).unwrap().2 < 8);
    }

    #[test]
    fn divergence_needs_separate_intervals() {
        let d = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let mk = |m: f64, half: f64| SeriesRow { mean_stance: Some(m), tension: Some(crate::series::tension_of(m)), ci: Some((m - half, m + half)), statements: 10, ..SeriesRow::empty(d, "A", "B") };
        // stance 0.6 ± 0.1 → tension 15..25; −0.2 ± 0.1 → 55..65: apart.
        let apart = divergent_periods(&[mk(0.6, 0.1)], &[mk(-0.2, 0.1)]);
        assert_eq!(apart.len(), 1);
        assert!((apart[0].1 + 40.0).abs() < 1e-9);
        // Overlapping intervals: not a divergence, however far apart the means.
        assert!(divergent_periods(&[mk(0.6, 0.5)], &[mk(-0.2, 0.5)]).is_empty());
        // No interval (fewer than two statements): no claim.
        assert!(divergent_periods(&[SeriesRow { ci: None, ..mk(0.6, 0.1) }], &[mk(-0.2, 0.1)]).is_empty());
    }
}
