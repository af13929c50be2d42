//! Stage 1½: read text as newsrooms publish it, one character for one.
//!
//! Archives arrive hard-wrapped at ~70 columns, with datelines ("TOKYO, March 27 - "), all-caps
//! headlines, HTML tags and entities, and CR line ends. [`normalize`] returns a text in which
//! - a line break inside a hard-wrapped paragraph reads as a space (blank lines, indented lines,
//!   list items and short lines still end a paragraph);
//! - a wire dateline ends with a line break, so it is a segment of its own: the place in it is
//!   where the story was filed, never an actor of the first sentence;
//! - HTML tags go (block tags such as `<p>` and `<br>` become a line break), with `<script>` and
//!   `<style>` bodies and comments, and an entity (`&amp;`, `&#8217;`) becomes its character;
//! - a line in capitals has its long words lower-cased after the first letter
//!   ("CHINA WARNS JAPAN" → "China Warns Japan"; "US", "UK", "EU" stay), so names are found;
//! - `\r` reads as a space (`\r` alone, old Mac line ends, as a line break).
//!
//! Everything but HTML is one char for one. Where HTML was decoded, [`Normalized::original_span`]
//! maps a span of the normalised text back to the original's, so a sentence's offsets always
//! point into the article as it was read, and `original[start..end]` is what the sentence was
//! read from. Text with none of these features comes back unchanged.

use regex::Regex;
use std::sync::OnceLock;

/// HTML elements that end a line of text (their tag becomes a line break).
const BLOCK_TAGS: &[&str] = &[
    "p", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "table", "blockquote", "section",
    "article", "header", "footer", "title", "hr", "figcaption", "figure", "dd", "dt", "pre", "aside", "nav", "main",
];

/// Wrapped paragraphs are recognised only at widths up to this many chars (wider lines are
/// paragraphs, as in the Guardian and HuffPost archives, not a fixed wrap).
const MAX_WRAP_WIDTH: usize = 100;
const MIN_WRAP_WIDTH: usize = 30;
const WRAP_SLACK: usize = 8;

fn html_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?is)<!--.*?-->|<(script|style)\b[^>]*>.*?</(?:script|style)\s*>|</?([a-z][a-z0-9]*)\b[^<>]*>",
        )
        .expect("html regex")
    })
}

fn entity_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});").expect("entity regex"))
}

/// "TOKYO, March 27 - ", "WASHINGTON (Reuters) - ", "BAKU, Azerbaijan (AP) — ",
/// "NEW YORK, Jan. 5 -- ": capitals, an optional region or date, an optional agency, a dash,
/// then a sentence's first letter (so "IRAN - AZERBAIJAN" in a headline is not a dateline).
fn dateline_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"^([ \t]*[A-Z][A-Z.'’-]{2,}(?: [A-Z][A-Z.'’-]+){0,3}(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+){0,2})?(?:,? (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:, \d{4})?)?(?: \([A-Za-z][A-Za-z .]{0,30}\))? ?(?:--?|–|—)) (?:[A-Z0-9][a-z .'’0-9]|["“‘'(][A-Za-z])"#,
        )
        .expect("dateline regex")
    })
}

/// A normalised text and where each of its chars came from in the original.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized {
    pub text: String,
    /// `Some` when HTML was decoded: for each char of `text`, the original char span it reads
    /// (an entity's decoded char spans the whole entity). `None`: one char for one.
    origin: Option<Vec<(u32, u32)>>,
}

impl Normalized {
    /// The original char span of the normalised chars `start..end` (`start < end`).
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        match &self.origin {
            None => (start, end),
            Some(o) => (o[start].0 as usize, o[end - 1].1 as usize),
        }
    }
}

/// Returns `text` normalised (see the module documentation).
pub fn normalize(text: &str) -> String {
    normalize_with_origin(text).text
}

