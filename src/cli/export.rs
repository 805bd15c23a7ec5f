//! Document commands: export (the appraisal report, the review memo, the analysis; PDF, DOCX,
//! HTML, CSV, xlsx) and verify.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;

use super::CliError;
use super::args::DbArg;
use super::out::{fail, print};
use crate::store::{Store, StoreError};

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Version id (or a unique prefix).
    pub version: String,
    /// pdf, html, docx, csv or xlsx (default: from the --out file's extension).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Report language.
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: LangArg,
    /// Which document (PDF, HTML, DOCX): the CAS appraisal report with its 评估说明, the
    /// bank's review memo (押品价值复核意见书, with --external and the loan), or the
    /// analysis printout.
    #[arg(long, value_enum, default_value = "appraisal")]
    pub document: DocumentArg,
    /// Output file (written beside, then renamed into place).
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub db: DbArg,
    /// The review memo's inputs: the outside firm's appraisal and the loan.
    #[command(flatten)]
    pub bank: super::args::ReportBankArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Pdf,
    Html,
    Docx,
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocumentArg {
    Appraisal,
    ReviewMemo,
    Analysis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    Zh,
    En,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Store file to check (default: --db or the user's store).
    pub file: Option<PathBuf>,
    /// Check an exported report against the store instead.
    #[arg(long)]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArg,
    /// Check signatures against this expert registry file (as distributed by the bank or the
    /// association) instead of the store's own registry.
    #[arg(long)]
    pub registry: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

pub fn export(a: &ExportArgs) -> Result<ExitCode, CliError> {
    use crate::report::{self, Format, ReportLang};
    let store = try_store!(a.db.open());
    let id = try_store!(store.resolve_version(&a.version));
    let started = std::time::Instant::now();
    let mut data = try_store!(report::gather(&store, &id));
    if a.document == DocumentArg::ReviewMemo {
        if !a.bank.given() {
            eprintln!(
                "warning: no --external appraisal and no loan (--exposure, --pd): the memo reviews the bank's own valuation only"
            );
        }
        match a.bank.analyse(&a.db, &data) {
            Ok(bank) => data.bank = bank,
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(ExitCode::from(1));
            }
        }
    } else if a.bank.given() {
        eprintln!(
            "error: --external and the loan options belong to the bank's review memo; add --document review-memo"
        );
        return Ok(ExitCode::from(2));
    }
    let Some(format) = a.format.or_else(|| {
        let ext = a.out.extension()?.to_str()?.to_ascii_lowercase();
        <FormatArg as clap::ValueEnum>::from_str(&ext, true).ok()
    }) else {
        eprintln!(
            "error: {}: cannot tell the format from the extension; give --format pdf|html|docx|csv|xlsx",
            a.out.display()
        );
        return Ok(ExitCode::from(2));
    };
    let format = match format {
        FormatArg::Pdf => Format::Pdf,
        FormatArg::Html => Format::Html,
        FormatArg::Docx => Format::Docx,
        FormatArg::Csv => Format::Csv,
        FormatArg::Xlsx => Format::Xlsx,
    };
    let lang = if a.lang == LangArg::Zh {
        ReportLang::Zh
    } else {
        ReportLang::En
    };
    let document = match a.document {
        DocumentArg::Appraisal => report::Document::Appraisal,
        DocumentArg::ReviewMemo => report::Document::ReviewMemo,
        DocumentArg::Analysis => report::Document::Analysis,
    };
    match report::export_document(&data, document, format, lang, &a.out) {
        Ok(x) => {
            println!(
                "wrote {} ({} bytes) for version {} in {:.2} s",
                a.out.display(),
                x.bytes,
                id,
                started.elapsed().as_secs_f64()
            );
            if !x.missing_glyphs.is_empty() {
                eprintln!(
                    "warning: the PDF's font has no glyph for {} (shown as empty boxes)",
                    x.missing_glyphs.iter().collect::<String>()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

/// Checks that an exported report's embedded version and fingerprint match the store.
fn verify_report(a: &VerifyArgs, report: &Path) -> Result<ExitCode, CliError> {
    let bytes = match std::fs::read(report) {
        Ok(b) => b,
        Err(e) => {
            return fail(StoreError::Invalid(format!(
                "{}: cannot read: {e}",
                report.display()
            )));
        }
    };
    let Some((version, fingerprint)) = crate::report::embedded_fingerprint(&bytes) else {
        return fail(StoreError::Invalid(format!(
            "{}: carries no patval fingerprint",
            report.display()
        )));
    };
    let path = match &a.file {
        Some(p) => p.clone(),
        None => try_store!(a.db.path()),
    };
    let store = try_store!(Store::open(&path));
    let stored = try_store!(store.version(&version));
    let problems = try_store!(store.check_version(&version));
    let ok = stored.fingerprint == fingerprint && problems.is_empty();
    print(
        a.json,
        json!({ "report": report.display().to_string(), "version": version, "fingerprint": fingerprint, "matches": ok, "problems": problems }),
        || {
            if ok {
                format!(
                    "{}: version {version}, fingerprint matches the store",
                    report.display()
                )
            } else if stored.fingerprint != fingerprint {
                format!(
                    "TAMPERING: {}: fingerprint {fingerprint} differs from the store's {}",
                    report.display(),
                    stored.fingerprint
                )
            } else {
                format!("TAMPERING: {}: {}", report.display(), problems.join("; "))
            }
        },
    )?;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn verify(a: &VerifyArgs) -> Result<ExitCode, CliError> {
    if let Some(r) = &a.report {
        return verify_report(a, r);
    }
    let path = match &a.file {
        Some(p) => p.clone(),
        None => try_store!(a.db.path()),
    };
    if !Path::new(&path).exists() {
        return fail(StoreError::Open {
            path: path.display().to_string(),
            message: "no such file".into(),
        });
    }
    let store = try_store!(Store::open(&path));
    let trusted = match &a.registry {
        Some(r) => Some(try_store!(crate::store::experts::read_registry(r))),
        None => None,
    };
    let rep = try_store!(store.verify_with(trusted.as_ref()));
    print(a.json, json!(rep), || {
        let mut t = format!(
            "{}: SQLite integrity {}, {} audit entries, {} rows, {} versions, {} signatures checked\n",
            rep.path,
            rep.integrity,
            rep.audit_entries,
            rep.rows_checked,
            rep.versions,
            rep.signatures_checked
        );
        if !rep.unsigned.is_empty() {
            t.push_str(&format!(
                "{} reviews, annotations or conclusions are not signed:\n",
                rep.unsigned.len()
            ));
            for u in &rep.unsigned {
                t.push_str(&format!("  unsigned: {u}\n"));
            }
        }
        if rep.ok() {
            t.push_str("verified: no tampering found");
        } else {
            for p in &rep.problems {
                t.push_str(&format!("TAMPERING: {p}\n"));
            }
        }
        t.trim_end().to_string()
    })?;
    Ok(if rep.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
