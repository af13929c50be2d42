//! Archives larger than memory, for the aggregation path (series, compare).
//!
//! Aggregation needs all of a dyad's rows at once (dedup compares a statement with every
//! earlier one of its directed pair; `--undirected` merges the two directions of a sentence),
//! but never two dyads together. So a Parquet archive with more rows than one piece holds is
//! read a few row groups at a time, only the columns asked for, and its rows are spilled into
//! piece files by dyad (a hash of the directed pair, or of the unordered pair with
//! `undirected`); each piece is then aggregated alone and the results merged
//! ([`crate::series::Partial::merge`]: series are sums and counts). Peak memory follows the
//! batch and the largest piece, not the archive. Smaller inputs, CSV and JSONL are one piece.
use crate::schema::scored as col;
use crate::store::{input_files, out_format, parquet_columns, OutFormat};
use anyhow::{Context, Result};
use polars::io::parquet::write::{BatchedWriter, ParquetCompression};
use polars::prelude::*;
use rayon::prelude::*;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Rows a piece should hold: about 0.3 GB of aggregation state (release build); smaller
/// pieces save little more, as the series itself then takes most of the memory.
pub const DEFAULT_PIECE_ROWS: usize = 500_000;

/// Rows read from the archive at once while spilling (whole row groups, so at least one).
const BATCH_ROWS: usize = 1_000_000;

/// [`DEFAULT_PIECE_ROWS`], or `DYAD_PIECE_ROWS` from the environment (smaller for machines with
/// little memory, or to exercise the spill on small files).
pub fn piece_rows() -> Result<usize> {
    match std::env::var("DYAD_PIECE_ROWS") {
        Ok(v) => v.parse::<usize>().ok().filter(|n| *n > 0).with_context(|| format!("DYAD_PIECE_ROWS={v:?}: expected a positive number of rows")),
        Err(_) => Ok(DEFAULT_PIECE_ROWS),
    }
}

/// What [`for_each_piece`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pieces {
    /// Pieces handed to the callback (1 when the input was read whole).
    pub count: usize,
    /// Rows read.
    pub rows: usize,
}

