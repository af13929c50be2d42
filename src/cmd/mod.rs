//! One file per subcommand: parse arguments, call the library.
pub mod actors;
pub mod classify;
pub mod compare;
pub mod doctor;
pub mod eval;
pub mod report;
pub mod series;
pub mod score;
pub mod top;
pub mod train;
pub mod train_heads;

pub mod output;

/// Exit code of a run that wrote its output but skipped bad input records (reported on
/// stderr as `file:line: reason`). 1 is a fatal error, 2 bad arguments (clap).
pub const EXIT_SKIPPED: i32 = 3;

use anyhow::Result;
use dyad_core::dates::Every;
use dyad_model::{DeviceKind, Head, ModelChoice, Precision, ScorerKind, ScorerSpec};
use dyad_core::stance::StanceScorer;
use std::path::PathBuf;

/// Model options shared by the commands that run the encoder (score, classify, eval).
#[derive(clap::Args, Debug, Clone)]
pub struct ModelArgs {
    /// Folder of the all-MiniLM-L6-v2 encoder (default: found from `make setup`).
    #[arg(long, env = "DYAD_MODEL_DIR", value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Statements per model batch.
    #[arg(long, default_value_t = 32)]
    pub batch_size: usize,
    /// CPU threads for the model and tokenizer (default: all cores).
    #[arg(long, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Where the model runs (cuda needs `make setup CUDA=1`).
    #[arg(long, value_enum, default_value_t = DeviceKind::Cpu)]
    pub device: DeviceKind,
    /// trained (the shipped directed model in models/stance) or anchor (the untrained baseline).
    #[arg(long, value_enum, default_value_t = ScorerKind::Trained)]
    pub scorer: ScorerKind,
    /// Folder of the trained stance model (default models/stance). Given more than once, the
    /// models' probabilities are averaged and the `model` column reads `mean(name,name,…)`.
    #[arg(long, value_name = "DIR")]
    pub stance_dir: Vec<PathBuf>,
    /// Arithmetic of the trained model on CPU: f32 (as trained) or int8 (quantised linear
    /// layers of MiniLM, and of MPNet with `--model accurate`: about 2x faster, 98–99.9 % of
    /// labels as f32; on CPUs without AVX-512 VNNI the
    /// weights are 7-bit, see `dyad doctor` and models/README.md). The `model` column records
    /// int8 as `<model>+int8`.
    #[arg(long, value_enum, default_value_t = Precision::F32)]
    pub precision: Precision,
    /// Output layer of a model trained with two: stance (cooperation vs. hostility of events,
    /// what score and classify report) or sentiment (the directed-sentiment scheme; `dyad eval`
    /// uses it on directed-sentiment files). The `model` column records `<model>+sentiment`.
    #[arg(long, value_enum)]
    pub head: Option<Head>,
    /// Score with the stance model alone, as before model v3: `primary` from the word-order
    /// rule, no `p_primary`, `quad` or `p_quad`, one encoder pass per pair.
    #[arg(long)]
    pub no_pair_heads: bool,
    /// fast (all-MiniLM-L6-v2, the default) or accurate (all-mpnet-base-v2 under the pair
    /// heads of models/pairs-accurate: needs `make setup-accurate`, about 3x slower on CPU at
    /// f32, 1.3x fast's f32 time with `--precision int8`). models/README.md compares them.
    #[arg(long, value_enum, default_value_t = ModelChoice::Fast)]
    pub model: ModelChoice,
}

impl ModelArgs {
    /// The scorer these options describe; `default_head` where `--head` is not given.
    pub fn spec(&self, default_head: Head) -> ScorerSpec {
        ScorerSpec {
            kind: self.scorer,
            encoder_dir: self.model_dir.clone(),
            stance_dirs: self.stance_dir.clone(),
            head: self.head,
            default_head,
            precision: self.precision,
            device: self.device,
            batch_size: self.batch_size,
            threads: self.threads,
            pair_heads: !self.no_pair_heads,
            model: self.model,
        }
    }

    pub fn load(&self) -> Result<Box<dyn StanceScorer>> {
        self.spec(Head::Stance).load()
    }
}

/// Where a training command writes and runs (train, train-heads).
#[derive(clap::Args, Debug, Clone)]
pub struct TrainingRunArgs {
    /// Write somewhere else than the config's out_dir.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    /// Folder of the base encoder (default: found from `make setup`).
    #[arg(long, env = "DYAD_MODEL_DIR", value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Where the encoder runs (cuda needs `make setup CUDA=1`).
    #[arg(long, value_enum, default_value_t = DeviceKind::Cpu)]
    pub device: DeviceKind,
    /// CPU threads for libtorch and the tokenizer (default: all cores).
    #[arg(long, value_parser = parse_threads)]
    pub threads: Option<usize>,
}

impl TrainingRunArgs {
    /// Sets the thread count; returns the encoder folder and the device.
    pub fn prepare(&self) -> Result<(PathBuf, tch::Device)> {
        dyad_model::spec::set_threads(self.threads);
        Ok((dyad_model::paths::encoder_dir(self.model_dir.as_deref())?, self.device.device()?))
    }
}

