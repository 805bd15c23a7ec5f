//! Reading the firms' tables: the portfolio (and the forecasts) with a firm id column beside
//! the ordinary columns. The tables themselves go through the ordinary reader; the firm column
//! is read alongside from the same text, with the same row numbers, so every problem names the
//! file, row and column.
//!
//! A firm's asset groups are its own: a patent's asset group becomes `firm / group`
//! ([`scoped_group`]) in the portfolio, and so does each forecast row's, so two firms' product
//! lines of the same name never share a forecast.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use polars::prelude::*;

use super::WhitelistError;
use super::cells::{
    FirmColumn, Records, blank, firm_cell, firm_column, missing_column, scope_text, scoped_group,
};
use crate::import::problem::{Problem, Problems};
use crate::import::{
    self, Dataset, ImportError, ReadOptions, SOURCE_ROW, Table, TableKind, encoding,
};
use crate::model::Assumptions;
use crate::progress::Progress;

/// The firms' input files.
#[derive(Debug, Clone)]
pub struct WhitelistFiles {
    /// The portfolio table with a firm id column, CSV.
    pub portfolio: PathBuf,
    /// The forecasts table with a firm id column, CSV.
    pub forecasts: Option<PathBuf>,
    /// Comparable transactions, shared by every firm (any format the import reads).
    pub comparables: Option<PathBuf>,
}

/// The firms: their ids in order of first appearance and each patent's firm (engine order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Firms {
    pub ids: Vec<String>,
    pub of: Vec<u32>,
}

/// A loaded set: the data set (asset groups scoped), the firms, and the warnings.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub dataset: Dataset,
    pub firms: Firms,
    pub warnings: Vec<Problem>,
}

/// The firm id of each record of the portfolio text, by row.
struct Scan {
    column: FirmColumn,
    /// (row, firm index) of each non-blank record, in file order.
    rows: Vec<(u32, u32)>,
    ids: Vec<String>,
}

/// Reads the firms' tables and scopes their asset groups; every problem is returned at once.
pub fn load(
    files: &WhitelistFiles,
    assumptions: &Assumptions,
    progress: Option<&Progress>,
) -> Result<Loaded, WhitelistError> {
    let opts = ReadOptions::new(assumptions.valuation_date);
    let file = files.portfolio.display().to_string();
    let bytes = read_csv_bytes(&files.portfolio)?;
    let (table, scan, forecasts, comparables) = std::thread::scope(|s| {
        let scan = s.spawn(|| scan_portfolio(&bytes, &file, opts.max_problems));
        let others = s.spawn(|| {
            let f = files.forecasts.as_deref().map(|p| read_forecasts(p, &opts));
            let c = files
                .comparables
                .as_deref()
                .map(|p| import::read_table(TableKind::Comparables, p, &opts, None));
            (f, c)
        });
        let table =
            import::read_table_shared(TableKind::Portfolio, bytes.clone(), &file, &opts, progress);
        let failed = |what: &str| Some(Err(internal(&file, what)));
        let scan = scan
            .join()
            .unwrap_or_else(|_| Err(internal(&file, "reading the firm ids failed")));
        let (f, c) = others
            .join()
            .unwrap_or_else(|_| (failed("reading the forecasts failed"), None));
        (table, scan, f, c)
    });
    let (mut problems, mut suppressed) = (Vec::new(), 0);
    let mut keep = |r: Result<Table, ImportError>| match r {
        Ok(t) => Some(t),
        Err(e) => {
            problems.extend(e.problems);
            suppressed += e.suppressed;
            None
        }
    };
    let table = keep(table);
    let forecasts = forecasts.and_then(&mut keep);
    let comparables = comparables.and_then(&mut keep);
    let scan = scan.map_err(|e| keep(Err(e))).ok();
    let (Some(mut table), Some(scan), true) = (table, scan, problems.is_empty()) else {
        if problems.is_empty() {
            problems.push(Problem::file_error(
                &file,
                "internal error: the firm ids could not be read",
            ));
        }
        return Err(import_error(problems, suppressed));
    };
    let of = attach(&mut table, &scan)?;
    let mut warnings = without_firm_column(&mut table, &scan.column);
    let mut ds = Dataset {
        assumptions: Some(assumptions.clone()),
        portfolio: Some(table),
        forecasts,
        comparables,
        ..Dataset::default()
    };
    for t in [&mut ds.forecasts, &mut ds.comparables]
        .into_iter()
        .flatten()
    {
        warnings.append(&mut t.warnings);
    }
    let (errors, more): (Vec<Problem>, Vec<Problem>) =
        ds.cross_check().into_iter().partition(Problem::is_error);
    if !errors.is_empty() {
        return Err(import_error(errors, 0));
    }
    warnings.extend(more);
    Ok(Loaded {
        dataset: ds,
        firms: Firms { ids: scan.ids, of },
        warnings,
    })
}

