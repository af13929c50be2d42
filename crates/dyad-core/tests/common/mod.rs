//! Helpers shared by dyad-core's integration tests.

/// Greedy hard wrap of one paragraph at `width` columns, breaking only at single spaces (what
/// wire services, mailing lists and OCR do to their text).
pub fn hard_wrap(paragraph: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for w in paragraph.split(' ') {
        let len = w.chars().count();
        if line > 0 && line + 1 + len > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(w);
        line += len;
    }
    out
}
