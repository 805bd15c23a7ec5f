//! `patval whitelist`: the whitelist pre-assessment of many firms' patents (docs/bank.md §6).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;

use super::args::{parse_amount, parse_share};
use super::bank::{err, w};
use super::export::LangArg;
use super::value::MethodArg;
use super::{CliError, with_progress_bar};
use crate::model::Assumptions;
use crate::pledge::Policy;
use crate::pledge::whitelist::{
    self, ValueBasis, Whitelist, WhitelistFiles, WhitelistRule, assess_engine,
};
use crate::progress::Progress;
use crate::report::ReportLang;
use crate::valuation::{Engine, Methods, Tweak};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BasisArg {
    Reconciled,
    Cost,
    Income,
    Market,
}

#[derive(Debug, clap::Args)]
pub struct WhitelistArgs {
    /// The firms' patents: the portfolio table as CSV with a firm id column (firm_id, 企业编号).
    pub portfolio: PathBuf,
    /// Revenue forecasts as CSV with a firm id column: each firm's asset groups are its own.
    #[arg(long)]
    pub forecasts: Option<PathBuf>,
    /// Comparable transactions, shared by every firm; needed by the market approach.
    #[arg(long)]
    pub comparables: Option<PathBuf>,
    /// Assumptions TOML (the same as `value`'s).
    #[arg(long)]
    pub assumptions: Option<PathBuf>,
    /// With no assumptions file: the documented defaults at this valuation date.
    #[arg(long, value_parser = super::parse_date_arg)]
    pub valuation_date: Option<NaiveDate>,
    /// Methods to run (default: cost, with income when --forecasts and market when
    /// --comparables are given).
    #[arg(long, value_delimiter = ',')]
    pub methods: Option<Vec<MethodArg>>,
    /// Which value of each patent counts.
    #[arg(long, value_enum, default_value = "reconciled")]
    pub basis: BasisArg,
    /// Policy profile: a bundled id (shenzhen), a profile id in the user folder, or a TOML file.
    #[arg(long, default_value = "shenzhen")]
    pub policy: String,
    /// At least this many granted patents.
    #[arg(long, default_value_t = 1)]
    pub min_granted: u32,
    /// At least this many granted invention patents.
    #[arg(long, default_value_t = 0)]
    pub min_granted_inventions: u32,
    /// Value degree at least this, 0–100 (default: the policy's band C floor).
    #[arg(long)]
    pub min_value_degree: Option<f64>,
    /// Indicative credit limit at least this (`1000000`, `100万元`).
    #[arg(long, default_value = "1000000", value_parser = parse_amount)]
    pub min_credit_limit: f64,
    /// Share of patents lapsed or invalidated at most this (0.5 or 50%).
    #[arg(long, default_value = "0.5", value_parser = parse_share)]
    pub max_lapsed_share: f64,
    /// Write every firm to this file: .csv or .xlsx (the xlsx adds the summary sheet).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write the Chinese summary (Markdown) to this file.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Language of the exported table's headers.
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: LangArg,
    /// Firms listed in the text output and the summary.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Print JSON (the summary, the thresholds and every firm) instead of text.
    #[arg(long)]
    pub json: bool,
}

impl WhitelistArgs {
    fn methods(&self) -> Result<Methods, String> {
        let Some(chosen) = &self.methods else {
            return Ok(Methods {
                cost: true,
                income: self.forecasts.is_some(),
                market: self.comparables.is_some(),
            });
        };
        let m = Methods {
            cost: chosen.contains(&MethodArg::Cost),
            income: chosen.contains(&MethodArg::Income),
            market: chosen.contains(&MethodArg::Market),
        };
        if m.income && self.forecasts.is_none() {
            return Err("the income approach needs --forecasts".into());
        }
        if m.market && self.comparables.is_none() {
            return Err("the market approach needs --comparables".into());
        }
        Ok(m)
    }

    fn rule(&self) -> WhitelistRule {
        WhitelistRule {
            min_granted_inventions: self.min_granted_inventions,
            min_granted: self.min_granted,
            min_value_degree: self.min_value_degree,
            min_credit_limit: self.min_credit_limit,
            max_lapsed_share: self.max_lapsed_share,
        }
    }

    fn basis(&self) -> ValueBasis {
        match self.basis {
            BasisArg::Reconciled => ValueBasis::Reconciled,
            BasisArg::Cost => ValueBasis::Cost,
            BasisArg::Income => ValueBasis::Income,
            BasisArg::Market => ValueBasis::Market,
        }
    }

    fn lang(&self) -> ReportLang {
        match self.lang {
            LangArg::Zh => ReportLang::Zh,
            LangArg::En => ReportLang::En,
        }
    }

