//! Stage 1: read articles from JSONL, CSV, Parquet and plain-text files (or directories of
//! them, `.gz` too). A bad record becomes an [`IngestError`] naming file, line and reason;
//! the caller decides whether to skip it (default) or stop (`--strict`).
use crate::dates::{parse_date, plausible_news_date};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use regex::Regex;
use serde::Deserialize;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One news article, the unit every output row is traced back to.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub id: String,
    pub date: NaiveDate,
    pub text: String,
    pub title: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// Where the record starts in its file: the line (JSONL, CSV: lines, not records, so
    /// blank lines and quoted line breaks count), the 1-based row (Parquet), 1 (plain text).
    pub line: usize,
}

/// A record that could not be read; `line` is 1-based (0 when the whole file is bad).
#[derive(Debug, Clone, PartialEq)]
pub struct IngestError {
    pub file: PathBuf,
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.reason)
    }
}

#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Date for records (and `.txt` articles) that carry none.
    pub default_date: Option<NaiveDate>,
}

/// Input formats, chosen by extension (after an optional `.gz`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Csv,
    Parquet,
    Text,
}

pub fn format_of(path: &Path) -> Option<(Format, bool)> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let (name, gz) = match name.strip_suffix(".gz") {
        Some(n) => (n.to_string(), true),
        None => (name, false),
    };
    let ext = name.rsplit('.').next()?;
    let f = match ext {
        "jsonl" | "ndjson" | "json" => Format::Jsonl,
        "csv" => Format::Csv,
        "parquet" => Format::Parquet,
        "txt" => Format::Text,
        _ => return None,
    };
    Some((f, gz))
}

/// Expands directories (recursively, sorted) into the input files they hold.
pub fn expand_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading directory {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            let files: Vec<PathBuf> = entries.into_iter().filter(|e| e.is_dir() || format_of(e).is_some()).collect();
            out.extend(expand_inputs(&files)?);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            anyhow::bail!("{}: no such file or directory", p.display());
        }
    }
    Ok(out)
}

/// Reads every article of one file, calling `sink` with each article or error in order.
pub fn read_file(path: &Path, opts: &IngestOptions, sink: &mut dyn FnMut(Result<Article, IngestError>)) {
    let err = |line: usize, reason: String| IngestError { file: path.to_path_buf(), line, reason };
    let Some((format, gz)) = format_of(path) else {
        sink(Err(err(0, "unknown input format (expected .jsonl, .csv, .parquet or .txt, optionally .gz)".into())));
        return;
    };
    let reader: Box<dyn Read> = match std::fs::File::open(path) {
        Ok(f) if gz => Box::new(flate2::read::MultiGzDecoder::new(f)),
        Ok(f) => Box::new(f),
        Err(e) => return sink(Err(err(0, format!("cannot open: {e}")))),
    };
    // Records without an id are named by file and line, so two files' line 3 stay two articles.
    let origin = path.display().to_string();
    match format {
        Format::Jsonl => read_jsonl(reader, opts, &err, sink, &origin),
        Format::Csv => read_csv(reader, opts, &err, sink, &origin),
        Format::Parquet => read_parquet(reader, opts, &err, sink, &origin),
        Format::Text => {
            let mut text = String::new();
            if let Err(e) = BufReader::new(reader).read_to_string(&mut text) {
                return sink(Err(err(0, format!("not UTF-8 text: {e}"))));
            }
            let id = path.file_name().and_then(|s| s.to_str()).unwrap_or("article");
            let id = id.trim_end_matches(".gz").trim_end_matches(".txt").to_string();
            sink(text_article(id, text, opts).map_err(|reason| err(1, reason)));
        }
    }
}

