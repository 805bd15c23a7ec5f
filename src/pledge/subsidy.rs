//! The borrower's financing cost and the subsidies that lower it (docs/bank.md §5).
//!
//! Gross annual cost = interest + guarantee fee + appraisal fee spread over the term + insurance
//! premium; each subsidy a policy profile names pays back its share of one of them (up to its
//! cap, when the profile sets one, and only when its condition holds); net = gross − subsidies.
//! The bundled Shenzhen profile carries only the figures its source states: the 70 % interest
//! subsidy and the 30 % guarantee-fee compensation on guarantees under 3,000,000 yuan.

use serde::{Deserialize, Serialize};

use super::{fen, yuan};

/// One subsidy of a policy profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subsidy {
    /// Share of the cost paid back (0–1).
    pub share: f64,
    /// At most this much per year, yuan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<f64>,
    /// Only when the amount the cost is charged on is below this, yuan (e.g. the guarantee
    /// amount for the Shenzhen guarantee-fee compensation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    /// Who qualifies, in the source's words (shown next to the figure).
    #[serde(default)]
    pub condition: String,
    /// The document the figure comes from.
    #[serde(default)]
    pub source: String,
}

/// The subsidies of a policy profile; each is absent unless the profile sets it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subsidies {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interest: Option<Subsidy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guarantee_fee: Option<Subsidy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appraisal_fee: Option<Subsidy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance_premium: Option<Subsidy>,
}

/// The cost items, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CostItem {
    Interest,
    GuaranteeFee,
    AppraisalFee,
    InsurancePremium,
}

impl CostItem {
    pub const ALL: [CostItem; 4] = [
        Self::Interest,
        Self::GuaranteeFee,
        Self::AppraisalFee,
        Self::InsurancePremium,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Interest => "interest",
            Self::GuaranteeFee => "guarantee_fee",
            Self::AppraisalFee => "appraisal_fee",
            Self::InsurancePremium => "insurance_premium",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Interest => "贷款利息",
            Self::GuaranteeFee => "担保费",
            Self::AppraisalFee => "评估费",
            Self::InsurancePremium => "保险费",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Self::Interest => "interest",
            Self::GuaranteeFee => "guarantee fee",
            Self::AppraisalFee => "appraisal fee",
            Self::InsurancePremium => "insurance premium",
        }
    }
}

impl Subsidies {
    pub fn get(&self, item: CostItem) -> Option<&Subsidy> {
        match item {
            CostItem::Interest => self.interest.as_ref(),
            CostItem::GuaranteeFee => self.guarantee_fee.as_ref(),
            CostItem::AppraisalFee => self.appraisal_fee.as_ref(),
            CostItem::InsurancePremium => self.insurance_premium.as_ref(),
        }
    }

    /// Range problems, each naming its key.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for item in CostItem::ALL {
            let Some(s) = self.get(item) else { continue };
            let key = format!("subsidies.{}", item.code());
            if !(0.0..=1.0).contains(&s.share) {
                out.push(format!("{key}.share = {} is outside 0–1", s.share));
            }
            for (k, v) in [("cap", s.cap), ("below", s.below)] {
                if let Some(v) = v
                    && !(v >= 0.0 && v.is_finite())
                {
                    out.push(format!("{key}.{k} = {v} must be 0 or more"));
                }
            }
        }
        out
    }
}

/// What the borrower pays for the loan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostInputs {
    /// The loan principal, yuan.
    pub principal: f64,
    /// Annual interest rate.
    pub interest_rate: f64,
    /// The guaranteed amount, yuan (0 without a guarantor).
    pub guaranteed: f64,
    /// Annual guarantee fee rate on the guaranteed amount.
    pub guarantee_fee_rate: f64,
    /// The appraisal fee, yuan, paid once.
    pub appraisal_fee: f64,
    /// Annual insurance premium rate on the principal.
    pub premium_rate: f64,
    /// Loan term in years (the appraisal fee is spread over it).
    pub term_years: f64,
    /// Subsidies the borrower does not qualify for (their conditions are not met).
    pub not_eligible: Vec<CostItem>,
}

impl CostInputs {
    /// Range problems, each naming its input.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (k, v) in [
            ("principal", self.principal),
            ("guaranteed amount", self.guaranteed),
            ("appraisal fee", self.appraisal_fee),
        ] {
            if !(v >= 0.0 && v.is_finite()) {
                out.push(format!("{k} {v} must be 0 or more"));
            }
        }
        for (k, v) in [
            ("interest rate", self.interest_rate),
            ("guarantee fee rate", self.guarantee_fee_rate),
            ("insurance premium rate", self.premium_rate),
        ] {
            if !(0.0..=1.0).contains(&v) {
                out.push(format!("{k} {v} is outside 0–1"));
            }
        }
        if !(self.term_years > 0.0 && self.term_years <= 30.0) {
            out.push(format!(
                "loan term {} years is outside (0, 30]",
                self.term_years
            ));
        }
        out
    }
}

/// One cost item: what it costs a year, and the subsidy on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostLine {
    pub item: CostItem,
    /// Annual cost, yuan to the fen.
    pub gross: f64,
    /// Subsidy paid back a year, yuan to the fen.
    pub subsidy: f64,
    /// Why no subsidy or a smaller one (empty when it is paid in full or the profile has none).
    pub note: String,
    pub note_zh: String,
}

