//! Appraisal reports from a stored version: PDF and HTML with charts (both rendered from the same
//! blocks, see [`doc`]), and per-patent tables as CSV or xlsx. The report is re-computed from the version's stored inputs and checked against its
//! stored results before anything is written, so a report always shows the version's figures.

pub mod analysis;
pub mod appraisal;
pub mod charts;
pub mod doc;
pub mod docx;
mod fmt;
pub mod html;
pub mod memo;
pub mod pdf;
pub mod tables;

use std::path::Path;

use serde::Serialize;

use crate::model::Assumptions;
use crate::store::review::Thread;
use crate::store::{AppraisalInfo, Review, Store, StoreError, VersionInfo};
use crate::valuation::sensitivity::{self, Bar};
use crate::valuation::simulation::{self, Simulation};
use crate::valuation::{Engine, Valuation};

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReportLang {
    Zh,
    En,
}

impl ReportLang {
    /// `zh` or `en`.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            ReportLang::Zh => zh,
            ReportLang::En => en,
        }
    }
}

/// Everything a report shows.
pub struct ReportData {
    pub appraisal: AppraisalInfo,
    pub version: VersionInfo,
    pub assumptions: Assumptions,
    pub engine: Engine,
    pub valuation: Valuation,
    pub tornado: Vec<Bar>,
    pub simulation: Simulation,
    pub reviews: Vec<Review>,
    /// Each review's signatures, checked (review id → signatures).
    pub signatures: std::collections::BTreeMap<String, Vec<crate::store::signature::SignatureView>>,
    pub threads: Vec<Thread>,
    /// Patent titles, in portfolio order.
    pub titles: Vec<String>,
    /// The bank's cross-check and pledge analysis for the review memo, when the exporter
    /// supplies them (see [`crate::pledge::analyse`]).
    pub bank: crate::pledge::BankAnalysis,
    /// The version's stored inputs, re-opened.
    pub dataset: crate::import::Dataset,
    /// Case metadata stored with the version (defaults where it has none).
    pub case: crate::model::case::CaseInfo,
    /// Grant dates and patentees, in portfolio order ("" where not given).
    pub grant_dates: Vec<String>,
    pub owners: Vec<String>,
}

/// Gathers a version's report data: re-computes it from the stored inputs and refuses if the
/// figures differ from the stored results or the version fails its integrity check.
pub fn gather(store: &Store, version_id: &str) -> Result<ReportData, StoreError> {
    let problems = store.check_version(version_id)?;
    if let Some(p) = problems.first() {
        return Err(StoreError::StoredInput {
            version: version_id.into(),
            message: p.clone(),
        });
    }
    let crate::store::versions::Reopened {
        data,
        dataset: ds,
        assumptions,
        engine,
    } = store.reopen(version_id)?;
    let valuation = engine.run(None)?;
    let now = crate::store::versions::StoredResults::from_valuation(&engine, &valuation);
    if now != store.results(version_id)? {
        return Err(StoreError::StoredInput {
            version: version_id.into(),
            message: "re-computing the stored inputs does not give the stored figures (see `patval show --recompute`)".into(),
        });
    }
    let titles = ds.titles();
    let tornado = sensitivity::tornado(&engine);
    let simulation = simulation::run(&engine, None, None)?;
    let reviews = store.reviews(version_id)?;
    Ok(ReportData {
        appraisal: store.appraisal(&data.info.appraisal_id)?,
        version: data.info,
        assumptions,
        engine,
        valuation,
        tornado,
        simulation,
        signatures: store.review_signatures(&reviews)?,
        reviews,
        threads: store.threads(version_id)?,
        titles,
        bank: crate::pledge::BankAnalysis::default(),
        case: ds.case.clone().unwrap_or_default(),
        grant_dates: ds.portfolio_text("grant_date"),
        owners: ds.portfolio_text("owner"),
        dataset: ds,
    })
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Html,
    Docx,
    Csv,
    Xlsx,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    pub bytes: usize,
    /// Characters the PDF's font cannot show (rare ideographs outside U+4E00–U+9FFF).
    pub missing_glyphs: Vec<char>,
}

