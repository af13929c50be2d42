//! dyad-train: training and evaluation of the stance model, apart from inference.
//!
//! [`corpus`] reads the labelled data (PLV, directed sentiment, the ConfliBERT join) into
//! directed examples; [`conll`] reads span-annotated sentences; [`keys`] names sentences for
//! dev splits; [`augment`] rewrites training sentences; [`train`] is the seeded training loop;
//! [`eval`] holds stance metrics and actor-pair evaluation; [`heads`] trains model v3's pair
//! heads, and [`top_layers`] fine-tunes all-mpnet-base-v2's top layers under them. Nothing here is needed to score.
pub mod augment;
pub mod conll;
pub mod corpus;
pub mod eval;
pub mod heads;
pub mod keys;
pub mod top_layers;
pub mod train;
