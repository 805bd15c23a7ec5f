//! `patval loans …`: the bank's book of pledge loans in the store.

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::NaiveDate;
use serde_json::json;

use super::CliError;
use super::args::{AcceptArg, CollateralArg, DbArg, parse_amount, parse_share};
use super::bank::{err, w};
use super::out::{fail, print};
use crate::model::LoanStatus;
use crate::pledge::book::{BookOptions, Share};
use crate::pledge::loans::LoanTerms;
use crate::store::StoreError;
use crate::store::loans::{StatusChange, state_of};

#[derive(Debug, clap::Subcommand)]
pub enum LoansCmd {
    /// Put a pledge loan on the book, secured by a stored report version.
    Add(Box<AddArgs>),
    /// List the loans with their current status and exposure.
    List(super::store::ListArgs),
    /// One loan: its terms and its status history.
    Show(ShowArgs),
    /// Record a change of a loan's status (overdue, npl, in_disposal, recovered, written_off,
    /// repaid, or back to performing), with the exposure or proceeds from that date.
    Status(StatusArgs),
    /// The whole book: exposure, accepted value, credit limit, coverage and expected loss per
    /// loan and in total, the fund's claims, concentration, and the NPL ratio check.
    Book(BookArgs),
    /// Batch post-loan monitoring: re-value every loan's collateral at a date with a
    /// legal-status update file, list the alerts per loan and keep the run as a dated record.
    Monitor(Box<super::loans_monitor::MonitorArgs>),
    /// The stored monitoring runs.
    Runs(super::store::ListArgs),
    /// One stored monitoring run.
    Run(super::loans_monitor::RunArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The bank's loan number.
    #[arg(long)]
    pub loan_no: String,
    #[arg(long)]
    pub borrower: String,
    /// Loan product or business line.
    #[arg(long, default_value = "")]
    pub product: String,
    /// Principal (`5000000`, `500万元`).
    #[arg(long, value_parser = parse_amount)]
    pub exposure: f64,
    /// Annual interest rate (0.0435 or 4.35%).
    #[arg(long, value_parser = parse_share)]
    pub rate: f64,
    /// Probability of default over the term.
    #[arg(long, value_parser = parse_share)]
    pub pd: f64,
    #[arg(long, value_parser = super::parse_date_arg)]
    pub start: NaiveDate,
    #[arg(long, value_parser = super::parse_date_arg)]
    pub maturity: NaiveDate,
    /// The stored report version securing the loan (id or prefix).
    #[arg(long)]
    pub version: String,
    /// An outside appraisal stored as a version, compared under --accept.
    #[arg(long)]
    pub external_version: Option<String>,
    /// Which value counts per patent when --external-version is given.
    #[arg(long, value_enum, default_value = "lower")]
    pub accept: AcceptArg,
    #[arg(long, value_enum, default_value = "ip-only")]
    pub collateral: CollateralArg,
    /// Value of the other collateral of a mixed loan.
    #[arg(long, default_value = "0", value_parser = parse_amount)]
    pub other_collateral_value: f64,
    #[arg(long, default_value = "")]
    pub guarantor: String,
    /// Share of the shortfall the guarantor pays.
    #[arg(long, default_value = "0", value_parser = parse_share)]
    pub guarantee: f64,
    #[arg(long, default_value = "")]
    pub insurer: String,
    /// Share of the shortfall left after the guarantor that the insurer pays.
    #[arg(long, default_value = "0", value_parser = parse_share)]
    pub insurance: f64,
    /// Policy profile: a bundled id (shenzhen) or a profile id in the user folder.
    #[arg(long, default_value = "shenzhen")]
    pub policy: String,
    /// Who records the loan.
    #[arg(long)]
    pub author: String,
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Loan number, or loan id or a unique prefix of it.
    pub loan: String,
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Loan number, or loan id or a unique prefix of it.
    pub loan: String,
    /// performing, overdue, npl, in_disposal, recovered, written_off or repaid (or 正常, 逾期,
    /// 不良, 处置中, 已收回, 已核销, 已结清).
    pub status: String,
    /// The date the status took effect.
    #[arg(long, value_parser = super::parse_date_arg)]
    pub date: NaiveDate,
    /// The exposure from this date on (principal and accrued interest).
    #[arg(long, value_parser = parse_amount)]
    pub exposure: Option<f64>,
    /// Disposal proceeds realised, net of costs.
    #[arg(long, value_parser = parse_amount)]
    pub proceeds: Option<f64>,
    #[arg(long, default_value = "")]
    pub note: String,
    #[arg(long)]
    pub author: String,
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct BookArgs {
    /// The bank's overall NPL ratio, all loans (0.012 or 1.2%).
    #[arg(long, value_parser = parse_share)]
    pub bank_npl: f64,
    /// Flag loans whose coverage (accepted value / exposure) is below this (1 = 100%).
    #[arg(long, default_value_t = 1.0)]
    pub coverage_alert: f64,
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long)]
    pub json: bool,
}

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

