//! Stage 3: find the actors a sentence names and resolve them to countries.
//!
//! The gazetteer (`data/gazetteer.tsv`, built by `scripts/build_gazetteer.py` from
//! `../shared/data/actors/`) maps names, demonyms, capitals and seats of power to ISO3 codes;
//! `data/leaders.tsv` maps people to a country only while they hold office on the article's date.
//! Both are compiled into the binary, so it runs with no data files beside it.
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const GAZETTEER_TSV: &str = include_str!("../data/gazetteer.tsv");
const LEADERS_TSV: &str = include_str!("../data/leaders.tsv");

/// Longer phrases that contain a country form but name something else; matched
/// leftmost-longest, they shadow the country form inside them.
const BLOCKERS: &[&str] = &[
    "Washington Post", "Washington Times", "George Washington", "Washington State", "New Mexico", "New Jersey",
    "Indian Ocean", "Native American", "Latin American", "American Samoa", "Jordan River", "Georgia Tech",
    "Turkey Day", "Chinese New Year", "French fries", "Kiev Rus",
];

/// How a mention was resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// Country name, demonym, capital or seat of power (the gazetteer's `form` column).
    Gazetteer { form: String },
    /// A person in office on the article date.
    Office { person: String, role: String, start: String, end: String, source: String },
}

/// An actor mention in a sentence; `start..end` are char offsets within the sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub code: String,
    pub via: Via,
}

/// A surface form the resolver looked at but did not turn into an actor, with the reason
/// (shown by `dyad actors`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejected {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub reason: String,
}

#[derive(Debug, Clone)]
struct Office {
    code: String,
    role: String,
    person: String,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    source: String,
}

impl Office {
    fn holds(&self, date: NaiveDate) -> bool {
        self.start.is_none_or(|s| s <= date) && self.end.is_none_or(|e| date < e)
    }
}

enum Pattern {
    Place { code: String, form: String },
    Person(Vec<usize>),
    Blocker,
}

/// The compiled gazetteer plus people in office.
pub struct Gazetteer {
    patterns: Vec<Pattern>,
    matcher: AhoCorasick,
    offices: Vec<Office>,
    canonical: HashMap<String, String>,
    by_name: HashMap<String, String>,
}

