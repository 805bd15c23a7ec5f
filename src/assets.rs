//! Bundled assets shared by the GUI and the report exporter.

/// Noto Sans SC subset (SIL Open Font License): GB2312 hanzi, CJK punctuation, full-width forms
/// and every character in patval's sources and sample data (see assets/README.md).
pub const CJK_FONT: &[u8] = include_bytes!("../assets/NotoSansSC-subset.otf");
