//! The assumptions file (TOML): every parameter a valuation uses, with documented defaults.
//!
//! Only `valuation_date` is required; every other field falls back to the default documented in
//! `docs/input-formats.md` and shown in `sample_data/assumptions.toml`. Unknown keys are rejected so
//! that a misspelt parameter never silently falls back to its default.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::PatentType;

/// Everything that can go wrong reading an assumptions file.
#[derive(Debug, thiserror::Error)]
pub enum AssumptionsError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: not valid TOML for an assumptions file: {message}")]
    Parse { file: String, message: String },
    #[error("{file}: {}", .problems.join("; "))]
    Invalid { file: String, problems: Vec<String> },
}

/// All valuation parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assumptions {
    /// Valuation reference date (评估基准日): a TOML date (`2026-09-30`) or a date string.
    #[serde(with = "toml_date")]
    pub valuation_date: NaiveDate,
    /// Enterprise income-tax rate applied to income-approach cash flows.
    #[serde(default = "defaults::tax_rate")]
    pub tax_rate: f64,
    /// Discount-rate build-up.
    #[serde(default)]
    pub discount: DiscountConfig,
    /// Share-rate (分成率) settings for the income approach.
    #[serde(default)]
    pub share_rate: ShareRateConfig,
    /// Price index by calendar year (any base), used to restate costs and comparable prices.
    #[serde(default = "defaults::price_index")]
    pub price_index: BTreeMap<String, f64>,
    /// Weights of the three approaches in the reconciliation.
    #[serde(default)]
    pub method_weights: MethodWeights,
    /// Remaining-economic-life rules.
    #[serde(default)]
    pub economic_life: LifeRules,
    /// Income-approach options.
    #[serde(default)]
    pub income: IncomeConfig,
    /// Cost-approach options.
    #[serde(default)]
    pub cost: CostConfig,
    /// Market-approach options.
    #[serde(default)]
    pub market: MarketConfig,
    /// Patent value degree (专利价值度) weights.
    #[serde(default)]
    pub scorecard: ScorecardConfig,
    /// One-at-a-time sensitivity steps.
    #[serde(default)]
    pub sensitivity: SensitivityConfig,
    /// Monte Carlo settings.
    #[serde(default)]
    pub simulation: SimulationConfig,
    /// The basis (依据) and source of portfolio values, by parameter key (`tax_rate`,
    /// `risk_free_rate`, …; docs/input-formats.md lists the keys).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub basis: BTreeMap<String, BasisNote>,
}

/// Why a portfolio value is what it is: a basis text, or a basis with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BasisNote {
    Text(String),
    Full {
        basis: String,
        #[serde(default)]
        source: String,
    },
}

impl BasisNote {
    pub fn basis(&self) -> &str {
        match self {
            BasisNote::Text(t) => t,
            BasisNote::Full { basis, .. } => basis,
        }
    }

    pub fn source(&self) -> &str {
        match self {
            BasisNote::Text(_) => "",
            BasisNote::Full { source, .. } => source,
        }
    }
}

/// Where each risk premium comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PremiumSource {
    /// The premiums as typed in `[discount]`.
    Manual,
    /// Technology and market premiums from the scorecard (see docs/methods.md); funding and
    /// management premiums as typed in.
    Scorecard,
}

/// Where the share rate sits in `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SharePosition {
    /// The midpoint of the range.
    Midpoint,
    /// `low + (high − low) × patent value degree / 100`.
    Scorecard,
}

/// How an asset group's patent income is split among its patents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Allocation {
    Equal,
    Claims,
    Scorecard,
}

/// Which income-approach variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncomeVariant {
    /// Share of the product line's revenue or profit (收入分成法).
    Share,
    /// Relief from royalty: the royalty a licensee would pay on the revenue (许可费节省法).
    ReliefFromRoyalty,
    /// Excess earnings (超额收益法): price premium × volume, cost saving × volume and added
    /// volume × unit margin from the forecast's columns.
    ExcessEarnings,
}

impl IncomeVariant {
    pub fn code(self) -> &'static str {
        match self {
            IncomeVariant::Share => "share",
            IncomeVariant::ReliefFromRoyalty => "relief_from_royalty",
            IncomeVariant::ExcessEarnings => "excess_earnings",
        }
    }

    pub fn from_code(c: &str) -> Option<Self> {
        [
            IncomeVariant::Share,
            IncomeVariant::ReliefFromRoyalty,
            IncomeVariant::ExcessEarnings,
        ]
        .into_iter()
        .find(|v| v.code() == c)
    }
}

