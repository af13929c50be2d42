//! Training-data augmentation that puts the source *after* the target.
//!
//! In the training data the source comes first in ~90 % of stance-bearing pairs, so the model
//! learns "later mention → neutral" and misses the two constructions that carry most of the
//! other 10 %: speech reported after its content ("…, Smith said.") and the passive
//! ("Iran was criticised by Israel"). This rewrites simple active sentences into those two forms,
//! keeping who does what to whom, so the stance of the pair is unchanged while the order flips:
//!
//! - speech: `[prefix] S said (that) REST.` → `REST, [prefix] S said.`
//! - passive: `[prefix] S VERBed T REST` → `T was VERBed by [prefix] S REST`
//!
//! Only sentences whose shape is unambiguous are rewritten (a short subject prefix without
//! punctuation, no quotation marks, a single `-ed` verb between the two mentions); anything else
//! returns `None`.

const SPEECH_VERBS: &[&str] = &["said", "says", "added", "stated", "wrote", "argued", "claimed", "insisted", "warned", "noted"];
const SUBORDINATORS: &[&str] = &["when", "if", "as", "after", "before", "while", "because", "since", "although", "though", "but", "and", "so", "then", "also", "once", "until", "where", "whether"];
/// Words that start a time or place phrase after the verb ("said Monday that …"): moving the
/// speaker to the end would leave them dangling at the front.
const NOT_REPORTED_START: &[&str] = &["on", "in", "at", "last", "yesterday", "today", "tonight", "earlier", "late", "later", "this", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "to", "of", "about", "after", "during", "while"];
/// `-ed` words between two mentions that are not a transitive verb on the second mention, or
/// whose passive would change the meaning.
const NOT_PASSIVE: &[&str] = &["needed", "wanted", "used", "based", "headed", "named", "added", "agreed", "aimed", "seemed", "appeared", "played", "ed"];

/// A rewritten sentence: the text, then the char spans of the mention that came first in the
/// original (now second) and of the one that came second (now first).
#[derive(Debug, Clone, PartialEq)]
pub struct Reordered {
    pub text: String,
    pub first: (usize, usize),
    pub second: (usize, usize),
}

fn slice(chars: &[char], a: usize, b: usize) -> String {
    chars[a..b].iter().collect()
}

/// Upper-cases the first character when that keeps the length in chars (so spans stay valid).
fn capitalise(s: &str) -> String {
    let mut it = s.chars();
    match it.next() {
        Some(c) if c.to_uppercase().count() == 1 => c.to_uppercase().chain(it).collect(),
        _ => s.to_string(),
    }
}

/// A sentence-initial determiner moved into the middle of a sentence is lower-cased.
fn decapitalise_determiner(prefix: &str) -> String {
    for det in ["The ", "A ", "An "] {
        if let Some(rest) = prefix.strip_prefix(det) {
            return format!("{}{}", det.to_lowercase(), rest);
        }
    }
    prefix.to_string()
}

/// The words before the first mention, if they can be its own title or determiner
/// ("Interior Secretary", "The"): at most four words starting with a capital, no clause
/// punctuation, no subordinating word ("When Trump said …" is not a main clause).
fn subject_prefix(chars: &[char], start: usize) -> Option<String> {
    let prefix = slice(chars, 0, start);
    let words: Vec<&str> = prefix.split_whitespace().collect();
    let clean = !prefix.chars().any(|c| ",;:.()!?-–—".contains(c));
    let capital = prefix.chars().next().is_none_or(|c| c.is_uppercase());
    let subordinate = words.first().is_some_and(|w| SUBORDINATORS.contains(&w.to_lowercase().as_str()));
    // A title is capitalised words and a few function words ("The", "Minister of Defence");
    // a lower-case word ("The move came after") or a date ("On 17 July") means a clause.
    let title_word = |w: &&str| {
        let lower = w.to_lowercase();
        let capitalised = w.chars().next().is_some_and(|c| c.is_uppercase());
        (capitalised || ["the", "of", "a", "an", "and", "for"].contains(&lower.as_str())) && !NOT_REPORTED_START.contains(&lower.as_str())
    };
    (words.len() <= 4 && words.iter().all(title_word) && clean && capital && !subordinate && (prefix.is_empty() || prefix.ends_with(' '))).then_some(prefix)
}

/// Rewrites `text`, where the mention `first` precedes `second`, so that `second` comes first.
pub fn reorder(text: &str, first: (usize, usize), second: (usize, usize)) -> Option<Reordered> {
    let chars: Vec<char> = text.chars().collect();
    if first.1 > second.0 || second.1 > chars.len() || first.0 >= first.1 || second.0 >= second.1 {
        return None;
    }
    if chars.iter().any(|c| "\"“”«»".contains(*c)) {
        return None;
    }
    let prefix = subject_prefix(&chars, first.0)?;
    let subject = decapitalise_determiner(&slice(&chars, first.0, first.1));
    let object = slice(&chars, second.0, second.1);
    speech(&chars, first, second, &prefix, &subject).or_else(|| passive(&chars, first, second, &prefix, &subject, &object))
}

