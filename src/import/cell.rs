//! Parsing of single cells as they come out of real spreadsheets: full-width characters,
//! thousands separators, amounts with 元/万元/亿元, percentages and Chinese dates.
//!
//! Every parser returns the reason in words on failure ("is not a number"); the reader puts the
//! cell as written in front and adds file, row and column.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};

/// Full-width ASCII (U+FF01–U+FF5E) to ASCII, the ideographic space and NBSP to a space, `￥` to `¥`,
/// then trims white space. Borrows when nothing changes.
pub fn normalize(raw: &str) -> Cow<'_, str> {
    if !has_wide_form(raw) {
        return Cow::Borrowed(trim(raw));
    }
    let mapped: String = raw
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' => ' ',
            '\u{FFE5}' => '¥',
            _ => c,
        })
        .collect();
    Cow::Owned(mapped.trim().to_string())
}

/// `str::trim`, without decoding the ends of a cell that plainly starts and ends with no white
/// space: a visible ASCII character, or a character from U+4000 to U+FFFF (lead byte 0xE4 to
/// 0xEF; Unicode has no white space there), which is where Chinese text begins and ends.
pub fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let starts_plain = b
        .first()
        .is_some_and(|&c| c.is_ascii_graphic() || (0xE4..=0xEF).contains(&c));
    let ends_plain = match b {
        [.., c] if c.is_ascii_graphic() => true,
        [.., lead, c1, c2] => {
            (0xE4..=0xEF).contains(lead) && (0x80..0xC0).contains(c1) && (0x80..0xC0).contains(c2)
        }
        _ => false,
    };
    if starts_plain && ends_plain {
        s
    } else {
        s.trim()
    }
}

/// Whether `raw` holds a character [`normalize`] maps: a full-width ASCII form (U+FF01–U+FF5E),
/// an ideographic or no-break space, or a full-width yen sign. Looked for by their UTF-8 lead
/// bytes (0xEF, 0xE3, 0xC2 never continue a character), so Chinese text is not decoded.
fn has_wide_form(raw: &str) -> bool {
    let b = raw.as_bytes();
    memchr::memchr3_iter(0xEF, 0xE3, 0xC2, b).any(|i| {
        let next = (b.get(i + 1).copied(), b.get(i + 2).copied());
        match b[i] {
            0xEF => matches!(
                next,
                (Some(0xBC), Some(0x81..=0xBF))
                    | (Some(0xBD), Some(0x80..=0x9E))
                    | (Some(0xBF), Some(0xA5))
            ),
            0xE3 => next == (Some(0x80), Some(0x80)),
            _ => next.0 == Some(0xA0),
        }
    })
}

/// A plain decimal number: optional sign, digits with optional `,` thousands grouping, optional
/// fraction and exponent. Returns the text with grouping removed.
fn clean_decimal(s: &str) -> Option<Cow<'_, str>> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body.is_empty() {
        return None;
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    if let Some(exp) = exponent {
        let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let (int_part, frac) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], Some(&mantissa[i + 1..])),
        None => (mantissa, None),
    };
    if let Some(f) = frac
        && !f.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    if int_part.is_empty() && frac.is_none_or(str::is_empty) {
        return None;
    }
    if int_part.contains(',') {
        // Thousands grouping must be exact: 1,234,567 — never 1,2 (a decimal comma) or 12,34.
        let mut groups = int_part.split(',');
        let first = groups.next().unwrap_or("");
        if first.is_empty() || first.len() > 3 || !first.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if !groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        return Some(Cow::Owned(s.replace(',', "")));
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(Cow::Borrowed(s))
}

/// Parses a decimal number scaled by `10^shift`, correctly rounded (`12.5` with shift 4 → 125000).
fn parse_scaled(s: &str, shift: i32) -> Option<f64> {
    let clean = clean_decimal(s)?;
    let v: f64 = if shift == 0 {
        clean.parse().ok()?
    } else if clean.contains(['e', 'E']) {
        clean.parse::<f64>().ok()? * 10f64.powi(shift)
    } else {
        format!("{clean}e{shift}").parse().ok()?
    };
    v.is_finite().then_some(v)
}

