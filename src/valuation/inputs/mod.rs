//! Turns the imported polars frames into the compact, indexed form the methods compute on.

use std::collections::HashMap;

use chrono::NaiveDate;
use polars::prelude::*;
use rayon::prelude::*;

mod cost_items;

use super::ValuationError;
use crate::import::cell::days_to_date;
use crate::import::{Dataset, Table};
use crate::model::{CostCategory, DealKind, LegalStatus, PatentType};
use crate::progress::timed;

/// An IPC symbol cut at each level, as interned ids (`u32::MAX` when the level is missing):
/// section `H`, class `H04`, subclass `H04L`, main group `H04L9`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IpcKey {
    pub section: u32,
    pub class: u32,
    pub subclass: u32,
    pub group: u32,
}

/// Interns IPC prefixes so comparisons are integer compares.
#[derive(Debug, Default, Clone)]
pub struct IpcInterner {
    ids: FastMap<String, u32>,
    /// Keys of whole symbols already split: a portfolio repeats few symbols many times.
    keys: FastMap<String, IpcKey>,
}

impl IpcInterner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let n = self.ids.len() as u32;
        self.ids.insert(s.to_string(), n);
        n
    }

    /// Splits a normalised IPC symbol (`H04L9/32`) into its levels.
    pub fn key(&mut self, ipc: &str) -> IpcKey {
        if let Some(&k) = self.keys.get(ipc) {
            return k;
        }
        let k = self.split(ipc);
        self.keys.insert(ipc.to_string(), k);
        k
    }

    fn split(&mut self, ipc: &str) -> IpcKey {
        let ipc = ipc.trim();
        let level = |me: &mut Self, n: usize| -> u32 {
            if ipc.len() >= n && ipc.is_char_boundary(n) {
                me.id(&ipc[..n])
            } else {
                u32::MAX
            }
        };
        let group = match ipc.find('/') {
            Some(i) if i > 4 => self.id(&ipc[..i]),
            None if ipc.len() > 4 => self.id(ipc),
            _ => u32::MAX,
        };
        IpcKey {
            section: level(self, 1),
            class: level(self, 3),
            subclass: level(self, 4),
            group,
        }
    }
}

/// A hash map with a fast, non-cryptographic hasher (keys are the user's own data, read once).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// One patent, as the methods need it.
#[derive(Debug, Clone)]
pub struct Patent {
    pub patent_type: PatentType,
    pub status: LegalStatus,
    pub filing: NaiveDate,
    pub claims: u32,
    pub independent_claims: u32,
    pub family_size: Option<u32>,
    pub forward_citations: Option<u32>,
    /// Index into [`Inputs::groups`], if the asset group has a forecast.
    pub group: Option<u32>,
    /// Index into [`Inputs::group_names`] (every asset group of the portfolio).
    pub group_name: u32,
    pub ipc: IpcKey,
    pub life_override: Option<f64>,
    pub rd_cost_override: Option<f64>,
}

/// One forecast year of an asset group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForecastYear {
    pub year: i32,
    pub revenue: f64,
    pub profit_margin: Option<f64>,
    pub share_rate: Option<f64>,
    /// The amounts cover only these last months of the valuation year (not pro-rated).
    pub months: Option<u32>,
    /// Excess-earnings drivers.
    pub excess: ExcessDrivers,
    /// Row in the forecasts file.
    pub row: u32,
}

/// The excess-earnings columns of one forecast year (absent cells are 0).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct ExcessDrivers {
    pub volume: f64,
    pub price_premium: f64,
    pub unit_cost_saving: f64,
    pub added_volume: f64,
    pub unit_margin: f64,
    pub excess_income: f64,
}

impl ExcessDrivers {
    /// Pre-tax excess income: volume × (premium + saving) + added volume × margin + stated.
    pub fn income(&self) -> f64 {
        self.volume * (self.price_premium + self.unit_cost_saving)
            + self.added_volume * self.unit_margin
            + self.excess_income
    }
}

/// An asset group's forecast, years ascending.
#[derive(Debug, Clone)]
pub struct GroupForecast {
    pub name: String,
    pub years: Vec<ForecastYear>,
}

/// One cost item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostItem {
    pub category: CostCategory,
    pub year: i32,
    pub amount: f64,
    /// Source row in the cost-items file.
    pub row: u32,
}

/// One comparable transaction.
#[derive(Debug, Clone)]
pub struct Comparable {
    pub deal_id: String,
    pub date: NaiveDate,
    pub ipc: IpcKey,
    pub ipc_text: String,
    pub patent_type: PatentType,
    pub deal_kind: DealKind,
    pub price: f64,
    pub remaining_life: f64,
    pub claims: u32,
    pub technical_score: Option<f64>,
}

