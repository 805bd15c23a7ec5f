//! A finished valuation: per-patent values, portfolio totals, and a polars frame of results.

use polars::prelude::*;
use serde::Serialize;

use super::{Engine, Method, NoValue, PatentValue};
use crate::model::LegalStatus;

/// Totals of one method over the portfolio.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MethodTotal {
    pub method: Method,
    /// Sum over the patents the method valued.
    pub total: f64,
    /// Patents the method valued.
    pub valued: usize,
    /// Patents it could not value (switched off counts as not valued).
    pub not_valued: usize,
}

/// Portfolio totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub valuation_date: String,
    pub patents: usize,
    pub lapsed_or_invalidated: usize,
    pub pending: usize,
    pub methods: Vec<MethodTotal>,
    /// Sum of the reconciled values.
    pub reconciled: f64,
    /// Sums of each patent's lowest and highest method value.
    pub low: f64,
    pub high: f64,
    /// Patents no method could value.
    pub unvalued: usize,
}

/// Per-patent values and totals.
#[derive(Debug, Clone, Serialize)]
pub struct Valuation {
    pub summary: Summary,
    pub patents: Vec<PatentValue>,
    /// One line per notable condition (lapsed patents, methods that gave no value, and why).
    pub warnings: Vec<String>,
}

impl Valuation {
    /// Each patent's reconciled value, 0 where there is none, in portfolio order.
    pub fn reconciled_values(&self) -> Vec<f64> {
        self.patents
            .iter()
            .map(|p| p.reconciled.unwrap_or(0.0))
            .collect()
    }

    pub fn new(e: &Engine, patents: Vec<PatentValue>) -> Self {
        let mut methods = Vec::new();
        for m in Method::ALL {
            let (mut total, mut valued) = (0.0, 0);
            for v in &patents {
                if let Ok(x) = v.method(m) {
                    total += x;
                    valued += 1;
                }
            }
            methods.push(MethodTotal {
                method: m,
                total,
                valued,
                not_valued: patents.len() - valued,
            });
        }
        let count = |s: &[LegalStatus]| {
            e.inputs
                .patents
                .iter()
                .filter(|p| s.contains(&p.status))
                .count()
        };
        let summary = Summary {
            valuation_date: e.assumptions.valuation_date.to_string(),
            patents: patents.len(),
            lapsed_or_invalidated: count(&[LegalStatus::Lapsed, LegalStatus::Invalidated]),
            pending: count(&[LegalStatus::Pending]),
            methods,
            reconciled: patents.iter().filter_map(|v| v.reconciled).sum(),
            low: patents.iter().filter_map(|v| v.low).sum(),
            high: patents.iter().filter_map(|v| v.high).sum(),
            unvalued: patents.iter().filter(|v| v.reconciled.is_none()).count(),
        };
        let warnings = warnings(e, &patents);
        Self {
            summary,
            patents,
            warnings,
        }
    }

    /// One row per patent: identification, life, score, rates and each method's value.
    pub fn to_frame(&self, e: &Engine) -> PolarsResult<DataFrame> {
        let n = self.patents.len();
        let pick = |f: &dyn Fn(&PatentValue) -> Option<f64>| -> Vec<Option<f64>> {
            self.patents.iter().map(f).collect()
        };
        let base = |f: &dyn Fn(&super::Base) -> f64| -> Vec<f64> { e.base.iter().map(f).collect() };
        let groups: Vec<&str> = e
            .inputs
            .patents
            .iter()
            .map(|p| e.inputs.group_names[p.group_name as usize].as_str())
            .collect();
        let notes: Vec<String> = self
            .patents
            .iter()
            .enumerate()
            .map(|(i, v)| note(e, i, v))
            .collect();
        let columns = vec![
            Column::new("patent_no".into(), e.inputs.patent_nos.clone()),
            Column::new("asset_group".into(), groups),
            Column::new(
                "patent_type".into(),
                e.inputs
                    .patents
                    .iter()
                    .map(|p| p.patent_type.code())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "legal_status".into(),
                e.inputs
                    .patents
                    .iter()
                    .map(|p| p.status.code())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "remaining_legal_life".into(),
                base(&|b| b.life.remaining_legal),
            ),
            Column::new(
                "remaining_economic_life".into(),
                base(&|b| b.life.remaining_economic),
            ),
            Column::new("value_degree".into(), base(&|b| b.score.overall)),
            Column::new("discount_rate".into(), base(&|b| b.discount.rate)),
            Column::new("share_rate".into(), base(&|b| b.share_rate)),
            Column::new("cost_value".into(), pick(&|v| v.cost.ok())),
            Column::new("income_value".into(), pick(&|v| v.income.ok())),
            Column::new("market_value".into(), pick(&|v| v.market.ok())),
            Column::new("reconciled_value".into(), pick(&|v| v.reconciled)),
            Column::new("low".into(), pick(&|v| v.low)),
            Column::new("high".into(), pick(&|v| v.high)),
            Column::new("note".into(), notes),
        ];
        DataFrame::new(n, columns)
    }
}

/// Why methods gave no value for a patent, joined; empty when all did.
pub fn note(e: &Engine, i: usize, v: &PatentValue) -> String {
    note_in(e, i, v, false)
}

/// [`note`] in Chinese (`zh`) or English.
pub fn note_in(e: &Engine, i: usize, v: &PatentValue, zh: bool) -> String {
    let mut parts = Vec::new();
    let p = &e.inputs.patents[i];
    let gp = e.assumptions.economic_life.grant_probability;
    match (p.status, zh) {
        (LegalStatus::Lapsed | LegalStatus::Invalidated, false) => {
            parts.push(format!("{}: valued at zero", p.status.label_en()))
        }
        (LegalStatus::Lapsed | LegalStatus::Invalidated, true) => {
            parts.push(format!("{}：按零计", p.status.label_zh()))
        }
        (LegalStatus::Pending, false) => {
            parts.push(format!("pending: values × grant probability {gp}"))
        }
        (LegalStatus::Pending, true) => parts.push(format!("审中：各方法结果乘以授权概率 {gp}")),
        (LegalStatus::Granted, _) => {}
    }
    for m in Method::ALL {
        if let Err(why) = v.method(m)
            && why != NoValue::Off
        {
            if zh {
                parts.push(format!("{}：{}", m.label_zh(), why.describe_zh()));
            } else {
                parts.push(format!("{}: {}", m.label_en(), why.describe()));
            }
        }
    }
    parts.join(if zh { "；" } else { "; " })
}

fn warnings(e: &Engine, patents: &[PatentValue]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, v) in patents.iter().enumerate() {
        let p = &e.inputs.patents[i];
        if matches!(p.status, LegalStatus::Lapsed | LegalStatus::Invalidated) {
            out.push(format!(
                "{}: {}, valued at zero",
                e.inputs.patent_nos[i],
                p.status.label_en()
            ));
        }
        if v.reconciled.is_none() {
            out.push(format!(
                "{}: no method could value it ({})",
                e.inputs.patent_nos[i],
                note(e, i, v)
            ));
        }
        if out.len() >= 1000 {
            out.push("… further warnings omitted".into());
            break;
        }
    }
    out
}