    fn assumptions(&self) -> Result<Assumptions, String> {
        match (&self.assumptions, self.valuation_date) {
            (Some(p), _) => crate::import::load_assumptions(p).map_err(|e| e.to_string()),
            (None, Some(d)) => Ok(Assumptions::with_date(d)),
            (None, None) => Err(
                "give --assumptions FILE, or --valuation-date DATE to use the documented defaults"
                    .into(),
            ),
        }
    }
}

macro_rules! try_or {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return err(e),
        }
    };
}

pub fn run(a: &WhitelistArgs) -> Result<ExitCode, CliError> {
    let policy = try_or!(Policy::load(&a.policy));
    let rule = a.rule();
    try_or!(rule.check());
    let methods = try_or!(a.methods());
    let assumptions = try_or!(a.assumptions());
    let files = WhitelistFiles {
        portfolio: a.portfolio.clone(),
        forecasts: a.forecasts.clone(),
        comparables: a.comparables.clone(),
    };
    let progress = Progress::new();
    let loaded = with_progress_bar(&progress, || {
        whitelist::load(&files, &assumptions, Some(&progress))
    });
    let loaded = match loaded {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(1));
        }
    };
    for p in &loaded.warnings {
        eprintln!("{p}");
    }
    let engine = try_or!(with_progress_bar(&progress, || {
        Engine::new(&loaded.dataset, &assumptions, methods, Some(&progress))
    }));
    let values = engine.evaluate_all(&Tweak::IDENTITY);
    let wl = try_or!(assess_engine(
        &engine,
        &values,
        &loaded.firms,
        &policy,
        &rule,
        a.basis()
    ));
    if let Some(out) = &a.out {
        try_or!(write_table(out, &wl, a.lang(), a.top));
    }
    if let Some(path) = &a.report {
        try_or!(write_file(
            path,
            whitelist::summary_zh(&wl, a.top).as_bytes()
        ));
    }
    if a.json {
        let mut o = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut o, &wl)?;
        writeln!(o)?;
    } else {
        print_text(&wl, a.top)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes beside, then renames (`files`).
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::files::write_bytes_replacing(path, bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The firm table as CSV or xlsx, by the file's extension.
fn write_table(path: &Path, wl: &Whitelist, lang: ReportLang, top: usize) -> Result<(), String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let bytes = match ext.as_deref() {
        Some("csv") => whitelist::csv_bytes(wl, lang),
        Some("xlsx") => whitelist::xlsx_bytes(wl, lang, top),
        _ => {
            return Err(format!(
                "--out {}: give a .csv or .xlsx file",
                path.display()
            ));
        }
    }
    .map_err(|e| e.to_string())?;
    write_file(path, &bytes)
}

fn print_text(wl: &Whitelist, top: usize) -> Result<(), CliError> {
    let mut o = std::io::stdout().lock();
    let s = &wl.summary;
    let date = wl
        .valuation_date
        .map_or(String::new(), |d| format!(" at {d}"));
    writeln!(
        o,
        "whitelist pre-assessment{date} ({}), value basis: {}",
        wl.policy,
        wl.basis.code()
    )?;
    let share = if s.firms > 0 {
        s.whitelisted as f64 * 100.0 / s.firms as f64
    } else {
        0.0
    };
    writeln!(
        o,
        "firms {}   patents {}   whitelisted {} ({share:.1}%, {} patents)",
        s.firms, s.patents, s.whitelisted, s.whitelisted_patents
    )?;
    writeln!(
        o,
        "indicative value {}   credit limit {}   (whitelisted: {}, {})",
        w(s.value),
        w(s.credit_limit),
        w(s.whitelisted_value),
        w(s.whitelisted_credit_limit)
    )?;
    writeln!(o, "\nfirms failing each threshold")?;
    for c in &s.failed {
        writeln!(o, "  {:<30} {:>10}", c.check.label_en(), c.firms)?;
    }
    writeln!(
        o,
        "\n{:>6}  {:<16} {:>7} {:>6} {:>18} {:>7} {:>18}  whitelisted",
        "rank", "firm", "patents", "inv.", "value", "degree", "credit limit"
    )?;
    for f in wl.firms.iter().take(top) {
        let verdict = f
            .failed
            .first()
            .map_or_else(|| "yes".to_string(), |x| format!("no: {}", x.detail));
        writeln!(
            o,
            "{:>6}  {:<16} {:>7} {:>6} {:>18} {:>7.2} {:>18}  {verdict}",
            f.rank,
            f.firm_id,
            f.patents,
            f.granted_inventions,
            w(f.value),
            f.value_degree,
            w(f.credit_limit)
        )?;
    }
    Ok(())
}
