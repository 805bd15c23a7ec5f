//! Library-level import tests: encodings, typed columns, and arbitrary input that must never panic.

use chrono::NaiveDate;
use patval::import::{self, ReadOptions, SOURCE_ROW, TableKind, read_table_bytes};
use polars::prelude::*;
use proptest::prelude::*;

fn opts() -> ReadOptions {
    ReadOptions::new(NaiveDate::from_ymd_opt(2026, 9, 30).unwrap())
}

#[test]
fn gbk_excel_export_loads_to_the_same_frame_as_utf8() {
    let utf8 = read_table_bytes(
        TableKind::Portfolio,
        patval::sample::PORTFOLIO,
        "p.csv",
        &opts(),
        None,
    )
    .unwrap();
    let gbk = read_table_bytes(
        TableKind::Portfolio,
        patval::sample::PORTFOLIO_GBK,
        "g.csv",
        &opts(),
        None,
    )
    .unwrap();
    assert_eq!(gbk.encoding, import::SourceEncoding::Gb18030);
    // The GBK file has full-width digits in two cells, CRLF line ends and a blank trailing column.
    assert!(utf8.df.equals_missing(&gbk.df), "{}\n{}", utf8.df, gbk.df);
}

#[test]
fn columns_are_typed_and_patent_numbers_stay_text() {
    let t = read_table_bytes(
        TableKind::Portfolio,
        patval::sample::PORTFOLIO,
        "p.csv",
        &opts(),
        None,
    )
    .unwrap();
    let df = &t.df;
    assert_eq!(df.column("patent_no").unwrap().dtype(), &DataType::String);
    assert_eq!(df.column("filing_date").unwrap().dtype(), &DataType::Date);
    assert_eq!(df.column("claims").unwrap().dtype(), &DataType::Int32);
    assert_eq!(df.column("rd_cost").unwrap().dtype(), &DataType::Float64);
    assert_eq!(df.column(SOURCE_ROW).unwrap().dtype(), &DataType::UInt32);
    let no = df
        .column("patent_no")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(no, "CN201710500001.6");
    // Row 3 of the file writes its dates as 2019年2月26日.
    let filing = df
        .column("filing_date")
        .unwrap()
        .date()
        .unwrap()
        .physical()
        .get(2)
        .unwrap();
    assert_eq!(
        import::cell::days_to_date(filing),
        NaiveDate::from_ymd_opt(2019, 2, 26)
    );
    // The header says 研发成本（万元）: 65.5 means 655,000 yuan.
    let rd = df.column("rd_cost").unwrap().f64().unwrap();
    assert_eq!(rd.iter().flatten().collect::<Vec<_>>(), vec![655_000.0]);
    // Enum columns hold a number a cell, read back as codes.
    assert_eq!(df.column("patent_type").unwrap().dtype(), &DataType::UInt32);
    assert_eq!(t.codes("patent_type").unwrap()[5], Some("design"));
    assert_eq!(t.codes("legal_status").unwrap()[8], Some("lapsed"));
    assert!(t.codes("title").is_err());
    assert_eq!(
        df.column("ipc").unwrap().str().unwrap().get(0),
        Some("G06V40/12")
    );
}

#[test]
fn money_units_in_cells_and_headers() {
    let t = read_table_bytes(
        TableKind::CostItems,
        patval::sample::COST_ITEMS,
        "c.csv",
        &opts(),
        None,
    )
    .unwrap();
    let amounts = t.df.column("amount").unwrap().f64().unwrap().clone();
    // "853,365.87" in the first row.
    assert_eq!(amounts.get(0), Some(853_365.87));
    let f = read_table_bytes(
        TableKind::Forecasts,
        patval::sample::FORECASTS,
        "f.csv",
        &opts(),
        None,
    )
    .unwrap();
    // 营业收入（万元） 6800.00 → 68,000,000 yuan; 利润率 16.0% → 0.16; 年度 "2026年" → 2026.
    assert_eq!(
        f.df.column("revenue").unwrap().f64().unwrap().get(0),
        Some(68_000_000.0)
    );
    assert_eq!(
        f.df.column("profit_margin").unwrap().f64().unwrap().get(0),
        Some(0.16)
    );
    assert_eq!(
        f.df.column("year").unwrap().i32().unwrap().get(0),
        Some(2026)
    );
}

