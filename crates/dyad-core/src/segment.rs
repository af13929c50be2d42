//! Stage 2: split an article into sentences with character offsets.
//!
//! Offsets count Unicode scalar values (Rust `char`s, Python `str` indices) of the article as
//! read. The text is first normalised ([`crate::normalize`]: hard wraps joined, datelines and
//! HTML handled), so `text[start:end]` in Python is what the sentence was read from, and the
//! sentence is that slice as normalised (the two are equal for text without wraps, tags,
//! entities, capital lines or CR). A line break that survives normalisation ends a sentence:
//! headlines and captions carry no full stop.

/// A sentence of an article; `start..end` are char offsets into the article text.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub id: usize,
    /// Char offsets of the sentence in the article as read (before normalisation).
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// Where HTML decoding made `text` differ in length from the article (`&amp;` read as `&`):
    /// the article's char span of each char of `text`. `None` where `text` is one char for one.
    pub origin: Option<Vec<(u32, u32)>>,
}

impl Sentence {
    /// The article's char span of `text`'s chars `start..end` (a mention's offsets as written
    /// in the scored row, so `article[start..end]` is what the mention was read from).
    pub fn article_span(&self, start: usize, end: usize) -> (usize, usize) {
        match &self.origin {
            Some(o) if start < end && end <= o.len() => (o[start].0 as usize, o[end - 1].1 as usize),
            _ => (self.start + start, self.start + end),
        }
    }
}

/// Words that end with a period without ending a sentence (compared without the period,
/// case-sensitive). Single capital letters (initials: "George W. Bush") are handled apart.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Lt", "Col", "Maj", "Capt", "Cmdr", "Adm", "Sgt", "Gov", "Sen", "Rep",
    "Pres", "Amb", "Rev", "St", "Jr", "Sr", "Inc", "Ltd", "Co", "Corp", "No", "Nos", "vs", "etc", "approx", "Jan",
    "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "U.S", "U.N", "U.K", "E.U", "e.g",
    "i.e", "a.m", "p.m", "Mt", "Ft", "Gens", "Sens", "Reps",
];

/// Capitalised words that start a sentence far more often than they follow "U.S." inside one:
/// after a dotted acronym ("U.S.", "U.K.") one of these starts a new sentence.
const SENTENCE_STARTERS: &[&str] = &[
    "The", "A", "An", "It", "He", "She", "They", "We", "I", "In", "On", "At", "But", "And", "This", "That", "These",
    "Those", "His", "Her", "Their", "Its", "Our", "There", "What", "When", "While", "After", "Before", "However",
    "Meanwhile", "If", "As", "Last", "Earlier", "Later", "Both", "Some", "Many", "Most", "No", "Yet", "So", "Still",
    "Since", "Under", "For",
];

const CLOSERS: &[char] = &['"', '\'', '”', '’', ')', ']', '»'];

pub fn is_abbreviation(word: &str) -> bool {
    let w = word.trim_start_matches(|c: char| CLOSERS.contains(&c) || c == '(' || c == '"' || c == '“');
    if ABBREVIATIONS.contains(&w) {
        return true;
    }
    let mut chars = w.chars();
    // An initial ("W.") or a dotted acronym ("U.S", "D.C").
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
        || (w.len() >= 3 && w.split('.').all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic)))
}

fn is_dotted_acronym(word: &str) -> bool {
    word.len() >= 3 && word.split('.').all(|p| p.chars().count() == 1 && p.chars().all(char::is_uppercase))
}

/// A headline in Title Case ("North Korea Threatens To Attack U.S. If Obama Retaliates", "Can
/// the U.S. And India Create An Enduring Entente?"), where a capitalised "If" or "And" after
/// "U.S." does not start a sentence: the sentence so far has two or more words of four letters
/// or more, at least three in four capitalised; or it has no lower-case such word and the
/// next four words (to a full stop) after the capitalised one have only capitalised ones.
fn is_title_case(before: &[char], after: &[char]) -> bool {
    fn long(w: &str) -> bool {
        w.chars().filter(|c| c.is_alphabetic()).count() >= 4
    }
    fn capital(w: &str) -> bool {
        w.chars().find(|c| c.is_alphabetic()).is_some_and(char::is_uppercase)
    }
    let before: String = before.iter().collect();
    let long_before: Vec<&str> = before.split_whitespace().filter(|w| long(w)).collect();
    let capital_before = long_before.iter().filter(|w| capital(w)).count();
    if long_before.len() >= 2 && capital_before * 4 >= long_before.len() * 3 {
        return true;
    }
    if capital_before < long_before.len() {
        return false;
    }
    let after: String = after.iter().collect();
    let mut next: Vec<&str> = Vec::new();
    for w in after.split_whitespace().skip(1).take(4) {
        next.push(w);
        if w.ends_with(['.', '!', '?']) {
            break;
        }
    }
    let long_after: Vec<&str> = next.into_iter().filter(|w| long(w)).collect();
    !long_after.is_empty() && long_after.iter().all(|w| capital(w))
}

