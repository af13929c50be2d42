//! Every column name of every output, spelled once.
//!
//! Users' scripts, the notebooks and the report read these names: they are a contract. Each
//! table has its own module; each module lists its columns in output order (`ALL`) and the
//! column sets a reader needs. `ScoredRow`'s serde field names are checked against
//! [`scored::ALL`] by a test, so the struct and this file cannot drift apart.

/// `dyad score`: one row per (sentence, directed pair).
pub mod scored {
    pub const ARTICLE_ID: &str = "article_id";
    pub const DATE: &str = "date";
    pub const SENTENCE_ID: &str = "sentence_id";
    pub const START: &str = "start";
    pub const END: &str = "end";
    pub const SENTENCE: &str = "sentence";
    pub const SOURCE: &str = "source";
    pub const TARGET: &str = "target";
    pub const SOURCE_TEXT: &str = "source_text";
    pub const TARGET_TEXT: &str = "target_text";
    pub const STANCE: &str = "stance";
    pub const LABEL: &str = "label";
    pub const P_COOPERATIVE: &str = "p_cooperative";
    pub const P_NEUTRAL: &str = "p_neutral";
    pub const P_HOSTILE: &str = "p_hostile";
    pub const MODEL: &str = "model";
    pub const SOURCE_START: &str = "source_start";
    pub const SOURCE_END: &str = "source_end";
    pub const TARGET_START: &str = "target_start";
    pub const TARGET_END: &str = "target_end";
    pub const SOURCE_KIND: &str = "source_kind";
    pub const TARGET_KIND: &str = "target_kind";
    pub const PRIMARY: &str = "primary";
    /// Model v3: the role head's probability that the pair is a source → target of the sentence.
    pub const P_PRIMARY: &str = "p_primary";
    /// Model v3: PLOVER quad class of a primary pair, and its probability.
    pub const QUAD: &str = "quad";
    pub const P_QUAD: &str = "p_quad";
    /// The sentence's dedup keys (`crate::dedup::SentenceKeys`): the exact-copy hash and one
    /// hash per MinHash band, 64-bit, written as signed integers.
    pub const DEDUP_COPY_KEY: &str = "dedup_copy_key";
    pub const DEDUP_BAND_1: &str = "dedup_band_1";
    pub const DEDUP_BAND_2: &str = "dedup_band_2";
    pub const DEDUP_BAND_3: &str = "dedup_band_3";
    pub const DEDUP_BAND_4: &str = "dedup_band_4";
    pub const DEDUP_BAND_5: &str = "dedup_band_5";
    pub const DEDUP_BAND_6: &str = "dedup_band_6";
    /// The dedup key columns, in the order `crate::dedup::SentenceKeys::to_columns` gives them.
    pub const DEDUP_KEYS: &[&str] = &[DEDUP_COPY_KEY, DEDUP_BAND_1, DEDUP_BAND_2, DEDUP_BAND_3, DEDUP_BAND_4, DEDUP_BAND_5, DEDUP_BAND_6];

    /// Every column, in the order `dyad score` writes them.
    pub const ALL: &[&str] = &[
        ARTICLE_ID, DATE, SENTENCE_ID, START, END, SENTENCE, SOURCE, TARGET, SOURCE_TEXT, TARGET_TEXT, STANCE, LABEL,
        P_COOPERATIVE, P_NEUTRAL, P_HOSTILE, MODEL, SOURCE_START, SOURCE_END, TARGET_START, TARGET_END, SOURCE_KIND,
        TARGET_KIND, PRIMARY, P_PRIMARY, QUAD, P_QUAD, DEDUP_COPY_KEY, DEDUP_BAND_1, DEDUP_BAND_2, DEDUP_BAND_3, DEDUP_BAND_4,
        DEDUP_BAND_5, DEDUP_BAND_6,
    ];

    /// Without these a file is not a scored file.
    pub const REQUIRED: &[&str] = &[ARTICLE_ID, DATE, SOURCE, TARGET, STANCE, LABEL];

