//! Cross-check of an outside appraisal against the bank's own valuation: per-patent deviation
//! with a threshold flag, the key assumptions side by side, and a value bridge that attributes
//! the gap between the two totals to each assumption in turn (sequential substitution), in whole
//! fen, so the steps sum exactly to the gap.
//!
//! The external side is patval's re-computation of the outside appraisal: the bank's data set
//! with the rates and lives the firm stated (from CSV), or another stored report version. The
//! bridge starts at the firm's reported total, moves to that re-computation (the "re-computation"
//! step: method, data and coverage differences), then swaps in the bank's discount rates, share
//! rates, revenue forecasts, remaining lives and method weights one after the other, and ends at
//! the bank's total (the "other inputs" step: everything else that differs, such as comparables,
//! cost records or scorecards).

use serde::Serialize;

use super::external::ExternalAppraisal;
use super::{PledgeError, fen, yuan};
use crate::model::assumptions::MethodWeights;
use crate::model::parameters::{ParamEntry, ParamScope, ParameterSet};
use crate::valuation::Engine;

/// The outside appraisal as patval re-computes it, with the values the firm reported.
#[derive(Clone)]
pub struct ExternalSide {
    /// What it came from: a file name or a version id.
    pub label: String,
    pub engine: Engine,
    /// Reported value per patent number (normalised), in the firm's order.
    pub reported: Vec<(String, f64)>,
    /// The parameters the firm stated, with their basis and source (empty for a version).
    pub stated: ParameterSet,
    /// The firm's case metadata (firm, report number and date, signers), when the external
    /// side is a stored version that carries it.
    pub case: Option<crate::model::case::CaseInfo>,
}

/// What the firm stated beyond its per-patent figures.
#[derive(Default, Clone, Copy)]
pub struct FirmInputs<'a> {
    /// The firm's parameters table (scope, target, key, value, basis), as the appraiser's own.
    pub parameters: Option<&'a ParameterSet>,
    /// An engine built on the firm's revenue forecasts.
    pub revenue: Option<&'a Engine>,
    /// The firm's method weights (cost, income, market) for the whole appraisal.
    pub weights: Option<&'a MethodWeights>,
}

impl ExternalSide {
    /// An external CSV applied to the bank's data set through the parameters model: the firm's
    /// parameters table, its weights (portfolio rows) and each discount rate, share rate and
    /// remaining life stated per patent (patent rows, which win) replace the bank's parameters
    /// for the same key where they apply; `revenue` replaces the bank's forecasts when given.
    pub fn from_csv(
        bank: &Engine,
        ext: &ExternalAppraisal,
        firm: FirmInputs,
    ) -> Result<Self, PledgeError> {
        let mut stated = firm.parameters.cloned().unwrap_or_default();
        if let Some(w) = firm.weights {
            for (key, v) in [
                ("weight_cost", w.cost),
                ("weight_income", w.income),
                ("weight_market", w.market),
            ] {
                stated.set(super::external::stated(
                    ParamScope::Portfolio,
                    "",
                    key,
                    v,
                    ext.file.clone(),
                    0,
                ));
            }
        }
        for e in ext.parameter_set().entries {
            stated.set(e);
        }
        let set = overlay(bank, &stated);
        let mut e = bank.reparameterised(set, None)?;
        if let Some(rev) = firm.revenue
            && rev.inputs.group_names == e.inputs.group_names
        {
            e.inputs.groups = rev.inputs.groups.clone();
        }
        Ok(ExternalSide {
            label: ext.file.clone(),
            engine: e,
            reported: ext.reported(),
            stated,
            case: None,
        })
    }

    /// Another patval valuation (a stored version re-opened): its reconciled values are the
    /// reported ones.
    pub fn from_engine(label: &str, engine: Engine) -> Self {
        let reported = engine
            .inputs
            .patent_nos
            .iter()
            .cloned()
            .zip(engine.reconciled_values())
            .collect();
        ExternalSide {
            label: label.to_string(),
            engine,
            reported,
            stated: ParameterSet::default(),
            case: None,
        }
    }
}

/// Where an external appraisal came from: a CSV (re-computed on the bank's data set when
/// compared) or another patval valuation.
#[derive(Clone)]
pub enum ExternalSource {
    Csv(std::sync::Arc<ExternalAppraisal>),
    Version(std::sync::Arc<ExternalSide>),
}

