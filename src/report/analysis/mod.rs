//! The analysis (评估分析底稿): the working printout behind an appraisal — conclusion,
//! assumptions and parameter bases, methods, charts, per-patent results with the value-degree
//! scorecard, and the expert review. The appraisal report's 评估说明 reuses its sections.

pub mod assumptions;
pub mod conclusion;
pub mod figures;
pub mod methods;
pub mod parameters;
pub mod patents;
pub mod review;

use super::doc::{Block, Doc};
use super::fmt::{s, when};
use super::{ReportData, ReportError, ReportLang};

/// Builds the analysis document.
pub fn build(d: &ReportData, lang: ReportLang) -> Result<Doc, ReportError> {
    let title = s(lang.pick("专利资产评估分析底稿", "Patent valuation analysis"));
    let mut b = vec![cover(d, lang, &title)];
    conclusion::blocks(d, lang, &mut b);
    assumptions::blocks(d, lang, &mut b);
    methods::blocks(lang, &mut b);
    figures::blocks(d, lang, &mut b)?;
    patents::blocks(d, lang, &mut b);
    review::blocks(d, lang, &mut b);
    Ok(Doc::of(d, lang, title, b))
}

/// The cover: title, case name and the version's facts.
fn cover(d: &ReportData, lang: ReportLang, title: &str) -> Block {
    let l = |zh: &'static str, en: &'static str| s(lang.pick(zh, en));
    let (a, v) = (&d.appraisal, &d.version);
    Block::Cover {
        title: title.to_string(),
        case: a.name.clone(),
        facts: vec![
            (
                l("借款人（出质人）", "Borrower (pledgor)"),
                a.borrower.clone(),
            ),
            (
                l("评估目的", "Purpose"),
                if a.purpose.trim().is_empty() {
                    l("专利权质押融资", "patent pledge financing")
                } else {
                    a.purpose.clone()
                },
            ),
            (l("评估机构", "Appraisal firm"), a.firm.clone()),
            (l("评估师", "Appraiser"), a.appraiser.clone()),
            (l("评估基准日", "Valuation date"), a.valuation_date.clone()),
            (
                l("报告版本", "Report version"),
                format!("v{} · {} · {}", v.number, when(&v.created_at), v.author),
            ),
            (
                l("版本指纹（SHA-256）", "Version fingerprint (SHA-256)"),
                v.fingerprint.clone(),
            ),
        ],
    }
}
