//! `patval value`: value a portfolio by the cost, income and market approaches.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use serde::Serialize;

use super::{CliError, with_progress_bar};
use crate::import::{self, Dataset, Problem, ReadOptions, TableKind};
use crate::model::Assumptions;
use crate::model::money::{MoneyUnit, format_money};
use crate::progress::{Progress, timed};
use crate::valuation::sensitivity::{self, Bar};
use crate::valuation::simulation::{self, Simulation};
use crate::valuation::trace::PatentTrace;
use crate::valuation::{Engine, Methods, Summary, Valuation};

/// The input files and methods of a valuation (shared by `value` and `save`).
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// A workbook (.xlsx, .xlsm, .xls, .ods) holding the tables, one per sheet; a table file
    /// given as well (--forecasts …) replaces the workbook's sheet of that table.
    #[arg(long, required_unless_present = "portfolio")]
    pub workbook: Option<PathBuf>,
    /// Portfolio table (one row per patent): CSV, or a workbook whose portfolio sheet is read.
    #[arg(long)]
    pub portfolio: Option<PathBuf>,
    /// Forecasts CSV; needed by the income approach.
    #[arg(long)]
    pub forecasts: Option<PathBuf>,
    /// Comparables CSV; needed by the market approach.
    #[arg(long)]
    pub comparables: Option<PathBuf>,
    /// Cost items CSV; the cost approach falls back on the portfolio's R&D cost column without it.
    #[arg(long)]
    pub cost_items: Option<PathBuf>,
    /// Assumptions TOML.
    #[arg(long)]
    pub assumptions: Option<PathBuf>,
    /// Parameters CSV: values per portfolio, asset group or patent, each with its basis.
    #[arg(long)]
    pub parameters: Option<PathBuf>,
    /// Case metadata TOML for the documents (client, report number, appraisers, bases …).
    #[arg(long)]
    pub case_info: Option<PathBuf>,
    /// With no assumptions file: use the documented defaults at this valuation date.
    #[arg(long, value_parser = super::parse_date_arg)]
    pub valuation_date: Option<NaiveDate>,
    /// Methods to run, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "cost,income,market")]
    pub methods: Vec<MethodArg>,
}

