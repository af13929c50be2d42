//! dyad: reads news and tells how relations between countries are moving.
//!
//! The pipeline, one module per stage, each a plain function over typed records:
//! [`ingest`] → [`segment`] → [`actors`] → [`dyads`] → [`stance`] → [`store`] → [`series`] / [`compare`].
//! [`pipeline`] strings the first six together for `dyad score`; [`chart`] draws comparisons.

pub mod actors;
pub mod chart;
pub mod compare;
pub mod dates;
pub mod dedup;
pub mod dyads;
pub mod encoder;
pub mod ingest;
pub mod pair_eval;
pub mod pairs;
pub mod paths;
pub mod pipeline;
pub mod segment;
pub mod series;
pub mod stance;
pub mod store;
pub mod top;
