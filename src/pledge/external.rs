//! An outside firm's appraisal read from CSV (see docs/input-formats.md, "External appraisal"):
//! per-patent values and the discount rate, share rate and remaining life it stated, which
//! become patent-scope rows of a parameters table ([`ExternalAppraisal::parameter_set`]).

use std::path::Path;

use polars::prelude::*;

use super::PledgeError;
use crate::import::{self, ReadOptions, TableKind};
use crate::model::parameters::{
    ParamEntry, ParamKey, ParamScope, ParamValue, ParameterSet, key_spec, trim_num,
};

/// A figure the outside firm stated, as a row of the parameters table: its value shown as the
/// key's kind shows it, basis 外部评估报告所载, and where it came from.
pub(crate) fn stated(
    scope: ParamScope,
    target: &str,
    key: &str,
    value: f64,
    source: String,
    row: u32,
) -> ParamEntry {
    ParamEntry {
        scope,
        target: target.to_string(),
        key: ParamKey::Known(key.into()),
        value: ParamValue::Number(value),
        text: key_spec(key).map_or_else(
            || trim_num(value),
            |k| ParamValue::Number(value).display(k.kind),
        ),
        basis: "外部评估报告所载".into(),
        source,
        row,
    }
}

/// One patent as the outside firm reported it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ExternalRow {
    pub patent_no: String,
    pub value: f64,
    pub discount_rate: Option<f64>,
    pub share_rate: Option<f64>,
    pub remaining_life: Option<f64>,
    /// 1-based row in the file (the header is row 1).
    pub source_row: u32,
}

/// The outside firm's appraisal.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExternalAppraisal {
    pub file: String,
    pub rows: Vec<ExternalRow>,
}

impl ExternalAppraisal {
    /// Reads and validates the CSV; problems name the file, row and column.
    pub fn read(path: &Path, opts: &ReadOptions) -> Result<Self, PledgeError> {
        let t = import::read_table(TableKind::External, path, opts, None)?;
        Self::from_table(&t)
    }

    /// From CSV bytes (tests, the GUI).
    pub fn from_bytes(bytes: &[u8], file: &str, opts: &ReadOptions) -> Result<Self, PledgeError> {
        let t = import::read_table_bytes(TableKind::External, bytes, file, opts, None)?;
        Self::from_table(&t)
    }

    fn from_table(t: &import::Table) -> Result<Self, PledgeError> {
        let internal = |e: PolarsError| PledgeError::Other(format!("{}: {e}", t.file));
        let df = &t.df;
        let nos = df
            .column("patent_no")
            .map_err(internal)?
            .str()
            .map_err(internal)?;
        let f = |name: &str| -> Result<Vec<Option<f64>>, PledgeError> {
            Ok(df
                .column(name)
                .map_err(internal)?
                .f64()
                .map_err(internal)?
                .iter()
                .collect())
        };
        let (value, disc, share, life) = (
            f("value")?,
            f("discount_rate")?,
            f("share_rate")?,
            f("remaining_life")?,
        );
        let rows_col = df
            .column(import::SOURCE_ROW)
            .map_err(internal)?
            .cast(&DataType::UInt32)
            .map_err(internal)?;
        let src: Vec<Option<u32>> = rows_col.u32().map_err(internal)?.iter().collect();
        let rows = nos
            .iter()
            .enumerate()
            .map(|(i, no)| ExternalRow {
                patent_no: no.unwrap_or_default().to_string(),
                value: value[i].unwrap_or(0.0),
                discount_rate: disc[i],
                share_rate: share[i],
                remaining_life: life[i],
                source_row: src[i].unwrap_or(0),
            })
            .collect();
        Ok(ExternalAppraisal {
            file: t.file.clone(),
            rows,
        })
    }

    /// The reported value per patent number (normalised as the engine keys them), in file order.
    pub fn reported(&self) -> Vec<(String, f64)> {
        self.rows
            .iter()
            .map(|r| {
                (
                    crate::import::cell::normalize_patent_no(&r.patent_no),
                    r.value,
                )
            })
            .collect()
    }

    /// The figures the firm stated for each patent, as patent-scope rows of the parameters
    /// table (the same model the appraiser's own parameters use), each with the file and row
    /// it came from as its source.
    pub fn parameter_set(&self) -> ParameterSet {
        let mut set = ParameterSet::default();
        for r in &self.rows {
            let target = crate::import::cell::normalize_patent_no(&r.patent_no);
            let figures = [
                ("discount_rate", r.discount_rate),
                ("share_rate", r.share_rate),
                ("remaining_life", r.remaining_life),
            ];
            for (key, value) in figures {
                let Some(v) = value else { continue };
                set.set(stated(
                    ParamScope::Patent,
                    &target,
                    key,
                    v,
                    format!("{}，第 {} 行", self.file, r.source_row),
                    r.source_row,
                ));
            }
        }
        set
    }

    /// The firm's total.
    pub fn total(&self) -> f64 {
        self.rows.iter().map(|r| r.value).sum()
    }
}
