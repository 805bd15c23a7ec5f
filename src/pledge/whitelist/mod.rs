//! The whitelist pre-assessment (白名单预评估, Shenzhen 2023 guideline 第十三条): many firms'
//! patents in one portfolio table, each row with an anonymised firm id, valued by one engine and
//! aggregated per firm: patents by type and status, indicative value, value degree, indicative
//! credit limit under a policy profile, rank; thresholds ([`WhitelistRule`]) select the firms
//! pushed to banks, and every firm left out says which thresholds it failed. Formulas and a
//! worked example: docs/bank.md §6.

mod cells;
mod export;
mod firms;

pub use cells::{FIRM_ID_HEADERS, scoped_group};
pub use export::{csv_bytes, summary_zh, xlsx_bytes};
pub use firms::{Firms, Loaded, WhitelistFiles, load};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use super::credit::PatentTerms;
use super::{Policy, fen, yuan};
use crate::model::money::{MoneyUnit, format_money};
use crate::model::{LegalStatus, PatentType};
use crate::valuation::{Engine, PatentValue};

/// Why a whitelist could not be made.
#[derive(Debug, thiserror::Error)]
pub enum WhitelistError {
    #[error("{0}")]
    Import(#[from] crate::import::ImportError),
    #[error("{0}")]
    Valuation(#[from] crate::valuation::ValuationError),
    /// A threshold out of range.
    #[error("{0}")]
    Rule(String),
    #[error("{0}")]
    Export(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Which value of each patent counts as its indicative (accepted) value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueBasis {
    /// The reconciled value (the methods weighted), as `patval value` concludes.
    #[default]
    Reconciled,
    Cost,
    Income,
    Market,
}

impl ValueBasis {
    /// The patent's value on this basis; 0 where the method gives none.
    pub fn of(self, v: &PatentValue) -> f64 {
        match self {
            Self::Reconciled => v.reconciled.unwrap_or(0.0),
            Self::Cost => v.cost.unwrap_or(0.0),
            Self::Income => v.income.unwrap_or(0.0),
            Self::Market => v.market.unwrap_or(0.0),
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Reconciled => "评估结论（各评估方法加权）",
            Self::Cost => "成本法评估值",
            Self::Income => "收益法评估值",
            Self::Market => "市场法评估值",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Reconciled => "reconciled",
            Self::Cost => "cost",
            Self::Income => "income",
            Self::Market => "market",
        }
    }
}

/// What the assessment needs of one patent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PatentFacts {
    pub patent_type: PatentType,
    pub status: LegalStatus,
    /// Value degree (scorecard overall, 0–100).
    pub score: f64,
    /// Indicative value, yuan.
    pub value: f64,
}

/// Each patent's facts from a valued engine (engine order).
pub fn facts(engine: &Engine, values: &[PatentValue], basis: ValueBasis) -> Vec<PatentFacts> {
    engine
        .inputs
        .patents
        .par_iter()
        .zip(&engine.base)
        .zip(values)
        .map(|((p, b), v)| PatentFacts {
            patent_type: p.patent_type,
            status: p.status,
            score: b.score.overall,
            value: basis.of(v),
        })
        .collect()
}

/// The thresholds that select the whitelist. Every one applies; the defaults are patval's, for
/// a bank to change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhitelistRule {
    /// At least this many granted invention patents (default 0).
    pub min_granted_inventions: u32,
    /// At least this many granted patents of any type (default 1: something to pledge).
    pub min_granted: u32,
    /// Value degree at least this; `None`: the policy's band C floor (below it a band D patent
    /// lends nothing in the bundled profile).
    pub min_value_degree: Option<f64>,
    /// Indicative credit limit at least this, yuan (default 1,000,000).
    pub min_credit_limit: f64,
    /// Share of the firm's patents lapsed or invalidated at most this (default 0.5).
    pub max_lapsed_share: f64,
}

impl Default for WhitelistRule {
    fn default() -> Self {
        Self {
            min_granted_inventions: 0,
            min_granted: 1,
            min_value_degree: None,
            min_credit_limit: 1_000_000.0,
            max_lapsed_share: 0.5,
        }
    }
}

impl WhitelistRule {
    /// Every out-of-range threshold, named.
    pub fn check(&self) -> Result<(), WhitelistError> {
        let mut bad = Vec::new();
        if let Some(d) = self.min_value_degree
            && !(0.0..=100.0).contains(&d)
        {
            bad.push(format!("minimum value degree {d} is outside 0–100"));
        }
        if !(self.min_credit_limit >= 0.0 && self.min_credit_limit.is_finite()) {
            bad.push(format!(
                "minimum credit limit {} must be 0 or more",
                self.min_credit_limit
            ));
        }
        if !(0.0..=1.0).contains(&self.max_lapsed_share) {
            bad.push(format!(
                "maximum lapsed share {} is outside 0–1",
                self.max_lapsed_share
            ));
        }
        if bad.is_empty() {
            Ok(())
        } else {
            Err(WhitelistError::Rule(bad.join("; ")))
        }
    }

    /// The rule with the value-degree floor resolved against `policy`.
    pub fn resolved(&self, policy: &Policy) -> Self {
        Self {
            min_value_degree: Some(self.min_value_degree.unwrap_or(policy.bands.c)),
            ..self.clone()
        }
    }

    fn value_degree_floor(&self) -> f64 {
        self.min_value_degree.unwrap_or(0.0)
    }
}

/// One threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Check {
    #[serde(rename = "min_granted_inventions")]
    GrantedInventions,
    #[serde(rename = "min_granted")]
    Granted,
    #[serde(rename = "min_value_degree")]
    ValueDegree,
    #[serde(rename = "min_credit_limit")]
    CreditLimit,
    #[serde(rename = "max_lapsed_share")]
    LapsedShare,
}

impl Check {
    pub const ALL: [Check; 5] = [
        Check::Granted,
        Check::GrantedInventions,
        Check::ValueDegree,
        Check::CreditLimit,
        Check::LapsedShare,
    ];

