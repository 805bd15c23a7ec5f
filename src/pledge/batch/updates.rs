//! The legal-status update file of batch monitoring (docs/bank.md §3): one row per change to a
//! pledged patent, `patent_no, change, date[, note]`, in UTF-8 or GBK, headers in English or
//! Chinese. Every problem names the file, the row and the column.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::super::PledgeError;
use crate::import::cell::normalize_patent_no;
use crate::import::encoding::decode;
use crate::model::dates::parse_date;
use crate::model::label_key;

crate::model::labelled_enum! {
    /// What happened to a pledged patent.
    Change {
        Lapsed => ("lapsed", "lapsed", "失效", ["终止", "未缴年费终止", "放弃", "届满", "expired", "abandoned"]),
        Invalidated => ("invalidated", "invalidated", "无效", ["宣告无效", "被宣告无效", "全部无效", "revoked"]),
        Transferred => ("transferred", "transferred", "转让", ["权利转移", "专利权转让", "著录项目变更", "transfer"]),
        PledgeRegistered => ("pledge_registered", "pledge registered", "质押登记", ["质押登记生效", "出质登记", "registered"]),
        PledgeReleased => ("pledge_released", "pledge released", "质押注销", ["质押解除", "注销登记", "解押", "released"]),
    }
}

/// One row of the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusUpdate {
    pub patent_no: String,
    pub change: Change,
    pub date: NaiveDate,
    pub note: String,
    /// 1-based row in the file (the header is row 1).
    pub row: usize,
}

const COLUMNS: [(&str, &[&str]); 4] = [
    (
        "patent_no",
        &["patent no", "专利号", "申请号", "专利申请号"],
    ),
    (
        "change",
        &["status", "new status", "变更", "法律状态", "新状态", "事项"],
    ),
    ("date", &["effective date", "日期", "生效日期", "变更日期"]),
    ("note", &["备注", "说明", "remark"]),
];

/// Which column of the header is each of `COLUMNS` (the note is optional).
fn header_columns(file: &str, header: &csv::StringRecord) -> Result<[Option<usize>; 4], String> {
    let mut at = [None; 4];
    for (i, h) in header.iter().enumerate() {
        let key = label_key(h.trim_start_matches('\u{feff}'));
        for (c, (name, aliases)) in COLUMNS.iter().enumerate() {
            if key == label_key(name) || aliases.iter().any(|a| key == label_key(a)) {
                at[c] = Some(i);
            }
        }
    }
    for (c, (name, aliases)) in COLUMNS.iter().enumerate().take(3) {
        if at[c].is_none() {
            return Err(format!(
                "{file}: row 1: no {name} column (header {name} or {})",
                aliases.join(" / ")
            ));
        }
    }
    Ok(at)
}

fn column_letter(i: usize) -> String {
    let mut n = i + 1;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

/// Reads the update file; all problems are reported together, each with row and column.
pub fn read_updates(path: &Path) -> Result<Vec<StatusUpdate>, PledgeError> {
    let file = path.display().to_string();
    let err = |m: String| PledgeError::Other(m);
    let bytes = std::fs::read(path).map_err(|e| err(format!("{file}: cannot read: {e}")))?;
    let text = decode(&bytes).map_err(|e| err(format!("{file}: {e}")))?;
    let delim = crate::import::sniff_delimiter(&text);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = rdr
        .headers()
        .map_err(|e| err(format!("{file}: row 1: {e}")))?
        .clone();
    let at = header_columns(&file, &header).map_err(err)?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (n, rec) in rdr.records().enumerate() {
        let row = n + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{file}: row {row}: {e}"));
                continue;
            }
        };
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match parse_row(&rec, &at, row) {
            Ok(u) => out.push(u),
            Err(p) => problems.extend(p.into_iter().map(|m| format!("{file}: {m}"))),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(err(problems.join("\n")))
    }
}

fn parse_row(
    rec: &csv::StringRecord,
    at: &[Option<usize>; 4],
    row: usize,
) -> Result<StatusUpdate, Vec<String>> {
    let cell = |c: usize| at[c].and_then(|i| rec.get(i)).unwrap_or("").trim();
    let place = |c: usize| {
        format!(
            "row {row}, column {} ({})",
            at[c].map_or("?".into(), column_letter),
            COLUMNS[c].0
        )
    };
    let mut problems = Vec::new();
    let patent_no = normalize_patent_no(cell(0));
    if patent_no.is_empty() {
        problems.push(format!("{}: the patent number is empty", place(0)));
    }
    let change = Change::parse(cell(1));
    if change.is_none() {
        problems.push(format!(
            "{}: '{}' is not a change (expected {})",
            place(1),
            cell(1),
            Change::accepted()
        ));
    }
    let date = parse_date(cell(2)).map_err(|m| format!("{}: '{}' {m}", place(2), cell(2)));
    if let Err(m) = &date {
        problems.push(m.clone());
    }
    match (change, date) {
        (Some(change), Ok(date)) if problems.is_empty() => Ok(StatusUpdate {
            patent_no,
            change,
            date,
            note: cell(3).to_string(),
            row,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<StatusUpdate>, String> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("updates.csv");
        std::fs::write(&p, text).unwrap();
        read_updates(&p).map_err(|e| e.to_string().replace(&p.display().to_string(), "F"))
    }

    #[test]
    fn chinese_headers_and_labels_are_read() {
        let u = read(
            "专利号,事项,生效日期,备注\ncn 2021 1012 3456.7,转让,2027年3月1日,未经质权人同意\n",
        )
        .unwrap();
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].patent_no, "CN202110123456.7");
        assert_eq!(u[0].change, Change::Transferred);
        assert_eq!(u[0].date, NaiveDate::from_ymd_opt(2027, 3, 1).unwrap());
        assert_eq!(u[0].row, 2);
    }

    #[test]
    fn every_bad_cell_is_named_by_row_and_column() {
        let e =
            read("patent_no,change,date\nCN1,sold,2027-01-01\n,lapsed,2027-13-01\n").unwrap_err();
        let lines: Vec<&str> = e.lines().collect();
        assert_eq!(lines.len(), 3, "{e}");
        assert!(
            lines[0].starts_with("F: row 2, column B (change): 'sold' is not a change"),
            "{e}"
        );
        assert!(
            lines[1].starts_with("F: row 3, column A (patent_no)"),
            "{e}"
        );
        assert!(
            lines[2].starts_with("F: row 3, column C (date): '2027-13-01'"),
            "{e}"
        );
        assert_eq!(
            read("no,when\n").unwrap_err(),
            "F: row 1: no patent_no column (header patent_no or patent no / 专利号 / 申请号 / 专利申请号)"
        );
    }
}
