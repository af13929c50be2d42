//! The records that flow between stages: a [`Statement`] (a directed pair in one sentence of
//! one article, ready to score) and the [`ScoredRow`] it becomes once scored. Their field names
//! are the columns of [`crate::schema::scored`].
use crate::stance::{Label, PairScore, Quad, StanceInput};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One end of a directed pair: the actor as resolved and as written.
#[derive(Debug, Clone, PartialEq)]
pub struct PairEnd {
    /// ISO3 code, or dyad's own code for an international organisation.
    pub code: String,
    /// `country` or `igo`.
    pub kind: String,
    /// The mention as written.
    pub text: String,
    /// Char offsets of the mention in the sentence (what the model reads).
    pub start: usize,
    pub end: usize,
    /// Char offsets of the mention in the article as read (differ from the sentence's start
    /// plus `start` only where HTML entities were decoded before it).
    pub article_start: usize,
    pub article_end: usize,
}

/// A directed pair in one sentence of one article, ready to score: everything a scored row
/// holds except what the model says.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub article_id: String,
    pub date: NaiveDate,
    /// Index of the sentence in the article.
    pub sentence_id: usize,
    /// Char offsets of the sentence in the article text.
    pub start: usize,
    pub end: usize,
    pub sentence: String,
    pub source: PairEnd,
    pub target: PairEnd,
    /// The word-order rule's source → target (see [`crate::dyads`]); a scorer with a role
    /// head replaces it with its own decision in the scored row.
    pub primary: bool,
}

impl Statement {
    /// What the scorer reads: the sentence with the two mentions' spans.
    pub fn stance_input(&self) -> StanceInput {
        StanceInput { text: self.sentence.clone(), source: (self.source.start, self.source.end), target: (self.target.start, self.target.end) }
    }

    /// The scored row: probabilities rounded to 4 decimals (more is noise and file size),
    /// `stance` computed from the rounded ones so the columns agree exactly. `primary` is the
    /// role head's decision where the scorer has one, else the word-order rule's; the quad is
    /// written for primary pairs only (the event type of a pair that is not a source → target
    /// means nothing).
    pub fn scored(self, pair: &PairScore, model: &str) -> ScoredRow {
        let score = &pair.stance;
        let primary = pair.primary.unwrap_or(self.primary);
        let quad = pair.top_quad().filter(|_| primary);
        let (pc, pn, ph) = (round4(score.p_cooperative), round4(score.p_neutral), round4(score.p_hostile));
        let [c, b1, b2, b3, b4, b5, b6] = crate::dedup::SentenceKeys::of(&self.sentence).to_columns();
        ScoredRow {
            article_id: self.article_id,
            date: self.date,
            sentence_id: self.sentence_id as i64,
            start: self.start as i64,
            end: self.end as i64,
            sentence: self.sentence,
            stance: ((pc - ph) * 10_000.0).round() / 10_000.0,
            label: score.label(),
            p_cooperative: pc,
            p_neutral: pn,
            p_hostile: ph,
            model: model.to_string(),
            source_start: self.source.article_start as i64,
            source_end: self.source.article_end as i64,
            target_start: self.target.article_start as i64,
            target_end: self.target.article_end as i64,
            source: self.source.code,
            target: self.target.code,
            source_text: self.source.text,
            target_text: self.target.text,
            source_kind: self.source.kind,
            target_kind: self.target.kind,
            primary,
            p_primary: pair.p_primary.map(round4),
            quad: quad.map(|q| q.0),
            p_quad: quad.map(|q| round4(q.1)),
            dedup_copy_key: Some(c),
            dedup_band_1: Some(b1),
            dedup_band_2: Some(b2),
            dedup_band_3: Some(b3),
            dedup_band_4: Some(b4),
            dedup_band_5: Some(b5),
            dedup_band_6: Some(b6),
        }
    }
}

pub fn round4(x: f32) -> f64 {
    (x as f64 * 10_000.0).round() / 10_000.0
}

