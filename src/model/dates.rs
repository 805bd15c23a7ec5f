//! Dates as users type them in tables and TOML files. The domain layer parses them so the
//! assumptions and case files and the table reader accept the same forms.

use chrono::NaiveDate;

const DATE_FORMS: &str = "a date such as 2023-04-20, 2023/4/20, 2023年4月20日 or 20230420";

/// Year, month and day of `YYYY-MM-DD`, if `s` is written so (digits only around the dashes).
fn iso_parts(s: &str) -> Option<(u32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    Some((num(0..4)?, num(5..7)?, num(8..10)?))
}

/// A date in any of the forms Chinese spreadsheets use, optionally followed by a time of day
/// (`2023-04-20 00:00:00`), which is ignored.
pub fn parse_date(cell: &str) -> Result<NaiveDate, String> {
    let bad = || format!("is not a valid date (expected {DATE_FORMS})");
    let s = cell.trim();
    match iso_parts(s) {
        // The usual form, read without splitting: the general rules give the same date.
        Some((y, m, d)) if (1900..=2200).contains(&y) => {
            NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(bad)
        }
        _ => parse_date_forms(s),
    }
}

/// [`parse_date`] of a trimmed cell by the general rules.
fn parse_date_forms(s: &str) -> Result<NaiveDate, String> {
    let bad = || format!("is not a valid date (expected {DATE_FORMS})");
    if s.len() == 5
        && s.bytes().all(|b| b.is_ascii_digit())
        && (10_000..=80_000).contains(&s.parse::<u32>().unwrap_or(0))
    {
        return Err(format!(
            "is a spreadsheet's date serial number, not a date: format the cell as a date (or type {DATE_FORMS})"
        ));
    }
    let date_part = match s.find([' ', 'T']) {
        Some(i) => {
            let time = s[i + 1..].trim();
            let time_ok = !time.is_empty()
                && time
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b':' || b == b'.')
                && time.contains(':');
            if !time_ok {
                return Err(bad());
            }
            &s[..i]
        }
        None => s,
    };
    let (y, m, d) = if date_part.len() == 8 && date_part.bytes().all(|b| b.is_ascii_digit()) {
        (&date_part[0..4], &date_part[4..6], &date_part[6..8])
    } else {
        let trimmed = date_part.strip_suffix('日').unwrap_or(date_part);
        let parts: Vec<&str> = trimmed.split(['-', '/', '.', '年', '月']).collect();
        let uniform_sep = {
            let seps: Vec<char> = trimmed
                .chars()
                .filter(|c| matches!(c, '-' | '/' | '.' | '年' | '月'))
                .collect();
            seps.len() == 2 && (seps[0] == seps[1] || (seps[0] == '年' && seps[1] == '月'))
        };
        if parts.len() != 3
            || !uniform_sep
            || (date_part.ends_with('日') && !trimmed.contains('月'))
        {
            return Err(bad());
        }
        (parts[0], parts[1], parts[2])
    };
    let num = |t: &str, max_len: usize| -> Option<u32> {
        (!t.is_empty() && t.len() <= max_len && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(y, 4), num(m, 2), num(d, 2)) else {
        return Err(bad());
    };
    if !(1900..=2200).contains(&y) {
        return Err(bad());
    }
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_iso_fast_path_reads_as_the_general_rules() {
        for s in [
            "2019-03-14",
            "2020-02-29",
            "2019-02-29",
            "1900-01-01",
            "1899-12-31",
            "2200-12-31",
            "2201-01-01",
            "2019-13-01",
            "2019-00-10",
            "2019-04-31",
            "0000-01-01",
            "2019-1a-01",
            "2019-+1-01",
            "201９-01-01",
        ] {
            assert_eq!(parse_date(s), parse_date_forms(s), "{s}");
        }
        assert_eq!(
            parse_date(" 2019-03-14 "),
            Ok(NaiveDate::from_ymd_opt(2019, 3, 14).unwrap())
        );
    }
}
