//! `dyad score` end to end: ingest → segment → actors → dyads → stance → store, with a
//! progress bar, a checkpoint that makes long runs resumable, and a summary of what was skipped.
use crate::actors::{ArticleActors, Gazetteer};
use crate::dyads::candidate_pairs;
use crate::ingest::{expand_inputs, read_file, Article, IngestError, IngestOptions};
use crate::segment::split_sentences;
use crate::stance::{StanceInput, StanceScorer};
use crate::store::{write_rows, ScoredRow};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A directed pair in one sentence of one article, ready to score.
#[derive(Debug, Clone)]
pub struct Statement {
    pub row: ScoredRow,
    pub input: StanceInput,
}

/// Segments an article, finds its actors and builds the directed statements to score.
pub fn statements_of(article: &Article, gazetteer: &Gazetteer) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut actors = ArticleActors::new(gazetteer, article.date);
    for sentence in split_sentences(&article.text) {
        let mentions = actors.find(&sentence.text);
        for pair in candidate_pairs(&sentence.text, &mentions) {
            let (s, t) = (&pair.source, &pair.target);
            out.push(Statement {
                input: StanceInput { text: sentence.text.clone(), source: (s.start, s.end), target: (t.start, t.end) },
                row: ScoredRow {
                    article_id: article.id.clone(),
                    date: article.date.to_string(),
                    sentence_id: sentence.id as i64,
                    start: sentence.start as i64,
                    end: sentence.end as i64,
                    sentence: sentence.text.clone(),
                    source: s.code.clone(),
                    target: t.code.clone(),
                    source_text: s.text.clone(),
                    target_text: t.text.clone(),
                    stance: 0.0,
                    label: String::new(),
                    p_cooperative: 0.0,
                    p_neutral: 0.0,
                    p_hostile: 0.0,
                    model: String::new(),
                    source_start: (sentence.start + s.start) as i64,
                    source_end: (sentence.start + s.end) as i64,
                    target_start: (sentence.start + t.start) as i64,
                    target_end: (sentence.start + t.end) as i64,
                    source_kind: s.kind.clone(),
                    target_kind: t.kind.clone(),
                    primary: pair.primary,
                },
            });
        }
    }
    out
}

fn round4(x: f32) -> f64 {
    (x as f64 * 10_000.0).round() / 10_000.0
}

/// Scores statements with `scorer`, filling the stance columns of their rows.
pub fn score_statements(statements: Vec<Statement>, scorer: &dyn StanceScorer) -> Result<Vec<ScoredRow>> {
    let inputs: Vec<StanceInput> = statements.iter().map(|s| s.input.clone()).collect();
    let scores = scorer.score(&inputs)?;
    Ok(statements
        .into_iter()
        .zip(scores)
        .map(|(st, sc)| {
            let mut r = st.row;
            r.p_cooperative = round4(sc.p_cooperative);
            r.p_neutral = round4(sc.p_neutral);
            r.p_hostile = round4(sc.p_hostile);
            r.stance = ((r.p_cooperative - r.p_hostile) * 10_000.0).round() / 10_000.0;
            r.label = sc.label().as_str().to_string();
            r.model = scorer.model_name().to_string();
            r
        })
        .collect())
}

/// Scores whole articles (the library entry point for embedding dyad elsewhere).
pub fn score_articles(articles: &[Article], gazetteer: &Gazetteer, scorer: &dyn StanceScorer) -> Result<Vec<ScoredRow>> {
    let statements = articles.iter().flat_map(|a| statements_of(a, gazetteer)).collect();
    score_statements(statements, scorer)
}

#[derive(Debug, Clone)]
pub struct ScoreOptions {
    pub inputs: Vec<PathBuf>,
    pub output: PathBuf,
    pub ingest: IngestOptions,
    pub strict: bool,
    pub resume: bool,
    /// Articles scored together (statements across them are batched for the model).
    pub chunk_articles: usize,
    pub progress: bool,
}

/// What a run did, printed at the end.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreSummary {
    pub articles_read: usize,
    pub articles_skipped: usize,
    pub articles_resumed: usize,
    pub articles_scored: usize,
    /// Rows in the output (resumed ones included).
    pub statements: usize,
    /// Rows scored by this run.
    pub statements_scored: usize,
    pub seconds: f64,
    pub errors: Vec<String>,
}

impl std::fmt::Display for ScoreSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.seconds.max(1e-9);
        write!(
            f,
            "{} articles read, {} skipped as bad records, {} already done (resumed), {} scored; {} statements; {:.1} s ({:.2} articles/s, {:.1} statements/s)",
            self.articles_read,
            self.articles_skipped,
            self.articles_resumed,
            self.articles_scored,
            self.statements,
            self.seconds,
            self.articles_scored as f64 / secs,
            self.statements_scored as f64 / secs
        )
    }
}

/// The checkpoint beside the output: one JSON line per finished article.
pub fn checkpoint_path(output: &Path) -> PathBuf {
    let mut name = output.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial.jsonl");
    output.with_file_name(name)
}