/// How the market approach adjusts for remaining life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifeFactor {
    /// Ratio of annuity factors at the patent's discount rate.
    Annuity,
    /// Plain ratio of remaining lives n / n_c (textbook market-simulation model).
    Ratio,
}

/// How comparables are weighted in the market approach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    Similarity,
    Equal,
    /// Weights set per comparable in the parameters table (`comparable.<id>.weight`, default 1).
    Manual,
}

/// Income-approach options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IncomeConfig {
    pub variant: IncomeVariant,
    /// Royalty rate on revenue for relief from royalty.
    pub royalty_rate: f64,
    /// Deduct income tax from the patent's income.
    pub apply_tax: bool,
}

impl Default for IncomeConfig {
    fn default() -> Self {
        Self {
            variant: IncomeVariant::Share,
            royalty_rate: 0.03,
            apply_tax: true,
        }
    }
}

/// Cost-approach options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CostConfig {
    /// Developer's reasonable profit as a share of the restated R&D cost (成本利润率).
    pub developer_profit_rate: f64,
    /// Functional obsolescence (功能性贬值率).
    pub functional_obsolescence: f64,
    /// Economic obsolescence (经济性贬值率).
    pub economic_obsolescence: f64,
}

impl Default for CostConfig {
    fn default() -> Self {
        Self {
            developer_profit_rate: 0.1,
            functional_obsolescence: 0.0,
            economic_obsolescence: 0.0,
        }
    }
}

/// Market-approach options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarketConfig {
    /// The kind of deal the subject patent is valued as.
    pub subject_deal_kind: crate::model::DealKind,
    /// Fewer usable comparables than this: no market value.
    pub min_comparables: usize,
    /// At most this many of the most similar comparables are used.
    pub max_comparables: usize,
    /// Comparables less similar than this are not used (0–1).
    pub min_similarity: f64,
    /// Adjustment for deal circumstances (交易情况修正), applied to every comparable.
    pub circumstance_factor: f64,
    /// Each adjustment factor is clamped to `[1 / max_factor, max_factor]`.
    pub max_factor: f64,
    /// Value of each deal kind relative to an assignment.
    pub deal_kind_factors: DealKindFactors,
    /// Remaining-life factor: annuity-factor ratio or plain ratio of lives.
    pub life_factor: LifeFactor,
    /// Weighting of the comparables.
    pub weighting: Weighting,
}

/// Value of a deal kind relative to an assignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DealKindFactors {
    pub assignment: f64,
    pub exclusive_licence: f64,
    pub sole_licence: f64,
    pub non_exclusive_licence: f64,
}

impl Default for DealKindFactors {
    fn default() -> Self {
        Self {
            assignment: 1.0,
            exclusive_licence: 0.85,
            sole_licence: 0.7,
            non_exclusive_licence: 0.35,
        }
    }
}

impl DealKindFactors {
    pub fn of(&self, k: crate::model::DealKind) -> f64 {
        use crate::model::DealKind::*;
        match k {
            Assignment => self.assignment,
            ExclusiveLicence => self.exclusive_licence,
            SoleLicence => self.sole_licence,
            NonExclusiveLicence => self.non_exclusive_licence,
        }
    }
}

impl Default for MarketConfig {
    fn default() -> Self {
        Self {
            subject_deal_kind: crate::model::DealKind::Assignment,
            min_comparables: 3,
            max_comparables: 10,
            min_similarity: 0.5,
            circumstance_factor: 1.0,
            max_factor: 2.0,
            deal_kind_factors: DealKindFactors::default(),
            life_factor: LifeFactor::Annuity,
            weighting: Weighting::Similarity,
        }
    }
}

/// Patent value degree weights: PVD = legal × LVD + technical × TVD + economic × EVD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScorecardConfig {
    pub legal_weight: f64,
    pub technical_weight: f64,
    pub economic_weight: f64,
    /// Legal factors: status, remaining legal term, claim breadth, family.
    pub legal: [f64; 4],
    /// Technical factors: forward citations, claims, patent type.
    pub technical: [f64; 3],
    /// Economic factors: remaining economic life, market size.
    pub economic: [f64; 2],
    /// Technology premium when `discount.premium_source = "scorecard"`: `max × (1 − TVD/100)`.
    pub technology_risk_max: f64,
    /// Market premium when `discount.premium_source = "scorecard"`: `max × (1 − EVD/100)`.
    pub market_risk_max: f64,
}

