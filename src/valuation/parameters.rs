//! Parameter resolution: the one place that decides each valuation parameter of a patent.
//!
//! A value set for the patent wins; else one set for its asset group; else one set for the
//! portfolio in the parameters table; else the assumptions file. The winning entry's basis and
//! source travel with it ([`Resolver::explain`]). Every method reads the resolved [`Params`]
//! through `Engine::params`; none reads the assumptions file for a parameter listed here.
//!
//! One exception to "narrower wins" is documented in docs/methods.md §10: the portfolio file's
//! `remaining_life` column is patent data, so it beats a group or portfolio parameter but not a
//! patent parameter.

use std::collections::HashMap;

use serde::Serialize;

use super::{Method, Methods};
use crate::model::Assumptions;
use crate::model::assumptions::{
    DiscountConfig, IncomeVariant, LifeFactor, MethodWeights, ShareBasis, Weighting,
};
use crate::model::parameters::{
    GridFactor, KEYS, ParamEntry, ParamKey, ParamScope, ParamValue, ParameterSet, ValueKind,
    key_spec,
};

/// The multiplier (倍加系数法) inputs of one patent.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Multiplier {
    pub material: f64,
    pub labour: f64,
    pub beta: f64,
    pub risk_rate: f64,
    pub return_rate: f64,
}

/// A hand-set cell of a patent's market grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridCell {
    pub deal_id: String,
    pub factor: GridFactor,
    pub value: f64,
    pub reason: String,
}

/// Every parameter of one patent, resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Params {
    pub discount: DiscountConfig,
    /// A discount rate typed directly (replaces the build-up).
    pub discount_rate: Option<f64>,
    /// A share rate set in the parameters table (typed or derived), and the scope that set it.
    pub share_rate: Option<(f64, ParamScope)>,
    pub share_basis: ShareBasis,
    pub annual_decay: f64,
    pub royalty_rate: f64,
    /// Remaining economic life set in the parameters table, and the scope that set it.
    pub remaining_life: Option<(f64, ParamScope)>,
    /// Years in use for the cost approach's depreciation, if set.
    pub used_life: Option<f64>,
    pub variant: IncomeVariant,
    pub tax_rate: f64,
    pub apply_tax: bool,
    pub mid_year: bool,
    /// Discount factors as exact figures or as a 4-decimal factor table.
    pub factor_table: FactorTable,
    /// Add the tax amortisation benefit, over `tax_amortisation_years`.
    pub tax_amortisation: bool,
    pub tax_amortisation_years: f64,
    pub grant_probability: f64,
    pub developer_profit_rate: f64,
    pub functional_obsolescence: f64,
    pub economic_obsolescence: f64,
    /// The cost approach uses the multiplier method with `multiplier`'s inputs.
    pub cost_multiplier: bool,
    pub multiplier: Multiplier,
    pub methods: Methods,
    pub weights: MethodWeights,
    /// One method chosen for the conclusion; `None` = weighted.
    pub conclusion: Option<Method>,
    pub min_comparables: usize,
    /// `None`: computed factors are not clamped.
    pub max_factor: Option<f64>,
    pub life_factor: LifeFactor,
    pub weighting: Weighting,
    pub circumstance_factor: f64,
    pub grid: Vec<GridCell>,
}

impl Params {
    /// The portfolio's parameters as the assumptions file gives them.
    pub fn from_assumptions(a: &Assumptions) -> Self {
        Self {
            discount: a.discount.clone(),
            discount_rate: None,
            share_rate: None,
            share_basis: a.share_rate.basis,
            annual_decay: a.share_rate.annual_decay,
            royalty_rate: a.income.royalty_rate,
            remaining_life: None,
            used_life: None,
            variant: a.income.variant,
            tax_rate: a.tax_rate,
            apply_tax: a.income.apply_tax,
            mid_year: a.share_rate.mid_year,
            factor_table: FactorTable::Exact,
            tax_amortisation: false,
            tax_amortisation_years: DEFAULT_TAB_YEARS,
            grant_probability: a.economic_life.grant_probability,
            developer_profit_rate: a.cost.developer_profit_rate,
            functional_obsolescence: a.cost.functional_obsolescence,
            economic_obsolescence: a.cost.economic_obsolescence,
            cost_multiplier: false,
            multiplier: Multiplier {
                beta: 1.0,
                ..Default::default()
            },
            methods: Methods::default(),
            weights: a.method_weights.clone(),
            conclusion: None,
            min_comparables: a.market.min_comparables,
            max_factor: Some(a.market.max_factor),
            life_factor: a.market.life_factor,
            weighting: a.market.weighting,
            circumstance_factor: a.market.circumstance_factor,
            grid: Vec::new(),
        }
    }

