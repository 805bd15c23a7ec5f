//! The appraisal report an appraiser signs (专利资产评估报告, pledge purpose), in the order the
//! CAS report standard sets and published pledge reports follow: the filing-receipt page, the
//! cover with title and 文号, contents, 声明, 摘要, the fourteen parts of the body, the annexes,
//! then the 评估说明 (parameters with their bases, the income table per year of each patent, the
//! analysis) and the risk disclosure. Each part is a small function from the report data to
//! blocks; the PDF, HTML and DOCX writers only render them.

pub(crate) mod body;
mod cost_table;
mod explanation;
mod front;
mod income_table;
mod market_grid;
pub(crate) mod risk;
pub mod texts;

use super::doc::{Block, Doc};
use super::{ReportData, ReportError, ReportLang};
use crate::model::money::{MoneyUnit, format_money};

/// Builds the appraisal report.
pub fn build(d: &ReportData, lang: ReportLang) -> Result<Doc, ReportError> {
    let f = Facts::of(d, lang);
    let mut b = Vec::new();
    front::receipt(&f, &mut b);
    front::cover(&f, &mut b);
    b.push(Block::Toc);
    front::declarations(&f, &mut b);
    front::summary(&f, &mut b);
    body::parties(&f, &mut b);
    body::purpose_subject(&f, &mut b);
    body::value_type_date(&f, &mut b);
    body::bases(&f, &mut b);
    body::methods(&f, &mut b);
    body::procedures(&f, &mut b);
    body::assumptions(&f, &mut b);
    body::conclusion(&f, &mut b);
    body::special_matters(&f, &mut b);
    body::restrictions_date_signatures(&f, &mut b);
    body::annexes(&f, &mut b);
    explanation::build(&f, &mut b)?;
    Ok(Doc {
        lang,
        title: f.l("专利资产评估报告", "Patent appraisal report"),
        case: d.appraisal.name.clone(),
        version_id: d.version.id.clone(),
        version_number: d.version.number,
        fingerprint: d.version.fingerprint.clone(),
        blocks: b,
    })
}

/// What every part reads: the data, the language, and the case's facts with their defaults.
pub(crate) struct Facts<'a> {
    pub d: &'a ReportData,
    pub lang: ReportLang,
    /// 委托人 (default: the case's borrower).
    pub client: String,
    /// 产权持有人 (default: the client).
    pub owner: String,
    pub firm: String,
    pub valuation_date: chrono::NaiveDate,
    /// The concluded value of the portfolio, yuan.
    pub value: f64,
}

impl<'a> Facts<'a> {
    pub(crate) fn of(d: &'a ReportData, lang: ReportLang) -> Self {
        let c = &d.case;
        let or = |x: &str, y: &str| {
            if x.trim().is_empty() {
                y.trim().to_string()
            } else {
                x.trim().to_string()
            }
        };
        let client = or(&c.client, &d.appraisal.borrower);
        Facts {
            d,
            lang,
            owner: or(&c.owner, &client),
            client,
            firm: or(&c.firm, &d.appraisal.firm),
            valuation_date: d.assumptions.valuation_date,
            value: d.valuation.summary.reconciled,
        }
    }

    pub fn l(&self, zh: &str, en: &str) -> String {
        self.lang.pick(zh, en).to_string()
    }

    /// A date as the documents print it: 2026年9月30日 / 30 September 2026.
    pub fn date(&self, d: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        match self.lang {
            ReportLang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            ReportLang::En => d.format("%-d %B %Y").to_string(),
        }
    }

    /// An amount in yuan to the fen with thousands separators: `31,812,600.45元`.
    pub fn yuan(&self, x: f64) -> String {
        format_money(x, MoneyUnit::Yuan)
    }

    /// A blank to fill in by hand where the case file gives nothing.
    pub fn or_blank(&self, x: &str) -> String {
        if x.trim().is_empty() {
            "＿＿＿＿＿＿".into()
        } else {
            x.trim().to_string()
        }
    }

    /// The report date (the case's, else the day the version was saved).
    pub fn report_date(&self) -> String {
        match self.d.case.report_date {
            Some(r) => self.date(r),
            None => chrono::DateTime::parse_from_rfc3339(&self.d.version.created_at)
                .map(|t| self.date(t.with_timezone(&chrono::Local).date_naive()))
                .unwrap_or_default(),
        }
    }

    /// The purpose, typed or the standard pledge wording.
    pub fn purpose(&self) -> String {
        let c = &self.d.case;
        if !c.purpose.trim().is_empty() {
            return c.purpose.trim().into();
        }
        let bank = self.or_blank(&c.bank.bank);
        match self.lang {
            ReportLang::Zh => format!(
                "{}拟以其拥有的专利权向{}质押申请贷款，本次评估目的是对该经济行为所涉及的专利权在评估基准日的市场价值进行评估，为上述经济行为提供价值参考意见。",
                self.owner, bank
            ),
            ReportLang::En => format!(
                "{} intends to pledge its patents to {} for a loan; this appraisal estimates the market value of those patents at the valuation date as a reference for that transaction.",
                self.owner, bank
            ),
        }
    }

    /// The heading of a patent's table: `CN… title`, with the method when given.
    pub fn patent_heading(&self, i: usize, method: Option<&str>) -> String {
        let no = &self.d.engine.inputs.patent_nos[i];
        let title = self.d.titles.get(i).map_or("", String::as_str);
        match (method, self.lang) {
            (None, _) => format!("{no} {title}"),
            (Some(m), ReportLang::Zh) => format!("{no} {title}（{m}）"),
            (Some(m), ReportLang::En) => format!("{no} {title} ({m})"),
        }
    }

    /// Numbered paragraphs: 1. …, 2. ….
    pub fn numbered(&self, items: &[String], b: &mut Vec<Block>) {
        for (i, t) in items.iter().enumerate() {
            b.push(Block::Para(format!("{}. {t}", i + 1)));
        }
    }
}
