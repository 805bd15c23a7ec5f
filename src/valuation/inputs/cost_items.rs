//! The cost-items table read into the inputs: items booked to a patent in CSR layout (each
//! patent's items in file order), items booked to an asset group by group.

use rayon::prelude::*;

use super::{CostItem, FastMap, Inputs, codes, f64s, i32s, missing, source_rows, strs};
use crate::import::Table;
use crate::model::CostCategory;
use crate::valuation::ValuationError;

impl Inputs {
    /// Cost items, grouped by patent (CSR layout) and by asset group.
    pub(super) fn read_cost_items(
        &mut self,
        c: Option<&Table>,
        group_index: &FastMap<&str, u32>,
    ) -> Result<(), ValuationError> {
        let n = self.patents.len();
        self.group_cost_items = vec![Vec::new(); self.group_names.len()];
        self.cost_offsets = vec![0; n + 1];
        let Some(c) = c else {
            return Ok(());
        };
        let (patent_of, cols) = rayon::join(
            || -> FastMap<&str, u32> {
                self.patent_nos
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (s.as_str(), i as u32))
                    .collect()
            },
            || CostColumns::of(c),
        );
        let cols = cols?;
        // Each row's item and where it goes, looked up on every core; a row that cannot be
        // read is met again below, in row order, for its message.
        let slots: Vec<Slot> = (0..cols.cats.len())
            .into_par_iter()
            .map(|i| match (cols.item(i), cols.pnos[i], cols.gnames[i]) {
                (None, ..) => Slot::Bad,
                (Some(_), Some(no), _) => patent_of.get(no).map_or(Slot::Bad, |&p| Slot::Patent(p)),
                (Some(_), None, Some(g)) => {
                    group_index.get(g).map_or(Slot::Bad, |&g| Slot::Group(g))
                }
                (Some(_), None, None) => Slot::Skip,
            })
            .collect();
        if let Some(i) = slots.iter().position(|s| matches!(s, Slot::Bad)) {
            return Err(cols.problem(c, i));
        }
        for s in &slots {
            if let Slot::Patent(p) = s {
                self.cost_offsets[*p as usize + 1] += 1;
            }
        }
        for i in 0..n {
            self.cost_offsets[i + 1] += self.cost_offsets[i];
        }
        // Scattered into place in row order: each patent's items keep the file's order.
        let mut next: Vec<u32> = self.cost_offsets[..n].to_vec();
        let mut items: Vec<Option<CostItem>> = vec![None; self.cost_offsets[n] as usize];
        for (i, s) in slots.iter().enumerate() {
            let Some(item) = cols.item(i) else { continue };
            match *s {
                Slot::Patent(p) => {
                    items[next[p as usize] as usize] = Some(item);
                    next[p as usize] += 1;
                }
                Slot::Group(g) => self.group_cost_items[g as usize].push(item),
                Slot::Skip | Slot::Bad => {}
            }
        }
        self.cost_items = items.into_iter().flatten().collect();
        Ok(())
    }
}

/// Where a cost-items row goes.
#[derive(Clone, Copy)]
enum Slot {
    Patent(u32),
    Group(u32),
    /// Neither a patent nor an asset group named: not counted.
    Skip,
    /// Cannot be read or names something the portfolio lacks.
    Bad,
}

/// The cost-items table's columns, borrowed from its frame.
struct CostColumns<'a> {
    pnos: Vec<Option<&'a str>>,
    gnames: Vec<Option<&'a str>>,
    cats: Vec<Option<&'a str>>,
    years: Vec<Option<i32>>,
    amounts: Vec<Option<f64>>,
    rows: Vec<u32>,
}

impl<'a> CostColumns<'a> {
    fn of(c: &'a Table) -> Result<Self, ValuationError> {
        Ok(Self {
            pnos: strs(c, "patent_no")?,
            gnames: strs(c, "asset_group")?,
            cats: codes(c, "category")?,
            years: i32s(c, "year")?,
            amounts: f64s(c, "amount")?,
            rows: source_rows(c)?,
        })
    }

