//! Text measured with the embedded font, wrapped to a width, and turned into positioned glyphs
//! for the PDF (each character's glyph and advance from the font's own tables: the same
//! figures the layout measured, and no shaping engine per line).

use ab_glyph::{Font as _, FontRef};
use krilla::text::{GlyphId, KrillaGlyph};

use crate::report::ReportError;

/// Text measurement with the embedded font.
pub(super) struct Metrics {
    font: FontRef<'static>,
    per_em: f32,
}

impl Metrics {
    pub(super) fn new() -> Result<Self, ReportError> {
        let font = FontRef::try_from_slice(crate::assets::CJK_FONT)
            .map_err(|e| ReportError::Pdf(format!("the bundled font does not parse: {e}")))?;
        let per_em = font.units_per_em().unwrap_or(1000.0);
        Ok(Metrics { font, per_em })
    }

    /// Whether the font has a glyph for `c`.
    pub(super) fn has_glyph(&self, c: char) -> bool {
        self.font.glyph_id(c).0 != 0
    }

    /// The text as positioned glyphs: each character's glyph and advance (normalised to the
    /// em) from the font's tables. The report's scripts (Han, Latin, digits) need no shaping,
    /// and krilla's own path builds a shaping face for every call, which dominated the time
    /// of a long report.
    pub(super) fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(i, c)| {
                let id = self.font.glyph_id(c);
                KrillaGlyph::new(
                    GlyphId::new(u32::from(id.0)),
                    self.font.h_advance_unscaled(id) / self.per_em,
                    0.0,
                    0.0,
                    0.0,
                    i..i + c.len_utf8(),
                    None,
                )
            })
            .collect()
    }

    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        let units: f32 = text
            .chars()
            .map(|c| self.font.h_advance_unscaled(self.font.glyph_id(c)))
            .sum();
        units / self.per_em * size
    }

    /// Wraps text into lines no wider than `max`: breaks at spaces, between CJK characters, and
    /// inside a word only when the word alone is too wide. Closing punctuation never starts a
    /// line. `\n` starts a new line.
    pub(super) fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            let mut lw = 0.0f32;
            for tok in tokens(para) {
                let tw = self.width(tok, size);
                let space = tok.chars().all(char::is_whitespace);
                if lw + tw <= max || (line.is_empty() && space) || closing(tok) {
                    if !(line.is_empty() && space) {
                        line.push_str(tok);
                        lw += tw;
                    }
                    continue;
                }
                if !line.is_empty() {
                    lines.push(line.trim_end().to_string());
                    line.clear();
                    lw = 0.0;
                }
                if space {
                    continue;
                }
                if tw <= max {
                    line.push_str(tok);
                    lw = tw;
                } else {
                    // A word wider than the column (a fingerprint, a long number): split it.
                    for c in tok.chars() {
                        let cw = self.width(c.encode_utf8(&mut [0; 4]), size);
                        if lw + cw > max && !line.is_empty() {
                            lines.push(std::mem::take(&mut line));
                            lw = 0.0;
                        }
                        line.push(c);
                        lw += cw;
                    }
                }
            }
            lines.push(line.trim_end().to_string());
        }
        lines
    }
}

fn is_cjk(c: char) -> bool {
    ('\u{2E80}'..='\u{9FFF}').contains(&c)
        || ('\u{F900}'..='\u{FAFF}').contains(&c)
        || ('\u{FF00}'..='\u{FFEF}').contains(&c)
}

fn closing(tok: &str) -> bool {
    let mut cs = tok.chars();
    matches!(
        (cs.next(), cs.next()),
        (
            Some(
                '，' | '。'
                    | '；'
                    | '：'
                    | '、'
                    | '）'
                    | '》'
                    | '」'
                    | '』'
                    | '！'
                    | '？'
                    | ','
                    | '.'
                    | ';'
                    | ':'
                    | ')'
            ),
            None
        )
    )
}

/// Break units: runs of spaces, single CJK characters, and words.
pub(super) fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None::<usize>;
    let mut start_space = false;
    for (i, c) in s.char_indices() {
        let space = c.is_whitespace();
        if is_cjk(c) {
            if let Some(st) = start.take() {
                out.push(&s[st..i]);
            }
            out.push(&s[i..i + c.len_utf8()]);
            continue;
        }
        match start {
            Some(st) if start_space != space => {
                out.push(&s[st..i]);
                start = Some(i);
                start_space = space;
            }
            Some(_) => {}
            None => {
                start = Some(i);
                start_space = space;
            }
        }
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Metrics, tokens};

    #[test]
    fn tokens_split_words_spaces_and_hanzi() {
        assert_eq!(
            tokens("Page 12 专利a"),
            vec!["Page", " ", "12", " ", "专", "利", "a"]
        );
    }

    #[test]
    fn wrapping_keeps_every_character_and_fits() {
        let m = Metrics::new().unwrap();
        let text = "以产品线收入（或利润）乘以分成率，在剩余经济寿命内折现。The patent's share of its product line's revenue, discounted 0123456789abcdef0123456789abcdef0123456789abcdef";
        for max in [40.0, 80.0, 200.0] {
            let lines = m.wrap(text, 10.0, max);
            let joined: String = lines.concat().split_whitespace().collect();
            let orig: String = text.split_whitespace().collect();
            assert_eq!(joined, orig, "nothing lost at width {max}");
            for l in &lines {
                let over = m.width(l, 10.0) - max;
                // Only a closing punctuation mark may hang past the edge.
                assert!(over <= 10.0, "{l:?} is {over} pt too wide");
            }
            assert!(!lines.iter().skip(1).any(|l| l.starts_with('，')));
        }
    }
}