    /// Stable code (JSON), the name of the rule's field.
    pub fn code(self) -> &'static str {
        match self {
            Check::GrantedInventions => "min_granted_inventions",
            Check::Granted => "min_granted",
            Check::ValueDegree => "min_value_degree",
            Check::CreditLimit => "min_credit_limit",
            Check::LapsedShare => "max_lapsed_share",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Check::GrantedInventions => "有效发明专利数",
            Check::Granted => "有效专利数",
            Check::ValueDegree => "价值度",
            Check::CreditLimit => "指示性授信额度",
            Check::LapsedShare => "失效或无效专利占比",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Check::GrantedInventions => "granted invention patents",
            Check::Granted => "granted patents",
            Check::ValueDegree => "value degree",
            Check::CreditLimit => "indicative credit limit",
            Check::LapsedShare => "share lapsed or invalidated",
        }
    }
}

/// A threshold a firm failed, in English and Chinese.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    pub check: Check,
    pub detail: String,
    pub detail_zh: String,
}

/// Patents by type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TypeCounts {
    pub invention: u32,
    pub utility_model: u32,
    pub design: u32,
}

/// Patents by legal status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub granted: u32,
    pub pending: u32,
    pub lapsed: u32,
    pub invalidated: u32,
}

impl TypeCounts {
    fn add(&mut self, t: PatentType, n: u32) {
        match t {
            PatentType::Invention => self.invention += n,
            PatentType::UtilityModel => self.utility_model += n,
            PatentType::Design => self.design += n,
        }
    }
    fn plus(mut self, o: &Self) -> Self {
        self.invention += o.invention;
        self.utility_model += o.utility_model;
        self.design += o.design;
        self
    }
}

impl StatusCounts {
    fn add(&mut self, s: LegalStatus, n: u32) {
        match s {
            LegalStatus::Granted => self.granted += n,
            LegalStatus::Pending => self.pending += n,
            LegalStatus::Lapsed => self.lapsed += n,
            LegalStatus::Invalidated => self.invalidated += n,
        }
    }
    fn plus(mut self, o: &Self) -> Self {
        self.granted += o.granted;
        self.pending += o.pending;
        self.lapsed += o.lapsed;
        self.invalidated += o.invalidated;
        self
    }
}

/// One firm's assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirmAssessment {
    /// 1 = the highest indicative credit limit (ties: firm id ascending).
    pub rank: u32,
    pub firm_id: String,
    pub patents: u32,
    pub by_type: TypeCounts,
    pub by_status: StatusCounts,
    pub granted_inventions: u32,
    /// Σ accepted values, yuan to the fen.
    pub value: f64,
    /// Value-weighted mean value degree (the plain mean when the value is 0), to 0.01.
    pub value_degree: f64,
    /// Σ accepted value × pledge rate, yuan to the fen.
    pub credit_limit: f64,
    /// Lapsed and invalidated patents over all the firm's patents.
    pub lapsed_share: f64,
    pub whitelisted: bool,
    /// The thresholds failed (empty when whitelisted).
    pub failed: Vec<Failure>,
}

