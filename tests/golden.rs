//! Behaviour kept across refactors: the binary reproduces outputs committed in tests/golden/
//! (made by `tests/golden/regenerate.sh` with the code before the workspace split).
//!
//! Aggregation (series, compare, top) reads committed scored CSVs, so those comparisons do
//! not depend on the model and are byte for byte: `sample_scored_v11.csv` (scored before model
//! v3) with `--all-rows` must give what every row gave before v3, and without it what
//! `--primary-only` gave; `sample_scored.csv` (model v3) feeds the `--quad` case. Scoring runs the real model: every column
//! is compared byte for byte except the four probability columns, which may differ in the
//! last digit where libtorch's kernels round differently on another CPU (≤ 2e-4).

use crate::support::dyad;
use std::path::{Path, PathBuf};

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name)
}

fn run(args: &[&str]) -> String {
    let out = dyad().args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "dyad {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

fn assert_same_file(produced: &Path, name: &str) {
    let (got, want) = (std::fs::read_to_string(produced).unwrap(), std::fs::read_to_string(golden(name)).unwrap());
    if got != want {
        let line = got.lines().zip(want.lines()).position(|(a, b)| a != b).unwrap_or(got.lines().count().min(want.lines().count()));
        panic!(
            "{name} differs from the golden output at line {}:\n got: {:?}\nwant: {:?}",
            line + 1,
            got.lines().nth(line),
            want.lines().nth(line)
        );
    }
}

#[test]
fn aggregation_reproduces_the_golden_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let scored = golden("sample_scored_v11.csv");
    let scored = scored.to_str().unwrap();
    let v3 = golden("sample_scored.csv");
    let v3 = v3.to_str().unwrap();
    let out = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let cases: &[(&str, &[&str])] = &[
        ("series_directed.csv", &["series", scored, "--every", "1y", "--all-rows"]),
        ("series_undirected.csv", &["series", scored, "--every", "1y", "--undirected", "--all-rows"]),
        ("series_primary_spikes.csv", &["series", scored, "--every", "1q", "--exclude-neutral", "--smooth", "2", "--spikes"]),
        ("series_primary_spikes.csv", &["series", scored, "--every", "1q", "--primary-only", "--exclude-neutral", "--smooth", "2", "--spikes"]),
        ("series_per_article.csv", &["series", scored, "--every", "1y", "--per-article", "--confidence-weighted", "--no-dedup", "--all-rows"]),
        ("series_quad_conflict.csv", &["series", v3, "--every", "1y", "--undirected", "--quad", "material_conflict", "--quad", "verbal_conflict"]),
    ];
    for (name, args) in cases {
        let o = out(name);
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["-o", &o]);
        run(&a);
        assert_same_file(Path::new(&o), name);
    }
    let o = out("compare_wide.csv");
    let text = run(&["compare", scored, "USA-RUS", "USA-CHN", "USA-IRN", "--undirected", "--every", "1y", "--all-rows", "-o", &o]);
    assert_same_file(Path::new(&o), "compare_wide.csv");
    assert_eq!(text, std::fs::read_to_string(golden("compare.txt")).unwrap(), "compare's printed table changed");
    let o = out("top.csv");
    run(&["top", scored, "--from", "2012-01-01..2016-12-31", "--to", "2017-01-01..2022-12-31", "--min-statements", "2", "--all-rows", "-o", &o]);
    assert_same_file(Path::new(&o), "top.csv");
}

#[test]
fn scoring_the_sample_reproduces_the_golden_rows() {
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("scored.csv");
    run(&["score", "data/sample/huffpost_sample.jsonl", "-o", o.to_str().unwrap(), "--quiet"]);
    crate::support::assert_same_scored_csv(&o, &golden("sample_scored.csv"));
}

/// Dedup from the key columns `dyad score` writes finds the same republished statements as
/// dedup from the sentence text (what files scored before the keys get), in the library and
/// through the binary: the golden sample plus copies of its first 40 articles one to three days
/// later, every other copy edited as outlets do (a dateline-like attribution added).
#[test]
fn dedup_from_key_columns_equals_dedup_from_text() {
    use dyad_core::schema::scored::{DEDUP_KEYS, SENTENCE};
    use dyad_core::store::{frame_to_rows, read_for_aggregation, read_scored, rows_to_frame, write_frame, ScoredRow};
    let rows = frame_to_rows(&read_scored(&golden("sample_scored.csv")).unwrap()).unwrap();
    for r in &rows {
        assert_eq!(r.clone().with_dedup_keys(), *r, "dyad score writes each sentence's keys");
    }
    let mut articles: Vec<&str> = Vec::new();
    for r in &rows {
        if !articles.contains(&r.article_id.as_str()) {
            articles.push(&r.article_id);
        }
    }
    let mut all = rows.clone();
    let mut exact_copies = 0;
    for (k, a) in articles.iter().take(40).enumerate() {
        for r in rows.iter().filter(|r| r.article_id == *a) {
            let mut copy = ScoredRow { article_id: format!("{a}-reprint"), date: r.date + chrono::Days::new(1 + k as u64 % 3), ..r.clone() };
            if k % 2 == 1 {
                copy.sentence = format!("{}, officials said on Monday in a statement", r.sentence);
            } else {
                exact_copies += 1;
            }
            all.push(copy.with_dedup_keys());
        }
    }
    let mut with_keys = rows_to_frame(&all).unwrap();
    let mut text_only = with_keys.drop_many(DEDUP_KEYS.iter().copied());
    let from_keys = dyad_core::aggregate::republished(&with_keys).unwrap();
    let from_text = dyad_core::aggregate::republished(&text_only).unwrap();
    assert_eq!(from_keys, from_text);
    let removed = from_keys.iter().filter(|d| **d).count();
    assert!(removed >= exact_copies && exact_copies > 50, "{removed} removed, {exact_copies} exact copies");

    // Through the binary: the same series and the same count, the file without keys with a note;
    // the file with keys is read without its sentence text.
    let dir = tempfile::tempdir().unwrap();
    let (keyed, old) = (dir.path().join("keyed.parquet"), dir.path().join("old.parquet"));
    write_frame(&mut with_keys, &keyed).unwrap();
    write_frame(&mut text_only, &old).unwrap();
    let (df, from_text) = read_for_aggregation(&keyed, &[], true).unwrap();
    assert!(!from_text && df.column(SENTENCE).is_err(), "keys, not text");
    let (df, from_text) = read_for_aggregation(&old, &[], true).unwrap();
    assert!(from_text && df.column(SENTENCE).is_ok(), "text where there are no keys");
    let series = |input: &Path| {
        let o = dir.path().join(format!("{}.csv", input.file_stem().unwrap().to_str().unwrap()));
        let out = dyad().args(["series", input.to_str().unwrap(), "--every", "1q", "-o", o.to_str().unwrap()]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (std::fs::read_to_string(o).unwrap(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let ((a, said_a), (b, said_b)) = (series(&keyed), series(&old));
    assert_eq!(a, b, "the same series either way");
    let count = |said: &str| -> usize {
        let line = said.lines().find(|l| l.contains("republished statements counted once")).unwrap_or_else(|| panic!("{said}"));
        line.split_whitespace().next().unwrap().parse().unwrap()
    };
    assert_eq!(count(&said_a), count(&said_b));
    assert!(count(&said_a) > 0, "{said_a}");
    assert!(!said_a.contains("no dedup key columns") && said_b.contains("no dedup key columns"), "{said_a}\n{said_b}");
}