/// The raw fields of a record before validation.
#[derive(Debug, Default, Deserialize)]
struct RawRecord {
    #[serde(default, deserialize_with = "string_or_number")]
    id: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v: Option<serde_json::Value> = Option::deserialize(d)?;
    Ok(match v {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

fn validate(raw: RawRecord, fallback_id: String, line: usize, opts: &IngestOptions) -> Result<Article, String> {
    let text = raw.text.filter(|t| !t.trim().is_empty()).ok_or("missing or empty field \"text\"")?;
    let id = raw.id.filter(|s| !s.trim().is_empty()).unwrap_or(fallback_id);
    let date = match raw.date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => plausible_news_date(parse_date(s).ok_or_else(|| format!("unreadable date {s:?} (expected YYYY-MM-DD)"))?)?,
        None => opts.default_date.ok_or("missing field \"date\" (pass --date to supply one)")?,
    };
    Ok(Article { id, date, text, title: raw.title, source: raw.source, url: raw.url, line })
}

fn read_jsonl(
    reader: Box<dyn Read>,
    opts: &IngestOptions,
    err: &dyn Fn(usize, String) -> IngestError,
    sink: &mut dyn FnMut(Result<Article, IngestError>),
    origin: &str,
) {
    // Lines are read as bytes and decoded one by one: a line of invalid UTF-8 is one bad
    // record, not the end of the file.
    let mut reader = BufReader::new(reader);
    let mut bytes = Vec::new();
    let mut n = 0usize;
    loop {
        bytes.clear();
        match reader.read_until(b'\n', &mut bytes) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => return sink(Err(err(n + 1, format!("read error: {e}")))),
        }
        n += 1;
        let mut line = bytes.as_slice();
        if n == 1 {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line); // a UTF-8 byte-order mark
        }
        let line = match std::str::from_utf8(line) {
            Ok(l) => l,
            Err(e) => {
                sink(Err(err(n, format!("not valid UTF-8 (at byte {} of the line)", e.valid_up_to()))));
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let rec = serde_json::from_str::<RawRecord>(line.trim_end()).map_err(|e| format!("invalid JSON: {e}"));
        sink(rec.and_then(|r| validate(r, format!("{origin}:{n}"), n, opts)).map_err(|reason| err(n, reason)));
    }
}

fn read_csv(
    reader: Box<dyn Read>,
    opts: &IngestOptions,
    err: &dyn Fn(usize, String) -> IngestError,
    sink: &mut dyn FnMut(Result<Article, IngestError>),
    origin: &str,
) {
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(reader);
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => return sink(Err(err(1, format!("bad CSV header: {e}")))),
    };
    for rec in rdr.records() {
        match rec {
            Ok(r) => {
                let line = r.position().map(|p| p.line() as usize).unwrap_or(0);
                let raw = r.deserialize::<RawRecord>(Some(&headers)).map_err(|e| format!("bad CSV record: {e}"));
                sink(raw.and_then(|raw| validate(raw, format!("{origin}:{line}"), line, opts)).map_err(|reason| err(line, reason)));
            }
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                sink(Err(err(line, format!("bad CSV record: {e}"))));
            }
        }
    }
}

fn read_parquet(
    mut reader: Box<dyn Read>,
    opts: &IngestOptions,
    err: &dyn Fn(usize, String) -> IngestError,
    sink: &mut dyn FnMut(Result<Article, IngestError>),
    origin: &str,
) {
    use polars::prelude::*;
    let mut bytes = Vec::new();
    if let Err(e) = reader.read_to_end(&mut bytes) {
        return sink(Err(err(0, format!("read error: {e}"))));
    }
    let df = match ParquetReader::new(std::io::Cursor::new(bytes)).finish() {
        Ok(df) => df,
        Err(e) => return sink(Err(err(0, format!("not a Parquet file: {e}")))),
    };
    let column = |name: &str| -> Option<Vec<Option<String>>> {
        let c = df.column(name).ok()?.cast(&DataType::String).ok()?;
        let ca = c.str().ok()?.clone();
        Some(ca.iter().map(|v| v.map(str::to_string)).collect())
    };
    let n = df.height();
    let get = |c: &Option<Vec<Option<String>>>, i: usize| c.as_ref().and_then(|v| v[i].clone());
    let (ids, dates, texts, titles, sources, urls) =
        (column("id"), column("date"), column("text"), column("title"), column("source"), column("url"));
    for i in 0..n {
        let raw = RawRecord {
            id: get(&ids, i),
            date: get(&dates, i),
            text: get(&texts, i),
            title: get(&titles, i),
            source: get(&sources, i),
            url: get(&urls, i),
        };
        // Parquet has no lines: report the 1-based row number instead.
        sink(validate(raw, format!("{origin}:row-{}", i + 1), i + 1, opts).map_err(|reason| err(i + 1, format!("row {}: {reason}", i + 1))));
    }
}

fn byline_date_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}").unwrap()
    })
}

