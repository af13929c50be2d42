//! Republished statements: the same story copied across outlets must count once in a series.
//!
//! Two rules, both per directed pair (source, target):
//! - exact copies: the same sentence after lower-casing and keeping letters and digits only,
//!   anywhere in the archive;
//! - near-duplicates (an edited copy: a word changed, a dateline or attribution added): word
//!   3-gram sets with Jaccard similarity of about 0.8 or more, found with MinHash (24 hashes in
//!   6 bands of 4; two bands must agree with the same earlier copy), within
//!   [`NEAR_DUPLICATE_WINDOW_DAYS`] of it. The window keeps memory bounded on long archives and
//!   matches how republishing happens (days, not years).
//!
//! The earliest copy (by date, then article id) stays; the others are flagged.
//!
//! The rule needs, per sentence, its exact-copy hash and one hash per MinHash band
//! ([`SentenceKeys`]). `dyad score` writes them as integer columns (`dedup_copy_key`,
//! `dedup_band_1` … `dedup_band_6`), so aggregation reads eight bytes per key instead of every
//! sentence's text; files scored before those columns existed get them computed from the text.
use polars::prelude::{PlHashMap, PlHashSet};
use rayon::prelude::*;
use std::collections::VecDeque;

/// A near-duplicate must follow its earlier copy within this many days.
pub const NEAR_DUPLICATE_WINDOW_DAYS: i32 = 7;
const HASHES: usize = 24;
const BAND: usize = 4;
pub const BANDS: usize = HASHES / BAND;
/// Bands that must agree with one earlier copy: about 0.98 recall at Jaccard 0.9, 0.78 at 0.8,
/// 0.18 at 0.6 and 0.01 at 0.4 (binomial over 6 bands with P(band) = J⁴).
const BANDS_NEEDED: usize = 2;

fn mix(mut z: u64) -> u64 {
    // SplitMix64 finaliser: a fast, well-spread 64-bit hash of a 64-bit key.
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
    z ^ (z >> 31)
}

fn hash_str(s: &str, seed: u64) -> u64 {
    // FNV-1a folded through `mix`: deterministic across runs and platforms.
    let mut h = 0xcbf29ce484222325u64 ^ seed;
    for b in s.as_bytes() {
        h = (h ^ *b as u64).wrapping_mul(0x100000001b3);
    }
    mix(h)
}

/// Hashes of the lower-cased words (runs of letters and digits), without allocating.
pub fn word_hashes(text: &str) -> Vec<u64> {
    let mut out = Vec::with_capacity(32);
    let mut h: Option<u64> = None;
    for c in text.chars() {
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                let v = h.unwrap_or(0xcbf29ce484222325);
                h = Some((v ^ l as u64).wrapping_mul(0x100000001b3));
            }
        } else if let Some(v) = h.take() {
            out.push(mix(v));
        }
    }
    out.extend(h.map(mix));
    out
}

/// MinHash signature over word 3-grams (the words themselves when fewer than three).
pub fn signature(words: &[u64]) -> [u64; HASHES] {
    let shingle = |w: &[u64]| mix(w[0] ^ w[1].rotate_left(21) ^ w[2].rotate_left(42));
    let shingles: Vec<u64> = if words.len() < 3 { words.to_vec() } else { words.windows(3).map(shingle).collect() };
    let mut sig = [u64::MAX; HASHES];
    for sh in shingles {
        for (i, slot) in sig.iter_mut().enumerate() {
            let h = mix(sh ^ (i as u64 + 1).wrapping_mul(0x9e3779b97f4a7c15));
            if h < *slot {
                *slot = h;
            }
        }
    }
    sig
}

/// What dedup needs of a sentence's text: its exact-copy hash (lower-cased words) and one
/// hash per MinHash band. Independent of the pair: the pair is mixed in when rows are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SentenceKeys {
    pub copy: u64,
    pub bands: [u64; BANDS],
}

impl SentenceKeys {
    /// The keys of `text` (what `dyad score` writes per row).
    pub fn of(text: &str) -> SentenceKeys {
        let w = word_hashes(text);
        let sig = signature(&w);
        let mut bands = [0u64; BANDS];
        for (b, slot) in bands.iter_mut().enumerate() {
            *slot = sig[b * BAND..(b + 1) * BAND].iter().fold(mix(b as u64 + 101), |h, v| mix(h ^ v));
        }
        SentenceKeys { copy: w.iter().fold(0x51u64, |h, x| mix(h ^ x)), bands }
    }

    /// As the eight-byte signed integers the scored columns hold (bit for bit).
    pub fn to_columns(self) -> [i64; 1 + BANDS] {
        let mut out = [self.copy as i64; 1 + BANDS];
        for (slot, b) in out[1..].iter_mut().zip(self.bands) {
            *slot = b as i64;
        }
        out
    }