    /// Applies one entry on top.
    fn apply(&mut self, e: &ParamEntry) {
        let n = e.value.number().unwrap_or(0.0);
        let on = matches!(e.value, ParamValue::Bool(true));
        let choice = match &e.value {
            ParamValue::Choice(c) => c.as_str(),
            _ => "",
        };
        let code = match &e.key {
            ParamKey::Known(c) => c.as_str(),
            ParamKey::Comparable { deal_id, factor } => {
                self.grid
                    .retain(|g| !(g.deal_id == *deal_id && g.factor == *factor));
                self.grid.push(GridCell {
                    deal_id: deal_id.clone(),
                    factor: factor.clone(),
                    value: match e.value {
                        ParamValue::Bool(b) => f64::from(u8::from(b)),
                        _ => n,
                    },
                    reason: e.basis.clone(),
                });
                return;
            }
        };
        let m = &mut self.multiplier;
        match code {
            "cost_method" => self.cost_multiplier = choice == "multiplier",
            "cost_material" => m.material = n,
            "cost_labour" => m.labour = n,
            "cost_beta" => m.beta = n,
            "cost_risk_rate" => m.risk_rate = n,
            "cost_return_rate" => m.return_rate = n,
            "discount_rate" => self.discount_rate = Some(n),
            "risk_free_rate" => self.discount.risk_free_rate = n,
            "technology_risk" => self.discount.technology_risk = n,
            "market_risk" => self.discount.market_risk = n,
            "funding_risk" => self.discount.funding_risk = n,
            "management_risk" => self.discount.management_risk = n,
            "share_rate" => {
                self.share_rate = Some((n, e.scope));
                if let ParamValue::Derived(d) = &e.value {
                    self.share_basis = basis_of(d.base());
                }
            }
            "share_base" => self.share_basis = basis_of(choice),
            "annual_decay" => self.annual_decay = n,
            "royalty_rate" => self.royalty_rate = n,
            "remaining_life" => self.remaining_life = Some((n, e.scope)),
            "used_life" => self.used_life = Some(n),
            "income_variant" => {
                self.variant = IncomeVariant::from_code(choice).unwrap_or(self.variant)
            }
            "tax_rate" => self.tax_rate = n,
            "apply_tax" => self.apply_tax = on,
            "mid_year" => self.mid_year = on,
            "factor_table" => {
                self.factor_table = match choice {
                    "pf4" => FactorTable::Pf4,
                    "pa4" => FactorTable::Pa4,
                    _ => FactorTable::Exact,
                }
            }
            "tax_amortisation" => self.tax_amortisation = on,
            "tax_amortisation_years" => self.tax_amortisation_years = n,
            "grant_probability" => self.grant_probability = n,
            "developer_profit_rate" => self.developer_profit_rate = n,
            "functional_obsolescence" => self.functional_obsolescence = n,
            "economic_obsolescence" => self.economic_obsolescence = n,
            "method_cost" => self.methods.cost = on,
            "method_income" => self.methods.income = on,
            "method_market" => self.methods.market = on,
            "weight_cost" => self.weights.cost = n,
            "weight_income" => self.weights.income = n,
            "weight_market" => self.weights.market = n,
            "conclusion" => self.conclusion = method_of(choice),
            "min_comparables" => self.min_comparables = n.round() as usize,
            "max_factor" => {
                self.max_factor = match e.value {
                    ParamValue::Off => None,
                    _ => Some(n),
                }
            }
            "life_factor" => {
                self.life_factor = if choice == "ratio" {
                    LifeFactor::Ratio
                } else {
                    LifeFactor::Annuity
                }
            }
            "weighting" => {
                self.weighting = match choice {
                    "equal" => Weighting::Equal,
                    "manual" => Weighting::Manual,
                    _ => Weighting::Similarity,
                }
            }
            "circumstance_factor" => self.circumstance_factor = n,
            _ => {}
        }
    }

