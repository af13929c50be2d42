//! The reference article's actors and pairs, written out by hand (no model needed): every
//! expected pair is found, the sentence's own source → target is marked primary, people
//! resolve (leaders by office on 2025-02-04, others by what the article says of them), and
//! no pair comes from a mere place mention ("in Tehran", "visit Baku").
use dyad_core::actors::{ArticleActors, Gazetteer, Via};
use dyad_core::ingest::{read_file, IngestOptions};
use dyad_core::pipeline::statements_of;
use dyad_core::segment::split_sentences;
use std::collections::BTreeSet;

mod common;

fn reference_article() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/archives/iran_azerbaijan_2025-02-04.txt")
}

fn article() -> dyad_core::ingest::Article {
    let mut articles = Vec::new();
    read_file(&reference_article(), &IngestOptions::default(), &mut |r| articles.push(r.unwrap()));
    articles.remove(0)
}

/// (start of the sentence, unordered pairs as "AAA-BBB" sorted, primary directed pairs).
const EXPECTED: &[(&str, &[&str], &[&str])] = &[
    ("Pezeshkian: Iran Seeks", &["AZE-IRN"], &["IRN→AZE"]),
    ("Iranian President Masoud Pezeshkian held a meeting with Hikmat Hajiyev", &["AZE-IRN"], &["AZE→IRN", "IRN→AZE"]),
    ("Iranian President Masoud Pezeshkian told Hikmat Hajiyev", &["AZE-IRN"], &["IRN→AZE"]),
    ("Pezeshkian also expressed his hope to host his Azerbaijani counterpart", &["AZE-IRN"], &["AZE→IRN", "IRN→AZE"]),
    ("In response, Hajiyev", &["AZE-IRN"], &["AZE→IRN"]),
    ("Earlier, Hajiyev met with Ali Akbar Ahmadian", &["AZE-IRN"], &["AZE→IRN", "IRN→AZE"]),
    ("Ahmadian told Hajiyev", &["AZE-IRN"], &["AZE→IRN", "IRN→AZE"]),
    ("“Iran and Azerbaijan are brothers", &["AZE-IRN"], &["AZE→IRN", "IRN→AZE"]),
    ("Hajiyev, in turn, stated", &["AZE-IRN"], &["AZE→IRN", "IRN→AZE"]),
    ("He highlighted the increasing number of diplomatic visits by Azerbaijani officials", &["AZE-IRN"], &["AZE→IRN"]),
    ("During his meeting with the Azerbaijani presidential aide", &["AZE-IRN"], &["IRN→AZE"]),
    ("For his part, Hajiyev underscored President Aliyev", &["AZE-IRN"], &["AZE→IRN"]),
    ("Iran has consistently voiced concerns over Azerbaijan", &["ARM-AZE", "ARM-IRN", "AZE-IRN"], &["IRN→AZE"]),
    ("Tehran fears that the corridor", &["ARM-IRN"], &["IRN→ARM"]),
    ("Additionally, Iran has repeatedly warned", &["IRN-ISR", "IRN-USA", "ISR-USA"], &["IRN→ISR", "IRN→USA"]),
    ("Tehran perceives Israel", &["AZE-IRN", "AZE-ISR", "IRN-ISR"], &["IRN→ISR"]),
    ("Relations between Iran and Azerbaijan", &["AZE-IRN"], &["AZE→IRN", "IRN→AZE"]),
    ("Iranian authorities attributed the incident", &["AZE-IRN"], &["IRN→AZE"]),
];

#[test]
fn expected_pairs_all_found_and_no_pair_from_a_place() {
    let a = article();
    let statements = statements_of(&a, Gazetteer::builtin());
    let sentences: BTreeSet<&str> = statements.iter().map(|s| s.sentence.as_str()).collect();
    // Every sentence with a pair is expected, and every expected sentence has its pairs.
    assert_eq!(sentences.len(), EXPECTED.len(), "sentences with pairs: {sentences:#?}");
    for (start, pairs, primary) in EXPECTED {
        let rows: Vec<_> = statements.iter().filter(|s| s.sentence.starts_with(start)).collect();
        assert!(!rows.is_empty(), "no pairs in: {start}");
        let got: BTreeSet<String> = rows
            .iter()
            .map(|s| {
                let (a, b) = (&s.source.code, &s.target.code);
                if a < b { format!("{a}-{b}") } else { format!("{b}-{a}") }
            })
            .collect();
        assert_eq!(got, pairs.iter().map(|p| p.to_string()).collect(), "pairs in: {start}");
        // Both directions of each pair are scored.
        assert_eq!(rows.len(), 2 * pairs.len(), "{start}");
        let got_primary: BTreeSet<String> =
            rows.iter().filter(|s| s.primary).map(|s| format!("{}→{}", s.source.code, s.target.code)).collect();
        assert_eq!(got_primary, primary.iter().map(|p| p.to_string()).collect(), "primary in: {start}");
    }
    // "A key flashpoint … an attack on the Azerbaijani embassy in Tehran": the embassy is
    // Azerbaijan's, Tehran only where it stood — no pair.
    assert!(!statements.iter().any(|s| s.sentence.starts_with("A key flashpoint")));
}

