//! `dyad report`: one self-contained HTML page over a scored file — an overview of the dyads,
//! their tension series with 95 % intervals and spikes, the directed asymmetry A→B vs B→A, the
//! top movers between two windows, and for every period the statements behind its number.
//!
//! The numbers come from the one aggregation path ([`crate::aggregate::select`] then
//! [`crate::series::compute_selected`]): the drill-down lists exactly the rows that the selection
//! kept for that dyad and period, so a period's statement list has as many rows as `dyad series`
//! reports for it (up to `max_statements_per_period`, beyond which the page says how many more
//! there are).
//!
//! The page is offline: uPlot (MIT, `assets/uplot/`) and the page's own script and styles are
//! inlined, and the data is one compact JSON payload — aggregated series, and for the embedded
//! dyads their statements in columns with each sentence stored once.
use crate::actors::Gazetteer;
use crate::aggregate::{select, strs};
use crate::compare::slope;
use crate::dates::{from_epoch_days, to_epoch_days, Every};
use crate::pair_spec::PairSpec;
use crate::schema::scored as col;
use crate::series::{compute_selected, row_periods, SeriesOptions, SeriesRow};
use crate::top::{top_movers, Window};
use anyhow::Result;
use polars::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

const UPLOT_JS: &str = include_str!("../assets/uplot/uPlot.iife.min.js");
const UPLOT_CSS: &str = include_str!("../assets/uplot/uPlot.min.css");
const PAGE: &str = include_str!("../assets/report/report.html");
const PAGE_JS: &str = include_str!("../assets/report/report.js");
const PAGE_CSS: &str = include_str!("../assets/report/report.css");

/// Title and URL of an article, from the input archive (`dyad report --articles`).
#[derive(Debug, Clone, Default)]
pub struct ArticleInfo {
    pub title: Option<String>,
    pub url: Option<String>,
}

/// What the report shows and how it was made.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The aggregation, as `dyad series` takes it (spikes are flagged at `spikes`, default 2).
    pub series: SeriesOptions,
    /// Dyads drawn when the page opens (the most-reported `default_shown` when empty).
    pub show: Vec<PairSpec>,
    /// Windows of the top-movers table.
    pub movers: Option<(Window, Window)>,
    /// Dyads with fewer statements in either window are not top movers.
    pub min_statements: i64,
    /// Dyads whose series and statements are embedded (the most reported; `show` always are).
    pub max_dyads: usize,
    /// Statements listed per dyad-period in the drill-down; the rest are counted.
    pub max_statements_per_period: usize,
    pub articles: HashMap<String, ArticleInfo>,
    /// The scored file's name and the command line, for the footer.
    pub scored_name: String,
    pub command: String,
}

pub const DEFAULT_SHOWN: usize = 3;

/// The report's figures, before they become a page (tests read these).
#[derive(Debug, Serialize)]
pub struct Payload {
    pub meta: Meta,
    /// First day of each period of the archive's span, and its label on the axis.
    pub periods: Vec<String>,
    pub period_labels: Vec<String>,
    /// Every dyad, most statements first.
    pub dyads: Vec<DyadSummary>,
    /// Keys of the dyads drawn when the page opens.
    pub shown: Vec<String>,
    pub movers: Vec<MoverRow>,
    pub articles: Vec<ArticleRow>,
    pub sentences: Vec<String>,
    pub statements: StatementColumns,
}

#[derive(Debug, Serialize)]
pub struct Meta {
    pub scored: String,
    pub command: String,
    pub models: Vec<String>,
    pub every: String,
    pub undirected: bool,
    /// Scored rows in the file, rows counted after the filters and dedup, republished rows left out.
    pub rows: usize,
    pub counted: usize,
    pub republished: usize,
    pub filters: Vec<String>,
    pub movers_windows: Option<[String; 4]>,
    pub min_statements: i64,
    pub max_statements_per_period: usize,
    pub periods_per_year: f64,
}

