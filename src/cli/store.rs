//! Store commands: save, reports, show, review, annotate, verify, export-review, import-review.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;

use super::CliError;
use super::args::DbArg;
use super::value::{InputArgs, Valued, load_and_value};
use crate::store::{NewAppraisal, Store, StoreError};

#[derive(Debug, clap::Args)]
pub struct SaveArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub db: DbArg,
    /// Add the version to this existing case (id or prefix); otherwise a new case is made.
    #[arg(long)]
    pub appraisal: Option<String>,
    /// Name of a new case.
    #[arg(long, required_unless_present = "appraisal")]
    pub case: Option<String>,
    /// Borrower (pledgor) of a new case.
    #[arg(long, required_unless_present = "appraisal")]
    pub borrower: Option<String>,
    /// Purpose of a new case (default: none stated; the documents print the standard pledge
    /// wording in their own language).
    #[arg(long, default_value = "")]
    pub purpose: String,
    /// Appraiser of a new case.
    #[arg(long, required_unless_present = "appraisal")]
    pub appraiser: Option<String>,
    /// Appraisal firm of a new case.
    #[arg(long, default_value = "")]
    pub firm: String,
    /// Author of the version (default: the appraiser).
    #[arg(long)]
    pub author: Option<String>,
    /// What changed in this version.
    #[arg(long, default_value = "")]
    pub note: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Version id (or a unique prefix of at least 4 characters).
    pub version: String,
    #[command(flatten)]
    pub db: DbArg,
    /// Re-open the inputs, re-compute, and compare with the stored figures.
    #[arg(long)]
    pub recompute: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    pub version: String,
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long)]
    pub reviewer: String,
    /// analyst, bank_valuer or expert.
    #[arg(long)]
    pub role: String,
    /// approve, revise or reject.
    #[arg(long)]
    pub verdict: String,
    #[arg(long, default_value = "")]
    pub comment: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Subcommand)]
pub enum AnnotateCmd {
    /// Add an annotation to a version, on a patent, an assumption, a method or the whole version.
    Add {
        version: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long, group = "anchor")]
        patent: Option<String>,
        /// An assumption key, e.g. discount.market_risk.
        #[arg(long, group = "anchor")]
        assumption: Option<String>,
        /// cost, income or market.
        #[arg(long, group = "anchor")]
        method: Option<String>,
        /// info, minor or major.
        #[arg(long, default_value = "minor")]
        severity: String,
        #[arg(long)]
        comment: String,
        #[arg(long)]
        author: String,
        /// analyst, bank_valuer or expert.
        #[arg(long)]
        role: String,
        #[arg(long)]
        json: bool,
    },
    /// Reply to an annotation.
    Reply {
        annotation: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        text: String,
        #[arg(long)]
        author: String,
        #[arg(long)]
        json: bool,
    },
    /// Mark an annotation resolved.
    Resolve(StatusArgs),
    /// Reopen a resolved annotation.
    Reopen(StatusArgs),
}

/// Resolve or reopen an annotation.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    pub annotation: String,
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long)]
    pub author: String,
    #[arg(long, default_value = "")]
    pub text: String,
    #[arg(long)]
    pub json: bool,
}

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
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ExportReviewArgs {
    pub version: String,
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Debug, clap::Args)]
pub struct ImportReviewArgs {
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DbArg,
    /// Who imports (recorded in the audit log).
    #[arg(long, default_value = "import")]
    pub actor: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct SaveLoopArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long, default_value_t = 1_000_000)]
    pub count: usize,
    /// Pause between saves, milliseconds.
    #[arg(long, default_value_t = 0)]
    pub pause_ms: u64,
}

fn fail(e: StoreError) -> Result<ExitCode, CliError> {
    eprintln!("error: {e}");
    Ok(ExitCode::from(1))
}

macro_rules! try_store {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return fail(e.into()),
        }
    };
}

fn print(
    json: bool,
    value: serde_json::Value,
    text: impl FnOnce() -> String,
) -> Result<(), CliError> {
    if json {
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        println!("{}", text());
    }
    Ok(())
}

