//! Turns file bytes into UTF-8 text: BOM first, then strict UTF-8, then GB18030 (a superset of GBK
//! and GB2312, the encodings of Chinese Excel exports).

use std::borrow::Cow;

use encoding_rs::{DecoderResult, GB18030, UTF_16BE, UTF_16LE};

/// Which encoding a file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
    /// A worksheet: its cells are typed values, not encoded text.
    Workbook,
}

impl SourceEncoding {
    pub fn label(self) -> &'static str {
        match self {
            SourceEncoding::Utf8 => "UTF-8",
            SourceEncoding::Utf8Bom => "UTF-8 with BOM",
            SourceEncoding::Utf16Le => "UTF-16LE",
            SourceEncoding::Utf16Be => "UTF-16BE",
            SourceEncoding::Gb18030 => "GBK/GB18030",
            SourceEncoding::Workbook => "workbook sheet",
        }
    }
}

/// The bytes are in no supported encoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the file is neither UTF-8 nor GBK/GB18030: byte 0x{byte:02X} (byte offset {offset}) cannot be decoded"
)]
pub struct EncodingError {
    /// Byte offset of the first undecodable byte.
    pub offset: usize,
    /// 1-based line of that byte.
    pub line: usize,
    pub byte: u8,
}

/// Decodes `bytes`, borrowing them when they are already UTF-8.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, EncodingError> {
    decode_detect(bytes).map(|(text, _)| text)
}

/// Decodes `bytes` and says which encoding they were in.
pub fn decode_detect(bytes: &[u8]) -> Result<(Cow<'_, str>, SourceEncoding), EncodingError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match simdutf8::compat::from_utf8(rest) {
            Ok(s) => Ok((Cow::Borrowed(s), SourceEncoding::Utf8Bom)),
            Err(e) => Err(error_at(bytes, 3 + e.valid_up_to())),
        };
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (enc, label) = if bytes[0] == 0xFF {
            (UTF_16LE, SourceEncoding::Utf16Le)
        } else {
            (UTF_16BE, SourceEncoding::Utf16Be)
        };
        return match enc.decode_without_bom_handling_and_without_replacement(&bytes[2..]) {
            Some(s) => Ok((Cow::Owned(s.into_owned()), label)),
            None => Err(error_at(bytes, 2)),
        };
    }
    // simdutf8 validates as std does (same errors, same offsets), several times faster on
    // Chinese text.
    match simdutf8::compat::from_utf8(bytes) {
        Ok(s) => Ok((Cow::Borrowed(s), SourceEncoding::Utf8)),
        Err(utf8) => decode_gb18030(bytes)
            .map(|s| (Cow::Owned(s), SourceEncoding::Gb18030))
            .map_err(|gb| {
                // A file whose text before the bad byte has UTF-8 multi-byte characters is UTF-8 with
                // a damaged byte: point at that byte, not at where GB18030 gave up.
                if bytes[..utf8.valid_up_to()].iter().any(|b| !b.is_ascii()) {
                    error_at(bytes, utf8.valid_up_to())
                } else {
                    gb
                }
            }),
    }
}

fn decode_gb18030(bytes: &[u8]) -> Result<String, EncodingError> {
    let mut decoder = GB18030.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len() * 2);
    let mut out = String::with_capacity(cap);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        DecoderResult::InputEmpty => Ok(out),
        DecoderResult::Malformed(bad_len, consumed_after) => {
            let offset = read - consumed_after as usize - bad_len as usize;
            Err(error_at(bytes, offset))
        }
        // Capacity was sized for the worst case, so this cannot happen; report it as undecodable.
        DecoderResult::OutputFull => Err(error_at(bytes, read)),
    }
}

fn error_at(bytes: &[u8], offset: usize) -> EncodingError {
    let offset = offset.min(bytes.len().saturating_sub(1));
    let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
    EncodingError {
        offset,
        line,
        byte: bytes.get(offset).copied().unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_borrowed() {
        let (t, e) = decode_detect("专利号\n".as_bytes()).unwrap();
        assert!(matches!(t, Cow::Borrowed(_)));
        assert_eq!((t.as_ref(), e), ("专利号\n", SourceEncoding::Utf8));
    }

    #[test]
    fn bom_is_stripped() {
        let (t, e) = decode_detect(b"\xEF\xBB\xBFa,b").unwrap();
        assert_eq!((t.as_ref(), e), ("a,b", SourceEncoding::Utf8Bom));
    }

    #[test]
    fn gbk_is_transcoded() {
        let (gbk, _, _) = GB18030.encode("专利号,申请日\n发明,2023年4月20日\n");
        let (t, e) = decode_detect(&gbk).unwrap();
        assert_eq!(e, SourceEncoding::Gb18030);
        assert_eq!(t, "专利号,申请日\n发明,2023年4月20日\n");
    }

    #[test]
    fn utf16_with_bom_is_transcoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "专利号\tx".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let (t, e) = decode_detect(&bytes).unwrap();
        assert_eq!((t.as_ref(), e), ("专利号\tx", SourceEncoding::Utf16Le));
    }

    #[test]
    fn damaged_utf8_points_at_the_damage() {
        let bytes = ["专利号\n甲\nCN".as_bytes(), b"\xFF\n"].concat();
        let e = decode(&bytes).unwrap_err();
        assert_eq!((e.line, e.offset, e.byte), (3, 16, 0xFF));
    }

    #[test]
    fn garbage_names_line_and_offset() {
        let e = decode(b"a,b\nc,\x81\xFF\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(e.offset, 6);
    }
}