    /// The hand-set value of a grid cell, with its reason.
    pub fn grid_cell(&self, deal_id: &str, factor: &GridFactor) -> Option<&GridCell> {
        self.grid
            .iter()
            .find(|g| g.deal_id == deal_id && &g.factor == factor)
    }
}

/// How discount factors are taken (docs/methods.md §10.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorTable {
    /// `(1 + r)^(−t)` as computed.
    Exact,
    /// Each period's (P/F, r, t) rounded to 4 decimals, as a compound-interest table prints it.
    Pf4,
    /// Each period's factor is the step between (P/A, r, t) values rounded to 4 decimals, so a
    /// level stream sums to the annuity table's figure.
    Pa4,
}

/// Default tax amortisation period, years: the shortest China's income-tax rules allow for an
/// intangible.
pub const DEFAULT_TAB_YEARS: f64 = 10.0;

fn basis_of(code: &str) -> ShareBasis {
    if code == "profit" {
        ShareBasis::Profit
    } else {
        ShareBasis::Revenue
    }
}

fn method_of(code: &str) -> Option<Method> {
    match code {
        "cost" => Some(Method::Cost),
        "income" => Some(Method::Income),
        "market" => Some(Method::Market),
        _ => None,
    }
}

/// Where a resolved value came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolvedParam {
    pub key: String,
    pub label_zh: String,
    /// The value as typed (or the assumptions file's value).
    pub value: String,
    /// `patent`, `group`, `portfolio`, or `assumptions` (the assumptions file).
    pub scope: String,
    pub target: String,
    pub basis: String,
    pub source: String,
    /// Row in the parameters file (0 for the assumptions file).
    pub row: u32,
    /// A share rate's derivation with its inputs.
    pub derivation: Option<String>,
}

impl ResolvedParam {
    /// A key left to the assumptions file, with that file's value.
    fn assumptions(a: &Assumptions, k: &crate::model::parameters::KeySpec) -> Self {
        Self {
            key: k.code.into(),
            label_zh: k.zh.into(),
            value: assumptions_value(a, k.code),
            scope: "assumptions".into(),
            target: String::new(),
            basis: String::new(),
            source: String::new(),
            row: 0,
            derivation: None,
        }
    }

    fn of(e: &ParamEntry) -> Self {
        Self {
            key: e.key.code(),
            label_zh: e.key.label_zh(),
            value: e.text.clone(),
            scope: e.scope.code().into(),
            target: e.target.clone(),
            basis: e.basis.clone(),
            source: e.source.clone(),
            row: e.row,
            derivation: match &e.value {
                ParamValue::Derived(d) => Some(d.describe_zh()),
                _ => None,
            },
        }
    }
}

/// The parameters table indexed by scope.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    pub set: ParameterSet,
    portfolio: Vec<usize>,
    groups: HashMap<String, Vec<usize>>,
    patents: HashMap<String, Vec<usize>>,
}

impl Resolver {
    pub fn new(set: ParameterSet) -> Self {
        let mut r = Resolver {
            set,
            ..Default::default()
        };
        for (i, e) in r.set.entries.iter().enumerate() {
            match e.scope {
                ParamScope::Portfolio => r.portfolio.push(i),
                ParamScope::Group => r.groups.entry(e.target.clone()).or_default().push(i),
                ParamScope::Patent => r.patents.entry(e.target.clone()).or_default().push(i),
            }
        }
        r
    }

    /// Whether a patent has entries of its own.
    pub fn has_patent(&self, patent_no: &str) -> bool {
        self.patents.contains_key(patent_no)
    }

