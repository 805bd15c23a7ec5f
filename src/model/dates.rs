//! Dates as users type them in tables and TOML files. The domain layer parses them so the
//! assumptions and case files and the table reader accept the same forms.

use chrono::NaiveDate;

const DATE_FORMS: &str = "a date such as 2023-04-20, 2023/4/20, 2023年4月20日 or 20230420";

/// A date in any of the forms Chinese spreadsheets use, optionally followed by a time of day
/// (`2023-04-20 00:00:00`), which is ignored.
pub fn parse_date(cell: &str) -> Result<NaiveDate, String> {
    let bad = || format!("is not a valid date (expected {DATE_FORMS})");
    let s = cell.trim();
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