pub fn run(cmd: &LoansCmd) -> Result<ExitCode, CliError> {
    match cmd {
        LoansCmd::Add(a) => add(a),
        LoansCmd::List(a) => list(a),
        LoansCmd::Show(a) => show(a),
        LoansCmd::Status(a) => status(a),
        LoansCmd::Book(a) => book(a),
        LoansCmd::Monitor(a) => super::loans_monitor::monitor(a),
        LoansCmd::Runs(a) => super::loans_monitor::runs(a),
        LoansCmd::Run(a) => super::loans_monitor::run(a),
    }
}

fn add(a: &AddArgs) -> Result<ExitCode, CliError> {
    if let Err(e) = crate::pledge::Policy::load(&a.policy) {
        return err(e);
    }
    let mut store = try_store!(a.db.open());
    let version_id = try_store!(store.resolve_version(&a.version));
    let external_version_id = match &a.external_version {
        Some(x) => Some(try_store!(store.resolve_version(x))),
        None => None,
    };
    let terms = LoanTerms {
        loan_no: a.loan_no.clone(),
        borrower: a.borrower.clone(),
        product: a.product.trim().into(),
        exposure: a.exposure,
        interest_rate: a.rate,
        pd: a.pd,
        start: a.start,
        maturity: a.maturity,
        accept: if external_version_id.is_some() {
            a.accept.rule()
        } else {
            crate::pledge::credit::Accept::Bank
        },
        version_id,
        external_version_id,
        collateral: a.collateral.kind(),
        other_collateral_value: a.other_collateral_value,
        guarantor: a.guarantor.trim().into(),
        guarantee_share: a.guarantee,
        insurer: a.insurer.trim().into(),
        insurance_share: a.insurance,
        policy: a.policy.clone(),
    };
    let rec = try_store!(store.add_loan(&terms, &a.author));
    print(a.json, json!(rec), || {
        format!(
            "loan {} ({}) added: {} to {}, secured by version {}",
            rec.terms.loan_no,
            rec.id,
            w(rec.terms.exposure),
            rec.terms.borrower,
            rec.terms.version_id
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

fn list(a: &super::store::ListArgs) -> Result<ExitCode, CliError> {
    let store = try_store!(a.db.open());
    let mut rows = Vec::new();
    for rec in try_store!(store.loans()) {
        let events = try_store!(store.loan_events(&rec.id));
        rows.push((state_of(&rec.terms, &events), rec));
    }
    let value = json!(
        rows.iter()
            .map(|(s, r)| json!({"loan": r, "state": s}))
            .collect::<Vec<_>>()
    );
    print(a.json, value, || {
        let mut out = format!(
            "{:<14} {:<24} {:<14} {:>16}  {:<10}  maturity",
            "loan", "borrower", "status", "exposure", "since"
        );
        for (s, r) in &rows {
            let _ = write!(
                out,
                "\n{:<14} {:<24} {:<14} {:>16}  {:<10}  {}",
                r.terms.loan_no,
                r.terms.borrower,
                s.status.label_en(),
                w(s.exposure),
                s.since,
                r.terms.maturity
            );
        }
        if rows.is_empty() {
            out.push_str("\n(no loans on the book)");
        }
        out
    })?;
    Ok(ExitCode::SUCCESS)
}

fn show(a: &ShowArgs) -> Result<ExitCode, CliError> {
    let store = try_store!(a.db.open());
    let id = try_store!(store.resolve_loan(&a.loan));
    let rec = try_store!(store.loan(&id));
    let events = try_store!(store.loan_events(&id));
    let state = state_of(&rec.terms, &events);
    let value = json!({"loan": rec, "state": state, "events": events});
    print(a.json, value, || {
        let t = &rec.terms;
        let mut out = format!(
            "loan {} ({})\nborrower {}   product {}\nexposure {} at {} a year, PD {}, {} to {}\nsecured by version {}{}\ncollateral {}   guarantor {} {}   insurer {} {}   policy {}\nstatus {} since {}, exposure {}\n\nhistory",
            t.loan_no,
            rec.id,
            t.borrower,
            if t.product.is_empty() {
                "—"
            } else {
                &t.product
            },
            w(t.exposure),
            pct(t.interest_rate),
            pct(t.pd),
            t.start,
            t.maturity,
            t.version_id,
            t.external_version_id
                .as_ref()
                .map(|x| format!(
                    " (outside appraisal {x}, accepting the {} value)",
                    t.accept.code()
                ))
                .unwrap_or_default(),
            t.collateral.code(),
            if t.guarantor.is_empty() {
                "—"
            } else {
                &t.guarantor
            },
            pct(t.guarantee_share),
            if t.insurer.is_empty() {
                "—"
            } else {
                &t.insurer
            },
            pct(t.insurance_share),
            t.policy,
            state.status.label_en(),
            state.since,
            w(state.exposure)
        );
        for e in &events {
            let _ = write!(
                out,
                "\n  {}  {:<14} by {}",
                e.date,
                e.status.label_en(),
                e.author
            );
            if let Some(x) = e.exposure {
                let _ = write!(out, "   exposure {}", w(x));
            }
            if let Some(x) = e.proceeds {
                let _ = write!(out, "   proceeds {}", w(x));
            }
            if !e.note.is_empty() {
                let _ = write!(out, "   {}", e.note);
            }
        }
        out
    })?;
    Ok(ExitCode::SUCCESS)
}

fn status(a: &StatusArgs) -> Result<ExitCode, CliError> {
    let Some(status) = LoanStatus::parse(&a.status) else {
        let codes: Vec<&str> = LoanStatus::ALL.iter().map(|s| s.code()).collect();
        return fail(StoreError::Invalid(format!(
            "status \"{}\" is not one of {}",
            a.status,
            codes.join(", ")
        )));
    };
    let mut store = try_store!(a.db.open());
    let id = try_store!(store.resolve_loan(&a.loan));
    let change = StatusChange {
        status,
        date: a.date,
        exposure: a.exposure,
        proceeds: a.proceeds,
        note: a.note.clone(),
    };
    let e = try_store!(store.set_loan_status(&id, &change, &a.author));
    print(a.json, json!(e), || {
        format!("loan {}: {} from {}", a.loan, e.status.label_en(), e.date)
    })?;
    Ok(ExitCode::SUCCESS)
}

fn book(a: &BookArgs) -> Result<ExitCode, CliError> {
    let store = try_store!(a.db.open());
    let opts = BookOptions {
        bank_npl_ratio: a.bank_npl,
        coverage_alert: a.coverage_alert,
    };
    let b = match crate::pledge::load_book(&store, opts) {
        Ok(b) => b,
        Err(e) => return err(e),
    };
    print(a.json, json!(b), || book_text(&b))?;
    Ok(ExitCode::SUCCESS)
}

fn shares_text(out: &mut String, title: &str, shares: &[Share]) {
    let _ = write!(out, "\n\n{title}");
    for s in shares.iter().take(10) {
        let _ = write!(
            out,
            "\n  {:<24} {:>16} {:>8}",
            s.key,
            w(s.amount),
            pct(s.share)
        );
    }
    if shares.len() > 10 {
        let _ = write!(out, "\n  … and {} more (--json has all)", shares.len() - 10);
    }
}

fn book_text(b: &crate::pledge::book::Book) -> String {
    let mut out = format!(
        "{:<14} {:<20} {:<14} {:>14} {:>14} {:>14} {:>9} {:>12}  alerts",
        "loan", "borrower", "status", "exposure", "accepted", "credit limit", "coverage", "EL"
    );
    for l in &b.loans {
        let alerts: Vec<String> = l.alerts.iter().map(|a| format!("{a:?}")).collect();
        let _ = write!(
            out,
            "\n{:<14} {:<20} {:<14} {:>14} {:>14} {:>14} {:>9} {:>12}  {}",
            l.loan_no,
            l.borrower,
            l.status.label_en(),
            w(l.exposure),
            w(l.accepted),
            w(l.credit_limit),
            pct(l.coverage),
            w(l.expected_loss),
            alerts.join(", ")
        );
    }
    let t = &b.totals;
    let _ = write!(
        out,
        "\n\n{} loans on the book ({} closed): exposure {}, accepted value {}, credit limit {}, coverage {}\nexpected loss {}   risk-compensation fund: expected claims {}, actual claims {}",
        t.loans_on_book,
        t.loans_closed,
        w(t.exposure),
        w(t.accepted),
        w(t.credit_limit),
        pct(t.coverage),
        w(t.expected_loss),
        w(t.fund_expected),
        w(t.fund_actual)
    );
    let n = &b.npl;
    let _ = write!(
        out,
        "\nIP-pledge NPL ratio {} against the bank's {}: {:+.2} points{}",
        pct(n.ip_npl_ratio),
        pct(n.bank_npl_ratio),
        n.excess_points,
        if n.flagged {
            format!(" — above the tolerance of {} points", n.tolerance_points)
        } else {
            format!(" (within the tolerance of {} points)", n.tolerance_points)
        }
    );
    shares_text(&mut out, "exposure by borrower", &b.by_borrower);
    shares_text(&mut out, "exposure by product", &b.by_product);
    shares_text(&mut out, "accepted value by IPC class", &b.by_ipc_class);
    out
}
