//! Column builders that turn parsed cells into a polars frame, and the duplicate-key check on it.

use std::hash::{Hash, Hasher};

use chrono::Datelike;
use polars::prelude::*;
use rayon::slice::ParallelSliceMut;

use super::SOURCE_ROW;
use super::columns::NumColumn;
use super::text_column::{SharedBytes, TextColumn};
use crate::import::problem::{Problem, Problems};
use crate::import::row::Val;
use crate::import::schema::{ColumnSpec, EnumKind, Kind, TableKind};
use crate::import::{cell, codes};

pub(super) enum Builder {
    Str(TextColumn),
    /// Whole numbers (every integer column's bounds fit in 32 bits), years and periods.
    I32(NumColumn<Int32Type>),
    F64(NumColumn<Float64Type>),
    Date(NumColumn<Int32Type>),
    /// An enum's cells as numbers: the position of each code in the enum's codes.
    Code(EnumKind, NumColumn<UInt32Type>),
    /// A column whose cells have all been empty so far (one the file lacks, or leaves blank):
    /// they are counted and become one null value. The first value makes it a real column of
    /// `capacity` cells.
    Empty {
        spec: &'static ColumnSpec,
        shared: Option<SharedBytes>,
        len: usize,
        capacity: usize,
    },
}

impl Builder {
    /// The builder of a column, for about `capacity` cells.
    pub(super) fn new(
        spec: &'static ColumnSpec,
        capacity: usize,
        shared: Option<&SharedBytes>,
    ) -> Self {
        Builder::Empty {
            spec,
            shared: shared.cloned(),
            len: 0,
            capacity,
        }
    }

    fn real(spec: &ColumnSpec, capacity: usize, shared: Option<&SharedBytes>) -> Self {
        let name = PlSmallStr::from_static(spec.name);
        match spec.kind {
            Kind::Text | Kind::Prose | Kind::PatentNo | Kind::Ipc | Kind::ParamKey => {
                Builder::Str(TextColumn::new(name, capacity, shared.cloned()))
            }
            Kind::Enum(e) => Builder::Code(e, NumColumn::new(name, capacity)),
            Kind::Integer { .. } | Kind::Year | Kind::Period => {
                Builder::I32(NumColumn::new(name, capacity))
            }
            Kind::Money { .. } | Kind::Rate { .. } | Kind::Years { .. } | Kind::Number { .. } => {
                Builder::F64(NumColumn::new(name, capacity))
            }
            Kind::Date => Builder::Date(NumColumn::new(name, capacity)),
        }
    }

    /// Makes an empty column real, its cells so far empty, for at least `cells` cells.
    fn make_real(&mut self, cells: usize) {
        if let Builder::Empty {
            spec,
            shared,
            len,
            capacity,
        } = self
        {
            let n = *len;
            let mut real = Self::real(spec, cells.max(*capacity), shared.as_ref());
            for _ in 0..n {
                real.push(&Val::Null);
            }
            *self = real;
        }
    }

    pub(super) fn push(&mut self, v: &Val<'_>) {
        if let Builder::Empty { len, .. } = self {
            if matches!(v, Val::Null) {
                *len += 1;
                return;
            }
            let n = *len + 1;
            self.make_real(n);
        }
        match (self, v) {
            (Builder::Str(b), Val::Str(s)) => b.push(s),
            // The cell was checked against the column's bounds, which fit in 32 bits.
            (Builder::I32(b), Val::Int(i)) => b.push(*i as i32),
            (Builder::I32(b), Val::Period(y, _)) => b.push(*y),
            (Builder::F64(b), Val::Num(x)) => b.push(*x),
            (Builder::Date(b), Val::Date(d)) => b.push(cell::date_to_days(*d)),
            // The parser gives an enum's cell as its code.
            (Builder::Code(e, b), Val::Str(s)) => match codes::code_number(*e, s) {
                Some(n) => b.push(n),
                None => b.push_null(),
            },
            (Builder::Code(_, b), _) => b.push_null(),
            (Builder::Str(b), _) => b.push_null(),
            (Builder::I32(b), _) | (Builder::Date(b), _) => b.push_null(),
            (Builder::F64(b), _) => b.push_null(),
            (Builder::Empty { len, .. }, _) => *len += 1,
        }
    }