/// [`normalize`], keeping where each char came from.
pub fn normalize_with_origin(text: &str) -> Normalized {
    let mut chars: Vec<char> = text.chars().collect();
    let mut origin = None;
    if text.contains('<') || text.contains('&') {
        let edits = html_edits(text);
        if !edits.is_empty() {
            let (c, o) = apply_edits(&chars, &edits);
            chars = c;
            origin = Some(o);
        }
    }
    for i in 0..chars.len() {
        if chars[i] == '\r' {
            chars[i] = if chars.get(i + 1) == Some(&'\n') { ' ' } else { '\n' };
        } else if chars[i] == '\u{a0}' {
            chars[i] = ' ';
        }
    }
    unwrap_hard_wrapped(&mut chars);
    mark_datelines(&mut chars);
    soften_capital_lines(&mut chars);
    Normalized { text: chars.into_iter().collect(), origin }
}

/// Maps byte offsets of `text` to char offsets (only the offsets asked for; one pass).
struct ByteToChar<'a> {
    text: &'a str,
    byte: usize,
    char: usize,
}

impl<'a> ByteToChar<'a> {
    fn new(text: &'a str) -> Self {
        ByteToChar { text, byte: 0, char: 0 }
    }
    /// The char offset of byte offset `b` (calls must not go backwards).
    fn at(&mut self, b: usize) -> usize {
        debug_assert!(b >= self.byte);
        self.char += self.text[self.byte..b].chars().count();
        self.byte = b;
        self.char
    }
}

/// HTML to rewrite, as sorted, disjoint char spans of `text` and what replaces each: a block
/// tag a line break, an inline tag nothing (as a browser shows it), an entity its character.
fn html_edits(text: &str) -> Vec<(usize, usize, String)> {
    let mut spans: Vec<(usize, usize, String)> = Vec::new(); // byte spans first
    for m in html_re().captures_iter(text) {
        let whole = m.get(0).expect("match");
        let tag = m.get(2).map(|t| t.as_str().to_ascii_lowercase());
        let is_block = tag.as_deref().is_some_and(|t| BLOCK_TAGS.contains(&t));
        spans.push((whole.start(), whole.end(), if is_block { "\n".into() } else { String::new() }));
    }
    let tags = spans.len();
    let mut next_tag = 0;
    for m in entity_re().find_iter(text) {
        while next_tag < tags && spans[next_tag].1 <= m.start() {
            next_tag += 1;
        }
        if next_tag < tags && spans[next_tag].0 < m.end() {
            continue; // inside a tag, which goes whole
        }
        let decoded = html_escape::decode_html_entities(m.as_str());
        if decoded != m.as_str() {
            spans.push((m.start(), m.end(), decoded.replace('\u{a0}', " ")));
        }
    }
    spans.sort_by_key(|s| s.0);
    let mut map = ByteToChar::new(text);
    spans.into_iter().map(|(bs, be, r)| (map.at(bs), map.at(be), r)).collect()
}

/// Applies `edits` to `chars`; returns the new chars and each one's original span.
fn apply_edits(chars: &[char], edits: &[(usize, usize, String)]) -> (Vec<char>, Vec<(u32, u32)>) {
    let mut out = Vec::with_capacity(chars.len());
    let mut origin = Vec::with_capacity(chars.len());
    let mut at = 0;
    for (s, e, r) in edits {
        for (k, &c) in chars[at..*s].iter().enumerate() {
            out.push(c);
            origin.push(((at + k) as u32, (at + k + 1) as u32));
        }
        for c in r.chars() {
            out.push(c);
            origin.push((*s as u32, *e as u32));
        }
        at = *e;
    }
    for (k, &c) in chars[at..].iter().enumerate() {
        out.push(c);
        origin.push(((at + k) as u32, (at + k + 1) as u32));
    }
    (out, origin)
}

/// Line ranges `(start, end)` in chars, `end` at the `\n` (or the text's end).
fn lines(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &c) in chars.iter().enumerate() {
        if c == '\n' {
            out.push((start, i));
            start = i + 1;
        }
    }
    out.push((start, chars.len()));
    out
}

