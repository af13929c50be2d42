//! The binary as a user runs it: score → series → compare, bad input, resume, charts.

use crate::support::dyad;
use std::path::Path;

/// Runs a `dyad score` over an archive with bad records: the output is written and the exit
/// code is 3 ("finished, records skipped").
fn run_skipping(cmd: &mut std::process::Command) -> (String, String) {
    let out = cmd.output().unwrap();
    let (so, se) = (String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string());
    assert_eq!(out.status.code(), Some(3), "expected exit 3 (records skipped): {cmd:?}\nstdout: {so}\nstderr: {se}");
    (so, se)
}

fn run_ok(cmd: &mut std::process::Command) -> (String, String) {
    let out = cmd.output().unwrap();
    let (so, se) = (String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string());
    assert!(out.status.success(), "failed: {cmd:?}\nstdout: {so}\nstderr: {se}");
    (so, se)
}

fn write_archive(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("archive.jsonl");
    std::fs::write(
        &p,
        concat!(
            "{\"id\":\"a1\",\"date\":\"2024-01-10\",\"text\":\"Iran condemned Azerbaijan over the corridor plan. Armenia and Azerbaijan signed a peace agreement.\"}\n",
            "{\"id\":\"a2\",\"date\":\"2024-02-12\",\"text\":\"Iran and Azerbaijan agreed to expand trade and friendly ties.\"}\n",
            "this line is not json\n",
            "{\"id\":\"a3\",\"text\":\"Iran warned Azerbaijan.\"}\n",
            "{\"id\":\"a4\",\"date\":\"2024-03-15\",\"text\":\"Azerbaijan accused Armenia of shelling its border villages.\"}\n",
        ),
    )
    .unwrap();
    p
}

#[test]
fn score_series_compare_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let archive = write_archive(dir.path());
    let scored = dir.path().join("scored.parquet");
    let (_, err) = run_skipping(dyad().arg("score").arg(&archive).arg("-o").arg(&scored).arg("--quiet"));
    assert!(err.contains("archive.jsonl:3: invalid JSON"), "{err}");
    assert!(err.contains("archive.jsonl:4: missing field \"date\""), "{err}");
    assert!(err.contains("5 articles read, 2 skipped"), "{err}");
    assert!(err.contains("2 records skipped (exit code 3)"), "{err}");
    assert!(!dyad_core::store::checkpoint::path_for(&scored).exists(), "checkpoint removed after success");
    let df = dyad_core::store::read_scored(&scored).unwrap();
    let rows = dyad_core::store::frame_to_rows(&df).unwrap();
    assert!(rows.iter().any(|r| r.article_id == "a1" && r.source == "IRN" && r.target == "AZE"));
    assert!(rows.iter().any(|r| r.article_id == "a4" && r.source == "AZE" && r.target == "ARM"));

    let series = dir.path().join("series.csv");
    run_ok(dyad().args(["series"]).arg(&scored).args(["--every", "1mo", "--pair", "Iran-Azerbaijan", "-o"]).arg(&series));
    let text = std::fs::read_to_string(&series).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "period,source,target,source_name,target_name,statements,articles,mean_stance,tension,cooperative,neutral,hostile,mean_stance_ci_low,mean_stance_ci_high,tension_ci_low,tension_ci_high,share"
    );
    let body: Vec<&str> = lines.collect();
    assert_eq!(body.len(), 3, "Jan, Feb and an empty March: {text}");
    assert!(body[0].starts_with("2024-01-01,IRN,AZE,Iran,Azerbaijan,1,1,"), "{text}");
    assert!(body[2].starts_with("2024-03-01,IRN,AZE,Iran,Azerbaijan,0,0,,"), "{text}");

    let movers = dir.path().join("movers.csv");
    let (table, _) = run_ok(
        dyad().arg("top").arg(&scored).args(["--from", "2024-01-01..2024-01-31", "--to", "2024-02-01..2024-02-29", "--min-statements", "1", "-o"]).arg(&movers),
    );
    assert!(table.contains("IRN→AZE") && table.contains("Iran → Azerbaijan"), "{table}");
    let m = std::fs::read_to_string(&movers).unwrap();
    assert!(m.starts_with("source,target,statements_before,statements_after,tension_before,tension_after,change\n"), "{m}");

    let png = dir.path().join("cmp.png");
    let svg = dir.path().join("cmp.svg");
    let (table, _) = run_ok(dyad().arg("compare").arg(&scored).args(["IRN-AZE", "ARM-AZE", "--undirected", "--plot"]).arg(&png));
    assert!(table.contains("AZE–IRN") && table.contains("ARM–AZE") && table.contains("correlation"), "{table}");
    let img = image::open(&png).expect("a valid PNG");
    assert_eq!((img.width(), img.height()), dyad_core::chart::DEFAULT_SIZE);
    // Not a blank canvas: lines and text in several colours.
    let rgb = img.to_rgb8();
    let distinct: std::collections::HashSet<[u8; 3]> = rgb.pixels().map(|p| p.0).collect();
    assert!(distinct.len() > 10, "{} colours", distinct.len());
    let (both, _) = run_ok(dyad().arg("compare").arg(&scored).args(["IRN-AZE", "--both-directions", "--plot"]).arg(&svg));
    assert!(both.contains("AZE→IRN") && both.contains("asymmetry IRN→AZE minus AZE→IRN"), "{both}");
    let s = std::fs::read_to_string(&svg).unwrap();
    assert!(s.starts_with("<svg") && s.contains("IRN→AZE"), "{}", &s[..200.min(s.len())]);
}