    /// The entries that apply, broadest first: portfolio, then the group, then the patent.
    fn layers<'a>(
        &'a self,
        group: &str,
        patent: Option<&str>,
    ) -> impl Iterator<Item = &'a ParamEntry> + 'a {
        let g = self.groups.get(group).map(Vec::as_slice).unwrap_or(&[]);
        let p = patent
            .and_then(|p| self.patents.get(p))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        self.portfolio
            .iter()
            .chain(g)
            .chain(p)
            .map(|&i| &self.set.entries[i])
    }

    /// The parameters of an asset group (`patent = None`) or of one of its patents.
    pub fn resolve(&self, a: &Assumptions, group: &str, patent: Option<&str>) -> Params {
        let mut p = Params::from_assumptions(a);
        for e in self.layers(group, patent) {
            p.apply(e);
        }
        p
    }

    /// The winning entry of every key set for the patent (or group), with its basis; with
    /// `all`, also each key left to the assumptions file, shown with that file's value.
    pub fn explain(
        &self,
        a: &Assumptions,
        group: &str,
        patent: Option<&str>,
        all: bool,
    ) -> Vec<ResolvedParam> {
        let mut winners: Vec<&ParamEntry> = Vec::new();
        for e in self.layers(group, patent) {
            match winners.iter().position(|w| w.key == e.key) {
                Some(i) => winners[i] = e,
                None => winners.push(e),
            }
        }
        let mut out = Vec::new();
        for k in KEYS {
            if let Some(w) = winners.iter().find(|w| w.key.is(k.code)) {
                out.push(ResolvedParam::of(w));
            } else if let Some(note) = a.basis.get(k.code) {
                out.push(ResolvedParam {
                    basis: note.basis().into(),
                    source: note.source().into(),
                    ..ResolvedParam::assumptions(a, k)
                });
            } else if all {
                out.push(ResolvedParam::assumptions(a, k));
            }
        }
        out.extend(
            winners
                .iter()
                .filter(|w| matches!(w.key, ParamKey::Comparable { .. }))
                .map(|w| ResolvedParam::of(w)),
        );
        out
    }
}

/// A key's value as the assumptions file gives it, for display.
pub fn assumptions_value(a: &Assumptions, code: &str) -> String {
    let p = Params::from_assumptions(a);
    let kind = key_spec(code).map(|k| k.kind);
    let num = |x: f64| match kind {
        Some(k) => ParamValue::Number(x).display(k),
        None => crate::model::parameters::trim_num(x),
    };
    let onoff = |b: bool| if b { "on" } else { "off" }.to_string();
    match code {
        "discount_rate" => format!("{} (build-up)", num(a.discount.rate())),
        "risk_free_rate" => num(p.discount.risk_free_rate),
        "technology_risk" => num(p.discount.technology_risk),
        "market_risk" => num(p.discount.market_risk),
        "funding_risk" => num(p.discount.funding_risk),
        "management_risk" => num(p.discount.management_risk),
        "share_rate" => {
            let pct =
                |x: f64| ParamValue::Number(x).display(ValueKind::Rate { min: 0.0, max: 1.0 });
            format!("{}–{}", pct(a.share_rate.low), pct(a.share_rate.high))
        }
        "share_base" => match p.share_basis {
            ShareBasis::Revenue => "revenue".into(),
            ShareBasis::Profit => "profit".into(),
        },
        "annual_decay" => num(p.annual_decay),
        "royalty_rate" => num(p.royalty_rate),
        "remaining_life" => "rules".into(),
        "used_life" => "since filing".into(),
        "income_variant" => p.variant.code().into(),
        "tax_rate" => num(p.tax_rate),
        "apply_tax" => onoff(p.apply_tax),
        "mid_year" => onoff(p.mid_year),
        "factor_table" => "exact".into(),
        "tax_amortisation" => onoff(false),
        "tax_amortisation_years" => num(DEFAULT_TAB_YEARS),
        "grant_probability" => num(p.grant_probability),
        "developer_profit_rate" => num(p.developer_profit_rate),
        "functional_obsolescence" => num(p.functional_obsolescence),
        "economic_obsolescence" => num(p.economic_obsolescence),
        "cost_method" => "restated".into(),
        "cost_material" | "cost_labour" => "—".into(),
        "cost_beta" => "1".into(),
        "cost_risk_rate" | "cost_return_rate" => num(0.0),
        "method_cost" | "method_income" | "method_market" => onoff(true),
        "weight_cost" => num(p.weights.cost),
        "weight_income" => num(p.weights.income),
        "weight_market" => num(p.weights.market),
        "conclusion" => "weighted".into(),
        "min_comparables" => p.min_comparables.to_string(),
        "max_factor" => num(a.market.max_factor),
        "life_factor" => match p.life_factor {
            LifeFactor::Annuity => "annuity".into(),
            LifeFactor::Ratio => "ratio".into(),
        },
        "weighting" => match p.weighting {
            Weighting::Similarity => "similarity".into(),
            Weighting::Equal => "equal".into(),
            Weighting::Manual => "manual".into(),
        },
        "circumstance_factor" => num(p.circumstance_factor),
        _ => String::new(),
    }
}