/// A plain-text article: the date comes from its byline ("By Nigar Bayramli February 4, 2025"),
/// looked for in the lines starting with "By " first, then in the first lines of the text.
pub fn text_article(id: String, text: String, opts: &IngestOptions) -> Result<Article, String> {
    if text.trim().is_empty() {
        return Err("empty text".into());
    }
    let head: Vec<&str> = text.lines().take(20).collect();
    let in_byline = head.iter().filter(|l| l.trim_start().starts_with("By ")).find_map(|l| byline_date_regex().find(l));
    let date = in_byline
        .and_then(|m| parse_date(m.as_str()))
        .or(opts.default_date)
        .or_else(|| head.iter().find_map(|l| byline_date_regex().find(l)).and_then(|m| parse_date(m.as_str())));
    let date = date.ok_or("no date in the byline (expected e.g. \"By Name February 4, 2025\"); pass --date")?;
    let title = head.iter().map(|l| l.trim()).find(|l| l.len() > 20 && !l.starts_with("By ") && !l.starts_with("Last update"));
    Ok(Article { id, date, title: title.map(str::to_string), text, source: None, url: None, line: 1 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn collect(path: &Path, opts: &IngestOptions) -> (Vec<Article>, Vec<IngestError>) {
        let (mut ok, mut bad) = (vec![], vec![]);
        read_file(path, opts, &mut |r| match r {
            Ok(a) => ok.push(a),
            Err(e) => bad.push(e),
        });
        (ok, bad)
    }

    #[test]
    fn jsonl_bad_lines_are_reported_and_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl");
        std::fs::write(
            &p,
            "{\"id\":\"a\",\"date\":\"2020-01-02\",\"text\":\"Iran met Iraq.\"}\n{not json\n\n{\"id\":7,\"date\":\"2020-01-03\",\"text\":\"x\"}\n{\"id\":\"c\",\"text\":\"no date\"}\n",
        )
        .unwrap();
        let (ok, bad) = collect(&p, &IngestOptions::default());
        assert_eq!(ok.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["a", "7"]);
        assert_eq!(bad.len(), 2);
        assert_eq!(bad[0].line, 2);
        assert!(bad[0].to_string().contains("a.jsonl:2: invalid JSON"), "{}", bad[0]);
        assert_eq!(bad[1].line, 5);
        assert!(bad[1].reason.contains("date"));
    }

    /// Invalid UTF-8 on one line is that line's error: the lines after it are still read. A
    /// byte-order mark and CRLF endings are read as a newsroom's export writes them; impossible
    /// and typeset dates are told apart; records without an id are named by file and line.
    #[test]
    fn jsonl_survives_bad_bytes_bom_crlf_and_odd_dates() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("odd.jsonl");
        let mut body: Vec<u8> = b"\xEF\xBB\xBF{\"id\":\"a\",\"date\":\"2020-01-02\",\"text\":\"Iran met Iraq.\"}\r\n".to_vec();
        body.extend_from_slice(b"{\"id\":\"b\",\"date\":\"2020-01-02\",\"text\":\"caf\xE9 \xFF\"}\n");
        body.extend_from_slice("{\"id\":\"c\",\"date\":\"2020\u{2013}01\u{2013}03\",\"text\":\"Iran met Iraq.\"}\n".as_bytes());
        body.extend_from_slice("{\"id\":\"d\",\"date\":\"0001-01-01\",\"text\":\"Iran met Iraq.\"}\n".as_bytes());
        body.extend_from_slice("{\"date\":\"2020年1月4日\",\"text\":\"Iran met Iraq.\"}\n".as_bytes());
        std::fs::write(&p, body).unwrap();
        let (ok, bad) = collect(&p, &IngestOptions::default());
        let ids: Vec<&str> = ok.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids.len(), 3, "{ids:?} {bad:?}");
        assert_eq!((ids[0], ids[1]), ("a", "c"));
        assert_eq!(ids[2], format!("{}:5", p.display()), "an id-less record is named by file and line");
        assert_eq!(ok[1].date, NaiveDate::from_ymd_opt(2020, 1, 3).unwrap());
        assert_eq!(ok[2].date, NaiveDate::from_ymd_opt(2020, 1, 4).unwrap());
        assert_eq!(bad.len(), 2);
        assert_eq!((bad[0].line, bad[1].line), (2, 4));
        assert!(bad[0].reason.contains("not valid UTF-8"), "{}", bad[0]);
        assert!(bad[1].reason.contains("impossible date 0001-01-01"), "{}", bad[1]);
    }

    #[test]
    fn gz_csv_and_default_date() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.csv.gz");
        let mut gz = flate2::write::GzEncoder::new(std::fs::File::create(&p).unwrap(), flate2::Compression::fast());
        gz.write_all(b"id,text,date\nx1,\"Turkey warned Syria, again.\",2019-10-09\nx2,\"No date here.\",\nx3,,2019-10-10\n").unwrap();
        gz.finish().unwrap();
        let opts = IngestOptions { default_date: NaiveDate::from_ymd_opt(2019, 1, 1) };
        let (ok, bad) = collect(&p, &opts);
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].text, "Turkey warned Syria, again.");
        assert_eq!(ok[1].date, NaiveDate::from_ymd_opt(2019, 1, 1).unwrap());
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 4);
    }

    #[test]
    fn directories_expand_to_supported_files_in_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        for f in ["b.jsonl", "a.txt", "sub/c.csv.gz", "notes.md"] {
            std::fs::write(dir.path().join(f), "").unwrap();
        }
        let files = expand_inputs(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<String> = files.iter().map(|f| f.strip_prefix(dir.path()).unwrap().display().to_string()).collect();
        assert_eq!(names, ["a.txt", "b.jsonl", "sub/c.csv.gz"]);
        assert!(expand_inputs(&[dir.path().join("missing.jsonl")]).unwrap_err().to_string().contains("no such file"));
    }

    #[test]
    fn reference_article_date_from_byline() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/archives/iran_azerbaijan_2025-02-04.txt");
        let (ok, bad) = collect(&p, &IngestOptions::default());
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(ok[0].date, NaiveDate::from_ymd_opt(2025, 2, 4).unwrap());
        assert_eq!(ok[0].id, "iran_azerbaijan_2025-02-04");
        // The "Last update: February 10" line is not the byline.
        let e = text_article("t".into(), "Some headline\nno dates anywhere".into(), &IngestOptions::default()).unwrap_err();
        assert!(e.contains("--date"));
    }
}
