//! `dyad top`: the dyads whose tension moved most between two date windows.
use crate::aggregate::{select, Filter};
use crate::dates::{parse_date, to_epoch_days};
use crate::schema::{scored as col, top as out};
use crate::series::tension_of;
use std::collections::HashMap;
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

/// Dyads with at least `min_statements` in both windows, largest absolute change first. The
/// rows that count are chosen by `filter`, the same step as `series` and `compare` take
/// ([`crate::aggregate`]); each window pools its statements (statement-weighted mean stance).
pub fn top_movers(scored: &DataFrame, before: Window, after: Window, min_statements: i64, filter: &Filter) -> Result<Vec<Mover>> {
    let sel = select(scored, filter)?;
    let days = crate::aggregate::days(scored)?;
    let stance: Vec<f64> = scored.column(col::STANCE)?.cast(&DataType::Float64)?.f64()?.iter().map(|v| v.unwrap_or(0.0)).collect();
    let windows = [before, after].map(|w| (to_epoch_days(w.from), to_epoch_days(w.to)));
    // (dyad) → [(Σ stance, n) before, after]
    let mut sums: HashMap<(&str, &str), [(f64, i64); 2]> = HashMap::new();
    for k in 0..days.len() {
        if !sel.keep[k] {
            continue;
        }
        for (side, (lo, hi)) in windows.iter().enumerate() {
            if (*lo..=*hi).contains(&days[k]) {
                let e = &mut sums.entry((sel.source[k], sel.target[k])).or_default()[side];
                e.0 += stance[k];
                e.1 += 1;
            }
        }
    }
    let mut movers: Vec<Mover> = sums
        .into_iter()
        .filter(|(_, [b, a])| b.1 >= min_statements.max(1) && a.1 >= min_statements.max(1))
        .map(|((s, t), [b, a])| {
            let (tb, ta) = (tension_of(b.0 / b.1 as f64), tension_of(a.0 / a.1 as f64));
            Mover {
                source: s.to_string(),
                target: t.to_string(),
                statements_before: b.1,
                statements_after: a.1,
                tension_before: tb,
                tension_after: ta,
                change: ta - tb,
            }
        })
        .collect();
    rank(&mut movers);
    Ok(movers)
}

/// Largest absolute change first; ties by dyad, so the order never depends on hashing.
fn rank(movers: &mut [Mover]) {
    movers.sort_by(|x, y| y.change.abs().total_cmp(&x.change.abs()).then_with(|| (&x.source, &x.target).cmp(&(&y.source, &y.target))));
}

/// [`top_movers`] of the scored input at `path` (a file, dataset directory or glob), read in
/// pieces of whole dyads when it has more than `piece_rows` rows ([`crate::partition`]): each
/// dyad's windows are summed within its piece, so the movers of the pieces together are those
/// of the whole.
pub fn movers_of_path(
    path: &std::path::Path,
    before: Window,
    after: Window,
    min_statements: i64,
    filter: &Filter,
    piece_rows: usize,
) -> Result<MoversOfPath> {
    let columns = crate::partition::with_dedup_source(path, filter.columns(), filter.dedup)?;
    let (mut movers, mut from_text) = (Vec::new(), false);
    let pieces = crate::partition::for_each_piece(path, &columns, filter.undirected, piece_rows, |piece| {
        from_text |= filter.dedup && !crate::store::has_dedup_keys(&piece);
        movers.extend(top_movers(&piece, before, after, min_statements, filter)?);
        Ok(())
    })?;
    rank(&mut movers);
    Ok(MoversOfPath { movers, from_text, pieces })
}

/// What [`movers_of_path`] found, and how it read the input.
#[derive(Debug, Clone)]
pub struct MoversOfPath {
    pub movers: Vec<Mover>,
    /// Dedup read the sentence text (the input has no dedup key columns), which is slower.
    pub from_text: bool,
    pub pieces: crate::partition::Pieces,
}