impl Gazetteer {
    /// The gazetteer compiled into the binary.
    pub fn builtin() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| Gazetteer::from_tsv(GAZETTEER_TSV, LEADERS_TSV))
    }

    pub fn from_tsv(gazetteer: &str, leaders: &str) -> Gazetteer {
        let mut texts: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        let mut canonical = HashMap::new();
        let mut by_name = HashMap::new();
        for line in gazetteer.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 4 {
                continue;
            }
            let (code, form, text) = (f[0], f[2], f[3]);
            if form == "canonical" {
                canonical.insert(code.to_string(), text.to_string());
            }
            by_name.insert(text.to_lowercase(), code.to_string());
            texts.push(text.to_string());
            patterns.push(Pattern::Place { code: code.into(), form: form.into() });
        }
        let mut offices = Vec::new();
        let mut person_patterns: HashMap<String, Vec<usize>> = HashMap::new();
        for line in leaders.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 7 {
                continue;
            }
            let idx = offices.len();
            offices.push(Office {
                code: f[0].into(),
                role: f[1].into(),
                person: f[2].into(),
                start: crate::dates::parse_date(f[4]),
                end: crate::dates::parse_date(f[5]),
                source: f[6].into(),
            });
            for alias in std::iter::once(f[2]).chain(f[3].split('|')).filter(|a| !a.is_empty()) {
                let v = person_patterns.entry(alias.to_string()).or_default();
                if !v.contains(&idx) {
                    v.push(idx);
                }
            }
        }
        for (alias, idx) in person_patterns {
            texts.push(alias);
            patterns.push(Pattern::Person(idx));
        }
        for b in BLOCKERS {
            texts.push(b.to_string());
            patterns.push(Pattern::Blocker);
        }
        let matcher = AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostLongest).build(&texts).expect("gazetteer patterns");
        Gazetteer { patterns, matcher, offices, canonical, by_name }
    }

    /// The display name of a code ("IRN" → "Iran").
    pub fn name_of(&self, code: &str) -> Option<&str> {
        self.canonical.get(code).map(String::as_str)
    }

    /// Resolves a user-given actor: an ISO3 code, or any name, demonym or capital.
    pub fn resolve(&self, s: &str) -> Option<String> {
        let s = s.trim();
        if s.len() == 3 && s.chars().all(|c| c.is_ascii_alphabetic()) {
            let up = s.to_ascii_uppercase();
            if self.canonical.contains_key(&up) {
                return Some(up);
            }
        }
        self.by_name.get(&s.to_lowercase()).cloned()
    }

    /// Finds the country mentions in `text` for an article dated `date`.
    pub fn find(&self, text: &str, date: NaiveDate) -> Vec<Mention> {
        self.find_explained(text, date).0
    }

    /// Like [`find`](Self::find), also returning what was seen and rejected, and why.
    pub fn find_explained(&self, text: &str, date: NaiveDate) -> (Vec<Mention>, Vec<Rejected>) {
        let char_at: Vec<usize> = {
            // byte offset -> char offset
            let mut v = vec![0; text.len() + 1];
            let mut ci = 0;
            for (bi, ch) in text.char_indices() {
                for b in bi..bi + ch.len_utf8() {
                    v[b] = ci;
                }
                ci += 1;
            }
            v[text.len()] = ci;
            v
        };
        let (mut found, mut rejected) = (Vec::new(), Vec::new());
        for m in self.matcher.find_iter(text) {
            let (bs, mut be) = (m.start(), m.end());
            let before = text[..bs].chars().next_back();
            let mut after = text[be..].chars().next();
            // Plural demonyms ("Iranians") and possessive-less plurals.
            if after == Some('s') && !text[be + 1..].chars().next().is_some_and(char::is_alphanumeric) {
                be += 1;
                after = text[be..].chars().next();
            }
            let matched = &text[bs..be];
            let (start, end) = (char_at[bs], char_at[be]);
            if before.is_some_and(|c| c.is_alphanumeric()) || after.is_some_and(|c| c.is_alphanumeric()) {
                continue; // inside a longer word
            }
            match &self.patterns[m.pattern().as_usize()] {
                Pattern::Blocker => rejected.push(Rejected {
                    start,
                    end,
                    text: matched.into(),
                    reason: "names something else (blocker list)".into(),
                }),
                Pattern::Place { code, form } => found.push(Mention {
                    start,
                    end,
                    text: matched.into(),
                    code: code.clone(),
                    via: Via::Gazetteer { form: form.clone() },
                }),
                Pattern::Person(idx) => {
                    match idx.iter().map(|&i| &self.offices[i]).find(|o| o.holds(date)) {
                        Some(o) => found.push(Mention {
                            start,
                            end,
                            text: matched.into(),
                            code: o.code.clone(),
                            via: Via::Office {
                                person: o.person.clone(),
                                role: o.role.clone(),
                                start: o.start.map(|d| d.to_string()).unwrap_or_default(),
                                end: o.end.map(|d| d.to_string()).unwrap_or_default(),
                                source: o.source.clone(),
                            },
                        }),
                        None => {
                            let terms: Vec<String> = idx
                                .iter()
                                .map(|&i| &self.offices[i])
                                .map(|o| {
                                    format!(
                                        "{} {} {}..{}",
                                        o.code,
                                        o.role,
                                        o.start.map(|d| d.to_string()).unwrap_or_default(),
                                        o.end.map(|d| d.to_string()).unwrap_or_default()
                                    )
                                })
                                .collect();
                            rejected.push(Rejected {
                                start,
                                end,
                                text: matched.into(),
                                reason: format!("not in office on {date} ({})", terms.join("; ")),
                            });
                        }
                    }
                }
            }
        }
        (found, rejected)
    }
}

