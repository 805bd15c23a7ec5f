//! Per-patent traces: every intermediate figure behind a value, for the GUI, the report and
//! `patval value --json`.

use serde::Serialize;

use super::discount::DiscountBuildUp;
use super::life::Life;
use super::reconcile::Reconciliation;
use super::scorecard::Score;
use super::{Engine, Method};
use crate::model::{CostCategory, DealKind, PatentType};

/// Everything behind one patent's values.
#[derive(Debug, Clone, Serialize)]
pub struct PatentTrace {
    pub patent_no: String,
    pub life: Life,
    pub score: Score,
    pub discount: DiscountBuildUp,
    pub share_rate: f64,
    pub allocation: f64,
    pub pending_factor: f64,
    pub cost: Option<CostTrace>,
    pub income: Option<IncomeTrace>,
    pub market: Option<MarketTrace>,
    pub reconciliation: Option<Reconciliation>,
    /// Each parameter the parameters table sets for this patent, with its scope, basis and source.
    pub parameters: Vec<super::parameters::ResolvedParam>,
}

impl PatentTrace {
    pub fn new(e: &Engine, i: usize) -> Self {
        let b = &e.base[i];
        Self {
            patent_no: e.inputs.patent_nos.get(i).cloned().unwrap_or_default(),
            life: b.life,
            score: b.score,
            discount: b.discount,
            share_rate: b.share_rate,
            allocation: b.allocation,
            pending_factor: b.pending_factor,
            cost: None,
            income: None,
            market: None,
            reconciliation: None,
            parameters: e.explain(i, false),
        }
    }

    /// The value of a method as the trace records it.
    pub fn value(&self, m: Method) -> Option<f64> {
        match m {
            Method::Cost => self.cost.as_ref().and_then(|t| t.value),
            Method::Income => self.income.as_ref().and_then(|t| t.value),
            Method::Market => self.market.as_ref().and_then(|t| t.value),
        }
    }
}

/// One cost item restated to the valuation date.
#[derive(Debug, Clone, Serialize)]
pub struct CostItemTrace {
    pub category: CostCategory,
    pub year: i32,
    /// The amount as booked (for an asset-group item: this patent's equal share).
    pub amount: f64,
    /// Price-index year used for `year` (the nearest one in the table).
    pub index_year: Option<i32>,
    /// `index(valuation year) / index(year)`.
    pub index_ratio: f64,
    pub restated: f64,
    pub official_fee: bool,
    /// Booked to the asset group and shared equally among its patents.
    pub from_group: bool,
    /// Row in the cost-items file (0 for the portfolio's R&D cost override).
    pub source_row: u32,
}

/// The cost approach for one patent.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CostTrace {
    pub items: Vec<CostItemTrace>,
    /// The portfolio's R&D cost column was used (no cost items).
    pub from_rd_override: bool,
    /// The multiplier method's inputs, when it gave the replacement cost.
    pub multiplier: Option<super::parameters::Multiplier>,
    pub rd_restated: f64,
    pub developer_profit_rate: f64,
    pub developer_profit: f64,
    pub fees_restated: f64,
    pub replacement_cost: f64,
    pub used_life: f64,
    pub remaining_life: f64,
    pub depreciation_rate: f64,
    pub functional_obsolescence: f64,
    pub economic_obsolescence: f64,
    pub pending_factor: f64,
    pub value: Option<f64>,
    pub note: Option<String>,
}

/// One forecast year of the income approach.
#[derive(Debug, Clone, Serialize)]
pub struct YearTrace {
    pub year: i32,
    /// Start of the year's period, years after the valuation date.
    pub start: f64,
    /// Length of the period in years (the first year is partial).
    pub length: f64,
    /// Part of the forecast amount counted: the period's length for a full-year amount, 1 for
    /// the valuation year's remaining months stated in the forecast.
    pub pro_rata: f64,
    /// Discounting time in years (end or middle of the period).
    pub time: f64,
    pub revenue: f64,
    /// Revenue, profit for a profit share, or the pre-tax excess income.
    pub base: f64,
    /// The excess-earnings drivers of the year (excess earnings only).
    pub excess: Option<super::inputs::ExcessDrivers>,
    pub share_rate: f64,
    /// Share of the period within the remaining economic life.
    pub life_cover: f64,
    pub cash_flow: f64,
    pub discount_factor: f64,
    pub present_value: f64,
}

/// The income approach for one patent.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IncomeTrace {
    pub asset_group: String,
    pub variant: String,
    pub basis: String,
    pub tax_rate: f64,
    pub discount_rate: f64,
    pub allocation: f64,
    pub remaining_life: f64,
    /// How the valuation year's amount was taken: stated for the remaining months, or pro-rated.
    pub first_period: Option<String>,
    pub years: Vec<YearTrace>,
    pub pending_factor: f64,
    /// Tax amortisation benefit factor, when the benefit is on.
    pub tab_factor: Option<f64>,
    pub value: Option<f64>,
    pub note: Option<String>,
}

/// One comparable as adjusted for the subject patent.
#[derive(Debug, Clone, Serialize)]
pub struct ComparableTrace {
    pub deal_id: String,
    pub deal_date: String,
    pub ipc: String,
    pub patent_type: PatentType,
    pub deal_kind: DealKind,
    pub price: f64,
    pub remaining_life: f64,
    pub claims: u32,
    pub similarity: f64,
    pub circumstance_factor: f64,
    pub date_factor: f64,
    pub technology_factor: f64,
    pub life_factor: f64,
    pub deal_kind_factor: f64,
    /// Factors the appraiser added (name, value, reason).
    pub other_factors: Vec<(String, f64, String)>,
    /// Factors set by hand instead of computed.
    pub overrides: Vec<FactorOverride>,
    /// The comparable's weight in the mean (similarity, 1, or set by hand).
    pub weight: f64,
    pub adjusted_price: f64,
}

/// A factor of the market grid set by hand.
#[derive(Debug, Clone, Serialize)]
pub struct FactorOverride {
    pub factor: String,
    /// What patval computed.
    pub computed: f64,
    /// What the appraiser set.
    pub value: f64,
    pub reason: String,
}

/// The market approach for one patent.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MarketTrace {
    pub comparables: Vec<ComparableTrace>,
    /// Comparables the appraiser excluded, with the reason.
    pub excluded: Vec<(String, String)>,
    /// Few comparables and the like.
    pub warning: Option<String>,
    pub weighted_mean: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub pending_factor: f64,
    pub value: Option<f64>,
    pub note: Option<String>,
}