    /// Appends the same column of the next run of records.
    pub(super) fn append(&mut self, mut other: Builder) {
        match (&mut *self, &other) {
            (Builder::Empty { len: a, .. }, Builder::Empty { len: b, .. }) => {
                *a += b;
                return;
            }
            (Builder::Empty { len, .. }, _) => {
                let n = *len + other.len();
                self.make_real(n);
            }
            (_, Builder::Empty { .. }) => other.make_real(0),
            _ => {}
        }
        match (self, other) {
            (Builder::Str(a), Builder::Str(b)) => a.append(b),
            (Builder::I32(a), Builder::I32(b)) | (Builder::Date(a), Builder::Date(b)) => {
                a.append(b)
            }
            (Builder::F64(a), Builder::F64(b)) => a.append(b),
            (Builder::Code(_, a), Builder::Code(_, b)) => a.append(b),
            // Every run's builders are made from the same specs, in the same order.
            _ => unreachable!("runs of one table have the same columns"),
        }
    }

    fn len(&self) -> usize {
        match self {
            Builder::Str(b) => b.len(),
            Builder::I32(b) | Builder::Date(b) => b.len(),
            Builder::F64(b) => b.len(),
            Builder::Code(_, b) => b.len(),
            Builder::Empty { len, .. } => *len,
        }
    }

    pub(super) fn reserve(&mut self, additional: usize) {
        match self {
            Builder::Str(b) => b.reserve(additional),
            Builder::I32(b) | Builder::Date(b) => b.reserve(additional),
            Builder::F64(b) => b.reserve(additional),
            Builder::Code(_, b) => b.reserve(additional),
            Builder::Empty { capacity, .. } => *capacity += additional,
        }
    }

    pub(super) fn finish(self) -> Column {
        match self {
            Builder::Str(b) => b.finish(),
            Builder::I32(b) => b.finish().into_column(),
            Builder::F64(b) => b.finish().into_column(),
            Builder::Date(b) => b.finish().into_date().into_column(),
            Builder::Code(_, b) => b.finish().into_column(),
            Builder::Empty { spec, len, .. } => {
                Column::full_null(spec.name.into(), len, &dtype_of(spec.kind))
            }
        }
    }
}

/// The type a real column of this kind has in the frame (tested against the builders; taking
/// it from a column built here instead raised a 1M set's peak memory by 8 MB in half the runs).
fn dtype_of(kind: Kind) -> DataType {
    match kind {
        Kind::Text | Kind::Prose | Kind::PatentNo | Kind::Ipc | Kind::ParamKey => DataType::String,
        Kind::Enum(_) => DataType::UInt32,
        Kind::Integer { .. } | Kind::Year | Kind::Period => DataType::Int32,
        Kind::Money { .. } | Kind::Rate { .. } | Kind::Years { .. } | Kind::Number { .. } => {
            DataType::Float64
        }
        Kind::Date => DataType::Date,
    }
}

impl Val<'_> {
    pub(super) fn hash_key(&self, h: &mut impl Hasher) {
        match self {
            Val::Null => 0u8.hash(h),
            Val::Str(s) => s.as_ref().hash(h),
            Val::Int(i) => i.hash(h),
            Val::Num(x) => x.to_bits().hash(h),
            Val::Date(d) => d.num_days_from_ce().hash(h),
            Val::Period(y, m) => (y, m).hash(h),
        }
    }
}

/// A row's key hash as the reader keeps it (one per row, in row order): the hash with its top
/// bit set, so that 0 can stand for a row whose key could not be read.
pub(super) fn key_hash(h: u64) -> u64 {
    h | 1 << 63
}

/// The rows of each run of equal key hashes, in row order (rows with no key left out). Each
/// hash's low bits are replaced by its row, so one 8-byte word per row is sorted; rows whose
/// hashes differ only there are compared by their keys like any other equal hashes.
fn equal_hash_groups(mut hashes: Vec<u64>) -> Vec<Vec<u32>> {
    let bits = u64::BITS - (hashes.len().max(2) as u64 - 1).leading_zeros();
    let rows = (1u64 << bits) - 1;
    for (i, h) in hashes.iter_mut().enumerate() {
        if *h != 0 {
            *h = (*h & !rows) | i as u64;
        }
    }
    hashes.par_sort_unstable();
    let start = hashes.partition_point(|&h| h == 0);
    let mut groups = Vec::new();
    for run in hashes[start..].chunk_by(|a, b| a >> bits == b >> bits) {
        if run.len() > 1 {
            groups.push(run.iter().map(|&h| (h & rows) as u32).collect());
        }
    }
    groups
}