/// Which document to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Document {
    /// The CAS appraisal report (专利资产评估报告) with its 评估说明 and risk disclosure.
    #[default]
    Appraisal,
    /// The bank's collateral value review memo (押品价值复核意见书).
    ReviewMemo,
    /// The analysis printout (评估分析底稿): conclusion, assumptions, methods, charts,
    /// per-patent results, review.
    Analysis,
}

/// Builds a document's blocks.
pub fn build(
    data: &ReportData,
    document: Document,
    lang: ReportLang,
) -> Result<doc::Doc, ReportError> {
    match document {
        Document::Appraisal => appraisal::build(data, lang),
        Document::ReviewMemo => memo::build(data, lang),
        Document::Analysis => analysis::build(data, lang),
    }
}

/// Writes the appraisal report (see [`export_document`] for the other documents).
pub fn export(
    data: &ReportData,
    format: Format,
    lang: ReportLang,
    out: &Path,
) -> Result<Exported, ReportError> {
    export_document(data, Document::Appraisal, format, lang, out)
}

/// Writes one document in one format.
pub fn export_document(
    data: &ReportData,
    document: Document,
    format: Format,
    lang: ReportLang,
    out: &Path,
) -> Result<Exported, ReportError> {
    let mut missing_glyphs = Vec::new();
    let bytes = match format {
        Format::Pdf => {
            let d = build(data, document, lang)?;
            missing_glyphs = pdf::missing_glyphs(&d)?;
            pdf::render_doc(&d)?
        }
        Format::Html => html::render_doc(&build(data, document, lang)?).into_bytes(),
        Format::Docx => docx::render_doc(&build(data, document, lang)?)?,
        Format::Csv => tables::csv(data, lang)?,
        Format::Xlsx => tables::xlsx(data, lang)?,
    };
    crate::files::write_bytes_replacing(out, &bytes).map_err(|e| ReportError::Write {
        path: out.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(Exported {
        bytes: bytes.len(),
        missing_glyphs,
    })
}

/// Report failures.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write {path}: {message}")]
    Write { path: String, message: String },
    #[error("cannot draw a chart: {0}")]
    Chart(String),
    #[error("cannot build the table: {0}")]
    Table(String),
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
    #[error("cannot write the Word document: {0}")]
    Docx(String),
}

/// The version id and fingerprint embedded in an exported report, if any: `<meta
/// name="patval-version|patval-fingerprint">` in HTML, the `patval-version:` and
/// `patval-fingerprint:` keywords of a PDF's document information.
pub fn embedded_fingerprint(bytes: &[u8]) -> Option<(String, String)> {
    let text = String::from_utf8_lossy(bytes);
    let meta = |name: &str| -> Option<String> {
        let tag = format!("<meta name=\"{name}\" content=\"");
        let start = text.find(&tag)? + tag.len();
        let end = text[start..].find('"')?;
        Some(text[start..start + end].to_string())
    };
    let keyword = |name: &str| -> Option<String> {
        let tag = format!("{name}:");
        let start = text.find(&tag)? + tag.len();
        let value: String = text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        (!value.is_empty()).then_some(value)
    };
    if bytes.starts_with(b"%PDF") {
        return Some((keyword("patval-version")?, keyword("patval-fingerprint")?));
    }
    if bytes.starts_with(b"PK") {
        let d = docx::read(bytes).ok()?;
        let prop = |name: &str| {
            d.properties
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        return Some((prop("patval-version")?, prop("patval-fingerprint")?));
    }
    Some((meta("patval-version")?, meta("patval-fingerprint")?))
}

/// A text cell that a spreadsheet would run as a formula gets a leading apostrophe.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}
