//! Review commands: review, annotate, export-review, import-review.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use super::CliError;
use super::args::DbArg;
use super::out::{fail, print};
use crate::store::StoreError;

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