impl ExternalSource {
    /// The external side against the bank's engine.
    pub fn side(&self, bank: &Engine) -> Result<ExternalSide, PledgeError> {
        match self {
            ExternalSource::Csv(x) => ExternalSide::from_csv(bank, x, FirmInputs::default()),
            ExternalSource::Version(s) => Ok((**s).clone()),
        }
    }

    /// The reported value per patent, without re-computing anything.
    pub fn reported(&self) -> Vec<(String, f64)> {
        match self {
            ExternalSource::Csv(x) => x.reported(),
            ExternalSource::Version(s) => s.reported.clone(),
        }
    }

    /// What it came from.
    pub fn label(&self) -> &str {
        match self {
            ExternalSource::Csv(x) => &x.file,
            ExternalSource::Version(s) => &s.label,
        }
    }

    /// Identity of the loaded source (to notice a change).
    pub fn id(&self) -> usize {
        match self {
            ExternalSource::Csv(x) => std::sync::Arc::as_ptr(x) as usize,
            ExternalSource::Version(s) => std::sync::Arc::as_ptr(s) as usize,
        }
    }
}

/// One patent compared.
#[derive(Debug, Clone, Serialize)]
pub struct Deviation {
    pub patent_no: String,
    pub external: Option<f64>,
    pub bank: Option<f64>,
    /// external − bank, yuan (a missing side counts as 0).
    pub difference: f64,
    /// (external − bank) / bank; `None` when the bank's value is 0 or missing.
    pub relative: Option<f64>,
    pub flagged: bool,
    /// Why it is flagged, in English and Chinese.
    pub reason: String,
    pub reason_zh: String,
}

/// The parts of the bridge, in the order they are swapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Recompute,
    DiscountRate,
    ShareRate,
    Revenue,
    Life,
    Weights,
    Other,
}

impl Step {
    pub fn label_en(self) -> &'static str {
        match self {
            Step::Recompute => "re-computation on the bank's data (method, data, coverage)",
            Step::DiscountRate => "discount rate",
            Step::ShareRate => "share rate",
            Step::Revenue => "revenue forecast",
            Step::Life => "remaining economic life",
            Step::Weights => "method weights",
            Step::Other => "other inputs",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Step::Recompute => "按本行数据重算（方法、数据、范围差异）",
            Step::DiscountRate => "折现率",
            Step::ShareRate => "分成率",
            Step::Revenue => "收入预测",
            Step::Life => "剩余经济寿命",
            Step::Weights => "方法权重",
            Step::Other => "其他输入",
        }
    }
}

/// One step of the value bridge.
#[derive(Debug, Clone, Serialize)]
pub struct BridgeStep {
    pub step: Step,
    /// Total before and after the step, yuan (whole fen).
    pub from: f64,
    pub to: f64,
    /// `to − from` in fen: the steps' fen add up to the gap exactly.
    pub delta_fen: i64,
    pub delta: f64,
    /// A note when the step could not be isolated (e.g. different product lines).
    pub note: Option<String>,
}

/// A key assumption on both sides: the mean over the bank's patents (value-weighted would hide
/// the patents worth nothing).
#[derive(Debug, Clone, Serialize)]
pub struct AssumptionPair {
    pub key: &'static str,
    pub external: f64,
    pub bank: f64,
}

/// The cross-check.
#[derive(Debug, Clone, Serialize)]
pub struct CrossCheck {
    pub external_label: String,
    pub threshold: f64,
    pub external_total: f64,
    pub bank_total: f64,
    /// bank − external, fen.
    pub gap_fen: i64,
    pub gap: f64,
    pub deviations: Vec<Deviation>,
    pub flagged: usize,
    pub assumptions: Vec<AssumptionPair>,
    pub bridge: Vec<BridgeStep>,
    /// The bridge patent by patent (patents the firm valued and the bank holds, whose value
    /// moves in some step), in fen per step.
    pub patents: Vec<PatentBridge>,
    /// Each parameter the firm stated beside the bank's, with both bases.
    pub parameters: Vec<ParamGap>,
}