impl InputArgs {
    pub fn methods(&self) -> Methods {
        Methods {
            cost: self.methods.contains(&MethodArg::Cost),
            income: self.methods.contains(&MethodArg::Income),
            market: self.methods.contains(&MethodArg::Market),
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct ValueArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Write per-patent results to this CSV file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Include the full trace of this patent (repeatable).
    #[arg(long = "trace")]
    pub traces: Vec<String>,
    /// Include the full trace of every patent.
    #[arg(long)]
    pub trace_all: bool,
    /// Add the one-at-a-time sensitivity (tornado).
    #[arg(long)]
    pub sensitivity: bool,
    /// Add a Monte Carlo simulation.
    #[arg(long)]
    pub simulate: bool,
    /// Number of Monte Carlo draws (default: from the assumptions).
    #[arg(long)]
    pub draws: Option<usize>,
    /// Unit of amounts in the text output.
    #[arg(long, value_enum, default_value = "wan")]
    pub unit: UnitArg,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MethodArg {
    Cost,
    Income,
    Market,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UnitArg {
    Yuan,
    Wan,
    Yi,
}

impl From<UnitArg> for MoneyUnit {
    fn from(u: UnitArg) -> Self {
        match u {
            UnitArg::Yuan => MoneyUnit::Yuan,
            UnitArg::Wan => MoneyUnit::Wan,
            UnitArg::Yi => MoneyUnit::Yi,
        }
    }
}

/// Per-patent row of the JSON output.
#[derive(Debug, Serialize)]
struct PatentRow<'a> {
    patent_no: &'a str,
    asset_group: &'a str,
    patent_type: &'static str,
    legal_status: &'static str,
    remaining_economic_life: f64,
    value_degree: f64,
    discount_rate: f64,
    share_rate: f64,
    cost: Option<f64>,
    income: Option<f64>,
    market: Option<f64>,
    reconciled: Option<f64>,
    low: Option<f64>,
    high: Option<f64>,
    note: String,
}

#[derive(Debug, Serialize)]
struct Output<'a> {
    summary: &'a Summary,
    patents: Vec<PatentRow<'a>>,
    warnings: &'a [String],
    traces: Vec<PatentTrace>,
    sensitivity: Option<Vec<Bar>>,
    simulation: Option<SimulationOut>,
}

#[derive(Debug, Serialize)]
struct SimulationOut {
    draws: usize,
    seed: u64,
    mean: f64,
    p5: f64,
    p50: f64,
    p95: f64,
}

/// Puts every table of a workbook the methods use into `ds`; its problems go to `errors`.
fn read_workbook_into(
    path: &Path,
    methods: Methods,
    opts: &ReadOptions,
    progress: &Progress,
    ds: &mut Dataset,
    errors: &mut Vec<String>,
) {
    let file = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => std::sync::Arc::new(b),
        Err(e) => {
            errors.push(format!("error: {file}: cannot read the file: {e}"));
            return;
        }
    };
    let found = with_progress_bar(progress, || {
        import::read_file_tables(&bytes, &file, opts, Some(progress))
    });
    for p in &found.notes {
        if p.is_error() {
            errors.push(p.to_string());
        } else {
            eprintln!("{p}");
        }
    }
    for read in found.tables {
        let used = match read.kind {
            Some(TableKind::Forecasts) => methods.income,
            Some(TableKind::CostItems) => methods.cost,
            Some(TableKind::Comparables) => methods.market,
            _ => true,
        };
        match read.result {
            Ok(t) if used => {
                for w in &t.warnings {
                    eprintln!("{w}");
                }
                ds.set_table(t);
            }
            Ok(_) => {}
            Err(e) => errors.extend(e.problems.iter().map(Problem::to_string)),
        }
    }
}

/// Reads the table files the arguments name into `ds` (each replaces a workbook's sheet).
fn read_files_into(
    args: &InputArgs,
    methods: Methods,
    opts: &ReadOptions,
    progress: &Progress,
    ds: &mut Dataset,
    errors: &mut Vec<String>,
) {
    let files: [(TableKind, Option<&Path>); 5] = [
        (TableKind::Portfolio, args.portfolio.as_deref()),
        (
            TableKind::Forecasts,
            args.forecasts.as_deref().filter(|_| methods.income),
        ),
        (
            TableKind::CostItems,
            args.cost_items.as_deref().filter(|_| methods.cost),
        ),
        (
            TableKind::Comparables,
            args.comparables.as_deref().filter(|_| methods.market),
        ),
        (TableKind::Parameters, args.parameters.as_deref()),
    ];
    let files: Vec<(TableKind, &Path)> = files
        .into_iter()
        .filter_map(|(k, p)| Some((k, p?)))
        .collect();
    let read = timed("read", || {
        with_progress_bar(progress, || {
            import::read_tables(&files, opts, Some(progress))
        })
    });
    for r in read {
        match r {
            Ok(t) => {
                for w in &t.warnings {
                    eprintln!("{w}");
                }
                ds.set_table(t);
            }
            Err(e) => errors.extend(e.problems.iter().map(Problem::to_string)),
        }
    }
}

/// Loads the data set named by the arguments; problems are printed and end the command.
pub fn load(
    args: &InputArgs,
    methods: Methods,
) -> Result<Result<(Dataset, Assumptions), Vec<String>>, CliError> {
    let mut errors = Vec::new();
    let assumptions = match (&args.assumptions, args.valuation_date) {
        (Some(p), _) => match crate::import::load_assumptions(p) {
            Ok(a) => a,
            Err(e) => return Ok(Err(vec![format!("error: {e}")])),
        },
        (None, Some(d)) => Assumptions::with_date(d),
        (None, None) => {
            return Ok(Err(vec![
                "error: give --assumptions FILE, or --valuation-date DATE to use the documented defaults".into(),
            ]));
        }
    };
    let opts = ReadOptions::new(assumptions.valuation_date);
    let mut ds = Dataset {
        assumptions: Some(assumptions.clone()),
        ..Dataset::default()
    };
    let progress = Progress::new();
    if let Some(path) = &args.workbook {
        read_workbook_into(path, methods, &opts, &progress, &mut ds, &mut errors);
    }
    if methods.income && args.forecasts.is_none() && ds.forecasts.is_none() {
        errors.push("error: the income approach needs --forecasts or a forecasts sheet (or leave it out with --methods cost,market)".into());
    }
    if methods.market && args.comparables.is_none() && ds.comparables.is_none() {
        errors.push("error: the market approach needs --comparables or a comparables sheet (or leave it out with --methods cost,income)".into());
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    read_files_into(args, methods, &opts, &progress, &mut ds, &mut errors);
    if ds.portfolio.is_none() && errors.is_empty() {
        errors.push(
            "error: no portfolio: give --portfolio, or a workbook with a portfolio sheet".into(),
        );
    }
    if let Some(path) = &args.case_info {
        match import::load_case(path) {
            Ok(c) => ds.case = Some(c),
            Err(e) => errors.push(e.to_string()),
        }
    }
    for p in timed("cross-check", || ds.cross_check()) {
        if p.is_error() {
            errors.push(p.to_string());
        } else {
            eprintln!("{p}");
        }
    }
    if methods.cost && ds.cost_items.is_none() {
        eprintln!(
            "warning: no --cost-items: the cost approach uses the portfolio's R&D cost column only"
        );
    }
    Ok(if errors.is_empty() {
        Ok((ds, assumptions))
    } else {
        Err(errors)
    })
}

/// A loaded and valued data set.
pub struct Valued {
    pub dataset: Dataset,
    pub assumptions: Assumptions,
    pub methods: Methods,
    pub engine: Engine,
    pub valuation: Valuation,
}

/// Loads the inputs and values them; input problems are printed and give `Err(exit code)`.
pub fn load_and_value(args: &InputArgs) -> Result<Result<Valued, ExitCode>, CliError> {
    let methods = args.methods();
    let (dataset, assumptions) = match load(args, methods)? {
        Ok(x) => x,
        Err(problems) => {
            for p in problems {
                eprintln!("{p}");
            }
            return Ok(Err(ExitCode::from(1)));
        }
    };
    let progress = Progress::new();
    let engine = match timed("engine", || {
        with_progress_bar(&progress, || {
            Engine::new(&dataset, &assumptions, methods, Some(&progress))
        })
    }) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Err(ExitCode::from(1)));
        }
    };
    let valuation = match timed("run", || {
        with_progress_bar(&progress, || engine.run(Some(&progress)))
    }) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Err(ExitCode::from(1)));
        }
    };
    Ok(Ok(Valued {
        dataset,
        assumptions,
        methods,
        engine,
        valuation,
    }))
}

