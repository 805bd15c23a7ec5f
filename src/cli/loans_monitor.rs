//! `patval loans monitor | runs | run`: batch post-loan monitoring of the whole book and its
//! stored runs (docs/bank.md §3).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use serde_json::json;

use super::CliError;
use super::args::{DbArg, parse_share};
use super::bank::{err, w};
use super::out::print;
use crate::pledge::batch::{MonitorRun, monitor_book, read_updates, record_run};

#[derive(Debug, clap::Args)]
pub struct MonitorArgs {
    /// The monitoring date: every loan's collateral is re-valued at it.
    #[arg(long, value_parser = super::parse_date_arg)]
    pub date: NaiveDate,
    /// Legal-status update file (CSV: patent_no, change, date[, note]; change is lapsed,
    /// invalidated, transferred, pledge_registered or pledge_released, or 失效, 无效, 转让,
    /// 质押登记, 质押注销).
    #[arg(long)]
    pub updates: Option<PathBuf>,
    /// Flag loans whose coverage (accepted value / exposure) is below this (1 or 100%).
    #[arg(long, default_value = "1", value_parser = parse_share_or_more)]
    pub coverage_alert: f64,
    /// Who runs the monitoring (recorded with the run).
    #[arg(long)]
    pub author: String,
    /// Do not keep the run in the store.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long)]
    pub json: bool,
}

fn parse_share_or_more(s: &str) -> Result<f64, String> {
    match s.trim().strip_suffix('%') {
        Some(p) => p
            .trim()
            .parse::<f64>()
            .map(|v| v / 100.0)
            .map_err(|_| format!("'{s}' is not a percentage")),
        None => s
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("'{s}' is not a number"))
            .or_else(|_| parse_share(s)),
    }
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The run's id or a unique prefix of it.
    pub run: String,
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long)]
    pub json: bool,
}

pub fn monitor(a: &MonitorArgs) -> Result<ExitCode, CliError> {
    let mut store = try_store!(a.db.open());
    let (updates, bytes) = match &a.updates {
        Some(p) => match (read_updates(p), std::fs::read(p)) {
            (Ok(u), Ok(b)) => (u, Some(b)),
            (Err(e), _) => return err(e),
            (_, Err(e)) => return err(format!("{}: cannot read: {e}", p.display())),
        },
        None => (Vec::new(), None),
    };
    let run = match monitor_book(&store, a.date, a.coverage_alert, &updates) {
        Ok(r) => r,
        Err(e) => return err(e),
    };
    let name = a
        .updates
        .as_ref()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    let record = if a.dry_run {
        None
    } else {
        let up = name.as_deref().zip(bytes.as_deref());
        match record_run(&mut store, &run, up, &a.author) {
            Ok(r) => Some(r),
            Err(e) => return err(e),
        }
    };
    print(a.json, json!({"run": record, "result": run}), || {
        let mut out = run_text(&run);
        match &record {
            Some(r) => {
                let _ = write!(
                    out,
                    "\n\nkept as monitoring run {} in {}",
                    r.id,
                    store.path().display()
                );
            }
            None => out.push_str("\n\n(dry run: not kept)"),
        }
        out
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn runs(a: &super::store::ListArgs) -> Result<ExitCode, CliError> {
    let store = try_store!(a.db.open());
    let runs = try_store!(store.monitor_runs());
    print(a.json, json!(runs), || {
        let mut out = format!(
            "{:<34} {:<10}  {:>5} {:>7} {:>6}  {:<24} by",
            "run", "date", "loans", "flagged", "alerts", "updates"
        );
        for r in &runs {
            let _ = write!(
                out,
                "\n{:<34} {:<10}  {:>5} {:>7} {:>6}  {:<24} {}",
                r.id,
                r.monitoring_date,
                r.loans_checked,
                r.loans_with_alerts,
                r.alerts,
                if r.updates_name.is_empty() {
                    "—"
                } else {
                    &r.updates_name
                },
                r.author
            );
        }
        if runs.is_empty() {
            out.push_str("\n(no monitoring runs)");
        }
        out
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn run(a: &RunArgs) -> Result<ExitCode, CliError> {
    let store = try_store!(a.db.open());
    let rec = try_store!(store.monitor_run(&a.run));
    let result: MonitorRun = match serde_json::from_str::<serde_json::Value>(&rec.result_json) {
        Ok(v) => {
            if a.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({"run": rec, "result": v}))?
                );
                return Ok(ExitCode::SUCCESS);
            }
            match serde_json::from_value(v) {
                Ok(r) => r,
                Err(e) => return err(format!("monitoring run {}: {e}", rec.id)),
            }
        }
        Err(e) => return err(format!("monitoring run {}: {e}", rec.id)),
    };
    println!(
        "monitoring run {} by {} at {}{}\n{}",
        rec.id,
        rec.author,
        rec.created_at,
        if rec.updates_name.is_empty() {
            String::new()
        } else {
            format!(
                ", updates {} (SHA-256 {})",
                rec.updates_name, rec.updates_sha256
            )
        },
        run_text(&result)
    );
    Ok(ExitCode::SUCCESS)
}

/// The run as text: per loan the change in accepted value, limit and coverage, and its alerts.
fn run_text(r: &MonitorRun) -> String {
    let mut out = format!(
        "monitoring at {}: {} loans on the book, {} with alerts, {} alerts",
        r.date,
        r.loans.len(),
        r.loans_with_alerts(),
        r.alert_count()
    );
    for l in &r.loans {
        let _ = write!(
            out,
            "\n\n{} {}  exposure {}\n  accepted {} → {}   credit limit {} → {}   coverage {:.1}% → {:.1}%",
            l.loan_no,
            l.borrower,
            w(l.exposure),
            w(l.accepted_before),
            w(l.accepted_after),
            w(l.credit_limit_before),
            w(l.credit_limit_after),
            l.coverage_before * 100.0,
            l.coverage_after * 100.0
        );
        for al in &l.alerts {
            let _ = write!(
                out,
                "\n  ! {:<28} {:<20} {}",
                al.kind.label_en(),
                al.patent_no.as_deref().unwrap_or(""),
                al.detail
            );
        }
    }
    for (title, list) in [
        (
            "updates of patents that secure no loan on the book",
            &r.unmatched,
        ),
        (
            "updates dated after the monitoring date (not applied)",
            &r.later,
        ),
    ] {
        if !list.is_empty() {
            let _ = write!(out, "\n\n{title}:");
            for u in list {
                let _ = write!(
                    out,
                    "\n  row {}: {} {} {}",
                    u.row,
                    u.patent_no,
                    u.change.label_en(),
                    u.date
                );
            }
        }
    }
    out
}