/// Finds the char span of a user-given actor in `text`: the string itself as it appears
/// (case-insensitive), or else the first mention of the country it names (`IRN`, `Iran`).
pub fn locate(gazetteer: &Gazetteer, text: &str, actor: &str, date: NaiveDate) -> Option<(usize, usize)> {
    let actor = actor.trim();
    if actor.is_empty() {
        return None;
    }
    let lower = text.to_lowercase();
    // Lower-casing can change byte lengths; only trust a literal hit when it does not.
    if lower.len() == text.len() {
        if let Some(b) = lower.find(&actor.to_lowercase()) {
            let start = text[..b].chars().count();
            return Some((start, start + actor.chars().count()));
        }
    }
    let code = gazetteer.resolve(actor)?;
    gazetteer.find(text, date).into_iter().find(|m| m.code == code).map(|m| (m.start, m.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::dates::parse_date(s).unwrap()
    }

    fn codes(text: &str, date: &str) -> Vec<String> {
        Gazetteer::builtin().find(text, d(date)).into_iter().map(|m| m.code).collect()
    }

    #[test]
    fn names_demonyms_capitals() {
        let t = "Iranian President Masoud Pezeshkian told Hikmat Hajiyev, the Assistant to the Azerbaijani President, that Tehran seeks to strengthen relations across all sectors with Azerbaijan.";
        assert_eq!(codes(t, "2025-02-04"), ["IRN", "IRN", "AZE", "IRN", "AZE"]);
        let ms = Gazetteer::builtin().find(t, d("2025-02-04"));
        assert_eq!(ms[2].text, "Azerbaijani");
        assert_eq!(crate::segment::char_slice(t, ms[2].start, ms[2].end), "Azerbaijani");
        assert_eq!(codes("The Kremlin and the White House traded barbs; Iranians protested.", "2020-01-01"), ["RUS", "USA", "IRN"]);
    }

    #[test]
    fn words_inside_words_and_blockers_are_not_actors() {
        assert!(codes("The Washington Post reported on Ukrainelike things in New Mexico.", "2020-01-01").is_empty());
        assert_eq!(codes("Iran’s envoy", "2020-01-01"), ["IRN"]);
    }

    #[test]
    fn people_only_while_in_office() {
        assert_eq!(codes("Raisi spoke.", "2023-01-01"), ["IRN"]);
        assert!(codes("Raisi spoke.", "2025-01-01").is_empty());
        let (_, rej) = Gazetteer::builtin().find_explained("Raisi spoke.", d("2025-01-01"));
        assert!(rej[0].reason.contains("not in office"));
        assert_eq!(codes("Pezeshkian met Aliyev.", "2025-02-04"), ["IRN", "AZE"]);
        assert!(codes("Pezeshkian met Aliyev.", "2001-01-01").is_empty());
    }

    #[test]
    fn locate_actor_strings() {
        let g = Gazetteer::builtin();
        let t = "Tehran perceives Israel’s ties with Azerbaijan as a threat.";
        assert_eq!(locate(g, t, "Israel", d("2025-02-04")), Some((17, 23)));
        assert_eq!(locate(g, t, "IRN", d("2025-02-04")), Some((0, 6)));
        assert_eq!(locate(g, t, "France", d("2025-02-04")), None);
    }

    #[test]
    fn resolve_user_strings() {
        let g = Gazetteer::builtin();
        assert_eq!(g.resolve("irn").as_deref(), Some("IRN"));
        assert_eq!(g.resolve("Azerbaijan").as_deref(), Some("AZE"));
        assert_eq!(g.resolve("united states").as_deref(), Some("USA"));
        assert_eq!(g.name_of("AZE"), Some("Azerbaijan"));
        assert_eq!(g.resolve("Atlantis"), None);
    }
}