/// The borrower's annual financing cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FinancingCost {
    pub lines: Vec<CostLine>,
    pub gross: f64,
    pub subsidies: f64,
    pub net: f64,
    /// Gross and net cost / principal.
    pub gross_rate: f64,
    pub net_rate: f64,
}

/// The annual cost and subsidies of `c` under `subsidies`, each line to the fen.
pub fn financing_cost(c: &CostInputs, subsidies: &Subsidies) -> FinancingCost {
    let lines: Vec<CostLine> = CostItem::ALL
        .into_iter()
        .map(|item| {
            let (base, gross) = match item {
                CostItem::Interest => (c.principal, c.principal * c.interest_rate),
                CostItem::GuaranteeFee => (c.guaranteed, c.guaranteed * c.guarantee_fee_rate),
                CostItem::AppraisalFee => (c.appraisal_fee, c.appraisal_fee / c.term_years),
                CostItem::InsurancePremium => (c.principal, c.principal * c.premium_rate),
            };
            line(item, base, yuan(fen(gross)), subsidies.get(item), c)
        })
        .collect();
    let gross = yuan(lines.iter().map(|l| fen(l.gross)).sum());
    let subsidy = yuan(lines.iter().map(|l| fen(l.subsidy)).sum());
    let net = yuan(fen(gross) - fen(subsidy));
    let rate = |x: f64| {
        if c.principal > 0.0 {
            x / c.principal
        } else {
            0.0
        }
    };
    FinancingCost {
        gross_rate: rate(gross),
        net_rate: rate(net),
        lines,
        gross,
        subsidies: subsidy,
        net,
    }
}

fn line(item: CostItem, base: f64, gross: f64, s: Option<&Subsidy>, c: &CostInputs) -> CostLine {
    let none = |note: String, note_zh: String| CostLine {
        item,
        gross,
        subsidy: 0.0,
        note,
        note_zh,
    };
    let Some(s) = s else {
        return none(String::new(), String::new());
    };
    if c.not_eligible.contains(&item) {
        return none(
            "the borrower does not qualify".into(),
            "借款人不符合补贴条件".into(),
        );
    }
    if let Some(limit) = s.below
        && base >= limit
    {
        return none(
            format!("only below {limit:.0} yuan; here {base:.0}"),
            format!("仅限 {limit:.0} 元以下，本笔 {base:.0} 元"),
        );
    }
    let full = yuan(fen(gross * s.share));
    match s.cap {
        Some(cap) if full > cap => CostLine {
            subsidy: yuan(fen(cap)),
            note: format!("capped at {cap:.2} yuan a year"),
            note_zh: format!("每年以 {cap:.2} 元为限"),
            ..none(String::new(), String::new())
        },
        _ => CostLine {
            subsidy: full,
            ..none(String::new(), String::new())
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> CostInputs {
        CostInputs {
            principal: 5_000_000.0,
            interest_rate: 0.0435,
            guaranteed: 2_500_000.0,
            guarantee_fee_rate: 0.02,
            appraisal_fee: 30_000.0,
            premium_rate: 0.015,
            term_years: 1.0,
            not_eligible: vec![],
        }
    }

    fn sub(share: f64) -> Subsidy {
        Subsidy {
            share,
            cap: None,
            below: None,
            condition: String::new(),
            source: String::new(),
        }
    }

    #[test]
    fn without_subsidies_net_is_gross() {
        let f = financing_cost(&inputs(), &Subsidies::default());
        assert_eq!(f.gross, 372_500.0);
        assert_eq!((f.subsidies, f.net), (0.0, 372_500.0));
        assert!((f.gross_rate - 0.0745).abs() < 1e-12);
    }

    #[test]
    fn the_below_condition_is_strict_and_the_cap_binds() {
        let s = Subsidies {
            guarantee_fee: Some(Subsidy {
                below: Some(3_000_000.0),
                ..sub(0.3)
            }),
            appraisal_fee: Some(Subsidy {
                cap: Some(10_000.0),
                ..sub(0.5)
            }),
            ..Subsidies::default()
        };
        let mut c = inputs();
        c.guaranteed = 3_000_000.0;
        let f = financing_cost(&c, &s);
        assert_eq!(f.lines[1].subsidy, 0.0);
        assert!(f.lines[1].note_zh.contains("3000000"), "{:?}", f.lines[1]);
        assert_eq!(f.lines[2].subsidy, 10_000.0);
        c.guaranteed = 2_999_999.99;
        assert_eq!(financing_cost(&c, &s).lines[1].subsidy, 18_000.0);
        c.not_eligible = vec![CostItem::GuaranteeFee];
        assert_eq!(financing_cost(&c, &s).lines[1].subsidy, 0.0);
    }

    #[test]
    fn bad_inputs_are_named() {
        let mut c = inputs();
        c.interest_rate = 4.35;
        c.term_years = 0.0;
        let p = c.problems();
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].starts_with("interest rate 4.35"), "{p:?}");
        let s = Subsidies {
            interest: Some(sub(70.0)),
            ..Subsidies::default()
        };
        assert_eq!(
            s.problems(),
            vec!["subsidies.interest.share = 70 is outside 0–1"]
        );
    }
}