/// Splits `text` into sentences: normalises it ([`crate::normalize::normalize`]), then applies
/// [`split_normalized`].
pub fn split_sentences(text: &str) -> Vec<Sentence> {
    let normalized = crate::normalize::normalize_with_origin(text);
    let mut sentences = split_normalized(&normalized.text);
    for s in &mut sentences {
        let (start, end) = normalized.original_span(s.start, s.end);
        if end - start != s.end - s.start {
            s.origin = Some((s.start..s.end).map(|k| normalized.original_span(k, k + 1)).map(|(a, b)| (a as u32, b as u32)).collect());
        }
        (s.start, s.end) = (start, end);
    }
    sentences
}

/// The segmentation rules alone, on text taken as it is (no normalisation): a line break ends a
/// sentence; `.`, `!`, `?`, `…` (with closing quotes and brackets) end one when followed by
/// white space and a capital, digit, quote or bracket, unless the period closes an
/// abbreviation, an initial or a dotted acronym (a dotted acronym followed by a common
/// sentence-starting word, "… sanctions on the U.S. The move …", does end one).
pub fn split_normalized(text: &str) -> Vec<Sentence> {
    split_with(text, true)
}

/// [`split_normalized`], with the dotted-acronym rule switchable (off: the segmenter before
/// the "real archives" issue; kept for its measurement in `examples/segment_eval.rs`).
pub fn split_with(text: &str, acronym_ends_before_sentence_start: bool) -> Vec<Sentence> {
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
            let abbreviation = c == '.' && is_abbreviation(&word) && !(acronym_ends_before_sentence_start && {
                let next_word: String = chars[k..].iter().take_while(|c| c.is_alphanumeric()).collect();
                is_dotted_acronym(word.trim_start_matches(['(', '"', '“']))
                    && SENTENCE_STARTERS.contains(&next_word.as_str())
                    && !is_title_case(&chars[start..i], &chars[k..(k + 60).min(n)])
                    && chars[start..word_start].iter().any(|c| c.is_alphabetic())
            });
            if followed_by_break && next_starts && !abbreviation {
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
            out.push(Sentence { id: out.len(), start: s, end: e, text: chars[s..e].iter().collect(), origin: None });
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
    #[test]
    fn mention_offsets_point_into_the_article_as_read_after_decoded_entities() {
        let article = "Iran &amp; Iraq condemned Syria. Turkey &lt;3 Syria.";
        let sentences = split_sentences(article);
        let orig: Vec<char> = article.chars().collect();
        let cut = |a: usize, b: usize| orig[a..b].iter().collect::<String>();
        assert_eq!(sentences[0].text, "Iran & Iraq condemned Syria.");
        let syria = sentences[0].text.find("Syria").unwrap(); // ASCII: bytes = chars
        let (a, b) = sentences[0].article_span(syria, syria + 5);
        assert_eq!(cut(a, b), "Syria");
        let (a, b) = sentences[0].article_span(0, 4);
        assert_eq!(cut(a, b), "Iran");
        // A sentence with no entity of its own, after one: offsets simply shift.
        let t = &sentences[1];
        let at = t.text.find("Syria").unwrap();
        let (a, b) = t.article_span(at, at + 5);
        assert_eq!(cut(a, b), "Syria");
        assert_eq!(cut(t.start, t.end), "Turkey &lt;3 Syria.");
    }

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
    fn a_dotted_acronym_ends_a_sentence_before_a_sentence_start() {
        assert_eq!(
            texts("Iran imposed sanctions on the U.S. The move angered Washington. The U.S. Senate voted."),
            ["Iran imposed sanctions on the U.S.", "The move angered Washington.", "The U.S. Senate voted."]
        );
        // Not in a Title Case headline (HuffPost's), where "If" is capitalised mid-sentence.
        assert_eq!(texts("North Korea Threatens To Attack U.S. If Obama Retaliates Over Hack").len(), 1);
        assert_eq!(texts("Can the U.S. And India Create An Enduring Entente?").len(), 1);
        // Nor when the acronym opens the sentence.
        assert_eq!(texts("U.S. The Senate voted.").len(), 1);
    }

    #[test]
    fn wrapped_wire_story() {
        let t = "CHINA WARNS JAPAN OVER TARIFFS\n\nTOKYO, March 27 - Officials in Tokyo said Washington's new tariffs\nwould hurt both economies, the ministry said on Tuesday. Talks with China\nwould continue next week in Beijing despite the sharp disagreement and\nthe threat of new duties, a spokesman said.\n";
        assert_eq!(
            texts(t),
            [
                "China Warns Japan Over Tariffs",
                "TOKYO, March 27 -",
                "Officials in Tokyo said Washington's new tariffs would hurt both economies, the ministry said on Tuesday.",
                "Talks with China would continue next week in Beijing despite the sharp disagreement and the threat of new duties, a spokesman said.",
            ]
        );
        for s in split_sentences(t) {
            assert_eq!(char_slice(t, s.start, s.end).replace('\n', " "), s.text.replace("Tariffs", "TARIFFS").replace("China Warns Japan Over", "CHINA WARNS JAPAN OVER"));
        }
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
