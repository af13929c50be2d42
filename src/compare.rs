//! Stage 8: several dyads side by side — level, trend, correlation — for `dyad compare`.
use crate::actors::Gazetteer;
use crate::dates::{to_epoch_days, Every};
use crate::pairs::PairSpec;
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

/// Compares `opts.pairs` aggregated as `opts` says (smoothing and spikes are ignored).
pub fn compare(scored: &DataFrame, opts: &SeriesOptions) -> Result<Comparison> {
    let pairs: Vec<PairSpec> = opts.pairs.iter().map(|p| if opts.undirected { p.sorted() } else { p.clone() }).collect();
    let rows = compute(scored, &SeriesOptions { pairs: pairs.clone(), smooth: None, spikes: None, ..opts.clone() })?;
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

    let mut correlations = Vec::new();
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
        }
    }
    Ok(Comparison { every: opts.every, periods, pairs, labels, series, summaries, correlations })
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
    s
}

/// The comparison as a wide table: `period`, then `<pair>_tension` and `<pair>_statements` per pair.
pub fn wide_frame(c: &Comparison) -> Result<DataFrame> {
    let mut cols = vec![Column::new("period".into(), c.periods.iter().map(|p| to_epoch_days(*p)).collect::<Vec<i32>>())
        .cast(&DataType::Date)?];
    for (p, ser) in c.pairs.iter().zip(&c.series) {
        let key = format!("{}_{}", p.source, p.target);
        cols.push(Column::new(format!("{key}_tension").into(), ser.iter().map(|r| r.tension).collect::<Vec<_>>()));
        cols.push(Column::new(format!("{key}_statements").into(), ser.iter().map(|r| r.statements).collect::<Vec<_>>()));
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
        let scored = crate::store::to_frame(&[
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
        let c = compare(&scored, &SeriesOptions { every: Every::Month, pairs, undirected: false, per_article: false, dedup: false, exclude_neutral: false, smooth: None, spikes: None }).unwrap();
        assert_eq!(c.periods.len(), 3);
        // IRN→AZE pooled mean stance = (1 + 0 − 1 − 1) / 4 = −0.25 → tension 62.5
        assert!((c.summaries[0].level.unwrap() - 62.5).abs() < 1e-9);
        assert!((c.summaries[0].trend.unwrap() - 50.0).abs() < 1e-9);
        assert!((c.summaries[1].trend.unwrap() - 20.0).abs() < 1e-9);
        assert!((c.correlations[0].r.unwrap() - 1.0).abs() < 1e-9);
        let text = render_text(&c, Gazetteer::builtin());
        assert!(text.contains("IRN→AZE") && text.contains("Armenia / Azerbaijan"), "{text}");
        let wide = wide_frame(&c).unwrap();
        assert_eq!(wide.get_column_names().len(), 5);
    }
}
