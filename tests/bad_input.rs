//! The bad-input catalogue: every kind of broken input a real archive has, each with the
//! outcome a user is promised (README, "Exit codes"): an error naming file, line (or row) and
//! reason; the rest of the input read, scored and counted; the exit code. The fixtures are
//! generated here (the large and binary ones cannot sensibly live in git).
use crate::support::dyad;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

const GOOD: &str = "Iran and Azerbaijan agreed to expand trade and friendly ties.";

fn rec(id: &str, date: &str, text: &str) -> String {
    format!("{{\"id\":\"{id}\",\"date\":\"{date}\",\"text\":\"{text}\"}}\n")
}

/// Writes the catalogue's input directory; returns it with the number of records that must
/// be read and the (file:line: reason) fragments that must be reported.
fn write_catalogue(dir: &Path) -> (PathBuf, usize, Vec<String>) {
    let d = dir.join("in");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    let w = |name: &str, bytes: &[u8]| std::fs::write(d.join(name), bytes).unwrap();
    let mut good = 0;

    w("a_good.jsonl", format!("{}{}", rec("g1", "2024-01-10", GOOD), rec("g2", "2024-01-11", GOOD)).as_bytes());
    good += 2;
    // Invalid UTF-8 on line 2: lines 1 and 3 are still read.
    let mut utf8 = rec("u1", "2024-01-10", GOOD).into_bytes();
    utf8.extend_from_slice(b"{\"id\":\"u2\",\"date\":\"2024-01-10\",\"text\":\"caf\xE9 \xFF\"}\n");
    utf8.extend_from_slice(rec("u3", "2024-01-10", GOOD).as_bytes());
    w("b_utf8.jsonl", &utf8);
    good += 2;
    // Malformed JSON, a blank line, then a good record on line 3; CRLF endings and a BOM.
    w("c_json.jsonl", format!("\u{feff}{{bad json\r\n\r\n{}", rec("j3", "2024-01-10", GOOD).replace('\n', "\r\n")).as_bytes());
    good += 1;
    w(
        "d_dates.jsonl",
        format!(
            "{{\"id\":\"d1\",\"text\":\"{GOOD}\"}}\n{}{}{}{}",
            rec("d2", "yesterday", GOOD),
            rec("d3", "2021-02-30", GOOD),
            rec("d4", "0001-01-01", GOOD),
            rec("d5", "2024\u{2013}01\u{2013}12", GOOD)
        )
        .as_bytes(),
    );
    good += 1;
    w("e_text.jsonl", format!("{}{}{{\"id\":\"t3\",\"date\":\"2024-01-10\"}}\n", rec("t1", "2024-01-10", ""), rec("t2", "2024-01-10", "   ")).as_bytes());
    // No id: named by file and line, so the two files' line 1 stay two articles.
    w("f_noid.jsonl", format!("{{\"date\":\"2024-01-10\",\"text\":\"{GOOD}\"}}\n").as_bytes());
    w("sub/f_noid.jsonl", format!("{{\"date\":\"2024-01-10\",\"text\":\"{GOOD}\"}}\n").as_bytes());
    good += 2;
    // A 5 MB article (no country in it, so it costs no model time) is read whole.
    let big = "The committee met again and discussed the budget at length. ".repeat(5 * 1024 * 1024 / 61);
    w("g_big.jsonl", rec("big", "2024-01-10", &big).as_bytes());
    good += 1;
    // A binary file with a text extension; an empty file (nothing to read, no error).
    w("h_binary.txt", &(0..4096u32).map(|i| (i.wrapping_mul(2654435761u32) >> 13) as u8).collect::<Vec<u8>>());
    w("i_empty.jsonl", b"");
    // gzip: truncated (a good record is lost with the rest of the stream), and not gzip at all.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for k in 0..200 {
        gz.write_all(rec(&format!("z{k}"), "2024-01-10", GOOD).as_bytes()).unwrap();
    }
    let gz = gz.finish().unwrap();
    w("j_truncated.jsonl.gz", &gz[..gz.len() / 2]);
    w("k_corrupt.csv.gz", b"this is not gzip data at all");
    // CSV: a missing text column; a BOM, a quoted line break, and a bad record on line 4.
    w("l_nocols.csv", b"id,date\nn1,2024-01-10\n");
    w("m_quoted.csv", format!("\u{feff}id,date,text\nq1,2024-01-10,\"{GOOD}\nsecond line\"\nq2,,{GOOD}\n").as_bytes());
    good += 1;
    // Duplicate id (of a_good.jsonl's g1), after a blank line: reported on line 2, not 1.
    w("z_dup.jsonl", format!("\n{}", rec("g1", "2024-02-01", GOOD)).as_bytes());
    // Not an input format: ignored inside a directory.
    w("notes.md", b"# not an archive\n");

    let reported = [
        "b_utf8.jsonl:2: not valid UTF-8",
        "c_json.jsonl:1: invalid JSON",
        "d_dates.jsonl:1: missing field \"date\"",
        "d_dates.jsonl:2: unreadable date \"yesterday\"",
        "d_dates.jsonl:3: unreadable date \"2021-02-30\"",
        "d_dates.jsonl:4: impossible date 0001-01-01",
        "e_text.jsonl:1: missing or empty field \"text\"",
        "e_text.jsonl:2: missing or empty field \"text\"",
        "e_text.jsonl:3: missing or empty field \"text\"",
        "h_binary.txt:0: not UTF-8 text",
        "j_truncated.jsonl.gz",
        "k_corrupt.csv.gz",
        "l_nocols.csv:2: missing or empty field \"text\"",
        "m_quoted.csv:4: missing field \"date\"",
        "z_dup.jsonl:2: duplicate article id \"g1\"",
    ];
    (d, good, reported.iter().map(|s| s.to_string()).collect())
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn catalogue_of_bad_archive_input() {
    let dir = tempfile::tempdir().unwrap();
    let (input, good, reported) = write_catalogue(dir.path());
    let out = dir.path().join("scored.csv");
    let o = dyad().arg("score").arg(&input).arg("-o").arg(&out).arg("--quiet").output().unwrap();
    let all = text(&o);
    assert_eq!(o.status.code(), Some(3), "records skipped → exit 3\n{all}");
    for r in &reported {
        assert!(all.contains(r.as_str()), "not reported: {r}\n{all}");
    }
    // Every good record was read and scored; every bad one counted.
    let rows = dyad_core::store::frame_to_rows(&dyad_core::store::read_scored(&out).unwrap()).unwrap();
    let articles: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.article_id.as_str()).collect();
    for id in ["g1", "g2", "u1", "u3", "j3", "d5", "q1"] {
        assert!(articles.contains(id), "{id} missing from {articles:?}");
    }
    assert!(articles.iter().filter(|a| a.ends_with("f_noid.jsonl:1")).count() == 2, "{articles:?}");
    assert!(rows.iter().filter(|r| r.article_id == "g1").all(|r| r.date.to_string() == "2024-01-10"), "the first g1 is kept");
    let summary = all.lines().find(|l| l.contains("articles read")).unwrap_or_default().to_string();
    // The truncated gzip yields some of its 200 records before the cut: at least `good` read.
    let read: usize = summary.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(read >= good + reported.len(), "{summary}");
    assert!(summary.contains(&format!("{} skipped", reported.len())), "{summary}\n{all}");
}

