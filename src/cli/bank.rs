//! Bank-side commands: crosscheck, pledge, monitor.

use std::path::PathBuf;
use std::process::ExitCode;

use super::CliError;
use super::args::{AcceptArg, CostArgs, DbArg, ExternalArgs, LoanArgs};
use super::value::{InputArgs, load_and_value};
use crate::import::{self, ReadOptions, TableKind};
use crate::model::money::{MoneyUnit, format_money};
use crate::pledge::credit::accepted_values;
use crate::pledge::crosscheck::crosscheck;
use crate::pledge::subsidy::{FinancingCost, financing_cost};
use crate::pledge::{Policy, monitor};
use crate::valuation::Engine;

pub(super) fn w(x: f64) -> String {
    format_money(x, MoneyUnit::Wan)
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

#[derive(Debug, clap::Args)]
pub struct CrosscheckArgs {
    /// The bank's inputs and assumptions.
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub external: ExternalArgs,
    /// Flag patents whose values differ by more than this share (0.2 = 20%).
    #[arg(long, default_value_t = 0.2)]
    pub threshold: f64,
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct PledgeArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub loan: LoanArgs,
    #[command(flatten)]
    pub cost: CostArgs,
    #[command(flatten)]
    pub external: ExternalArgs,
    /// With an external appraisal: which value to accept per patent.
    #[arg(long, value_enum, default_value = "lower")]
    pub accept: AcceptArg,
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct MonitorArgs {
    /// The stored version the loan was granted on (id or prefix).
    pub version: String,
    /// The monitoring date (the new valuation date).
    #[arg(long, value_parser = super::parse_date_arg)]
    pub valuation_date: chrono::NaiveDate,
    /// Updated portfolio (legal status, etc.); otherwise the stored one.
    #[arg(long)]
    pub portfolio: Option<PathBuf>,
    /// Updated forecasts; otherwise the stored ones.
    #[arg(long)]
    pub forecasts: Option<PathBuf>,
    /// Updated comparables; otherwise the stored ones.
    #[arg(long)]
    pub comparables: Option<PathBuf>,
    #[command(flatten)]
    pub loan: LoanArgs,
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long)]
    pub json: bool,
}

pub(super) fn err(e: impl std::fmt::Display) -> Result<ExitCode, CliError> {
    eprintln!("error: {e}");
    Ok(ExitCode::from(1))
}

macro_rules! try_or {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return err(e),
        }
    };
}