/// Parameters interned per engine: every patent without entries of its own shares its group's.
#[derive(Debug, Clone, Default)]
pub struct ParamTable {
    pub sets: Vec<Params>,
    /// Index into `sets` per patent.
    pub of: Vec<u32>,
}

impl ParamTable {
    /// Resolves every patent: one resolution per asset group, one per patent with entries.
    pub fn build(
        r: &Resolver,
        a: &Assumptions,
        group_names: &[String],
        patent_groups: &[u32],
        patent_nos: &[String],
    ) -> Self {
        let mut sets: Vec<Params> = group_names.iter().map(|g| r.resolve(a, g, None)).collect();
        let of = patent_groups
            .iter()
            .zip(patent_nos)
            .map(|(&g, no)| {
                if r.has_patent(no) {
                    sets.push(r.resolve(a, &group_names[g as usize], Some(no)));
                    (sets.len() - 1) as u32
                } else {
                    g
                }
            })
            .collect();
        ParamTable { sets, of }
    }

    pub fn get(&self, i: usize) -> &Params {
        &self.sets[self.of[i] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn entry(scope: ParamScope, target: &str, key: &str, text: &str, basis: &str) -> ParamEntry {
        let key = ParamKey::parse(key).unwrap();
        ParamEntry {
            scope,
            target: target.into(),
            value: crate::import::parameters::parse_value(&key, text).unwrap(),
            key,
            text: text.into(),
            basis: basis.into(),
            source: String::new(),
            row: 0,
        }
    }

    #[test]
    fn narrower_scope_wins_and_keeps_its_basis() {
        let a = Assumptions::with_date(NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
        let r = Resolver::new(ParameterSet {
            entries: vec![
                entry(ParamScope::Patent, "CN1", "tax_rate", "25%", "非高新"),
                entry(ParamScope::Group, "A", "tax_rate", "15%", "高新技术企业"),
                entry(ParamScope::Portfolio, "", "tax_rate", "20%", "组合"),
                entry(
                    ParamScope::Group,
                    "A",
                    "share_rate",
                    "约当投资(100, 50%, 1000, 10%)",
                    "约当",
                ),
            ],
        });
        assert_eq!(r.resolve(&a, "A", Some("CN1")).tax_rate, 0.25);
        assert_eq!(r.resolve(&a, "A", Some("CN2")).tax_rate, 0.15);
        assert_eq!(r.resolve(&a, "B", None).tax_rate, 0.20);
        let p = r.resolve(&a, "A", None);
        assert_eq!(p.share_basis, ShareBasis::Profit);
        assert!((p.share_rate.unwrap().0 - 150.0 / 1250.0).abs() < 1e-15);
        let why = r.explain(&a, "A", Some("CN1"), false);
        let tax = why.iter().find(|w| w.key == "tax_rate").unwrap();
        assert_eq!(
            (tax.scope.as_str(), tax.basis.as_str()),
            ("patent", "非高新")
        );
        let share = why.iter().find(|w| w.key == "share_rate").unwrap();
        assert!(share.derivation.as_ref().unwrap().contains("约当投资"));
        let all = r.explain(&a, "B", None, true);
        assert_eq!(all.len(), KEYS.len());
        assert_eq!(
            all.iter().find(|w| w.key == "royalty_rate").unwrap().scope,
            "assumptions"
        );
    }

    #[test]
    fn interned_table_shares_group_sets() {
        let a = Assumptions::with_date(NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
        let r = Resolver::new(ParameterSet {
            entries: vec![entry(ParamScope::Patent, "P2", "discount_rate", "12%", "x")],
        });
        let t = ParamTable::build(
            &r,
            &a,
            &["G".into()],
            &[0, 0, 0],
            &["P1".into(), "P2".into(), "P3".into()],
        );
        assert_eq!(t.sets.len(), 2);
        assert_eq!(t.of, vec![0, 1, 0]);
        assert_eq!(t.get(1).discount_rate, Some(0.12));
    }
}
