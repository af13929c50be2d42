//! Stage 2: split an article into sentences with character offsets.
//!
//! Offsets count Unicode scalar values (Rust `char`s, Python `str` indices), so
//! `text[start:end]` in Python gives the sentence back. A line break always ends a
//! sentence: headlines and captions carry no full stop.

/// A sentence of an article; `start..end` are char offsets into the article text.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub id: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Words that end with a period without ending a sentence (compared without the period,
/// case-sensitive). Single capital letters (initials: "George W. Bush") are handled apart.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Lt", "Col", "Maj", "Capt", "Cmdr", "Adm", "Sgt", "Gov", "Sen", "Rep",
    "Pres", "Amb", "Rev", "St", "Jr", "Sr", "Inc", "Ltd", "Co", "Corp", "No", "Nos", "vs", "etc", "approx", "Jan",
    "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "U.S", "U.N", "U.K", "E.U", "e.g",
    "i.e", "a.m", "p.m", "Mt", "Ft", "Gens", "Sens", "Reps",
];

const CLOSERS: &[char] = &['"', '\'', '”', '’', ')', ']', '»'];

fn is_abbreviation(word: &str) -> bool {
    let w = word.trim_start_matches(|c: char| CLOSERS.contains(&c) || c == '(' || c == '"' || c == '“');
    if ABBREVIATIONS.contains(&w) {
        return true;
    }
    let mut chars = w.chars();
    // An initial ("W.") or a dotted acronym ("U.S", "D.C").
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
        || (w.len() >= 3 && w.split('.').all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic)))
}

/// Splits `text` into sentences.
pub fn split_sentences(text: &str) -> Vec<Sentence> {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < n {
        let c = chars[i];
        if c == '\n' {
            bounds.push((start, i));
            start = i + 1;
        } else if matches!(c, '.' | '!' | '?' | '…') {
            // Take runs like "?!" or "..." and closing quotes/brackets with the terminator.
            let mut j = i + 1;
            while j < n && matches!(chars[j], '.' | '!' | '?') {
                j += 1;
            }
            while j < n && CLOSERS.contains(&chars[j]) {
                j += 1;
            }
            let followed_by_break = j >= n || chars[j].is_whitespace();
            let mut k = j;
            while k < n && chars[k] == ' ' || (k < n && chars[k] == '\t') {
                k += 1;
            }
            let next_starts = k >= n
                || chars[k] == '\n'
                || chars[k].is_uppercase()
                || chars[k].is_ascii_digit()
                || matches!(chars[k], '"' | '“' | '‘' | '\'' | '(' | '[');
            let word_start = (0..i).rev().find(|&p| chars[p].is_whitespace()).map_or(0, |p| p + 1);
            let word: String = chars[word_start..i].iter().collect();
            if followed_by_break && next_starts && !(c == '.' && is_abbreviation(&word)) {
                bounds.push((start, j));
                start = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    bounds.push((start, n));

    let mut out = Vec::new();
    for (s, e) in bounds {
        // Trim whitespace at both ends, keeping offsets exact.
        let (mut s, mut e) = (s, e);
        while s < e && chars[s].is_whitespace() {
            s += 1;
        }
        while e > s && chars[e - 1].is_whitespace() {
            e -= 1;
        }
        if e > s {
            out.push(Sentence { id: out.len(), start: s, end: e, text: chars[s..e].iter().collect() });
        }
    }
    out
}

/// The substring of `text` between char offsets (what a user gets with Python slicing; empty
/// when `end` ≤ `start`, e.g. between two overlapping mentions).
pub fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end.saturating_sub(start)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &str) -> Vec<String> {
        split_sentences(t).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn abbreviations_do_not_split() {
        assert_eq!(
            texts("The U.S. and Gen. Smith met on Feb. 3 in Baku. Iran objected."),
            ["The U.S. and Gen. Smith met on Feb. 3 in Baku.", "Iran objected."]
        );
        assert_eq!(texts("George W. Bush spoke. Then he left."), ["George W. Bush spoke.", "Then he left."]);
    }

    #[test]
    fn quotes_and_headlines() {
        let t = "Pezeshkian: Iran Seeks Ties\n\nHe said: “Iran and Azerbaijan are brothers.” Baku agreed!  Really?";
        assert_eq!(texts(t), ["Pezeshkian: Iran Seeks Ties", "He said: “Iran and Azerbaijan are brothers.”", "Baku agreed!", "Really?"]);
    }

    #[test]
    fn offsets_point_at_the_sentence_in_chars() {
        let t = "Iran’s minister — “yes.” Azerbaijan’s reply came.";
        for s in split_sentences(t) {
            assert_eq!(char_slice(t, s.start, s.end), s.text);
        }
        assert_eq!(split_sentences(t).len(), 2);
        assert!(split_sentences("   \n ").is_empty());
    }
}
