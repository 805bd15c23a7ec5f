//! Bundled assets shared by the GUI and the report exporter.

/// Noto Sans SC subset (SIL Open Font License): the whole CJK Unified Ideographs block
/// (U+4E00–U+9FFF), GB2312, CJK punctuation, full-width forms and every character in patval's
/// sources and sample data (see assets/README.md).
pub const CJK_FONT: &[u8] = include_bytes!("../assets/NotoSansSC-subset.otf");

#[cfg(test)]
mod tests {
    use ab_glyph::{Font, FontRef};

    #[test]
    fn the_bundled_font_covers_names_beyond_gb2312() {
        let f = FontRef::try_from_slice(super::CJK_FONT).unwrap();
        // 堃 喆 昇 珺 are common in names and not in GB2312; the first and last of the block too.
        for c in "堃喆昇珺一龥元万亿￥，。".chars() {
            assert_ne!(f.glyph_id(c).0, 0, "{c} has no glyph");
        }
        let missing = ('\u{4E00}'..='\u{9FA5}')
            .filter(|&c| f.glyph_id(c).0 == 0)
            .count();
        assert_eq!(missing, 0, "ideographs of U+4E00–U+9FA5 without a glyph");
    }
}
