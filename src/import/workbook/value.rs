//! A worksheet cell as the text the table reader parses. Cell types are used rather than their
//! display: a date-formatted cell becomes `YYYY-MM-DD` (never a serial number), a number keeps
//! every digit it holds, a formula gives its cached value, and a formula error is no value at all.

use calamine::{Data, DataRef, ExcelDateTime};

/// Writes a cell's value into `out` (cleared first). `Err` says why the cell holds nothing that
/// can be read: a formula error, or a time span where a value is expected.
pub fn write_text(v: &DataRef<'_>, out: &mut String) -> Result<(), String> {
    out.clear();
    match v {
        DataRef::SharedString(s) => out.push_str(s),
        DataRef::String(s) | DataRef::DateTimeIso(s) => push_iso_or_text(s, out),
        DataRef::Int(i) => push_int(*i, out),
        DataRef::Float(f) => push_float(*f, out),
        DataRef::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        DataRef::DateTime(d) => push_datetime(d, out)?,
        DataRef::DurationIso(s) => {
            return Err(format!(
                "holds a time span ({s}), not a value: type the value, or format the cell as a number or a date"
            ));
        }
        DataRef::Error(e) => return Err(formula_error(&e.to_string())),
        DataRef::Empty => {}
    }
    Ok(())
}

/// The same for an owned cell (`.xls` and `.ods` sheets are read whole).
pub fn write_text_owned(v: &Data, out: &mut String) -> Result<(), String> {
    match v {
        Data::String(s) => write_text(&DataRef::SharedString(s), out),
        Data::DateTimeIso(s) => write_text(&DataRef::DateTimeIso(s.clone()), out),
        Data::DurationIso(s) => write_text(&DataRef::DurationIso(s.clone()), out),
        Data::Int(i) => write_text(&DataRef::Int(*i), out),
        Data::Float(f) => write_text(&DataRef::Float(*f), out),
        Data::Bool(b) => write_text(&DataRef::Bool(*b), out),
        Data::DateTime(d) => write_text(&DataRef::DateTime(*d), out),
        Data::Error(e) => write_text(&DataRef::Error(e.clone()), out),
        Data::Empty => {
            out.clear();
            Ok(())
        }
    }
}

/// The message for a cell that shows a formula error.
pub fn formula_error(shown: &str) -> String {
    format!(
        "the cell shows the formula error {shown}: correct the formula, or type the value in place of it"
    )
}

fn push_int(i: i64, out: &mut String) {
    use std::fmt::Write;
    let _ = write!(out, "{i}");
}

/// Whole numbers without a decimal point (a year, a count, an amount in 元); others with the
/// shortest digits that give back the same number, never in exponent form.
fn push_float(f: f64, out: &mut String) {
    use std::fmt::Write;
    if f.fract() == 0.0 && f.abs() < 1e15 {
        let _ = write!(out, "{}", f as i64);
    } else {
        let _ = write!(out, "{f}");
    }
}

fn push_datetime(d: &ExcelDateTime, out: &mut String) -> Result<(), String> {
    use std::fmt::Write;
    if d.is_duration() {
        return Err(format!(
            "holds a time span ({}), not a value: type the value, or format the cell as a number or a date",
            d.as_f64()
        ));
    }
    let Some(dt) = d.as_datetime() else {
        return Err(format!(
            "holds the date serial {} that is no calendar date",
            d.as_f64()
        ));
    };
    use chrono::{Datelike, Timelike};
    let (d, t) = (dt.date(), dt.time());
    let _ = write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
    if t != chrono::NaiveTime::MIN {
        let _ = write!(out, " {:02}:{:02}:{:02}", t.hour(), t.minute(), t.second());
    }
    Ok(())
}

/// An ISO date-time at midnight (`2021-03-04T00:00:00`, as LibreOffice stores dates) is a date.
fn push_iso_or_text(s: &str, out: &mut String) {
    match s.strip_suffix("T00:00:00") {
        Some(date) if date.len() == 10 && date.as_bytes()[4] == b'-' => out.push_str(date),
        _ => out.push_str(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTimeType};

    fn text(v: DataRef<'_>) -> Result<String, String> {
        let mut s = String::new();
        write_text(&v, &mut s).map(|()| s)
    }

    #[test]
    fn numbers_keep_their_digits() {
        assert_eq!(text(DataRef::Float(125000.0)).unwrap(), "125000");
        assert_eq!(text(DataRef::Float(12.5)).unwrap(), "12.5");
        assert_eq!(text(DataRef::Float(0.08)).unwrap(), "0.08");
        assert_eq!(
            text(DataRef::Float(202110000001.0)).unwrap(),
            "202110000001"
        );
        assert_eq!(
            text(DataRef::Float(0.1 + 0.2)).unwrap(),
            "0.30000000000000004"
        );
        assert_eq!(text(DataRef::Int(2025)).unwrap(), "2025");
    }

    #[test]
    fn dates_are_dates_not_serials() {
        // 44256 is 2021-03-01 in the 1900 date system.
        let d = ExcelDateTime::new(44256.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(text(DataRef::DateTime(d)).unwrap(), "2021-03-01");
        let d = ExcelDateTime::new(44256.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(text(DataRef::DateTime(d)).unwrap(), "2021-03-01 12:00:00");
        assert_eq!(
            text(DataRef::DateTimeIso("2021-03-04T00:00:00".into())).unwrap(),
            "2021-03-04"
        );
    }

    #[test]
    fn formula_errors_are_no_value() {
        let e = text(DataRef::Error(CellErrorType::Ref)).unwrap_err();
        assert!(e.contains("#REF!"), "{e}");
        let e = text(DataRef::Error(CellErrorType::Div0)).unwrap_err();
        assert!(e.contains("#DIV/0!"), "{e}");
    }
}