/// Every input file is Parquet with the dedup key columns filled (files written before the
/// keys existed lack the columns, or, from some tools, hold them empty). A file is written
/// whole by one version, so its first row stands for all of it.
pub fn has_key_columns(path: &Path) -> Result<bool> {
    for f in input_files(path)? {
        if out_format(&f)? != OutFormat::Parquet {
            return Ok(false);
        }
        let present = parquet_columns(&f)?;
        if !col::DEDUP_KEYS.iter().all(|n| present.iter().any(|p| p == n)) {
            return Ok(false);
        }
        let first = anyhow::Context::with_context(
            parquet_reader(&f)?.with_columns(Some(col::DEDUP_KEYS.iter().map(|c| c.to_string()).collect())).with_slice(Some((0, 1))).finish(),
            || format!("reading the dedup keys of {}", f.display()),
        )?;
        if first.height() > 0 && !crate::store::has_dedup_keys(&first) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `columns` plus what dedup reads from `path`: the key columns are among `columns` already;
/// files scored before the keys existed need the sentence text instead.
pub fn with_dedup_source(path: &Path, mut columns: Vec<&'static str>, dedup: bool) -> Result<Vec<&'static str>> {
    if dedup && !has_key_columns(path)? {
        columns.push(col::SENTENCE);
    }
    Ok(columns)
}

/// Calls `f` with the scored input at `path` (a file, dataset directory or glob), `columns`
/// only (those a file has), in pieces of whole dyads: the whole input when it is not Parquet or
/// has at most `piece_rows` rows, else about rows / `piece_rows` pieces spilled to a temporary
/// directory (removed at the end, also on error).
pub fn for_each_piece(path: &Path, columns: &[&str], undirected: bool, piece_rows: usize, mut f: impl FnMut(DataFrame) -> Result<()>) -> Result<Pieces> {
    let files = input_files(path)?;
    let mut rows = 0usize;
    for file in &files {
        if out_format(file)? != OutFormat::Parquet {
            let df = crate::store::read_scored_columns(path, Some(columns))?;
            let rows = df.height();
            f(df)?;
            return Ok(Pieces { count: 1, rows });
        }
        rows += anyhow::Context::with_context(parquet_reader(file)?.num_rows(), || format!("reading the Parquet footer of {}", file.display()))?;
    }
    if rows <= piece_rows {
        let df = crate::store::read_scored_columns(path, Some(columns))?;
        f(df)?;
        return Ok(Pieces { count: 1, rows });
    }
    let clock = std::time::Instant::now();
    let count = rows.div_ceil(piece_rows);
    let dir = tempfile::Builder::new().prefix("dyad-pieces-").tempdir().context("creating a directory for the pieces of a large archive")?;
    let piece_paths: Vec<PathBuf> = (0..count).map(|k| dir.path().join(format!("piece-{k:04}.parquet"))).collect();
    let mut writers: Vec<Option<BatchedWriter<File>>> = (0..count).map(|_| None).collect();
    // Drawn only on a terminal (indicatif's default).
    let progress = indicatif::ProgressBar::new(rows as u64);
    progress.set_style(
        indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} rows into pieces by dyad ({per_sec}, eta {eta})")
            .expect("a valid template"),
    );
    for file in &files {
        let present = parquet_columns(file)?;
        let wanted: Vec<String> = columns.iter().filter(|c| present.iter().any(|p| p == *c)).map(|c| c.to_string()).collect();
        let groups: Vec<usize> = {
            let mut r = parquet_reader(file)?;
            let md = anyhow::Context::with_context(r.get_metadata(), || format!("reading the Parquet footer of {}", file.display()))?;
            md.row_groups.iter().map(|g| g.num_rows()).collect()
        };
        // Whole row groups up to BATCH_ROWS at a time: a slice that cuts a row group would
        // decode it twice.
        let (mut offset, mut k) = (0usize, 0usize);
        while k < groups.len() {
            let mut n = 0;
            while k < groups.len() && (n == 0 || n + groups[k] <= BATCH_ROWS.min(piece_rows)) {
                n += groups[k];
                k += 1;
            }
            let batch = anyhow::Context::with_context(
                parquet_reader(file)?.with_columns(Some(wanted.clone())).with_slice(Some((offset, n))).finish(),
                || format!("reading rows {offset}–{} of {}", offset + n, file.display()),
            )?;
            offset += n;
            spill(&batch, undirected, &piece_paths, &mut writers).with_context(|| format!("{}: spilling rows to {}", file.display(), dir.path().display()))?;
            progress.inc(n as u64);
        }
    }
    progress.finish_and_clear();
    crate::timing::timing("rows spilled into pieces", clock);
    for w in writers.iter_mut().filter_map(Option::take) {
        anyhow::Context::context(w.finish(), "finishing a piece file")?;
    }
    for p in piece_paths.iter().filter(|p| p.exists()) {
        f(crate::store::read_one_scored(p, None)?)?;
        std::fs::remove_file(p).ok(); // disk back as the pieces are done
    }
    Ok(Pieces { count, rows })
}

fn parquet_reader(file: &Path) -> Result<ParquetReader<File>> {
    Ok(ParquetReader::new(File::open(file).with_context(|| format!("reading scored statements from {}", file.display()))?))
}

/// Appends each row of `batch` to the piece of its dyad.
fn spill(batch: &DataFrame, undirected: bool, paths: &[PathBuf], writers: &mut [Option<BatchedWriter<File>>]) -> Result<()> {
    let (src, tgt) = (batch.column(col::SOURCE)?.str()?, batch.column(col::TARGET)?.str()?);
    let mut piece_of: PlHashMap<(&str, &str), usize> = PlHashMap::default();
    let mut rows: Vec<Vec<IdxSize>> = vec![Vec::new(); paths.len()];
    for (k, (s, t)) in src.iter().zip(tgt.iter()).enumerate() {
        let (mut s, mut t) = (s.unwrap_or(""), t.unwrap_or(""));
        if undirected && s > t {
            std::mem::swap(&mut s, &mut t);
        }
        let piece = *piece_of.entry((s, t)).or_insert_with(|| (crate::dataset::stable_hash(&format!("{s}\u{1f}{t}")) % paths.len() as u64) as usize);
        rows[piece].push(k as IdxSize);
    }
    // Each piece's rows taken and compressed on its own thread: the writers are independent.
    writers.par_iter_mut().zip(rows).zip(paths).filter(|((_, idx), _)| !idx.is_empty()).try_for_each(|((slot, idx), path)| -> Result<()> {
        let part = batch.take(&IdxCa::from_vec("idx".into(), idx))?;
        let writer = match slot {
            Some(w) => w,
            slot => {
                let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
                // LZ4: the pieces are read once, soon; speed matters more than size.
                slot.insert(ParquetWriter::new(file).with_compression(ParquetCompression::Lz4Raw).batched(part.schema())?)
            }
        };
        writer.write_batch(&part).map_err(|e| anyhow::anyhow!("{e} (do the input files have different columns? they must come from the same version of dyad)"))
    })
}

#[cfg(test)]
mod tests {
    use crate::dates::Every;
    use crate::dedup::SentenceKeys;
    use crate::series::{compute_counted, finish, SeriesOptions, SeriesRow};
    use crate::store::tests::row;
    use crate::store::ScoredRow;
    use polars::prelude::*;
    use std::path::Path;

    /// 8 countries, two years, both directions of every sentence, and republished copies
    /// (exact a day later, edited two days later) so dedup has work in every piece.
    fn archive() -> Vec<ScoredRow> {
        let codes = ["USA", "CHN", "RUS", "UKR", "IRN", "ISR", "AZE", "ARM"];
        let words: Vec<String> = (0..400).map(|k| format!("w{k}")).collect();
        let mut z = 7u64;
        let mut next = move || {
            z = z.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (z >> 33) as usize
        };
        let start = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
        let mut rows = Vec::new();
        for a in 0..500 {
            let day = next() % 700;
            let mut article = Vec::new();
            for sid in 0..1 + next() % 3 {
                let s = next() % codes.len();
                let t = (s + 1 + next() % (codes.len() - 1)) % codes.len();
                let text: Vec<&str> = (0..18).map(|_| words[next() % words.len()].as_str()).collect();
                let sentence = format!("{} and {} {}.", codes[s], codes[t], text.join(" "));
                let stance = (next() % 21) as f64 / 10.0 - 1.0;
                for (src, tgt, st) in [(s, t, stance), (t, s, 0.0)] {
                    let date = (start + chrono::Duration::days(day as i64)).to_string();
                    let mut r = row(&format!("a{a:03}"), &date, codes[src], codes[tgt], st);
                    r.sentence_id = sid as i64;
                    r.sentence = sentence.clone();
                    article.push(r);
                }
            }
            for (copy, shift, edit) in [("x", 1, ""), ("y", 2, "TEHRAN (Reuters) - ")] {
                if a % 6 == 0 {
                    for r in article.clone() {
                        let date = r.date + chrono::Duration::days(shift);
                        rows.push(ScoredRow { article_id: format!("{copy}{a:03}"), date, sentence: format!("{edit}{}", r.sentence), ..r });
                    }
                }
            }
            rows.extend(article);
        }
        for r in &mut rows {
            let k = SentenceKeys::of(&r.sentence).to_columns().map(Some);
            [r.dedup_copy_key, r.dedup_band_1, r.dedup_band_2, r.dedup_band_3, r.dedup_band_4, r.dedup_band_5, r.dedup_band_6] = k;
        }
        rows
    }

    /// Parquet with small row groups, so the archive is read in several batches.
    fn write(rows: &[ScoredRow], path: &Path) {
        let mut df = crate::store::rows_to_frame(rows).unwrap();
        ParquetWriter::new(std::fs::File::create(path).unwrap()).with_row_group_size(Some(97)).finish(&mut df).unwrap();
    }

    fn assert_same(a: &[SeriesRow], b: &[SeriesRow], what: &str) {
        assert_eq!(a.len(), b.len(), "{what}: row count");
        let close = |x: Option<f64>, y: Option<f64>| match (x, y) {
            (Some(x), Some(y)) => (x - y).abs() < 1e-9,
            (x, y) => x == y,
        };
        for (x, y) in a.iter().zip(b) {
            let key = |r: &SeriesRow| (r.period, r.source.clone(), r.target.clone(), r.statements, r.articles, r.cooperative, r.neutral, r.hostile, r.spike);
            assert_eq!(key(x), key(y), "{what}");
            assert!(close(x.mean_stance, y.mean_stance) && close(Some(x.share), Some(y.share)), "{what}: {x:?} vs {y:?}");
            assert!(close(x.ci.map(|c| c.0), y.ci.map(|c| c.0)) && close(x.tension_z, y.tension_z), "{what}: {x:?} vs {y:?}");
        }
    }

    #[test]
    fn series_in_pieces_equal_the_series_of_the_whole() {
        let dir = tempfile::tempdir().unwrap();
        let rows = archive();
        let path = dir.path().join("scored.parquet");
        write(&rows, &path);
        // The same rows as a dataset directory of three parts.
        let ds = dir.path().join("ds");
        std::fs::create_dir(&ds).unwrap();
        for (k, part) in rows.chunks(rows.len() / 3 + 1).enumerate() {
            write(part, &ds.join(format!("part-{k}.parquet")));
        }
        let whole = crate::store::read_scored(&path).unwrap();
        let base = crate::series::tests::opts(Every::Month, false, &[]);
        let cases = [
            ("plain", base.clone()),
            ("dedup", SeriesOptions { dedup: true, spikes: Some(1.5), ..base.clone() }),
            ("dedup undirected", SeriesOptions { dedup: true, undirected: true, ..base.clone() }),
            ("per article, stance only", SeriesOptions { dedup: true, per_article: true, exclude_neutral: true, confidence_weighted: true, ..base.clone() }),
            ("two pairs", SeriesOptions { dedup: true, ..crate::series::tests::opts(Every::Week, true, &[("USA", "CHN"), ("IRN", "ARM")]) }),
        ];
        for (name, o) in cases {
            let (expected, republished) = compute_counted(&whole, &o).unwrap();
            if o.dedup {
                assert!(republished > 50, "{name}: the archive has copies ({republished})");
            }
            for (input, piece_rows) in [(&path, 100_000), (&path, 400), (&path, 150), (&ds, 150)] {
                let got = crate::series::compute_path(input, &o, true, piece_rows).unwrap();
                let what = format!("{name}, {} in pieces of {piece_rows} rows", input.display());
                assert_eq!(got.whole.republished, republished, "{what}");
                // The series written a few dyads at a time equals the frame of all rows.
                let g = crate::actors::Gazetteer::builtin();
                let (mut streamed, mut slices): (Option<DataFrame>, usize) = (None, 0);
                let written = crate::series::write_series_in_slices(crate::series::dense(got.whole.clone(), &o).unwrap(), g, &o, 50, |df| {
                    slices += 1;
                    match &mut streamed {
                        Some(s) => s.vstack_mut(df).map(|_| ())?,
                        None => streamed = Some(df.clone()),
                    }
                    Ok(())
                }, |_| ()).unwrap();
                let series = finish(got.whole.clone(), &o).unwrap();
                assert_eq!(written, series.len(), "{what}");
                assert!(series.len() <= 50 || slices > 1, "{what}: {} rows in one slice", series.len());
                assert!(streamed.unwrap().equals_missing(&crate::series::series_frame(&series, g, &o).unwrap()), "{what}: frames differ");
                // Sums taken in another order: equal up to the last bits.
                assert_same(&series, &expected, &what);
                assert_eq!(got.pieces.rows, rows.len());
                assert_eq!(got.pieces.count, rows.len().div_ceil(piece_rows), "{what}");
                assert_eq!(got.models, ["test"]);
                assert!(!got.from_text);
            }
        }
    }

    #[test]
    fn files_without_dedup_keys_and_csv_are_read_too() {
        let dir = tempfile::tempdir().unwrap();
        let rows: Vec<ScoredRow> = archive()
            .into_iter()
            .map(|r| ScoredRow { dedup_copy_key: None, dedup_band_1: None, dedup_band_2: None, dedup_band_3: None, dedup_band_4: None, dedup_band_5: None, dedup_band_6: None, ..r })
            .collect();
        let o = SeriesOptions { dedup: true, ..crate::series::tests::opts(Every::Quarter, false, &[]) };
        let old = dir.path().join("old.parquet");
        let df = crate::store::rows_to_frame(&rows).unwrap();
        let mut df = df.drop_many(crate::schema::scored::DEDUP_KEYS.iter().copied());
        ParquetWriter::new(std::fs::File::create(&old).unwrap()).with_row_group_size(Some(97)).finish(&mut df).unwrap();
        let (expected, republished) = compute_counted(&crate::store::read_scored(&old).unwrap(), &o).unwrap();
        let got = crate::series::compute_path(&old, &o, false, 200).unwrap();
        assert!(got.from_text && got.pieces.count > 1);
        assert_eq!(got.whole.republished, republished);
        assert_same(&finish(got.whole, &o).unwrap(), &expected, "from text");
        // Key columns present but empty (as some tools write them): the text again.
        let empty = dir.path().join("empty_keys.parquet");
        write(&rows, &empty);
        let got = crate::series::compute_path(&empty, &o, false, 200).unwrap();
        assert!(got.from_text);
        assert_same(&finish(got.whole, &o).unwrap(), &expected, "empty key columns");
        let csv = dir.path().join("s.csv");
        crate::store::write_rows(&rows, &csv).unwrap();
        let got = crate::series::compute_path(&csv, &o, false, 200).unwrap();
        assert_eq!(got.pieces.count, 1, "CSV is read whole");
        assert_same(&finish(got.whole, &o).unwrap(), &expected, "csv");
    }

    #[test]
    fn top_movers_in_pieces_equal_those_of_the_whole() {
        use crate::aggregate::Filter;
        use crate::top::{movers_of_path, top_movers, Mover, Window};
        let dir = tempfile::tempdir().unwrap();
        let rows = archive();
        let path = dir.path().join("scored.parquet");
        write(&rows, &path);
        let whole = crate::store::read_scored(&path).unwrap();
        let (before, after): (Window, Window) = ("2023-01-01..2023-10-31".parse().unwrap(), "2023-11-01..2024-12-31".parse().unwrap());
        let by_dyad = |mut m: Vec<Mover>| {
            m.sort_by(|x, y| (&x.source, &x.target).cmp(&(&y.source, &y.target)));
            m
        };
        let usa_chn = vec![crate::pair_spec::PairSpec { source: "USA".into(), target: "CHN".into() }];
        let filters = [
            ("plain", Filter::default()),
            ("dedup", Filter { dedup: true, ..Filter::default() }),
            ("dedup undirected", Filter { dedup: true, undirected: true, ..Filter::default() }),
            ("one pair, stance only", Filter { dedup: true, exclude_neutral: true, pairs: usa_chn, ..Filter::default() }),
        ];
        for (name, filter) in filters {
            for min in [1, 4] {
                let expected = top_movers(&whole, before, after, min, &filter).unwrap();
                assert!(!expected.is_empty(), "{name}: movers to compare");
                let got = movers_of_path(&path, before, after, min, &filter, 150).unwrap();
                assert_eq!(got.pieces.count, rows.len().div_ceil(150), "{name}");
                // Ranked by change: only dyads of equal change could swap order.
                assert!(got.movers.windows(2).all(|w| w[0].change.abs() >= w[1].change.abs() - 1e-9), "{name}: ranked");
                let (got, expected) = (by_dyad(got.movers), by_dyad(expected));
                assert_eq!(got.len(), expected.len(), "{name}, min {min}");
                for (g, e) in got.iter().zip(&expected) {
                    assert_eq!((&g.source, &g.target, g.statements_before, g.statements_after), (&e.source, &e.target, e.statements_before, e.statements_after), "{name}");
                    assert!((g.change - e.change).abs() < 1e-9, "{name}: {g:?} vs {e:?}");
                }
            }
        }
    }
}
