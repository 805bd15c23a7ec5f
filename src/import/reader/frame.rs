//! Column builders that turn parsed cells into a polars frame, and the duplicate-key check on it.

use std::hash::{Hash, Hasher};

use chrono::Datelike;
use polars::prelude::*;
use rayon::slice::ParallelSliceMut;

use super::SOURCE_ROW;
use super::text_column::{SharedBytes, TextColumn};
use crate::import::cell;
use crate::import::problem::{Problem, Problems};
use crate::import::row::Val;
use crate::import::schema::{ColumnSpec, Kind, TableKind};

pub(super) enum Builder {
    Str(TextColumn),
    I64(PrimitiveChunkedBuilder<Int64Type>),
    I32(PrimitiveChunkedBuilder<Int32Type>),
    F64(PrimitiveChunkedBuilder<Float64Type>),
    Date(PrimitiveChunkedBuilder<Int32Type>),
}

impl Builder {
    pub(super) fn new(spec: &ColumnSpec, capacity: usize, shared: Option<&SharedBytes>) -> Self {
        let name = PlSmallStr::from_static(spec.name);
        match spec.kind {
            Kind::Text
            | Kind::Prose
            | Kind::PatentNo
            | Kind::Ipc
            | Kind::Enum(_)
            | Kind::ParamKey => Builder::Str(TextColumn::new(name, capacity, shared.cloned())),
            Kind::Integer { .. } => Builder::I64(PrimitiveChunkedBuilder::new(name, capacity)),
            Kind::Year | Kind::Period => Builder::I32(PrimitiveChunkedBuilder::new(name, capacity)),
            Kind::Money { .. } | Kind::Rate { .. } | Kind::Years { .. } | Kind::Number { .. } => {
                Builder::F64(PrimitiveChunkedBuilder::new(name, capacity))
            }
            Kind::Date => Builder::Date(PrimitiveChunkedBuilder::new(name, capacity)),
        }
    }

    pub(super) fn push(&mut self, v: &Val<'_>) {
        match (self, v) {
            (Builder::Str(b), Val::Str(s)) => b.push(s),
            (Builder::I64(b), Val::Int(i)) => b.append_value(*i),
            (Builder::I32(b), Val::Int(i)) => b.append_value(*i as i32),
            (Builder::I32(b), Val::Period(y, _)) => b.append_value(*y),
            (Builder::F64(b), Val::Num(x)) => b.append_value(*x),
            (Builder::Date(b), Val::Date(d)) => b.append_value(cell::date_to_days(*d)),
            (Builder::Str(b), _) => b.push_null(),
            (Builder::I64(b), _) => b.append_null(),
            (Builder::I32(b), _) | (Builder::Date(b), _) => b.append_null(),
            (Builder::F64(b), _) => b.append_null(),
        }
    }

    pub(super) fn finish(self) -> Column {
        match self {
            Builder::Str(b) => b.finish(),
            Builder::I64(b) => b.finish().into_column(),
            Builder::I32(b) => b.finish().into_column(),
            Builder::F64(b) => b.finish().into_column(),
            Builder::Date(b) => b.finish().into_date().into_column(),
        }
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

/// Reports rows whose unique key repeats an earlier row's.
pub(super) fn check_duplicates(
    kind: TableKind,
    df: &DataFrame,
    mut key_hashes: Vec<(u64, u32)>,
    cols: &[Option<(usize, String)>],
    file: &str,
    problems: &mut Problems,
) {
    if key_hashes.len() < 2 {
        return;
    }
    key_hashes.par_sort_unstable();
    let Ok(rows) = df.column(SOURCE_ROW).and_then(|c| c.u32().cloned()) else {
        return;
    };
    let key_names = kind.unique_key();
    let key_text = |i: usize| -> String {
        key_names
            .iter()
            .map(|k| {
                df.column(k)
                    .ok()
                    .and_then(|c| c.get(i).ok())
                    .map(|v| v.str_value().to_string())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let mut dups: Vec<(u32, u32)> = Vec::new();
    let mut i = 0;
    while i < key_hashes.len() {
        let mut j = i + 1;
        while j < key_hashes.len() && key_hashes[j].0 == key_hashes[i].0 {
            j += 1;
        }
        if j - i > 1 {
            // Same hash: compare the real keys (rows in file order, so the first stays first).
            let mut group: Vec<u32> = key_hashes[i..j].iter().map(|&(_, r)| r).collect();
            group.sort_unstable();
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
        i = j;
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