/// How many firms failed one threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckCount {
    pub check: Check,
    pub firms: usize,
}

/// Totals over the firms (sums of whole fen).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub firms: usize,
    pub patents: usize,
    pub by_type: TypeCounts,
    pub by_status: StatusCounts,
    pub value: f64,
    pub credit_limit: f64,
    pub whitelisted: usize,
    pub whitelisted_patents: usize,
    pub whitelisted_value: f64,
    pub whitelisted_credit_limit: f64,
    /// Firms failing each threshold (a firm may fail several).
    pub failed: Vec<CheckCount>,
}

/// The assessment of every firm, in rank order.
#[derive(Debug, Clone, Serialize)]
pub struct Whitelist {
    pub valuation_date: Option<NaiveDate>,
    pub policy: String,
    pub policy_name: String,
    pub basis: ValueBasis,
    /// The thresholds, the value-degree floor resolved.
    pub rule: WhitelistRule,
    pub summary: Summary,
    pub firms: Vec<FirmAssessment>,
}

/// Assesses the firms of a valued engine: `values` in engine order, `firms.of` likewise.
pub fn assess_engine(
    engine: &Engine,
    values: &[PatentValue],
    firms: &Firms,
    policy: &Policy,
    rule: &WhitelistRule,
    basis: ValueBasis,
) -> Result<Whitelist, WhitelistError> {
    let mut w = assess(&facts(engine, values, basis), firms, policy, rule)?;
    w.valuation_date = Some(engine.assumptions.valuation_date);
    w.basis = basis;
    Ok(w)
}

/// Assesses the firms: `facts[i]` is patent i's, `firms.of[i]` its firm.
pub fn assess(
    facts: &[PatentFacts],
    firms: &Firms,
    policy: &Policy,
    rule: &WhitelistRule,
) -> Result<Whitelist, WhitelistError> {
    rule.check()?;
    if firms.of.len() != facts.len() || firms.of.iter().any(|&f| f as usize >= firms.ids.len()) {
        return Err(WhitelistError::Internal(format!(
            "{} patents but {} firm assignments for {} firms",
            facts.len(),
            firms.of.len(),
            firms.ids.len()
        )));
    }
    let rule = rule.resolved(policy);
    let (offsets, members) = members_of(&firms.of, firms.ids.len());
    let mut out: Vec<FirmAssessment> = (0..firms.ids.len())
        .into_par_iter()
        .map(|f| {
            let own = &members[offsets[f] as usize..offsets[f + 1] as usize];
            let mut a = aggregate(&firms.ids[f], own, facts, policy);
            a.failed = failures(&a, &rule);
            a.whitelisted = a.failed.is_empty();
            a
        })
        .collect();
    out.par_sort_unstable_by(|a, b| {
        fen(b.credit_limit)
            .cmp(&fen(a.credit_limit))
            .then_with(|| a.firm_id.cmp(&b.firm_id))
    });
    for (k, a) in out.iter_mut().enumerate() {
        a.rank = k as u32 + 1;
    }
    Ok(Whitelist {
        valuation_date: None,
        policy: policy.id.clone(),
        policy_name: policy.name.clone(),
        basis: ValueBasis::default(),
        summary: summarise(&out),
        rule,
        firms: out,
    })
}

/// Each firm's patents, in engine order (CSR: `members[offsets[f]..offsets[f + 1]]`).
fn members_of(of: &[u32], firms: usize) -> (Vec<u32>, Vec<u32>) {
    let mut offsets = vec![0u32; firms + 1];
    for &f in of {
        offsets[f as usize + 1] += 1;
    }
    for k in 0..firms {
        offsets[k + 1] += offsets[k];
    }
    let mut next = offsets.clone();
    let mut members = vec![0u32; of.len()];
    for (i, &f) in of.iter().enumerate() {
        members[next[f as usize] as usize] = i as u32;
        next[f as usize] += 1;
    }
    (offsets, members)
}

