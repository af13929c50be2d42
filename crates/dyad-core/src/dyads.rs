//! Stage 4: turn the mentions of a sentence into directed candidate pairs.
//!
//! Every ordered pair of distinct actors is a candidate (A→B and B→A); the stance
//! model, which reads the marked source and target, decides which direction carries a
//! stance and which is neutral. Each pair is also marked `primary` when a rule over the
//! sentence's word order makes it the sentence's own source → target ([`anchored`]:
//! the first actor acts on the next one; coordinated or meeting actors both ways; topics
//! such as "talks about Syria" are neither). Measured against annotated source/target
//! spans in `docs/actors.md`. The first mention of each country stands for it, preferring a
//! name, demonym, capital or office-holder over a person remembered from earlier in the article.
use crate::actors::Mention;
use crate::segment::char_slice;

/// A directed (source → target) pair within one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidatePair {
    pub source: Mention,
    pub target: Mention,
    /// The sentence's own source → target by the [`anchored`] rule.
    pub primary: bool,
}

/// At most this many distinct countries per sentence are paired (lists of a dozen
/// countries would give 132 pairs of noise); the first ones named are kept.
pub const MAX_COUNTRIES_PER_SENTENCE: usize = 6;

/// Candidate pairs of a sentence's mentions (`text` is the sentence, for the primary rule).
pub fn candidate_pairs(text: &str, mentions: &[Mention]) -> Vec<CandidatePair> {
    let mut firsts: Vec<&Mention> = Vec::new();
    let remembered = |m: &Mention| matches!(m.via, crate::actors::Via::Memory { .. });
    for m in mentions {
        match firsts.iter().position(|f| f.code == m.code) {
            None => firsts.push(m),
            Some(i) if remembered(firsts[i]) && !remembered(m) => firsts[i] = m,
            Some(_) => {}
        }
    }
    // Keep sentence order after replacements.
    firsts.sort_by_key(|m| m.start);
    firsts.truncate(MAX_COUNTRIES_PER_SENTENCE);
    let mut out = Vec::new();
    for s in &firsts {
        for t in &firsts {
            if s.code != t.code {
                out.push(CandidatePair { source: (*s).clone(), target: (*t).clone(), primary: false });
            }
        }
    }
    let primary: Vec<bool> = (0..out.len()).map(|i| anchored(text, &out, i)).collect();
    for (p, is) in out.iter_mut().zip(primary) {
        p.primary = is;
    }
    out
}

/// Verbs of meeting: the annotation (as CAMEO) codes "X met Y", "X held talks with Y",
/// "X hosted Y" as reciprocal, both directions.
const MEETING: &[&str] = &["met", "meet", "meets", "meeting", "meetings", "talks", "hosted", "hosts", "host", "received", "receives", "receive"];

/// Both directions: the two actors are coordinated ("Iran and Azerbaijan", "the top U.S.
/// diplomat and Iranian Foreign Minister…") or meet ("Putin will meet Erdogan").
pub fn reciprocal(text: &str, a: &Mention, b: &Mention) -> bool {
    let between = char_slice(text, a.end.min(b.end), a.start.max(b.start));
    let between = between.trim().trim_start_matches(['\'', '’']).trim_start_matches('s').trim();
    // Headlines capitalise every word ("The United States And Britain Agree"): compare lower-cased.
    let lowered = between.to_lowercase();
    let mut words: Vec<&str> = lowered.split_whitespace().collect();
    if words.len() > 1 && words.last().is_some_and(|w| w.eq_ignore_ascii_case("the")) {
        words.pop(); // "Canada and the United Kingdom"
    }
    let coordinated = matches!(between, "," | "-" | "–" | "/")
        || (words.len() <= 3 && matches!(words.last(), Some(&"and") | Some(&"or")) && !words.iter().any(|w| w.ends_with("ed")));
    coordinated || words.iter().any(|w| MEETING.contains(&w.trim_matches(|c: char| !c.is_alphanumeric())))
}

/// Words after which an actor is a topic, not a party: "relations between his country and the
/// U.S.", "talks about Syria".
const TOPIC: &[&str] = &["between", "about", "regarding", "concerning"];

fn topical(text: &str, m: &Mention) -> bool {
    let before = char_slice(text, 0, m.start);
    let w: Vec<&str> = before.split_whitespace().rev().take(2).collect();
    let prev = w.first().map(|x| x.to_lowercase()).unwrap_or_default();
    let prev = if prev == "the" { w.get(1).map(|x| x.to_lowercase()).unwrap_or_default() } else { prev };
    TOPIC.contains(&prev.as_str())
}