pub fn run(args: &ValueArgs) -> Result<ExitCode, CliError> {
    let Valued {
        engine,
        valuation,
        dataset,
        ..
    } = match load_and_value(&args.inputs)? {
        Ok(v) => v,
        Err(code) => return Ok(code),
    };
    let titles = timed("titles", || dataset.titles());
    let progress = Progress::new();
    let mut traces = Vec::new();
    let trace_ids: Vec<usize> = if args.trace_all {
        (0..engine.len()).collect()
    } else {
        let mut ids = Vec::new();
        for no in &args.traces {
            match engine.find(no) {
                Some(i) => ids.push(i),
                None => {
                    eprintln!(
                        "error: --trace {no}: no such patent in {}",
                        dataset.portfolio.as_ref().map_or("", |t| t.file.as_str())
                    );
                    return Ok(ExitCode::from(1));
                }
            }
        }
        ids
    };
    for i in trace_ids {
        traces.push(engine.trace(i));
    }
    let tornado = args
        .sensitivity
        .then(|| with_progress_bar(&progress, || sensitivity::tornado(&engine)));
    let sim = if args.simulate {
        match with_progress_bar(&progress, || {
            simulation::run(&engine, args.draws, Some(&progress))
        }) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(ExitCode::from(1));
            }
        }
    } else {
        None
    };
    if let Some(out) = &args.out
        && let Err(e) = timed("write", || write_csv(out, &engine, &valuation, &titles))
    {
        eprintln!("error: cannot write {}: {e}", out.display());
        return Ok(ExitCode::from(1));
    }
    if args.json {
        let output = Output {
            summary: &valuation.summary,
            patents: rows(&engine, &valuation),
            warnings: &valuation.warnings,
            traces,
            sensitivity: tornado,
            simulation: sim.map(|s: Simulation| SimulationOut {
                draws: s.draws,
                seed: s.seed,
                mean: s.mean,
                p5: s.p5,
                p50: s.p50,
                p95: s.p95,
            }),
        };
        let mut stdout = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut stdout, &output)?;
        writeln!(stdout)?;
    } else {
        timed("print", || {
            print_text(
                &engine,
                &valuation,
                args.unit.into(),
                &traces,
                tornado.as_deref(),
                sim.as_ref(),
            )
        })?;
    }
    // The process ends here: the operating system takes the memory back at once, where
    // freeing a million patents' records one by one took 0.13 s.
    std::mem::forget((engine, valuation, dataset, titles));
    Ok(ExitCode::SUCCESS)
}