/// Everything the methods read, indexed by patent.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    pub patents: Vec<Patent>,
    pub patent_nos: Vec<String>,
    /// Names of every asset group in the portfolio.
    pub group_names: Vec<String>,
    /// Forecasts, for the asset groups that have one.
    pub groups: Vec<GroupForecast>,
    /// Cost items per patent: `cost_items[cost_offsets[i]..cost_offsets[i + 1]]`.
    pub cost_offsets: Vec<u32>,
    pub cost_items: Vec<CostItem>,
    /// Cost items booked to a whole asset group, per index into `group_names`.
    pub group_cost_items: Vec<Vec<CostItem>>,
    /// Patents in each asset group (index into `group_names`).
    pub group_sizes: Vec<u32>,
    pub comparables: Vec<Comparable>,
}

fn col<'a>(t: &'a Table, name: &str) -> Result<&'a Column, ValuationError> {
    t.df.column(name)
        .map_err(|e| ValuationError::Internal(format!("{}: column {name}: {e}", t.file)))
}

/// A column's cells, read by `read`; a column with no value gives empty cells without being
/// materialised.
fn cells<'a, T: Clone>(
    t: &'a Table,
    name: &str,
    read: impl FnOnce(&'a Column) -> PolarsResult<Vec<Option<T>>>,
) -> Result<Vec<Option<T>>, ValuationError> {
    let c = col(t, name)?;
    if crate::import::has_no_value(c) {
        return Ok(vec![None; c.len()]);
    }
    read(c).map_err(|e| ValuationError::Internal(format!("{}: column {name}: {e}", t.file)))
}

fn strs<'a>(t: &'a Table, name: &str) -> Result<Vec<Option<&'a str>>, ValuationError> {
    cells(t, name, |c| Ok(c.str()?.iter().collect()))
}

/// The codes of an enum column.
fn codes(t: &Table, name: &str) -> Result<Vec<Option<&'static str>>, ValuationError> {
    t.codes(name).map_err(ValuationError::Internal)
}

fn f64s(t: &Table, name: &str) -> Result<Vec<Option<f64>>, ValuationError> {
    cells(t, name, |c| Ok(c.f64()?.iter().collect()))
}

/// A column of whole numbers (kept in 32 bits), widened for arithmetic.
fn i64s(t: &Table, name: &str) -> Result<Vec<Option<i64>>, ValuationError> {
    Ok(i32s(t, name)?
        .into_iter()
        .map(|v| v.map(i64::from))
        .collect())
}

fn i32s(t: &Table, name: &str) -> Result<Vec<Option<i32>>, ValuationError> {
    cells(t, name, |c| Ok(c.i32()?.iter().collect()))
}

fn dates(t: &Table, name: &str) -> Result<Vec<Option<NaiveDate>>, ValuationError> {
    cells(t, name, |c| {
        Ok(c.date()?
            .physical()
            .iter()
            .map(|d| d.and_then(days_to_date))
            .collect())
    })
}

fn source_rows(t: &Table) -> Result<Vec<u32>, ValuationError> {
    Ok(col(t, crate::import::SOURCE_ROW)?
        .u32()
        .map_err(|e| ValuationError::Internal(e.to_string()))?
        .iter()
        .map(|r| r.unwrap_or(0))
        .collect())
}

fn missing(t: &Table, row: usize, what: &str) -> ValuationError {
    ValuationError::Internal(format!(
        "{}: row {row}: {what} is missing after import",
        t.file
    ))
}

/// Every portfolio row as a patent, converted on every core; the asset group and IPC key are
/// left for the caller, which interns them in row order.
fn patent_rows(p: &Table) -> Result<Vec<Patent>, ValuationError> {
    let types = codes(p, "patent_type")?;
    let statuses = codes(p, "legal_status")?;
    let filing = dates(p, "filing_date")?;
    let claims = i64s(p, "claims")?;
    let indep = i64s(p, "independent_claims")?;
    let family = i64s(p, "family_size")?;
    let cites = i64s(p, "forward_citations")?;
    let life = f64s(p, "remaining_life")?;
    let rd = f64s(p, "rd_cost")?;
    let count = |v: Option<i64>| v.map(|v| v.clamp(0, u32::MAX as i64) as u32);
    (0..types.len())
        .into_par_iter()
        .map(|i| {
            let row = i + 2;
            Ok(Patent {
                patent_type: types[i]
                    .and_then(PatentType::from_code)
                    .ok_or_else(|| missing(p, row, "patent type"))?,
                status: statuses[i]
                    .and_then(LegalStatus::from_code)
                    .ok_or_else(|| missing(p, row, "legal status"))?,
                filing: filing[i].ok_or_else(|| missing(p, row, "filing date"))?,
                claims: claims[i].unwrap_or(1).clamp(1, u32::MAX as i64) as u32,
                independent_claims: indep[i].unwrap_or(1).clamp(1, u32::MAX as i64) as u32,
                family_size: count(family[i]),
                forward_citations: count(cites[i]),
                group: None,
                group_name: 0,
                ipc: IpcKey::default(),
                life_override: life[i],
                rd_cost_override: rd[i],
            })
        })
        .collect()
}