fn trimmed_len(chars: &[char]) -> usize {
    chars.iter().rposition(|c| !c.is_whitespace()).map_or(0, |p| p + 1)
}

fn starts_block(line: &[char]) -> bool {
    let first = line.first().copied();
    if matches!(first, Some(' ' | '\t')) {
        return true; // indented: a new paragraph, a quotation or a table row
    }
    let t: String = line.iter().take(4).collect();
    t.starts_with("- ") || t.starts_with("* ") || t.starts_with("• ") || {
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && matches!(t.chars().nth(digits), Some('.' | ')'))
    }
}

/// Joins the lines of hard-wrapped paragraphs. The wrap width W is the 90th percentile of the
/// lengths of lines followed by another non-blank line; a text counts as wrapped when W is at
/// most [`MAX_WRAP_WIDTH`] and most such lines come within a quarter of W. A break is then
/// read as a space when the next line's first word would not have fitted on the line (the
/// break was forced by the width, give or take [`WRAP_SLACK`]) and the next line is not
/// indented or a list item.
fn unwrap_hard_wrapped(chars: &mut [char]) {
    let ls = lines(chars);
    if ls.len() < 4 {
        return;
    }
    let lens: Vec<usize> = ls.iter().map(|&(s, e)| trimmed_len(&chars[s..e])).collect();
    let inner: Vec<usize> = lens.windows(2).filter(|w| w[0] > 0 && w[1] > 0).map(|w| w[0]).collect();
    if inner.len() < 3 {
        return;
    }
    let mut sorted = inner.clone();
    sorted.sort_unstable();
    let width = sorted[(sorted.len() * 9) / 10];
    if !(MIN_WRAP_WIDTH..=MAX_WRAP_WIDTH).contains(&width) {
        return;
    }
    let near = inner.iter().filter(|&&l| l * 4 >= width * 3).count();
    if near * 10 < inner.len() * 6 {
        return;
    }
    for (k, w) in ls.windows(2).enumerate() {
        let ((_, e), (ns, ne)) = (w[0], w[1]);
        let a = lens[k];
        if a == 0 || lens[k + 1] == 0 || e >= chars.len() {
            continue;
        }
        let next = &chars[ns..ne];
        if starts_block(next) {
            continue;
        }
        let first_word = next.iter().take_while(|c| !c.is_whitespace()).count();
        // Some slack: wrappers differ by a few columns, and a dateline or a marker added after
        // wrapping lengthens the first line.
        if a + 1 + first_word + WRAP_SLACK > width {
            chars[e] = ' ';
        }
    }
}

fn mark_datelines(chars: &mut [char]) {
    // The regex needs a &str; only line starts can match, so look at each line's first 120 chars.
    for (s, e) in lines(chars) {
        let head: String = chars[s..e.min(s + 120)].iter().collect();
        if let Some(m) = dateline_re().captures(&head).and_then(|c| c.get(1)) {
            // The space after the dateline's dash becomes the break that ends its segment.
            chars[s + head[..m.end()].chars().count()] = '\n';
        }
    }
}