impl Default for ScorecardConfig {
    fn default() -> Self {
        Self {
            legal_weight: 0.3,
            technical_weight: 0.4,
            economic_weight: 0.3,
            legal: [0.3, 0.3, 0.2, 0.2],
            technical: [0.4, 0.3, 0.3],
            economic: [0.5, 0.5],
            technology_risk_max: 0.08,
            market_risk_max: 0.06,
        }
    }
}

/// One-at-a-time sensitivity steps (tornado).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SensitivityConfig {
    /// Relative step of the share rate (0.2 = ±20 %).
    pub share_rate: f64,
    /// Absolute step of the discount rate (0.02 = ±2 percentage points).
    pub discount_rate: f64,
    /// Relative step of revenue.
    pub revenue: f64,
    /// Relative step of remaining economic life.
    pub life: f64,
}

impl Default for SensitivityConfig {
    fn default() -> Self {
        Self {
            share_rate: 0.2,
            discount_rate: 0.02,
            revenue: 0.2,
            life: 0.2,
        }
    }
}

/// A probability distribution of a Monte Carlo parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum Distribution {
    Fixed { value: f64 },
    Triangular { low: f64, mode: f64, high: f64 },
    Normal { mean: f64, sd: f64 },
    Lognormal { mu: f64, sigma: f64 },
}

/// Monte Carlo settings. Share rate, revenue and life are multipliers of their base values; the
/// discount rate is a shift added to each patent's rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SimulationConfig {
    pub draws: usize,
    pub seed: u64,
    pub share_rate: Distribution,
    pub discount_rate: Distribution,
    pub revenue: Distribution,
    pub life: Distribution,
}

impl Default for SimulationConfig {
    fn default() -> Self {
        Self {
            draws: 10_000,
            seed: 2026,
            share_rate: Distribution::Triangular {
                low: 0.8,
                mode: 1.0,
                high: 1.2,
            },
            discount_rate: Distribution::Normal {
                mean: 0.0,
                sd: 0.01,
            },
            revenue: Distribution::Lognormal {
                mu: 0.0,
                sigma: 0.15,
            },
            life: Distribution::Triangular {
                low: 0.8,
                mode: 1.0,
                high: 1.1,
            },
        }
    }
}

/// Discount rate = risk-free rate + technology, market, funding and management risk premiums.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscountConfig {
    pub premium_source: PremiumSource,
    pub risk_free_rate: f64,
    pub technology_risk: f64,
    pub market_risk: f64,
    pub funding_risk: f64,
    pub management_risk: f64,
}

impl Default for DiscountConfig {
    fn default() -> Self {
        Self {
            premium_source: PremiumSource::Manual,
            risk_free_rate: 0.0185,
            technology_risk: 0.04,
            market_risk: 0.03,
            funding_risk: 0.02,
            management_risk: 0.02,
        }
    }
}

impl DiscountConfig {
    /// The built-up discount rate.
    pub fn rate(&self) -> f64 {
        self.risk_free_rate
            + self.technology_risk
            + self.market_risk
            + self.funding_risk
            + self.management_risk
    }
}

/// Which figure a share rate applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareBasis {
    /// Share of sales revenue (销售收入分成率).
    Revenue,
    /// Share of profit (利润分成率).
    Profit,
}

/// Share-rate range and behaviour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShareRateConfig {
    pub basis: ShareBasis,
    /// Lower end of the admissible share rate.
    pub low: f64,
    /// Upper end of the admissible share rate.
    pub high: f64,
    /// Relative decline of the share rate per year (0.1 = the rate falls by 10 % each year).
    pub annual_decay: f64,
    /// Discount cash flows at mid-year instead of year end.
    pub mid_year: bool,
    /// Where the share rate sits in `[low, high]`.
    pub position: SharePosition,
    /// How an asset group's patent income is split among its patents.
    pub allocation: Allocation,
}