fn rows<'a>(e: &'a Engine, v: &'a Valuation) -> Vec<PatentRow<'a>> {
    v.patents
        .iter()
        .enumerate()
        .map(|(i, pv)| {
            let p = &e.inputs.patents[i];
            let b = &e.base[i];
            PatentRow {
                patent_no: &e.inputs.patent_nos[i],
                asset_group: &e.inputs.group_names[p.group_name as usize],
                patent_type: p.patent_type.code(),
                legal_status: p.status.code(),
                remaining_economic_life: b.life.remaining_economic,
                value_degree: b.score.overall,
                discount_rate: b.discount.rate,
                share_rate: b.share_rate,
                cost: pv.cost.ok(),
                income: pv.income.ok(),
                market: pv.market.ok(),
                reconciled: pv.reconciled,
                low: pv.low,
                high: pv.high,
                note: crate::valuation::results::note(e, i, pv),
            }
        })
        .collect()
}

pub use crate::report::neutralise;

/// Writes the per-patent CSV, streamed, beside `path`, then renames it (`files`).
fn write_csv(path: &Path, e: &Engine, v: &Valuation, titles: &[String]) -> Result<(), String> {
    crate::files::write_replacing(path, |w| {
        crate::report::tables::write_csv(w, e, v, titles, crate::report::ReportLang::En)
            .map_err(std::io::Error::other)
    })
    .map_err(|e| e.to_string())
}

fn print_text(
    e: &Engine,
    v: &Valuation,
    unit: MoneyUnit,
    traces: &[PatentTrace],
    tornado: Option<&[Bar]>,
    sim: Option<&Simulation>,
) -> Result<(), CliError> {
    let mut o = std::io::stdout().lock();
    let s = &v.summary;
    writeln!(
        o,
        "Valuation date {} — {} patents ({} lapsed or invalidated, {} pending)",
        s.valuation_date, s.patents, s.lapsed_or_invalidated, s.pending
    )?;
    for m in &s.methods {
        if !e.methods.on(m.method) {
            continue;
        }
        writeln!(
            o,
            "  {:<16} {:>22}   {} of {} patents valued",
            m.method.label_en(),
            format_money(m.total, unit),
            m.valued,
            s.patents
        )?;
    }
    writeln!(
        o,
        "  {:<16} {:>22}   range {} – {}",
        "reconciled",
        format_money(s.reconciled, unit),
        format_money(s.low, unit),
        format_money(s.high, unit)
    )?;
    if s.patents <= 100 {
        writeln!(o)?;
        writeln!(
            o,
            "{:<20} {:>16} {:>16} {:>16} {:>16}  note",
            "patent", "cost", "income", "market", "reconciled"
        )?;
        for (i, pv) in v.patents.iter().enumerate() {
            let f = |x: Option<f64>| x.map_or_else(|| "—".to_string(), |x| format_money(x, unit));
            writeln!(
                o,
                "{:<20} {:>16} {:>16} {:>16} {:>16}  {}",
                e.inputs.patent_nos[i],
                f(pv.cost.ok()),
                f(pv.income.ok()),
                f(pv.market.ok()),
                f(pv.reconciled),
                crate::valuation::results::note(e, i, pv)
            )?;
        }
    }
    for t in traces {
        writeln!(o)?;
        writeln!(o, "trace {}:", t.patent_no)?;
        writeln!(o, "{}", serde_json::to_string_pretty(t)?)?;
    }
    if let Some(bars) = tornado {
        writeln!(o)?;
        writeln!(
            o,
            "Sensitivity (reconciled total, one parameter at a time):"
        )?;
        for b in bars {
            writeln!(
                o,
                "  {:<24} down {:>20}   up {:>20}",
                b.parameter.label_en(),
                format_money(b.down, unit),
                format_money(b.up, unit)
            )?;
        }
    }
    if let Some(sim) = sim {
        writeln!(o)?;
        writeln!(
            o,
            "Monte Carlo ({} draws, seed {}): P5 {}  P50 {}  P95 {}  mean {}",
            sim.draws,
            sim.seed,
            format_money(sim.p5, unit),
            format_money(sim.p50, unit),
            format_money(sim.p95, unit),
            format_money(sim.mean, unit)
        )?;
    }
    Ok(())
}
