//! Malformed workbooks, each with the exact messages patval gives for it: the sheet and the cell
//! (`组合!C3`), the header, the bad value and what to do. The workbooks are built here with
//! rust_xlsxwriter and kept in tests/data/bad_workbooks/ (run with `PATVAL_REGENERATE=1` to
//! rewrite them), so they can be opened in Excel or WPS to see what a user would see. Each kept
//! file and the workbook its recipe builds now must give the same messages. Also: arbitrary bytes
//! and mutated real workbooks never make the reader panic.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use patval::import::{self, ReadOptions};
use proptest::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};

const HEADER: [&str; 11] = [
    "专利号",
    "专利名称",
    "专利类型",
    "IPC分类号",
    "申请日",
    "授权公告日",
    "法律状态",
    "专利权人",
    "权利要求数",
    "独立权利要求数",
    "资产组",
];

/// A portfolio row from the sample case, as text.
const ROW: [&str; 11] = [
    "CN201710500001.6",
    "一种基于多模态生物特征的门锁身份认证方法",
    "发明",
    "G06V 40/12",
    "2017-03-14",
    "2019-08-20",
    "有效",
    "深圳市星河智联科技有限公司",
    "18",
    "3",
    "智能门锁",
];

/// Patent numbers of the sample case (their check digits are right).
const NUMBERS: [&str; 3] = ["CN201710500001.6", "CN201810500139.0", "CN201910500277.3"];

fn date(ws: &mut Worksheet, r: u32, c: u16, ymd: &str) {
    let p: Vec<u16> = ymd.split('-').map(|x| x.parse().unwrap()).collect();
    let d = ExcelDateTime::from_ymd(p[0], p[1] as u8, p[2] as u8).unwrap();
    let f = Format::new().set_num_format("yyyy-mm-dd");
    ws.write_datetime_with_format(r, c, &d, &f).unwrap();
}

/// Writes a portfolio header at `top` and `rows` copies of the sample row below it (typed:
/// dates as dates, the claim count as a number), each with its own patent number.
fn portfolio(ws: &mut Worksheet, top: u32, rows: u32) {
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(top, c as u16, *h).unwrap();
    }
    for i in 0..rows {
        let r = top + 1 + i;
        ws.write_string(r, 0, NUMBERS[i as usize % NUMBERS.len()])
            .unwrap();
        for c in [1, 2, 3, 6, 7, 10] {
            ws.write_string(r, c as u16, ROW[c]).unwrap();
        }
        date(ws, r, 4, ROW[4]);
        date(ws, r, 5, ROW[5]);
        ws.write_number(r, 8, 18.0).unwrap();
        ws.write_number(r, 9, 3.0).unwrap();
    }
}

fn one_sheet(name: &str, fill: impl FnOnce(&mut Worksheet)) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(name).unwrap();
    fill(ws);
    wb.save_to_buffer().unwrap()
}

