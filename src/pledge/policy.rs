//! Policy profiles: pledge rates by patent type and scorecard band, the quick-sale discount,
//! disposal paths and the risk-compensation terms, read from TOML data files. patval ships the
//! Shenzhen profile (assets/policies/shenzhen.toml); users add their own files to the policy
//! folder or pass one with `--policy FILE`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::PledgeError;
use super::split::SplitShare;
use super::subsidy::Subsidies;
use crate::model::PatentType;

/// Bundled profiles: (id, TOML).
pub const BUNDLED: &[(&str, &str)] = &[(
    "shenzhen",
    include_str!("../../assets/policies/shenzhen.toml"),
)];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    pub a: f64,
    pub b: f64,
    pub c: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PledgeRates {
    /// Bands A, B, C, D.
    pub invention: [f64; 4],
    pub utility_model: [f64; 4],
    pub design: [f64; 4],
    /// Applications not yet granted.
    pub pending: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Liquidation {
    pub quick_sale_discount: f64,
    pub discount_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisposalPath {
    pub path: String,
    pub name_zh: String,
    pub name_en: String,
    pub weight: f64,
    pub recovery_rate: f64,
    pub months: f64,
    pub cost_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compensation {
    pub ip_only_share: f64,
    pub mixed_share: f64,
    pub cap_per_loan: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Monitoring {
    pub near_term_years: f64,
}

/// A policy profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub id: String,
    pub name: String,
    pub name_en: String,
    pub source: String,
    pub bands: Bands,
    pub pledge_rates: PledgeRates,
    pub liquidation: Liquidation,
    pub disposal: Vec<DisposalPath>,
    pub compensation: Compensation,
    pub monitoring: Monitoring,
    /// Subsidies on the borrower's financing cost (docs/bank.md §5).
    #[serde(default, skip_serializing_if = "is_default")]
    pub subsidies: Subsidies,
    /// Shares of the disposal proceeds agreed before disposal; empty: the waterfall.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub split: Vec<SplitShare>,
}

fn is_default(s: &Subsidies) -> bool {
    *s == Subsidies::default()
}

/// Scorecard band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Band {
    A,
    B,
    C,
    D,
}

impl Band {
    pub fn index(self) -> usize {
        self as usize
    }
    pub fn letter(self) -> &'static str {
        ["A", "B", "C", "D"][self.index()]
    }
}

impl Policy {
    /// Parses a profile; `file` names it in messages.
    pub fn from_toml(text: &str, file: &str) -> Result<Self, PledgeError> {
        let p: Policy = toml::from_str(text).map_err(|e| PledgeError::Policy {
            file: file.into(),
            message: e.to_string().trim().replace('\n', " "),
        })?;
        let problems = p.problems();
        if !problems.is_empty() {
            return Err(PledgeError::Policy {
                file: file.into(),
                message: problems.join("; "),
            });
        }
        Ok(p)
    }

    /// A bundled profile by id.
    pub fn bundled(id: &str) -> Option<Self> {
        BUNDLED
            .iter()
            .find(|(i, _)| *i == id)
            .and_then(|(i, t)| Self::from_toml(t, &format!("bundled profile {i}")).ok())
    }

    /// The Shenzhen profile.
    pub fn shenzhen() -> Self {
        // The bundled file is checked by a test; a parse failure is a build defect.
        Self::bundled("shenzhen").expect("bundled Shenzhen profile parses")
    }

    /// The folder users keep their profiles in (`<config dir>/patval/policies`).
    pub fn user_dir() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "patval").map(|d| d.config_dir().join("policies"))
    }

    /// Resolves `--policy`: a path to a TOML file, or the id of a profile in the user folder or
    /// bundled with patval.
    pub fn load(name: &str) -> Result<Self, PledgeError> {
        let path = Path::new(name);
        if path.extension().is_some_and(|e| e == "toml") || path.exists() {
            let text = std::fs::read_to_string(path).map_err(|e| PledgeError::Policy {
                file: path.display().to_string(),
                message: format!("cannot read: {e}"),
            })?;
            return Self::from_toml(&text, &path.display().to_string());
        }
        if let Some(dir) = Self::user_dir() {
            let p = dir.join(format!("{name}.toml"));
            if p.exists() {
                return Self::load(&p.display().to_string());
            }
        }
        Self::bundled(name).ok_or_else(|| PledgeError::Policy {
            file: name.into(),
            message: format!(
                "no such profile (bundled: {}; user folder: {})",
                BUNDLED
                    .iter()
                    .map(|(i, _)| *i)
                    .collect::<Vec<_>>()
                    .join(", "),
                Self::user_dir().map_or("none".into(), |d| d.display().to_string())
            ),
        })
    }

    /// Every range problem, naming the key.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let unit = |out: &mut Vec<String>, key: String, v: f64| {
            if !(0.0..=1.0).contains(&v) || !v.is_finite() {
                out.push(format!("{key} = {v} is outside 0–1"));
            }
        };
        for (k, rates) in [
            ("invention", &self.pledge_rates.invention),
            ("utility_model", &self.pledge_rates.utility_model),
            ("design", &self.pledge_rates.design),
        ] {
            for (i, r) in rates.iter().enumerate() {
                unit(&mut out, format!("pledge_rates.{k}[{i}]"), *r);
            }
        }
        unit(
            &mut out,
            "pledge_rates.pending".into(),
            self.pledge_rates.pending,
        );
        unit(
            &mut out,
            "liquidation.quick_sale_discount".into(),
            self.liquidation.quick_sale_discount,
        );
        unit(
            &mut out,
            "liquidation.discount_rate".into(),
            self.liquidation.discount_rate,
        );
        unit(
            &mut out,
            "compensation.ip_only_share".into(),
            self.compensation.ip_only_share,
        );
        unit(
            &mut out,
            "compensation.mixed_share".into(),
            self.compensation.mixed_share,
        );
        for (i, d) in self.disposal.iter().enumerate() {
            unit(
                &mut out,
                format!("disposal[{i}].recovery_rate"),
                d.recovery_rate,
            );
            unit(&mut out, format!("disposal[{i}].cost_rate"), d.cost_rate);
            if !(d.weight >= 0.0 && d.weight.is_finite()) {
                out.push(format!("disposal[{i}].weight = {} is negative", d.weight));
            }
            if !(d.months >= 0.0 && d.months <= 240.0) {
                out.push(format!(
                    "disposal[{i}].months = {} is outside 0–240",
                    d.months
                ));
            }
        }
        if self.disposal.is_empty() || self.disposal.iter().all(|d| d.weight == 0.0) {
            out.push("disposal: at least one path needs a weight above 0".into());
        }
        if self.compensation.cap_per_loan.is_nan() || self.compensation.cap_per_loan < 0.0 {
            out.push("compensation.cap_per_loan must be 0 or more".into());
        }
        let b = &self.bands;
        if !(b.a >= b.b && b.b >= b.c && b.c >= 0.0 && b.a <= 100.0) {
            out.push(format!(
                "bands must satisfy 100 ≥ a ≥ b ≥ c ≥ 0 (a = {}, b = {}, c = {})",
                b.a, b.b, b.c
            ));
        }
        if self.monitoring.near_term_years.is_nan() || self.monitoring.near_term_years < 0.0 {
            out.push("monitoring.near_term_years must be 0 or more".into());
        }
        out.extend(self.subsidies.problems());
        out.extend(super::split::problems(&self.split));
        out
    }

    /// The band of a value degree.
    pub fn band(&self, score: f64) -> Band {
        if score >= self.bands.a {
            Band::A
        } else if score >= self.bands.b {
            Band::B
        } else if score >= self.bands.c {
            Band::C
        } else {
            Band::D
        }
    }

    /// The pledge rate of a patent.
    pub fn pledge_rate(&self, t: PatentType, band: Band, pending: bool) -> f64 {
        if pending {
            return self.pledge_rates.pending;
        }
        let r = match t {
            PatentType::Invention => &self.pledge_rates.invention,
            PatentType::UtilityModel => &self.pledge_rates.utility_model,
            PatentType::Design => &self.pledge_rates.design,
        };
        r[band.index()]
    }

    /// The profile as TOML (to save an edited copy).
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_shenzhen_profile_has_the_scheme_terms() {
        let p = Policy::shenzhen();
        assert_eq!(p.compensation.ip_only_share, 0.5);
        assert_eq!(p.compensation.mixed_share, 0.2);
        assert_eq!(p.compensation.cap_per_loan, 2_000_000.0);
        assert!(p.problems().is_empty());
        // Saved and read back unchanged.
        assert_eq!(Policy::from_toml(&p.to_toml(), "copy").unwrap(), p);
    }

    #[test]
    fn bad_profiles_say_what_and_where() {
        let text = Policy::shenzhen()
            .to_toml()
            .replace("ip_only_share = 0.5", "ip_only_share = 5.0");
        let e = Policy::from_toml(&text, "my.toml").unwrap_err().to_string();
        assert_eq!(
            e,
            "policy my.toml: compensation.ip_only_share = 5 is outside 0–1"
        );
        let e = Policy::from_toml("id = 1", "x.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("policy x.toml: "), "{e}");
        let e = Policy::load("nonesuch").unwrap_err().to_string();
        assert!(e.contains("no such profile (bundled: shenzhen"), "{e}");
    }
}
