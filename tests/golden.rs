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