/// The recipes: file name → workbook bytes.
fn recipes() -> Vec<(&'static str, Vec<u8>)> {
    let mut out = vec![
        (
            "formula_errors.xlsx",
            one_sheet("组合", |ws| {
                portfolio(ws, 0, 2);
                ws.write_formula(1, 8, Formula::new("=1/0").set_result("#DIV/0!"))
                    .unwrap();
                ws.write_formula(2, 1, Formula::new("=#REF!").set_result("#REF!"))
                    .unwrap();
            }),
        ),
        (
            "patent_no_as_number.xlsx",
            one_sheet("组合", |ws| {
                portfolio(ws, 0, 2);
                ws.write_number(1, 0, 201710500001.0).unwrap();
                ws.write_number(2, 0, 2.02110e11).unwrap();
            }),
        ),
        (
            "date_as_serial_number.xlsx",
            one_sheet("组合", |ws| {
                portfolio(ws, 0, 1);
                ws.write_number(1, 4, 42808.0).unwrap();
            }),
        ),
        (
            "bad_date_text.xlsx",
            one_sheet("组合", |ws| {
                portfolio(ws, 0, 1);
                ws.write_string(1, 5, "2019/13/45").unwrap();
            }),
        ),
        (
            "unknown_patent_type.xlsx",
            one_sheet("组合", |ws| {
                portfolio(ws, 0, 2);
                ws.write_string(2, 2, "发明专利申请书").unwrap();
            }),
        ),
        (
            "text_in_number_column.xlsx",
            one_sheet("组合", |ws| {
                portfolio(ws, 0, 1);
                ws.write_string(1, 8, "十八").unwrap();
            }),
        ),
        (
            "missing_required_column.xlsx",
            one_sheet("组合", |ws| {
                portfolio(ws, 0, 1);
                ws.write_string(0, 1, "备注").unwrap();
            }),
        ),
        (
            "header_only.xlsx",
            one_sheet("组合", |ws| portfolio(ws, 0, 0)),
        ),
        (
            "no_header_in_named_sheet.xlsx",
            one_sheet("组合", |ws| {
                ws.write_string(0, 0, "专利清单（2026年9月）").unwrap();
                ws.write_string(2, 0, "见附件").unwrap();
            }),
        ),
        (
            "value_without_header.xlsx",
            one_sheet("组合", |ws| {
                portfolio(ws, 0, 1);
                ws.write_string(1, 13, "备注：质押").unwrap();
            }),
        ),
        (
            "duplicate_patent.xlsx",
            one_sheet("组合", |ws| {
                portfolio(ws, 0, 2);
                ws.write_string(2, 0, NUMBERS[0]).unwrap();
            }),
        ),
        (
            "16000_columns.xlsx",
            one_sheet("组合", |ws| {
                portfolio(ws, 0, 1);
                for c in 11..16_000u16 {
                    ws.write_string(0, c, format!("列{c}")).unwrap();
                }
            }),
        ),
        (
            "no_table.xlsx",
            one_sheet("Sheet1", |ws| {
                ws.write_string(0, 0, "hello").unwrap();
            }),
        ),
        ("empty_sheet.xlsx", one_sheet("组合", |_| {})),
    ];
    out.push(("hidden_sheet.xlsx", {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("说明").unwrap();
        ws.write_string(0, 0, "见第二页").unwrap();
        let ws = wb.add_worksheet();
        ws.set_name("组合").unwrap();
        portfolio(ws, 0, 1);
        ws.set_hidden(true);
        wb.save_to_buffer().unwrap()
    }));
    out.push(("two_portfolio_sheets.xlsx", {
        let mut wb = Workbook::new();
        for name in ["组合", "专利清单"] {
            let ws = wb.add_worksheet();
            ws.set_name(name).unwrap();
            portfolio(ws, 0, 1);
        }
        wb.save_to_buffer().unwrap()
    }));
    out.push(("negative_amount_in_forecasts.xlsx", {
        one_sheet("收益预测", |ws| {
            for (c, h) in ["资产组", "年度", "营业收入(万元)", "利润率"]
                .iter()
                .enumerate()
            {
                ws.write_string(0, c as u16, *h).unwrap();
            }
            ws.write_string(1, 0, "智能门锁").unwrap();
            ws.write_number(1, 1, 2027.0).unwrap();
            ws.write_number(1, 2, -6800.0).unwrap();
            ws.write_number(1, 3, 0.16).unwrap();
        })
    }));
    let ok = recipes_ok();
    let whole = ok[1].1.clone();
    out.push(("truncated.xlsx", whole[..whole.len() / 2].to_vec()));
    out.push((
        "csv_named_xlsx.xlsx",
        "专利号,专利名称\nCN201710500001.6,门锁\n"
            .as_bytes()
            .to_vec(),
    ));
    let mut x: u32 = 7;
    let noise = (0..4096)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 16) as u8
        })
        .collect();
    out.push(("not_a_workbook.xlsx", noise));
    out.extend(ok);
    out
}