#[test]
fn excel_padding_and_tabs_are_accepted() {
    let text = "资产组\t年度\t营业收入\t\t\n甲\t2026\t100\t\t\n\n甲\t2027\t110\t\t\n\t\t\t\t\n";
    let t = read_table_bytes(
        TableKind::Forecasts,
        text.as_bytes(),
        "f.tsv",
        &opts(),
        None,
    )
    .unwrap();
    assert_eq!(t.df.height(), 2);
    let rows: Vec<u32> =
        t.df.column(SOURCE_ROW)
            .unwrap()
            .u32()
            .unwrap()
            .iter()
            .flatten()
            .collect();
    assert_eq!(
        rows,
        vec![2, 4],
        "blank rows are skipped but row numbers stay those of the file"
    );
}

#[test]
fn header_with_bom_and_english_names() {
    let text = "\u{feff}Asset Group,Year,Revenue (万元),Share Rate (%)\nA,2026,12.5,3\n";
    let t = read_table_bytes(
        TableKind::Forecasts,
        text.as_bytes(),
        "f.csv",
        &opts(),
        None,
    )
    .unwrap();
    assert_eq!(t.encoding, import::SourceEncoding::Utf8Bom);
    assert_eq!(
        t.df.column("revenue").unwrap().f64().unwrap().get(0),
        Some(125_000.0)
    );
    assert_eq!(
        t.df.column("share_rate").unwrap().f64().unwrap().get(0),
        Some(0.03)
    );
}

#[test]
fn detect_kind_from_headers() {
    assert_eq!(
        import::detect_kind(patval::sample::PORTFOLIO),
        Some(TableKind::Portfolio)
    );
    assert_eq!(
        import::detect_kind(patval::sample::PORTFOLIO_GBK),
        Some(TableKind::Portfolio)
    );
    assert_eq!(
        import::detect_kind(patval::sample::FORECASTS),
        Some(TableKind::Forecasts)
    );
    assert_eq!(
        import::detect_kind(patval::sample::COST_ITEMS),
        Some(TableKind::CostItems)
    );
    assert_eq!(
        import::detect_kind(patval::sample::COMPARABLES),
        Some(TableKind::Comparables)
    );
    assert_eq!(import::detect_kind(b"a,b,c\n1,2,3\n"), None);
}

#[test]
fn the_bundled_sample_case_loads() {
    let ds = patval::sample::load().unwrap();
    assert_eq!(ds.portfolio.as_ref().unwrap().df.height(), 30);
    assert!(ds.cross_check().is_empty(), "{:?}", ds.cross_check());
}

/// Cells drawn from a vocabulary of valid and invalid real-world values, to reach deep into the
/// cell parsers and row rules (random bytes mostly stop at the header).
fn cell_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("2023-04-20".to_string()),
        Just("2023年4月31日".to_string()),
        Just("１２．５万元".to_string()),
        Just("-3".to_string()),
        Just("12%".to_string()),
        Just("发明".to_string()),
        Just("有效".to_string()),
        Just("\"a,\"\"b\"".to_string()),
        Just("\"unterminated".to_string()),
        Just("1,234,567.89".to_string()),
        Just("1e308".to_string()),
        Just("9".repeat(400)),
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for kind in TableKind::ALL {
            let _ = read_table_bytes(kind, &bytes, "fuzz.csv", &opts(), None);
        }
        let _ = import::detect_kind(&bytes);
        let _ = patval::model::Assumptions::from_toml(&String::from_utf8_lossy(&bytes), "fuzz.toml");
    }

    #[test]
    fn arbitrary_bytes_after_a_valid_header_never_panic(
        kind_i in 0usize..4,
        body in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let kind = TableKind::ALL[kind_i];
        let header: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
        let mut bytes = header.join(",").into_bytes();
        bytes.push(b'\n');
        bytes.extend(body);
        let _ = read_table_bytes(kind, &bytes, "fuzz.csv", &opts(), None);
    }

    #[test]
    fn arbitrary_cells_never_panic_and_errors_are_located(
        kind_i in 0usize..4,
        rows in proptest::collection::vec(proptest::collection::vec(cell_strategy(), 0..18), 1..12),
    ) {
        let kind = TableKind::ALL[kind_i];
        let header: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
        let mut text = header.join(",");
        text.push('\n');
        for r in &rows {
            text.push_str(&r.join(","));
            text.push('\n');
        }
        match read_table_bytes(kind, text.as_bytes(), "fuzz.csv", &opts(), None) {
            Ok(t) => prop_assert!(t.df.height() <= rows.len()),
            Err(e) => {
                prop_assert!(!e.problems.is_empty());
                for p in &e.problems {
                    prop_assert_eq!(&p.file, "fuzz.csv");
                    prop_assert!(!p.message.is_empty());
                }
            }
        }
    }
}