fn speech(chars: &[char], first: (usize, usize), second: (usize, usize), prefix: &str, subject: &str) -> Option<Reordered> {
    let between = slice(chars, first.1, second.0);
    let mut words = between.split_whitespace();
    let verb = words.next()?;
    if !between.starts_with(' ') || !SPEECH_VERBS.contains(&verb) {
        return None;
    }
    // REST starts after the verb and an optional "that".
    let mut rest_start = first.1 + 1 + verb.chars().count();
    let after_verb = slice(chars, rest_start, chars.len());
    let skip = after_verb.len() - after_verb.trim_start().len();
    rest_start += after_verb[..skip].chars().count();
    if slice(chars, rest_start, chars.len()).starts_with("that ") {
        rest_start += 5;
    }
    let first_word = slice(chars, rest_start, chars.len()).split_whitespace().next().unwrap_or("").to_lowercase();
    if rest_start > second.0 || NOT_REPORTED_START.contains(&first_word.as_str()) {
        return None;
    }
    let rest = slice(chars, rest_start, chars.len());
    let rest = rest.trim_end();
    let core = rest.strip_suffix('.').unwrap_or(rest).trim_end();
    // A question or a second sentence is not one reported statement.
    if core.contains(['?', '!']) || core.contains(". ") || core.chars().count() < second.1 - rest_start {
        return None;
    }
    let core = capitalise(core);
    let second_new = (second.0 - rest_start, second.1 - rest_start);
    let head = format!("{}, {}", core, decapitalise_determiner(prefix));
    let first_start = head.chars().count();
    let text = format!("{head}{subject} {verb}.");
    Some(Reordered { text, first: (first_start, first_start + (first.1 - first.0)), second: second_new })
}

fn passive(chars: &[char], first: (usize, usize), second: (usize, usize), prefix: &str, subject: &str, object: &str) -> Option<Reordered> {
    let between = slice(chars, first.1, second.0);
    let verb = between.trim();
    let single_word = verb.chars().all(|c| c.is_ascii_lowercase()) && between == format!(" {verb} ");
    if !single_word || !verb.ends_with("ed") || NOT_PASSIVE.contains(&verb) {
        return None;
    }
    // The object must end where a word ends (no possessive or cut-off suffix after it).
    let rest = slice(chars, second.1, chars.len());
    if !(rest.is_empty() || rest.starts_with([' ', '.', ',', ';'])) {
        return None;
    }
    let object = capitalise(object);
    let head = format!("{object} was {verb} by {}", decapitalise_determiner(prefix));
    let first_start = head.chars().count();
    let text = format!("{head}{subject}{rest}");
    Some(Reordered { text, first: (first_start, first_start + (first.1 - first.0)), second: (0, second.1 - second.0) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span_of(text: &str, s: (usize, usize)) -> String {
        text.chars().skip(s.0).take(s.1 - s.0).collect()
    }

    fn spans(text: &str, a: &str, b: &str) -> ((usize, usize), (usize, usize)) {
        let at = |w: &str| {
            let byte = text.find(w).unwrap();
            let c = text[..byte].chars().count();
            (c, c + w.chars().count())
        };
        (at(a), at(b))
    }

    #[test]
    fn speech_moves_the_speaker_to_the_end() {
        let text = "Interior Secretary Ryan Zinke said that the plan will hurt Canada's fishermen.";
        let (a, b) = spans(text, "Ryan Zinke", "Canada");
        let r = reorder(text, a, b).unwrap();
        assert_eq!(r.text, "The plan will hurt Canada's fishermen, Interior Secretary Ryan Zinke said.");
        assert_eq!(span_of(&r.text, r.first), "Ryan Zinke");
        assert_eq!(span_of(&r.text, r.second), "Canada");
    }

    #[test]
    fn passive_puts_the_object_first() {
        let text = "The Iranian government criticised Azerbaijan on Monday.";
        let (a, b) = spans(text, "Iranian", "Azerbaijan");
        assert_eq!(reorder(text, a, b), None, "two words between the mentions");
        let text = "Mr. Smith accused Fiji of lying.";
        let (a, b) = spans(text, "Mr. Smith", "Fiji");
        assert_eq!(reorder(text, a, b).unwrap().text, "Fiji was accused by Mr. Smith of lying.");
        let text = "The FBI accused Fiji of lying.";
        let (a, b) = spans(text, "FBI", "Fiji");
        let r = reorder(text, a, b).unwrap();
        assert_eq!(r.text, "Fiji was accused by the FBI of lying.");
        assert_eq!(span_of(&r.text, r.first), "FBI");
        assert_eq!(span_of(&r.text, r.second), "Fiji");
    }

    #[test]
    fn unclear_shapes_are_left_alone() {
        for (text, a, b) in [
            ("After talks, Iran accused Israel of lying.", "Iran", "Israel"),      // clause before the subject
            ("Iran accused Israel’s army of lying.", "Iran", "Israel"),            // possessive object
            ("Iran said: “Israel lies.”", "Iran", "Israel"),                       // quotation
            ("Iran wanted Israel to leave.", "Iran", "Israel"),                    // not a passive-able verb
            ("Iran met Israel.", "Iran", "Israel"),                                // no -ed verb
        ] {
            let (x, y) = spans(text, a, b);
            assert_eq!(reorder(text, x, y), None, "{text}");
        }
    }
}