impl Default for ShareRateConfig {
    fn default() -> Self {
        Self {
            basis: ShareBasis::Revenue,
            low: 0.01,
            high: 0.05,
            annual_decay: 0.0,
            mid_year: false,
            position: SharePosition::Midpoint,
            allocation: Allocation::Scorecard,
        }
    }
}

/// Reconciliation weights; renormalised over the methods that produce a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MethodWeights {
    pub cost: f64,
    pub income: f64,
    pub market: f64,
}

impl Default for MethodWeights {
    fn default() -> Self {
        Self {
            cost: 0.2,
            income: 0.6,
            market: 0.2,
        }
    }
}

/// Remaining-economic-life rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LifeRules {
    /// Economic life as a share of the remaining legal term, per patent type, when no override is given.
    pub invention_share_of_legal: f64,
    pub utility_model_share_of_legal: f64,
    pub design_share_of_legal: f64,
    /// Hard cap on remaining economic life in years.
    pub max_years: f64,
    /// Probability that a pending application is granted.
    pub grant_probability: f64,
}

impl Default for LifeRules {
    fn default() -> Self {
        Self {
            invention_share_of_legal: 0.6,
            utility_model_share_of_legal: 0.7,
            design_share_of_legal: 0.5,
            max_years: 15.0,
            grant_probability: 0.6,
        }
    }
}

impl LifeRules {
    /// Share of the remaining legal term taken as economic life for a patent type.
    pub fn share_of_legal(&self, t: PatentType) -> f64 {
        match t {
            PatentType::Invention => self.invention_share_of_legal,
            PatentType::UtilityModel => self.utility_model_share_of_legal,
            PatentType::Design => self.design_share_of_legal,
        }
    }
}

/// Reads a valuation date written as a TOML date or as a string in any accepted form
/// (`"2026/9/30"`, `"2026年9月30日"`); writes it as an ISO string.
pub(crate) mod toml_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Toml(toml::value::Datetime),
        Text(String),
    }

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = match Raw::deserialize(d)? {
            Raw::Toml(dt) => match (dt.date, dt.time) {
                (Some(date), None) => format!("{:04}-{:02}-{:02}", date.year, date.month, date.day),
                _ => {
                    return Err(serde::de::Error::custom(
                        "a date without a time of day is expected, e.g. 2026-09-30",
                    ));
                }
            },
            Raw::Text(s) => s,
        };
        crate::model::dates::parse_date(&text)
            .map_err(|why| serde::de::Error::custom(format!("\"{text}\" {why}")))
    }
}

impl Distribution {
    /// Why the parameters are unusable, if they are.
    pub fn problem(&self) -> Option<String> {
        let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
        match *self {
            Distribution::Fixed { value } if !finite(&[value]) => {
                Some("value must be a number".into())
            }
            Distribution::Triangular { low, mode, high } => {
                if !(finite(&[low, mode, high]) && low <= mode && mode <= high) || low == high {
                    Some(format!(
                        "triangular needs low ≤ mode ≤ high and low < high (got {low}, {mode}, {high})"
                    ))
                } else {
                    None
                }
            }
            Distribution::Normal { mean, sd } if !finite(&[mean, sd]) || sd < 0.0 => {
                Some(format!("normal needs sd ≥ 0 (got {sd})"))
            }
            Distribution::Lognormal { mu, sigma } if !finite(&[mu, sigma]) || sigma < 0.0 => {
                Some(format!("lognormal needs sigma ≥ 0 (got {sigma})"))
            }
            _ => None,
        }
    }
}

mod defaults {
    use std::collections::BTreeMap;

    pub fn tax_rate() -> f64 {
        0.15
    }

    /// China's fixed-asset investment price index (2019 = 100), rounded; users replace it with
    /// the series their firm uses.
    pub fn price_index() -> BTreeMap<String, f64> {
        [
            (2015, 94.6),
            (2016, 93.9),
            (2017, 99.5),
            (2018, 98.4),
            (2019, 100.0),
            (2020, 99.8),
            (2021, 104.7),
            (2022, 106.7),
            (2023, 104.9),
            (2024, 103.8),
            (2025, 103.1),
            (2026, 103.5),
        ]
        .into_iter()
        .map(|(y, v)| (y.to_string(), v))
        .collect()
    }
}