#[test]
fn strict_stops_and_resume_continues() {
    let dir = tempfile::tempdir().unwrap();
    let archive = write_archive(dir.path());
    let out = dir.path().join("s.jsonl");
    let o = dyad().arg("score").arg(&archive).arg("-o").arg(&out).args(["--strict", "--quiet"]).output().unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("archive.jsonl:3"));

    // A checkpoint left by an interrupted run: a1 done, then a torn line.
    let ck = dyad_core::store::checkpoint::path_for(&out);
    std::fs::write(&ck, "{\"article_id\":\"a1\",\"rows\":[]}\n{\"article_id\":\"a2\",\"ro").unwrap();
    let o = dyad().arg("score").arg(&archive).arg("-o").arg(&out).arg("--quiet").output().unwrap();
    assert!(!o.status.success(), "refuses to overwrite an unfinished run without --resume");
    assert!(String::from_utf8_lossy(&o.stderr).contains("--resume"));
    let (_, err) = run_skipping(dyad().arg("score").arg(&archive).arg("-o").arg(&out).args(["--resume", "--quiet"]));
    assert!(err.contains("1 already done (resumed), 2 scored"), "{err}");
    let rows = dyad_core::store::frame_to_rows(&dyad_core::store::read_scored(&out).unwrap()).unwrap();
    assert!(rows.iter().all(|r| r.article_id != "a1"), "a1 was taken from the checkpoint, not rescored");
    assert!(rows.iter().any(|r| r.article_id == "a2"));

    // Resuming with another model (here the int8 path) is refused: one output, one model.
    let row = serde_json::to_string(&rows[0]).unwrap();
    std::fs::write(&ck, format!("{{\"article_id\":\"{}\",\"rows\":[{row}]}}\n", rows[0].article_id)).unwrap();
    let o = dyad().arg("score").arg(&archive).arg("-o").arg(&out).args(["--resume", "--quiet", "--precision", "int8"]).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains(&format!("{}+int8", crate::support::shipped_model_name())) && err.contains("--precision"), "{err}");
}

