//! Stage 6: scored statements on disk. One row per (statement, directed pair); the format
//! follows the output extension: `.parquet`, `.csv` or `.jsonl` (`.json` is read as JSONL).
use crate::dates::{from_epoch_days, to_epoch_days};
use anyhow::{bail, Context, Result};
use polars::prelude::*;
pub use crate::records::ScoredRow;
use crate::records::country;
use crate::schema::scored as col;
use crate::stance::{Label, Quad};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

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

/// The scored rows as a polars frame (`date` as a `Date` column), columns in [`col::ALL`] order.
pub fn rows_to_frame(rows: &[ScoredRow]) -> Result<DataFrame> {
    let s = |name: &str, f: fn(&ScoredRow) -> &str| Column::new(name.into(), rows.iter().map(f).collect::<Vec<&str>>());
    let i = |name: &str, f: fn(&ScoredRow) -> i64| Column::new(name.into(), rows.iter().map(f).collect::<Vec<i64>>());
    let x = |name: &str, f: fn(&ScoredRow) -> f64| Column::new(name.into(), rows.iter().map(f).collect::<Vec<f64>>());
    let days: Vec<i32> = rows.iter().map(|r| to_epoch_days(r.date)).collect();
    let keys: Vec<[Option<i64>; 7]> = rows.iter().map(ScoredRow::dedup_key_columns).collect();
    let df = DataFrame::new_infer_height(vec![
        s(col::ARTICLE_ID, |r| &r.article_id),
        Column::new(col::DATE.into(), days).cast(&DataType::Date)?,
        i(col::SENTENCE_ID, |r| r.sentence_id),
        i(col::START, |r| r.start),
        i(col::END, |r| r.end),
        s(col::SENTENCE, |r| &r.sentence),
        s(col::SOURCE, |r| &r.source),
        s(col::TARGET, |r| &r.target),
        s(col::SOURCE_TEXT, |r| &r.source_text),
        s(col::TARGET_TEXT, |r| &r.target_text),
        x(col::STANCE, |r| r.stance),
        s(col::LABEL, |r| r.label.as_str()),
        x(col::P_COOPERATIVE, |r| r.p_cooperative),
        x(col::P_NEUTRAL, |r| r.p_neutral),
        x(col::P_HOSTILE, |r| r.p_hostile),
        s(col::MODEL, |r| &r.model),
        i(col::SOURCE_START, |r| r.source_start),
        i(col::SOURCE_END, |r| r.source_end),
        i(col::TARGET_START, |r| r.target_start),
        i(col::TARGET_END, |r| r.target_end),
        s(col::SOURCE_KIND, |r| &r.source_kind),
        s(col::TARGET_KIND, |r| &r.target_kind),
        Column::new(col::PRIMARY.into(), rows.iter().map(|r| r.primary).collect::<Vec<bool>>()),
        Column::new(col::P_PRIMARY.into(), rows.iter().map(|r| r.p_primary).collect::<Vec<Option<f64>>>()),
        Column::new(col::QUAD.into(), rows.iter().map(|r| r.quad.map(|q| q.as_str())).collect::<Vec<Option<&str>>>()),
        Column::new(col::P_QUAD.into(), rows.iter().map(|r| r.p_quad).collect::<Vec<Option<f64>>>()),
    ]
    .into_iter()
    .chain(col::DEDUP_KEYS.iter().enumerate().map(|(k, name)| Column::new((*name).into(), keys.iter().map(|r| r[k]).collect::<Vec<Option<i64>>>())))
    .collect())?;
    debug_assert_eq!(df.get_column_names().iter().map(|c| c.as_str()).collect::<Vec<_>>(), col::ALL);
    Ok(df)
}

