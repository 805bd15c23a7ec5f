//! Arguments several commands share: the store file, the outside firm's appraisal, the loan,
//! and the bank-side options of `export`. Each command's module uses these; none of them uses
//! another command's module.

use std::path::PathBuf;

use crate::import::{self, Dataset};
use crate::model::assumptions::MethodWeights;
use crate::pledge::credit::Accept;
use crate::pledge::crosscheck::ExternalSide;
use crate::pledge::split::SplitShare;
use crate::pledge::subsidy::{CostInputs, CostItem};
use crate::pledge::{BankAnalysis, Collateral, FirmFiles, Loan, Policy};
use crate::store::{Store, StoreError};
use crate::valuation::Engine;

/// Which store file.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArg {
    /// Store file (default: store.sqlite3 in the user's data directory).
    #[arg(long)]
    pub db: Option<PathBuf>,
}

impl DbArg {
    pub fn path(&self) -> Result<PathBuf, StoreError> {
        match &self.db {
            Some(p) => Ok(p.clone()),
            None => Store::default_path().ok_or_else(|| {
                StoreError::Invalid("no user data directory on this machine: give --db FILE".into())
            }),
        }
    }

    pub fn open(&self) -> Result<Store, StoreError> {
        Store::open(&self.path()?)
    }
}

#[derive(Debug, clap::Args)]
pub struct ExternalArgs {
    /// The outside firm's appraisal as CSV (per-patent values and the rates and lives it stated).
    #[arg(long, conflicts_with = "external_version")]
    pub external: Option<PathBuf>,
    /// The outside firm's revenue forecasts (same columns as forecasts.csv).
    #[arg(long, requires = "external")]
    pub external_forecasts: Option<PathBuf>,
    /// The outside firm's method weights: cost,income,market.
    #[arg(long, requires = "external", value_delimiter = ',', num_args = 3)]
    pub external_weights: Option<Vec<f64>>,
    /// The outside firm's parameters table with its bases (same columns as parameters.csv).
    #[arg(long, requires = "external")]
    pub external_parameters: Option<PathBuf>,
    /// Or: a stored report version (id or prefix) as the external appraisal.
    #[arg(long)]
    pub external_version: Option<String>,
}

impl ExternalArgs {
    /// Whether an external appraisal was given.
    pub fn given(&self) -> bool {
        self.external.is_some() || self.external_version.is_some()
    }

