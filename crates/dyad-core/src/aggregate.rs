//! The one aggregation path's first step: which scored rows count, and as which dyad.
//! `series`, `compare` and `top` all start here, so they agree on the same file.
//!
//! In order: leave out neutral rows (`exclude_neutral`), non-primary rows (`primary_only`) and
//! rows of other event types (`quads`);
//! count a republished statement once (`dedup`, see [`crate::dedup`]); with `undirected`, merge
//! A→B and B→A into one dyad listed alphabetically and keep, per sentence, the direction with
//! the strongest stance (`dyad score` writes both directions of every pair, one of them usually
//! the neutral receiving side); finally keep the asked-for dyads (`pairs`, all when empty).
use crate::pair_spec::PairSpec;
use crate::schema::scored as col;
use anyhow::Result;
use polars::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};

/// What counts. The defaults count every row of every dyad, directed, without dedup.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Only these dyads (all when empty).
    pub pairs: Vec<PairSpec>,
    /// Merge A→B and B→A into one dyad with source < target alphabetically.
    pub undirected: bool,
    /// Count a statement republished elsewhere (same sentence after normalising case,
    /// punctuation and spacing, same directed pair) once: its earliest copy is kept.
    pub dedup: bool,
    /// Leave out statements labelled neutral.
    pub exclude_neutral: bool,
    /// Only rows marked `primary` (a source → target of what the sentence reports).
    pub primary_only: bool,
    /// Only rows of these PLOVER quad classes (all when empty).
    pub quads: Vec<crate::stance::Quad>,
}

impl Filter {
    /// The scored columns [`select`] reads under this filter: on archives read in pieces
    /// ([`crate::partition`]) every column left out is time saved twice, reading and spilling.
    pub fn columns(&self) -> Vec<&'static str> {
        let mut c = vec![col::ARTICLE_ID, col::DATE, col::SOURCE, col::TARGET, col::STANCE, col::LABEL];
        if self.undirected {
            c.push(col::SENTENCE_ID);
        }
        if self.primary_only {
            c.push(col::PRIMARY);
        }
        if !self.quads.is_empty() {
            c.extend([col::QUAD, col::P_PRIMARY]);
        }
        if self.dedup {
            c.extend(col::DEDUP_KEYS);
        }
        c
    }
}

/// The filter's verdict on every row of a scored frame.
pub struct Selection<'a> {
    /// Each row's dyad (alphabetical with `undirected`).
    pub source: Vec<&'a str>,
    pub target: Vec<&'a str>,
    /// Rows that count toward the archive's volume (every filter but the dyad choice): the
    /// denominator of `share`.
    pub counted: Vec<bool>,
    /// Counted rows of the asked-for dyads.
    pub keep: Vec<bool>,
    /// Republished statements left out by `dedup`.
    pub republished: usize,
    /// The asked-for dyads (alphabetical with `undirected`).
    pub wanted: BTreeSet<PairSpec>,
}

/// A string column borrowed, without copying the strings (archives have millions of rows).
pub(crate) fn strs<'a>(df: &'a DataFrame, name: &str) -> Result<Vec<&'a str>> {
    Ok(df.column(name)?.str()?.iter().map(|v| v.unwrap_or("")).collect())
}

/// Days since the epoch of each row's `date`.
pub(crate) fn days(df: &DataFrame) -> Result<Vec<i32>> {
    Ok(df.column(col::DATE)?.cast(&DataType::Int32)?.i32()?.iter().map(|d| d.unwrap_or(0)).collect())
}

/// `true` for rows that repeat an earlier statement, exactly or nearly (see [`crate::dedup`]):
/// from the dedup key columns, or from the sentence text where a file has no keys
/// ([`crate::store::read_for_aggregation`] reads the text then).
pub fn republished(scored: &DataFrame) -> Result<Vec<bool>> {
    let (src, tgt, art) = (strs(scored, col::SOURCE)?, strs(scored, col::TARGET)?, strs(scored, col::ARTICLE_ID)?);
    let days = days(scored)?;
    let rows: Vec<crate::dedup::Occurrence> =
        (0..src.len()).map(|k| crate::dedup::Occurrence { source: src[k], target: tgt[k], article: art[k], day: days[k] }).collect();
    if crate::store::has_dedup_keys(scored) {
        // Contiguous slices of the integer columns: no copy per row.
        let columns: Vec<Column> = col::DEDUP_KEYS.iter().map(|c| scored.column(c)?.cast(&DataType::Int64).map(|c| c.rechunk())).collect::<PolarsResult<_>>()?;
        let slices: Vec<&[i64]> = columns.iter().map(|c| Ok(c.i64()?.cont_slice()?)).collect::<PolarsResult<_>>()?;
        return Ok(crate::dedup::republished(&rows, |k| {
            let mut v = [0i64; 1 + crate::dedup::BANDS];
            for (slot, s) in v.iter_mut().zip(&slices) {
                *slot = s[k];
            }
            crate::dedup::SentenceKeys::from_columns(v)
        }));
    }
    let sentences = strs(scored, col::SENTENCE).map_err(|_| anyhow::anyhow!("dedup needs the dedup key columns or the sentence text; this frame has neither"))?;
    Ok(crate::dedup::republished_from_text(&rows, &sentences))
}

