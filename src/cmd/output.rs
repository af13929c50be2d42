//! Where a command's table goes: a file chosen by extension, or CSV on stdout (xsv's idea of
//! one output helper for every command).
use anyhow::Result;
use polars::prelude::{CsvWriter, DataFrame, SerWriter};
use std::path::PathBuf;

/// `-o FILE` (.csv, .parquet, .json/.jsonl), or stdout as CSV when absent.
pub struct Output(pub Option<PathBuf>);

impl Output {
    /// Writes `df`; says where on stderr (`what` names the rows: "rows", "dyads").
    pub fn write(&self, df: &mut DataFrame, what: &str) -> Result<()> {
        match &self.0 {
            Some(p) => {
                dyad_core::store::write_frame(df, p)?;
                self.wrote(df.height(), what);
            }
            None => CsvWriter::new(std::io::stdout()).finish(df)?,
        }
        Ok(())
    }

    /// For a table written a slice at a time ([`dyad_core::store::FrameSink`]); [`Output::wrote`]
    /// says where once it is finished.
    pub fn sink(&self) -> Result<dyad_core::store::FrameSink> {
        dyad_core::store::FrameSink::create(self.0.as_deref())
    }

    pub fn wrote(&self, rows: usize, what: &str) {
        if let Some(p) = &self.0 {
            eprintln!("wrote {rows} {what} to {}", p.display());
        }
    }
}