fn internal(file: &str, what: &str) -> ImportError {
    ImportError {
        problems: vec![Problem::file_error(file, format!("internal error: {what}"))],
        suppressed: 0,
    }
}

/// The problems, each once, in the order found.
fn import_error(mut problems: Vec<Problem>, suppressed: usize) -> WhitelistError {
    let mut seen: Vec<Problem> = Vec::with_capacity(problems.len());
    problems.retain(|p| {
        let new = !seen.contains(p);
        if new {
            seen.push(p.clone());
        }
        new
    });
    WhitelistError::Import(ImportError {
        problems,
        suppressed,
    })
}

/// The file's bytes; a workbook is refused (the firm column is read from CSV text).
fn read_csv_bytes(path: &Path) -> Result<Arc<Vec<u8>>, WhitelistError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        import_error(
            vec![Problem::file_error(
                &file,
                format!("cannot read the file: {e}"),
            )],
            0,
        )
    })?;
    if import::workbook::is_workbook(&bytes, &file) {
        return Err(import_error(
            vec![Problem::file_error(
                &file,
                "the whitelist reads its tables from CSV files: save the sheet as CSV (UTF-8 or GBK)",
            )],
            0,
        ));
    }
    Ok(Arc::new(bytes))
}

fn decode<'b>(bytes: &'b [u8], file: &str) -> Result<std::borrow::Cow<'b, str>, ImportError> {
    encoding::decode(bytes).map_err(|e| ImportError {
        problems: vec![Problem::file_error(file, e.to_string()).at_row(e.line)],
        suppressed: 0,
    })
}

/// Each portfolio record's firm, interned in order of first appearance.
fn scan_portfolio(bytes: &[u8], file: &str, cap: usize) -> Result<Scan, ImportError> {
    let text = decode(bytes, file)?;
    let mut records = Records::new(&text);
    let mut record = csv::StringRecord::new();
    let fail = |p: Problem| ImportError {
        problems: vec![p],
        suppressed: 0,
    };
    let Some(hrow) = records.next(&mut record) else {
        return Err(ImportError {
            problems: Vec::new(),
            suppressed: 0,
        });
    };
    let column = firm_column(&record, file, hrow)
        .map_err(|p| fail(*p))?
        .ok_or_else(|| fail(missing_column(file, "portfolio")))?;
    let mut index: HashMap<String, u32, foldhash::fast::RandomState> = HashMap::default();
    let (mut ids, mut rows) = (Vec::new(), Vec::new());
    let mut problems = Problems::new(cap);
    while let Some(row) = records.next(&mut record) {
        if blank(&record) {
            continue;
        }
        match firm_cell(&record, &column, file, row) {
            Ok(id) => {
                let k = match index.get(id.as_ref()) {
                    Some(&k) => k,
                    None => {
                        ids.push(id.to_string());
                        index.insert(id.into_owned(), ids.len() as u32 - 1);
                        ids.len() as u32 - 1
                    }
                };
                rows.push((row as u32, k));
            }
            Err(p) => problems.push(*p),
        }
    }
    if problems.has_errors() {
        return Err(ImportError {
            problems: problems.list,
            suppressed: problems.suppressed,
        });
    }
    Ok(Scan { column, rows, ids })
}