/// An output path that is a directory fails at once (nothing scored, no checkpoint left
/// behind), and resuming keeps only rows of articles in this run's input.
#[test]
fn directory_output_fails_first_and_resume_keeps_only_this_input() {
    let dir = tempfile::tempdir().unwrap();
    let archive = write_archive(dir.path());
    let as_dir = dir.path().join("out.parquet");
    std::fs::create_dir(&as_dir).unwrap();
    let o = dyad().arg("score").arg(&archive).arg("-o").arg(&as_dir).arg("--quiet").output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("is a directory"), "{err}");
    assert!(!dyad_core::store::checkpoint::path_for(&as_dir).exists(), "no checkpoint left behind");

    let first = dir.path().join("first.jsonl");
    run_skipping(dyad().arg("score").arg(&archive).arg("-o").arg(&first).arg("--quiet"));
    let mut foreign = dyad_core::store::frame_to_rows(&dyad_core::store::read_scored(&first).unwrap()).unwrap().remove(0);
    foreign.article_id = "from-another-archive".into();
    let out = dir.path().join("second.jsonl");
    let line = format!("{{\"article_id\":\"from-another-archive\",\"rows\":[{}]}}\n", serde_json::to_string(&foreign).unwrap());
    std::fs::write(dyad_core::store::checkpoint::path_for(&out), line).unwrap();
    let (_, err) = run_skipping(dyad().arg("score").arg(&archive).arg("-o").arg(&out).args(["--resume", "--quiet"]));
    assert!(err.contains("1 rows from articles not in this run's input left out"), "{err}");
    let rows = dyad_core::store::frame_to_rows(&dyad_core::store::read_scored(&out).unwrap()).unwrap();
    assert!(rows.iter().all(|r| r.article_id != "from-another-archive"));
    assert_eq!(rows.len(), dyad_core::store::read_scored(&first).unwrap().height(), "the same rows as a fresh run");
}

#[test]
fn classify_one_and_many() {
    let (o, _) = run_ok(dyad().args(["classify", "Russia launched missile strikes on Ukraine.", "--source", "Russia", "--target", "UKR"]));
    let v: serde_json::Value = serde_json::from_str(o.trim()).unwrap();
    assert_eq!(v["source"], "Russia");
    for k in ["stance", "label", "p_cooperative", "p_neutral", "p_hostile"] {
        assert!(!v[k].is_null(), "{k} in {o}");
    }
    // The int8 path: same label here, and libtorch's one-time deprecation notices stay muted.
    let (o8, err8) = run_ok(dyad().args(["classify", "Russia launched missile strikes on Ukraine.", "--source", "Russia", "--target", "UKR", "--precision", "int8"]));
    let v8: serde_json::Value = serde_json::from_str(o8.trim()).unwrap();
    assert_eq!(v8["label"], v["label"], "{o8} vs {o}");
    assert!(!err8.contains("deprecated"), "{err8}");
    // Two --stance-dir average the models; the same model twice is the model itself.
    let models = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/stance");
    let (o2, _) = run_ok(
        dyad().args(["classify", "Russia launched missile strikes on Ukraine.", "--source", "Russia", "--target", "UKR", "--stance-dir"]).arg(&models).arg("--stance-dir").arg(&models),
    );
    let v2: serde_json::Value = serde_json::from_str(o2.trim()).unwrap();
    assert!((v2["stance"].as_f64().unwrap() - v["stance"].as_f64().unwrap()).abs() < 1e-3, "{o2} vs {o}");
    // The shipped model has one output layer: asking for the sentiment head says so; train has
    // its own options and names the model flags it does not take instead of ignoring them.
    let o = dyad().args(["classify", "China condemned Japan.", "--source", "China", "--target", "Japan", "--head", "sentiment"]).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("no sentiment head"), "{err}");
    for flag in [&["--head", "sentiment"][..], &["--stance-dir", "x"], &["--batch-size", "8"], &["--scorer", "anchor"]] {
        let o = dyad().arg("train").args(flag).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success() && err.contains(&format!("unexpected argument '{}'", flag[0])), "train {flag:?}: {err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("pairs.jsonl");
    std::fs::write(
        &input,
        "{\"id\":1,\"text\":\"China condemned Japan.\",\"source\":\"China\",\"target\":\"Japan\"}\n{\"id\":2,\"text\":\"No actors.\",\"source\":\"X\",\"target\":\"Y\"}\n",
    )
    .unwrap();
    let out = dir.path().join("out.jsonl");
    let (_, err) = run_skipping(dyad().args(["classify", "--input"]).arg(&input).arg("-o").arg(&out));
    assert!(err.contains("pairs.jsonl:2: source \"X\" not found"), "{err}");
    let lines: Vec<serde_json::Value> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["id"], 1);
}