/// One patent's part of the value bridge: its reported value, then the change in each step in
/// fen (the steps of [`CrossCheck::bridge`] in order), ending at the bank's value. A patent's
/// deltas add up to its own gap exactly; added over patents, a step may differ from the
/// portfolio step by the rounding of each patent to the fen.
#[derive(Debug, Clone, Serialize)]
pub struct PatentBridge {
    pub patent_no: String,
    pub reported: f64,
    pub bank: f64,
    pub deltas_fen: Vec<(Step, i64)>,
    /// The keys the firm stated for this patent itself.
    pub stated: Vec<String>,
}

/// A parameter the firm stated, beside the bank's value for the same place.
#[derive(Debug, Clone, Serialize)]
pub struct ParamGap {
    pub scope: ParamScope,
    pub target: String,
    pub key: String,
    pub firm_value: String,
    pub firm_basis: String,
    pub firm_source: String,
    /// The bank's value (as typed, or the assumptions file's), with its scope and basis.
    pub bank_value: String,
    pub bank_scope: String,
    pub bank_basis: String,
    /// For a patent: the figure the bank's valuation actually used (discount rate, share rate
    /// before decay, remaining economic life), where the key is one of those.
    pub bank_effective: Option<f64>,
}

fn mean(e: &Engine, f: impl Fn(&crate::valuation::Base) -> f64) -> f64 {
    if e.base.is_empty() {
        return 0.0;
    }
    e.base.iter().map(f).sum::<f64>() / e.base.len() as f64
}