#[test]
fn people_and_places_resolve_as_the_article_says() {
    let a = article();
    let g = Gazetteer::builtin();
    let mut actors = ArticleActors::new(g, a.date);
    let mut seen: Vec<(String, String, String)> = Vec::new(); // (sentence start, mention, code or reason)
    for s in split_sentences(&a.text) {
        let (found, rejected) = actors.find_explained(&s.text);
        let head: String = s.text.chars().take(40).collect();
        for m in found {
            let how = match m.via {
                Via::Gazetteer { .. } => "gazetteer",
                Via::Office { .. } => "office",
                Via::Memory { .. } => "memory",
            };
            seen.push((head.clone(), m.text.clone(), format!("{} {how}", m.code)));
        }
        for r in rejected {
            seen.push((head.clone(), r.text.clone(), r.reason.clone()));
        }
    }
    let find = |sentence: &str, mention: &str| -> Vec<String> {
        seen.iter().filter(|(h, m, _)| h.starts_with(sentence) && m == mention).map(|(_, _, r)| r.clone()).collect()
    };
    // Leaders in office on 2025-02-04.
    assert_eq!(find("Iranian President Masoud Pezeshkian hel", "Masoud Pezeshkian"), ["IRN office"]);
    assert_eq!(find("In response, Hajiyev", "Ilham Aliyev"), ["AZE office"]);
    assert_eq!(find("Earlier, Hajiyev met with Ali Akbar Ahm", "Abbas Araghchi"), ["IRN office"]);
    assert_eq!(find("Araghchi reaffirmed Iran", "Araghchi"), ["IRN office"]);
    // People in no table, resolved by how the article introduced them.
    assert_eq!(find("In response, Hajiyev", "Hajiyev"), ["AZE memory"]);
    assert_eq!(find("Ahmadian told Hajiyev", "Ahmadian"), ["IRN memory"]);
    assert_eq!(find("Ahmadian told Hajiyev", "Hajiyev"), ["AZE memory"]);
    // Places are not actors; the same city acting is.
    assert!(find("Iranian President Masoud Pezeshkian hel", "Tehran")[0].starts_with("place"));
    assert!(find("During a meeting in Tehran", "Tehran")[0].starts_with("place"));
    assert!(find("In response, Hajiyev", "Baku")[0].starts_with("place"));
    assert!(find("A key flashpoint occurred", "Tehran")[0].starts_with("place"));
    assert_eq!(find("The remarks angered Baku", "Baku"), ["AZE gazetteer"]);
    assert_eq!(find("Iranian President Masoud Pezeshkian tol", "Tehran"), ["IRN gazetteer"]);
}

#[test]
fn leaders_only_in_office() {
    let g = Gazetteer::builtin();
    let d = |s: &str| dyad_core::dates::parse_date(s).unwrap();
    let code = |t: &str, date: &str| g.find(t, d(date)).into_iter().map(|m| m.code).collect::<Vec<_>>();
    assert_eq!(code("Ebrahim Raisi spoke.", "2021-08-03"), ["IRN"]);
    assert!(code("Ebrahim Raisi spoke.", "2024-05-19").is_empty());
    assert!(code("Masoud Pezeshkian spoke.", "2024-07-27").is_empty());
    assert_eq!(code("Masoud Pezeshkian spoke.", "2024-07-28"), ["IRN"]);
    assert!(code("Abbas Araghchi spoke.", "2024-08-20").is_empty());
    assert_eq!(code("Abbas Araghchi spoke.", "2024-08-21"), ["IRN"]);
    // Prime minister from 2003-08-04, president from 2003-10-31.
    assert!(code("Ilham Aliyev spoke.", "2003-08-03").is_empty());
    assert_eq!(code("Ilham Aliyev spoke.", "2003-10-30"), ["AZE"]);
    assert_eq!(code("Ilham Aliyev spoke.", "2003-10-31"), ["AZE"]);
    // A past office-holder speaking later is not the country's voice.
    let (_, rejected) = g.find_explained("Hassan Rouhani said so.", d("2025-02-04"));
    assert!(rejected[0].reason.contains("not in office"), "{rejected:?}");
}

/// The statements of an article as (sentence words, source, target, primary), offsets left out.
fn pairs_of(text: &str) -> Vec<(String, String, String, bool)> {
    let mut a = article();
    a.text = text.to_string();
    statements_of(&a, Gazetteer::builtin())
        .into_iter()
        .map(|s| (s.sentence.split_whitespace().collect::<Vec<_>>().join(" "), s.source.code, s.target.code, s.primary))
        .collect()
}

/// The reference article hard-wrapped at 72 columns, and as HTML with entities, gives the
/// same statements as the article itself: same sentences, same pairs, same primary pairs.
#[test]
fn wrapped_and_html_copies_read_like_the_original() {
    let original = article().text;
    let want = pairs_of(&original);
    assert!(want.len() > 40, "{} statements", want.len());

    let wrapped = original.split("\n\n").map(|p| common::hard_wrap(p, 72)).collect::<Vec<_>>().join("\n\n");
    assert!(wrapped.lines().count() > original.lines().count() + 30, "the copy is not wrapped");
    let got = pairs_of(&wrapped);
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w, "wrapped copy");
    }
    assert_eq!(got.len(), want.len());

    let html: String = original
        .split("\n\n")
        .map(|p| format!("<p class=\"x\">{}</p>", p.replace('&', "&amp;").replace('’', "&#8217;").replace('“', "&ldquo;")))
        .collect::<Vec<_>>()
        .join("\n");
    let from_html = pairs_of(&html);
    for (g, w) in from_html.iter().zip(&want) {
        assert_eq!(g, w, "HTML copy");
    }
    assert_eq!(from_html.len(), want.len());
}