impl Inputs {
    /// Builds the inputs from a loaded data set. The portfolio is required; the other tables
    /// may be absent (their method then gives no value).
    pub fn from_dataset(ds: &Dataset, ipc: &mut IpcInterner) -> Result<Self, ValuationError> {
        let p = ds
            .portfolio
            .as_ref()
            .ok_or(ValuationError::MissingInput("portfolio"))?;
        let mut inputs = Inputs::default();
        let forecast_index = match &ds.forecasts {
            Some(f) => inputs.read_forecasts(f)?,
            None => FastMap::default(),
        };
        let group_index = timed("inputs patents", || {
            inputs.read_patents(p, &forecast_index, ipc)
        })?;
        timed("inputs cost items", || {
            inputs.read_cost_items(ds.cost_items.as_ref(), &group_index)
        })?;
        if let Some(c) = &ds.comparables {
            timed("inputs comparables", || inputs.read_comparables(c, ipc))?;
        }
        Ok(inputs)
    }

    /// Asset groups' forecasts, each group's years in order; returns each group's index.
    fn read_forecasts<'a>(
        &mut self,
        f: &'a Table,
    ) -> Result<FastMap<&'a str, u32>, ValuationError> {
        let mut index = FastMap::default();
        let names = strs(f, "asset_group")?;
        let years = i32s(f, "year")?;
        let revenue = f64s(f, "revenue")?;
        let margin = f64s(f, "profit_margin")?;
        let share = f64s(f, "share_rate")?;
        let months = i64s(f, "months")?;
        let ex: Vec<Vec<Option<f64>>> = [
            "volume",
            "price_premium",
            "unit_cost_saving",
            "added_volume",
            "unit_margin",
            "excess_income",
        ]
        .iter()
        .map(|c| f64s(f, c))
        .collect::<Result<_, _>>()?;
        let rows = source_rows(f)?;
        for i in 0..names.len() {
            let (Some(name), Some(year), Some(rev)) = (names[i], years[i], revenue[i]) else {
                return Err(missing(f, i + 2, "asset group, year or revenue"));
            };
            let gi = *index.entry(name).or_insert_with(|| {
                self.groups.push(GroupForecast {
                    name: name.to_string(),
                    years: Vec::new(),
                });
                (self.groups.len() - 1) as u32
            });
            let x = |k: usize| ex[k][i].unwrap_or(0.0);
            self.groups[gi as usize].years.push(ForecastYear {
                year,
                revenue: rev,
                profit_margin: margin[i],
                share_rate: share[i],
                months: months[i].map(|m| m.clamp(1, 12) as u32),
                excess: ExcessDrivers {
                    volume: x(0),
                    price_premium: x(1),
                    unit_cost_saving: x(2),
                    added_volume: x(3),
                    unit_margin: x(4),
                    excess_income: x(5),
                },
                row: rows[i],
            });
        }
        for g in &mut self.groups {
            g.years.sort_by_key(|y| y.year);
        }
        Ok(index)
    }

    /// The portfolio's patents; returns each asset group's index into `group_names`.
    fn read_patents<'a>(
        &mut self,
        p: &'a Table,
        forecast_index: &FastMap<&str, u32>,
        ipc: &mut IpcInterner,
    ) -> Result<FastMap<&'a str, u32>, ValuationError> {
        let nos = strs(p, "patent_no")?;
        let groups = strs(p, "asset_group")?;
        let ipcs = strs(p, "ipc")?;
        let mut patents = patent_rows(p)?;
        // Asset groups and IPC keys are interned in row order (ids follow first appearance).
        let mut group_index: FastMap<&str, u32> = FastMap::default();
        let mut group_forecast: Vec<Option<u32>> = Vec::new();
        let mut last: Option<(&str, u32)> = None;
        for (i, pat) in patents.iter_mut().enumerate() {
            let gname = groups[i].unwrap_or("");
            let gid = match last {
                Some((name, id)) if name == gname => id,
                _ => {
                    let next = self.group_names.len() as u32;
                    let id = *group_index.entry(gname).or_insert(next);
                    if id == next {
                        self.group_names.push(gname.to_string());
                        self.group_sizes.push(0);
                        group_forecast.push(forecast_index.get(gname).copied());
                    }
                    last = Some((gname, id));
                    id
                }
            };
            self.group_sizes[gid as usize] += 1;
            pat.group_name = gid;
            pat.group = group_forecast[gid as usize];
            pat.ipc = ipc.key(ipcs[i].unwrap_or(""));
        }
        self.patents = patents;
        self.patent_nos = nos
            .par_iter()
            .map(|s| s.unwrap_or("").to_string())
            .collect();
        Ok(group_index)
    }

    fn read_comparables(&mut self, c: &Table, ipc: &mut IpcInterner) -> Result<(), ValuationError> {
        let ids = strs(c, "deal_id")?;
        let dts = dates(c, "deal_date")?;
        let ipcs = strs(c, "ipc")?;
        let types = codes(c, "patent_type")?;
        let kinds = codes(c, "deal_kind")?;
        let prices = f64s(c, "price")?;
        let lives = f64s(c, "remaining_life")?;
        let claims = i64s(c, "claims")?;
        let scores = f64s(c, "technical_score")?;
        self.comparables.reserve(ids.len());
        for i in 0..ids.len() {
            let row = i + 2;
            let pt = types[i]
                .and_then(PatentType::from_code)
                .ok_or_else(|| missing(c, row, "patent type"))?;
            let dk = kinds[i]
                .and_then(DealKind::from_code)
                .ok_or_else(|| missing(c, row, "deal kind"))?;
            let (Some(date), Some(price), Some(life)) = (dts[i], prices[i], lives[i]) else {
                return Err(missing(c, row, "date, price or remaining life"));
            };
            let ipc_text = ipcs[i].unwrap_or("").to_string();
            self.comparables.push(Comparable {
                deal_id: ids[i].unwrap_or("").to_string(),
                date,
                ipc: ipc.key(&ipc_text),
                ipc_text,
                patent_type: pt,
                deal_kind: dk,
                price,
                remaining_life: life,
                claims: claims[i].unwrap_or(1).clamp(1, u32::MAX as i64) as u32,
                technical_score: scores[i],
            });
        }
        Ok(())
    }

    /// Cost items booked directly to patent `i`.
    pub fn own_costs(&self, i: usize) -> &[CostItem] {
        let a = self.cost_offsets.get(i).copied().unwrap_or(0) as usize;
        let b = self.cost_offsets.get(i + 1).copied().unwrap_or(0) as usize;
        self.cost_items.get(a..b).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_the_file_lacks_are_read_as_empty_without_materialising_them() {
        let mut ds = crate::sample::load().unwrap();
        let opts = crate::import::ReadOptions::new(ds.assumptions.as_ref().unwrap().valuation_date);
        // The sample portfolio without its last two columns (remaining life, R&D cost).
        let text: String = std::str::from_utf8(crate::sample::PORTFOLIO)
            .unwrap()
            .lines()
            .map(|l| l.rsplitn(3, ',').last().unwrap().to_string() + "\n")
            .collect();
        let p = crate::import::read_table_bytes(
            crate::import::TableKind::Portfolio,
            text.as_bytes(),
            "p.csv",
            &opts,
            None,
        )
        .unwrap();
        ds.portfolio = Some(p);
        assert!(ds.cross_check().iter().all(|p| !p.is_error()));
        let inputs = Inputs::from_dataset(&ds, &mut IpcInterner::default()).unwrap();
        assert!(inputs.patents.iter().all(|p| p.life_override.is_none()));
        let df = &ds.portfolio.as_ref().unwrap().df;
        for name in ["remaining_life", "rd_cost"] {
            let Column::Scalar(c) = df.column(name).unwrap() else {
                panic!("{name} is not one null");
            };
            assert!(c.lazy_as_materialized_series().is_none(), "{name}");
        }
    }

    #[test]
    fn ipc_levels() {
        let mut i = IpcInterner::default();
        let a = i.key("H04L9/32");
        let b = i.key("H04L9/06");
        let c = i.key("H04L67/12");
        let d = i.key("H04W52/02");
        assert_eq!(a.group, b.group);
        assert_ne!(a.group, c.group);
        assert_eq!(a.subclass, c.subclass);
        assert_ne!(a.subclass, d.subclass);
        assert_eq!(a.class, d.class);
        let e = i.key("H");
        assert_eq!((e.section, e.class), (a.section, u32::MAX));
        assert_eq!(i.key("").section, u32::MAX);
    }

    #[test]
    fn sample_case_builds() {
        let ds = crate::sample::load().unwrap();
        let inputs = Inputs::from_dataset(&ds, &mut IpcInterner::default()).unwrap();
        assert_eq!(inputs.patents.len(), 30);
        assert_eq!(inputs.groups.len(), 3);
        assert_eq!(inputs.group_names.len(), 3);
        assert_eq!(inputs.comparables.len(), 42);
        assert_eq!(inputs.cost_offsets.len(), 31);
        assert!(inputs.own_costs(0).len() >= 3);
        assert!(inputs.group_cost_items.iter().all(|g| g.len() == 1));
    }
}