#[test]
fn fatal_input_and_output_errors_fail_before_scoring() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.jsonl");
    std::fs::write(&good, rec("g1", "2024-01-10", GOOD)).unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    // A directory named like a scored file is a mistake (a plain directory or DIR/ is a dataset).
    let dir_named_like_a_file = dir.path().join("named.parquet");
    std::fs::create_dir(&dir_named_like_a_file).unwrap();
    let cases: Vec<(Vec<std::ffi::OsString>, i32, &str)> = vec![
        (vec!["score".into(), dir.path().join("missing.jsonl").into(), "-o".into(), dir.path().join("o.csv").into()], 1, "missing.jsonl"),
        (vec!["score".into(), good.clone().into(), "-o".into(), dir_named_like_a_file.clone().into()], 1, "is a directory"),
        (vec!["score".into(), good.clone().into(), "-o".into(), file.join("o.csv").into()], 1, "plain-file"),
        (vec!["score".into(), good.clone().into(), "-o".into(), dir.path().join("o.xlsx").into()], 1, "o.xlsx"),
        (vec!["score".into(), good.clone().into(), "-o".into(), dir.path().join("o.csv").into(), "--threads".into(), "0".into()], 2, "threads"),
    ];
    for (args, code, says) in cases {
        let o = dyad().args(&args).output().unwrap();
        let all = text(&o);
        assert_eq!(o.status.code(), Some(code), "{args:?}\n{all}");
        assert!(all.contains(says), "{args:?} should mention {says:?}\n{all}");
        assert!(!dir.path().join("o.csv").exists(), "{args:?} wrote an output");
    }
    // An explicit file of no known format is one skipped input, named.
    let docx = dir.path().join("report.docx");
    std::fs::write(&docx, "x").unwrap();
    let o = dyad().arg("score").arg(&good).arg(&docx).arg("-o").arg(dir.path().join("o.csv")).arg("--quiet").output().unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("report.docx:0: unknown input format"), "{}", text(&o));
}