#[derive(Serialize, Deserialize)]
struct CheckpointLine {
    article_id: String,
    rows: Vec<ScoredRow>,
}

/// Reads finished articles from a checkpoint; a torn last line (a crash mid-write) is dropped.
fn read_checkpoint(path: &Path) -> Result<(HashSet<String>, Vec<ScoredRow>)> {
    let (mut done, mut rows) = (HashSet::new(), Vec::new());
    let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    for line in BufReader::new(f).lines() {
        let line = line?;
        if let Ok(c) = serde_json::from_str::<CheckpointLine>(&line) {
            done.insert(c.article_id);
            rows.extend(c.rows);
        }
    }
    Ok((done, rows))
}

/// Runs `dyad score`.
pub fn run_score(opts: &ScoreOptions, gazetteer: &Gazetteer, scorer: &dyn StanceScorer) -> Result<ScoreSummary> {
    crate::store::out_format(&opts.output)?;
    let started = Instant::now();
    let mut summary = ScoreSummary::default();

    // 1. Read every input, reporting bad records as they come.
    let files = expand_inputs(&opts.inputs)?;
    let mut articles: Vec<Article> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut fatal: Option<IngestError> = None;
    for file in &files {
        let mut line_no = 0usize;
        read_file(file, &opts.ingest, &mut |r| {
            line_no += 1;
            let r = r.and_then(|a| {
                if seen.insert(a.id.clone()) {
                    Ok(a)
                } else {
                    Err(IngestError { file: file.clone(), line: line_no, reason: format!("duplicate article id {:?} (kept the first)", a.id) })
                }
            });
            match r {
                Ok(a) => articles.push(a),
                Err(e) => {
                    eprintln!("skipped: {e}");
                    summary.articles_skipped += 1;
                    summary.errors.push(e.to_string());
                    if opts.strict && fatal.is_none() {
                        fatal = Some(e);
                    }
                }
            }
        });
        if let Some(e) = &fatal {
            bail!("{e} (--strict stops at the first bad record)");
        }
    }
    summary.articles_read = articles.len() + summary.articles_skipped;

    // 2. Resume from the checkpoint, or start one.
    let checkpoint = checkpoint_path(&opts.output);
    let (done, mut rows) = if checkpoint.exists() {
        if !opts.resume {
            bail!(
                "{} holds an unfinished run; pass --resume to continue it, or delete it to start over",
                checkpoint.display()
            );
        }
        let (done, rows) = read_checkpoint(&checkpoint)?;
        // One output, one model: rows scored by another model (or precision) would mix
        // two instruments in one series.
        if let Some(r) = rows.iter().find(|r| r.model != scorer.model_name()) {
            bail!(
                "{}: its rows were scored by {:?}, this run uses {:?}; resume with the same --scorer, --stance-dir and --precision, or delete it to start over",
                checkpoint.display(),
                r.model,
                scorer.model_name()
            );
        }
        (done, rows)
    } else {
        (HashSet::new(), Vec::new())
    };
    let todo: Vec<&Article> = articles.iter().filter(|a| !done.contains(&a.id)).collect();
    summary.articles_resumed = articles.len() - todo.len();
    let mut ck = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&checkpoint)
        .with_context(|| format!("creating checkpoint {}", checkpoint.display()))?;

    // 3. Score in chunks of articles; each finished article is appended to the checkpoint.
    let pb = if opts.progress { ProgressBar::new(todo.len() as u64) } else { ProgressBar::hidden() };
    pb.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} articles ({per_sec}, eta {eta}) {msg}")
            .unwrap(),
    );
    let scoring_started = Instant::now();
    let mut new_statements = 0usize;
    for chunk in todo.chunks(opts.chunk_articles.max(1)) {
        let mut per_article: Vec<(String, usize)> = Vec::new();
        let mut statements = Vec::new();
        for a in chunk {
            let s = statements_of(a, gazetteer);
            per_article.push((a.id.clone(), s.len()));
            statements.extend(s);
        }
        let scored = score_statements(statements, scorer)?;
        new_statements += scored.len();
        let mut it = scored.into_iter();
        for (id, n) in per_article {
            let line = CheckpointLine { article_id: id, rows: it.by_ref().take(n).collect() };
            serde_json::to_writer(&mut ck, &line)?;
            ck.write_all(b"\n")?;
            rows.extend(line.rows);
        }
        ck.flush()?;
        pb.inc(chunk.len() as u64);
        let secs = scoring_started.elapsed().as_secs_f64().max(1e-9);
        pb.set_message(format!("{} statements ({:.1} statements/s)", new_statements, new_statements as f64 / secs));
    }
    pb.finish_and_clear();
    summary.articles_scored = todo.len();
    summary.statements = rows.len();
    summary.statements_scored = new_statements;

    // 4. Write the output, then drop the checkpoint.
    write_rows(&rows, &opts.output)?;
    drop(ck);
    std::fs::remove_file(&checkpoint).ok();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}