pub fn movers_frame(movers: &[Mover]) -> Result<DataFrame> {
    let r = |x: f64| (x * 100.0).round() / 100.0;
    let df = DataFrame::new_infer_height(vec![
        Column::new(out::SOURCE.into(), movers.iter().map(|m| m.source.as_str()).collect::<Vec<_>>()),
        Column::new(out::TARGET.into(), movers.iter().map(|m| m.target.as_str()).collect::<Vec<_>>()),
        Column::new(out::STATEMENTS_BEFORE.into(), movers.iter().map(|m| m.statements_before).collect::<Vec<_>>()),
        Column::new(out::STATEMENTS_AFTER.into(), movers.iter().map(|m| m.statements_after).collect::<Vec<_>>()),
        Column::new(out::TENSION_BEFORE.into(), movers.iter().map(|m| r(m.tension_before)).collect::<Vec<_>>()),
        Column::new(out::TENSION_AFTER.into(), movers.iter().map(|m| r(m.tension_after)).collect::<Vec<_>>()),
        Column::new(out::CHANGE.into(), movers.iter().map(|m| r(m.change)).collect::<Vec<_>>()),
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
        let scored = crate::store::rows_to_frame(&[
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
        let m = top_movers(&scored, before, after, 2, &Filter::default()).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].source.as_str(), m[0].change), ("IRN", 50.0));
        assert_eq!((m[0].statements_before, m[0].statements_after), (2, 2));
        assert!((m[1].change + 10.0).abs() < 1e-9);
        assert!(top_movers(&scored, before, after, 3, &Filter::default()).unwrap().is_empty(), "min statements applies to both windows");
        assert!("2025-02-01..2025-01-01".parse::<Window>().is_err());
        assert!(check_windows(before, "2025-01-15..2025-02-15".parse().unwrap()).is_err());
    }

    /// `top` counts what `series` counts: the same filter (dedup, undirected, primary) on the
    /// same file gives the same statements and pooled tension per window.
    #[test]
    fn top_and_series_share_the_aggregation_path() {
        use crate::dates::Every;
        use crate::series::{compute, SeriesOptions};
        let said = |text: &str, a: &str, d: &str, s: &str, t: &str, x: f64| crate::store::ScoredRow { sentence: text.into(), ..row(a, d, s, t, x) };
        let warned = "Iran warned Azerbaijan over the corridor.";
        let scored = crate::store::rows_to_frame(&[
            said(warned, "a", "2025-01-05", "IRN", "AZE", -0.8),
            said(warned, "a", "2025-01-05", "AZE", "IRN", 0.1), // the receiving side of the same sentence
            said(warned, "b", "2025-01-06", "IRN", "AZE", -0.8), // a republished copy of it
            said("Azerbaijan praised Iran.", "c", "2025-03-05", "AZE", "IRN", 0.6),
            said("Iran and Azerbaijan met.", "d", "2025-03-09", "IRN", "AZE", 0.2),
        ])
        .unwrap();
        let filter = Filter { undirected: true, dedup: true, ..Filter::default() };
        let (before, after): (Window, Window) = ("2025-01-01..2025-01-31".parse().unwrap(), "2025-03-01..2025-03-31".parse().unwrap());
        let m = top_movers(&scored, before, after, 1, &filter).unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].source.as_str(), m[0].target.as_str()), ("AZE", "IRN"));
        let o = SeriesOptions { dedup: true, ..crate::series::tests::opts(Every::Month, true, &[]) };
        let series = compute(&scored, &o).unwrap();
        let (jan, mar) = (&series[0], &series[2]);
        assert_eq!((m[0].statements_before, m[0].statements_after), (jan.statements, mar.statements));
        assert_eq!((jan.statements, mar.statements), (1, 2), "one sentence in January after dedup and the undirected merge");
        assert!((m[0].tension_before - jan.tension.unwrap()).abs() < 1e-9);
        assert!((m[0].tension_after - mar.tension.unwrap()).abs() < 1e-9);
    }
}
