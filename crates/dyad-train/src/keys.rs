//! Sentence keys: how every corpus reader, dev split and evaluation names a sentence.
use sha2::{Digest, Sha256};

/// The first 16 hex digits of sha256 of the trimmed sentence, as in `data/splits/*.txt`.
pub fn sentence_key(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.trim().as_bytes()))[..16].to_string()
}