/// Reports rows whose unique key repeats an earlier row's; `key_hashes` holds each row's
/// [`key_hash`] (or none, for a table without a key).
pub(super) fn check_duplicates(
    kind: TableKind,
    df: &DataFrame,
    key_hashes: Vec<u64>,
    cols: &[Option<(usize, String)>],
    file: &str,
    problems: &mut Problems,
) {
    if key_hashes.len() < 2 {
        return;
    }
    let groups = equal_hash_groups(key_hashes);
    if groups.is_empty() {
        return;
    }
    let Ok(rows) = df.column(SOURCE_ROW).and_then(|c| c.u32().cloned()) else {
        return;
    };
    let key_names = kind.unique_key();
    let key_text = |i: usize| -> String {
        key_names
            .iter()
            .map(|k| {
                let column = df.column(k).ok();
                match (column, kind.enum_of(k)) {
                    // An empty cell reads as polars writes a null, as in the other columns.
                    (Some(c), Some(e)) => codes::code_at(c, e, i).unwrap_or("null").to_string(),
                    (Some(c), None) => c
                        .get(i)
                        .map(|v| v.str_value().to_string())
                        .unwrap_or_default(),
                    (None, _) => String::new(),
                }
            })
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let mut dups: Vec<(u32, u32)> = Vec::new();
    for group in groups {
        // Same hash: compare the real keys (rows in file order, so the first stays first).
        for (a, &first) in group.iter().enumerate() {
            for &later in &group[a + 1..] {
                if key_text(first as usize) == key_text(later as usize)
                    && !dups.iter().any(|d| d.1 == later)
                {
                    dups.push((first, later));
                }
            }
        }
    }
    dups.sort_by_key(|d| d.1);
    let spec_index = kind
        .columns()
        .iter()
        .position(|c| c.name == key_names[0])
        .unwrap_or(0);
    for (first, later) in dups {
        let (Some(fr), Some(lr)) = (rows.get(first as usize), rows.get(later as usize)) else {
            continue;
        };
        let key = key_text(later as usize);
        let mut p = Problem::file_error(
            file,
            format!(
                "duplicate {} \"{key}\": already given in row {fr}",
                key_names.join(" + ")
            ),
        )
        .at_row(lr as usize)
        .with_value(&key);
        if let Some((ci, h)) = &cols[spec_index] {
            p = p.at_column(*ci, h);
        }
        problems.push(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_with_equal_hashes_are_grouped_in_row_order() {
        let (a, b) = (5u64 << 40, 7u64 << 40);
        // Rows 0, 3 and 4 share the hash's high bits (row 3's differs only in the bits that
        // become its row: it is compared by its key like the others); row 1 has no key.
        let hashes = vec![key_hash(a), 0, key_hash(b), key_hash(a | 3), key_hash(a), 0];
        assert_eq!(equal_hash_groups(hashes), vec![vec![0, 3, 4]]);
        // Two rows without a key repeat nothing.
        assert!(equal_hash_groups(vec![0, 0, key_hash(b)]).is_empty());
    }

    #[test]
    fn an_empty_column_has_the_type_of_a_real_one() {
        for kind in TableKind::ALL.into_iter().chain([TableKind::External]) {
            for spec in kind.columns() {
                let real = Builder::real(spec, 0, None).finish();
                assert_eq!(&dtype_of(spec.kind), real.dtype(), "{}", spec.name);
                let empty = Builder::new(spec, 0, None).finish();
                assert_eq!(empty.dtype(), real.dtype(), "{}", spec.name);
            }
        }
    }

    #[test]
    fn a_column_is_one_null_until_a_value_comes() {
        let months = TableKind::Forecasts
            .columns()
            .iter()
            .find(|c| c.name == "months")
            .unwrap();
        let run = |cells: &[Option<i64>]| {
            let mut b = Builder::new(months, 4, None);
            for c in cells {
                b.push(&c.map_or(Val::Null, Val::Int));
            }
            b
        };
        let values = |c: Column| c.i32().unwrap().iter().collect::<Vec<_>>();
        let empty = run(&[None, None]).finish();
        assert!(matches!(empty, Column::Scalar(_)));
        assert_eq!(values(empty), vec![None, None]);
        // A value in any run makes the joined column real, in row order.
        let runs: [&[Option<i64>]; 3] = [&[None, None], &[None, Some(3)], &[None]];
        for first in 0..3 {
            let mut joined = run(runs[first]);
            let mut want: Vec<Option<i32>> =
                runs[first].iter().map(|c| c.map(|v| v as i32)).collect();
            for r in &runs[first + 1..] {
                joined.append(run(r));
                want.extend(r.iter().map(|c| c.map(|v| v as i32)));
            }
            assert_eq!(values(joined.finish()), want, "from run {first}");
        }
        let mut joined = run(&[Some(1)]);
        joined.append(run(&[None, None]));
        assert_eq!(values(joined.finish()), vec![Some(1), None, None]);
    }
}
