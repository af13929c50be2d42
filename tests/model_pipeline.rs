//! The real encoder on real text: the reference article end to end.

use dyad_core::actors::Gazetteer;
use dyad_model::encoder::{Encoder, Precision};
use dyad_core::ingest::{read_file, IngestOptions};
use dyad_core::pipeline::score_articles;
use dyad_core::segment::char_slice;
use dyad_model::AnchorScorer;
use dyad_core::stance::{StanceInput, StanceScorer};

fn trained() -> dyad_model::DirectedStanceModel {
    let dir = dyad_model::paths::encoder_dir(None).expect("encoder (run make setup)");
    let models = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/stance");
    dyad_model::DirectedStanceModel::load(&dir, &models, tch::Device::Cpu).unwrap()
}

fn scorer() -> AnchorScorer {
    let dir = dyad_model::paths::encoder_dir(None).expect("encoder (run make setup)");
    AnchorScorer::new(Encoder::load(&dir, tch::Device::Cpu).unwrap(), 16).unwrap()
}

#[test]
fn encoder_embeddings_are_normalised_and_meaningful() {
    let dir = dyad_model::paths::encoder_dir(None).unwrap();
    let enc = Encoder::load(&dir, tch::Device::Cpu).unwrap();
    let e = enc
        .embed(&[
            "Iran and Azerbaijan signed a trade agreement.",
            "The two countries agreed on a trade deal.",
            "The cat sat on the mat.",
        ])
        .unwrap();
    assert_eq!(e.size(), [3, 384]);
    let sims: Vec<f32> = Vec::try_from(e.matmul(&e.tr()).flatten(0, -1)).unwrap();
    assert!((sims[0] - 1.0).abs() < 1e-4, "unit norm: {}", sims[0]);
    assert!(sims[1] > sims[2] + 0.2, "paraphrase {} vs unrelated {}", sims[1], sims[2]);
}

#[test]
fn reference_article_rows_point_at_their_sentences() {
    let path = crate::support::reference_article();
    let mut articles = Vec::new();
    read_file(&path, &IngestOptions::default(), &mut |r| articles.push(r.unwrap()));
    let article = &articles[0];
    let mut model = trained();
    // The shipped f32 model, then the same weights through the int8 path (`--precision int8`):
    // the brief's statements must come out the same in both.
    for precision in [Precision::F32, Precision::Int8] {
        model.set_inference_path(Some(precision)).unwrap();
        let rows = score_articles(&articles, Gazetteer::builtin(), &model).unwrap();

        let irn_aze: Vec<_> = rows.iter().filter(|r| r.source == "IRN" && r.target == "AZE").collect();
        assert!(irn_aze.len() >= 5, "IRN→AZE rows: {}", irn_aze.len());
        for r in &rows {
            // Offsets are char offsets into the article text.
            assert_eq!(char_slice(&article.text, r.start as usize, r.end as usize), r.sentence);
            assert_eq!(
                char_slice(&article.text, r.source_start as usize, r.source_end as usize),
                r.source_text
            );
            assert_eq!(
                char_slice(&article.text, r.target_start as usize, r.target_end as usize),
                r.target_text
            );
            assert!((r.p_cooperative + r.p_neutral + r.p_hostile - 1.0).abs() < 1e-3);
            assert!((r.stance - (r.p_cooperative - r.p_hostile)).abs() < 1e-3);
            assert_eq!(r.date.to_string(), "2025-02-04");
        }
        let find = |src: &str, tgt: &str, start: &str| {
            rows.iter()
                .find(|r| r.source == src && r.target == tgt && r.sentence.starts_with(start))
                .unwrap_or_else(|| panic!("{src}→{tgt} in the sentence starting {start:?}"))
        };
        // The brief's reference statements: stance belongs to the pair.
        let seeks = find("IRN", "AZE", "Iranian President Masoud Pezeshkian told Hikmat Hajiyev");
        assert!(seeks.sentence.contains("Tehran seeks to strengthen relations"));
        assert_eq!(seeks.label.as_str(), "cooperative", "{seeks:?}");
        let concerns = find("IRN", "AZE", "Iran has consistently voiced concerns over Azerbaijan");
        assert_eq!(concerns.label.as_str(), "hostile", "{concerns:?}");
        let threat = find("IRN", "ISR", "Tehran perceives Israel");
        assert_eq!(threat.source_text, "Tehran");
        assert_eq!(threat.label.as_str(), "hostile", "{threat:?}");
        let ties = find("ISR", "AZE", "Tehran perceives Israel");
        assert_eq!(ties.label.as_str(), "cooperative", "{ties:?}");
        let shipped = crate::support::shipped_model_name();
        let name = if precision == Precision::Int8 {
            format!("{shipped}+int8")
        } else {
            shipped
        };
        assert!(rows.iter().all(|r| r.model == name), "{precision:?}");
    }
}

#[test]
fn scorer_separates_clear_cases() {
    let s = scorer();
    let mk = |text: &str, a: &str, b: &str| {
        let find = |x: &str| {
            let i = text.find(x).unwrap();
            let start = text[..i].chars().count();
            (start, start + x.chars().count())
        };
        StanceInput {
            text: text.into(),
            source: find(a),
            target: find(b),
        }
    };
    let scores = s
        .score(&[
            mk(
                "China and Japan signed a friendship treaty to expand trade and cooperation.",
                "China",
                "Japan",
            ),
            mk(
                "Russia launched missile strikes on Ukraine, killing dozens of civilians.",
                "Russia",
                "Ukraine",
            ),
        ])
        .unwrap();
    assert!(scores[0].stance() > scores[1].stance(), "{scores:?}");
    assert_eq!(scores[1].label(), dyad_core::stance::Label::Hostile, "{scores:?}");
}
