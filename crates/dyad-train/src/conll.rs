//! Sentences annotated with source and target spans (CoNLL, one token per line with BIO tags:
//! `S` source, `T` target, `R` both), e.g. `../shared/data/actors/conflibert_source_target_train.conll`.
//! Read here once, for training ([`crate::corpus`]) and for actor-pair evaluation ([`crate::eval::pairs`]).
use anyhow::{bail, Context, Result};
use std::path::Path;

/// The annotated news is from 2017–2018 (Tillerson, Trump): leaders resolve as on this date.
pub const CONLL_DATE: (i32, u32, u32) = (2018, 1, 1);

#[derive(Debug, Clone, PartialEq)]
pub struct SpanSentence {
    pub text: String,
    /// (role S|T|R, char start, char end) of each annotated span.
    pub spans: Vec<(char, usize, usize)>,
    /// `sha256(text)[..16]`, as the other dev splits.
    pub key: String,
    /// Line of the sentence's first token in the file.
    pub line: usize,
}

/// Tokens that attach to the previous token when the text is rebuilt.
const NO_SPACE_BEFORE: &[&str] = &[",", ".", "'s", "’s", "'", ")", ":", ";", "?", "!", "n't", "%", "'re", "'ve", "'ll", "'d"];

pub fn load_conll(path: &Path) -> Result<Vec<SpanSentence>> {
    let body = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    let mut tokens: Vec<(String, String, usize)> = Vec::new();
    let flush = |tokens: &mut Vec<(String, String, usize)>, out: &mut Vec<SpanSentence>| -> Result<()> {
        if tokens.is_empty() {
            return Ok(());
        }
        let mut text = String::new();
        let mut spans: Vec<(char, usize, usize)> = Vec::new();
        let mut open: Option<(char, usize, usize)> = None;
        for (tok, tag, line) in tokens.iter() {
            if !text.is_empty() && !NO_SPACE_BEFORE.contains(&tok.as_str()) && !text.ends_with(['(', '$']) {
                text.push(' ');
            }
            let start = text.chars().count();
            text.push_str(tok);
            let end = text.chars().count();
            let (bio, role) = match tag.split_once('-') {
                Some((b, r)) => (b, r.chars().next().unwrap_or('O')),
                None if tag == "O" => ("O", 'O'),
                None => bail!("{}:{line}: tag {tag:?} is not O, B-X or I-X", path.display()),
            };
            match bio {
                "B" => {
                    spans.extend(open.take());
                    open = Some((role, start, end));
                }
                "I" => match open.as_mut() {
                    Some(o) if o.0 == role => o.2 = end,
                    // An I- without a B- of its role starts a span (closing any other).
                    _ => {
                        spans.extend(open.take());
                        open = Some((role, start, end));
                    }
                },
                _ => spans.extend(open.take()),
            }
        }
        spans.extend(open.take());
        let key = crate::keys::sentence_key(&text);
        out.push(SpanSentence { text, spans, key, line: tokens[0].2 });
        tokens.clear();
        Ok(())
    };
    for (i, raw) in body.lines().enumerate() {
        let l = raw.trim_end();
        if l.trim().is_empty() {
            flush(&mut tokens, &mut out)?;
            continue;
        }
        let Some((tok, tag)) = l.rsplit_once(' ') else {
            bail!("{}:{}: expected `TOKEN TAG`", path.display(), i + 1);
        };
        tokens.push((tok.to_string(), tag.to_string(), i + 1));
    }
    flush(&mut tokens, &mut out)?;
    Ok(out)
}

/// The fixed dev part: one sentence in five, by the first hex digit of its key.
pub fn is_dev(s: &SpanSentence) -> bool {
    u8::from_str_radix(&s.key[..2], 16).map(|b| b % 5 == 0).unwrap_or(false)
}

