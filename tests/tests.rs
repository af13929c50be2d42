//! The root package's integration tests, in one binary (one link of libtorch): the `dyad`
//! binary as a user runs it, its golden outputs, and the real model on real text.
mod support;

mod bad_input;
mod cli;
mod golden;
mod model_pipeline;
mod mpnet;
mod stance_model;