pub fn save(a: &SaveArgs) -> Result<ExitCode, CliError> {
    let Valued {
        dataset,
        assumptions,
        methods,
        engine,
        valuation,
    } = match load_and_value(&a.inputs)? {
        Ok(v) => v,
        Err(code) => return Ok(code),
    };
    let mut store = try_store!(a.db.open());
    let (appraisal, author) = match &a.appraisal {
        Some(key) => {
            let id = try_store!(store.resolve_appraisal(key));
            let app = try_store!(store.appraisal(&id));
            let author = a.author.clone().unwrap_or_else(|| app.appraiser.clone());
            (app, author)
        }
        None => {
            let new = NewAppraisal {
                name: a.case.clone().unwrap_or_default(),
                borrower: a.borrower.clone().unwrap_or_default(),
                purpose: a.purpose.clone(),
                appraiser: a.appraiser.clone().unwrap_or_default(),
                firm: a.firm.clone(),
            };
            let author = a.author.clone().unwrap_or_else(|| new.appraiser.clone());
            let app = try_store!(store.create_appraisal(
                &new,
                &assumptions.valuation_date.to_string(),
                &author
            ));
            (app, author)
        }
    };
    let v = try_store!(store.save_version(
        &appraisal.id,
        &author,
        &a.note,
        &dataset,
        &assumptions,
        methods,
        &engine,
        &valuation
    ));
    print(
        a.json,
        json!({ "store": store.path().display().to_string(), "appraisal": appraisal, "version": v, "reconciled": valuation.summary.reconciled }),
        || {
            format!(
                "saved version {} of case \"{}\" ({}), fingerprint {}\nstore: {}",
                v.number,
                appraisal.name,
                v.id,
                v.fingerprint,
                store.path().display()
            )
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn reports(a: &ListArgs) -> Result<ExitCode, CliError> {
    let store = try_store!(a.db.open());
    let mut cases = Vec::new();
    let mut text = format!("store: {}\n", store.path().display());
    for app in try_store!(store.appraisals()) {
        let versions = try_store!(store.versions(&app.id));
        text.push_str(&format!(
            "{}  {} — borrower {}, valuation date {}, appraiser {}{}\n",
            &app.id[..12],
            app.name,
            app.borrower,
            app.valuation_date,
            app.appraiser,
            if app.firm.is_empty() {
                String::new()
            } else {
                format!(" ({})", app.firm)
            }
        ));
        let mut vs = Vec::new();
        for v in versions {
            let total = store.results(&v.id).map(|r| r.summary.reconciled).ok();
            text.push_str(&format!(
                "    v{}  {}  {}  by {}  {}  {}\n",
                v.number,
                &v.id[..12],
                v.created_at,
                v.author,
                total.map_or_else(
                    || "—".into(),
                    |t| crate::model::money::format_money(t, crate::model::money::MoneyUnit::Wan)
                ),
                v.note
            ));
            vs.push(json!({ "version": v, "reconciled": total }));
        }
        cases.push(json!({ "appraisal": app, "versions": vs }));
    }
    print(
        a.json,
        json!({ "store": store.path().display().to_string(), "appraisals": cases }),
        || text.trim_end().to_string(),
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn show(a: &ShowArgs) -> Result<ExitCode, CliError> {
    let store = try_store!(a.db.open());
    let id = try_store!(store.resolve_version(&a.version));
    let v = try_store!(store.version(&id));
    let app = try_store!(store.appraisal(&v.appraisal_id));
    let results = try_store!(store.results(&id));
    let reviews = try_store!(store.reviews(&id));
    let threads = try_store!(store.threads(&id));
    let problems = try_store!(store.check_version(&id));
    let diffs = if a.recompute {
        Some(try_store!(store.recompute(&id)))
    } else {
        None
    };
    let ok = problems.is_empty() && diffs.as_ref().is_none_or(Vec::is_empty);
    print(
        a.json,
        json!({
            "appraisal": app, "version": v, "summary": results.summary, "patents": results.patents,
            "reviews": reviews, "annotations": threads, "integrity_problems": problems,
            "recompute_differences": diffs,
        }),
        || {
            let unit = crate::model::money::MoneyUnit::Wan;
            let f = |x: f64| crate::model::money::format_money(x, unit);
            let mut t = format!(
                "case \"{}\" — borrower {}, appraiser {} {}\nversion {} ({}), saved {} by {}, patval {}\nfingerprint {}\n",
                app.name,
                app.borrower,
                app.appraiser,
                app.firm,
                v.number,
                v.id,
                v.created_at,
                v.author,
                v.software_version,
                v.fingerprint
            );
            let s = &results.summary;
            t.push_str(&format!(
                "valuation date {}, {} patents: cost {}, income {}, market {}, reconciled {} (range {} – {})\n",
                s.valuation_date, s.patents, f(s.cost), f(s.income), f(s.market), f(s.reconciled), f(s.low), f(s.high)
            ));
            for r in &reviews {
                t.push_str(&format!(
                    "review by {} ({}): {} — {}\n",
                    r.reviewer, r.role, r.verdict, r.comment
                ));
            }
            for th in &threads {
                let an = &th.annotation;
                t.push_str(&format!(
                    "annotation {} [{}] on {} {} ({}) by {}: {}\n",
                    &an.id[..12],
                    th.status,
                    an.anchor_kind,
                    an.anchor,
                    an.severity,
                    an.author,
                    an.comment
                ));
                for e in &th.events {
                    t.push_str(&format!("    {} by {}: {}\n", e.kind, e.author, e.text));
                }
            }
            for p in &problems {
                t.push_str(&format!("INTEGRITY: {p}\n"));
            }
            match &diffs {
                Some(d) if d.is_empty() => t.push_str("re-computed: the same figures\n"),
                Some(d) => {
                    for x in d {
                        t.push_str(&format!("RECOMPUTE DIFFERS: {x}\n"));
                    }
                }
                None => {}
            }
            t.trim_end().to_string()
        },
    )?;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn review(a: &ReviewArgs) -> Result<ExitCode, CliError> {
    let mut store = try_store!(a.db.open());
    let id = try_store!(store.resolve_version(&a.version));
    let r = try_store!(store.add_review(&id, &a.reviewer, &a.role, &a.verdict, &a.comment));
    print(a.json, json!(r), || {
        format!("review {} recorded: {} by {}", r.id, r.verdict, r.reviewer)
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn annotate(cmd: &AnnotateCmd) -> Result<ExitCode, CliError> {
    match cmd {
        AnnotateCmd::Add {
            version,
            db,
            patent,
            assumption,
            method,
            severity,
            comment,
            author,
            role,
            json: js,
        } => {
            let mut store = try_store!(db.open());
            let id = try_store!(store.resolve_version(version));
            let (kind, anchor) = match (patent, assumption, method) {
                (Some(p), _, _) => ("patent", crate::import::cell::normalize_patent_no(p)),
                (_, Some(k), _) => ("assumption", k.clone()),
                (_, _, Some(m)) => ("method", m.clone()),
                _ => ("version", String::new()),
            };
            if kind == "patent" {
                let results = try_store!(store.results(&id));
                if !results.patents.iter().any(|p| p.patent_no == anchor) {
                    return fail(StoreError::Invalid(format!(
                        "patent {anchor} is not in version {id}"
                    )));
                }
            }
            if kind == "method" && !["cost", "income", "market"].contains(&anchor.as_str()) {
                return fail(StoreError::Invalid(format!(
                    "method \"{anchor}\" is not one of cost, income, market"
                )));
            }
            let a = try_store!(
                store.add_annotation(&id, kind, &anchor, severity, comment, author, role)
            );
            print(*js, json!(a), || format!("annotation {} added", a.id))?;
        }
        AnnotateCmd::Reply {
            annotation,
            db,
            text,
            author,
            json: js,
        } => return event(db, annotation, "reply", author, text, *js),
        AnnotateCmd::Resolve(a) => {
            return event(&a.db, &a.annotation, "resolve", &a.author, &a.text, a.json);
        }
        AnnotateCmd::Reopen(a) => {
            return event(&a.db, &a.annotation, "reopen", &a.author, &a.text, a.json);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn event(
    db: &DbArg,
    annotation: &str,
    kind: &str,
    author: &str,
    text: &str,
    js: bool,
) -> Result<ExitCode, CliError> {
    let mut store = try_store!(db.open());
    let id = try_store!(store.resolve_annotation(annotation));
    let e = try_store!(store.add_event(&id, kind, author, text));
    print(js, json!(e), || {
        format!("{kind} recorded on annotation {}", e.annotation_id)
    })?;
    Ok(ExitCode::SUCCESS)
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
    let rep = try_store!(store.verify());
    print(a.json, json!(rep), || {
        let mut t = format!(
            "{}: SQLite integrity {}, {} audit entries, {} rows, {} versions checked\n",
            rep.path, rep.integrity, rep.audit_entries, rep.rows_checked, rep.versions
        );
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

pub fn export_review(a: &ExportReviewArgs) -> Result<ExitCode, CliError> {
    let store = try_store!(a.db.open());
    let id = try_store!(store.resolve_version(&a.version));
    let pkg = try_store!(store.export_review(&id, &a.out));
    println!(
        "wrote {}: version {} with {} reviews and {} annotations",
        a.out.display(),
        pkg.version.id,
        pkg.reviews.len(),
        pkg.annotations.len()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn import_review(a: &ImportReviewArgs) -> Result<ExitCode, CliError> {
    let mut store = try_store!(a.db.open());
    let rep = try_store!(store.import_review(&a.file, &a.actor));
    print(a.json, json!(rep), || {
        let mut t = format!(
            "merged {} into version {}: {}{} reviews, {} annotations, {} replies/status changes added; {} already here",
            a.file.display(),
            rep.version_id,
            if rep.version_added {
                "the version itself, "
            } else {
                ""
            },
            rep.reviews_added,
            rep.annotations_added,
            rep.events_added,
            rep.duplicates
        );
        for c in &rep.conflicts {
            t.push_str(&format!("\nCONFLICT: {c}"));
        }
        t
    })?;
    Ok(if rep.conflicts.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

/// Saves versions of the sample case in a loop, printing each id once committed (crash tests).
pub fn save_loop(a: &SaveLoopArgs) -> Result<ExitCode, CliError> {
    use std::io::Write;
    let ds = match crate::sample::load() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let assumptions = ds
        .assumptions
        .clone()
        .unwrap_or_else(|| crate::model::Assumptions::with_date(chrono::NaiveDate::MIN));
    let methods = crate::valuation::Methods::default();
    let engine = match crate::valuation::Engine::new(&ds, &assumptions, methods, None) {
        Ok(e) => e,
        Err(e) => return fail(e.into()),
    };
    let valuation = match engine.run(None) {
        Ok(v) => v,
        Err(e) => return fail(e.into()),
    };
    let mut store = try_store!(a.db.open());
    let new = NewAppraisal {
        name: "crash test".into(),
        borrower: "b".into(),
        purpose: "p".into(),
        appraiser: "a".into(),
        firm: "f".into(),
    };
    let app = match store.appraisals().ok().and_then(|v| v.into_iter().next()) {
        Some(app) => app,
        None => {
            try_store!(store.create_appraisal(&new, &assumptions.valuation_date.to_string(), "a"))
        }
    };
    let mut out = std::io::stdout().lock();
    for _ in 0..a.count {
        let v = try_store!(store.save_version(
            &app.id,
            "a",
            "loop",
            &ds,
            &assumptions,
            methods,
            &engine,
            &valuation
        ));
        writeln!(out, "{}", v.id)?;
        out.flush()?;
        if a.pause_ms > 0 {
            std::thread::sleep(std::time::Duration::from_millis(a.pause_ms));
        }
    }
    Ok(ExitCode::SUCCESS)
}
