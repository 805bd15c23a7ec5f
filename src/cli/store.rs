//! Version commands: save, reports, show (and the crash tests' save loop).

use std::process::ExitCode;

use serde_json::json;

use super::CliError;
use super::args::DbArg;
use super::out::{fail, print};
use super::value::{InputArgs, Valued, load_and_value};
use crate::store::NewAppraisal;

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
pub struct SaveLoopArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long, default_value_t = 1_000_000)]
    pub count: usize,
    /// Pause between saves, milliseconds.
    #[arg(long, default_value_t = 0)]
    pub pause_ms: u64,
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
