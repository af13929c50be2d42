//! Display names, added to a finished table by a naming step (aggregation works on codes only).
use crate::actors::Gazetteer;
use anyhow::Result;
use polars::prelude::*;

/// The gazetteer's name for each code of `code_column` (the code itself where it has none).
pub fn names(df: &DataFrame, code_column: &str, gazetteer: &Gazetteer) -> Result<Vec<String>> {
    Ok(df.column(code_column)?.str()?.iter().map(|c| c.map(|c| gazetteer.name_of(c).unwrap_or(c).to_string()).unwrap_or_default()).collect())
}

/// Inserts `name_column` (names of `code_column`) at position `at`.
pub fn insert_names(df: &mut DataFrame, at: usize, code_column: &str, name_column: &str, gazetteer: &Gazetteer) -> Result<()> {
    let names = names(df, code_column, gazetteer)?;
    df.insert_column(at, Column::new(name_column.into(), names))?;
    Ok(())
}
