//! `dyad score` end to end: ingest → segment → actors → dyads → stance → store, with a
//! progress bar, a checkpoint that makes long runs resumable, and a summary of what was skipped.
use crate::actors::{ArticleActors, Gazetteer};
use crate::dyads::candidate_pairs;
use crate::ingest::{expand_inputs, read_file, Article, IngestError, IngestOptions};
use crate::segment::split_sentences;
use crate::records::{PairEnd, ScoredRow, Statement};
use crate::stance::{StanceInput, StanceScorer};
use crate::store::{checkpoint, write_rows};
use anyhow::{bail, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

/// Segments an article, finds its actors and builds the directed statements to score.
pub fn statements_of(article: &Article, gazetteer: &Gazetteer) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut actors = ArticleActors::new(gazetteer, article.date);
    for sentence in split_sentences(&article.text) {
        let mentions = actors.find(&sentence.text);
        for pair in candidate_pairs(&sentence.text, &mentions) {
            let end = |m: &crate::actors::Mention| {
                let (article_start, article_end) = sentence.article_span(m.start, m.end);
                PairEnd { code: m.code.clone(), kind: m.kind.clone(), text: m.text.clone(), start: m.start, end: m.end, article_start, article_end }
            };
            out.push(Statement {
                article_id: article.id.clone(),
                date: article.date,
                sentence_id: sentence.id,
                start: sentence.start,
                end: sentence.end,
                sentence: sentence.text.clone(),
                source: end(&pair.source),
                target: end(&pair.target),
                primary: pair.primary,
            });
        }
    }
    out
}

/// Scores statements with `scorer` into rows (stance, and where the scorer has pair heads the
/// role and quad; the word-order rule's decision is the role head's input).
pub fn score_statements(statements: Vec<Statement>, scorer: &dyn StanceScorer) -> Result<Vec<ScoredRow>> {
    let inputs: Vec<StanceInput> = statements.iter().map(Statement::stance_input).collect();
    let rule: Vec<bool> = statements.iter().map(|s| s.primary).collect();
    let scores = scorer.score_pairs(&inputs, &rule)?;
    Ok(statements.into_iter().zip(scores).map(|(st, sc)| st.scored(&sc, scorer.model_name())).collect())
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
    /// Score only the articles of this shard (`--shard I/N`).
    pub shard: Option<crate::dataset::Shard>,
    /// Articles per part file when the output is a dataset directory.
    pub part_articles: usize,
}

/// What a run did, printed at the end.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreSummary {
    pub articles_read: usize,
    pub articles_skipped: usize,
    pub articles_resumed: usize,
    pub articles_scored: usize,
    /// Articles left to the other shards (`--shard`).
    pub articles_other_shards: usize,
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
        )?;
        if self.articles_other_shards > 0 {
            write!(f, "; {} articles left to the other shards", self.articles_other_shards)?;
        }
        Ok(())
    }
}

/// Statements scored between two progress updates.
const PROGRESS_SLICE: usize = 2048;

fn same_sentence(a: &Statement, b: &Statement) -> bool {
    a.article_id == b.article_id && a.sentence_id == b.sentence_id
}