/// Verbs that report speech.
const SPEECH: &[&str] = &["said", "says", "say", "stated", "claimed", "claims", "reported", "reports"];

/// The lead reports what follows: a speech verb (then "that") and nothing else but up to two
/// words between it and the next actor ("Israel said on Monday that Iran …").
fn speech_between(text: &str, lead: &Mention, next: &Mention) -> bool {
    let between = char_slice(text, lead.end, next.start).to_lowercase();
    let words: Vec<&str> = between.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.len() <= 6 && words.first().is_some_and(|w| SPEECH.contains(w)) && !words.iter().any(|w| MEETING.contains(w))
}

/// Words that open a fronted adverbial phrase.
const FRONTED: &[&str] = &["During", "After", "Following", "Before", "Despite", "Amid", "At", "In", "On", "Ahead", "Since", "While", "With", "For"];

/// Char offset where the main clause starts when the sentence opens with a fronted phrase
/// ending in a comma ("During a meeting in Tehran, …"); 0 otherwise.
fn fronted_phrase_end(text: &str) -> usize {
    let first = text.split_whitespace().next().unwrap_or("");
    if !FRONTED.contains(&first) {
        return 0;
    }
    text.find(',').map_or(0, |b| text[..b].chars().count() + 1)
}

/// The `Anchored` rule for candidate pair `pi`: the first actor named (the lead) is the
/// source, with the actors coordinated with it or meeting it; the target is the first other
/// actor after it, with those coordinated with that one; topics ("between X and Y", "about
/// X") are neither.
pub fn anchored(text: &str, pairs: &[CandidatePair], pi: usize) -> bool {
    let p = &pairs[pi];
    let mut actors: Vec<&Mention> = pairs.iter().map(|q| &q.source).collect();
    actors.sort_by_key(|m| m.start);
    actors.dedup_by_key(|m| m.code.clone());
    // A fronted phrase ("During his meeting with the Azerbaijani aide, Iran's minister said…")
    // holds no subject: its actors come after those of the main clause.
    let main_clause = fronted_phrase_end(text);
    actors.sort_by_key(|m| (m.start < main_clause, m.start));
    let recip = |a: &Mention, b: &Mention| reciprocal(text, a, b);
    // A topic actor, and whatever it is coordinated with, is neither source nor target.
    let mut topic: Vec<&Mention> = actors.iter().copied().filter(|m| topical(text, m)).collect();
    for m in &actors {
        if topic.iter().any(|t| t.start < m.start && recip(t, m)) && !topic.iter().any(|t| t.code == m.code) {
            topic.push(m);
        }
    }
    if topic.len() == actors.len() {
        topic.clear(); // "Cooperation between the Philippines and the United States": they are the parties
    }
    let is_topic = |m: &Mention| topic.iter().any(|t| t.code == m.code);
    let Some(mut lead) = actors.iter().copied().find(|m| !is_topic(m)) else { return false };
    // Reported speech: "Israel said Iran threatened Azerbaijan" reports Iran → Azerbaijan; the
    // speaker is the lead only when it speaks of a single other actor ("Iran said Azerbaijan …").
    let others: Vec<&Mention> = actors.iter().copied().filter(|m| !is_topic(m) && m.code != lead.code && m.start > lead.start).collect();
    let mut speaker: Option<&Mention> = None;
    if others.len() >= 2 && speech_between(text, lead, others[0]) {
        speaker = Some(lead);
        lead = others[0];
    }
    let is_topic = |m: &Mention| is_topic(m) || speaker.is_some_and(|sp| sp.code == m.code);
    let sources: Vec<&Mention> = actors.iter().copied().filter(|m| !is_topic(m) && (m.code == lead.code || recip(lead, m))).collect();
    // The target is the next actor after the lead (in clause order), else one before it.
    let lead_at = actors.iter().position(|m| m.code == lead.code).unwrap_or(0);
    let candidate = |m: &&Mention| !is_topic(m) && !sources.iter().any(|s| s.code == m.code);
    let after = actors[lead_at..].iter().copied().find(candidate);
    let Some(first_target) = after.or_else(|| actors.iter().copied().find(candidate)) else {
        // Only the lead's group: its members act on each other ("Iran and Azerbaijan agreed").
        return sources.len() > 1 && sources.iter().any(|s| s.code == p.source.code) && sources.iter().any(|s| s.code == p.target.code);
    };
    let targets: Vec<&Mention> = actors
        .iter()
        .copied()
        .filter(|m| !is_topic(m) && !sources.iter().any(|s| s.code == m.code) && (m.code == first_target.code || recip(first_target, m)))
        .collect();
    let meets = |a: &Mention, b: &Mention| recip(a, b);
    let is_source = sources.iter().any(|s| s.code == p.source.code);
    let is_target = targets.iter().any(|t| t.code == p.target.code);
    // Meeting and coordination run both ways.
    is_source && is_target || (targets.iter().any(|t| t.code == p.source.code) && sources.iter().any(|s| s.code == p.target.code && meets(s, &p.source)))
}



