//! Property tests (proptest) over arbitrary text: segmentation, actor finding, date parsing
//! and ingest never panic, and every offset they return lies inside the text, on character
//! boundaries, and gives back the text it claims.
use dyad_core::actors::{ArticleActors, Gazetteer};
use dyad_core::dates::parse_date;
use dyad_core::ingest::{read_file, IngestOptions};
use dyad_core::normalize::{normalize, normalize_with_origin};
use dyad_core::segment::{char_slice, split_sentences};
use proptest::prelude::*;

mod common;

fn cases() -> u32 {
    std::env::var("DYAD_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

/// News-like text: words, country names, abbreviations, punctuation, quotes, line breaks and
/// non-ASCII letters, mixed at random.
fn newsy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Iran".to_string()),
        Just("Azerbaijan's".to_string()),
        Just("U.S.".to_string()),
        Just("Mr.".to_string()),
        Just("Tehran".to_string()),
        Just("Israel’s".to_string()),
        Just("said".to_string()),
        Just(".".to_string()),
        Just("?!".to_string()),
        Just("…".to_string()),
        Just("“".to_string()),
        Just("”".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("  ".to_string()),
        Just("Ünïcödé".to_string()),
        Just("北京".to_string()),
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("&amp;".to_string()),
        Just("&#8217;".to_string()),
        Just("&bogus;".to_string()),
        Just("<a href=\"x\">".to_string()),
        Just("TOKYO, March 27 -".to_string()),
        Just("CHINA WARNS JAPAN".to_string()),
        "[a-zA-Z]{1,8}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| v.join(" "))
}

proptest! {
    // 256 cases in `make test`; `bash scripts/fuzz/run_properties.sh` runs many more.
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Without HTML, normalisation is one char for one; with it, every normalised span maps
    /// back inside the original, in order.
    #[test]
    fn normalisation_keeps_every_offset(text in newsy()) {
        let n = normalize_with_origin(&text);
        let (len, orig) = (n.text.chars().count(), text.chars().count());
        if !text.contains('<') && !text.contains('&') {
            prop_assert_eq!(len, orig);
        }
        let mut last = 0;
        for i in 0..len {
            let (s, e) = n.original_span(i, i + 1);
            prop_assert!(last <= s && s < e && e <= orig, "char {} maps to {:?}", i, (s, e));
            last = e;
        }
    }

    /// A paragraph without a full stop, greedily hard-wrapped at any width from 40 to 90 into
    /// four lines or more, is read back as one sentence over the whole text.
    #[test]
    fn wrapped_paragraph_is_one_sentence(words in proptest::collection::vec("[A-Za-z]{1,9},?", 20..200), width in 40usize..90) {
        let text = common::hard_wrap(&words.join(" "), width);
        let sentences = split_sentences(&text);
        if text.lines().count() >= 4 {
            prop_assert_eq!(sentences.len(), 1, "{:?}", text);
            prop_assert_eq!((sentences[0].start, sentences[0].end), (0, text.chars().count()));
            prop_assert_eq!(&sentences[0].text, &text.replace('\n', " "));
        }
    }

    #[test]
    fn sentences_are_slices_of_the_text(text in newsy()) {
        let n = text.chars().count();
        let normalized = normalize(&text);
        let mut last_end = 0;
        for (k, s) in split_sentences(&text).iter().enumerate() {
            prop_assert_eq!(s.id, k);
            prop_assert!(s.start <= s.end && s.end <= n, "{:?} outside 0..{}", (s.start, s.end), n);
            prop_assert!(s.start >= last_end, "sentences overlap or go backwards");
            // The sentence is the article's chars start..end, as normalised: without HTML, char
            // for char.
            if !text.contains('<') && !text.contains('&') {
                prop_assert_eq!(&char_slice(&normalized, s.start, s.end), &s.text);
            }
            prop_assert!(!s.text.trim().is_empty());
            last_end = s.end;
        }
    }

    #[test]
    fn mentions_are_slices_of_their_sentence(text in newsy()) {
        let g = Gazetteer::builtin();
        let mut actors = ArticleActors::new(g, chrono::NaiveDate::from_ymd_opt(2025, 2, 4).unwrap());
        for s in split_sentences(&text) {
            let n = s.text.chars().count();
            for m in actors.find(&s.text) {
                prop_assert!(m.start < m.end && m.end <= n);
                prop_assert_eq!(&char_slice(&s.text, m.start, m.end), &m.text);
            }
        }
    }

    #[test]
    fn dates_never_panic(s in "\\PC{0,24}") {
        let _ = parse_date(&s);
    }

    /// Any bytes in a .jsonl file: ingest reports or reads every line, and never panics.
    #[test]
    fn jsonl_ingest_never_panics(lines in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..80), 0..8)) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fuzz.jsonl");
        let body = lines.join(&b'\n');
        std::fs::write(&p, &body).unwrap();
        let mut seen = 0;
        read_file(&p, &IngestOptions::default(), &mut |r| {
            seen += 1;
            if let Ok(a) = r {
                assert!(!a.text.trim().is_empty());
            }
        });
        prop_assert!(seen <= body.split(|b| *b == b'\n').count(), "at most one article or error per line");
    }

    /// Any bytes in a .csv, .txt or gzip-compressed file: ingest never panics, every record
    /// read has text, and every error names a line inside the file.
    #[test]
    fn csv_txt_and_gz_ingest_never_panic(
        body in proptest::collection::vec(prop_oneof![
            Just(b"id,date,text\n".to_vec()),
            Just(b"a1,2024-01-10,\"Iran, Iraq\"\n".to_vec()),
            Just(b"\"".to_vec()),
            Just(b"\r\n".to_vec()),
            Just("\u{feff}".as_bytes().to_vec()),
            proptest::collection::vec(any::<u8>(), 0..20),
        ], 0..12),
        ext in prop_oneof![Just("csv"), Just("txt"), Just("jsonl.gz"), Just("csv.gz")],
    ) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(format!("fuzz.{ext}"));
        let mut bytes = body.concat();
        if ext.ends_with(".gz") && bytes.len() % 2 == 0 {
            use std::io::Write;
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&bytes).unwrap();
            bytes = gz.finish().unwrap();
        }
        std::fs::write(&p, &bytes).unwrap();
        let lines = bytes.split(|b| *b == b'\n').count();
        let opts = IngestOptions { default_date: chrono::NaiveDate::from_ymd_opt(2024, 1, 1) };
        read_file(&p, &opts, &mut |r| match r {
            Ok(a) => assert!(!a.text.trim().is_empty()),
            Err(e) => assert!(ext.ends_with(".gz") || e.line <= lines, "{e} (file has {lines} lines)"),
        });
    }
}