    pub fn from_columns(v: [i64; 1 + BANDS]) -> SentenceKeys {
        let mut bands = [0u64; BANDS];
        for (slot, b) in bands.iter_mut().zip(&v[1..]) {
            *slot = *b as u64;
        }
        SentenceKeys { copy: v[0] as u64, bands }
    }
}

/// One occurrence of a statement, as dedup sees it (its pair, where and when; the sentence's
/// keys come separately, see [`republished`]).
#[derive(Debug, Clone, Copy)]
pub struct Occurrence<'a> {
    pub source: &'a str,
    pub target: &'a str,
    pub article: &'a str,
    /// Days since the epoch.
    pub day: i32,
}

/// `true` for each statement that repeats an earlier one (see the module doc); `keys(k)` gives
/// row `k`'s [`SentenceKeys`].
pub fn republished(rows: &[Occurrence], keys: impl Fn(usize) -> SentenceKeys + Sync) -> Vec<bool> {
    // Integer ids for articles and directed pairs. A row usually has the article (and often the
    // pair) of the row before it, so most rows take the previous id without hashing a string.
    let n = rows.len();
    let (mut article_ids, mut pair_ids): (PlHashMap<&str, u32>, PlHashMap<(&str, &str), u32>) = Default::default();
    let (mut article_of, mut pair_of) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for (k, r) in rows.iter().enumerate() {
        let prev = k.checked_sub(1).map(|p| &rows[p]);
        let article = match prev {
            Some(p) if p.article == r.article => article_of[k - 1],
            _ => {
                let next = article_ids.len() as u32;
                *article_ids.entry(r.article).or_insert(next)
            }
        };
        let pair = match prev {
            Some(p) if (p.source, p.target) == (r.source, r.target) => pair_of[k - 1],
            _ => {
                let next = pair_ids.len() as u32;
                *pair_ids.entry((r.source, r.target)).or_insert(next)
            }
        };
        article_of.push(article);
        pair_of.push(pair);
    }
    // Within a day, articles go by their id's text (the earliest copy is the one kept).
    let mut names: Vec<(&str, u32)> = article_ids.into_iter().collect();
    names.sort_unstable();
    let mut rank = vec![0u32; names.len()];
    for (position, (_, id)) in names.iter().enumerate() {
        rank[*id as usize] = position as u32;
    }
    // Copies are looked for within a directed pair only (the pair is part of every key), so each
    // pair's rows, in (day, article, row) order, are one run that a thread handles with its own
    // small tables: both cores work, and only the running pairs' tables are in memory.
    let mut order: Vec<(u32, i64, u32)> =
        (0..n).map(|k| (pair_of[k], ((rows[k].day as i64) << 32) | rank[article_of[k] as usize] as i64, k as u32)).collect();
    drop((article_of, pair_of, rank));
    order.par_sort_unstable();
    let runs: Vec<&[(u32, i64, u32)]> = order.chunk_by(|a, b| a.0 == b.0).collect();
    let found: Vec<u32> = runs.par_iter().flat_map_iter(|run| republished_in_pair(rows, run, &keys)).collect();
    let mut dup = vec![false; n];
    for k in found {
        dup[k as usize] = true;
    }
    dup
}

/// The repeated rows of one directed pair; `run` lists its rows in (day, article) order.
fn republished_in_pair(rows: &[Occurrence], run: &[(u32, i64, u32)], keys: &impl Fn(usize) -> SentenceKeys) -> Vec<u32> {
    let first = &rows[run[0].2 as usize];
    let pair = hash_str(first.source, 7) ^ mix(hash_str(first.target, 11));
    let mut dup = Vec::new();
    let mut exact: PlHashSet<u64> = PlHashSet::default();
    // band key → (kept statement, its day); `live` lists insertions in day order for eviction.
    let mut bands: PlHashMap<u64, (u32, i32)> = PlHashMap::default();
    let mut live: VecDeque<(i32, u64)> = VecDeque::new();
    for &(_, _, i) in run {
        let r = &rows[i as usize];
        while live.front().is_some_and(|(d, _)| *d < r.day - NEAR_DUPLICATE_WINDOW_DAYS) {
            let (d, key) = live.pop_front().unwrap();
            if bands.get(&key).is_some_and(|(_, kept_day)| *kept_day == d) {
                bands.remove(&key);
            }
        }
        let SentenceKeys { copy: text_hash, bands: band_hashes } = keys(i as usize);
        if !exact.insert(mix(text_hash ^ pair)) {
            dup.push(i);
            continue;
        }
        let band_keys = band_hashes.map(|h| mix(h ^ pair));
        // (kept statement, bands agreeing with it)
        let mut votes = [(0u32, 0usize); BANDS];
        let mut voters = 0;
        for k in &band_keys {
            if let Some((kept, _)) = bands.get(k) {
                match votes[..voters].iter_mut().find(|(c, _)| c == kept) {
                    Some(v) => v.1 += 1,
                    None => {
                        votes[voters] = (*kept, 1);
                        voters += 1;
                    }
                }
            }
        }
        if votes[..voters].iter().any(|(_, n)| *n >= BANDS_NEEDED) {
            dup.push(i);
            continue;
        }
        for k in band_keys {
            bands.insert(k, (i, r.day));
            live.push_back((r.day, k));
        }
    }
    dup
}