/// Workbooks that are awkward but fine: they load with no problem.
fn recipes_ok() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "ok_title_rows_and_merged_header.xlsx",
            one_sheet("Sheet1", |ws| {
                let bold = Format::new().set_bold();
                ws.merge_range(0, 0, 0, 10, "深圳市星河智联科技有限公司 专利清单", &bold)
                    .unwrap();
                portfolio(ws, 2, 2);
                // A two-row header: 资产组 merged down over the header row.
                ws.merge_range(1, 10, 2, 10, "资产组", &bold).unwrap();
                // Formatting far below and to the right, but no values.
                ws.write_blank(500, 30, &bold).unwrap();
            }),
        ),
        (
            "ok_formula_values.xlsx",
            one_sheet("组合", |ws| {
                portfolio(ws, 0, 1);
                ws.write_formula(1, 8, Formula::new("=9*2").set_result("18"))
                    .unwrap();
            }),
        ),
    ]
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad_workbooks")
}

/// Every message for a workbook, one per line, the directory stripped.
fn messages(bytes: Vec<u8>, name: &str) -> Vec<String> {
    let opts = ReadOptions::new(chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
    let found = import::read_file_tables(&Arc::new(bytes), name, &opts, None);
    let mut out: Vec<String> = found.notes.iter().map(ToString::to_string).collect();
    for t in found.tables {
        match t.result {
            Ok(t) => out.extend(t.warnings.iter().map(ToString::to_string)),
            Err(e) => out.extend(e.to_string().lines().map(str::to_string)),
        }
    }
    out
}

fn expected(name: &str) -> Vec<&'static str> {
    match name {
        "formula_errors.xlsx" => vec![
            "error: formula_errors.xlsx, 组合!I2 \"权利要求数\": the cell shows the formula error #DIV/0!: correct the formula, or type the value in place of it",
            "error: formula_errors.xlsx, 组合!B3 \"专利名称\": the cell shows the formula error #REF!: correct the formula, or type the value in place of it",
        ],
        "patent_no_as_number.xlsx" => vec![
            "error: patent_no_as_number.xlsx, 组合!A2 \"专利号\": \"201710500001\" is bare digits without the CN prefix and the check digit (CN…….N): a spreadsheet may have stored the patent number as a number; format the column as text (Excel/WPS: 设置单元格格式 → 文本), type or paste the numbers again with their CN prefix and check digit, and save again",
            "error: patent_no_as_number.xlsx, 组合!A3 \"专利号\": \"202110000000\" is bare digits without the CN prefix and the check digit (CN…….N): a spreadsheet may have stored the patent number as a number; format the column as text (Excel/WPS: 设置单元格格式 → 文本), type or paste the numbers again with their CN prefix and check digit, and save again",
        ],
        "date_as_serial_number.xlsx" => vec![
            "error: date_as_serial_number.xlsx, 组合!E2 \"申请日\": \"42808\" is a spreadsheet's date serial number, not a date: format the cell as a date (or type a date such as 2023-04-20, 2023/4/20, 2023年4月20日 or 20230420)",
        ],
        "bad_date_text.xlsx" => vec![
            "error: bad_date_text.xlsx, 组合!F2 \"授权公告日\": \"2019/13/45\" is not a valid date (expected a date such as 2023-04-20, 2023/4/20, 2023年4月20日 or 20230420)",
        ],
        "unknown_patent_type.xlsx" => vec![
            "error: unknown_patent_type.xlsx, 组合!C3 \"专利类型\": \"发明专利申请书\" is not a known patent type (accepted: invention / 发明, utility model / 实用新型, design / 外观设计)",
        ],
        "text_in_number_column.xlsx" => vec![
            "error: text_in_number_column.xlsx, 组合!I2 \"权利要求数\": \"十八\" is not a whole number",
        ],
        "missing_required_column.xlsx" => vec![
            "warning: missing_required_column.xlsx, 组合!B1 \"备注\": column is not one patval reads; it is ignored",
            "error: missing_required_column.xlsx, sheet 组合: missing required column \"title\" (accepted headers: title, name, 专利名称, 名称, 发明名称, 发明创造名称)",
        ],
        "header_only.xlsx" => {
            vec!["error: header_only.xlsx, sheet 组合: the sheet has a header but no data rows"]
        }
        "no_header_in_named_sheet.xlsx" => vec![
            "error: no_header_in_named_sheet.xlsx, sheet 组合: no header row naming the portfolio table's columns in the sheet's first 20 rows (docs/input-formats.md lists the headers)",
        ],
        "value_without_header.xlsx" => vec![
            "error: value_without_header.xlsx, sheet 组合, row 2: has 14 fields but the header has 11: value \"备注：质押\" in column N has no header",
        ],
        "duplicate_patent.xlsx" => vec![
            "error: duplicate_patent.xlsx, 组合!A3 \"专利号\": duplicate patent_no \"CN201710500001.6\": already given in row 2",
        ],
        "16000_columns.xlsx" => vec![
            "warning: 16000_columns.xlsx, 组合!L1 \"列11\": column is not one patval reads; it is ignored",
            "warning: 16000_columns.xlsx, 组合!M1 \"列12\": column is not one patval reads; it is ignored",
            "warning: 16000_columns.xlsx, 组合!N1 \"列13\": column is not one patval reads; it is ignored",
            "warning: 16000_columns.xlsx, 组合!O1 \"列14\": column is not one patval reads; it is ignored",
            "warning: 16000_columns.xlsx, 组合!P1 \"列15\": column is not one patval reads; it is ignored",
            "warning: 16000_columns.xlsx, 组合!Q1 \"列16\": column is not one patval reads; it is ignored",
            "warning: 16000_columns.xlsx, 组合!R1 \"列17\": column is not one patval reads; it is ignored",
            "warning: 16000_columns.xlsx, 组合!S1 \"列18\": column is not one patval reads; it is ignored",
            "warning: 16000_columns.xlsx, 组合!T1 \"列19\": column is not one patval reads; it is ignored",
            "warning: 16000_columns.xlsx, 组合!U1 \"列20\": column is not one patval reads; it is ignored",
            "warning: 16000_columns.xlsx, sheet 组合, row 1: 15979 more columns, V to WQJ, are not ones patval reads; they are ignored",
        ],
        "no_table.xlsx" => vec![
            "error: no_table.xlsx: no sheet holds a table patval reads (its sheets: Sheet1); name each sheet as docs/input-formats.md lists, or give it the table's header row",
        ],
        "empty_sheet.xlsx" => vec![
            "error: empty_sheet.xlsx, sheet 组合: no header row naming the portfolio table's columns in the sheet's first 20 rows (docs/input-formats.md lists the headers)",
        ],
        "hidden_sheet.xlsx" => vec![
            "warning: hidden_sheet.xlsx, sheet 组合: the sheet is hidden and is not read: unhide it (right-click a sheet tab → Unhide; WPS: 取消隐藏) if it holds a table",
            "error: hidden_sheet.xlsx: no sheet holds a table patval reads (its sheets: 说明, 组合); name each sheet as docs/input-formats.md lists, or give it the table's header row",
        ],
        "two_portfolio_sheets.xlsx" => vec![
            "error: two_portfolio_sheets.xlsx, sheet 专利清单: the sheet holds a second portfolio table (the first is sheet 组合); keep one",
        ],
        "negative_amount_in_forecasts.xlsx" => vec![
            "error: negative_amount_in_forecasts.xlsx, 收益预测!C2 \"营业收入(万元)\": \"-6800\" is negative; an amount must be 0 or more",
        ],
        "truncated.xlsx" => vec![
            "error: truncated.xlsx: cannot read the workbook: it is damaged or incomplete (cut short while copying or downloading?); open it in Excel or WPS and save it again (Zip error: invalid Zip archive: Could not find EOCD)",
        ],
        "csv_named_xlsx.xlsx" => vec![
            "error: csv_named_xlsx.xlsx: the file is named as a workbook but holds text: if it is a CSV file, name it .csv",
        ],
        "not_a_workbook.xlsx" => vec![
            "error: not_a_workbook.xlsx: the file is not a workbook (.xlsx, .xlsm, .xls or .ods) that patval can read",
        ],
        "encrypted.xlsx" => vec![
            "error: encrypted.xlsx: the workbook is protected by a password (encrypted): open it in Excel or WPS, remove the password (File → Info → Protect Workbook; WPS: 文件 → 文档加密) and save it, then open it here",
        ],
        _ => vec![],
    }
}

