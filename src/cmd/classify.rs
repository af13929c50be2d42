use super::{parse_date_arg, ModelArgs};
use anyhow::{bail, Context, Result};
use dyad_core::actors::{locate, Gazetteer};
use dyad_core::stance::{PairScore, StanceInput};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

/// Score the stance of a source toward a target in given statements.
///
/// One statement: `dyad classify "China condemned Japan" --source China --target Japan`.
/// Many: `dyad classify --input pairs.jsonl -o out.jsonl`, each input line
/// {"id", "text", "source", "target", "date"?}, where source/target are actor strings as they
/// appear in the text, ISO3 codes or country names. Each output line:
/// {"id", "source", "target", "stance", "label", "p_cooperative", "p_neutral", "p_hostile",
/// "p_primary", "quad", "p_quad"}. The pair is taken as asserted (the role head reads it as the
/// word-order rule's pair): `p_primary` says how much the sentence supports it as a
/// source → target, and `quad` is its PLOVER event type; both are null with --no-pair-heads.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The statement (instead of --input).
    pub text: Option<String>,
    #[arg(long)]
    pub source: Option<String>,
    #[arg(long)]
    pub target: Option<String>,
    /// JSONL file of statements.
    #[arg(long, short, conflicts_with = "text")]
    pub input: Option<PathBuf>,
    /// Output JSONL (stdout when omitted).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Date used to resolve people in office (default: today).
    #[arg(long, value_parser = parse_date_arg)]
    pub date: Option<chrono::NaiveDate>,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Deserialize)]
struct InLine {
    #[serde(default)]
    id: serde_json::Value,
    text: String,
    source: String,
    target: String,
    #[serde(default)]
    date: Option<String>,
}

#[derive(Serialize)]
struct OutLine<'a> {
    id: &'a serde_json::Value,
    source: &'a str,
    target: &'a str,
    stance: f64,
    label: dyad_core::stance::Label,
    p_cooperative: f64,
    p_neutral: f64,
    p_hostile: f64,
    p_primary: Option<f64>,
    quad: Option<dyad_core::stance::Quad>,
    p_quad: Option<f64>,
}

use dyad_core::records::round4 as r4;

pub fn run(a: Args) -> Result<()> {
    let g = Gazetteer::builtin();
    let today = a.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut lines: Vec<InLine> = Vec::new();
    let mut inputs: Vec<StanceInput> = Vec::new();
    let mut skipped = 0;
    let mut add = |line: InLine, origin: &str| -> Result<(), String> {
        let date = match &line.date {
            Some(d) => dyad_core::dates::parse_date(d).ok_or(format!("unreadable date {d:?}"))?,
            None => today,
        };
        let src = locate(g, &line.text, &line.source, date).ok_or(format!("source {:?} not found in the text", line.source))?;
        let tgt = locate(g, &line.text, &line.target, date).ok_or(format!("target {:?} not found in the text", line.target))?;
        let _ = origin;
        inputs.push(StanceInput { text: line.text.clone(), source: src, target: tgt });
        lines.push(line);
        Ok(())
    };
    match (&a.input, &a.text) {
        (Some(path), _) => {
            let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
            for (i, l) in BufReader::new(f).lines().enumerate() {
                let l = l?;
                if l.trim().is_empty() {
                    continue;
                }
                let r = serde_json::from_str::<InLine>(&l).map_err(|e| format!("invalid line: {e}")).and_then(|x| add(x, ""));
                if let Err(reason) = r {
                    eprintln!("skipped: {}:{}: {reason}", path.display(), i + 1);
                    skipped += 1;
                }
            }
        }
        (None, Some(text)) => {
            let (Some(s), Some(t)) = (&a.source, &a.target) else { bail!("give --source and --target with the text") };
            let line = InLine { id: serde_json::Value::Null, text: text.clone(), source: s.clone(), target: t.clone(), date: None };
            add(line, "").map_err(anyhow::Error::msg)?;
        }
        (None, None) => bail!("give a TEXT with --source/--target, or --input FILE.jsonl"),
    }
    let scorer = a.model.load()?;
    let scores: Vec<PairScore> = scorer.score_pairs(&inputs, &vec![true; inputs.len()])?;
    let mut out: Box<dyn Write> = match &a.output {
        Some(p) => Box::new(BufWriter::new(std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?)),
        None => Box::new(BufWriter::new(std::io::stdout())),
    };
    for (l, pair) in lines.iter().zip(&scores) {
        let s = &pair.stance;
        let quad = pair.top_quad();
        let (pc, ph) = (r4(s.p_cooperative), r4(s.p_hostile));
        let o = OutLine {
            id: &l.id,
            source: &l.source,
            target: &l.target,
            stance: ((pc - ph) * 10_000.0).round() / 10_000.0,
            label: s.label(),
            p_cooperative: pc,
            p_neutral: r4(s.p_neutral),
            p_hostile: ph,
            p_primary: pair.p_primary.map(r4),
            quad: quad.map(|q| q.0),
            p_quad: quad.map(|q| r4(q.1)),
        };
        serde_json::to_writer(&mut out, &o)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    if a.input.is_some() {
        eprintln!("{} statements scored, {} skipped", scores.len(), skipped);
    }
    if skipped > 0 {
        drop(out);
        std::process::exit(super::EXIT_SKIPPED);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The output fields are the schema's, in its order.
    #[test]
    fn output_fields_are_the_schema_columns() {
        let id = serde_json::json!("x");
        let line = OutLine { id: &id, source: "IRN", target: "AZE", stance: 0.5, label: dyad_core::stance::Label::Cooperative, p_cooperative: 0.6, p_neutral: 0.3, p_hostile: 0.1, p_primary: Some(0.9), quad: Some(dyad_core::stance::Quad::VerbalCooperation), p_quad: Some(0.8) };
        let json = serde_json::to_string(&line).unwrap();
        let positions: Vec<usize> = dyad_core::schema::classify::OUTPUT.iter().map(|c| json.find(&format!("\"{c}\":")).unwrap_or_else(|| panic!("{c} missing in {json}"))).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{json}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&json).unwrap().as_object().unwrap().len(), dyad_core::schema::classify::OUTPUT.len());
    }
}