    fn item(&self, i: usize) -> Option<CostItem> {
        Some(CostItem {
            category: self.cats[i].and_then(CostCategory::from_code)?,
            year: self.years[i]?,
            amount: self.amounts[i]?,
            row: self.rows[i],
        })
    }

    /// Why row `i` cannot be used.
    fn problem(&self, c: &Table, i: usize) -> ValuationError {
        let row = self.rows[i] as usize;
        let input = |message: String| ValuationError::Input {
            file: c.file.clone(),
            row,
            message,
        };
        match (self.item(i), self.pnos[i], self.gnames[i]) {
            (None, ..) => missing(c, row, "category, year or amount"),
            (Some(_), Some(no), _) => input(format!("patent \"{no}\" is not in the portfolio")),
            (Some(_), None, g) => input(format!(
                "asset group \"{}\" is not in the portfolio",
                g.unwrap_or("")
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{ReadOptions, TableKind, read_table_bytes};
    use crate::valuation::inputs::IpcInterner;

    /// The sample case with its cost items replaced by `csv`.
    fn with_cost_items(csv: &str) -> Result<Inputs, ValuationError> {
        let mut ds = crate::sample::load().unwrap();
        let opts = ReadOptions::new(ds.assumptions.as_ref().unwrap().valuation_date);
        let t = read_table_bytes(TableKind::CostItems, csv.as_bytes(), "c.csv", &opts, None);
        ds.set_table(t.unwrap());
        Inputs::from_dataset(&ds, &mut IpcInterner::default())
    }

    #[test]
    fn items_go_to_their_patent_in_file_order_and_groups_keep_theirs() {
        let ds = crate::sample::load().unwrap();
        let inputs = Inputs::from_dataset(&ds, &mut IpcInterner::default()).unwrap();
        let a = &inputs.patent_nos[0];
        let b = &inputs.patent_nos[1];
        let g = &inputs.group_names[0];
        let csv = format!(
            "专利号,资产组,费用类别,发生年度,金额\n{b},,人工费,2019,3\n{a},,材料费,2018,1\n,{g},试验费,2020,7\n{b},,材料费,2017,4\n{a},,人工费,2016,2\n"
        );
        let inputs = with_cost_items(&csv).unwrap();
        let amounts = |i: usize| -> Vec<(f64, u32)> {
            inputs
                .own_costs(i)
                .iter()
                .map(|c| (c.amount, c.row))
                .collect()
        };
        assert_eq!(amounts(0), vec![(1.0, 3), (2.0, 6)]);
        assert_eq!(amounts(1), vec![(3.0, 2), (4.0, 5)]);
        assert!(amounts(2).is_empty());
        assert_eq!(inputs.cost_offsets.len(), inputs.patents.len() + 1);
        assert_eq!(inputs.group_cost_items[0].len(), 1);
        assert_eq!(inputs.group_cost_items[0][0].amount, 7.0);
    }

    #[test]
    fn the_first_unusable_row_is_named() {
        let ds = crate::sample::load().unwrap();
        let a = Inputs::from_dataset(&ds, &mut IpcInterner::default())
            .unwrap()
            .patent_nos[0]
            .clone();
        let csv = format!(
            "专利号,资产组,费用类别,发生年度,金额\n{a},,人工费,2019,3\nCN209900000001.1,,人工费,2019,3\n,无此资产组,人工费,2019,3\n"
        );
        let e = with_cost_items(&csv).unwrap_err().to_string();
        assert!(e.contains("row 3") && e.contains("CN209900000001.1"), "{e}");
        let csv = format!(
            "专利号,资产组,费用类别,发生年度,金额\n{a},,人工费,2019,3\n,无此资产组,人工费,2019,3\n"
        );
        let e = with_cost_items(&csv).unwrap_err().to_string();
        assert!(e.contains("row 3") && e.contains("无此资产组"), "{e}");
    }
}