#[test]
fn bad_workbooks_give_sheet_and_cell_messages() {
    let dir = corpus_dir();
    let regenerate = std::env::var_os("PATVAL_REGENERATE").is_some();
    let mut report = String::new();
    for (name, bytes) in recipes() {
        let path = dir.join(name);
        if regenerate {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        }
        let kept = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (PATVAL_REGENERATE=1 writes it)", path.display()));
        let got = messages(kept, name);
        assert_eq!(
            got,
            messages(bytes, name),
            "{name}: the kept file and its recipe differ"
        );
        report.push_str(&format!("== {name}\n{}\n", got.join("\n")));
    }
    std::fs::write(std::env::temp_dir().join("patval_corpus.txt"), &report).unwrap();
    let names = recipes().into_iter().map(|(n, _)| n).chain(KEPT_ONLY);
    let mut checked = 0;
    for name in names {
        let got = messages(std::fs::read(dir.join(name)).unwrap(), name);
        checked += usize::from(!got.is_empty());
        let want = expected(name);
        assert_eq!(got, want, "{name}");
    }
    assert!(checked >= 15, "only {checked} malformed workbooks");
}

/// Kept files no recipe builds: a workbook encrypted with a password (by msoffcrypto-tool, as
/// Excel's File → Info → Protect Workbook does).
const KEPT_ONLY: [&str; 1] = ["encrypted.xlsx"];