#[test]
fn actors_explains_resolution() {
    let (o, _) = run_ok(dyad().args(["actors", "Raisi met Aliyev in Baku.", "--date", "2025-02-04"]));
    assert!(o.contains("Aliyev") && o.contains("AZE"), "{o}");
    assert!(o.contains("not in office on 2025-02-04"), "{o}");
}

#[test]
fn eval_conll_measures_pairs_on_the_held_out_part() {
    let conll = crate::support::shared("actors/conflibert_source_target_train.conll");
    let (out, _) = run_ok(dyad().arg("eval").arg(&conll).args(["--part", "dev"]));
    // The row of the primary (anchored) rule for country pairs: gold, predicted, correct, P, R, F1.
    let row = out.lines().find(|l| l.starts_with("countries ") && l.contains("anchored")).expect(&out);
    let f: Vec<f64> = row.split_whitespace().skip(2).map(|x| x.parse().unwrap()).collect();
    assert!(f[0] >= 50.0, "gold pairs on dev: {row}");
    // Floors of the actors issue (precision ≥ 0.85, recall ≥ 0.80 on the dev part).
    assert!(f[3] >= 0.85 && f[4] >= 0.80, "{out}");
    assert!(out.contains("place vs actor"), "{out}");
}

/// A real SIGKILL at several points of a run, then `--resume`: the result equals an
/// uninterrupted run (same rows in the same order, none twice, none missing), and the output
/// file is never left half-written.
#[test]
fn killed_runs_resume_to_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/huffpost_sample.jsonl");
    let full = dir.path().join("full.csv");
    run_ok(dyad().arg("score").arg(&input).arg("-o").arg(&full).arg("--quiet"));
    let mut resumed_runs = 0;
    for delay_ms in [700u64, 2000, 4000] {
        let out = dir.path().join(format!("killed_{delay_ms}.csv"));
        let mut child = dyad().arg("score").arg(&input).arg("-o").arg(&out).arg("--quiet").spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL: no chance to clean up
        child.wait().unwrap();
        let checkpoint = dyad_core::store::checkpoint::path_for(&out);
        if out.exists() && !checkpoint.exists() {
            // It finished before the kill: the file is whole.
            crate::support::assert_same_scored_csv(&out, &full);
            continue;
        }
        assert!(!out.exists(), "a killed run left {} behind", out.display());
        let (_, err) = run_ok(dyad().arg("score").arg(&input).arg("-o").arg(&out).args(["--resume", "--quiet"]));
        assert!(err.contains("already done (resumed)"), "{err}");
        crate::support::assert_same_scored_csv(&out, &full);
        assert!(!checkpoint.exists(), "checkpoint removed after the resumed run");
        resumed_runs += 1;
    }
    assert!(resumed_runs >= 1, "no kill landed during scoring: the sample scored faster than 0.7 s");

    // Ctrl-C (SIGINT) stops with a hint, exit 130, and the run resumes to the same rows.
    let out = dir.path().join("interrupted.csv");
    let child = dyad().arg("score").arg(&input).arg("-o").arg(&out).arg("--quiet").stderr(std::process::Stdio::piped()).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2000));
    // SAFETY: sends SIGINT to the child we spawned.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let done = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&done.stderr);
    match done.status.code() {
        Some(130) => {
            assert!(err.contains("--resume to continue"), "{err}");
            assert!(!out.exists(), "an interrupted run left {} behind", out.display());
            run_ok(dyad().arg("score").arg(&input).arg("-o").arg(&out).args(["--resume", "--quiet"]));
        }
        Some(0) => {} // finished before the signal
        other => panic!("SIGINT gave exit {other:?}, expected 130: {err}"),
    }
    crate::support::assert_same_scored_csv(&out, &full);
}