/// One firm's counts and sums (rank and thresholds come later).
fn aggregate(id: &str, own: &[u32], facts: &[PatentFacts], policy: &Policy) -> FirmAssessment {
    let (mut by_type, mut by_status) = (TypeCounts::default(), StatusCounts::default());
    let (mut value, mut limit, mut weighted, mut scores) = (0.0, 0.0, 0.0, 0.0);
    let mut granted_inventions = 0;
    for &i in own {
        let p = &facts[i as usize];
        by_type.add(p.patent_type, 1);
        by_status.add(p.status, 1);
        if p.status == LegalStatus::Granted && p.patent_type == PatentType::Invention {
            granted_inventions += 1;
        }
        let t = PatentTerms::of(policy, p.patent_type, p.status, p.score, p.value);
        value += t.value;
        limit += t.credit_limit();
        weighted += t.value * p.score;
        scores += p.score;
    }
    let n = own.len() as u32;
    let degree = if value > 0.0 {
        weighted / value
    } else if n > 0 {
        scores / f64::from(n)
    } else {
        0.0
    };
    FirmAssessment {
        rank: 0,
        firm_id: id.to_string(),
        patents: n,
        by_type,
        by_status,
        granted_inventions,
        value: yuan(fen(value)),
        value_degree: (degree * 100.0).round() / 100.0,
        credit_limit: yuan(fen(limit)),
        lapsed_share: if n > 0 {
            f64::from(by_status.lapsed + by_status.invalidated) / f64::from(n)
        } else {
            0.0
        },
        whitelisted: false,
        failed: Vec::new(),
    }
}

fn wan(x: f64) -> String {
    format_money(x, MoneyUnit::Wan)
}

/// The thresholds `a` fails under a resolved rule, in [`Check::ALL`] order.
fn failures(a: &FirmAssessment, rule: &WhitelistRule) -> Vec<Failure> {
    let mut out = Vec::new();
    let mut fail = |check, detail: String, detail_zh: String| {
        out.push(Failure {
            check,
            detail,
            detail_zh,
        })
    };
    let granted = a.by_status.granted;
    if granted < rule.min_granted {
        fail(
            Check::Granted,
            format!("{granted} granted patents, fewer than {}", rule.min_granted),
            format!("有效专利 {granted} 件，少于 {} 件", rule.min_granted),
        );
    }
    let gi = a.granted_inventions;
    if gi < rule.min_granted_inventions {
        let min = rule.min_granted_inventions;
        fail(
            Check::GrantedInventions,
            format!("{gi} granted invention patents, fewer than {min}"),
            format!("有效发明专利 {gi} 件，少于 {min} 件"),
        );
    }
    let floor = rule.value_degree_floor();
    if a.value_degree < floor {
        fail(
            Check::ValueDegree,
            format!("value degree {:.2} below {floor:.2}", a.value_degree),
            format!("价值度 {:.2}，低于 {floor:.2}", a.value_degree),
        );
    }
    if fen(a.credit_limit) < fen(rule.min_credit_limit) {
        let (got, min) = (wan(a.credit_limit), wan(rule.min_credit_limit));
        fail(
            Check::CreditLimit,
            format!("indicative credit limit {got} below {min}"),
            format!("指示性授信额度 {got}，低于 {min}"),
        );
    }
    if a.lapsed_share > rule.max_lapsed_share {
        let (got, max) = (a.lapsed_share * 100.0, rule.max_lapsed_share * 100.0);
        fail(
            Check::LapsedShare,
            format!("{got:.1}% of patents lapsed or invalidated, above {max:.1}%"),
            format!("失效或无效专利占 {got:.1}%，高于 {max:.1}%"),
        );
    }
    out
}

/// Totals over every firm and over the whitelisted ones.
fn summarise(firms: &[FirmAssessment]) -> Summary {
    let sum = |f: &dyn Fn(&FirmAssessment) -> f64, only: bool| -> f64 {
        yuan(
            firms
                .iter()
                .filter(|a| !only || a.whitelisted)
                .map(|a| fen(f(a)))
                .sum(),
        )
    };
    let failed = Check::ALL
        .iter()
        .map(|&check| CheckCount {
            check,
            firms: firms
                .iter()
                .filter(|a| a.failed.iter().any(|x| x.check == check))
                .count(),
        })
        .collect();
    Summary {
        firms: firms.len(),
        patents: firms.iter().map(|a| a.patents as usize).sum(),
        by_type: firms
            .iter()
            .fold(TypeCounts::default(), |t, a| t.plus(&a.by_type)),
        by_status: firms
            .iter()
            .fold(StatusCounts::default(), |t, a| t.plus(&a.by_status)),
        value: sum(&|a| a.value, false),
        credit_limit: sum(&|a| a.credit_limit, false),
        whitelisted: firms.iter().filter(|a| a.whitelisted).count(),
        whitelisted_patents: firms
            .iter()
            .filter(|a| a.whitelisted)
            .map(|a| a.patents as usize)
            .sum(),
        whitelisted_value: sum(&|a| a.value, true),
        whitelisted_credit_limit: sum(&|a| a.credit_limit, true),
        failed,
    }
}

#[cfg(test)]
mod tests;
