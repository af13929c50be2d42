//! Stage 3: find the actors a sentence names and resolve them to countries.
//!
//! The gazetteer (`data/gazetteer.tsv`, built by `scripts/data/build_gazetteer.py` from
//! `../shared/data/actors/`) maps names, demonyms, capitals and seats of power to ISO3 codes;
//! `data/leaders.tsv` maps people to a country only while they hold office on the article's date.
//! Both are compiled into the binary, so it runs with no data files beside it.
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const GAZETTEER_TSV: &str = include_str!("../../../data/gazetteer.tsv");
const LEADERS_TSV: &str = include_str!("../../../data/leaders.tsv");

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
    /// A person introduced earlier in the same article with a country ("Hikmat Hajiyev, the
    /// Assistant to the Azerbaijani President"), named again later ("Hajiyev").
    Memory { person: String, introduced: String },
}

/// An actor mention in a sentence; `start..end` are char offsets within the sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub code: String,
    /// `country`, or `igo` for an international organisation (UN, EU, NATO, IAEA…), which is an
    /// actor with its own code but not a country.
    pub kind: String,
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
    Place { code: String, kind: String, form: String },
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
    igos: std::collections::HashSet<String>,
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
        let mut igos = std::collections::HashSet::new();
        for line in gazetteer.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 4 {
                continue;
            }
            let (code, kind, form, text) = (f[0], f[1], f[2], f[3]);
            if form == "canonical" {
                canonical.insert(code.to_string(), text.to_string());
            }
            by_name.insert(text.to_lowercase(), code.to_string());
            texts.push(text.to_string());
            if kind == "igo" {
                igos.insert(code.to_string());
            }
            patterns.push(Pattern::Place { code: code.into(), kind: kind.into(), form: form.into() });
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
        Gazetteer { patterns, matcher, offices, canonical, by_name, igos }
    }

    /// `igo` for an international organisation's code, else `country`.
    pub fn kind_of(&self, code: &str) -> &'static str {
        if self.igos.contains(code) {
            "igo"
        } else {
            "country"
        }
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
        self.find_with(text, date, PlaceRule::Cities)
    }

    /// [`find_explained`](Self::find_explained) with a chosen place rule.
    pub fn find_with(&self, text: &str, date: NaiveDate, rule: PlaceRule) -> (Vec<Mention>, Vec<Rejected>) {
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
        // End (byte) of the last mention rejected as a place: "in Hungary and Austria" carries
        // the preposition over the coordination.
        let mut last_place: Option<usize> = None;
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
                Pattern::Place { code, kind, form } => {
                    let applies = match rule {
                        PlaceRule::Off => false,
                        PlaceRule::Cities => matches!(form.as_str(), "capital" | "seat"),
                        PlaceRule::All => form != "demonym",
                    };
                    let why = if rule != PlaceRule::Off && form != "demonym" && located_people(text, bs) {
                        Some(format!("place, not actor (people located in or from \"{matched}\")"))
                    } else if applies {
                        place_not_actor(text, bs, be, form, last_place)
                    } else {
                        None
                    };
                    if let Some(why) = why {
                        last_place = Some(be);
                        rejected.push(Rejected { start, end, text: matched.into(), reason: why });
                        continue;
                    }
                    found.push(Mention {
                        start,
                        end,
                        text: matched.into(),
                        code: code.clone(),
                        kind: kind.clone(),
                        via: Via::Gazetteer { form: form.clone() },
                    })
                }
                Pattern::Person(idx) => {
                    match idx.iter().map(|&i| &self.offices[i]).find(|o| o.holds(date)) {
                        Some(o) => found.push(Mention {
                            start,
                            end,
                            text: matched.into(),
                            code: o.code.clone(),
                            kind: self.kind_of(&o.code).into(),
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

/// Which mentions the place-vs-actor rule looks at.
///
/// Measured on the annotated source/target spans of `conflibert_source_target_train.conll`
/// (train part; `docs/actors.md`): event coders treat a *country* named as where something
/// happens as the target ("aid in Yemen", "a ceasefire in Sudan", "a visit to Britain"), so
/// rejecting countries after "in" cost 0.07 of pair recall for no precision; capitals and seats
/// of power after a locative ("talks in Tehran", "at the White House") are places two times in three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceRule {
    Off,
    /// Capitals and seats of power, plus countries where people are located ("refugees in Hungary").
    Cities,
    /// Every name, capital and seat (not demonyms).
    All,
}

/// People located somewhere: "refugees in Hungary", "migrants from Libya" name a place.
const LOCATED_PEOPLE: &[&str] = &["refugees", "refugee", "migrants", "migrant", "asylum", "tourists", "expatriates", "expats", "residents", "diaspora"];

fn located_people(text: &str, bs: usize) -> bool {
    let before = words_before(text, bs, 3);
    let k = if before.first().is_some_and(|w| w == "the") { 1 } else { 0 };
    before.get(k).is_some_and(|w| matches!(w.as_str(), "in" | "from"))
        && before.get(k + 1).is_some_and(|w| LOCATED_PEOPLE.contains(&w.as_str()) || w == "seekers")
}

/// Words before a mention that make it a place rather than an actor ("in Tehran",
/// "refugees in Hungary", "visited Baku", "a trip to Moscow").
const LOCATIVE: &[&str] = &["in", "inside", "outside", "near", "throughout", "across", "around", "within", "via"];
const VISIT: &[&str] = &["visited", "visiting", "visit", "visits", "toured", "touring", "trip", "travel", "travelled", "traveled", "flew", "arrived"];
/// For capitals and seats only ("at the White House", "at Baku"): with a country, "at" often
/// marks a target ("fired at Israel").
const LOCATIVE_CITY: &[&str] = &["at"];
/// "officials in Tehran said": the people of the place act, so it stays an actor.
/// (Not "embassy in Tehran" or "ambassador in Moscow": those belong to the sending country.)
const AGENTS: &[&str] = &[
    "officials", "official", "leaders", "leadership", "authorities", "government", "regime", "rulers", "administration",
    "spokesman", "spokeswoman", "lawmakers", "ministry",
];

fn words_before(text: &str, at: usize, n: usize) -> Vec<String> {
    text[..at]
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .rev()
        .take(n)
        .map(|w| w.to_lowercase())
        .collect()
}

/// Why the mention at `bs..be` (bytes) is a place and not an actor, or `None` when it acts.
fn place_not_actor(text: &str, bs: usize, be: usize, form: &str, last_place: Option<usize>) -> Option<String> {
    let after = &text[be..];
    if after.starts_with("'s") || after.starts_with("’s") || after.starts_with('-') || text[..bs].ends_with('-') {
        return None; // "in Iran's programme" (an owner), "Tehran-Baku ties"
    }
    // Coordinated with a place just before: "in Hungary and Austria".
    if let Some(prev) = last_place {
        let between = text[prev..bs].trim();
        if prev <= bs && matches!(between, "and" | "or" | "," | ", and" | ", or" | "&") {
            return Some("place (coordinated with the place before it)".into());
        }
    }
    let before = words_before(text, bs, 4);
    let mut k = 0;
    if before.get(k).is_some_and(|w| w == "the") {
        k += 1;
    }
    let prep = before.get(k)?;
    let city = matches!(form, "capital" | "seat");
    let locative = LOCATIVE.contains(&prep.as_str()) || (city && LOCATIVE_CITY.contains(&prep.as_str()));
    let visit = VISIT.contains(&prep.as_str())
        || (prep == "to" && before.get(k + 1).is_some_and(|w| VISIT.contains(&w.as_str())));
    if !(locative || visit) {
        return None;
    }
    if before.get(k + 1).is_some_and(|w| AGENTS.contains(&w.as_str())) {
        return None;
    }
    let phrase = if prep == "to" { format!("{} to", before[k + 1]) } else { prep.clone() };
    Some(format!("place, not actor (\"{phrase} {}\")", &text[bs..be]))
}

/// Title words that introduce or describe a person's office ("Iranian President Masoud
/// Pezeshkian", "Hikmat Hajiyev, the Assistant to the Azerbaijani President").
const TITLES: &[&str] = &[
    "President", "Prime", "Minister", "Foreign", "Defence", "Defense", "Interior", "Deputy", "Vice", "Secretary", "State",
    "Ambassador", "Envoy", "Spokesman", "Spokeswoman", "Spokesperson", "Assistant", "Adviser", "Advisor", "Chancellor",
    "King", "Queen", "Emir", "Crown", "Prince", "Premier", "Speaker", "General", "Lieutenant", "Commander", "Chief",
    "Director", "Chairman", "Representative", "Senator", "Governor", "Supreme", "Leader", "Ayatollah", "Sheikh", "Colonel",
    "Admiral", "Head", "Counselor", "Councillor", "Attaché", "Consul", "Presidential", "Special", "First", "Lady",
    "Army", "Navy", "Staff", "Affairs", "Security", "National", "Council", "Economy", "Finance", "Trade", "Energy",
    "president", "minister", "secretary", "ambassador", "envoy", "spokesman", "spokeswoman", "spokesperson", "assistant",
    "adviser", "advisor", "chancellor", "king", "premier", "speaker", "commander", "chief", "director", "chairman",
    "representative", "leader", "counterpart", "official", "diplomat", "head",
];
const CONNECTORS: &[&str] = &["of", "for", "and", "the", "to", "on"];
const NAME_PARTICLES: &[&str] = &["bin", "bint", "ibn", "al", "el", "de", "da", "van", "von", "Al", "El"];

/// A capitalised word that can be part of a person's name.
fn is_name_word(w: &str) -> bool {
    let mut cs = w.chars();
    cs.next().is_some_and(|c| c.is_uppercase())
        && w.chars().count() >= 2
        && !TITLES.contains(&w)
        && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '’')
}

/// Words with their byte spans.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let inside = c.is_alphanumeric() || c == '-' || ((c == '\'' || c == '’') && start.is_some());
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// A person the article introduced with a country.
#[derive(Debug, Clone, PartialEq)]
pub struct Introduced {
    pub name: String,
    pub surname: String,
    pub code: String,
    /// The words that introduced them, for `dyad actors`.
    pub introduced: String,
}

/// Actor resolution over one article: the gazetteer and leaders table, plus the people the
/// article itself introduces, remembered for its later sentences.
pub struct ArticleActors<'g> {
    gazetteer: &'g Gazetteer,
    date: NaiveDate,
    pub people: Vec<Introduced>,
}

impl<'g> ArticleActors<'g> {
    pub fn new(gazetteer: &'g Gazetteer, date: NaiveDate) -> Self {
        ArticleActors { gazetteer, date, people: Vec::new() }
    }

    pub fn find(&mut self, sentence: &str) -> Vec<Mention> {
        self.find_explained(sentence).0
    }

    /// Mentions in the next sentence of the article (in order), with rejections.
    pub fn find_explained(&mut self, sentence: &str) -> (Vec<Mention>, Vec<Rejected>) {
        let (mut found, rejected) = self.gazetteer.find_explained(sentence, self.date);
        self.learn(sentence, &found);
        let chars = |b: usize| sentence[..b].chars().count();
        let words = word_spans(sentence);
        let mut extra = Vec::new();
        for p in &self.people {
            // The full name, else the surname alone, as whole words not already resolved.
            let full: Vec<&str> = p.name.split_whitespace().collect();
            let mut k = 0;
            while k < words.len() {
                let n = if k + full.len() <= words.len() && full.iter().zip(&words[k..]).all(|(f, (a, b))| *f == &sentence[*a..*b]) {
                    full.len()
                } else if sentence[words[k].0..words[k].1] == p.surname
                    || sentence[words[k].0..words[k].1].strip_suffix("’s").or(sentence[words[k].0..words[k].1].strip_suffix("'s")) == Some(p.surname.as_str())
                {
                    1
                } else {
                    0
                };
                if n == 0 {
                    k += 1;
                    continue;
                }
                let (bs, mut be) = (words[k].0, words[k + n - 1].1);
                if sentence[bs..be].ends_with("’s") || sentence[bs..be].ends_with("'s") {
                    be -= if sentence[bs..be].ends_with("’s") { "’s".len() } else { 2 };
                }
                let (start, end) = (chars(bs), chars(be));
                let overlaps = found.iter().chain(&extra).any(|m: &Mention| m.start < end && start < m.end);
                if !overlaps {
                    extra.push(Mention {
                        start,
                        end,
                        text: sentence[bs..be].to_string(),
                        code: p.code.clone(),
                        kind: self.gazetteer.kind_of(&p.code).into(),
                        via: Via::Memory { person: p.name.clone(), introduced: p.introduced.clone() },
                    });
                }
                k += n;
            }
        }
        found.extend(extra);
        found.sort_by_key(|m| m.start);
        (found, rejected)
    }

    /// Remembers people introduced with a country in `sentence`.
    fn learn(&mut self, sentence: &str, mentions: &[Mention]) {
        let words = word_spans(sentence);
        // Headline case ("Agenda May Die Without Deal") makes every run of words look like a name.
        // A sentence with no lower-case word of four letters or more is in headline case.
        let lower_word = words.iter().any(|(a, b)| sentence[*a..*b].chars().count() >= 4 && sentence[*a..].starts_with(char::is_lowercase));
        if words.len() >= 4 && !lower_word {
            return;
        }
        let char_to_byte: Vec<usize> = sentence.char_indices().map(|(b, _)| b).chain(std::iter::once(sentence.len())).collect();
        let word_at = |b: usize| words.iter().position(|(s, e)| *s <= b && b < *e);
        let mut learned = Vec::new();
        for m in mentions.iter().filter(|m| m.kind == "country") {
            let (ms, me) = (char_to_byte[m.start], char_to_byte[m.end.min(char_to_byte.len() - 1)]);
            // 1. "[Country] [titles] Name Surname": "Iranian President Masoud Pezeshkian",
            //    "Iran's Foreign Minister Abbas Araghchi".
            if let Some(mut k) = word_at(ms) {
                while k < words.len() && words[k].1 <= me + "’s".len() && words[k].0 < me {
                    k += 1;
                }
                let mut titles = 0;
                while k < words.len() && (TITLES.contains(&&sentence[words[k].0..words[k].1]) || (titles > 0 && CONNECTORS.contains(&&sentence[words[k].0..words[k].1]))) {
                    titles += TITLES.contains(&&sentence[words[k].0..words[k].1]) as usize;
                    k += 1;
                }
                if titles > 0 {
                    if let Some(name) = name_at(sentence, &words, k, mentions, &char_to_byte) {
                        let intro = sentence[ms..words[k + name.1 - 1].1].to_string();
                        learned.push((name.0, m.code.clone(), intro));
                    }
                }
            }
        }
        // 2. "Name Surname, the [titles …] [Country] …,": "Hikmat Hajiyev, the Assistant to the
        //    Azerbaijani President", "Ali Akbar Ahmadian, Secretary of Iran’s Supreme National
        //    Security Council".
        let mut k = 0;
        while k < words.len() {
            let Some((name, n)) = name_at(sentence, &words, k, mentions, &char_to_byte) else {
                k += 1;
                continue;
            };
            let after = words[k + n - 1].1;
            if sentence[after..].trim_start().starts_with(',') {
                let clause_start = after + sentence[after..].find(',').unwrap() + 1;
                let clause_end = sentence[clause_start..].find([',', '.', ';', '(']).map_or(sentence.len(), |i| clause_start + i);
                let clause = &sentence[clause_start..clause_end];
                let has_title = word_spans(clause).iter().take(12).any(|(a, b)| TITLES.contains(&&clause[*a..*b]));
                let country = mentions.iter().find(|m| {
                    let b = char_to_byte[m.start];
                    m.kind == "country" && clause_start <= b && b < clause_end
                });
                if let (true, Some(c)) = (has_title, country) {
                    learned.push((name, c.code.clone(), sentence[words[k].0..clause_end].trim().to_string()));
                }
            }
            k += n;
        }
        for (name, code, intro) in learned {
            let surname = name.split_whitespace().last().unwrap_or("").to_string();
            // A surname that is itself a gazetteer form or a title would shadow real mentions.
            if surname.chars().count() < 3 || self.gazetteer.resolve(&surname).is_some() {
                continue;
            }
            if !self.people.iter().any(|p| p.name == name) {
                self.people.push(Introduced { name, surname, code, introduced: intro });
            }
        }
    }
}

/// A person's name of two to four capitalised words starting at word `k` (particles allowed
/// inside), not overlapping a gazetteer mention: (name, number of words).
fn name_at(sentence: &str, words: &[(usize, usize)], k: usize, mentions: &[Mention], char_to_byte: &[usize]) -> Option<(String, usize)> {
    let in_mention = |(a, b): (usize, usize)| mentions.iter().any(|m| char_to_byte[m.start] < b && a < char_to_byte[m.end.min(char_to_byte.len() - 1)]);
    let mut n = 0;
    while k + n < words.len() && n < 4 {
        let w = &sentence[words[k + n].0..words[k + n].1];
        let particle = n > 0 && NAME_PARTICLES.contains(&w);
        if !(is_name_word(w) || particle) || in_mention(words[k + n]) {
            break;
        }
        // Names run over spaces only: "Hajiyev, the" stops at the comma.
        if n > 0 && sentence[words[k + n - 1].1..words[k + n].0].trim() != "" {
            break;
        }
        n += 1;
    }
    while n > 0 && NAME_PARTICLES.contains(&&sentence[words[k + n - 1].0..words[k + n - 1].1]) {
        n -= 1;
    }
    if n < 2 {
        return None;
    }
    let name = sentence[words[k].0..words[k + n - 1].1].trim_end_matches("’s").trim_end_matches("'s").to_string();
    Some((name, n))
}

/// Finds the char span of a user-given actor in `text`: the string itself as it appears
/// (case-insensitive), or else the first mention of the country it names (`IRN`, `Iran`), or,
/// for a code the gazetteer does not find as a mention ("the OIC said"), the code written in
/// the text in capitals.
pub fn locate(gazetteer: &Gazetteer, text: &str, actor: &str, date: NaiveDate) -> Option<(usize, usize)> {
    let actor = actor.trim();
    if actor.is_empty() {
        return None;
    }
    let code = gazetteer.resolve(actor);
    // A code ("UKR", "IND") names the country, not a string to look for: as a substring it
    // would hit "Ukraine" or "find". Codes go through the gazetteer; other strings are first
    // looked for as written, as a whole word.
    let is_code = actor.len() <= 4 && actor.chars().all(|c| c.is_ascii_uppercase()) && code.as_deref() == Some(actor);
    if !is_code {
        if let Some(span) = whole_word(text, actor, false) {
            return Some(span);
        }
    }
    let code = code?;
    let mention = gazetteer.find(text, date).into_iter().find(|m| m.code == code).map(|m| (m.start, m.end));
    // Case-sensitive here, so that the code "CAN" never matches the word "can".
    mention.or_else(|| if is_code { whole_word(text, actor, true) } else { None })
}

/// The char span of the first occurrence of `word` in `text` (case-insensitive unless
/// `exact_case`) that is not part of a longer word.
fn whole_word(text: &str, word: &str, exact_case: bool) -> Option<(usize, usize)> {
    use std::borrow::Cow;
    let (hay, needle): (Cow<str>, Cow<str>) = if exact_case { (text.into(), word.into()) } else { (text.to_lowercase().into(), word.to_lowercase().into()) };
    // Lower-casing can change byte lengths; only trust a literal hit when it does not.
    if hay.len() != text.len() {
        return None;
    }
    for (b, _) in hay.match_indices(needle.as_ref()) {
        let before = text[..b].chars().next_back();
        let after = text[b + needle.len()..].chars().next();
        if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric) {
            continue;
        }
        let start = text[..b].chars().count();
        return Some((start, start + word.chars().count()));
    }
    None
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

    /// CountryInfo's typos and title-cased acronyms, corrected by the curated table.
    #[test]
    fn acronyms_and_corrected_capitals() {
        for (t, want) in [
            ("USA warned Iran.", ["USA", "IRN"]),
            ("The PRC warned the ROK.", ["CHN", "KOR"]),
            ("Burma thanked Japan.", ["MMR", "JPN"]),
            ("Yangon thanked Japan.", ["MMR", "JPN"]),
            ("Conakry thanked Japan.", ["GIN", "JPN"]),
            ("Guatemala City thanked Japan.", ["GTM", "JPN"]),
            ("Jerusalem thanked Japan.", ["ISR", "JPN"]),
        ] {
            assert_eq!(codes(t, "2020-01-01"), want, "{t}");
        }
        assert!(codes("Usa thanked Japan.", "2020-01-01") == ["JPN"], "no title-cased acronym");
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
    fn article_memory_and_places() {
        let g = Gazetteer::builtin();
        let mut a = ArticleActors::new(g, d("2025-02-04"));
        a.find("Hikmat Hajiyev, the Assistant to the Azerbaijani President, arrived.");
        a.find("Ukrainian Defence Minister Rustem Umerov spoke.");
        let later: Vec<(String, String)> = a.find("Hajiyev met Umerov.").into_iter().map(|m| (m.text, m.code)).collect();
        assert_eq!(later, [("Hajiyev".into(), "AZE".into()), ("Umerov".into(), "UKR".into())]);
        // Headline case teaches nothing: "Agenda May" is not a person.
        let mut h = ArticleActors::new(g, d("2025-02-04"));
        h.find("Iranian Agenda May Die Without Deal");
        assert!(h.people.is_empty(), "{:?}", h.people);
        // Places: capitals after a locative or a visit; kept when they act or own.
        let (found, rejected) = g.find_explained("Talks in Tehran ended; Tehran said so, and officials in Baku agreed to visit Moscow.", d("2025-02-04"));
        let kept: Vec<&str> = found.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(kept, ["Tehran", "Baku"]);
        assert_eq!(rejected.iter().map(|r| r.text.as_str()).collect::<Vec<_>>(), ["Tehran", "Moscow"]);
        assert!(g.find_explained("Refugees in Hungary waited.", d("2025-02-04")).1[0].reason.contains("people located"));
        // International organisations are actors, not countries.
        let un = &g.find("The UN Security Council met.", d("2025-02-04"))[0];
        assert_eq!((un.code.as_str(), un.kind.as_str()), ("UNO", "igo"));
    }

    #[test]
    fn locate_actor_strings() {
        let g = Gazetteer::builtin();
        let t = "Tehran perceives Israel’s ties with Azerbaijan as a threat.";
        assert_eq!(locate(g, t, "Israel", d("2025-02-04")), Some((17, 23)));
        assert_eq!(locate(g, t, "IRN", d("2025-02-04")), Some((0, 6)));
        assert_eq!(locate(g, t, "France", d("2025-02-04")), None);
        // A code is a country, never a substring: "IND" is not "find", "UKR" not "Ukr…",
        // "CAN" not "can".
        let day = d("2025-02-04");
        assert_eq!(locate(g, "China will find ways to punish India.", "IND", day), Some((31, 36)));
        assert_eq!(locate(g, "Russia launched missile strikes on Ukraine.", "UKR", day), Some((35, 42)));
        assert_eq!(locate(g, "Nobody can say what Canada wants.", "CAN", day), Some((20, 26)));
        // Strings as written must be whole words.
        assert_eq!(locate(g, "The Indiana delegation met India.", "india", day), Some((27, 32)));
        // A code the gazetteer knows but does not find as a mention is taken as written, in
        // capitals only.
        assert_eq!(locate(g, "In Jeddah, the OIC condemned Israel.", "OIC", day), Some((15, 18)));
        assert_eq!(locate(g, "The oic condemned Israel.", "OIC", day), None);
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