/// A plain number (`1,234.5`, `１２`, `-3`).
pub fn parse_number(cell: &str) -> Result<f64, String> {
    parse_scaled(cell, 0).ok_or_else(|| String::from("is not a number"))
}

/// A whole number; `12.0` is accepted, `12.5` is not.
pub fn parse_integer(cell: &str) -> Result<i64, String> {
    let v = parse_scaled(cell, 0).ok_or_else(|| String::from("is not a whole number"))?;
    if v.fract() != 0.0 || v.abs() > 9.0e15 {
        return Err(String::from("is not a whole number"));
    }
    Ok(v as i64)
}

/// Power of ten of a money unit word, or `None` if the word is not a unit.
pub fn money_unit_shift(unit: &str) -> Option<i32> {
    Some(match unit.trim() {
        "" | "元" | "yuan" | "CNY" | "RMB" | "¥" | "cny" | "rmb" | "人民币元" => 0,
        "千元" | "千" => 3,
        "万元" | "万" | "人民币万元" => 4,
        "百万元" | "百万" => 6,
        "千万元" | "千万" => 7,
        "亿元" | "亿" | "人民币亿元" => 8,
        _ => return None,
    })
}

/// An amount of money in yuan. The cell may carry its own unit (`12.5万元`, `3亿`, `¥1,200`,
/// `RMB 500`); otherwise `default_shift` (from the column header's unit) applies.
pub fn parse_money(cell: &str, default_shift: i32) -> Result<f64, String> {
    let bad = || {
        String::from(
            "is not an amount of money (write e.g. 125000, 125,000.00, 12.5万元 or 0.3亿元)",
        )
    };
    let mut s = cell.trim();
    for prefix in ["¥", "RMB", "CNY", "人民币"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.trim_start();
            break;
        }
    }
    // Split a trailing unit made of non-numeric characters.
    let split = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .last()
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let shift = if unit.trim().is_empty() {
        default_shift
    } else {
        money_unit_shift(unit).ok_or_else(bad)?
    };
    parse_scaled(number.trim(), shift).ok_or_else(bad)
}

/// A rate as a fraction: `12%` → 0.12, `0.12` → 0.12. When the header says the column is in
/// percent, a bare `12` means 12 %.
pub fn parse_rate(cell: &str, header_is_percent: bool) -> Result<f64, String> {
    let s = cell.trim();
    let (number, shift) = match s.strip_suffix('%') {
        Some(n) => (n.trim(), -2),
        None if header_is_percent => (s, -2),
        None => (s, 0),
    };
    parse_scaled(number, shift)
        .ok_or_else(|| String::from("is not a rate (write e.g. 12% or 0.12)"))
}

/// A duration in years: `8`, `8.5`, `8年`.
pub fn parse_years(cell: &str) -> Result<f64, String> {
    let s = cell.trim();
    let s = s
        .strip_suffix('年')
        .or_else(|| s.strip_suffix("years"))
        .unwrap_or(s)
        .trim();
    parse_scaled(s, 0).ok_or_else(|| String::from("is not a number of years"))
}

/// A calendar year: `2026`, `2026年`, `2026E`, `2026F` (forecast markers).
pub fn parse_year(cell: &str) -> Result<i32, String> {
    let s = cell.trim();
    let s = s.strip_suffix(['年', 'E', 'F', 'e', 'f']).unwrap_or(s);
    let ok = s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
    match s.parse::<i32>() {
        Ok(y) if ok && (1900..=2200).contains(&y) => Ok(y),
        _ => Err(String::from("is not a year (write e.g. 2026 or 2026年)")),
    }
}