/// Compares the external side with the bank's valuation. `threshold` is the relative deviation
/// above which a patent is flagged (0.2 = 20%).
pub fn crosscheck(bank: &Engine, ext: &ExternalSide, threshold: f64) -> CrossCheck {
    let bank_values = bank.reconciled_values();
    let bank_index = super::index_of(bank);
    let mut deviations = Vec::new();
    let reported: std::collections::HashMap<&str, f64> = ext
        .reported
        .iter()
        .map(|(no, v)| (no.as_str(), *v))
        .collect();
    let flag = |external: Option<f64>, bankv: Option<f64>| -> (bool, String, String) {
        match (external, bankv) {
            (None, _) => (
                true,
                "not in the external appraisal".into(),
                "外部评估报告未包含".into(),
            ),
            (_, None) => (
                true,
                "not in the bank's portfolio".into(),
                "银行评估组合中没有".into(),
            ),
            (Some(x), Some(b)) if b == 0.0 && x != 0.0 => (
                true,
                "the bank values it at 0".into(),
                "银行评估值为 0".into(),
            ),
            (Some(x), Some(b)) if b != 0.0 && ((x - b) / b).abs() > threshold => (
                true,
                format!("deviation above {:.0}%", threshold * 100.0),
                format!("偏离超过 {:.0}%", threshold * 100.0),
            ),
            _ => (false, String::new(), String::new()),
        }
    };
    for (i, no) in bank.inputs.patent_nos.iter().enumerate() {
        let b = bank_values[i];
        let x = reported.get(no.as_str()).copied();
        let (flagged, reason, reason_zh) = flag(x, Some(b));
        deviations.push(Deviation {
            patent_no: no.clone(),
            external: x,
            bank: Some(b),
            difference: x.unwrap_or(0.0) - b,
            relative: x.filter(|_| b != 0.0).map(|x| (x - b) / b),
            flagged,
            reason,
            reason_zh,
        });
    }
    for (no, v) in &ext.reported {
        if !bank_index.contains_key(no.as_str()) {
            let (flagged, reason, reason_zh) = flag(Some(*v), None);
            deviations.push(Deviation {
                patent_no: no.clone(),
                external: Some(*v),
                bank: None,
                difference: *v,
                relative: None,
                flagged,
                reason,
                reason_zh,
            });
        }
    }

    // The bridge, in fen.
    let reported_fen: i64 = fen(ext.reported.iter().map(|(_, v)| v).sum());
    let bank_fen = fen(bank_values.iter().sum());
    let mut cur = ext.engine.clone();
    let mut bridge = Vec::new();
    let mut last = reported_fen;
    let mut push = |step: Step, to: i64, note: Option<String>, bridge: &mut Vec<BridgeStep>| {
        bridge.push(BridgeStep {
            step,
            from: yuan(last),
            to: yuan(to),
            delta_fen: to - last,
            delta: yuan(to - last),
            note,
        });
        last = to;
    };
    let mut stages = vec![reported_by_index(&cur, &reported)];
    let mut total = |e: &Engine| {
        let v = e.reconciled_values();
        let t = fen(v.iter().sum());
        stages.push(v);
        t
    };
    push(Step::Recompute, total(&cur), None, &mut bridge);
    let matched: Vec<(usize, usize)> = (0..cur.len())
        .filter_map(|i| {
            bank_index
                .get(cur.inputs.patent_nos[i].as_str())
                .map(|&j| (i, j))
        })
        .collect();
    for &(i, j) in &matched {
        cur.base[i].discount = bank.base[j].discount;
    }
    push(Step::DiscountRate, total(&cur), None, &mut bridge);
    for &(i, j) in &matched {
        cur.base[i].share_rate = bank.base[j].share_rate;
    }
    let bank_of: std::collections::HashMap<usize, usize> = matched.iter().copied().collect();
    cur.edit_params(|i, p| {
        if let Some(&j) = bank_of.get(&i) {
            let b = bank.params(j);
            p.share_rate = b.share_rate;
            p.share_basis = b.share_basis;
            p.annual_decay = b.annual_decay;
            p.royalty_rate = b.royalty_rate;
        }
    });
    push(Step::ShareRate, total(&cur), None, &mut bridge);
    let note = if cur.inputs.group_names == bank.inputs.group_names {
        cur.inputs.groups = bank.inputs.groups.clone();
        None
    } else {
        Some("the two sides have different product lines; their revenue difference is under other inputs".into())
    };
    push(Step::Revenue, total(&cur), note, &mut bridge);
    // The life drives the patent's score (so its allocation within its asset group) and the
    // comparables chosen for it: they move with it.
    for &(i, j) in &matched {
        let (b, c) = (&bank.base[j], &mut cur.base[i]);
        (c.life, c.score, c.allocation) = (b.life, b.score, b.allocation);
    }
    if cur.inputs.patent_nos == bank.inputs.patent_nos {
        cur.market = bank.market.clone();
    }
    push(Step::Life, total(&cur), None, &mut bridge);
    cur.edit_params(|i, p| {
        if let Some(&j) = bank_of.get(&i) {
            let b = bank.params(j);
            p.weights = b.weights.clone();
            p.conclusion = b.conclusion;
        }
    });
    push(Step::Weights, total(&cur), None, &mut bridge);
    push(Step::Other, bank_fen, None, &mut bridge);
    let patents = patent_bridge(&cur, &stages, &bank_values, &matched, &ext.stated);
    let parameters = parameter_gaps(bank, &bank_index, &ext.stated);

    let e = &ext.engine;
    let assumptions = vec![
        AssumptionPair {
            key: "discount_rate",
            external: mean(e, |b| b.discount.rate),
            bank: mean(bank, |b| b.discount.rate),
        },
        AssumptionPair {
            key: "share_rate",
            external: mean(e, |b| b.share_rate),
            bank: mean(bank, |b| b.share_rate),
        },
        AssumptionPair {
            key: "remaining_life",
            external: mean(e, |b| b.life.remaining_economic),
            bank: mean(bank, |b| b.life.remaining_economic),
        },
    ];
    let flagged = deviations.iter().filter(|d| d.flagged).count();
    CrossCheck {
        external_label: ext.label.clone(),
        threshold,
        external_total: yuan(reported_fen),
        bank_total: yuan(bank_fen),
        gap_fen: bank_fen - reported_fen,
        gap: yuan(bank_fen - reported_fen),
        deviations,
        flagged,
        assumptions,
        bridge,
        patents,
        parameters,
    }
}

/// The bank's parameters table with the firm's statements laid over it: a firm row replaces the
/// bank's row of the same scope, target and key, and also the bank's narrower rows of that key
/// that it covers (a portfolio row covers every group and patent; a group row, its patents), so
/// what the firm said holds wherever it said it.
fn overlay(bank: &Engine, firm: &ParameterSet) -> ParameterSet {
    let group_of: std::collections::HashMap<&str, &str> = (0..bank.len())
        .map(|i| (bank.inputs.patent_nos[i].as_str(), bank.group_name(i)))
        .collect();
    let covered = |b: &ParamEntry| {
        firm.entries.iter().any(|f| {
            f.key == b.key
                && match (f.scope, b.scope) {
                    (ParamScope::Portfolio, _) => true,
                    (ParamScope::Group, ParamScope::Group) => f.target == b.target,
                    (ParamScope::Group, ParamScope::Patent) => {
                        group_of.get(b.target.as_str()) == Some(&f.target.as_str())
                    }
                    (ParamScope::Patent, ParamScope::Patent) => f.target == b.target,
                    _ => false,
                }
        })
    };
    let mut set = ParameterSet {
        entries: bank
            .resolver
            .set
            .entries
            .iter()
            .filter(|b| !covered(b))
            .cloned()
            .collect(),
    };
    for f in &firm.entries {
        set.set(f.clone());
    }
    set
}