#[derive(Debug, Serialize)]
pub struct DyadSummary {
    /// `USA-RUS`.
    pub key: String,
    pub source: String,
    pub target: String,
    pub source_name: String,
    pub target_name: String,
    pub statements: i64,
    pub articles: i64,
    /// Mean tension over the span, each period weighted by its statements.
    pub level: Option<f64>,
    /// Least-squares slope of tension over the periods with statements, in points per year.
    pub trend: Option<f64>,
    /// Level of the span's second half minus its first half.
    pub change: Option<f64>,
    /// Series and statements are in the page (the most-reported dyads and the asked-for ones).
    pub series: Option<SeriesData>,
    /// A→B and B→A, directed, for the asymmetry chart (embedded dyads only).
    pub forward: Option<SeriesData>,
    pub backward: Option<SeriesData>,
}

/// A sparse series: only the periods with statements (the page draws the others as gaps).
#[derive(Debug, Serialize, Default, Clone, PartialEq)]
pub struct SeriesData {
    /// Period indexes into [`Payload::periods`].
    pub p: Vec<u32>,
    pub n: Vec<i64>,
    pub tension: Vec<f64>,
    /// 95 % interval of tension (none with fewer than two units).
    pub lo: Vec<Option<f64>>,
    pub hi: Vec<Option<f64>>,
    pub spike: Vec<bool>,
}

#[derive(Debug, Serialize)]
pub struct MoverRow {
    pub key: String,
    pub names: String,
    pub before: f64,
    pub after: f64,
    pub change: f64,
    pub n_before: i64,
    pub n_after: i64,
}

#[derive(Debug, Serialize)]
pub struct ArticleRow {
    pub id: String,
    pub title: Option<String>,
    pub url: Option<String>,
}

/// The drill-down's statements, one entry per kept row of an embedded dyad, in columns.
#[derive(Debug, Serialize, Default)]
pub struct StatementColumns {
    /// Index into [`Payload::dyads`], period index, article index, sentence index.
    pub dyad: Vec<u32>,
    pub period: Vec<u32>,
    pub date: Vec<String>,
    pub article: Vec<u32>,
    pub sentence: Vec<u32>,
    pub sentence_id: Vec<i64>,
    /// The row's own direction (with `undirected` it may be B→A of an A–B dyad).
    pub source: Vec<String>,
    pub target: Vec<String>,
    /// Char (code point) offsets of the mentions in the sentence; -1 where the file has none.
    pub source_span: Vec<[i64; 2]>,
    pub target_span: Vec<[i64; 2]>,
    pub label: Vec<String>,
    pub p_cooperative: Vec<f64>,
    pub p_neutral: Vec<f64>,
    pub p_hostile: Vec<f64>,
    /// Statements of the dyad-period beyond `max_statements_per_period`, not listed: (dyad, period, count).
    pub not_listed: Vec<[u32; 3]>,
}

fn periods_per_year(every: Every) -> f64 {
    match every {
        Every::Day => 365.25,
        Every::Week => 365.25 / 7.0,
        Every::Month => 12.0,
        Every::Quarter => 4.0,
        Every::Year => 1.0,
    }
}

fn tension_ci(r: &SeriesRow) -> (Option<f64>, Option<f64>) {
    // Tension falls as mean stance rises, so the interval's ends swap.
    r.ci.map_or((None, None), |(lo, hi)| (Some(crate::series::tension_of(hi)), Some(crate::series::tension_of(lo))))
}

fn sparse(rows: &[&SeriesRow], index: &HashMap<chrono::NaiveDate, u32>) -> SeriesData {
    let mut s = SeriesData::default();
    for r in rows.iter().filter(|r| r.statements > 0) {
        let (lo, hi) = tension_ci(r);
        s.p.push(index[&r.period]);
        s.n.push(r.statements);
        s.tension.push(r.tension.unwrap_or(f64::NAN));
        s.lo.push(lo);
        s.hi.push(hi);
        s.spike.push(r.spike);
    }
    s
}