impl Assumptions {
    /// Default assumptions for a valuation date.
    pub fn with_date(valuation_date: NaiveDate) -> Self {
        Self {
            valuation_date,
            tax_rate: defaults::tax_rate(),
            discount: DiscountConfig::default(),
            share_rate: ShareRateConfig::default(),
            price_index: defaults::price_index(),
            method_weights: MethodWeights::default(),
            economic_life: LifeRules::default(),
            income: IncomeConfig::default(),
            cost: CostConfig::default(),
            market: MarketConfig::default(),
            scorecard: ScorecardConfig::default(),
            sensitivity: SensitivityConfig::default(),
            simulation: SimulationConfig::default(),
            basis: BTreeMap::new(),
        }
    }

    /// Parses and validates TOML text; `file` names the source in messages.
    pub fn from_toml(text: &str, file: &str) -> Result<Self, AssumptionsError> {
        let a: Assumptions = toml::from_str(text).map_err(|e| AssumptionsError::Parse {
            file: file.to_string(),
            message: super::toml_error(text, &e),
        })?;
        let problems = a.problems();
        if problems.is_empty() {
            Ok(a)
        } else {
            Err(AssumptionsError::Invalid {
                file: file.to_string(),
                problems,
            })
        }
    }

    /// Serialises to TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// Price index of a year, if the table has it.
    pub fn price_index_of(&self, year: i32) -> Option<f64> {
        self.price_index.get(&year.to_string()).copied()
    }

