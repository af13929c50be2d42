//! dyad-core: the pipeline without a model. No tch, no rust-bert: it builds and tests without
//! libtorch.
//!
//! The stages, one module each, each a plain function over typed records:
//! [`ingest`] → [`normalize`] → [`segment`] → [`actors`] → [`dyads`] → ([`stance`]: the scorer interface; the
//! scorers live in `dyad-model`) → [`store`] → ([`partition`]: archives larger than memory) → [`aggregate`] → [`series`] / [`compare`] / [`top`] / [`report`].
//! [`pipeline`] strings the stages together for `dyad score`; [`schema`] spells every column;
//! [`records`] holds the statement and scored-row records; [`chart`] draws comparisons.

pub mod actors;
pub mod aggregate;
pub mod chart;
pub mod compare;
pub mod dataset;
pub mod dates;
pub mod dedup;
pub mod dyads;
pub mod ingest;
pub mod normalize;
pub mod naming;
pub mod pair_spec;
pub mod partition;
pub mod pipeline;
pub mod records;
pub mod report;
pub mod schema;
pub mod segment;
pub mod series;
pub mod stance;
pub mod store;
pub mod timing;
pub mod top;