/// The same input scored with 1 or 2 threads and batches of 8 or 32 gives the same rows; the
/// probabilities may differ in the last printed digit (README, "Determinism").
#[test]
fn threads_and_batch_size_do_not_change_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let archive = write_archive(dir.path());
    let mut outputs = Vec::new();
    for (threads, batch) in [("1", "8"), ("2", "32"), ("1", "32"), ("2", "8")] {
        let out = dir.path().join(format!("t{threads}_b{batch}.csv"));
        run_skipping(dyad().arg("score").arg(&archive).arg("-o").arg(&out).args(["--quiet", "--threads", threads, "--batch-size", batch]));
        outputs.push(out);
    }
    for other in &outputs[1..] {
        crate::support::assert_same_scored_csv(other, &outputs[0]);
    }
    let o = dyad().arg("score").arg(&archive).arg("-o").arg(dir.path().join("x.csv")).args(["--threads", "0"]).output().unwrap();
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("at least 1 thread"));
}

/// Model v3 through the CLI: every row has the role probability; primary rows (the rule's, as
/// shipped) carry a PLOVER quad and the others none; `--no-pair-heads` gives the same primary
/// rows without the new columns, and `--quad` refuses such a file by name.
#[test]
fn pair_heads_write_role_and_quad() {
    let dir = tempfile::tempdir().unwrap();
    let read = |p: &std::path::Path| -> Vec<serde_json::Value> {
        std::fs::read_to_string(p).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    };
    let (v3, old) = (dir.path().join("v3.jsonl"), dir.path().join("old.jsonl"));
    run_ok(dyad().arg("score").arg(crate::support::reference_article()).arg("-o").arg(&v3).arg("--quiet"));
    run_ok(dyad().arg("score").arg(crate::support::reference_article()).arg("-o").arg(&old).args(["--quiet", "--no-pair-heads"]));
    let (rows, old_rows) = (read(&v3), read(&old));
    assert_eq!(rows.len(), old_rows.len());
    let heads: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/pairs/manifest.json")).unwrap()).unwrap();
    let name = format!("{}+{}", crate::support::shipped_model_name(), heads["name"].as_str().unwrap());
    for (r, o) in rows.iter().zip(&old_rows) {
        assert_eq!(r["model"], name.as_str());
        let p = r["p_primary"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "{r}");
        assert_eq!(r["primary"], o["primary"], "the rule decides primary: {r}");
        assert_eq!(r["quad"].is_null(), r["primary"] == false, "{r}");
        assert!(o["p_primary"].is_null() && o["quad"].is_null(), "{o}");
        if r["primary"] == true {
            // A primary pair's stance is the per-pair model's, as without the heads.
            assert_eq!(r["label"], o["label"], "{r} vs {o}");
        }
    }
    let voiced = rows
        .iter()
        .find(|r| r["source"] == "IRN" && r["target"] == "AZE" && r["sentence"].as_str().unwrap().starts_with("Iran has consistently voiced"))
        .unwrap();
    assert_eq!((voiced["label"].as_str(), voiced["quad"].as_str()), (Some("hostile"), Some("verbal_conflict")), "{voiced}");
    // Series by event type: on a v3 file it runs; on a file without quads it says why not.
    run_ok(dyad().arg("series").arg(&v3).args(["--every", "1y", "--quad", "verbal_conflict"]));
    let o = dyad().arg("series").arg(&old).args(["--every", "1y", "--quad", "verbal_conflict"]).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("no `quad` column"), "{err}");
    let o = dyad().arg("series").arg(&v3).args(["--quad", "conflict"]).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("material_conflict"));
    // classify reports the role and event type of the asserted pair.
    let (o, _) = run_ok(dyad().args(["classify", "Russia launched missile strikes on Ukraine.", "--source", "Russia", "--target", "UKR"]));
    let v: serde_json::Value = serde_json::from_str(o.trim()).unwrap();
    assert!(v["p_primary"].as_f64().is_some() && v["quad"].is_string(), "{o}");
}

