use anyhow::{bail, Context, Result};
use dyad_train::corpus::{load_directed_sentiment, load_plv, read_keys, Example};
use dyad_train::eval::{eval_directed_sentiment, eval_examples, eval_plv, Prediction};
use dyad_model::directed::Head;
use dyad_core::stance::Label;
use std::io::{BufRead, Write};
use std::path::PathBuf;

/// Accuracy, macro-F1 and confusion matrix of the stance model on a labelled file.
///
/// Formats, by columns: PLV TSV (marked_sentence, penta): cooperative-vs-hostile and directed
/// 3-class; directed-sentiment TSV (sentence with [p] [q], p, q, label 0–4): 5-class from two
/// directed calls; JSONL {"text","source","target","label"} with label cooperative|neutral|hostile
/// and source/target as char spans [start, end] or strings found in the text.
///
/// A `.conll` file (token TAG per line, B-/I- S source, T target, R both) measures the actor
/// resolver and pairing instead: directed pair precision/recall by direction policy, and the
/// place-vs-actor rule (`--part dev` is the fixed held-out fifth).
#[derive(clap::Args, Debug)]
pub struct Args {
    pub file: PathBuf,
    /// Keep only the sentences listed in this split file (e.g. data/splits/plv_dev.txt).
    #[arg(long)]
    pub split: Option<PathBuf>,
    /// For .conll files: dev (the held-out fifth), train (the rest) or all.
    #[arg(long, value_enum, default_value_t = Part::Dev)]
    pub part: Part,
    /// For .conll files: print this many sentences where the pairs differ from the annotation.
    #[arg(long, default_value_t = 0)]
    pub show: usize,
    /// Write every evaluated item as a JSON line (key, text, source and target spans, gold,
    /// predicted, the model's probabilities) to inspect the errors behind the figures.
    #[arg(long, value_name = "FILE.jsonl")]
    pub predictions: Option<PathBuf>,
    #[command(flatten)]
    pub model: super::ModelArgs,
}

/// Which part of a CoNLL file to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    /// The fixed held-out fifth (by sentence key).
    Dev,
    /// The other four fifths.
    Train,
    All,
}

/// Writes the evaluated items as JSON lines to `out` (created before scoring, so a bad path
/// fails at once).
fn write_predictions(out: Option<(std::fs::File, &PathBuf)>, predictions: &[Prediction]) -> Result<()> {
    let Some((file, path)) = out else { return Ok(()) };
    let mut w = std::io::BufWriter::new(file);
    for p in predictions {
        serde_json::to_writer(&mut w, p)?;
        w.write_all(b"\n")?;
    }
    w.flush().with_context(|| format!("writing {}", path.display()))?;
    eprintln!("wrote {} predictions to {}", predictions.len(), path.display());
    Ok(())
}

