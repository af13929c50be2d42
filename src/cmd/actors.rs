use super::parse_date_arg;
use anyhow::Result;
use dyad_core::actors::{ArticleActors, Gazetteer, Via};
use dyad_core::segment::split_sentences;

/// Show the actors the resolver finds in a text, how each was resolved, and what it rejected.
///
/// The text is read as one article: a person introduced with a country ("Hikmat Hajiyev, the
/// Assistant to the Azerbaijani President") resolves when named again later ("Hajiyev"); places
/// ("in Tehran", "visited Baku") are rejected as actors, with the reason.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The text to read.
    pub text: String,
    /// The article's date: people map to a country only while in office on it.
    #[arg(long, value_parser = parse_date_arg)]
    pub date: Option<chrono::NaiveDate>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<()> {
    let g = Gazetteer::builtin();
    let date = a.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut article = ArticleActors::new(g, date);
    for s in split_sentences(&a.text) {
        let (found, rejected) = article.find_explained(&s.text);
        if a.json {
            println!("{}", serde_json::json!({"sentence_id": s.id, "start": s.start, "end": s.end, "sentence": s.text, "mentions": found, "rejected": rejected}));
            continue;
        }
        println!("[{}] {}..{} {}", s.id, s.start, s.end, s.text);
        for m in &found {
            let how = match &m.via {
                Via::Gazetteer { form } => format!("gazetteer {form}"),
                Via::Office { person, role, start, end, source } => {
                    format!("{person}, {role} {start}..{end} on {date} ({source})")
                }
                Via::Memory { person, introduced } => format!("{person}, introduced earlier in the article as \"{introduced}\""),
            };
            let kind = if m.kind == "igo" { " (international organisation)" } else { "" };
            println!("  {:>4}..{:<4} {:<24} → {} {:<24} via {how}{kind}", m.start, m.end, m.text, m.code, g.name_of(&m.code).unwrap_or(""));
        }
        for r in &rejected {
            println!("  {:>4}..{:<4} {:<24} ✗ {}", r.start, r.end, r.text, r.reason);
        }
    }
    Ok(())
}