/// The awkward-but-fine workbooks give the values a reader of the sheet sees.
#[test]
fn title_rows_merged_headers_and_formulas_read_as_shown() {
    let opts = ReadOptions::new(chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
    let read = |name: &str| {
        let bytes = std::fs::read(corpus_dir().join(name)).unwrap();
        let found = import::read_file_tables(&Arc::new(bytes), name, &opts, None);
        found.tables.into_iter().next().unwrap().result.unwrap()
    };
    let t = read("ok_title_rows_and_merged_header.xlsx");
    assert_eq!(t.sheet.as_deref(), Some("Sheet1"));
    assert_eq!(t.df.height(), 2);
    // 资产组 is merged down from the row above the header.
    let groups: Vec<Option<&str>> =
        t.df.column("asset_group")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
    assert_eq!(groups, vec![Some("智能门锁"); 2]);
    // Rows are the sheet's: the header is on row 3.
    let rows: Vec<Option<u32>> =
        t.df.column(import::SOURCE_ROW)
            .unwrap()
            .u32()
            .unwrap()
            .iter()
            .collect();
    assert_eq!(rows, vec![Some(4), Some(5)]);
    let filed =
        t.df.column("filing_date")
            .unwrap()
            .get(0)
            .unwrap()
            .to_string();
    assert_eq!(filed, "2017-03-14");
    // A formula's cached value is read.
    let t = read("ok_formula_values.xlsx");
    let claims =
        t.df.column("claims")
            .unwrap()
            .get(0)
            .unwrap()
            .extract::<i64>();
    assert_eq!(claims, Some(18));
}

fn read_any(bytes: Vec<u8>) {
    let opts = ReadOptions::new(chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
    let _ = import::read_file_tables(&Arc::new(bytes), "fuzz.xlsx", &opts, None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Arbitrary bytes named as a workbook: a message, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        read_any(bytes);
    }

    /// A real workbook with bytes changed, cut or zip-valid-looking: never a panic.
    #[test]
    fn mutated_workbooks_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
        which in 0usize..5,
    ) {
        let name = [
            "bad_workbooks/ok_formula_values.xlsx",
            "bad_workbooks/ok_title_rows_and_merged_header.xlsx",
            "bad_workbooks/formula_errors.xlsx",
            "workbooks/sample.ods",
            "workbooks/sample.xls",
        ][which];
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
        let mut bytes = std::fs::read(dir.join(name)).unwrap();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        if cut.index(4) == 0 {
            let n = cut.index(bytes.len());
            bytes.truncate(n);
        }
        read_any(bytes);
    }
}