/// Writes a frame by extension. Parquet keeps types; CSV and JSONL write dates as `YYYY-MM-DD`.
pub fn write_frame(df: &mut DataFrame, path: &Path) -> Result<()> {
    let format = out_format(path)?;
    let tmp = temporary_beside(path)?;
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

/// Where a file is written before it is renamed to `path`, so a crash never leaves half a file
/// under the real name; creates `path`'s directory.
fn temporary_beside(path: &Path) -> Result<std::path::PathBuf> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    Ok(path.with_extension(format!("{}.tmp", path.extension().and_then(|e| e.to_str()).unwrap_or("out"))))
}

/// A table written a slice at a time, in the format [`write_frame`] would use (or CSV on stdout
/// without a path): a monthly series of every dyad of a large archive is millions of rows,
/// which need not all be held to be written. The file appears under its name only at
/// [`FrameSink::finish`]; a sink dropped before that removes its temporary file.
pub struct FrameSink {
    /// (temporary file, final path); None for stdout.
    target: Option<(std::path::PathBuf, std::path::PathBuf)>,
    format: OutFormat,
    out: Option<Box<dyn Write + Send>>,
    writer: Option<SliceWriter>,
    rows: usize,
}

enum SliceWriter {
    Parquet(polars::io::parquet::write::BatchedWriter<Box<dyn Write + Send>>),
    Csv(polars::io::csv::write::BatchedWriter<Box<dyn Write + Send>>),
    Jsonl(polars::io::json::BatchedWriter<Box<dyn Write + Send>>),
}

impl FrameSink {
    pub fn create(path: Option<&Path>) -> Result<FrameSink> {
        let Some(path) = path else {
            return Ok(FrameSink { target: None, format: OutFormat::Csv, out: Some(Box::new(std::io::stdout())), writer: None, rows: 0 });
        };
        let format = out_format(path)?;
        let tmp = temporary_beside(path)?;
        // Unbuffered: every writer below hands over whole encoded blocks.
        let file = std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        Ok(FrameSink { target: Some((tmp, path.to_path_buf())), format, out: Some(Box::new(file)), writer: None, rows: 0 })
    }

    /// Appends `slice`; every slice must have the first one's columns. A Parquet slice becomes
    /// one row group per chunk.
    pub fn write(&mut self, slice: &DataFrame) -> Result<()> {
        if self.writer.is_none() {
            let out = self.out.take().expect("a sink's output is taken once");
            self.writer = Some(match self.format {
                OutFormat::Parquet => SliceWriter::Parquet(ParquetWriter::new(out).batched(&slice.schema())?),
                OutFormat::Csv => SliceWriter::Csv(CsvWriter::new(out).batched(&slice.schema())?),
                OutFormat::Jsonl => SliceWriter::Jsonl(polars::io::json::BatchedWriter::new(out)),
            });
        }
        match self.writer.as_mut().expect("made above") {
            SliceWriter::Parquet(w) => w.write_batch(slice)?,
            SliceWriter::Csv(w) => w.write_batch(slice)?,
            SliceWriter::Jsonl(w) => w.write_batch(slice)?,
        }
        self.rows += slice.height();
        Ok(())
    }

    /// Ends the file (footer, header of an empty CSV), renames it to its name; returns the rows
    /// written.
    pub fn finish(mut self) -> Result<usize> {
        match self.writer.take() {
            Some(SliceWriter::Parquet(w)) => {
                w.finish()?;
            }
            Some(SliceWriter::Csv(mut w)) => w.finish()?,
            Some(SliceWriter::Jsonl(_)) => {}
            None => bail!("nothing was written (a sink needs at least one slice to know its columns)"),
        }
        if let Some((tmp, path)) = self.target.take() {
            std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
        }
        Ok(self.rows)
    }
}

impl Drop for FrameSink {
    fn drop(&mut self) {
        if let Some((tmp, _)) = &self.target {
            std::fs::remove_file(tmp).ok();
        }
    }
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
        _ => write_frame(&mut rows_to_frame(rows)?, path),
    }
}