/// The firm's reported value of each patent of `e`, by index (0 where it reported none).
fn reported_by_index(e: &Engine, by_no: &std::collections::HashMap<&str, f64>) -> Vec<f64> {
    e.inputs
        .patent_nos
        .iter()
        .map(|n| by_no.get(n.as_str()).copied().unwrap_or(0.0))
        .collect()
}

/// Per-patent steps from the values at each stage (reported, then after each swap), ending at
/// the bank's values.
fn patent_bridge(
    ext: &Engine,
    stages: &[Vec<f64>],
    bank_values: &[f64],
    matched: &[(usize, usize)],
    stated: &ParameterSet,
) -> Vec<PatentBridge> {
    let steps = [
        Step::Recompute,
        Step::DiscountRate,
        Step::ShareRate,
        Step::Revenue,
        Step::Life,
        Step::Weights,
        Step::Other,
    ];
    let mut out = Vec::new();
    for &(i, j) in matched {
        let mut path: Vec<i64> = stages.iter().map(|v| fen(v[i])).collect();
        path.push(fen(bank_values[j]));
        let deltas_fen: Vec<(Step, i64)> = steps
            .iter()
            .zip(path.windows(2))
            .map(|(s, w)| (*s, w[1] - w[0]))
            .collect();
        if deltas_fen.iter().all(|(_, d)| *d == 0) {
            continue;
        }
        let no = &ext.inputs.patent_nos[i];
        out.push(PatentBridge {
            patent_no: no.clone(),
            reported: stages[0][i],
            bank: bank_values[j],
            deltas_fen,
            stated: stated
                .entries
                .iter()
                .filter(|e| e.scope == ParamScope::Patent && &e.target == no)
                .map(|e| e.key.code())
                .collect(),
        });
    }
    out
}

/// Each of the firm's parameters beside the bank's resolution of the same key at that place
/// (each place resolved once, however many keys the firm stated there).
fn parameter_gaps(
    bank: &Engine,
    index: &std::collections::HashMap<&str, usize>,
    stated: &ParameterSet,
) -> Vec<ParamGap> {
    use crate::valuation::parameters::ResolvedParam;
    let mut resolved: std::collections::HashMap<(ParamScope, &str), Vec<ResolvedParam>> =
        std::collections::HashMap::new();
    stated
        .entries
        .iter()
        .map(|f| {
            let key = f.key.code();
            let patent = index.get(f.target.as_str()).copied();
            let place = resolved
                .entry((f.scope, f.target.as_str()))
                .or_insert_with(|| match (f.scope, patent) {
                    (ParamScope::Patent, Some(j)) => bank.explain(j, true),
                    (ParamScope::Patent, None) => Vec::new(),
                    (ParamScope::Group, _) => {
                        bank.resolver
                            .explain(&bank.assumptions, &f.target, None, true)
                    }
                    (ParamScope::Portfolio, _) => {
                        bank.resolver.explain(&bank.assumptions, "", None, true)
                    }
                });
            let b = place.iter().find(|r| r.key == key);
            let effective = patent
                .filter(|_| f.scope == ParamScope::Patent)
                .and_then(|j| {
                    let b = &bank.base[j];
                    match key.as_str() {
                        "discount_rate" => Some(b.discount.rate),
                        "share_rate" => Some(b.share_rate),
                        "remaining_life" => Some(b.life.remaining_economic),
                        _ => None,
                    }
                });
            ParamGap {
                scope: f.scope,
                target: f.target.clone(),
                key,
                firm_value: f.text.clone(),
                firm_basis: f.basis.clone(),
                firm_source: f.source.clone(),
                bank_value: b.map(|r| r.value.clone()).unwrap_or_default(),
                bank_scope: b.map(|r| r.scope.clone()).unwrap_or_default(),
                bank_basis: b.map(|r| r.basis.clone()).unwrap_or_default(),
                bank_effective: effective,
            }
        })
        .collect()
}