/// Each frame row's firm (by its source row), and the asset groups scoped by firm.
fn attach(table: &mut Table, scan: &Scan) -> Result<Vec<u32>, WhitelistError> {
    let bad = |e: PolarsError| WhitelistError::Internal(format!("{}: {e}", table.file));
    let rows = table.df.column(SOURCE_ROW).and_then(|c| c.u32().cloned());
    let groups = table
        .df
        .column("asset_group")
        .and_then(|c| c.str().cloned());
    let (rows, groups) = (rows.map_err(bad)?, groups.map_err(bad)?);
    let mut of = Vec::with_capacity(rows.len());
    let mut scoped: Vec<String> = Vec::with_capacity(rows.len());
    let mut at = scan.rows.iter().peekable();
    for (r, g) in rows.iter().zip(groups.iter()) {
        let r = r.unwrap_or(0);
        while at.peek().is_some_and(|(row, _)| *row < r) {
            at.next();
        }
        let Some(&(row, firm)) = at.next().filter(|(row, _)| *row == r) else {
            return Err(WhitelistError::Internal(format!(
                "{}, row {r}: no firm id read for this row",
                table.file
            )));
        };
        debug_assert_eq!(row, r);
        of.push(firm);
        scoped.push(scoped_group(&scan.ids[firm as usize], g.unwrap_or("")));
    }
    let ca = StringChunked::from_iter_values(PlSmallStr::from_static("asset_group"), scoped.iter());
    table
        .df
        .replace("asset_group", ca.into_column())
        .map_err(|e| WhitelistError::Internal(format!("{}: {e}", table.file)))?;
    Ok(of)
}

/// The table's warnings, less the reader's note that the firm column is not one it reads.
fn without_firm_column(table: &mut Table, col: &FirmColumn) -> Vec<Problem> {
    let letter = crate::import::problem::column_letter(col.index);
    std::mem::take(&mut table.warnings)
        .into_iter()
        .filter(|p| {
            !(p.column_letter.as_deref() == Some(letter.as_str())
                && p.message.starts_with("column is not one patval reads"))
        })
        .collect()
}

/// Reads the forecasts with each row's asset group scoped by its firm (the text is rewritten
/// record by record, each on its own row, so rows and columns stay those of the file).
fn read_forecasts(path: &Path, opts: &ReadOptions) -> Result<Table, ImportError> {
    let file = path.display().to_string();
    let bytes = read_csv_bytes(path).map_err(|e| match e {
        WhitelistError::Import(i) => i,
        other => internal(&file, &other.to_string()),
    })?;
    let text = decode(&bytes, &file)?;
    let (scoped, col) = scope_text(&text, &file, opts.max_problems)?;
    let mut t = import::read_table_bytes(TableKind::Forecasts, &scoped, &file, opts, None)?;
    if let Some(col) = col {
        t.warnings = without_firm_column(&mut t, &col);
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_firm_ids_name_the_row_and_column() {
        let text = "专利号,企业编号\nCN1,F 1\nCN2,\nCN3,F3\n";
        let e = scan_portfolio(text.as_bytes(), "p.csv", 100).err().unwrap();
        let lines: Vec<String> = e.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            vec![
                "error: p.csv, row 2, column B \"企业编号\": firm id \"F 1\" holds a space or a control character; a firm id is one word (such as F000123)",
                "error: p.csv, row 3, column B \"企业编号\": required value is missing",
            ]
        );
        let e = scan_portfolio("专利号,资产组\nCN1,g\n".as_bytes(), "p.csv", 100)
            .err()
            .unwrap();
        assert!(
            e.problems[0]
                .to_string()
                .starts_with("error: p.csv: missing required column \"firm_id\""),
            "{}",
            e.problems[0]
        );
        assert_eq!(
            super::super::cells::firm_id_problem(&"x".repeat(65)).unwrap(),
            format!(
                "firm id \"{}\" is longer than 64 characters",
                "x".repeat(65)
            )
        );
    }
}