/// Reads a scored file written by `dyad score` back into a frame with the contract's types.
pub fn read_scored(path: &Path) -> Result<DataFrame> {
    read_scored_columns(path, None)
}

/// Like [`read_scored`], reading only `columns` from a Parquet file (other formats are read whole).
///
/// `path` may also be a dataset directory of part files (`dyad score -o DIR/`) or a glob
/// (`'out/*.parquet'`, quoted so the shell leaves it): the parts are read and stacked.
pub fn read_scored_columns(path: &Path, columns: Option<&[&str]>) -> Result<DataFrame> {
    let text = path.to_string_lossy();
    let parts = input_files(path)?;
    if parts.len() > 1 || parts[0] != path {
        let mut frames = parts.iter().map(|p| read_one_scored(p, columns));
        let mut all = frames.next().expect("at least one part")?;
        for f in frames {
            let f = f?;
            anyhow::Context::with_context(all.vstack_mut(&f), || format!("{text}: parts with different columns (scored by different versions?)"))?;
        }
        all.align_chunks_par();
        return Ok(all);
    }
    read_one_scored(path, columns)
}

/// The files behind a scored input: the file itself, the part files of a dataset directory
/// (`dyad score -o DIR/`), or the files a glob (`'out/*.parquet'`) matches, sorted.
pub fn input_files(path: &Path) -> Result<Vec<std::path::PathBuf>> {
    let text = path.to_string_lossy();
    if path.is_dir() {
        return crate::dataset::part_files(path);
    }
    if !path.exists() && text.contains(['*', '?', '[']) {
        let mut files: Vec<std::path::PathBuf> =
            glob::glob(&text).with_context(|| format!("{text}: not a valid glob"))?.filter_map(|p| p.ok()).filter(|p| p.is_file()).collect();
        files.sort();
        if files.is_empty() {
            bail!("{text}: no file matches");
        }
        return Ok(files);
    }
    Ok(vec![path.to_path_buf()])
}

/// The names of a Parquet file's columns (from its footer; no data is read).
pub fn parquet_columns(path: &Path) -> Result<Vec<String>> {
    let f = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let schema = anyhow::Context::with_context(ParquetReader::new(f).schema(), || format!("reading the Parquet footer of {}", path.display()))?;
    Ok(schema.iter_names().map(|n| n.to_string()).collect())
}

/// What series, compare and top read: [`col::FOR_AGGREGATION`] and `extra`. With `dedup`, a
/// file without the dedup key columns (scored before they existed, or with some rows empty) is
/// read for its sentence text as well, from which [`crate::aggregate`] computes the keys:
/// `true` in the second place says so (slower, and the text takes memory; scoring again helps).
pub fn read_for_aggregation(path: &Path, extra: &[&str], dedup: bool) -> Result<(DataFrame, bool)> {
    let mut columns: Vec<&str> = col::FOR_AGGREGATION.iter().chain(extra).copied().collect();
    let df = read_scored_columns(path, Some(&columns))?;
    if !dedup || has_dedup_keys(&df) {
        return Ok((df, false));
    }
    if df.column(col::SENTENCE).is_ok() {
        return Ok((df, true)); // CSV and JSONL are read whole
    }
    columns.push(col::SENTENCE);
    let df = read_scored_columns(path, Some(&columns))?;
    if df.column(col::SENTENCE).is_err() {
        bail!("{}: neither dedup key columns nor a {:?} column to find republished statements from; use --no-dedup", path.display(), col::SENTENCE);
    }
    Ok((df, true))
}

/// Every row has its dedup keys.
pub fn has_dedup_keys(df: &DataFrame) -> bool {
    col::DEDUP_KEYS.iter().all(|c| df.column(c).is_ok_and(|c| c.null_count() == 0 && c.dtype().is_integer()))
}

