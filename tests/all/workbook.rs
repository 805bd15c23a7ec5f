//! Workbooks in: the template round trip, every table kind from .xlsx, .ods and .xls, and the
//! sample case as one workbook valued to the fen as from its CSV files.

use crate::common;

use std::path::Path;
use std::sync::Arc;

use patval::import::{self, Dataset, ReadOptions, SOURCE_ROW, TableKind};
use patval::report::ReportLang;
use patval::valuation::{Engine, Methods};

fn sample() -> Dataset {
    patval::sample::load().unwrap()
}

fn opts() -> ReadOptions {
    ReadOptions::new(sample().assumptions.unwrap().valuation_date)
}

/// Every table of a workbook, in a data set with the sample's assumptions; panics on a problem.
fn read_workbook(bytes: Vec<u8>, file: &str) -> Dataset {
    let found = import::read_file_tables(&Arc::new(bytes), file, &opts(), None);
    assert!(found.notes.is_empty(), "{file}: {:?}", found.notes);
    let mut ds = Dataset {
        assumptions: sample().assumptions,
        ..Dataset::default()
    };
    for read in found.tables {
        let t = read
            .result
            .unwrap_or_else(|e| panic!("{file} [{:?}]: {e}", read.sheet));
        assert!(t.warnings.is_empty(), "{file}: {:?}", t.warnings);
        ds.set_table(t);
    }
    ds
}

/// The frames of two data sets are equal, table by table (rows in the source aside).
fn assert_same_frames(got: &Dataset, want: &Dataset, what: &str) {
    for kind in TableKind::ALL {
        let (Some(g), Some(w)) = (got.table(kind), want.table(kind)) else {
            panic!("{what}: no {} table", kind.name());
        };
        let g = g.df.drop(SOURCE_ROW).unwrap();
        let w = w.df.drop(SOURCE_ROW).unwrap();
        assert!(
            g.equals_missing(&w),
            "{what}: the {} frame differs:\n{g}\nwant:\n{w}",
            kind.name()
        );
    }
}

#[test]
fn the_template_reads_back_as_the_sample_frames() {
    for lang in [ReportLang::Zh, ReportLang::En] {
        let bytes = import::template::template_xlsx(lang).unwrap();
        let ds = read_workbook(bytes, "template.xlsx");
        assert_same_frames(&ds, &sample(), &format!("template ({lang:?})"));
    }
}

#[test]
fn every_table_kind_reads_from_xlsx_ods_and_xls() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/workbooks");
    // The template (zh) saved by LibreOffice Calc as ODF, as Excel 97–2003 and as Excel 2007
    // (.xlsx), so they come from another program's writer.
    for name in ["sample.ods", "sample.xls", "sample-libreoffice.xlsx"] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let ds = read_workbook(bytes, name);
        assert_same_frames(&ds, &sample(), name);
    }
}

#[test]
fn the_sample_as_one_workbook_values_as_its_csv_files_to_the_fen() {
    let ds = read_workbook(
        import::template::template_xlsx(ReportLang::Zh).unwrap(),
        "case.xlsx",
    );
    let want = sample();
    let a = want.assumptions.clone().unwrap();
    let run = |ds: &Dataset| {
        Engine::new(ds, &a, Methods::default(), None)
            .unwrap()
            .run(None)
            .unwrap()
    };
    let (got, want) = (run(&ds), run(&want));
    assert_eq!(got.patents.len(), 30);
    for (g, w) in got.patents.iter().zip(&want.patents) {
        for (x, y) in [
            (g.cost.as_ref().ok().copied(), w.cost.as_ref().ok().copied()),
            (
                g.income.as_ref().ok().copied(),
                w.income.as_ref().ok().copied(),
            ),
            (
                g.market.as_ref().ok().copied(),
                w.market.as_ref().ok().copied(),
            ),
            (g.reconciled, w.reconciled),
        ] {
            let fen = |v: Option<f64>| v.map(|v| (v * 100.0).round() as i64);
            assert_eq!(fen(x), fen(y));
        }
    }
    let total = |v: &patval::valuation::Valuation| v.reconciled_values().iter().sum::<f64>();
    assert_eq!(
        (total(&got) * 100.0).round(),
        (total(&want) * 100.0).round()
    );
    assert!(total(&got) > 1e6);
}