/// One scored (statement, directed pair). Column names are a contract: later stages,
/// notebooks and users' scripts rely on them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredRow {
    pub article_id: String,
    /// The article's date (`YYYY-MM-DD` in CSV and JSONL, `Date` in Parquet).
    #[serde(deserialize_with = "crate::dates::deserialize_date")]
    pub date: NaiveDate,
    pub sentence_id: i64,
    /// Char offsets of the sentence in the article text.
    pub start: i64,
    pub end: i64,
    pub sentence: String,
    pub source: String,
    pub target: String,
    pub source_text: String,
    pub target_text: String,
    /// p_cooperative − p_hostile, in [−1, 1].
    pub stance: f64,
    /// The most probable class.
    pub label: Label,
    pub p_cooperative: f64,
    pub p_neutral: f64,
    pub p_hostile: f64,
    pub model: String,
    /// Char offsets of the source and target mentions in the article text.
    pub source_start: i64,
    pub source_end: i64,
    pub target_start: i64,
    pub target_end: i64,
    /// `country` or `igo` (an international organisation: UN, EU, NATO…, not a country).
    #[serde(default = "country")]
    pub source_kind: String,
    #[serde(default = "country")]
    pub target_kind: String,
    /// The pair is a source → target of what the sentence reports: the role head's decision
    /// (model v3, `p_primary` ≥ its threshold), or for scorers without one the word-order rule
    /// of `dyads` (first actor acts on the next; coordinated or meeting actors both ways).
    /// `false` for the other candidate directions, which are scored too (usually neutral).
    #[serde(default = "yes")]
    pub primary: bool,
    /// The role head's probability (empty for scorers without one).
    #[serde(default)]
    pub p_primary: Option<f64>,
    /// PLOVER quad class of a primary pair (empty for other pairs and scorers without a quad head).
    #[serde(default)]
    pub quad: Option<Quad>,
    #[serde(default)]
    pub p_quad: Option<f64>,
    /// The sentence's dedup keys ([`crate::dedup::SentenceKeys`], bit for bit as signed
    /// integers): series, compare and top find republished statements from these without
    /// reading the text. Empty in files scored before they existed (then computed on read).
    #[serde(default)]
    pub dedup_copy_key: Option<i64>,
    #[serde(default)]
    pub dedup_band_1: Option<i64>,
    #[serde(default)]
    pub dedup_band_2: Option<i64>,
    #[serde(default)]
    pub dedup_band_3: Option<i64>,
    #[serde(default)]
    pub dedup_band_4: Option<i64>,
    #[serde(default)]
    pub dedup_band_5: Option<i64>,
    #[serde(default)]
    pub dedup_band_6: Option<i64>,
}

impl ScoredRow {
    /// The row with its sentence's dedup keys filled in (call it after the sentence is final).
    pub fn with_dedup_keys(mut self) -> ScoredRow {
        let [c, b1, b2, b3, b4, b5, b6] = crate::dedup::SentenceKeys::of(&self.sentence).to_columns();
        self.dedup_copy_key = Some(c);
        (self.dedup_band_1, self.dedup_band_2, self.dedup_band_3) = (Some(b1), Some(b2), Some(b3));
        (self.dedup_band_4, self.dedup_band_5, self.dedup_band_6) = (Some(b4), Some(b5), Some(b6));
        self
    }

    /// The dedup key columns, in [`crate::schema::scored::DEDUP_KEYS`] order.
    pub fn dedup_key_columns(&self) -> [Option<i64>; 7] {
        [self.dedup_copy_key, self.dedup_band_1, self.dedup_band_2, self.dedup_band_3, self.dedup_band_4, self.dedup_band_5, self.dedup_band_6]
    }
}

fn yes() -> bool {
    true
}

pub(crate) fn country() -> String {
    "country".into()
}


#[cfg(test)]
mod tests {

    /// The struct's serde names are the schema's columns, in order: one spelling of each.
    #[test]
    fn scored_row_fields_are_the_schema_columns() {
        let row = crate::store::tests::row("a", "2025-02-04", "IRN", "AZE", 0.5);
        let json = serde_json::to_value(&row).unwrap();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        let mut want: Vec<&str> = crate::schema::scored::ALL.to_vec();
        want.sort_unstable();
        let mut got = keys.clone();
        got.sort_unstable();
        assert_eq!(got, want);
        assert_eq!(json["date"], "2025-02-04");
        assert_eq!(json["label"], "cooperative");
    }
}
