//! Stage 6: scored statements on disk. One row per (statement, directed pair); the format
//! follows the output extension: `.parquet`, `.csv` or `.jsonl` (`.json` is read as JSONL).
use crate::dates::{from_epoch_days, to_epoch_days};
use anyhow::{bail, Context, Result};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

/// One scored (statement, directed pair). Column names are a contract: later stages,
/// notebooks and users' scripts rely on them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredRow {
    pub article_id: String,
    /// ISO date, `YYYY-MM-DD`.
    pub date: String,
    pub sentence_id: i64,
    /// Char offsets of the sentence in the article text.
    pub start: i64,
    pub end: i64,
    pub sentence: String,
    pub source: String,
    pub target: String,
    pub source_text: String,
    pub target_text: String,
    /// p_cooperative − p_hostile, in [−1, 1].
    pub stance: f64,
    pub label: String,
    pub p_cooperative: f64,
    pub p_neutral: f64,
    pub p_hostile: f64,
    pub model: String,
    /// Char offsets of the source and target mentions in the article text.
    pub source_start: i64,
    pub source_end: i64,
    pub target_start: i64,
    pub target_end: i64,
    /// `country` or `igo` (an international organisation: UN, EU, NATO…, not a country).
    #[serde(default = "country")]
    pub source_kind: String,
    #[serde(default = "country")]
    pub target_kind: String,
    /// The sentence's own source → target by the word-order rule of `dyads` (first actor acts
    /// on the next; coordinated or meeting actors both ways); `false` for the other candidate
    /// directions, which the model scores too (usually neutral).
    #[serde(default = "yes")]
    pub primary: bool,
}

fn yes() -> bool {
    true
}

fn country() -> String {
    "country".into()
}

/// Output formats by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutFormat {
    Parquet,
    Csv,
    Jsonl,
}

pub fn out_format(path: &Path) -> Result<OutFormat> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("parquet") => Ok(OutFormat::Parquet),
        Some("csv") => Ok(OutFormat::Csv),
        Some("jsonl") | Some("ndjson") | Some("json") => Ok(OutFormat::Jsonl),
        _ => bail!("{}: unknown output format (use .parquet, .csv or .jsonl/.json)", path.display()),
    }
}

/// The scored rows as a polars frame (`date` as a `Date` column).
pub fn to_frame(rows: &[ScoredRow]) -> Result<DataFrame> {
    let s = |f: fn(&ScoredRow) -> &str| rows.iter().map(f).collect::<Vec<&str>>();
    let i = |f: fn(&ScoredRow) -> i64| rows.iter().map(f).collect::<Vec<i64>>();
    let x = |f: fn(&ScoredRow) -> f64| rows.iter().map(f).collect::<Vec<f64>>();
    let mut days = Vec::with_capacity(rows.len());
    for r in rows {
        let d = crate::dates::parse_date(&r.date).with_context(|| format!("bad date {:?} in row of {}", r.date, r.article_id))?;
        days.push(to_epoch_days(d));
    }
    let date = Column::new("date".into(), days).cast(&DataType::Date)?;
    let df = DataFrame::new_infer_height(vec![
        Column::new("article_id".into(), s(|r| &r.article_id)),
        date,
        Column::new("sentence_id".into(), i(|r| r.sentence_id)),
        Column::new("start".into(), i(|r| r.start)),
        Column::new("end".into(), i(|r| r.end)),
        Column::new("sentence".into(), s(|r| &r.sentence)),
        Column::new("source".into(), s(|r| &r.source)),
        Column::new("target".into(), s(|r| &r.target)),
        Column::new("source_text".into(), s(|r| &r.source_text)),
        Column::new("target_text".into(), s(|r| &r.target_text)),
        Column::new("stance".into(), x(|r| r.stance)),
        Column::new("label".into(), s(|r| &r.label)),
        Column::new("p_cooperative".into(), x(|r| r.p_cooperative)),
        Column::new("p_neutral".into(), x(|r| r.p_neutral)),
        Column::new("p_hostile".into(), x(|r| r.p_hostile)),
        Column::new("model".into(), s(|r| &r.model)),
        Column::new("source_start".into(), i(|r| r.source_start)),
        Column::new("source_end".into(), i(|r| r.source_end)),
        Column::new("target_start".into(), i(|r| r.target_start)),
        Column::new("target_end".into(), i(|r| r.target_end)),
        Column::new("source_kind".into(), s(|r| &r.source_kind)),
        Column::new("target_kind".into(), s(|r| &r.target_kind)),
        Column::new("primary".into(), rows.iter().map(|r| r.primary).collect::<Vec<bool>>()),
    ])?;
    Ok(df)
}