/// `dyad report` over the committed v3 scored sample: one page with the data, titles and links
/// from the archive it was scored from, the command in the footer; a non-.html name is refused
/// before anything is read. (The page in a real browser: tests/browser/report.test.mjs.)
#[test]
fn report_writes_one_offline_page() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scored = root.join("tests/golden/sample_scored.csv");
    let page = dir.path().join("report.html");
    let (_, err) = run_ok(dyad().args(["report", scored.to_str().unwrap(), "-o", page.to_str().unwrap(), "--every", "1y", "--undirected", "--pair", "USA-RUS", "--articles"]).arg(root.join("data/sample/huffpost_sample.jsonl")));
    assert!(err.contains("dyads") && err.contains("statements listed"), "{err}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("id=\"dyad-data\""));
    assert!(html.contains("\"shown\":[\"RUS-USA\""), "the asked-for pair is drawn first");
    assert!(html.contains("huffingtonpost.com"), "article links from --articles");
    assert!(html.contains("report --") || html.contains("report "), "the command in the footer");
    assert!(!dir.path().join("report.html.partial").exists());

    let out = dyad().args(["report", scored.to_str().unwrap(), "-o", dir.path().join("r.png").to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("name it .html"));
}

/// `series --plot` draws the asked-for dyads (or the most reported) like `compare --plot`.
#[test]
fn series_plot_draws_the_series() {
    let dir = tempfile::tempdir().unwrap();
    let scored = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/sample_scored.csv");
    let svg = dir.path().join("series.svg");
    run_ok(dyad().args(["series", scored.to_str().unwrap(), "--every", "1y", "--undirected", "--pair", "USA-RUS", "--pair", "CHN-USA", "--plot", svg.to_str().unwrap(), "-o", dir.path().join("s.csv").to_str().unwrap()]));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("RUS–USA") && text.contains("CHN–USA"), "title and legend name both dyads");
    assert!(text.contains("Source: sample_scored.csv"), "source line");
    let png = dir.path().join("top.png");
    run_ok(dyad().args(["series", scored.to_str().unwrap(), "--every", "1y", "--plot", png.to_str().unwrap(), "-o", dir.path().join("t.csv").to_str().unwrap()]));
    let img = image::open(&png).unwrap();
    assert_eq!((img.width(), img.height()), (1000, 600));
}

