//! Case metadata for the appraisal report and the bank's review memo (`case.toml`, see
//! docs/input-formats.md "Case"): who commissioned the appraisal and who may use the report,
//! the purpose and value type, the report number and date, the firm and its signing
//! appraisers, the bases, the special matters the appraiser typed, and the bank's side of the
//! case. Every field may be left out: the documents then print a localised default (the
//! standard lists of laws and standards, the standard use restrictions) or a blank to fill in.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One signing appraiser.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signer {
    pub name: String,
    /// 职业资格证书登记编号.
    #[serde(default)]
    pub certificate: String,
}

/// The bases of the appraisal (评估依据), each an editable list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BasisLists {
    /// 法律法规依据.
    pub laws: Vec<String>,
    /// 准则依据.
    pub standards: Vec<String>,
    /// 权属依据.
    pub ownership: Vec<String>,
    /// 取价依据.
    pub pricing: Vec<String>,
}

/// The bank's side of the case, for the review memo.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BankCase {
    /// The lending bank (branch).
    pub bank: String,
    /// 借款人.
    pub borrower: String,
    /// Loan applied for, yuan (0: not stated).
    pub loan_amount: f64,
    /// Term in months (0: not stated).
    pub term_months: u32,
    /// The review memo's number (编号) and date (default: the day the version was saved).
    pub memo_number: String,
    #[serde(with = "opt_date", skip_serializing_if = "Option::is_none")]
    pub review_date: Option<NaiveDate>,
    /// The outside firm's report under review, when it is a CSV rather than a stored version
    /// that carries its own case file: the firm, 文号, filing code and report date.
    pub appraisal_firm: String,
    pub appraisal_report_number: String,
    pub appraisal_filing_code: String,
    #[serde(with = "opt_date", skip_serializing_if = "Option::is_none")]
    pub appraisal_report_date: Option<NaiveDate>,
    /// 法定优先受偿款: claims ranking before the bank's (unpaid taxes, wages, earlier
    /// pledges), yuan, deducted from the accepted value in the memo.
    pub prior_claims: f64,
    /// Names at each sign-off step: 调查 (survey), 复核 (review), 审查 (examination),
    /// 审定 (approval).
    pub survey: String,
    pub review: String,
    pub examine: String,
    pub approve: String,
}

/// Value types of CAS 价值类型指导意见.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    #[default]
    Market,
    Investment,
    InUse,
    Liquidation,
    Residual,
}

impl ValueType {
    pub fn label_zh(self) -> &'static str {
        match self {
            ValueType::Market => "市场价值",
            ValueType::Investment => "投资价值",
            ValueType::InUse => "在用价值",
            ValueType::Liquidation => "清算价值",
            ValueType::Residual => "残余价值",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ValueType::Market => "market value",
            ValueType::Investment => "investment value",
            ValueType::InUse => "value in use",
            ValueType::Liquidation => "liquidation value",
            ValueType::Residual => "residual value",
        }
    }
}

/// The case metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CaseInfo {
    /// 委托人.
    pub client: String,
    /// 产权持有人 (the patentee).
    pub owner: String,
    /// 其他资产评估报告使用人.
    pub other_users: Vec<String>,
    /// 评估目的 (empty: the standard wording for a pledge).
    pub purpose: String,
    pub value_type: ValueType,
    /// 报告文号, e.g. 某评报字〔2026〕第 0123 号.
    pub report_number: String,
    /// 报告编码 from the CAS filing system (empty: left blank to bind later).
    pub filing_code: String,
    /// 资产评估报告日.
    #[serde(with = "opt_date", skip_serializing_if = "Option::is_none")]
    pub report_date: Option<NaiveDate>,
    pub firm: String,
    /// The firm's qualification (e.g. its filing with the finance department).
    pub firm_qualification: String,
    pub appraisers: Vec<Signer>,
    /// Months the conclusion may be used from the valuation date (normally 12).
    pub validity_months: Option<u32>,
    pub basis: BasisLists,
    /// 资产评估报告使用限制说明 (empty: the standard items).
    pub use_restrictions: Vec<String>,
    /// 特别事项说明 the appraiser typed (printed before the standard pledge items).
    pub special_matters: Vec<String>,
    pub bank: BankCase,
}

/// An optional date written as a TOML date or a string in any accepted form.
mod opt_date {
    use chrono::NaiveDate;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&d.to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        crate::model::assumptions::toml_date::deserialize(d).map(Some)
    }
}

/// A case file that cannot be read (the file is read in `import::load_case`).
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
}

impl CaseInfo {
    /// Parses TOML text; `file` names the source in messages (with line and column).
    pub fn from_toml(text: &str, file: &str) -> Result<Self, CaseError> {
        let c: CaseInfo = toml::from_str(text).map_err(|e| CaseError::Parse {
            file: file.to_string(),
            message: super::toml_error(text, &e),
        })?;
        c.check(file)?;
        Ok(c)
    }

    fn check(&self, file: &str) -> Result<(), CaseError> {
        let bad = |message: String| CaseError::Parse {
            file: file.to_string(),
            message,
        };
        if let Some(m) = self.validity_months
            && !(1..=60).contains(&m)
        {
            return Err(bad(format!("validity_months = {m} must be 1 to 60")));
        }
        for (key, v) in [
            ("bank.loan_amount", self.bank.loan_amount),
            ("bank.prior_claims", self.bank.prior_claims),
        ] {
            if !(v >= 0.0 && v.is_finite()) {
                return Err(bad(format!("{key} = {v} must be 0 or more")));
            }
        }
        if let Some(i) = self
            .appraisers
            .iter()
            .position(|s| s.name.trim().is_empty())
        {
            return Err(bad(format!("appraisers[{}] has no name", i + 1)));
        }
        Ok(())
    }

    /// The case as TOML (how a version stores it).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// The last day the conclusion may be used: the valuation date plus the validity, less
    /// one day (一年 from 2026-09-30 runs to 2027-09-29).
    pub fn valid_until(&self, valuation_date: NaiveDate) -> NaiveDate {
        let months = self.validity_months.unwrap_or(12);
        valuation_date
            .checked_add_months(chrono::Months::new(months))
            .and_then(|d| d.pred_opt())
            .unwrap_or(valuation_date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_is_all_defaults_and_validity_is_one_year_less_a_day() {
        let c = CaseInfo::from_toml("", "case.toml").unwrap();
        assert_eq!(c.value_type, ValueType::Market);
        let vd = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        assert_eq!(
            c.valid_until(vd),
            NaiveDate::from_ymd_opt(2027, 9, 29).unwrap()
        );
    }

    #[test]
    fn errors_name_the_file_line_and_key() {
        let e = CaseInfo::from_toml("client = \"甲\"\nclinet = \"乙\"\n", "case.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("case.toml") && e.contains("line 2") && e.contains("clinet"),
            "{e}"
        );
        let e = CaseInfo::from_toml("validity_months = 0\n", "c.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("validity_months"), "{e}");
        let e = CaseInfo::from_toml("[[appraisers]]\nname = \"\"\n", "c.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("appraisers[1]"), "{e}");
    }

    #[test]
    fn round_trips_through_toml() {
        let c = CaseInfo {
            client: "某科技股份有限公司".into(),
            appraisers: vec![Signer {
                name: "张三".into(),
                certificate: "44000123".into(),
            }],
            report_date: NaiveDate::from_ymd_opt(2026, 10, 20),
            ..CaseInfo::default()
        };
        assert_eq!(CaseInfo::from_toml(&c.to_toml(), "x").unwrap(), c);
    }
}