/// Which statements count, and as which dyad: the filter that `series`, `compare` and `top`
/// share (`dyad_core::aggregate`).
#[derive(clap::Args, Debug, Clone)]
pub struct FilterArgs {
    /// Merge A→B and B→A into one dyad (listed alphabetically); a sentence counts once.
    #[arg(long)]
    pub undirected: bool,
    /// Keep republished statements (by default a sentence repeated across articles, same pair, counts once).
    #[arg(long)]
    pub no_dedup: bool,
    /// Only statements that carry a stance (label cooperative or hostile); neutral ones, such as
    /// the receiving side of a directed statement, are left out.
    #[arg(long)]
    pub exclude_neutral: bool,
    /// Count every scored row, not only the role-bearing ones. By default only rows marked
    /// `primary` count: a source → target of what the sentence reports; the others (the
    /// receiving side of a statement, countries named as places or topics) are mostly neutral
    /// and would pull every dyad toward 50.
    #[arg(long)]
    pub all_rows: bool,
    /// (The default since model v3; kept so older scripts run.)
    #[arg(long, hide = true, conflicts_with = "all_rows")]
    pub primary_only: bool,
    /// Only rows of this PLOVER event type (repeatable): verbal_cooperation,
    /// material_cooperation, verbal_conflict, material_conflict. Needs a file scored with model v3.
    #[arg(long, value_name = "QUAD", value_parser = |s: &str| s.parse::<dyad_core::stance::Quad>())]
    pub quad: Vec<dyad_core::stance::Quad>,
}

impl FilterArgs {
    pub fn filter(&self, pairs: Vec<dyad_core::pair_spec::PairSpec>) -> dyad_core::aggregate::Filter {
        dyad_core::aggregate::Filter {
            pairs,
            undirected: self.undirected,
            dedup: !self.no_dedup,
            exclude_neutral: self.exclude_neutral,
            primary_only: !self.all_rows,
            quads: self.quad.clone(),
        }
    }
}

/// How statements become dyad-periods; shared by `series` and `compare`.
#[derive(clap::Args, Debug, Clone)]
pub struct AggregationArgs {
    /// Period: 1d, 1w (ISO weeks from Monday), 1mo, 1q or 1y.
    #[arg(long, default_value = "1mo")]
    pub every: Every,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Weight articles, not statements: an article's statements in a dyad-period are averaged first.
    #[arg(long)]
    pub per_article: bool,
    /// Weight each statement by the model's confidence (its highest class probability);
    /// 95 % intervals then use the effective sample size (Σw)²/Σw².
    #[arg(long)]
    pub confidence_weighted: bool,
}

impl AggregationArgs {
    pub fn series_options(&self, pairs: Vec<dyad_core::pair_spec::PairSpec>) -> dyad_core::series::SeriesOptions {
        let f = self.filter.filter(pairs);
        dyad_core::series::SeriesOptions {
            every: self.every,
            pairs: f.pairs,
            undirected: f.undirected,
            per_article: self.per_article,
            dedup: f.dedup,
            exclude_neutral: f.exclude_neutral,
            primary_only: f.primary_only,
            quads: f.quads,
            confidence_weighted: self.confidence_weighted,
            smooth: None,
            spikes: None,
        }
    }
}

/// At least one thread (libtorch panics on 0).
pub fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("needs at least 1 thread".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{s:?} is not a number of threads")),
    }
}

pub fn parse_date_arg(s: &str) -> Result<chrono::NaiveDate, String> {
    dyad_core::dates::parse_date(s).ok_or_else(|| format!("unreadable date {s:?} (use YYYY-MM-DD)"))
}

/// The series of a scored input in pieces of whole dyads (memory far below the archive's, see
/// `dyad_core::partition`), with the notes the aggregating commands print.
pub fn series_of_path(path: &std::path::Path, opts: &dyad_core::series::SeriesOptions, models: bool) -> Result<dyad_core::series::FromPath> {
    let from = dyad_core::series::compute_path(path, opts, models, dyad_core::partition::piece_rows()?)?;
    note_how_read(path, from.from_text, from.pieces);
    Ok(from)
}

/// What the aggregating commands say about how they read an input: dedup from the text (slower)
/// and the pieces of a large archive.
pub fn note_how_read(path: &std::path::Path, from_text: bool, pieces: dyad_core::partition::Pieces) {
    if from_text {
        eprintln!(
            "note: {} has no dedup key columns (scored before dyad wrote them): finding republished statements from the \
             sentence text instead, which is slower; scoring it again writes the keys",
            path.display()
        );
    }
    if pieces.count > 1 {
        eprintln!("{} rows aggregated in {} pieces of whole dyads (DYAD_PIECE_ROWS sets their size)", pieces.rows, pieces.count);
    }
}

/// The chart's source line: the scored file, the model(s) that scored it, the periods shown.
pub fn chart_source_line(path: &std::path::Path, models: &[String], c: &dyad_core::compare::Comparison) -> String {
    let models = if models.is_empty() { "model not recorded".to_string() } else { format!("model {}", models.join(", ")) };
    let span = match (c.periods.first(), c.periods.last()) {
        (Some(f), Some(l)) => format!("{} to {}", dyad_core::chart::period_label(c.every, *f), dyad_core::chart::period_label(c.every, *l)),
        _ => String::new(),
    };
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().to_string());
    format!("Source: {name}, scored by dyad ({models}); {span}")
}

