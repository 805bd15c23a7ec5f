//! Review commands: review, annotate, export-review, import-review.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use super::CliError;
use super::args::DbArg;
use super::experts::SignArgs;
use super::out::{fail, print};
use crate::store::StoreError;

#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    pub version: String,
    #[command(flatten)]
    pub db: DbArg,
    /// The reviewer's name (with --sign-as: the expert's registered name, the default).
    #[arg(long)]
    pub reviewer: Option<String>,
    /// analyst, bank_valuer or expert.
    #[arg(long)]
    pub role: String,
    /// approve, revise or reject.
    #[arg(long)]
    pub verdict: String,
    #[arg(long, default_value = "")]
    pub comment: String,
    #[command(flatten)]
    pub sign: SignArgs,
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
        #[command(flatten)]
        sign: SignArgs,
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
        #[command(flatten)]
        sign: SignArgs,
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
    #[command(flatten)]
    pub sign: SignArgs,
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
    let signer = try_store!(a.sign.signer(&store));
    let reviewer = match (&a.reviewer, &a.sign.sign_as) {
        (Some(r), _) => r.clone(),
        (None, Some(who)) => try_store!(store.resolve_expert(who)).name,
        (None, None) => {
            return fail(StoreError::Invalid(
                "give --reviewer NAME, or --sign-as EXPERT to sign".into(),
            ));
        }
    };
    let r = try_store!(store.add_review_as(
        &id,
        &reviewer,
        &a.role,
        &a.verdict,
        &a.comment,
        signer.as_ref()
    ));
    print(a.json, json!(r), || {
        format!(
            "review {} recorded: {} by {}{}",
            r.id,
            r.verdict,
            r.reviewer,
            if signer.is_some() { " (signed)" } else { "" }
        )
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
            sign,
            json: js,
        } => {
            let mut store = try_store!(db.open());
            let signer = try_store!(sign.signer(&store));
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
            let what = (kind, anchor.as_str(), severity.as_str(), comment.as_str());
            let a = try_store!(store.add_annotation_as(&id, what, author, role, signer.as_ref()));
            print(*js, json!(a), || format!("annotation {} added", a.id))?;
        }
        AnnotateCmd::Reply {
            annotation,
            db,
            text,
            author,
            sign,
            json: js,
        } => return event(db, annotation, ("reply", author, text), sign, *js),
        AnnotateCmd::Resolve(a) => {
            let what = ("resolve", a.author.as_str(), a.text.as_str());
            return event(&a.db, &a.annotation, what, &a.sign, a.json);
        }
        AnnotateCmd::Reopen(a) => {
            let what = ("reopen", a.author.as_str(), a.text.as_str());
            return event(&a.db, &a.annotation, what, &a.sign, a.json);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A reply, resolve or reopen `(kind, author, text)`.
fn event(
    db: &DbArg,
    annotation: &str,
    (kind, author, text): (&str, &str, &str),
    sign: &SignArgs,
    js: bool,
) -> Result<ExitCode, CliError> {
    let mut store = try_store!(db.open());
    let id = try_store!(store.resolve_annotation(annotation));
    let signer = try_store!(sign.signer(&store));
    let e = try_store!(store.add_event_as(&id, kind, author, text, signer.as_ref()));
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
        if rep.signatures_added > 0 {
            t.push_str(&format!(
                "; {} signatures checked and kept",
                rep.signatures_added
            ));
        }
        for c in &rep.conflicts {
            t.push_str(&format!("\nCONFLICT: {c}"));
        }
        for r in &rep.refused {
            t.push_str(&format!("\nREFUSED: {r}"));
        }
        for u in &rep.unknown_keys {
            t.push_str(&format!("\nUNKNOWN KEY: {u}"));
        }
        t
    })?;
    Ok(
        if rep.conflicts.is_empty() && rep.refused.is_empty() && rep.unknown_keys.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(3)
        },
    )
}