/// Applies `f` to a scored frame (from [`crate::store::read_scored_columns`] with
/// [`col::FOR_AGGREGATION`]).
pub fn select<'a>(scored: &'a DataFrame, f: &Filter) -> Result<Selection<'a>> {
    let (mut src, mut tgt) = (strs(scored, col::SOURCE)?, strs(scored, col::TARGET)?);
    let mut counted = vec![true; src.len()];
    if f.exclude_neutral {
        for (keep, label) in counted.iter_mut().zip(strs(scored, col::LABEL)?) {
            *keep &= label != crate::stance::Label::Neutral.as_str();
        }
    }
    if f.primary_only {
        if let Ok(c) = scored.column(col::PRIMARY) {
            for (keep, p) in counted.iter_mut().zip(c.bool()?.iter()) {
                *keep &= p.unwrap_or(true);
            }
        }
    }
    if !f.quads.is_empty() {
        // A file scored without pair heads has no quad column, or (JSONL, CSV) one that is empty
        // in every row along with `p_primary`.
        let without_heads = match scored.column(col::P_PRIMARY) {
            Ok(p) => p.null_count() == p.len() && p.len() > 0,
            Err(_) => true,
        };
        let c = match scored.column(col::QUAD) {
            Ok(c) if !without_heads => c,
            _ => anyhow::bail!("--quad: this file has no `quad` column (scored before model v3, or with --no-pair-heads); score it again to filter by event type"),
        };
        let wanted: HashSet<&str> = f.quads.iter().map(|q| q.as_str()).collect();
        let c = c.cast(&DataType::String)?;
        for (keep, q) in counted.iter_mut().zip(c.str()?.iter()) {
            *keep &= q.is_some_and(|q| wanted.contains(q));
        }
    }
    let mut removed = 0;
    let clock = std::time::Instant::now();
    if f.dedup {
        for (keep, dup) in counted.iter_mut().zip(republished(scored)?) {
            if dup && *keep {
                *keep = false;
                removed += 1;
            }
        }
    }
    crate::timing::timing("dedup", clock);
    if f.undirected {
        for (s, t) in src.iter_mut().zip(tgt.iter_mut()) {
            if *s > *t {
                std::mem::swap(s, t);
            }
        }
        let articles = strs(scored, col::ARTICLE_ID)?;
        let sentences: Vec<i64> =
            scored.column(col::SENTENCE_ID)?.cast(&DataType::Int64)?.i64()?.iter().map(|v| v.unwrap_or(-1)).collect();
        let stance: Vec<f64> = scored.column(col::STANCE)?.cast(&DataType::Float64)?.f64()?.iter().map(|v| v.unwrap_or(0.0)).collect();
        let mut best: HashMap<(&str, i64, &str, &str), usize> = HashMap::new();
        for k in 0..src.len() {
            if !counted[k] {
                continue; // left out above
            }
            let key = (articles[k], sentences[k], src[k], tgt[k]);
            match best.get(&key) {
                Some(&b) if stance[b].abs() >= stance[k].abs() => counted[k] = false,
                Some(&b) => {
                    counted[b] = false;
                    best.insert(key, k);
                }
                None => {
                    best.insert(key, k);
                }
            }
        }
    }
    let wanted: BTreeSet<PairSpec> = f.pairs.iter().map(|p| if f.undirected { p.sorted() } else { p.clone() }).collect();
    let wanted_str: HashSet<(&str, &str)> = wanted.iter().map(|p| (p.source.as_str(), p.target.as_str())).collect();
    let keep: Vec<bool> = src
        .iter()
        .zip(&tgt)
        .zip(&counted)
        .map(|((s, t), &c)| c && (wanted.is_empty() || wanted_str.contains(&(*s, *t))))
        .collect();
    Ok(Selection { source: src, target: tgt, counted, keep, republished: removed, wanted })
}
