//! Drives `patval validate` on the sample data and on the corpus of malformed files in
//! `tests/data/bad/`, asserting the exact message for each.

use std::path::Path;
use std::process::{Command, Output};

fn patval(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_patval"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run patval")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 output")
}

/// Each malformed file and every problem line `validate` must print for it, exactly.
const CASES: &[(&str, &[&str])] = &[
    (
        "c01_negative_price.csv",
        &[
            "error: tests/data/bad/c01_negative_price.csv, row 3, column F \"成交价格(万元)\": \"-90.32\" is negative; an amount must be 0 or more",
        ],
    ),
    (
        "c02_zero_price.csv",
        &[
            "error: tests/data/bad/c02_zero_price.csv, row 4, column F \"成交价格(万元)\": \"0\" is zero; a price must be above 0",
        ],
    ),
    (
        "c03_deal_after_valuation.csv",
        &[
            "error: tests/data/bad/c03_deal_after_valuation.csv, row 2, column B \"交易日期\": 2026-10-08 is after the valuation date 2026-09-30",
        ],
    ),
    (
        "c04_unknown_deal_kind.csv",
        &[
            "error: tests/data/bad/c04_unknown_deal_kind.csv, row 3, column E \"交易类型\": \"抵押\" is not a known deal kind (accepted: assignment / 转让, exclusive licence / 独占许可, sole licence / 排他许可, non-exclusive licence / 普通许可)",
        ],
    ),
    (
        "c05_duplicate_deal_id.csv",
        &[
            "error: tests/data/bad/c05_duplicate_deal_id.csv, row 4, column A \"交易编号\": duplicate deal_id \"JY-001\": already given in row 2",
        ],
    ),
    (
        "c06_remaining_life_zero.csv",
        &[
            "error: tests/data/bad/c06_remaining_life_zero.csv, row 3, column G \"剩余寿命\": \"0\" is outside the allowed range: more than 0 and at most 20 years",
        ],
    ),
    (
        "f01_share_rate_not_percent.csv",
        &[
            "error: tests/data/bad/f01_share_rate_not_percent.csv, row 3, column E \"分成率\": \"25\" is outside the allowed range 0% to 100% (did you mean 25%?)",
        ],
    ),
    (
        "f02_duplicate_year.csv",
        &[
            "error: tests/data/bad/f02_duplicate_year.csv, row 4, column A \"资产组\": duplicate asset_group + year \"智能门锁 / 2027\": already given in row 3",
        ],
    ),
    (
        "f03_two_digit_year.csv",
        &[
            "error: tests/data/bad/f03_two_digit_year.csv, row 2, column B \"年度\": \"26\" is not a year (write e.g. 2026 or 2026年)",
        ],
    ),
    (
        "f04_margin_percent_header_out_of_range.csv",
        &[
            "error: tests/data/bad/f04_margin_percent_header_out_of_range.csv, row 3, column D \"利润率(%)\": \"150\" is outside the allowed range -100% to 100%",
        ],
    ),
    (
        "f05_negative_revenue.csv",
        &[
            "error: tests/data/bad/f05_negative_revenue.csv, row 4, column C \"营业收入(万元)\": \"-8400\" is negative; an amount must be 0 or more",
        ],
    ),
    (
        "k01_belongs_to_nothing.csv",
        &[
            "error: tests/data/bad/k01_belongs_to_nothing.csv, row 3, column A \"专利号\": the cost belongs to nothing: give a patent number or an asset group",
        ],
    ),
    (
        "k02_year_after_valuation.csv",
        &[
            "error: tests/data/bad/k02_year_after_valuation.csv, row 3, column D \"发生年度\": 2027 is after the year of the valuation date 2026-09-30",
        ],
    ),
    (
        "k03_negative_amount.csv",
        &[
            "error: tests/data/bad/k03_negative_amount.csv, row 3, column E \"金额\": \"-3450\" is negative; an amount must be 0 or more",
        ],
    ),
    (
        "k04_unknown_category.csv",
        &[
            "error: tests/data/bad/k04_unknown_category.csv, row 3, column C \"费用类别\": \"招待费\" is not a known cost category (accepted: R&D labour / 人工费, materials / 材料费, equipment and depreciation / 设备折旧费, testing and trials / 试验费, patent agency fees / 代理费, application and registration fees / 申请费, annual maintenance fees / 年费, other R&D costs / 其他费用)",
        ],
    ),
    (
        "p01_invalid_date.csv",
        &[
            "error: tests/data/bad/p01_invalid_date.csv, row 3, column E \"申请日\": \"2023-13-45\" is not a valid date (expected a date such as 2023-04-20, 2023/4/20, 2023年4月20日 or 20230420)",
        ],
    ),
    (
        "p02_filing_after_valuation.csv",
        &[
            "error: tests/data/bad/p02_filing_after_valuation.csv, row 4, column E \"申请日\": 2027-01-05 is after the valuation date 2026-09-30",
            "error: tests/data/bad/p02_filing_after_valuation.csv, row 4, column F \"授权公告日\": grant date 2021-11-30 is before the filing date 2027-01-05",
        ],
    ),
    (
        "p03_grant_before_filing.csv",
        &[
            "error: tests/data/bad/p03_grant_before_filing.csv, row 3, column F \"授权公告日\": grant date 2017-12-31 is before the filing date 2018-06-05",
        ],
    ),
    (
        "p04_unknown_type.csv",
        &[
            "error: tests/data/bad/p04_unknown_type.csv, row 3, column C \"专利类型\": \"商标\" is not a known patent type (accepted: invention / 发明, utility model / 实用新型, design / 外观设计)",
        ],
    ),
    (
        "p05_unknown_status.csv",
        &[
            "error: tests/data/bad/p05_unknown_status.csv, row 2, column G \"法律状态\": \"休眠\" is not a known legal status (accepted: granted / 有效, pending / 审中, lapsed / 失效, invalidated / 无效)",
        ],
    ),
    (
        "p06_duplicate_patent.csv",
        &[
            "error: tests/data/bad/p06_duplicate_patent.csv, row 4, column A \"专利号\": duplicate patent_no \"CN201710500001.6\": already given in row 2",
        ],
    ),
    (
        "p07_duplicate_after_normalising.csv",
        &[
            "error: tests/data/bad/p07_duplicate_after_normalising.csv, row 4, column A \"专利号\": duplicate patent_no \"CN201710500001.6\": already given in row 2",
        ],
    ),
    (
        "p08_missing_column.csv",
        &[
            "error: tests/data/bad/p08_missing_column.csv: missing required column \"filing_date\" (accepted headers: filing_date, filing date, application date, 申请日, 申请日期)",
        ],
    ),
    (
        "p09_duplicate_header.csv",
        &[
            "error: tests/data/bad/p09_duplicate_header.csv, row 1, column L \"filing date\": a second \"filing_date\" column (the first is column E \"申请日\"); remove one",
        ],
    ),
    (
        "p10_short_row.csv",
        &["error: tests/data/bad/p10_short_row.csv, row 3: has 8 fields but the header has 11"],
    ),
    (
        "p11_long_row.csv",
        &[
            "error: tests/data/bad/p11_long_row.csv, row 3: has 12 fields but the header has 11: value \"多余的值\" in column L has no header",
        ],
    ),
    (
        "p12_unterminated_quote.csv",
        &[
            "error: tests/data/bad/p12_unterminated_quote.csv, row 3: has 2 fields but the header has 11: a quoted field that starts in this row is never closed (a \" is missing)",
        ],
    ),
    (
        "p13_missing_title.csv",
        &[
            "error: tests/data/bad/p13_missing_title.csv, row 3, column B \"专利名称\": required value is missing",
        ],
    ),
    (
        "p14_claims_not_number.csv",
        &[
            "error: tests/data/bad/p14_claims_not_number.csv, row 4, column I \"权利要求数\": \"十二\" is not a whole number",
        ],
    ),
    (
        "p15_claims_fraction.csv",
        &[
            "error: tests/data/bad/p15_claims_fraction.csv, row 2, column I \"权利要求数\": \"12.5\" is not a whole number",
        ],
    ),
    (
        "p16_claims_zero.csv",
        &[
            "error: tests/data/bad/p16_claims_zero.csv, row 3, column I \"权利要求数\": \"0\" is outside the allowed range 1 to 10000",
        ],
    ),
    (
        "p17_independent_exceeds_claims.csv",
        &[
            "error: tests/data/bad/p17_independent_exceeds_claims.csv, row 4, column J \"独立权利要求数\": 9 independent claims is more than the 8 claims in all",
        ],
    ),
    (
        "p18_negative_rd_cost.csv",
        &[
            "error: tests/data/bad/p18_negative_rd_cost.csv, row 2, column L \"研发成本(万元)\": \"-5\" is negative; an amount must be 0 or more",
        ],
    ),
    (
        "p19_money_unit_unknown.csv",
        &[
            "error: tests/data/bad/p19_money_unit_unknown.csv, row 2, column L \"研发成本\": \"12.5美元\" is not an amount of money (write e.g. 125000, 125,000.00, 12.5万元 or 0.3亿元)",
        ],
    ),
    (
        "p20_header_unit_unsupported.csv",
        &[
            "error: tests/data/bad/p20_header_unit_unsupported.csv, row 1, column L \"研发成本(USD)\": unit \"USD\" in the header is not supported (use 元, 万元 or 亿元)",
        ],
    ),
    (
        "p21_remaining_life_too_long.csv",
        &[
            "error: tests/data/bad/p21_remaining_life_too_long.csv, row 2, column L \"剩余经济寿命\": \"25年\" is outside the allowed range: more than 0 and at most 20 years",
        ],
    ),
    (
        "p22_pending_with_grant_date.csv",
        &[
            "error: tests/data/bad/p22_pending_with_grant_date.csv, row 3, column G \"法律状态\": a pending application cannot have a grant date; correct the status or the grant date",
        ],
    ),
    (
        "p23_not_utf8_nor_gbk.csv",
        &[
            "error: tests/data/bad/p23_not_utf8_nor_gbk.csv, row 3: the file is neither UTF-8 nor GBK/GB18030: byte 0xFF (byte offset 275) cannot be decoded",
        ],
    ),
    (
        "p24_empty.csv",
        &["error: tests/data/bad/p24_empty.csv: the file is empty: a header row is needed"],
    ),
    (
        "p25_header_only.csv",
        &["error: tests/data/bad/p25_header_only.csv: the file has a header but no data rows"],
    ),
    (
        "p26_value_under_blank_header.csv",
        &[
            "error: tests/data/bad/p26_value_under_blank_header.csv, row 3: value \"孤立的值\" in column L has no header",
        ],
    ),
    (
        "p27_bad_thousands_grouping.csv",
        &[
            "error: tests/data/bad/p27_bad_thousands_grouping.csv, row 2, column L \"研发成本\": \"1,2345\" is not an amount of money (write e.g. 125000, 125,000.00, 12.5万元 or 0.3亿元)",
        ],
    ),
    (
        "p28_gbk_bad_date.csv",
        &[
            "error: tests/data/bad/p28_gbk_bad_date.csv, row 4, column E \"申请日\": \"2021年4月31日\" is not a valid date (expected a date such as 2023-04-20, 2023/4/20, 2023年4月20日 or 20230420)",
        ],
    ),
    (
        "p30_unrecognised_headers.csv",
        &[
            "error: tests/data/bad/p30_unrecognised_headers.csv: cannot tell which table this is: its header names too few known columns (see docs/input-formats.md)",
        ],
    ),
    (
        "p31_bad_check_digit_and_blank_grant.csv",
        &[
            "warning: tests/data/bad/p31_bad_check_digit_and_blank_grant.csv, row 2, column A \"专利号\": \"CN201710500001.7\": the check digit does not match the application number; check for a typing error",
            "warning: tests/data/bad/p31_bad_check_digit_and_blank_grant.csv, row 3, column F \"授权公告日\": the patent is granted but its grant date is blank",
        ],
    ),
    (
        // Patent numbers a spreadsheet stored as numbers; the bad keys are not also reported
        // as duplicates of each other.
        "p32_spreadsheet_mangled_patent_no.csv",
        &[
            "error: tests/data/bad/p32_spreadsheet_mangled_patent_no.csv, row 2, column A \"专利号\": \"2.02110E+11\" is a number in scientific notation: a spreadsheet stored the patent number as a number and its digits are lost; format the column as text (Excel/WPS: 设置单元格格式 → 文本), type or paste the numbers again with their CN prefix and check digit, and save again",
            "error: tests/data/bad/p32_spreadsheet_mangled_patent_no.csv, row 3, column A \"专利号\": \"202110123456\" is bare digits without the CN prefix and the check digit (CN…….N): a spreadsheet may have stored the patent number as a number; format the column as text (Excel/WPS: 设置单元格格式 → 文本), type or paste the numbers again with their CN prefix and check digit, and save again",
        ],
    ),
];