#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::Gazetteer;

    #[test]
    fn distinct_countries_give_both_directions() {
        let d = chrono::NaiveDate::from_ymd_opt(2025, 2, 4).unwrap();
        let t = "Tehran perceives Israel’s military and political ties with Azerbaijan as a potential threat to Iran.";
        let pairs = candidate_pairs(t, &Gazetteer::builtin().find(t, d));
        let got: Vec<(String, String)> = pairs.iter().map(|p| (p.source.code.clone(), p.target.code.clone())).collect();
        assert_eq!(got.len(), 6);
        assert!(got.contains(&("IRN".into(), "ISR".into())));
        assert!(got.contains(&("ISR".into(), "AZE".into())));
        assert!(got.contains(&("AZE".into(), "IRN".into())));
        // IRN's first mention ("Tehran") stands for it.
        assert_eq!(pairs[0].source.text, "Tehran");
        assert!(candidate_pairs("Iran and Iran again.", &Gazetteer::builtin().find("Iran and Iran again.", d)).is_empty());
        // Primary: Tehran (the lead) → Israel (the first actor after it).
        let primary: Vec<(String, String)> =
            pairs.iter().filter(|p| p.primary).map(|p| (p.source.code.clone(), p.target.code.clone())).collect();
        assert_eq!(primary, [("IRN".to_string(), "ISR".to_string())]);
    }

    fn primary_of(t: &str) -> Vec<String> {
        let d = chrono::NaiveDate::from_ymd_opt(2018, 1, 1).unwrap();
        let mut v: Vec<String> = candidate_pairs(t, &Gazetteer::builtin().find(t, d))
            .into_iter()
            .filter(|p| p.primary)
            .map(|p| format!("{}→{}", p.source.code, p.target.code))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn primary_pairs_follow_the_sentence() {
        assert_eq!(primary_of("Russia vetoed a Japanese-drafted resolution on Syria."), ["RUS→JPN"]);
        // Meeting and coordination run both ways.
        assert_eq!(primary_of("Putin will meet Erdogan for talks about Syria and Iraq."), ["RUS→TUR", "TUR→RUS"]);
        assert_eq!(primary_of("Canada and the United Kingdom have agreed to a trade deal."), ["CAN→GBR", "GBR→CAN"]);
        assert_eq!(primary_of("Hungarian and Romanian officials agreed on a border crossing."), ["HUN→ROU", "ROU→HUN"]);
        assert_eq!(primary_of("The United States And Britain Agree On Sanctions Against Iran"), ["GBR→IRN", "USA→IRN"]);
        // Later actors are objects of the lead's action, not sources.
        assert_eq!(primary_of("Iran urged France to pressure the United States."), ["IRN→FRA"]);
        // Topics are neither, unless they are all there is.
        assert_eq!(primary_of("Mexico's envoy spoke of strained relations between Cuba and the United States."), Vec::<String>::new());
        assert_eq!(primary_of("Cooperation between the Philippines and the United States was strengthened."), ["PHL→USA", "USA→PHL"]);
        // Reported speech: the report is Iran → Azerbaijan, not Israel → Iran.
        assert_eq!(primary_of("Israel said Iran threatened Azerbaijan."), ["IRN→AZE"]);
        assert_eq!(primary_of("Iran said Azerbaijan's proposal was dangerous."), ["IRN→AZE"]);
        // A fronted phrase holds no subject.
        assert_eq!(primary_of("During his meeting with the Azerbaijani aide, Iran's minister called for dialogue."), ["IRN→AZE"]);
    }
}