#[test]
fn catalogue_of_bad_scored_input() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    std::fs::write(p("nocols.csv"), "a,b\n1,2\n").unwrap();
    std::fs::write(p("empty.csv"), "").unwrap();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/sample_scored.csv");
    let header = std::fs::read_to_string(&golden).unwrap().lines().next().unwrap().to_string();
    std::fs::write(p("header_only.csv"), format!("{header}\n")).unwrap();
    let mut other = df!("x" => [1i64, 2], "y" => ["a", "b"]).unwrap();
    ParquetWriter::new(std::fs::File::create(p("other.parquet")).unwrap()).finish(&mut other).unwrap();
    // Wrong types: the p_hostile column as text.
    let mut rdr = csv::Reader::from_path(&golden).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let hostile = headers.iter().position(|c| c == "p_hostile").unwrap();
    let mut wtr = csv::Writer::from_path(p("wrongtype.csv")).unwrap();
    wtr.write_record(&headers).unwrap();
    for r in rdr.records().take(3) {
        let r = r.unwrap();
        wtr.write_record(r.iter().enumerate().map(|(k, v)| if k == hostile { "high" } else { v })).unwrap();
    }
    wtr.flush().unwrap();
    drop(wtr);

    let s = |f: &Path, extra: &[&str]| {
        let o = dyad().arg("series").arg(f).args(extra).arg("-o").arg(p("s.csv")).output().unwrap();
        (o.status.code(), text(&o))
    };
    for (file, says) in [
        ("nocols.csv", "nocols.csv"),
        ("empty.csv", "empty.csv"),
        ("other.parquet", "other.parquet"),
        ("wrongtype.csv", "p_hostile"),
        ("missing.parquet", "missing.parquet"),
    ] {
        let (code, all) = s(&p(file), &["--every", "1mo"]);
        assert_eq!(code, Some(1), "{file}: {all}");
        assert!(all.contains(says), "{file} should name {says:?}: {all}");
    }
    // No rows at all is an empty series, not an error; an unknown pair is an error that names it.
    let (code, all) = s(&p("header_only.csv"), &["--every", "1mo"]);
    assert_eq!(code, Some(0), "{all}");
    let (code, all) = s(&golden, &["--every", "1mo", "--pair", "XXX-Narnia"]);
    assert_ne!(code, Some(0), "{all}");
    assert!(all.contains("Narnia"), "{all}");
    // A bad period is refused by the argument parser (exit 2) with the accepted forms.
    let (code, all) = s(&golden, &["--every", "3x"]);
    assert_eq!(code, Some(2), "{all}");
    assert!(all.contains("3x"), "{all}");
    let o = dyad().arg("top").arg(&golden).args(["--from", "2018-13-01..2018-12-31", "--to", "2019-01-01..2019-06-30"]).output().unwrap();
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("2018-13-01"), "{}", text(&o));
    let o = dyad().arg("compare").arg(p("other.parquet")).args(["USA-RUS", "USA-CHN"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("other.parquet"), "{}", text(&o));
}
