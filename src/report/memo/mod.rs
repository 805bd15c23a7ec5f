//! The bank's collateral value review memo (押品价值复核意见书, patent pledge): basic
//! information, the bases of the review, the compliance review of the outside firm's report,
//! title and pledge conditions, the review of methods and parameters, the bank's own valuation
//! with the deviations and the value bridge, the recognised collateral value, the pledge ratio
//! and credit proposal, risks and post-loan requirements, the conclusion and the four sign-off
//! steps (调查, 复核, 审查, 审定). Each part is a small function from the report data and the
//! bank's analysis ([`crate::pledge::analyse`]) to blocks.

mod basics;
mod closing;
mod compliance;
mod credit;
mod methods;
mod title;
mod variance;

use chrono::NaiveDate;

use super::appraisal::Facts;
use super::doc::{Block, Doc};
use super::{ReportData, ReportError, ReportLang};
use crate::model::case::{BankCase, CaseInfo};
use crate::pledge::{CrossCheck, PledgeResult};

/// Builds the review memo.
pub fn build(d: &ReportData, lang: ReportLang) -> Result<Doc, ReportError> {
    let m = Memo::of(d, lang);
    let mut b = Vec::new();
    basics::cover(&m, &mut b);
    b.push(Block::Toc);
    basics::information(&m, &mut b);
    basics::bases(&m, &mut b);
    compliance::review(&m, &mut b);
    title::conditions(&m, &mut b);
    methods::review(&m, &mut b);
    variance::analysis(&m, &mut b)?;
    credit::recognised(&m, &mut b);
    credit::proposal(&m, &mut b);
    closing::risks(&m, &mut b);
    closing::conclusion(&m, &mut b);
    closing::sign_off(&m, &mut b);
    Ok(Doc::of(
        d,
        lang,
        m.f.l("押品价值复核意见书", "Collateral value review memo"),
        b,
    ))
}

/// What every part of the memo reads.
pub(crate) struct Memo<'a> {
    /// The bank's own valuation, read like an appraisal (dates, amounts, risk items).
    pub f: Facts<'a>,
    pub bank: &'a BankCase,
    pub cc: Option<&'a CrossCheck>,
    pub pledge: Option<&'a PledgeResult>,
    /// The outside firm's case file, when its report is a stored version.
    pub firm_case: Option<&'a CaseInfo>,
    /// The outside firm, its 文号, filing code and report date.
    pub firm: String,
    pub report_number: String,
    pub filing_code: String,
    pub report_date: Option<NaiveDate>,
    /// The memo's date.
    pub review_date: NaiveDate,
    /// Whether each patent can be pledged (part 四), in engine order.
    pub eligible: Vec<title::Eligibility>,
    /// The confirmed value of the patents that cannot be pledged.
    pub excluded: f64,
}

impl<'a> Memo<'a> {
    fn of(d: &'a ReportData, lang: ReportLang) -> Self {
        let bank = &d.case.bank;
        let firm_case = d.bank.external_case.as_ref();
        let pick = |own: &str, of_case: fn(&CaseInfo) -> &str| {
            firm_case
                .map(|c| of_case(c).trim().to_string())
                .filter(|x| !x.is_empty())
                .unwrap_or_else(|| own.trim().to_string())
        };
        let saved = chrono::DateTime::parse_from_rfc3339(&d.version.created_at)
            .map(|t| t.with_timezone(&chrono::Local).date_naive())
            .unwrap_or(d.assumptions.valuation_date);
        let mut m = Memo {
            f: Facts::of(d, lang),
            bank,
            cc: d.bank.crosscheck.as_ref(),
            pledge: d.bank.pledge.as_ref(),
            firm_case,
            firm: pick(&bank.appraisal_firm, |c| &c.firm),
            report_number: pick(&bank.appraisal_report_number, |c| &c.report_number),
            filing_code: pick(&bank.appraisal_filing_code, |c| &c.filing_code),
            report_date: firm_case
                .and_then(|c| c.report_date)
                .or(bank.appraisal_report_date),
            review_date: bank.review_date.unwrap_or(saved),
            eligible: Vec::new(),
            excluded: 0.0,
        };
        m.eligible = (0..d.engine.len())
            .map(|i| title::eligibility(&m, i))
            .collect();
        let values = d.valuation.reconciled_values();
        m.excluded = (0..d.engine.len())
            .filter(|&i| matches!(m.eligible[i], title::Eligibility::No(_)))
            .map(|i| m.pledge.map_or(values[i], |p| p.patents[i].accepted))
            .sum();
        m
    }

    pub fn l(&self, zh: &str, en: &str) -> String {
        self.f.l(zh, en)
    }

    pub fn zh(&self) -> bool {
        self.f.lang == ReportLang::Zh
    }

    /// The borrower (the case's bank section, else the appraisal's).
    pub fn borrower(&self) -> String {
        self.f.or_blank(if self.bank.borrower.trim().is_empty() {
            &self.f.d.appraisal.borrower
        } else {
            &self.bank.borrower
        })
    }

    /// The loan amount: the analysed exposure, else the amount applied for (0: not stated).
    pub fn loan_amount(&self) -> f64 {
        self.pledge
            .map_or(self.bank.loan_amount, |p| p.loan.exposure)
    }

    /// The value the bank confirms before deductions: the accepted value of the pledge
    /// analysis, else the bank's own valuation.
    pub fn confirmed(&self) -> f64 {
        self.pledge.map_or(self.f.value, |p| p.accepted_total)
    }

    /// 押品认定价值: the confirmed value less the patents that cannot be pledged and the
    /// prior claims.
    pub fn recognised(&self) -> f64 {
        crate::pledge::credit::recognised_value(
            self.confirmed(),
            self.excluded,
            self.bank.prior_claims,
        )
    }

    /// An amount to the fen with its unit, or a blank when zero (not stated).
    pub fn amount_or_blank(&self, x: f64) -> String {
        if x > 0.0 {
            self.f.yuan(x)
        } else {
            self.f.or_blank("")
        }
    }

    /// A part of the memo (一 to 十一): a level-1 heading on the running page.
    pub fn part(&self, zh: &str, en: &str, b: &mut Vec<Block>) {
        b.push(Block::Section {
            title: self.l(zh, en),
            new_page: false,
        });
    }
}