#[test]
fn the_cli_values_a_workbook_as_the_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("case.xlsx");
    let out = common::patval(&["template", "--out", book.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    let assumptions = "sample_data/assumptions.toml";
    let out = common::patval(&[
        "value",
        "--workbook",
        book.to_str().unwrap(),
        "--assumptions",
        assumptions,
        "--out",
        a.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let out = common::patval(&[
        "value",
        "--portfolio",
        "sample_data/portfolio.csv",
        "--forecasts",
        "sample_data/forecasts.csv",
        "--cost-items",
        "sample_data/cost_items.csv",
        "--comparables",
        "sample_data/comparables.csv",
        "--parameters",
        "sample_data/parameters.csv",
        "--assumptions",
        assumptions,
        "--out",
        b.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    // One sheet of the workbook as a table file: --portfolio case.xlsx reads its portfolio sheet.
    let out = common::patval(&[
        "validate",
        book.to_str().unwrap(),
        "--assumptions",
        assumptions,
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("[组合]: portfolio, 30 rows, workbook sheet — ok"),
        "{text}"
    );
}

#[test]
fn a_saved_version_of_a_workbook_reopens_with_the_same_values() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("case.xlsx");
    std::fs::write(
        &book,
        import::template::template_xlsx(ReportLang::Zh).unwrap(),
    )
    .unwrap();
    let db = dir.path().join("s.db");
    let out = common::patval(&[
        "save",
        "--db",
        db.to_str().unwrap(),
        "--case",
        "wb",
        "--borrower",
        "b",
        "--appraiser",
        "a",
        "--workbook",
        book.to_str().unwrap(),
        "--assumptions",
        "sample_data/assumptions.toml",
    ]);
    assert!(out.status.success(), "{out:?}");
    let out = common::patval(&["reports", "--db", db.to_str().unwrap(), "--json"]);
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = j["appraisals"][0]["versions"][0]["version"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Re-opened from the stored inputs (each sheet kept as the CSV of its cells as read) and
    // valued again: the same results as saved.
    let out = common::patval(&[
        "show",
        &id,
        "--db",
        db.to_str().unwrap(),
        "--recompute",
        "--json",
    ]);
    assert!(out.status.success(), "{out:?}");
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["recompute_differences"], serde_json::json!([]));
    assert_eq!(j["integrity_problems"], serde_json::json!([]));
    let want = sample();
    let a = want.assumptions.clone().unwrap();
    let v = Engine::new(&want, &a, Methods::default(), None)
        .unwrap()
        .run(None)
        .unwrap();
    let total: f64 = v.reconciled_values().iter().sum();
    let saved = j["summary"]["reconciled"].as_f64().unwrap_or(f64::NAN);
    assert_eq!(
        (saved * 100.0).round(),
        (total * 100.0).round(),
        "{}",
        j["summary"]
    );
}

#[test]
fn an_external_appraisal_sheet_reads_as_its_csv() {
    // The outside firm's appraisal as a sheet of text cells, under a title row.
    let csv = std::fs::read_to_string("sample_data/external_appraisal.csv").unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("外部评估").unwrap();
    ws.write_string(0, 0, "某评估事务所评估结果").unwrap();
    for (r, line) in csv.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            ws.write_string(r as u32 + 2, c as u16, cell).unwrap();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("firm.xlsx");
    std::fs::write(&book, wb.save_to_buffer().unwrap()).unwrap();
    let got = import::read_table(TableKind::External, &book, &opts(), None).unwrap();
    let want =
        import::read_table_bytes(TableKind::External, csv.as_bytes(), "e.csv", &opts(), None)
            .unwrap();
    assert_eq!(got.sheet.as_deref(), Some("外部评估"));
    assert!(
        got.df
            .drop(SOURCE_ROW)
            .unwrap()
            .equals_missing(&want.df.drop(SOURCE_ROW).unwrap())
    );
}