/// A forecast period: a year (see [`parse_year`]) or a year with a month range for the rest of
/// the valuation year: `2026(10-12)`, `2026（10-12）`, `2026年10-12月`, `2026年10月-12月`,
/// `2026.10-12`. Returns the year and the months `(first, last)`.
pub fn parse_period(cell: &str) -> Result<(i32, Option<(u32, u32)>), String> {
    let s = cell.trim();
    let split = s
        .char_indices()
        .find(|(_, c)| matches!(c, '(' | '（' | '.' | '年'))
        .map(|(i, c)| (i, c.len_utf8()));
    let Some((i, len)) = split else {
        return Ok((parse_year(s)?, None));
    };
    let (year_part, rest) = (&s[..i], &s[i + len..]);
    let rest = rest.trim().trim_end_matches([')', '）', '月']).trim();
    if rest.is_empty() {
        return Ok((parse_year(&s[..i + len])?, None));
    }
    let bad = || {
        String::from(
            "is not a forecast period (write a year such as 2026, or the rest of the valuation year as 2026(10-12))",
        )
    };
    let year = parse_year(year_part).map_err(|_| bad())?;
    let (a, b) = rest.split_once(['-', '–', '~', '至']).ok_or_else(bad)?;
    let month = |t: &str| -> Option<u32> {
        t.trim()
            .trim_end_matches('月')
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=12).contains(m))
    };
    match (month(a), month(b)) {
        (Some(a), Some(b)) if a <= b => Ok((year, Some((a, b)))),
        _ => Err(bad()),
    }
}

pub use crate::model::dates::parse_date;

/// Days since 1970-01-01, the representation of polars' `Date`.
pub fn date_to_days(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - 719_163
}

/// Inverse of [`date_to_days`].
pub fn days_to_date(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days + 719_163)
}

/// Normalises a patent or application number: upper case, no inner white space.
pub fn normalize_patent_no(s: &str) -> String {
    if s.is_ascii() {
        // Byte by byte (what the general path gives for ASCII: `char::is_whitespace` of an
        // ASCII byte is these six).
        let mut out = String::with_capacity(s.len());
        for b in s.bytes() {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r') {
                out.push(char::from(b.to_ascii_uppercase()));
            }
        }
        return out;
    }
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// How to keep a patent-number column intact in a spreadsheet.
const AS_TEXT: &str = "format the column as text (Excel/WPS: 设置单元格格式 → 文本), type or paste the numbers again with their CN prefix and check digit, and save again";

/// A patent number that a spreadsheet turned into a number: written in scientific notation
/// (`2.02110E+11`, the digits are lost) or bare digits that lost their `CN` prefix and check
/// digit (`202110123456`). The message says what was read and how to re-export the column.
pub fn spreadsheet_mangled_patent_no(no: &str) -> Option<String> {
    let t = no.trim();
    // Digits and dots, then `E+` (either case) and digits; a mantissa holding another `E` is
    // not digits, so the first `E` decides.
    let sci = t.find(['e', 'E']).is_some_and(|i| {
        let (mantissa, rest) = t.split_at(i);
        rest[1..].strip_prefix('+').is_some_and(|exp| {
            !mantissa.is_empty()
                && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                && !exp.is_empty()
                && exp.bytes().all(|b| b.is_ascii_digit())
        })
    });
    if sci {
        return Some(format!(
            "is a number in scientific notation: a spreadsheet stored the patent number as a number and its digits are lost; {AS_TEXT}"
        ));
    }
    let digits = t.bytes().all(|b| b.is_ascii_digit());
    if digits && matches!(t.len(), 8 | 9 | 12 | 13) {
        return Some(format!(
            "is bare digits without the CN prefix and the check digit (CN…….N): a spreadsheet may have stored the patent number as a number; {AS_TEXT}"
        ));
    }
    None
}

/// Checks the check digit of a Chinese application number (`CN202310123456.7`, `ZL200810012345.X`,
/// `200810012345.X` or the 8-digit pre-2003 form). `None` when the text is not in that form.
pub fn cn_check_digit_ok(no: &str) -> Option<bool> {
    let s = no
        .strip_prefix("CN")
        .or_else(|| no.strip_prefix("ZL"))
        .unwrap_or(no);
    let (digits, check) = s.split_once('.')?;
    if !(digits.len() == 12 || digits.len() == 8) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let check = match check {
        "X" => 10,
        c if c.len() == 1 && c.as_bytes()[0].is_ascii_digit() => u32::from(c.as_bytes()[0] - b'0'),
        _ => return None,
    };
    const W: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let sum: u32 = digits
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(sum % 11 == check)
}

/// Computes the check digit for 12 or 8 application-number digits (for generators and tests).
pub fn cn_check_digit(digits: &str) -> char {
    const W: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let sum: u32 = digits
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b.wrapping_sub(b'0')) * w)
        .sum();
    match sum % 11 {
        10 => 'X',
        r => char::from_digit(r, 10).unwrap_or('0'),
    }
}