pub(crate) fn read_one_scored(path: &Path, columns: Option<&[&str]>) -> Result<DataFrame> {
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
            // An empty file, or another table: name the first missing column, not a row.
            let headers = rdr.headers().with_context(ctx)?.clone();
            if let Some(c) = col::REQUIRED.iter().find(|c| !headers.iter().any(|h| h.trim_start_matches('\u{feff}') == **c)) {
                bail!("{}: column {c:?} missing; is this a file written by `dyad score`?", path.display());
            }
            let mut rows = Vec::new();
            for (i, r) in rdr.deserialize::<ScoredRow>().enumerate() {
                let row = r.map_err(|e| {
                    // Name the column, not its index.
                    let column = match e.kind() {
                        csv::ErrorKind::Deserialize { err, .. } => err.field().and_then(|f| headers.get(f as usize)),
                        _ => None,
                    };
                    let line = e.position().map_or(i + 2, |p| p.line() as usize);
                    match column {
                        Some(c) => anyhow::anyhow!("{}:{line}: column {c:?}: {e}; is this a file written by `dyad score`?", path.display()),
                        None => anyhow::anyhow!("{}:{line}: not a scored row: {e}", path.display()),
                    }
                })?;
                rows.push(row);
            }
            rows_to_frame(&rows)?
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
            rows_to_frame(&rows)?
        }
    };
    for c in col::REQUIRED.iter().copied() {
        if df.column(c).is_err() {
            bail!("{}: column {c:?} missing; is this a file written by `dyad score`?", path.display());
        }
    }
    check_types(df, path)
}