    /// What aggregation (series, compare, top) reads: Parquet files are read for these alone,
    /// which keeps archive-scale aggregation within memory (offsets, mentions and the sentence
    /// text stay on disk; dedup reads the key columns, or the text of files without them).
    pub const FOR_AGGREGATION: &[&str] = &[
        ARTICLE_ID, SENTENCE_ID, DATE, SOURCE, TARGET, STANCE, LABEL, PRIMARY, P_COOPERATIVE, P_NEUTRAL, P_HOSTILE, QUAD, P_PRIMARY,
        DEDUP_COPY_KEY, DEDUP_BAND_1, DEDUP_BAND_2, DEDUP_BAND_3, DEDUP_BAND_4, DEDUP_BAND_5, DEDUP_BAND_6,
    ];
}

/// `dyad series`: one row per dyad and period.
pub mod series {
    pub const PERIOD: &str = "period";
    pub const SOURCE: &str = "source";
    pub const TARGET: &str = "target";
    pub const SOURCE_NAME: &str = "source_name";
    pub const TARGET_NAME: &str = "target_name";
    pub const STATEMENTS: &str = "statements";
    pub const ARTICLES: &str = "articles";
    pub const MEAN_STANCE: &str = "mean_stance";
    pub const TENSION: &str = "tension";
    pub const COOPERATIVE: &str = "cooperative";
    pub const NEUTRAL: &str = "neutral";
    pub const HOSTILE: &str = "hostile";
    pub const MEAN_STANCE_CI_LOW: &str = "mean_stance_ci_low";
    pub const MEAN_STANCE_CI_HIGH: &str = "mean_stance_ci_high";
    pub const TENSION_CI_LOW: &str = "tension_ci_low";
    pub const TENSION_CI_HIGH: &str = "tension_ci_high";
    pub const SHARE: &str = "share";
    /// With `--smooth`.
    pub const TENSION_SMOOTH: &str = "tension_smooth";
    /// With `--spikes`.
    pub const TENSION_Z: &str = "tension_z";
    pub const SPIKE: &str = "spike";
}

/// `dyad compare -o`: one row per period, five columns per pair named `<SRC>_<TGT>_<suffix>`.
pub mod compare_wide {
    pub const PERIOD: &str = "period";
    pub const TENSION: &str = "tension";
    pub const STATEMENTS: &str = "statements";
    pub const CI_LOW: &str = "ci_low";
    pub const CI_HIGH: &str = "ci_high";
    pub const SPIKE: &str = "spike";
    /// The per-pair suffixes, in output order.
    pub const PER_PAIR: &[&str] = &[TENSION, STATEMENTS, CI_LOW, CI_HIGH, SPIKE];

    /// `IRN_AZE_tension`.
    pub fn column(source: &str, target: &str, suffix: &str) -> String {
        format!("{source}_{target}_{suffix}")
    }
}

/// `dyad top -o`: one row per dyad that moved.
pub mod top {
    pub const SOURCE: &str = "source";
    pub const TARGET: &str = "target";
    pub const STATEMENTS_BEFORE: &str = "statements_before";
    pub const STATEMENTS_AFTER: &str = "statements_after";
    pub const TENSION_BEFORE: &str = "tension_before";
    pub const TENSION_AFTER: &str = "tension_after";
    pub const CHANGE: &str = "change";
}

/// `dyad classify`: one JSON line per statement in, one out.
pub mod classify {
    pub const ID: &str = "id";
    pub const TEXT: &str = "text";
    pub const SOURCE: &str = "source";
    pub const TARGET: &str = "target";
    pub const DATE: &str = "date";
    /// Output fields, in order (the input's `id`, then the scored pair).
    pub const OUTPUT: &[&str] = &[ID, SOURCE, TARGET, super::scored::STANCE, super::scored::LABEL, super::scored::P_COOPERATIVE, super::scored::P_NEUTRAL, super::scored::P_HOSTILE, super::scored::P_PRIMARY, super::scored::QUAD, super::scored::P_QUAD];
}