/// `--shard I/N` into a dataset directory: for N = 1, 2, 3, 7 the union of the shards' part
/// files holds the rows of one run over the whole input (the same rows, the same values up to
/// the last digit of a probability where a statement shared its batch with others), and
/// `series` reads the directory and a glob of it as it reads one file of the same rows, also
/// in pieces of whole dyads (and `top` in pieces as it reads the file).
#[test]
fn shards_together_equal_the_whole_and_datasets_read_as_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/huffpost_sample.jsonl")).unwrap();
    let archive = dir.path().join("in.jsonl");
    std::fs::write(&archive, sample.lines().take(40).map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    let order: Vec<String> = sample.lines().take(40).map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string()).collect();
    let whole = dir.path().join("whole.csv");
    run_ok(dyad().arg("score").arg(&archive).arg("-o").arg(&whole).arg("--quiet"));
    for n in [1, 2, 3, 7] {
        let ds = dir.path().join(format!("ds{n}"));
        let ds_arg = format!("{}/", ds.display());
        for i in 0..n {
            let (_, err) = run_ok(dyad().arg("score").arg(&archive).args(["-o", &ds_arg, "--shard", &format!("{i}/{n}"), "--part-articles", "7", "--quiet"]));
            assert!(n == 1 || err.contains("left to the other shards"), "{err}");
        }
        let mut rows = dyad_core::store::frame_to_rows(&dyad_core::store::read_scored(&ds).unwrap()).unwrap();
        rows.sort_by_key(|r| order.iter().position(|id| *id == r.article_id).unwrap()); // stable: keeps each article's order
        let union = dir.path().join(format!("union{n}.csv"));
        dyad_core::store::write_rows(&rows, &union).unwrap();
        crate::support::assert_same_scored_csv(&union, &whole);
        for i in 0..n {
            let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(ds.join(format!("manifest-{i}of{n}.json"))).unwrap()).unwrap();
            assert_eq!(m["complete"], true);
        }
        if n == 3 {
            // The directory, a glob of it and one file of the same rows give the same series.
            let one = dir.path().join("union3.parquet");
            dyad_core::store::write_rows(&rows, &one).unwrap();
            let series = |input: &str, out: &str| {
                let o = dir.path().join(out);
                run_ok(dyad().args(["series", input, "--every", "1y", "--undirected", "-o", o.to_str().unwrap()]));
                std::fs::read_to_string(o).unwrap()
            };
            let from_file = series(one.to_str().unwrap(), "a.csv");
            assert_eq!(series(ds.to_str().unwrap(), "b.csv"), from_file);
            assert_eq!(series(&format!("{}/part-*.parquet", ds.display()), "c.csv"), from_file);
            // Read in pieces of whole dyads, as archives larger than memory are: the same series.
            let o = dir.path().join("pieces.csv");
            let (_, err) = run_ok(dyad().env("DYAD_PIECE_ROWS", "40").args(["series", ds.to_str().unwrap(), "--every", "1y", "--undirected", "-o", o.to_str().unwrap()]));
            assert!(err.contains("pieces of whole dyads"), "{err}");
            assert_eq!(std::fs::read_to_string(o).unwrap(), from_file);
            // `top` too.
            let top = |input: &str, out: &str, piece_rows: &str| {
                let o = dir.path().join(out);
                let windows = ["--from", "2012-01-01..2013-06-30", "--to", "2013-07-01..2015-12-31", "--min-statements", "1"];
                run_ok(dyad().env("DYAD_PIECE_ROWS", piece_rows).arg("top").arg(input).args(windows).args(["--undirected", "-o", o.to_str().unwrap()]));
                std::fs::read_to_string(o).unwrap()
            };
            let top_of_file = top(one.to_str().unwrap(), "top_a.csv", "500000");
            assert!(top_of_file.lines().count() > 2, "dyads in both windows: {top_of_file}");
            assert_eq!(top(ds.to_str().unwrap(), "top_b.csv", "40"), top_of_file);

            // A part lost (or never written): --resume scores it again and nothing else.
            let parts: Vec<_> = std::fs::read_dir(&ds).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "parquet")).collect();
            let lost = parts.iter().find(|p| p.to_string_lossy().contains("1of3")).unwrap();
            std::fs::remove_file(lost).unwrap();
            let again = dyad().arg("score").arg(&archive).args(["-o", &ds_arg, "--shard", "1/3", "--part-articles", "7", "--quiet"]).output().unwrap();
            assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("--resume"), "refuses without --resume");
            let (_, err) = run_ok(dyad().arg("score").arg(&archive).args(["-o", &ds_arg, "--shard", "1/3", "--part-articles", "7", "--quiet", "--resume"]));
            assert!(err.contains("already done (resumed)"), "{err}");
            assert_eq!(series(ds.to_str().unwrap(), "d.csv"), from_file);
        }
    }
    let bad = dyad().arg("score").arg(&archive).args(["-o", "x/", "--shard", "3/3"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("0 ≤ I < N"));
}