/// [`republished`] for rows whose keys are computed here from their sentences (files scored
/// before the key columns): in parallel, and once per text, as both directions of a sentence
/// are adjacent rows with the same text.
pub fn republished_from_text(rows: &[Occurrence], sentences: &[&str]) -> Vec<bool> {
    let texts: Vec<usize> = (0..sentences.len()).filter(|&k| k == 0 || sentences[k] != sentences[k - 1]).collect();
    let keys: Vec<SentenceKeys> = texts.par_iter().map(|&k| SentenceKeys::of(sentences[k])).collect();
    let mut text_of = vec![0u32; sentences.len()];
    let mut t = 0usize;
    for (k, slot) in text_of.iter_mut().enumerate() {
        if t + 1 < texts.len() && texts[t + 1] == k {
            t += 1;
        }
        *slot = t as u32;
    }
    republished(rows, |k| keys[text_of[k] as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st<'a>(sentence: &'a str, article: &'a str, day: i32) -> (&'a str, Occurrence<'a>) {
        (sentence, Occurrence { source: "IRN", target: "AZE", article, day })
    }

    /// The rule on texts, checked both ways: keys computed from the text here, and keys as
    /// `dyad score` writes them (through the integer columns and back).
    fn republished(rows: &[(&str, Occurrence)]) -> Vec<bool> {
        let sentences: Vec<&str> = rows.iter().map(|r| r.0).collect();
        let occ: Vec<Occurrence> = rows.iter().map(|(_, o)| *o).collect();
        let from_text = republished_from_text(&occ, &sentences);
        let stored: Vec<[i64; 1 + BANDS]> = sentences.iter().map(|s| SentenceKeys::of(s).to_columns()).collect();
        let from_columns = super::republished(&occ, |k| SentenceKeys::from_columns(stored[k]));
        assert_eq!(from_text, from_columns);
        from_text
    }

    #[test]
    fn exact_and_near_copies_count_once() {
        let base = "Iran's foreign ministry warned Azerbaijan on Monday against allowing Israeli military bases near the border, calling the plan a threat to regional security.";
        let edited = "TEHRAN (Reuters) - Iran's foreign ministry warned Azerbaijan on Monday against allowing Israeli military bases near the border, calling the plan a threat to regional security.";
        let reworded = "Iran's foreign ministry warned Azerbaijan on Tuesday against allowing Israeli military bases near the border, calling the plan a threat to regional security.";
        let other = "Iran's foreign ministry praised Azerbaijan for its cooperation on transit corridors and trade across the Caspian.";
        let shouted = base.to_uppercase();
        let late = base.replace("Monday", "Sunday");
        let rows = [
            st(base, "wire", 100),
            st(&shouted, "copy", 101),
            st(edited, "outlet", 101),
            st(reworded, "later", 102),
            st(other, "x", 102),
            st(edited, "much-later", 200), // an exact copy is a copy at any distance
            st(&late, "reprint-late", 150), // a near copy only within the window
        ];
        assert_eq!(republished(&rows), [false, true, true, true, false, true, false]);
    }

    #[test]
    fn the_pair_matters_and_the_earliest_stays() {
        let s = "Iran and Azerbaijan held talks in Baku on energy and transport links.";
        let mut rev = st(s, "a", 5);
        rev.1.source = "AZE";
        rev.1.target = "IRN";
        // The later copy listed first: the earliest by date is kept whatever the input order.
        assert_eq!(republished(&[st(s, "late", 9), st(s, "early", 5), rev]), [true, false, false]);
    }

    #[test]
    fn similarity_threshold_is_about_point_eight() {
        // Different sentences that share words are not copies.
        let a = "The United States imposed new sanctions on Iran over its nuclear programme on Friday.";
        let b = "The European Union imposed new sanctions on Russia over the war in Ukraine on Friday.";
        assert_eq!(republished(&[st(a, "1", 0), st(b, "2", 0)]), [false, false]);
    }
}