    /// Every out-of-range parameter, each as `key = value: what is wrong`.
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        let mut range = |key: &str, v: f64, lo: f64, hi: f64| {
            if !(v.is_finite() && v >= lo && v <= hi) {
                p.push(format!("{key} = {v} is outside {lo}–{hi}"));
            }
        };
        range("tax_rate", self.tax_rate, 0.0, 0.6);
        let d = &self.discount;
        range("discount.risk_free_rate", d.risk_free_rate, 0.0, 0.2);
        range("discount.technology_risk", d.technology_risk, 0.0, 0.3);
        range("discount.market_risk", d.market_risk, 0.0, 0.3);
        range("discount.funding_risk", d.funding_risk, 0.0, 0.3);
        range("discount.management_risk", d.management_risk, 0.0, 0.3);
        let s = &self.share_rate;
        range("share_rate.low", s.low, 0.0, 1.0);
        range("share_rate.high", s.high, 0.0, 1.0);
        range("share_rate.annual_decay", s.annual_decay, 0.0, 0.9);
        let w = &self.method_weights;
        range("method_weights.cost", w.cost, 0.0, 1.0);
        range("method_weights.income", w.income, 0.0, 1.0);
        range("method_weights.market", w.market, 0.0, 1.0);
        let l = &self.economic_life;
        range(
            "economic_life.invention_share_of_legal",
            l.invention_share_of_legal,
            0.0,
            1.0,
        );
        range(
            "economic_life.utility_model_share_of_legal",
            l.utility_model_share_of_legal,
            0.0,
            1.0,
        );
        range(
            "economic_life.design_share_of_legal",
            l.design_share_of_legal,
            0.0,
            1.0,
        );
        range("economic_life.max_years", l.max_years, 0.0, 20.0);
        range(
            "economic_life.grant_probability",
            l.grant_probability,
            0.0,
            1.0,
        );
        let i = &self.income;
        range("income.royalty_rate", i.royalty_rate, 0.0, 1.0);
        let c = &self.cost;
        range(
            "cost.developer_profit_rate",
            c.developer_profit_rate,
            0.0,
            1.0,
        );
        range(
            "cost.functional_obsolescence",
            c.functional_obsolescence,
            0.0,
            1.0,
        );
        range(
            "cost.economic_obsolescence",
            c.economic_obsolescence,
            0.0,
            1.0,
        );
        let m = &self.market;
        range(
            "market.min_comparables",
            m.min_comparables as f64,
            1.0,
            100.0,
        );
        range(
            "market.max_comparables",
            m.max_comparables as f64,
            1.0,
            100.0,
        );
        range("market.min_similarity", m.min_similarity, 0.0, 1.0);
        range(
            "market.circumstance_factor",
            m.circumstance_factor,
            0.1,
            10.0,
        );
        range("market.max_factor", m.max_factor, 1.0, 10.0);
        let k = &m.deal_kind_factors;
        for (key, v) in [
            ("assignment", k.assignment),
            ("exclusive_licence", k.exclusive_licence),
            ("sole_licence", k.sole_licence),
            ("non_exclusive_licence", k.non_exclusive_licence),
        ] {
            range(&format!("market.deal_kind_factors.{key}"), v, 0.01, 10.0);
        }
        let sc = &self.scorecard;
        range("scorecard.legal_weight", sc.legal_weight, 0.0, 1.0);
        range("scorecard.technical_weight", sc.technical_weight, 0.0, 1.0);
        range("scorecard.economic_weight", sc.economic_weight, 0.0, 1.0);
        for (name, ws) in [
            ("legal", &sc.legal[..]),
            ("technical", &sc.technical[..]),
            ("economic", &sc.economic[..]),
        ] {
            for (j, w) in ws.iter().enumerate() {
                range(&format!("scorecard.{name}[{j}]"), *w, 0.0, 1.0);
            }
        }
        range(
            "scorecard.technology_risk_max",
            sc.technology_risk_max,
            0.0,
            0.3,
        );
        range("scorecard.market_risk_max", sc.market_risk_max, 0.0, 0.3);
        let se = &self.sensitivity;
        range("sensitivity.share_rate", se.share_rate, 0.0, 0.9);
        range("sensitivity.discount_rate", se.discount_rate, 0.0, 0.1);
        range("sensitivity.revenue", se.revenue, 0.0, 0.9);
        range("sensitivity.life", se.life, 0.0, 0.9);
        let sim = &self.simulation;
        range("simulation.draws", sim.draws as f64, 1.0, 1_000_000.0);
        for (name, d) in [
            ("share_rate", &sim.share_rate),
            ("discount_rate", &sim.discount_rate),
            ("revenue", &sim.revenue),
            ("life", &sim.life),
        ] {
            if let Some(why) = d.problem() {
                p.push(format!("simulation.{name}: {why}"));
            }
        }
        for key in self.basis.keys() {
            if crate::model::parameters::key_spec(key).is_none() {
                p.push(format!(
                    "basis.{key}: no such parameter (docs/input-formats.md lists the keys)"
                ));
            }
        }
        if sc.legal_weight + sc.technical_weight + sc.economic_weight <= 0.0 {
            p.push("scorecard weights are all zero".into());
        }
        if s.low > s.high {
            p.push(format!(
                "share_rate.low = {} is above share_rate.high = {}",
                s.low, s.high
            ));
        }
        if w.cost + w.income + w.market <= 0.0 {
            p.push("method_weights are all zero: at least one method needs a weight".into());
        }
        for (year, v) in &self.price_index {
            match year.parse::<i32>() {
                Ok(y) if (1900..=2200).contains(&y) => {}
                _ => p.push(format!("price_index key \"{year}\" is not a year")),
            }
            if !(v.is_finite() && *v > 0.0) {
                p.push(format!(
                    "price_index.{year} = {v} must be a positive number"
                ));
            }
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_file_takes_documented_defaults() {
        let a = Assumptions::from_toml("valuation_date = 2026-09-30\n", "a.toml").unwrap();
        assert_eq!(
            a,
            Assumptions::with_date(NaiveDate::from_ymd_opt(2026, 9, 30).unwrap())
        );
        assert!((a.discount.rate() - 0.1285).abs() < 1e-12);
    }

    #[test]
    fn round_trips_through_toml() {
        let a = Assumptions::with_date(NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
        let b = Assumptions::from_toml(&a.to_toml(), "a.toml").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn misspelt_key_is_rejected_with_its_name() {
        let e = Assumptions::from_toml(
            "valuation_date = 2026-09-30\n[discount]\nrisk_fre_rate = 0.02\n",
            "a.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("a.toml") && e.contains("risk_fre_rate"), "{e}");
    }

    #[test]
    fn out_of_range_values_are_all_reported() {
        let e = Assumptions::from_toml(
            "valuation_date = 2026-09-30\ntax_rate = 1.5\n[share_rate]\nlow = 0.3\nhigh = 0.1\n",
            "a.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("tax_rate = 1.5 is outside 0–0.6"), "{e}");
        assert!(
            e.contains("share_rate.low = 0.3 is above share_rate.high = 0.1"),
            "{e}"
        );
    }

    #[test]
    fn missing_valuation_date_is_named() {
        let e = Assumptions::from_toml("tax_rate = 0.25\n", "a.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("valuation_date"), "{e}");
    }
}