pub fn crosscheck_cmd(a: &CrosscheckArgs) -> Result<ExitCode, CliError> {
    if !(a.threshold > 0.0 && a.threshold.is_finite()) {
        return err(format!("--threshold {} must be above 0", a.threshold));
    }
    let valued = match load_and_value(&a.inputs)? {
        Ok(v) => v,
        Err(code) => return Ok(code),
    };
    let (ds, bank) = (&valued.dataset, &valued.engine);
    let ext = match try_or!(a.external.side(&a.db, ds, bank)) {
        Some(x) => x,
        None => return err("give --external FILE or --external-version VERSION"),
    };
    let c = crosscheck(bank, &ext, a.threshold);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&c)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "cross-check of {} against the bank's valuation",
        c.external_label
    );
    println!(
        "external total {}   bank total {}   gap (bank − external) {}",
        w(c.external_total),
        w(c.bank_total),
        w(c.gap)
    );
    println!("\nkey assumptions (mean over patents)   external   bank");
    for p in &c.assumptions {
        let f = |x: f64| {
            if p.key == "remaining_life" {
                format!("{x:.2} y")
            } else {
                pct(x)
            }
        };
        println!("  {:<34} {:>9} {:>9}", p.key, f(p.external), f(p.bank));
    }
    println!("\nvalue bridge (external → bank)");
    println!(
        "  {:<52} {:>16}",
        "external reported total",
        w(c.external_total)
    );
    for s in &c.bridge {
        println!("  {:<52} {:>16}", s.step.label_en(), w(s.delta));
        if let Some(n) = &s.note {
            println!("      ({n})");
        }
    }
    println!("  {:<52} {:>16}", "bank total", w(c.bank_total));
    print_attribution(&c);
    println!(
        "\n{} of {} patents deviate by more than {}:",
        c.flagged,
        c.deviations.len(),
        pct(c.threshold)
    );
    for d in c.deviations.iter().filter(|d| d.flagged) {
        println!(
            "  {:<20} external {:>14}  bank {:>14}  {:>8}  {}",
            d.patent_no,
            d.external.map_or("—".into(), w),
            d.bank.map_or("—".into(), w),
            d.relative.map_or("—".into(), pct),
            d.reason
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The bridge patent by patent (the largest gaps first) and the firm's stated parameters
/// beside the bank's.
fn print_attribution(c: &crate::pledge::CrossCheck) {
    const SHOWN: usize = 10;
    let mut patents: Vec<&crate::pledge::crosscheck::PatentBridge> = c.patents.iter().collect();
    patents.sort_by(|a, b| {
        (b.bank - b.reported)
            .abs()
            .total_cmp(&(a.bank - a.reported).abs())
    });
    if !patents.is_empty() {
        println!("\nvalue bridge by patent (largest gaps first; steps in the order above)");
        for p in patents.iter().take(SHOWN) {
            let steps: Vec<String> = p
                .deltas_fen
                .iter()
                .filter(|(_, d)| *d != 0)
                .map(|(s, d)| format!("{} {}", s.label_en(), w(crate::pledge::yuan(*d))))
                .collect();
            let stated = if p.stated.is_empty() {
                String::new()
            } else {
                format!("   [firm stated: {}]", p.stated.join(", "))
            };
            println!(
                "  {:<20} {} → {}: {}{stated}",
                p.patent_no,
                w(p.reported),
                w(p.bank),
                steps.join("; ")
            );
        }
        if patents.len() > SHOWN {
            println!("  … and {} more (--json has all)", patents.len() - SHOWN);
        }
    }
    if !c.parameters.is_empty() {
        println!("\nparameters the firm stated, beside the bank's");
        for g in c.parameters.iter().take(SHOWN) {
            let place = if g.target.is_empty() {
                "portfolio".into()
            } else {
                g.target.clone()
            };
            let effective = g.bank_effective.map_or(String::new(), |x| {
                use crate::model::parameters::{ParamValue, ValueKind, key_spec};
                let shown = match key_spec(&g.key).map(|k| k.kind) {
                    Some(ValueKind::Years { .. }) => format!("{x:.2} y"),
                    Some(k) => ParamValue::Number(x).display(k),
                    None => format!("{x:.4}"),
                };
                format!(" (used {shown})")
            });
            println!(
                "  {:<16} {:<20} firm {} — {}   bank {}{effective} — {}",
                g.key,
                place,
                g.firm_value,
                g.firm_basis,
                g.bank_value,
                if g.bank_basis.is_empty() {
                    "—"
                } else {
                    &g.bank_basis
                }
            );
        }
        if c.parameters.len() > SHOWN {
            println!(
                "  … and {} more (--json has all)",
                c.parameters.len() - SHOWN
            );
        }
    }
}

pub fn pledge_cmd(a: &PledgeArgs) -> Result<ExitCode, CliError> {
    let policy = try_or!(a.loan.policy());
    let valued = match load_and_value(&a.inputs)? {
        Ok(v) => v,
        Err(code) => return Ok(code),
    };
    let (ds, bank) = (&valued.dataset, &valued.engine);
    let loan = try_or!(a.loan.required());
    let ext = try_or!(a.external.side(&a.db, ds, bank));
    let values = valued.valuation.reconciled_values();
    let reported = ext.as_ref().map(|s| s.reported.as_slice());
    let accepted = accepted_values(bank, &values, reported, a.accept.rule());
    let r = try_or!(crate::pledge::pledge(bank, &accepted, &policy, &loan));
    let cost = try_or!(a.cost.inputs(loan.exposure)).map(|c| financing_cost(&c, &policy.subsidies));
    if a.json {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            #[serde(flatten)]
            r: &'a crate::pledge::PledgeResult,
            #[serde(skip_serializing_if = "Option::is_none")]
            financing_cost: Option<FinancingCost>,
        }
        let out = Out {
            r: &r,
            financing_cost: cost,
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    print_pledge(&r, &policy);
    if let Some(c) = &cost {
        print_cost(c, &policy);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_pledge(r: &crate::pledge::PledgeResult, policy: &Policy) {
    println!("{} ({})", policy.name_en, policy.id);
    println!(
        "accepted value {}   credit limit {}   liquidation value {}",
        w(r.accepted_total),
        w(r.credit_limit),
        w(r.liquidation_value)
    );
    println!(
        "exposure {}   coverage {}   liquidation coverage {}   headroom {}",
        w(r.loan.exposure),
        pct(r.coverage),
        pct(r.liquidation_coverage),
        w(r.headroom)
    );
    println!("\ndisposal paths                    weight    recovery (PV)");
    for d in &r.recoveries {
        println!(
            "  {:<32} {:>6}  {:>14}",
            d.name_en,
            pct(d.weight),
            w(d.present_value)
        );
    }
    let al = &r.allocation;
    if r.parts.is_empty() {
        println!("\nafter a default (waterfall)");
    } else {
        println!("\nafter a default (agreed split of the proceeds)");
        for p in &r.parts {
            println!(
                "  {:<32} {:>6}  {:>14}",
                p.name_en,
                pct(p.share),
                w(p.amount)
            );
        }
    }
    let (one, two) = if r.parts.is_empty() {
        ("1. to the bank", "2. to other parties (surplus)")
    } else {
        (
            "1. the bank's part, up to EAD",
            "2. the other parts and surplus",
        )
    };
    for (k, v) in [
        ("expected disposal proceeds", al.proceeds),
        (one, al.to_bank),
        (two, al.to_others),
        ("3. guarantor", al.guarantor),
        ("3a. insurer", al.insurer),
        ("4. risk-compensation fund", al.fund),
        ("5. bank's loss", al.bank_loss),
    ] {
        println!("  {k:<32} {:>14}", w(v));
    }
    if al.fund_capped {
        println!(
            "  (the fund pays {} of the loss, capped at {} per loan)",
            pct(al.fund_share),
            w(policy.compensation.cap_per_loan)
        );
    }
    println!(
        "\nPD {}   LGD {}   expected loss {}",
        pct(r.loan.pd),
        pct(r.lgd),
        w(r.expected_loss)
    );
}

fn print_cost(c: &FinancingCost, policy: &Policy) {
    println!("\nfinancing cost a year          gross        subsidy            net");
    for l in &c.lines {
        println!(
            "  {:<22} {:>14} {:>14} {:>14}{}",
            l.item.name_en(),
            w(l.gross),
            w(l.subsidy),
            w(l.gross - l.subsidy),
            if l.note.is_empty() {
                String::new()
            } else {
                format!("   ({})", l.note)
            }
        );
    }
    println!(
        "  {:<22} {:>14} {:>14} {:>14}\n  as a rate of the principal {:>10} {:>29}",
        "total",
        w(c.gross),
        w(c.subsidies),
        w(c.net),
        format!("{:.2}%", c.gross_rate * 100.0),
        format!("{:.2}%", c.net_rate * 100.0)
    );
    for item in crate::pledge::subsidy::CostItem::ALL {
        if let Some(s) = policy.subsidies.get(item) {
            println!(
                "  {} subsidy: {}; {}",
                item.name_en(),
                s.condition,
                s.source
            );
        }
    }
}

pub fn monitor_cmd(a: &MonitorArgs) -> Result<ExitCode, CliError> {
    let policy = try_or!(a.loan.policy());
    let store = try_or!(a.db.open());
    let id = try_or!(store.resolve_version(&a.version));
    let crate::store::versions::Reopened {
        dataset: ds,
        assumptions,
        engine: before,
        ..
    } = try_or!(store.reopen(&id));
    let methods = before.methods;
    let mut later = assumptions.clone();
    later.valuation_date = a.valuation_date;
    let opts = ReadOptions::new(a.valuation_date);
    let mut ds2 = ds.clone();
    for (kind, path) in [
        (TableKind::Portfolio, &a.portfolio),
        (TableKind::Forecasts, &a.forecasts),
        (TableKind::Comparables, &a.comparables),
    ] {
        if let Some(p) = path {
            ds2.set_table(try_or!(import::read_table(kind, p, &opts, None)));
        }
    }
    let after = try_or!(Engine::new(&ds2, &later, methods, None));
    let loan = try_or!(a.loan.required());
    let m = try_or!(monitor::monitor(&before, &after, &policy, &loan));
    if a.json {
        println!("{}", serde_json::to_string_pretty(&m)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "monitoring version {id} at {} ({})",
        a.valuation_date, policy.name_en
    );
    println!(
        "accepted value {} → {}   credit limit {} → {}   coverage {} → {} ({:+.1} points)",
        w(m.before.accepted_total),
        w(m.after.accepted_total),
        w(m.before.credit_limit),
        w(m.after.credit_limit),
        pct(m.before.coverage),
        pct(m.after.coverage),
        m.coverage_change * 100.0
    );
    if m.flags.is_empty() {
        println!("no patent needs attention");
    }
    for f in &m.flags {
        println!(
            "  {:<20} {:<14} {:>14} → {:<14} {}",
            f.patent_no,
            format!("{:?}", f.kind),
            w(f.before),
            w(f.after),
            f.detail
        );
    }
    Ok(ExitCode::SUCCESS)
}