/// Lines of at least two words, mostly capital letters: words of four letters or more keep
/// their first letter and are lower-cased after it (acronyms of up to three letters stay).
fn soften_capital_lines(chars: &mut [char]) {
    for (s, e) in lines(chars) {
        let line = &chars[s..e];
        let letters = line.iter().filter(|c| c.is_alphabetic()).count();
        let upper = line.iter().filter(|c| c.is_uppercase()).count();
        let words = line.split(|c| c.is_whitespace()).filter(|w| w.iter().any(|c| c.is_alphabetic())).count();
        if letters < 8 || words < 2 || upper * 10 < letters * 9 {
            continue;
        }
        let mut i = s;
        while i < e {
            if !chars[i].is_alphabetic() {
                i += 1;
                continue;
            }
            let j = (i..e).find(|&k| !chars[k].is_alphabetic()).unwrap_or(e);
            if j - i >= 4 {
                for c in &mut chars[i + 1..j] {
                    let mut lower = c.to_lowercase();
                    if let (Some(l), None) = (lower.next(), lower.next()) {
                        *c = l;
                    }
                }
            }
            i = j;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_length(a: &str, b: &str) {
        assert_eq!(a.chars().count(), b.chars().count(), "{a:?} vs {b:?}");
    }

    #[test]
    fn plain_text_is_unchanged() {
        for t in ["Iran and Azerbaijan met. Baku agreed!\n\nA headline\nNext line.", "", "x", "AT&T and R&D; a < b"] {
            assert_eq!(normalize(t), t);
        }
    }

    #[test]
    fn html_tags_and_entities_map_back_to_the_original() {
        let t = "<p>China &amp; Japan&#8217;s talks</p><p>Tokyo said <b>no</b>.</p>";
        let n = normalize_with_origin(t);
        assert_eq!(n.text, "\nChina & Japan’s talks\n\nTokyo said no.\n");
        let at = |s: &str| n.text.chars().count() - n.text[n.text.find(s).unwrap()..].chars().count();
        let (s, e) = (at("China"), at(" talks"));
        let (os, oe) = n.original_span(s, e);
        assert_eq!(crate::segment::char_slice(t, os, oe), "China &amp; Japan&#8217;s");
        let s = "<script>var x = '<p>';</script><!-- note --> Iran";
        assert_eq!(normalize(s).trim(), "Iran");
    }

    #[test]
    fn hard_wrapped_paragraphs_are_joined() {
        let t = "TRADE WAR DEEPENS\n\nOfficials in Tokyo said Washington's new tariffs would hurt both\neconomies, the ministry said on Tuesday, adding that talks with China\nwould continue next week in Beijing despite the sharp disagreement.\nShort last line.\n\n  An indented paragraph starts here and it is also long enough to wrap\nat the same width as the lines above, which ends here.";
        let n = normalize(t);
        same_length(t, &n);
        assert!(n.contains("hurt both economies, the ministry"), "{n:?}");
        assert!(n.contains("with China would continue"), "{n:?}");
        // The last line of a paragraph is short: the break before the next paragraph stays.
        assert!(n.contains("\n\n  An indented"), "{n:?}");
        assert!(n.starts_with("Trade WAR Deepens\n\n"), "{n:?}");
    }

    #[test]
    fn unwrapped_paragraph_text_is_untouched() {
        let long = "Iran said it would strengthen ties with Azerbaijan across all sectors, the president told the assistant in Tehran on Monday.";
        let t = format!("{long}\n{long}\n{long}\n{long}\nShort.");
        assert_eq!(normalize(&t), t);
    }

    #[test]
    fn datelines_end_their_own_segment() {
        for (t, expect) in [
            ("TOKYO, March 27 - Japan warned China.", "TOKYO, March 27 -\nJapan"),
            ("WASHINGTON (Reuters) - The U.S. said.", "WASHINGTON (Reuters) -\nThe"),
            ("BAKU, Azerbaijan (AP) — Iran objected.", "BAKU, Azerbaijan (AP) —\nIran"),
            ("NEW YORK, Jan. 5 -- Russia said.", "NEW YORK, Jan. 5 --\nRussia"),
        ] {
            let n = normalize(t);
            same_length(t, &n);
            assert!(n.starts_with(expect), "{t:?} → {n:?}");
        }
        for t in ["Iran - a country - spoke.", "IRAN - AZERBAIJAN TIES", "US - China talks."] {
            assert!(!normalize(t).contains('\n'), "{t:?}");
        }
    }

    #[test]
    fn capital_lines_keep_short_acronyms() {
        assert_eq!(normalize("US AND CHINA AGREE ON IRAN"), "US AND China Agree ON Iran");
        assert_eq!(normalize("NATO"), "NATO");
    }

    #[test]
    fn carriage_returns() {
        assert_eq!(normalize("Iran.\r\nBaku."), "Iran. \nBaku.");
        assert_eq!(normalize("Iran.\rBaku."), "Iran.\nBaku.");
    }
}