pub fn run(a: Args) -> Result<()> {
    if a.file.extension().is_some_and(|e| e == "conll") {
        if a.predictions.is_some() {
            bail!("--predictions is for stance files; for {} use --show N", a.file.display());
        }
        return run_conll(&a);
    }
    let predictions_out = match &a.predictions {
        Some(p) => Some((std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?, p)),
        None => None,
    };
    let keep = a.split.as_ref().map(|p| read_keys(p)).transpose()?;
    let header = std::fs::read_to_string(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
    let first = header.lines().next().unwrap_or("");
    let directed_sentiment = first.split('\t').any(|c| c == "p") && first.contains("label");
    // A directed-sentiment file is read by the model's sentiment head when it has one.
    let scorer = a.model.spec(if directed_sentiment { Head::Sentiment } else { Head::Stance }).load()?;
    println!("model {} on {}", scorer.model_name(), a.file.display());
    if first.contains("marked_sentence") && first.contains("penta") {
        let (mut s, skipped) = load_plv(&a.file)?;
        if let Some(k) = &keep {
            s.retain(|x| k.contains(&x.key));
        }
        let r = eval_plv(scorer.as_ref(), &s)?;
        write_predictions(predictions_out, &r.predictions)?;
        println!("{} sentences ({} unreadable rows skipped)\n\ncooperative vs hostile (source→target):\n{}", s.len(), skipped, r.coop_vs_hostile.render());
        println!("directed 3-class, both directions (reverse = neutral unless mutual):\n{}", r.directed.render());
        println!("{}", r.calibration.render());
        if let Some(q) = &r.quad {
            println!("PLOVER quad of the marked pair (source→target):\n{}", q.render());
            print_seed_spread(scorer.model_name(), &["plv_quad_accuracy_with_stance", "plv_quad_accuracy", "plv_root_accuracy", "plv_coop_vs_hostile"]);
            println!("(plv_quad_accuracy: the quad head alone; plv_coop_vs_hostile: the one-pass stance head, not the per-pair stance above)\n");
        }
    } else if directed_sentiment {
        let (mut s, skipped) = load_directed_sentiment(&a.file)?;
        if let Some(k) = &keep {
            s.retain(|x| k.contains(&x.key));
        }
        let r = eval_directed_sentiment(scorer.as_ref(), &s)?;
        write_predictions(predictions_out, &r.predictions)?;
        println!("{} sentences ({} unreadable rows skipped)\n\n5-class from two directed calls:\n{}", s.len(), skipped, r.confusion.render());
        println!("{}", r.calibration.render());
    } else if first.trim_start().starts_with('{') {
        let g = dyad_core::actors::Gazetteer::builtin();
        let today = chrono::Local::now().date_naive();
        let mut ex = Vec::new();
        for (i, line) in std::io::BufReader::new(std::fs::File::open(&a.file)?).lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(&line).with_context(|| format!("{}:{}: invalid JSON", a.file.display(), i + 1))?;
            let text = v["text"].as_str().with_context(|| format!("{}:{}: no text", a.file.display(), i + 1))?;
            let span = |x: &serde_json::Value| -> Option<(usize, usize)> {
                match x {
                    serde_json::Value::Array(a) if a.len() == 2 => Some((a[0].as_u64()? as usize, a[1].as_u64()? as usize)),
                    serde_json::Value::String(s) => dyad_core::actors::locate(g, text, s, today),
                    _ => None,
                }
            };
            let (Some(source), Some(target)) = (span(&v["source"]), span(&v["target"])) else {
                eprintln!("skipped: {}:{}: source or target not found", a.file.display(), i + 1);
                continue;
            };
            let label: Label = v["label"].as_str().unwrap_or("").parse().map_err(|e: String| anyhow::anyhow!("{}:{}: {e}", a.file.display(), i + 1))?;
            let key = dyad_train::corpus::sentence_key(text);
            ex.push(Example { input: dyad_core::stance::StanceInput { text: text.into(), source, target }, label, key, trains: dyad_train::corpus::Trains::Stance });
        }
        let r = eval_examples(scorer.as_ref(), &ex)?;
        write_predictions(predictions_out, &r.predictions)?;
        println!("{} statements\n\n3-class:\n{}", ex.len(), r.confusion.render());
        println!("{}", r.calibration.render());
    } else {
        bail!("{}: unknown labelled format (expected PLV TSV, directed-sentiment TSV or JSONL)", a.file.display());
    }
    Ok(())
}

/// With the shipped pair heads: their dev figures over the training seeds, from the manifest
/// (`dyad train-heads` measured each seed on these dev sets; this run measured the shipped one).
fn print_seed_spread(model: &str, keys: &[&str]) {
    let dir = dyad_model::paths::project_models_dir().join("pairs");
    let Ok(m) = dyad_model::pair_heads::PairManifest::read(&dir) else { return };
    if !model.contains(&m.name) {
        return;
    }
    let over = &m.dev_metrics["over_seeds"];
    println!("pair heads {} over training seeds (mean ± sd; shipped seed {}), from {}/manifest.json:", m.name, m.dev_metrics["shipped_seed"], dir.display());
    for k in keys {
        let v = &over[*k];
        if let (Some(mean), Some(sd)) = (v["mean"].as_f64(), v["sd"].as_f64()) {
            let seeds: Vec<String> = v["seeds"].as_object().map(|o| o.iter().map(|(s, x)| format!("{s}: {:.3}", x.as_f64().unwrap_or(f64::NAN))).collect()).unwrap_or_default();
            println!("  {k:<22} {mean:.3} ± {sd:.3}   ({})", seeds.join(", "));
        }
    }
}

fn run_conll(a: &Args) -> Result<()> {
    use dyad_train::conll::{is_dev, load_conll};
    use dyad_train::eval::pairs::evaluate;
    let mut sentences = load_conll(&a.file)?;
    match a.part {
        Part::Dev => sentences.retain(is_dev),
        Part::Train => sentences.retain(|s| !is_dev(s)),
        Part::All => {}
    }
    let scorer = a.model.load()?;
    println!("actors and pairs on {} ({:?} part), model {}", a.file.display(), a.part, scorer.model_name());
    let e = evaluate(dyad_core::actors::Gazetteer::builtin(), &sentences, Some(scorer.as_ref()))?;
    print!("{}", e.render());
    if a.part == Part::Dev {
        print_seed_spread(scorer.model_name(), &["role_precision", "role_recall", "role_f1", "rule_precision", "rule_recall"]);
    }
    for (line, text, why) in e.place_errors.iter().take(a.show) {
        println!("{}:{line}: {text:?} rejected but annotated as an actor: {why}", a.file.display());
    }
    for (line, text, gold, predicted) in e.examples.iter().take(a.show) {
        println!("\n{}:{line}: {text}\n  annotated {gold:?}\n  order     {predicted:?}", a.file.display());
    }
    Ok(())
}