#[cfg(test)]
mod period_tests {
    use super::*;

    #[test]
    fn periods() {
        assert_eq!(parse_period("2027"), Ok((2027, None)));
        assert_eq!(parse_period("2027E"), Ok((2027, None)));
        assert_eq!(parse_period("2027年"), Ok((2027, None)));
        assert_eq!(parse_period("2026(10-12)"), Ok((2026, Some((10, 12)))));
        assert_eq!(parse_period("2026（10-12）"), Ok((2026, Some((10, 12)))));
        assert_eq!(parse_period("2026年10-12月"), Ok((2026, Some((10, 12)))));
        assert_eq!(parse_period("2026年10月-12月"), Ok((2026, Some((10, 12)))));
        assert_eq!(parse_period("2026.10-12"), Ok((2026, Some((10, 12)))));
        assert!(parse_period("2026(12-10)").is_err());
        assert!(parse_period("2026(10-13)").is_err());
        assert!(parse_period("20x6").is_err());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_is_str_trim() {
        let ends = [
            "", " ", "\t", "\u{3000}", "\u{a0}", "\u{2029}", "\u{85}", "a", "专", "\u{ffe5}",
            "\u{feff}", "é", "😀", "\u{4000}", "\u{3fff}",
        ];
        for a in ends {
            for mid in ["", "x", "专利 号", " "] {
                for z in ends {
                    let s = format!("{a}{mid}{z}");
                    assert_eq!(trim(&s), s.trim(), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn wide_forms_are_found_by_their_bytes_as_by_their_characters() {
        let mapped = |c: char| {
            matches!(
                c,
                '\u{FF01}'..='\u{FF5E}' | '\u{3000}' | '\u{00A0}' | '\u{FFE5}'
            )
        };
        let probes = (0x80..0x800)
            .chain(0x2FF0..0x3010)
            .chain(0xFEF0..0x10000)
            .chain(0x1F600..0x1F610)
            .filter_map(char::from_u32);
        for c in probes {
            for s in [format!("{c}"), format!("专利{c}号"), format!("a{c}")] {
                assert_eq!(has_wide_form(&s), mapped(c), "U+{:04X}", c as u32);
            }
        }
        assert!(!has_wide_form("一种基于毫米波雷达的电量估算方法"));
    }

    #[test]
    fn full_width_is_folded() {
        assert_eq!(normalize("　１２，５００．５０　"), "12,500.50");
        assert_eq!(normalize("￥１００"), "¥100");
        assert!(matches!(normalize(" abc "), Cow::Borrowed("abc")));
        assert!(matches!(normalize("专利"), Cow::Borrowed("专利")));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("1,234,567.5"), Ok(1_234_567.5));
        assert_eq!(parse_number("-3"), Ok(-3.0));
        assert_eq!(parse_number(".5"), Ok(0.5));
        assert_eq!(parse_number("1e3"), Ok(1000.0));
        for bad in [
            "", "1,2", "12,34", "1,2345", "abc", "NaN", "inf", "1.2.3", "--1", "1e", ",",
        ] {
            assert!(parse_number(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn integers() {
        assert_eq!(parse_integer("12"), Ok(12));
        assert_eq!(parse_integer("12.0"), Ok(12));
        assert!(parse_integer("12.5").is_err());
    }

    #[test]
    fn money_units_are_exact() {
        assert_eq!(parse_money("12.5万元", 0), Ok(125_000.0));
        assert_eq!(parse_money("12.5万", 0), Ok(125_000.0));
        assert_eq!(parse_money("0.3亿元", 0), Ok(30_000_000.0));
        assert_eq!(parse_money("1,200元", 0), Ok(1200.0));
        assert_eq!(parse_money("¥1,200.50", 0), Ok(1200.5));
        assert_eq!(parse_money("RMB 500", 0), Ok(500.0));
        assert_eq!(parse_money("0.1", 4), Ok(1000.0));
        assert_eq!(parse_money("35", 4), Ok(350_000.0));
        assert_eq!(
            parse_money("35元", 4),
            Ok(35.0),
            "a cell's own unit wins over the header's"
        );
        assert_eq!(parse_money("1.23456万元", 0), Ok(12_345.6));
        for bad in ["12.5美元", "万元", "12.5 万 元", "abc", "1,2万"] {
            assert!(parse_money(bad, 0).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("12%", false), Ok(0.12));
        assert_eq!(parse_rate("12.5 %", false), Ok(0.125));
        assert_eq!(parse_rate("0.12", false), Ok(0.12));
        assert_eq!(parse_rate("12", true), Ok(0.12));
        assert!(parse_rate("12 pct", false).is_err());
    }

    #[test]
    fn years() {
        assert_eq!(parse_year("2026"), Ok(2026));
        assert_eq!(parse_year("2026年"), Ok(2026));
        assert_eq!(parse_year("2026E"), Ok(2026));
        assert!(parse_year("26").is_err());
        assert!(parse_year("1800").is_err());
        assert_eq!(parse_years("8年"), Ok(8.0));
        assert_eq!(parse_years("7.5"), Ok(7.5));
    }

    #[test]
    fn dates_in_every_form() {
        let d = NaiveDate::from_ymd_opt(2023, 4, 20).unwrap();
        for s in [
            "2023-04-20",
            "2023/4/20",
            "2023.4.20",
            "2023年4月20日",
            "2023年04月20日",
            "20230420",
            "2023-04-20 00:00:00",
            "2023/4/20 0:00",
        ] {
            assert_eq!(parse_date(s), Ok(d), "{s}");
        }
        for bad in [
            "2023-13-01",
            "2023-02-30",
            "2023/04-20",
            "20-04-2023",
            "2023-04",
            "45036",
            "2023年4月",
            "2023-04-20 noon",
            "4/20/2023",
            "",
        ] {
            assert!(parse_date(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn polars_day_numbers() {
        let d = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        assert_eq!(date_to_days(d), 0);
        let d = NaiveDate::from_ymd_opt(2023, 4, 20).unwrap();
        assert_eq!(days_to_date(date_to_days(d)), Some(d));
    }

    #[test]
    fn spreadsheet_mangled_patent_numbers_are_named() {
        for bad in [
            "2.02110E+11",
            "2.0211E+11",
            "2E+11",
            " 2.02110e+11 ",
            "202110123456",
            "2021101234567",
            "20081234",
        ] {
            let why = spreadsheet_mangled_patent_no(bad).unwrap_or_else(|| panic!("{bad}"));
            assert!(why.contains("format the column as text"), "{why}");
        }
        for good in [
            "CN202110123456.7",
            "ZL200810012345.X",
            "202110123456.7",
            "US1234567",
            "EP3456789",
            "1234",
        ] {
            assert_eq!(spreadsheet_mangled_patent_no(good), None, "{good}");
        }
    }

    #[test]
    fn check_digits() {
        let digits = "202310123456";
        let no = format!("CN{digits}.{}", cn_check_digit(digits));
        assert_eq!(cn_check_digit_ok(&no), Some(true));
        let wrong = if no.ends_with('0') {
            format!("CN{digits}.1")
        } else {
            format!("CN{digits}.0")
        };
        assert_eq!(cn_check_digit_ok(&wrong), Some(false));
        assert_eq!(cn_check_digit_ok("US1234567"), None);
        assert_eq!(
            normalize_patent_no(" cn 2023 1012 3456.7 "),
            "CN202310123456.7"
        );
    }

    proptest::proptest! {
        /// The byte paths give what the general ones give (char by char; upper-cased copy).
        #[test]
        fn patent_number_fast_paths_match_the_general_ones(
            s in "[ -~\t\n\x0B\x0C\r]{0,24}|[0-9.eE+ ]{0,16}|[cnCN0-9 .x\u{3000}é]{0,20}"
        ) {
            let general: String = s
                .chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_uppercase)
                .collect();
            proptest::prop_assert_eq!(normalize_patent_no(&s), general);
            let t = s.trim();
            let sci = t.to_ascii_uppercase().split_once("E+").is_some_and(|(m, e)| {
                !m.is_empty()
                    && m.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                    && !e.is_empty()
                    && e.bytes().all(|b| b.is_ascii_digit())
            });
            let named = spreadsheet_mangled_patent_no(&s)
                .is_some_and(|w| w.contains("scientific notation"));
            proptest::prop_assert_eq!(named, sci);
        }
    }
}
