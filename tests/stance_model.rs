//! The shipped directed stance model: checksum, direction, several pairs in one sentence, eval.

use dyad_model::encoder::Precision;
use dyad_model::directed::Head;
use dyad_model::DirectedStanceModel;
use dyad_core::stance::{Label, StanceInput, StanceScorer};
use std::path::Path;

fn models_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/stance")
}

fn model() -> DirectedStanceModel {
    let enc = dyad_model::paths::encoder_dir(None).expect("encoder (run make setup)");
    DirectedStanceModel::load(&enc, &models_dir(), tch::Device::Cpu).expect("shipped model loads")
}

/// A directed input from actor strings (first occurrence of each).
fn input(text: &str, source: &str, target: &str) -> StanceInput {
    let span = |x: &str| {
        let b = text.find(x).unwrap_or_else(|| panic!("{x} in {text}"));
        let s = text[..b].chars().count();
        (s, s + x.chars().count())
    };
    StanceInput { text: text.into(), source: span(source), target: span(target) }
}

#[test]
fn checksum_mismatch_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["manifest.json", "weights.safetensors"] {
        std::fs::copy(models_dir().join(f), dir.path().join(f)).unwrap();
    }
    let enc = dyad_model::paths::encoder_dir(None).unwrap();
    assert!(DirectedStanceModel::load(&enc, dir.path(), tch::Device::Cpu).is_ok());
    let w = dir.path().join("weights.safetensors");
    let mut bytes = std::fs::read(&w).unwrap();
    let n = bytes.len();
    bytes[n - 10] ^= 0xFF;
    std::fs::write(&w, bytes).unwrap();
    let err = DirectedStanceModel::load(&enc, dir.path(), tch::Device::Cpu).err().expect("tampered weights must not load").to_string();
    assert!(err.contains("sha256") && err.contains("does not match"), "{err}");
}

#[test]
fn direction_matters() {
    let m = model();
    let text = "China condemned Japan over the disputed islands.";
    let s = m.score(&[input(text, "China", "Japan"), input(text, "Japan", "China")]).unwrap();
    assert_eq!(s[0].label(), Label::Hostile, "CHN→JPN {:?}", s[0]);
    assert_eq!(s[1].label(), Label::Neutral, "JPN→CHN {:?}", s[1]);
    assert!(s[0].p_hostile > s[1].p_hostile + 0.3, "{s:?}");
}

#[test]
fn stance_belongs_to_the_pair_not_the_sentence() {
    let m = model();
    let text = "Tehran perceives Israel’s military and political ties with Azerbaijan as a potential threat to its regional security interests.";
    let s = m.score(&[input(text, "Tehran", "Israel"), input(text, "Israel", "Azerbaijan")]).unwrap();
    assert_eq!(s[0].label(), Label::Hostile, "IRN→ISR {:?}", s[0]);
    assert_eq!(s[1].label(), Label::Cooperative, "ISR→AZE {:?}", s[1]);
}

#[test]
fn eval_command_on_a_small_labelled_file() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/labelled_small.jsonl");
    let dir = tempfile::tempdir().unwrap();
    let predictions = dir.path().join("predictions.jsonl");
    let out = crate::support::dyad().arg("eval").arg(&file).arg("--predictions").arg(&predictions).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("6 statements"), "{text}");
    let line = text.lines().find(|l| l.starts_with("n = 6")).expect("summary line");
    let acc: f64 = line.split("accuracy ").nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();
    // The matrix rows add up to the file and the model gets most of these plain cases.
    assert!(acc >= 4.0 / 6.0, "{text}");
    assert!(text.contains("gold \\ pred"));
    assert!(text.contains("calibration over 6 directed items: Brier"), "{text}");
    // The predictions file holds the same six items, and its agreements give the accuracy.
    let items: Vec<serde_json::Value> =
        std::fs::read_to_string(&predictions).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(items.len(), 6);
    let right = items.iter().filter(|v| v["gold"] == v["predicted"]).count();
    assert!((right as f64 / 6.0 - acc).abs() < 1e-3, "{right} right vs accuracy {acc}");
    for v in &items {
        let p = &v["scores"][0];
        let sum = p["p_cooperative"].as_f64().unwrap() + p["p_neutral"].as_f64().unwrap() + p["p_hostile"].as_f64().unwrap();
        assert!((sum - 1.0).abs() < 1e-3 && v["text"].is_string() && v["source"].is_array(), "{v}");
    }
}

#[test]
fn fused_attention_path_matches_rust_bert() {
    let mut m = model();
    let text = "Iran has consistently voiced concerns over Azerbaijan’s proposal to establish the Zangazur Corridor.";
    let inputs = vec![input(text, "Iran", "Azerbaijan"), input(text, "Azerbaijan", "Iran"), input("China condemned Japan.", "China", "Japan")];
    let fused = m.score(&inputs).unwrap();
    m.set_inference_path(None).unwrap();
    let plain = m.score(&inputs).unwrap();
    m.set_inference_path(Some(Precision::Int8)).unwrap();
    let int8 = m.score(&inputs).unwrap();
    assert!(m.model_name().ends_with("+int8"), "{}", m.model_name());
    for ((a, b), c) in fused.iter().zip(&plain).zip(&int8) {
        for (x, y) in [(a.p_cooperative, b.p_cooperative), (a.p_neutral, b.p_neutral), (a.p_hostile, b.p_hostile)] {
            assert!((x - y).abs() < 1e-4, "fused {a:?} vs rust-bert {b:?}");
        }
        // int8 is an approximation: close, and the same label on these clear cases.
        assert_eq!(a.label(), c.label(), "f32 {a:?} vs int8 {c:?}");
        assert!((a.stance() - c.stance()).abs() < 0.15, "f32 {a:?} vs int8 {c:?}");
    }
}

#[test]
fn sentiment_head_is_chosen_explicitly_and_named() {
    let enc = || dyad_model::encoder::Encoder::load(&dyad_model::paths::encoder_dir(None).unwrap(), tch::Device::Cpu).unwrap();
    let markers = dyad_model::directed::Markers::default();
    let mut one = DirectedStanceModel::new(enc(), 0.0, markers);
    one.set_name("m");
    let err = one.set_head(Head::Sentiment).err().expect("no sentiment head to choose").to_string();
    assert!(err.contains("no sentiment head"), "{err}");
    let mut two = DirectedStanceModel::new(enc(), 0.0, markers).with_sentiment_head();
    two.set_name("m");
    let x = [input("China condemned Japan.", "China", "Japan")];
    let stance = two.score(&x).unwrap();
    two.set_head(Head::Sentiment).unwrap();
    assert_eq!(two.model_name(), "m+sentiment");
    let sentiment = two.score(&x).unwrap();
    // Two separately initialised layers over the same states.
    assert!((stance[0].p_neutral - sentiment[0].p_neutral).abs() > 1e-6, "{stance:?} {sentiment:?}");
    two.set_head(Head::Stance).unwrap();
    assert_eq!(two.model_name(), "m");
}