/// Writes a frame by extension. Parquet keeps types; CSV and JSONL write dates as `YYYY-MM-DD`.
pub fn write_frame(df: &mut DataFrame, path: &Path) -> Result<()> {
    let format = out_format(path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    // Write beside the target and rename, so a crash never leaves half a file under the real name.
    let tmp = path.with_extension(format!("{}.tmp", path.extension().and_then(|e| e.to_str()).unwrap_or("out")));
    {
        let mut file = std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        match format {
            OutFormat::Parquet => {
                ParquetWriter::new(&mut file).finish(df)?;
            }
            OutFormat::Csv => CsvWriter::new(&mut file).finish(df)?,
            OutFormat::Jsonl => JsonWriter::new(&mut file).with_json_format(JsonFormat::JsonLines).finish(df)?,
        }
    }
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

pub fn write_rows(rows: &[ScoredRow], path: &Path) -> Result<()> {
    match out_format(path)? {
        // serde keeps JSONL exactly as the rows are (no float reformatting).
        OutFormat::Jsonl => {
            let tmp = path.with_extension("jsonl.tmp");
            let mut w = BufWriter::new(std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?);
            for r in rows {
                serde_json::to_writer(&mut w, r)?;
                w.write_all(b"\n")?;
            }
            w.flush()?;
            drop(w);
            std::fs::rename(&tmp, path)?;
            Ok(())
        }
        _ => write_frame(&mut to_frame(rows)?, path),
    }
}

/// Reads a scored file written by `dyad score` back into a frame with the contract's types.
pub fn read_scored(path: &Path) -> Result<DataFrame> {
    read_scored_columns(path, None)
}

/// The columns series, compare and top read: Parquet files are read for these alone, which
/// keeps archive-scale aggregation within memory (offsets and probabilities stay on disk).
pub const SERIES_COLUMNS: &[&str] =
    &["article_id", "sentence_id", "date", "sentence", "source", "target", "stance", "label", "primary", "p_cooperative", "p_neutral", "p_hostile"];

/// Like [`read_scored`], reading only `columns` from a Parquet file (other formats are read whole).
pub fn read_scored_columns(path: &Path, columns: Option<&[&str]>) -> Result<DataFrame> {
    let ctx = || format!("reading scored statements from {}", path.display());
    let df = match out_format(path).with_context(ctx)? {
        OutFormat::Parquet => {
            let f = std::fs::File::open(path).with_context(ctx)?;
            let mut reader = ParquetReader::new(f);
            // Files from older versions lack some columns (`primary`): project onto those present.
            let present = anyhow::Context::with_context(reader.schema(), ctx)?;
            let wanted = columns.map(|c| c.iter().filter(|n| present.contains(n)).map(|s| s.to_string().into()).collect());
            let reader = reader.with_columns(wanted);
            anyhow::Context::with_context(reader.finish(), ctx)?
        }
        OutFormat::Csv => {
            let mut rdr = csv::Reader::from_path(path).with_context(ctx)?;
            let mut rows = Vec::new();
            for (i, r) in rdr.deserialize::<ScoredRow>().enumerate() {
                rows.push(r.with_context(|| format!("{}:{}: not a scored row", path.display(), i + 2))?);
            }
            to_frame(&rows)?
        }
        OutFormat::Jsonl => {
            let f = std::fs::File::open(path).with_context(ctx)?;
            let mut rows = Vec::new();
            for (i, line) in BufReader::new(f).lines().enumerate() {
                let line = line.with_context(ctx)?;
                if line.trim().is_empty() {
                    continue;
                }
                rows.push(serde_json::from_str::<ScoredRow>(&line).with_context(|| format!("{}:{}: not a scored row", path.display(), i + 1))?);
            }
            to_frame(&rows)?
        }
    };
    for c in ["article_id", "date", "source", "target", "stance", "label"] {
        if df.column(c).is_err() {
            bail!("{}: column {c:?} missing; is this a file written by `dyad score`?", path.display());
        }
    }
    Ok(df)
}

/// Reads the frame back into rows (used by tests and `dyad score --resume`).
pub fn frame_to_rows(df: &DataFrame) -> Result<Vec<ScoredRow>> {
    let s = |n: &str| -> Result<Vec<String>> {
        Ok(df.column(n)?.str()?.iter().map(|v| v.unwrap_or("").to_string()).collect())
    };
    let i = |n: &str| -> Result<Vec<i64>> { Ok(df.column(n)?.cast(&DataType::Int64)?.i64()?.iter().map(|v| v.unwrap_or(0)).collect()) };
    let x = |n: &str| -> Result<Vec<f64>> { Ok(df.column(n)?.cast(&DataType::Float64)?.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect()) };
    let days: Vec<i32> = df.column("date")?.cast(&DataType::Int32)?.i32()?.iter().map(|v| v.unwrap_or(0)).collect();
    let (aid, sent, src, tgt, st, tt, label, model) =
        (s("article_id")?, s("sentence")?, s("source")?, s("target")?, s("source_text")?, s("target_text")?, s("label")?, s("model")?);
    let (sid, start, end, ss, se, ts, te) =
        (i("sentence_id")?, i("start")?, i("end")?, i("source_start")?, i("source_end")?, i("target_start")?, i("target_end")?);
    let (stance, pc, pn, ph) = (x("stance")?, x("p_cooperative")?, x("p_neutral")?, x("p_hostile")?);
    // Files written before the kind columns existed hold countries only.
    let kind = |n: &str| s(n).unwrap_or_else(|_| vec![country(); df.height()]);
    let (sk, tk) = (kind("source_kind"), kind("target_kind"));
    let primary: Vec<bool> = match df.column("primary") {
        Ok(c) => c.bool()?.iter().map(|v| v.unwrap_or(true)).collect(),
        Err(_) => vec![true; df.height()],
    };
    Ok((0..df.height())
        .map(|k| ScoredRow {
            article_id: aid[k].clone(),
            date: from_epoch_days(days[k]).to_string(),
            sentence_id: sid[k],
            start: start[k],
            end: end[k],
            sentence: sent[k].clone(),
            source: src[k].clone(),
            target: tgt[k].clone(),
            source_text: st[k].clone(),
            target_text: tt[k].clone(),
            stance: stance[k],
            label: label[k].clone(),
            p_cooperative: pc[k],
            p_neutral: pn[k],
            p_hostile: ph[k],
            model: model[k].clone(),
            source_start: ss[k],
            source_end: se[k],
            target_start: ts[k],
            target_end: te[k],
            source_kind: sk[k].clone(),
            target_kind: tk[k].clone(),
            primary: primary[k],
        })
        .collect())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn row(article: &str, date: &str, source: &str, target: &str, stance: f64) -> ScoredRow {
        let (pc, ph) = if stance >= 0.0 { (stance, 0.0) } else { (0.0, -stance) };
        ScoredRow {
            article_id: article.into(),
            date: date.into(),
            sentence_id: 0,
            start: 0,
            end: 10,
            sentence: format!("{source} and {target}, said \"x\""),
            source: source.into(),
            target: target.into(),
            source_text: source.into(),
            target_text: target.into(),
            stance,
            label: if stance > 0.0 { "cooperative" } else if stance < 0.0 { "hostile" } else { "neutral" }.into(),
            p_cooperative: pc,
            p_neutral: 1.0 - pc - ph,
            p_hostile: ph,
            model: "test".into(),
            source_start: 0,
            source_end: 3,
            target_start: 8,
            target_end: 11,
            source_kind: country(),
            target_kind: country(),
            primary: true,
        }
    }

    #[test]
    fn round_trip_every_format() {
        let dir = tempfile::tempdir().unwrap();
        let rows = vec![row("a", "2025-02-04", "IRN", "AZE", 0.5), row("b", "2025-03-01", "AZE", "IRN", -0.25)];
        for ext in ["parquet", "csv", "jsonl"] {
            let p = dir.path().join(format!("scored.{ext}"));
            write_rows(&rows, &p).unwrap();
            let df = read_scored(&p).unwrap();
            assert_eq!(df.column("date").unwrap().dtype(), &DataType::Date, "{ext}");
            assert_eq!(frame_to_rows(&df).unwrap(), rows, "{ext}");
        }
        assert!(out_format(Path::new("x.xlsx")).is_err());
    }

    #[test]
    fn parquet_file_is_real_parquet() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.parquet");
        write_rows(&[row("a", "2025-02-04", "IRN", "AZE", 0.5)], &p).unwrap();
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!(&bytes[..4], b"PAR1");
        assert_eq!(&bytes[bytes.len() - 4..], b"PAR1");
    }
}