/// Runs `dyad score`.
pub fn run_score(opts: &ScoreOptions, gazetteer: &Gazetteer, scorer: &dyn StanceScorer) -> Result<ScoreSummary> {
    // Fail before any scoring, not after it: the output must be a file we can create, or a
    // dataset directory (`DIR/`).
    let dataset = crate::dataset::is_dataset_output(&opts.output);
    if !dataset {
        if opts.output.is_dir() {
            bail!("{}: is a directory; give a file name ending in .parquet, .csv or .jsonl, or DIR/ for a dataset of part files", opts.output.display());
        }
        crate::store::out_format(&opts.output)?;
    }
    let started = Instant::now();
    let mut summary = ScoreSummary::default();

    // 1. Read every input, reporting bad records as they come.
    let files = expand_inputs(&opts.inputs)?;
    let mut articles: Vec<Article> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut fatal: Option<IngestError> = None;
    for file in &files {
        read_file(file, &opts.ingest, &mut |r| {
            let r = r.and_then(|a| {
                if seen.insert(a.id.clone()) {
                    Ok(a)
                } else {
                    Err(IngestError { file: file.clone(), line: a.line, reason: format!("duplicate article id {:?} (kept the first)", a.id) })
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
    if let Some(shard) = opts.shard {
        // After the duplicate check over the whole input, so every shard skips the same records.
        let before = articles.len();
        articles.retain(|a| shard.contains(&a.id));
        summary.articles_other_shards = before - articles.len();
    }
    if dataset {
        crate::dataset::score_parts(opts, &articles, &mut summary, scorer.model_name(), &mut |part, output, summary| {
            score_into_file(opts, part, output, summary, gazetteer, scorer)
        })?;
    } else {
        score_into_file(opts, &articles, &opts.output, &mut summary, gazetteer, scorer)?;
    }
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Scores `articles` into one file (`output`), resumable from its checkpoint; adds to `summary`.
pub(crate) fn score_into_file(
    opts: &ScoreOptions,
    articles: &[Article],
    output: &std::path::Path,
    summary: &mut ScoreSummary,
    gazetteer: &Gazetteer,
    scorer: &dyn StanceScorer,
) -> Result<()> {
    // 2. Resume from the checkpoint, or start one.
    let checkpoint = checkpoint::path_for(output);
    let (done, mut rows) = if checkpoint.exists() {
        if !opts.resume {
            bail!(
                "{} holds an unfinished run; pass --resume to continue it, or delete it to start over",
                checkpoint.display()
            );
        }
        let (done, rows) = checkpoint::read(&checkpoint)?;
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
        // Articles of an earlier input that this run does not read are not this output's rows.
        let ids: HashSet<&str> = articles.iter().map(|a| a.id.as_str()).collect();
        let before = rows.len();
        let rows: Vec<ScoredRow> = rows.into_iter().filter(|r| ids.contains(r.article_id.as_str())).collect();
        if rows.len() < before {
            eprintln!(
                "{}: {} rows from articles not in this run's input left out (the checkpoint was started on other input)",
                checkpoint.display(),
                before - rows.len()
            );
        }
        let done: HashSet<String> = done.into_iter().filter(|id| ids.contains(id.as_str())).collect();
        (done, rows)
    } else {
        (HashSet::new(), Vec::new())
    };
    let todo: Vec<&Article> = articles.iter().filter(|a| !done.contains(&a.id)).collect();
    summary.articles_resumed += articles.len() - todo.len();
    let mut ck = checkpoint::Writer::open(&checkpoint)?;

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
        // Scored in slices, so that a chunk with one very long article still shows progress
        // (a slice never splits a sentence's pairs, which share one encoder pass).
        let mut scored = Vec::with_capacity(statements.len());
        let total = statements.len();
        let mut rest = statements;
        while !rest.is_empty() {
            let mut cut = rest.len().min(PROGRESS_SLICE);
            while cut < rest.len() && same_sentence(&rest[cut - 1], &rest[cut]) {
                cut += 1;
            }
            let tail = rest.split_off(cut);
            scored.extend(score_statements(rest, scorer)?);
            rest = tail;
            if total > PROGRESS_SLICE {
                let secs = scoring_started.elapsed().as_secs_f64().max(1e-9);
                let so_far = new_statements + scored.len();
                pb.set_message(format!("{so_far} statements ({:.1} statements/s; {}/{total} of this chunk)", so_far as f64 / secs, scored.len()));
            }
        }
        new_statements += scored.len();
        let mut it = scored.into_iter();
        for (id, n) in per_article {
            let article_rows: Vec<ScoredRow> = it.by_ref().take(n).collect();
            ck.append(&id, &article_rows)?;
            rows.extend(article_rows);
        }
        ck.flush()?;
        pb.inc(chunk.len() as u64);
        let secs = scoring_started.elapsed().as_secs_f64().max(1e-9);
        pb.set_message(format!("{} statements ({:.1} statements/s)", new_statements, new_statements as f64 / secs));
    }
    pb.finish_and_clear();
    summary.articles_scored += todo.len();
    summary.statements += rows.len();
    summary.statements_scored += new_statements;

    // 4. Write the output, then drop the checkpoint.
    write_rows(&rows, output)?;
    drop(ck);
    std::fs::remove_file(&checkpoint).ok();
    Ok(())
}