    /// The external side against the bank's data set and valuation, if one was given: the
    /// firm's files through [`FirmFiles::side`], or a stored version re-opened.
    pub fn side(
        &self,
        db: &DbArg,
        ds: &Dataset,
        bank: &Engine,
    ) -> Result<Option<ExternalSide>, String> {
        if let Some(path) = &self.external {
            let files = FirmFiles {
                appraisal: path.clone(),
                forecasts: self.external_forecasts.clone(),
                parameters: self.external_parameters.clone(),
                weights: self.external_weights.as_ref().map(|v| MethodWeights {
                    cost: v[0],
                    income: v[1],
                    market: v[2],
                }),
            };
            return files.side(ds, bank).map(Some).map_err(|e| e.to_string());
        }
        if let Some(v) = &self.external_version {
            let store = db.open().map_err(|e| e.to_string())?;
            let id = store.resolve_version(v).map_err(|e| e.to_string())?;
            let r = store.reopen(&id).map_err(|e| e.to_string())?;
            let mut side = ExternalSide::from_engine(&format!("version {id}"), r.engine);
            side.case = r.dataset.case;
            return Ok(Some(side));
        }
        Ok(None)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CollateralArg {
    IpOnly,
    Mixed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AcceptArg {
    Bank,
    External,
    Lower,
}

#[derive(Debug, clap::Args)]
pub struct LoanArgs {
    /// Policy profile: a bundled id (shenzhen), a profile id in the user folder, or a TOML file.
    #[arg(long, default_value = "shenzhen")]
    pub policy: String,
    /// Exposure at default: principal plus accrued interest (`5000000`, `500万元`).
    #[arg(long, value_parser = parse_amount)]
    pub exposure: Option<f64>,
    /// Probability of default over the term (0.03 or 3%).
    #[arg(long, value_parser = parse_share)]
    pub pd: Option<f64>,
    /// What secures the loan.
    #[arg(long, value_enum, default_value = "ip-only")]
    pub collateral: CollateralArg,
    /// Share of the bank's shortfall a guarantor pays (0.4 or 40%).
    #[arg(long, default_value = "0", value_parser = parse_share)]
    pub guarantee: f64,
    /// Share of the shortfall left after the guarantor that an insurer pays (0.3 or 30%).
    #[arg(long, default_value = "0", value_parser = parse_share)]
    pub insurance: f64,
    /// Shares of the disposal proceeds agreed before disposal, in place of the waterfall's
    /// first two steps (`bank=60%,guarantor=25%,fund=10%,appraiser=5%`); overrides the profile's.
    #[arg(long, value_parser = parse_split)]
    pub split: Option<SplitArg>,
}

/// The parsed --split (a newtype: clap reads a bare `Vec` as repeated values).
#[derive(Debug, Clone)]
pub struct SplitArg(pub Vec<SplitShare>);

fn parse_split(s: &str) -> Result<SplitArg, String> {
    crate::pledge::split::parse(s).map(SplitArg)
}

impl LoanArgs {
    /// The policy profile named by --policy, with --split in place of its agreed split.
    pub fn policy(&self) -> Result<Policy, crate::pledge::PledgeError> {
        let mut p = Policy::load(&self.policy)?;
        if let Some(split) = &self.split {
            p.split = split.0.clone();
        }
        Ok(p)
    }

    /// The loan, if --exposure and --pd are given (one without the other is an error).
    pub fn loan(&self) -> Result<Option<Loan>, String> {
        let (exposure, pd) = match (self.exposure, self.pd) {
            (None, None) => return Ok(None),
            (Some(e), Some(p)) => (e, p),
            _ => return Err("give both --exposure and --pd".into()),
        };
        Ok(Some(Loan {
            exposure,
            pd,
            collateral: self.collateral.kind(),
            guarantee_share: self.guarantee,
            insurance_share: self.insurance,
        }))
    }

    pub(super) fn required(&self) -> Result<Loan, String> {
        self.loan()?
            .ok_or_else(|| "give the loan: --exposure AMOUNT --pd RATE".into())
    }
}

/// The borrower's financing cost (docs/bank.md §5), worked out when --interest-rate is given.
#[derive(Debug, Clone, clap::Args)]
pub struct CostArgs {
    /// Annual interest rate (0.0435 or 4.35%); with it the financing cost is shown.
    #[arg(long, value_parser = parse_share)]
    pub interest_rate: Option<f64>,
    /// Annual guarantee fee rate on the guaranteed amount (2%).
    #[arg(long, default_value = "0", value_parser = parse_share)]
    pub guarantee_fee: f64,
    /// The guaranteed amount (default: the exposure when a guarantee fee is given).
    #[arg(long, value_parser = parse_amount)]
    pub guaranteed: Option<f64>,
    /// The appraisal fee, paid once and spread over the term (`3万元`).
    #[arg(long, default_value = "0", value_parser = parse_amount)]
    pub appraisal_fee: f64,
    /// Annual insurance premium rate on the principal (1.5%).
    #[arg(long, default_value = "0", value_parser = parse_share)]
    pub premium: f64,
    /// Loan term in years.
    #[arg(long, default_value_t = 1.0)]
    pub term_years: f64,
    /// A subsidy whose condition the borrower does not meet (repeatable): interest,
    /// guarantee_fee, appraisal_fee, insurance_premium.
    #[arg(long = "not-eligible", value_parser = parse_cost_item)]
    pub not_eligible: Vec<CostItem>,
}

fn parse_cost_item(s: &str) -> Result<CostItem, String> {
    CostItem::from_code(s).ok_or_else(|| {
        format!("'{s}' is not one of interest, guarantee_fee, appraisal_fee, insurance_premium")
    })
}

impl CostArgs {
    /// The cost inputs for a loan of `principal`, if --interest-rate is given.
    pub fn inputs(&self, principal: f64) -> Result<Option<CostInputs>, String> {
        let Some(interest_rate) = self.interest_rate else {
            return Ok(None);
        };
        let guaranteed = self.guaranteed.unwrap_or(if self.guarantee_fee > 0.0 {
            principal
        } else {
            0.0
        });
        let c = CostInputs {
            principal,
            interest_rate,
            guaranteed,
            guarantee_fee_rate: self.guarantee_fee,
            appraisal_fee: self.appraisal_fee,
            premium_rate: self.premium,
            term_years: self.term_years,
            not_eligible: self.not_eligible.clone(),
        };
        let p = c.problems();
        if p.is_empty() {
            Ok(Some(c))
        } else {
            Err(format!("financing cost: {}", p.join("; ")))
        }
    }
}

impl CollateralArg {
    pub fn kind(self) -> Collateral {
        match self {
            CollateralArg::IpOnly => Collateral::IpOnly,
            CollateralArg::Mixed => Collateral::Mixed,
        }
    }
}

impl AcceptArg {
    pub fn rule(self) -> Accept {
        match self {
            AcceptArg::Bank => Accept::Bank,
            AcceptArg::External => Accept::External,
            AcceptArg::Lower => Accept::Lower,
        }
    }
}

pub(super) fn parse_amount(s: &str) -> Result<f64, String> {
    import::cell::parse_money(s, 0).map_err(|e| format!("\"{s}\" {e}"))
}

pub(super) fn parse_share(s: &str) -> Result<f64, String> {
    let v = import::cell::parse_rate(s, false).map_err(|e| format!("\"{s}\" {e}"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("\"{s}\" is outside 0–1"))
    }
}

/// Export options for the bank's review memo: the outside firm's appraisal under review and the
/// loan.
#[derive(Debug, clap::Args)]
pub struct ReportBankArgs {
    #[command(flatten)]
    pub external: ExternalArgs,
    /// Flag patents whose values differ by more than this share (0.2 = 20%).
    #[arg(long, default_value_t = 0.2)]
    pub threshold: f64,
    /// The loan (--exposure with --pd) and the policy profile.
    #[command(flatten)]
    pub loan: LoanArgs,
    /// With an external appraisal: which value is accepted per patent.
    #[arg(long, value_enum, default_value = "lower")]
    pub accept: AcceptArg,
}

impl ReportBankArgs {
    /// Whether any bank-side input was given.
    pub fn given(&self) -> bool {
        self.external.given() || self.loan.exposure.is_some() || self.loan.pd.is_some()
    }

    /// The cross-check and pledge analysis against a report's own valuation.
    pub fn analyse(
        &self,
        db: &DbArg,
        data: &crate::report::ReportData,
    ) -> Result<BankAnalysis, String> {
        if !(self.threshold > 0.0 && self.threshold.is_finite()) {
            return Err(format!("--threshold {} must be above 0", self.threshold));
        }
        let loan = self.loan.loan()?;
        let side = self.external.side(db, &data.dataset, &data.engine)?;
        let policy = match &loan {
            Some(_) => Some(self.loan.policy().map_err(|e| e.to_string())?),
            None => None,
        };
        let rule = self.accept.rule();
        crate::pledge::analyse(
            &data.engine,
            side.as_ref(),
            self.threshold,
            policy
                .as_ref()
                .zip(loan.as_ref())
                .map(|(p, l)| (p, l, rule)),
        )
        .map_err(|e| e.to_string())
    }
}