/// Refuses a scored frame whose columns have the wrong types or missing values, instead of
/// reading a string date as 1970-01-01, a text stance as 0 or a missing source as the dyad "".
/// A `Datetime` date is accepted and cut to its day.
fn check_types(mut df: DataFrame, path: &Path) -> Result<DataFrame> {
    let wrong = |c: &str, found: &DataType, want: &str| {
        anyhow::anyhow!("{}: column {c:?} is {found}, expected {want}; is this a file written by `dyad score`?", path.display())
    };
    let date = df.column(col::DATE)?.dtype().clone();
    match date {
        DataType::Date => {}
        DataType::Datetime(_, _) => {
            let d = df.column(col::DATE)?.cast(&DataType::Date)?;
            df.with_column(d)?;
        }
        other => return Err(wrong(col::DATE, &other, "a date")),
    }
    for c in [col::STANCE, col::P_COOPERATIVE, col::P_NEUTRAL, col::P_HOSTILE] {
        if let Ok(column) = df.column(c) {
            if !column.dtype().is_primitive_numeric() {
                return Err(wrong(c, column.dtype(), "a number"));
            }
        }
    }
    for c in [col::ARTICLE_ID, col::SOURCE, col::TARGET, col::LABEL] {
        let column = df.column(c)?;
        if column.dtype() != &DataType::String {
            return Err(wrong(c, column.dtype(), "text"));
        }
    }
    if let Ok(column) = df.column(col::PRIMARY) {
        if column.dtype() != &DataType::Boolean {
            return Err(wrong(col::PRIMARY, column.dtype(), "true/false"));
        }
    }
    // Empty in every row (a scorer without pair heads) reads back as nulls of any type.
    for c in [col::P_PRIMARY, col::P_QUAD] {
        if let Ok(column) = df.column(c) {
            if !column.dtype().is_primitive_numeric() && column.null_count() < column.len() {
                return Err(wrong(c, column.dtype(), "a number or empty"));
            }
        }
    }
    if let Ok(column) = df.column(col::QUAD) {
        if column.dtype() != &DataType::String && column.null_count() < column.len() {
            return Err(wrong(col::QUAD, column.dtype(), "a PLOVER quad class or empty"));
        }
    }
    for c in col::DEDUP_KEYS {
        if let Ok(column) = df.column(c) {
            if !column.dtype().is_integer() && column.null_count() < column.len() {
                return Err(wrong(c, column.dtype(), "an integer or empty"));
            }
        }
    }
    for c in [col::ARTICLE_ID, col::DATE, col::SOURCE, col::TARGET, col::STANCE, col::LABEL] {
        let nulls = df.column(c)?.null_count();
        if nulls > 0 {
            bail!("{}: {nulls} rows have no {c:?}; a scored row needs one", path.display());
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
    let days: Vec<i32> = df.column(col::DATE)?.cast(&DataType::Int32)?.i32()?.iter().map(|v| v.unwrap_or(0)).collect();
    let labels = s(col::LABEL)?
        .iter()
        .enumerate()
        .map(|(k, l)| l.parse::<Label>().map_err(|e| anyhow::anyhow!("row {}: {e}", k + 1)))
        .collect::<Result<Vec<Label>>>()?;
    let (aid, sent, src, tgt, st, tt, model) =
        (s(col::ARTICLE_ID)?, s(col::SENTENCE)?, s(col::SOURCE)?, s(col::TARGET)?, s(col::SOURCE_TEXT)?, s(col::TARGET_TEXT)?, s(col::MODEL)?);
    let (sid, start, end, ss, se, ts, te) = (
        i(col::SENTENCE_ID)?,
        i(col::START)?,
        i(col::END)?,
        i(col::SOURCE_START)?,
        i(col::SOURCE_END)?,
        i(col::TARGET_START)?,
        i(col::TARGET_END)?,
    );
    let (stance, pc, pn, ph) = (x(col::STANCE)?, x(col::P_COOPERATIVE)?, x(col::P_NEUTRAL)?, x(col::P_HOSTILE)?);
    // Files written before the kind columns existed hold countries only.
    let kind = |n: &str| s(n).unwrap_or_else(|_| vec![country(); df.height()]);
    let (sk, tk) = (kind(col::SOURCE_KIND), kind(col::TARGET_KIND));
    let primary: Vec<bool> = match df.column(col::PRIMARY) {
        Ok(c) => c.bool()?.iter().map(|v| v.unwrap_or(true)).collect(),
        Err(_) => vec![true; df.height()],
    };
    // Files written before model v3 lack these: empty.
    let maybe_x = |n: &str| -> Result<Vec<Option<f64>>> {
        match df.column(n) {
            Ok(c) => Ok(c.cast(&DataType::Float64)?.f64()?.iter().collect()),
            Err(_) => Ok(vec![None; df.height()]),
        }
    };
    let (p_primary, p_quad) = (maybe_x(col::P_PRIMARY)?, maybe_x(col::P_QUAD)?);
    // Files written before the dedup keys lack them: empty (aggregation computes them).
    let keys: Vec<Vec<Option<i64>>> = col::DEDUP_KEYS
        .iter()
        .map(|n| match df.column(n) {
            Ok(c) => Ok(c.cast(&DataType::Int64)?.i64()?.iter().collect()),
            Err(_) => Ok(vec![None; df.height()]),
        })
        .collect::<Result<_>>()?;
    let quad: Vec<Option<Quad>> = match df.column(col::QUAD) {
        Ok(c) => c
            .cast(&DataType::String)?
            .str()?
            .iter()
            .enumerate()
            .map(|(k, v)| v.map(|q| q.parse::<Quad>().map_err(|e| anyhow::anyhow!("row {}: {e}", k + 1))).transpose())
            .collect::<Result<_>>()?,
        Err(_) => vec![None; df.height()],
    };
    Ok((0..df.height())
        .map(|k| ScoredRow {
            article_id: aid[k].clone(),
            date: from_epoch_days(days[k]),
            sentence_id: sid[k],
            start: start[k],
            end: end[k],
            sentence: sent[k].clone(),
            source: src[k].clone(),
            target: tgt[k].clone(),
            source_text: st[k].clone(),
            target_text: tt[k].clone(),
            stance: stance[k],
            label: labels[k],
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
            p_primary: p_primary[k],
            quad: quad[k],
            p_quad: p_quad[k],
            dedup_copy_key: keys[0][k],
            dedup_band_1: keys[1][k],
            dedup_band_2: keys[2][k],
            dedup_band_3: keys[3][k],
            dedup_band_4: keys[4][k],
            dedup_band_5: keys[5][k],
            dedup_band_6: keys[6][k],
        })
        .collect())
}

/// The checkpoint beside an output: one JSON line per finished article, so an interrupted
/// `dyad score` resumes where it stopped. Its rows are [`ScoredRow`]s, as in a JSONL output.
pub mod checkpoint {
    use super::ScoredRow;
    use anyhow::{Context, Result};
    use serde::{Deserialize, Serialize};
    use std::collections::HashSet;
    use std::io::{BufRead, BufReader, Write};
    use std::path::{Path, PathBuf};

    /// `OUT.partial.jsonl` beside `OUT`.
    pub fn path_for(output: &Path) -> PathBuf {
        let mut name = output.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(".partial.jsonl");
        output.with_file_name(name)
    }

    #[derive(Serialize, Deserialize)]
    struct Line {
        article_id: String,
        rows: Vec<ScoredRow>,
    }

    /// Finished articles and their rows; a torn last line (a crash mid-write) is dropped.
    pub fn read(path: &Path) -> Result<(HashSet<String>, Vec<ScoredRow>)> {
        let (mut done, mut rows) = (HashSet::new(), Vec::new());
        let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        for line in BufReader::new(f).lines() {
            let line = line?;
            if let Ok(c) = serde_json::from_str::<Line>(&line) {
                done.insert(c.article_id);
                rows.extend(c.rows);
            }
        }
        Ok((done, rows))
    }

    /// Appends finished articles.
    pub struct Writer(std::fs::File);

    impl Writer {
        pub fn open(path: &Path) -> Result<Writer> {
            let f = std::fs::OpenOptions::new().create(true).append(true).open(path).with_context(|| format!("creating checkpoint {}", path.display()))?;
            Ok(Writer(f))
        }

        /// One article's rows (possibly none) as one line.
        pub fn append(&mut self, article_id: &str, rows: &[ScoredRow]) -> Result<()> {
            #[derive(Serialize)]
            struct LineRef<'a> {
                article_id: &'a str,
                rows: &'a [ScoredRow],
            }
            serde_json::to_writer(&mut self.0, &LineRef { article_id, rows })?;
            self.0.write_all(b"\n")?;
            Ok(())
        }

        pub fn flush(&mut self) -> Result<()> {
            Ok(self.0.flush()?)
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn row(article: &str, date: &str, source: &str, target: &str, stance: f64) -> ScoredRow {
        let (pc, ph) = if stance >= 0.0 { (stance, 0.0) } else { (0.0, -stance) };
        ScoredRow {
            article_id: article.into(),
            date: crate::dates::parse_date(date).expect("test date"),
            sentence_id: 0,
            start: 0,
            end: 10,
            sentence: format!("{source} and {target}, said \"x\""),
            source: source.into(),
            target: target.into(),
            source_text: source.into(),
            target_text: target.into(),
            stance,
            label: if stance > 0.0 { Label::Cooperative } else if stance < 0.0 { Label::Hostile } else { Label::Neutral },
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
            p_primary: Some(0.9),
            quad: (stance != 0.0).then_some(if stance > 0.0 { Quad::VerbalCooperation } else { Quad::MaterialConflict }),
            p_quad: (stance != 0.0).then_some(0.75),
            // Without keys, as in files scored before them: tests that change the sentence
            // (`ScoredRow { sentence, ..row(…) }`) get dedup computed from their text.
            dedup_copy_key: None,
            dedup_band_1: None,
            dedup_band_2: None,
            dedup_band_3: None,
            dedup_band_4: None,
            dedup_band_5: None,
            dedup_band_6: None,
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

    /// A Parquet file that looks like dyad output but has the wrong types is refused with the
    /// file, the column and what was expected.
    #[test]
    fn wrong_types_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let good = rows_to_frame(&[row("a", "2025-02-04", "IRN", "AZE", 0.5)]).unwrap();
        let write = |name: &str, mut df: DataFrame| {
            let p = dir.path().join(name);
            write_frame(&mut df, &p).unwrap();
            p
        };
        let mut string_date = good.clone();
        string_date.with_column(Column::new(col::DATE.into(), ["2025-02-04"])).unwrap();
        let e = read_scored(&write("d.parquet", string_date)).unwrap_err().to_string();
        assert!(e.contains("d.parquet") && e.contains("\"date\" is str") && e.contains("expected a date"), "{e}");
        let mut text_stance = good.clone();
        text_stance.with_column(Column::new(col::STANCE.into(), ["high"])).unwrap();
        let e = read_scored(&write("s.parquet", text_stance)).unwrap_err().to_string();
        assert!(e.contains("\"stance\"") && e.contains("expected a number"), "{e}");
        let mut null_source = good.clone();
        null_source.with_column(Column::new(col::SOURCE.into(), [None::<&str>])).unwrap();
        let e = read_scored(&write("n.parquet", null_source)).unwrap_err().to_string();
        assert!(e.contains("1 rows have no \"source\""), "{e}");
        assert!(read_scored(&write("ok.parquet", good)).is_ok());
    }

    /// A frame written a slice at a time is the file `write_frame` writes of the whole (CSV and
    /// JSON lines byte for byte, Parquet row for row), and nothing appears under the name of a
    /// sink dropped before `finish`.
    #[test]
    fn a_frame_written_in_slices_is_the_whole_frame() {
        let dir = tempfile::tempdir().unwrap();
        let rows: Vec<ScoredRow> = (0..23).map(|k| row(&format!("a{k}"), &format!("2025-02-{:02}", k + 1), "IRN", "AZE", k as f64 / 23.0 - 0.5)).collect();
        let whole = rows_to_frame(&rows).unwrap();
        for ext in ["parquet", "csv", "jsonl"] {
            let (one, sliced) = (dir.path().join(format!("one.{ext}")), dir.path().join(format!("sub/sliced.{ext}")));
            write_frame(&mut whole.clone(), &one).unwrap();
            let mut sink = FrameSink::create(Some(&sliced)).unwrap();
            for offset in (0..23).step_by(5) {
                sink.write(&whole.slice(offset, 5)).unwrap();
                assert!(!sliced.exists(), "{ext}: visible before finish");
            }
            assert_eq!(sink.finish().unwrap(), 23, "{ext}");
            if ext == "parquet" {
                assert!(read_scored(&sliced).unwrap().equals_missing(&read_scored(&one).unwrap()), "{ext}");
                let row_groups = ParquetReader::new(std::fs::File::open(&sliced).unwrap()).get_metadata().unwrap().row_groups.len();
                assert_eq!(row_groups, 5, "a row group per slice");
            } else {
                assert_eq!(std::fs::read(&sliced).unwrap(), std::fs::read(&one).unwrap(), "{ext}");
            }
            let dropped = dir.path().join(format!("dropped.{ext}"));
            let mut sink = FrameSink::create(Some(&dropped)).unwrap();
            sink.write(&whole.slice(0, 5)).unwrap();
            drop(sink);
            assert!(!dropped.exists() && std::fs::read_dir(dir.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().contains(".tmp")), "{ext}");
        }
        assert!(FrameSink::create(Some(&dir.path().join("x.xlsx"))).is_err());
        let empty = FrameSink::create(Some(&dir.path().join("empty.csv"))).unwrap();
        assert!(empty.finish().unwrap_err().to_string().contains("nothing was written"));
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
