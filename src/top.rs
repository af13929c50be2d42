//! `dyad top`: the dyads whose tension moved most between two date windows.
use crate::dates::{parse_date, to_epoch_days};
use crate::series::tension_of;
use anyhow::{bail, Result};
use chrono::NaiveDate;
use polars::prelude::*;

/// An inclusive date window, written `FROM..TO` (`2018-01-01..2018-06-30`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl std::str::FromStr for Window {
    type Err = String;
    fn from_str(s: &str) -> Result<Window, String> {
        let (a, b) = s.split_once("..").ok_or(format!("window {s:?}: expected FROM..TO, e.g. 2018-01-01..2018-06-30"))?;
        let (from, to) = (parse_date(a).ok_or(format!("bad date {a:?}"))?, parse_date(b).ok_or(format!("bad date {b:?}"))?);
        if to < from {
            return Err(format!("window {s:?} ends before it starts"));
        }
        Ok(Window { from, to })
    }
}

/// One dyad's move between the windows.
#[derive(Debug, Clone, PartialEq)]
pub struct Mover {
    pub source: String,
    pub target: String,
    pub statements_before: i64,
    pub statements_after: i64,
    pub tension_before: f64,
    pub tension_after: f64,
    /// tension_after − tension_before (points on the 0–100 scale).
    pub change: f64,
}

/// Pooled mean stance, statements per directed dyad, for rows dated inside `w`.
fn window_means(scored: &DataFrame, w: Window) -> Result<DataFrame> {
    let (lo, hi) = (to_epoch_days(w.from), to_epoch_days(w.to));
    Ok(scored
        .clone()
        .lazy()
        .with_column(col("date").cast(DataType::Int32).alias("day"))
        .filter(col("day").gt_eq(lit(lo)).and(col("day").lt_eq(lit(hi))))
        .group_by([col("source"), col("target")])
        .agg([col("stance").cast(DataType::Float64).mean().alias("mean_stance"), len().cast(DataType::Int64).alias("n")])
        .collect()?)
}

/// Dyads with at least `min_statements` in both windows, largest absolute change first.
pub fn top_movers(scored: &DataFrame, before: Window, after: Window, min_statements: i64) -> Result<Vec<Mover>> {
    let read = |df: &DataFrame| -> Result<std::collections::HashMap<(String, String), (f64, i64)>> {
        let s = df.column("source")?.str()?.clone();
        let t = df.column("target")?.str()?.clone();
        let m = df.column("mean_stance")?.f64()?.clone();
        let n = df.column("n")?.i64()?.clone();
        let mut out = std::collections::HashMap::new();
        for k in 0..df.height() {
            if let (Some(s), Some(t), Some(m), Some(n)) = (s.get(k), t.get(k), m.get(k), n.get(k)) {
                out.insert((s.to_string(), t.to_string()), (m, n));
            }
        }
        Ok(out)
    };
    let (b, a) = (read(&window_means(scored, before)?)?, read(&window_means(scored, after)?)?);
    let mut movers: Vec<Mover> = b
        .iter()
        .filter_map(|(k, &(mb, nb))| {
            let &(ma, na) = a.get(k)?;
            (nb >= min_statements && na >= min_statements).then(|| Mover {
                source: k.0.clone(),
                target: k.1.clone(),
                statements_before: nb,
                statements_after: na,
                tension_before: tension_of(mb),
                tension_after: tension_of(ma),
                change: tension_of(ma) - tension_of(mb),
            })
        })
        .collect();
    movers.sort_by(|x, y| y.change.abs().total_cmp(&x.change.abs()).then_with(|| (&x.source, &x.target).cmp(&(&y.source, &y.target))));
    Ok(movers)
}

pub fn to_frame(movers: &[Mover]) -> Result<DataFrame> {
    let r = |x: f64| (x * 100.0).round() / 100.0;
    let df = DataFrame::new_infer_height(vec![
        Column::new("source".into(), movers.iter().map(|m| m.source.as_str()).collect::<Vec<_>>()),
        Column::new("target".into(), movers.iter().map(|m| m.target.as_str()).collect::<Vec<_>>()),
        Column::new("statements_before".into(), movers.iter().map(|m| m.statements_before).collect::<Vec<_>>()),
        Column::new("statements_after".into(), movers.iter().map(|m| m.statements_after).collect::<Vec<_>>()),
        Column::new("tension_before".into(), movers.iter().map(|m| r(m.tension_before)).collect::<Vec<_>>()),
        Column::new("tension_after".into(), movers.iter().map(|m| r(m.tension_after)).collect::<Vec<_>>()),
        Column::new("change".into(), movers.iter().map(|m| r(m.change)).collect::<Vec<_>>()),
    ]);
    anyhow::Context::context(df, "building the top-movers table")
}

pub fn check_windows(before: Window, after: Window) -> Result<()> {
    if before.to >= after.from && after.to >= before.from {
        bail!("the --from and --to windows overlap; a statement would count on both sides");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::row;

    #[test]
    fn biggest_moves_first_with_counts() {
        let scored = crate::store::to_frame(&[
            row("a", "2025-01-05", "IRN", "AZE", 0.5),  // before: tension 25
            row("b", "2025-01-06", "IRN", "AZE", 0.5),
            row("c", "2025-03-05", "IRN", "AZE", -0.5), // after: 75
            row("d", "2025-03-06", "IRN", "AZE", -0.5),
            row("e", "2025-01-05", "ARM", "AZE", 0.0),  // before 50
            row("f", "2025-01-07", "ARM", "AZE", 0.0),
            row("g", "2025-03-05", "ARM", "AZE", 0.2),  // after 40
            row("h", "2025-03-07", "ARM", "AZE", 0.2),
            row("i", "2025-03-07", "TUR", "SYR", -1.0), // only after: left out
        ])
        .unwrap();
        let before: Window = "2025-01-01..2025-01-31".parse().unwrap();
        let after: Window = "2025-03-01..2025-03-31".parse().unwrap();
        check_windows(before, after).unwrap();
        let m = top_movers(&scored, before, after, 2).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].source.as_str(), m[0].change), ("IRN", 50.0));
        assert_eq!((m[0].statements_before, m[0].statements_after), (2, 2));
        assert!((m[1].change + 10.0).abs() < 1e-9);
        assert!(top_movers(&scored, before, after, 3).unwrap().is_empty(), "min statements applies to both windows");
        assert!("2025-02-01..2025-01-01".parse::<Window>().is_err());
        assert!(check_windows(before, "2025-01-15..2025-02-15".parse().unwrap()).is_err());
    }
}