/// Statement-weighted mean tension of `rows`.
fn level(rows: &[&SeriesRow]) -> Option<f64> {
    let (sum, n) = rows.iter().filter_map(|r| r.tension.map(|t| (t * r.statements as f64, r.statements))).fold((0.0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    (n > 0).then(|| sum / n as f64)
}

fn f64s(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    Ok(df.column(name)?.cast(&DataType::Float64)?.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

fn i64s_or(df: &DataFrame, name: &str, default: i64) -> Result<Vec<i64>> {
    match df.column(name) {
        Ok(c) => Ok(c.cast(&DataType::Int64)?.i64()?.iter().map(|v| v.unwrap_or(default)).collect()),
        Err(_) => Ok(vec![default; df.height()]),
    }
}

/// The report's figures from a scored frame (all columns of `dyad score`; offsets optional).
pub fn build_payload(scored: &DataFrame, opts: &ReportOptions, gazetteer: &Gazetteer) -> Result<Payload> {
    let sopts = SeriesOptions { spikes: Some(opts.series.spikes.unwrap_or(2.0)), smooth: None, ..opts.series.clone() };
    let selection = select(scored, &sopts.filter())?;
    let rows = compute_selected(scored, &sopts, &selection)?;
    let name = |c: &str| gazetteer.name_of(c).unwrap_or(c).to_string();

    // The span's periods, in order.
    let mut period_dates: Vec<chrono::NaiveDate> = rows.iter().map(|r| r.period).collect();
    period_dates.sort();
    period_dates.dedup();
    let index: HashMap<chrono::NaiveDate, u32> = period_dates.iter().enumerate().map(|(k, p)| (*p, k as u32)).collect();
    let half = period_dates.len() / 2;

    let mut by_dyad: BTreeMap<(String, String), Vec<&SeriesRow>> = BTreeMap::new();
    for r in &rows {
        by_dyad.entry((r.source.clone(), r.target.clone())).or_default().push(r);
    }
    let ppy = periods_per_year(sopts.every);
    let mut dyads: Vec<DyadSummary> = by_dyad
        .iter()
        .map(|((s, t), rs)| {
            let with: Vec<&SeriesRow> = rs.iter().copied().filter(|r| r.tension.is_some()).collect();
            let x: Vec<f64> = with.iter().map(|r| index[&r.period] as f64).collect();
            let y: Vec<f64> = with.iter().filter_map(|r| r.tension).collect();
            let (first, second): (Vec<&SeriesRow>, Vec<&SeriesRow>) = rs.iter().copied().partition(|r| (index[&r.period] as usize) < half);
            DyadSummary {
                key: format!("{s}-{t}"),
                source: s.clone(),
                target: t.clone(),
                source_name: name(s),
                target_name: name(t),
                statements: rs.iter().map(|r| r.statements).sum(),
                articles: rs.iter().map(|r| r.articles).sum(),
                level: level(rs),
                trend: if with.len() >= 3 { slope(&x, &y).map(|b| b * ppy) } else { None },
                change: level(&second).zip(level(&first)).map(|(b, a)| b - a),
                series: None,
                forward: None,
                backward: None,
            }
        })
        .filter(|d| d.statements > 0 || sopts.pairs.iter().any(|p| p.source == d.source && p.target == d.target))
        .collect();
    dyads.sort_by(|a, b| b.statements.cmp(&a.statements).then(a.key.cmp(&b.key)));

    // Which dyads are embedded: the asked-for ones, then the most reported.
    let key_of = |p: &PairSpec| {
        let p = if sopts.undirected { p.sorted() } else { p.clone() };
        format!("{}-{}", p.source, p.target)
    };
    let show_keys: Vec<String> = opts.show.iter().map(key_of).collect();
    let mut embedded: Vec<usize> = dyads.iter().enumerate().filter(|(_, d)| show_keys.contains(&d.key)).map(|(k, _)| k).collect();
    for k in 0..dyads.len() {
        if embedded.len() >= opts.max_dyads.max(embedded.len()) {
            break;
        }
        if !embedded.contains(&k) && dyads[k].statements > 0 {
            embedded.push(k);
        }
    }
    embedded.sort();
    for &k in &embedded {
        let rs = &by_dyad[&(dyads[k].source.clone(), dyads[k].target.clone())];
        dyads[k].series = Some(sparse(rs, &index));
    }
    let shown: Vec<String> = if show_keys.is_empty() {
        embedded.iter().take(DEFAULT_SHOWN).map(|&k| dyads[k].key.clone()).collect()
    } else {
        show_keys.iter().filter(|k| dyads.iter().any(|d| &d.key == *k)).cloned().collect()
    };

    // Directed asymmetry: A→B and B→A of every embedded dyad, counted directed.
    let both: Vec<PairSpec> = embedded
        .iter()
        .flat_map(|&k| {
            let (s, t) = (dyads[k].source.clone(), dyads[k].target.clone());
            [PairSpec { source: s.clone(), target: t.clone() }, PairSpec { source: t, target: s }]
        })
        .collect();
    if !both.is_empty() {
        let dopts = SeriesOptions { undirected: false, pairs: both, ..sopts.clone() };
        let directed = compute_selected(scored, &dopts, &select(scored, &dopts.filter())?)?;
        let mut by: HashMap<(&str, &str), Vec<&SeriesRow>> = HashMap::new();
        for r in &directed {
            by.entry((r.source.as_str(), r.target.as_str())).or_default().push(r);
        }
        for &k in &embedded {
            let d = &mut dyads[k];
            d.forward = by.get(&(d.source.as_str(), d.target.as_str())).map(|rs| sparse(rs, &index));
            d.backward = by.get(&(d.target.as_str(), d.source.as_str())).map(|rs| sparse(rs, &index));
        }
    }

    // The drill-down: every kept row of an embedded dyad, in file order, up to the cap per period.
    let dyad_index: HashMap<(&str, &str), u32> =
        embedded.iter().map(|&k| ((dyads[k].source.as_str(), dyads[k].target.as_str()), k as u32)).collect();
    let periods = row_periods(scored, sopts.every)?;
    let (articles_col, sentences_col) = (strs(scored, col::ARTICLE_ID)?, strs(scored, col::SENTENCE)?);
    let (own_source, own_target, labels) = (strs(scored, col::SOURCE)?, strs(scored, col::TARGET)?, strs(scored, col::LABEL)?);
    let mention_texts = |c: &str| -> Result<Vec<&str>> { if scored.column(c).is_ok() { strs(scored, c) } else { Ok(vec![""; scored.height()]) } };
    let (source_text, target_text) = (mention_texts(col::SOURCE_TEXT)?, mention_texts(col::TARGET_TEXT)?);
    let dates = crate::aggregate::days(scored)?;
    let sentence_ids = i64s_or(scored, col::SENTENCE_ID, -1)?;
    let start = i64s_or(scored, col::START, -1)?;
    let spans = [col::SOURCE_START, col::SOURCE_END, col::TARGET_START, col::TARGET_END]
        .map(|c| i64s_or(scored, c, -1));
    let [ss, se, ts, te] = spans;
    let (ss, se, ts, te) = (ss?, se?, ts?, te?);
    let (pc, pn, ph) = (f64s(scored, col::P_COOPERATIVE)?, f64s(scored, col::P_NEUTRAL)?, f64s(scored, col::P_HOSTILE)?);
    let mut st = StatementColumns::default();
    let mut listed: HashMap<(u32, u32), usize> = HashMap::new();
    let (mut article_ids, mut sentence_ids_map): (HashMap<&str, u32>, HashMap<&str, u32>) = (HashMap::new(), HashMap::new());
    let mut articles = Vec::new();
    let mut sentences = Vec::new();
    for k in 0..scored.height() {
        if !selection.keep[k] {
            continue;
        }
        let Some(&d) = dyad_index.get(&(selection.source[k], selection.target[k])) else { continue };
        let p = index[&from_epoch_days(periods[k])];
        let n = listed.entry((d, p)).or_default();
        *n += 1;
        if *n > opts.max_statements_per_period {
            continue;
        }
        let a = *article_ids.entry(articles_col[k]).or_insert_with(|| {
            let info = opts.articles.get(articles_col[k]).cloned().unwrap_or_default();
            articles.push(ArticleRow { id: articles_col[k].to_string(), title: info.title, url: info.url });
            articles.len() as u32 - 1
        });
        let s = *sentence_ids_map.entry(sentences_col[k]).or_insert_with(|| {
            sentences.push(sentences_col[k].to_string());
            sentences.len() as u32 - 1
        });
        let sentence_chars: Vec<char> = sentences_col[k].chars().collect();
        // Article offsets minus the sentence's start, checked against the mention as written:
        // where HTML entities were decoded before the mention the two differ, and the mention
        // is found in the sentence instead.
        let locate = |from: i64, to: i64, text: &str| -> [i64; 2] {
            let (a, b) = (from - start[k], to - start[k]);
            let n = text.chars().count() as i64;
            let fits = from >= 0 && start[k] >= 0 && a >= 0 && b <= sentence_chars.len() as i64 && a < b;
            if fits && sentence_chars[a as usize..b as usize].iter().copied().eq(text.chars()) {
                return [a, b];
            }
            match sentences_col[k].find(text) {
                Some(byte) if !text.is_empty() => {
                    let a = sentences_col[k][..byte].chars().count() as i64;
                    [a, a + n]
                }
                _ => [-1, -1],
            }
        };
        st.dyad.push(d);
        st.period.push(p);
        st.date.push(from_epoch_days(dates[k]).to_string());
        st.article.push(a);
        st.sentence.push(s);
        st.sentence_id.push(sentence_ids[k]);
        st.source.push(own_source[k].to_string());
        st.target.push(own_target[k].to_string());
        st.source_span.push(locate(ss[k], se[k], source_text[k]));
        st.target_span.push(locate(ts[k], te[k], target_text[k]));
        st.label.push(labels[k].to_string());
        st.p_cooperative.push(pc[k]);
        st.p_neutral.push(pn[k]);
        st.p_hostile.push(ph[k]);
    }
    let mut over: Vec<[u32; 3]> = listed
        .iter()
        .filter(|(_, &n)| n > opts.max_statements_per_period)
        .map(|(&(d, p), &n)| [d, p, (n - opts.max_statements_per_period) as u32])
        .collect();
    over.sort();
    st.not_listed = over;

    // Top movers: the two windows given, else the span's first and second half.
    let windows = opts.movers.or_else(|| {
        let (first, last) = (*period_dates.first()?, *period_dates.last()?);
        let mid = *period_dates.get(half.max(1))?;
        let end = from_epoch_days(to_epoch_days(sopts.every.next(last)) - 1);
        Some((Window { from: first, to: from_epoch_days(to_epoch_days(mid) - 1) }, Window { from: mid, to: end }))
    });
    let movers = match windows {
        Some((a, b)) => top_movers(scored, a, b, opts.min_statements, &sopts.filter())?
            .into_iter()
            .take(50)
            .map(|m| MoverRow {
                key: format!("{}-{}", m.source, m.target),
                names: format!("{} – {}", name(&m.source), name(&m.target)),
                before: m.tension_before,
                after: m.tension_after,
                change: m.change,
                n_before: m.statements_before,
                n_after: m.statements_after,
            })
            .collect(),
        _ => Vec::new(),
    };

    let models = scored
        .column(col::MODEL)
        .ok()
        .and_then(|m| m.unique_stable().ok())
        .and_then(|m| m.str().ok().map(|s| s.iter().flatten().map(str::to_string).collect::<Vec<_>>()))
        .unwrap_or_default();
    let mut filters = Vec::new();
    if sopts.primary_only {
        filters.push("primary rows only (source → target of what the sentence reports)".to_string());
    } else {
        filters.push("every scored row (--all-rows)".to_string());
    }
    if sopts.dedup {
        filters.push("republished statements counted once".to_string());
    }
    if sopts.exclude_neutral {
        filters.push("neutral statements left out".to_string());
    }
    if !sopts.quads.is_empty() {
        filters.push(format!("event types: {}", sopts.quads.iter().map(|q| q.as_str()).collect::<Vec<_>>().join(", ")));
    }
    if sopts.per_article {
        filters.push("articles weighted equally (--per-article)".to_string());
    }
    if sopts.confidence_weighted {
        filters.push("statements weighted by model confidence".to_string());
    }
    Ok(Payload {
        meta: Meta {
            scored: opts.scored_name.clone(),
            command: opts.command.clone(),
            models,
            every: sopts.every.unit_name().to_string(),
            undirected: sopts.undirected,
            rows: scored.height(),
            counted: selection.keep.iter().filter(|k| **k).count(),
            republished: selection.republished,
            filters,
            movers_windows: windows.map(|(a, b)| [a.from.to_string(), a.to.to_string(), b.from.to_string(), b.to.to_string()]),
            min_statements: opts.min_statements,
            max_statements_per_period: opts.max_statements_per_period,
            periods_per_year: ppy,
        },
        period_labels: period_dates.iter().map(|p| crate::chart::period_label(sopts.every, *p)).collect(),
        periods: period_dates.iter().map(|p| p.to_string()).collect(),
        dyads,
        shown,
        movers,
        articles,
        sentences,
        statements: st,
    })
}

/// The page: the payload as JSON inside the inlined template.
pub fn render_html(payload: &Payload) -> Result<String> {
    // `</` inside a <script> element would end it early; JSON allows `<\/` for the same text.
    let json = serde_json::to_string(payload)?.replace("</", "<\\/");
    let title = html_escape::encode_text(&payload.meta.scored).to_string();
    fill(PAGE, &[("{{TITLE}}", &title), ("{{UPLOT_CSS}}", UPLOT_CSS), ("{{PAGE_CSS}}", PAGE_CSS), ("{{UPLOT_JS}}", UPLOT_JS), ("{{DATA}}", &json), ("{{PAGE_JS}}", PAGE_JS)])
}

/// `template` with each marker replaced once, in order, never looking inside what was put in.
fn fill(template: &str, parts: &[(&str, &str)]) -> Result<String> {
    let mut out = String::with_capacity(template.len() + parts.iter().map(|p| p.1.len()).sum::<usize>());
    let mut rest = template;
    for (marker, value) in parts {
        let at = rest.find(marker).ok_or_else(|| anyhow::anyhow!("report template lacks {marker}"))?;
        out.push_str(&rest[..at]);
        out.push_str(value);
        rest = &rest[at + marker.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::compute_counted;

    fn golden_scored() -> DataFrame {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/sample_scored.csv");
        crate::store::read_scored_columns(&p, None).unwrap()
    }

    fn options(every: Every, undirected: bool, cap: usize) -> ReportOptions {
        let series = SeriesOptions {
            every,
            pairs: Vec::new(),
            undirected,
            per_article: false,
            dedup: true,
            exclude_neutral: false,
            primary_only: true,
            quads: Vec::new(),
            confidence_weighted: false,
            smooth: None,
            spikes: Some(2.0),
        };
        ReportOptions {
            series,
            show: Vec::new(),
            movers: None,
            min_statements: 1,
            max_dyads: 1000,
            max_statements_per_period: cap,
            articles: HashMap::new(),
            scored_name: "sample_scored.csv".into(),
            command: "dyad report".into(),
        }
    }

    /// Every embedded dyad-period lists (or counts as not listed) exactly the statements that
    /// `dyad series` reports for it, and its tension is the series' tension.
    fn check_drill_down_matches_series(opts: &ReportOptions) {
        let scored = golden_scored();
        let g = Gazetteer::builtin();
        let p = build_payload(&scored, opts, g).unwrap();
        let (rows, _) = compute_counted(&scored, &opts.series).unwrap();
        assert!(p.dyads.iter().any(|d| d.series.is_some()), "nothing embedded");
        let mut checked = 0;
        for r in rows.iter().filter(|r| r.statements > 0) {
            let di = p.dyads.iter().position(|d| d.source == r.source && d.target == r.target).expect("dyad in the overview");
            let d = &p.dyads[di];
            let s = d.series.as_ref().expect("embedded");
            let pi = p.periods.iter().position(|x| *x == r.period.to_string()).unwrap() as u32;
            let j = s.p.iter().position(|x| *x == pi).expect("period in the sparse series");
            assert_eq!(s.n[j], r.statements);
            assert!((s.tension[j] - r.tension.unwrap()).abs() < 1e-9);
            let listed = (0..p.statements.dyad.len()).filter(|&k| p.statements.dyad[k] == di as u32 && p.statements.period[k] == pi).count();
            let more = p.statements.not_listed.iter().find(|x| x[0] == di as u32 && x[1] == pi).map_or(0, |x| x[2] as usize);
            assert_eq!(listed + more, r.statements as usize, "{}-{} {}", r.source, r.target, r.period);
            assert!(listed <= opts.max_statements_per_period);
            checked += 1;
        }
        assert!(checked > 10, "only {checked} dyad-periods");
        assert_eq!(p.dyads.iter().map(|d| d.statements).sum::<i64>(), p.meta.counted as i64);
    }

    #[test]
    fn drill_down_lists_the_rows_behind_each_number() {
        check_drill_down_matches_series(&options(Every::Year, true, 1000));
        check_drill_down_matches_series(&options(Every::Quarter, false, 1000));
    }

    #[test]
    fn drill_down_cap_counts_what_it_does_not_list() {
        let opts = options(Every::Year, true, 1);
        check_drill_down_matches_series(&opts);
        let p = build_payload(&golden_scored(), &opts, Gazetteer::builtin()).unwrap();
        assert!(!p.statements.not_listed.is_empty(), "cap of 1 should leave some statements unlisted");
    }

    #[test]
    fn mention_spans_point_at_the_mentions() {
        let p = build_payload(&golden_scored(), &options(Every::Year, false, 1000), Gazetteer::builtin()).unwrap();
        let st = &p.statements;
        assert!(!st.dyad.is_empty());
        for k in 0..st.dyad.len() {
            let chars: Vec<char> = p.sentences[st.sentence[k] as usize].chars().collect();
            let [a, b] = st.source_span[k];
            assert!(a >= 0 && b as usize <= chars.len() && a < b, "source span {a}..{b} outside the sentence");
            // The source mention names the row's source country (a code the gazetteer resolves).
            let mention: String = chars[a as usize..b as usize].iter().collect();
            assert!(!mention.trim().is_empty());
        }
    }

    #[test]
    fn page_is_one_file_whose_scripts_archive_text_cannot_close() {
        let mut opts = options(Every::Year, true, 1000);
        opts.scored_name = "evil</script><script>alert(1)</script>.csv".into();
        let p = build_payload(&golden_scored(), &opts, Gazetteer::builtin()).unwrap();
        let html = render_html(&p).unwrap();
        assert_eq!(html.matches("</script>").count(), 3, "uPlot, the data and the page script, nothing else");
        assert!(html.contains("uPlot"), "uPlot inlined");
        assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "nothing fetched from the network");
        assert!(!html.contains("{{"), "every template marker filled");
        let data = html.split("id=\"dyad-data\">").nth(1).unwrap().split("</script>").next().unwrap();
        let back: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(back["meta"]["scored"], opts.scored_name.as_str());
    }

    #[test]
    fn fill_does_not_look_inside_what_it_put_in() {
        assert_eq!(fill("a{{X}}b{{Y}}c", &[("{{X}}", "{{Y}}"), ("{{Y}}", "2")]).unwrap(), "a{{Y}}b2c");
        assert!(fill("a", &[("{{X}}", "1")]).is_err());
    }
}
