//! Legal term and remaining economic life.
//!
//! Legal term (Patent Law of the PRC, art. 42, as amended 2020): invention 20 years from filing,
//! utility model 10 years, design 15 years for filings from 2021-06-01 and 10 years before.

use chrono::{Datelike, NaiveDate};

use crate::model::assumptions::LifeRules;
use crate::model::{LegalStatus, PatentType};

/// Days per year used to turn day counts into years.
pub const DAYS_PER_YEAR: f64 = 365.25;

/// Length of the legal term in years for a patent type and filing date.
pub fn legal_term_years(t: PatentType, filing: NaiveDate) -> i32 {
    match t {
        PatentType::Invention => 20,
        PatentType::UtilityModel => 10,
        PatentType::Design => {
            if filing >= NaiveDate::from_ymd_opt(2021, 6, 1).unwrap_or(NaiveDate::MIN) {
                15
            } else {
                10
            }
        }
    }
}

/// The date the legal term ends: the filing date `years` later (29 February → 28 February).
pub fn expiry(filing: NaiveDate, years: i32) -> NaiveDate {
    let y = filing.year() + years;
    NaiveDate::from_ymd_opt(y, filing.month(), filing.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, filing.month(), 28))
        .unwrap_or(filing)
}

/// Years between two dates (`to − from` in days / 365.25), negative if `to` is earlier.
pub fn years_between(from: NaiveDate, to: NaiveDate) -> f64 {
    (to - from).num_days() as f64 / DAYS_PER_YEAR
}

/// How the remaining economic life of one patent was found.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Life {
    /// Legal term in years.
    pub term_years: i32,
    /// Remaining legal term at the valuation date, years (0 once expired).
    pub remaining_legal: f64,
    /// Years since filing at the valuation date.
    pub used: f64,
    /// Remaining economic life, years.
    pub remaining_economic: f64,
    /// The economic life came from the portfolio's override column.
    pub from_override: bool,
}

/// Remaining economic life: the override if given, else the type's share of the remaining legal
/// term; never above the remaining legal term or `max_years`; zero for a lapsed or invalidated
/// patent.
pub fn remaining_life(
    t: PatentType,
    status: LegalStatus,
    filing: NaiveDate,
    valuation_date: NaiveDate,
    override_years: Option<f64>,
    rules: &LifeRules,
) -> Life {
    let term_years = legal_term_years(t, filing);
    let remaining_legal = years_between(valuation_date, expiry(filing, term_years)).max(0.0);
    let used = years_between(filing, valuation_date).max(0.0);
    let dead = matches!(status, LegalStatus::Lapsed | LegalStatus::Invalidated);
    let (base, from_override) = match override_years {
        Some(o) => (o, true),
        None => (remaining_legal * rules.share_of_legal(t), false),
    };
    let remaining_economic = if dead {
        0.0
    } else {
        base.min(remaining_legal).min(rules.max_years).max(0.0)
    };
    Life {
        term_years,
        remaining_legal,
        used,
        remaining_economic,
        from_override,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn legal_terms() {
        assert_eq!(legal_term_years(PatentType::Invention, d(2010, 1, 1)), 20);
        assert_eq!(
            legal_term_years(PatentType::UtilityModel, d(2010, 1, 1)),
            10
        );
        assert_eq!(legal_term_years(PatentType::Design, d(2021, 5, 31)), 10);
        assert_eq!(legal_term_years(PatentType::Design, d(2021, 6, 1)), 15);
        assert_eq!(expiry(d(2020, 2, 29), 10), d(2030, 2, 28));
    }

    #[test]
    fn economic_life_is_bounded() {
        let rules = LifeRules::default();
        let vd = d(2026, 9, 30);
        // Utility model filed 2017-10-01: term ends 2027-10-01, 1.0 year left; 70 % → 0.70 years.
        let l = remaining_life(
            PatentType::UtilityModel,
            LegalStatus::Granted,
            d(2017, 10, 1),
            vd,
            None,
            &rules,
        );
        assert!((l.remaining_legal - 366.0 / 365.25).abs() < 1e-12);
        assert!((l.remaining_economic - 0.7 * 366.0 / 365.25).abs() < 1e-12);
        // An override above the legal term is cut to it.
        let l = remaining_life(
            PatentType::UtilityModel,
            LegalStatus::Granted,
            d(2017, 10, 1),
            vd,
            Some(5.0),
            &rules,
        );
        assert!((l.remaining_economic - 366.0 / 365.25).abs() < 1e-12);
        // Lapsed: zero.
        let l = remaining_life(
            PatentType::Invention,
            LegalStatus::Lapsed,
            d(2020, 1, 1),
            vd,
            Some(8.0),
            &rules,
        );
        assert_eq!(l.remaining_economic, 0.0);
        // Expired term: zero.
        let l = remaining_life(
            PatentType::UtilityModel,
            LegalStatus::Granted,
            d(2015, 1, 1),
            vd,
            None,
            &rules,
        );
        assert_eq!((l.remaining_legal, l.remaining_economic), (0.0, 0.0));
    }
}