#[test]
fn every_malformed_file_gets_its_exact_messages() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad");
    let on_disk = std::fs::read_dir(&dir).unwrap().count();
    assert!(
        on_disk >= 30,
        "the corpus must hold at least 30 malformed files, has {on_disk}"
    );
    let mut failures = Vec::new();
    for (file, expected) in CASES {
        let path = format!("tests/data/bad/{file}");
        let out = patval(&["validate", "--valuation-date", "2026-09-30", &path]);
        let text = stdout(&out);
        let got: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("  ")).collect();
        let has_error = expected.iter().any(|e| e.starts_with("error:"));
        if got != *expected {
            failures.push(format!("{file}:\n  expected {expected:#?}\n  got {got:#?}"));
        }
        if out.status.success() == has_error {
            failures.push(format!(
                "{file}: exit status {:?} but errors expected = {has_error}",
                out.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn problems_past_the_cap_are_counted() {
    let out = patval(&[
        "validate",
        "--valuation-date",
        "2026-09-30",
        "--max-problems",
        "5",
        "tests/data/bad/p29_many_errors.csv",
    ]);
    let text = stdout(&out);
    let listed = text.lines().filter(|l| l.starts_with("  error: ")).count();
    assert_eq!(listed, 5, "{text}");
    assert!(
        text.contains("  … and 145 more problems not listed (raise --max-problems to see them)"),
        "{text}"
    );
    assert!(text.contains("150 error(s), 0 warning(s)"), "{text}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn cost_item_for_an_unknown_patent_is_caught_against_the_portfolio() {
    let out = patval(&[
        "validate",
        "--valuation-date",
        "2026-09-30",
        "sample_data/portfolio.csv",
        "tests/data/bad/k05_unknown_patent.csv",
    ]);
    let text = stdout(&out);
    assert!(
        text.contains("  error: tests/data/bad/k05_unknown_patent.csv, row 3, column A \"专利号\": patent \"CN209910500001.6\" is not in sample_data/portfolio.csv"),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn sample_data_validates_cleanly() {
    let out = patval(&[
        "validate",
        "sample_data/assumptions.toml",
        "sample_data/portfolio.csv",
        "sample_data/portfolio_gbk.csv",
        "sample_data/forecasts.csv",
        "sample_data/cost_items.csv",
        "sample_data/comparables.csv",
    ]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("sample_data/portfolio_gbk.csv: portfolio, 30 rows, GBK/GB18030 — ok"),
        "{text}"
    );
    assert!(
        text.contains("sample_data/comparables.csv: comparables, 42 rows, UTF-8 — ok"),
        "{text}"
    );
    assert!(
        text.contains("0 error(s), 0 warning(s); valuation date 2026-09-30"),
        "{text}"
    );
}

#[test]
fn json_report_follows_the_documented_schema() {
    let out = patval(&[
        "validate",
        "--json",
        "--valuation-date",
        "2026-09-30",
        "sample_data/forecasts.csv",
        "tests/data/bad/c01_negative_price.csv",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["ok"], false);
    assert_eq!(v["errors"], 1);
    assert_eq!(v["valuation_date"], "2026-09-30");
    let files = v["files"].as_array().unwrap();
    assert_eq!(files[0]["kind"], "forecasts");
    assert_eq!(files[0]["rows"], 24);
    assert_eq!(files[0]["encoding"], "UTF-8");
    let p = &files[1]["problems"][0];
    assert_eq!(p["severity"], "error");
    assert_eq!(p["file"], "tests/data/bad/c01_negative_price.csv");
    assert_eq!(p["row"], 3);
    assert_eq!(p["column"], "成交价格(万元)");
    assert_eq!(p["column_letter"], "F");
    assert_eq!(p["value"], "-90.32");
    assert_eq!(
        p["message"],
        "\"-90.32\" is negative; an amount must be 0 or more"
    );
}

#[test]
fn bad_assumptions_are_reported_with_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.toml");
    std::fs::write(
        &path,
        "valuation_date = 2026-09-30\n[discount]\nrisk_free = 0.02\n",
    )
    .unwrap();
    let out = patval(&["validate", path.to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("line 3, column 1: unknown field `risk_free`"),
        "{text}"
    );
}

#[test]
fn gen_sample_writes_a_data_set_that_validates() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = patval(&["gen-sample", "--patents", "300", "--out", d, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"][0]["rows"], 300);
    let files: Vec<String> = [
        "assumptions.toml",
        "portfolio.csv",
        "forecasts.csv",
        "cost_items.csv",
        "comparables.csv",
    ]
    .iter()
    .map(|f| dir.path().join(f).display().to_string())
    .collect();
    let args: Vec<&str> = std::iter::once("validate")
        .chain(files.iter().map(String::as_str))
        .collect();
    let out = patval(&args);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("0 error(s), 0 warning(s)"));
}

#[test]
fn unknown_command_and_missing_files_fail_cleanly() {
    let out = patval(&["validate", "no/such/file.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("error: no/such/file.csv: cannot read the file:"));
    let out = patval(&["frobnicate"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unrecognized subcommand"));
}
