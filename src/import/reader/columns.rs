//! What the column builders share: which cells hold a value, and a column of plain numbers.
//! A table read in runs joins its runs' builders into one before the frame is made, so each
//! column is built as a single chunk without copying the whole table a second time.

use polars::prelude::*;
use polars_arrow::bitmap::{Bitmap, MutableBitmap};

/// Which cells of a column hold a value; kept only from the first empty cell on.
#[derive(Default)]
pub(super) struct Validity(Option<MutableBitmap>);

impl Validity {
    /// Records the cell after the first `len` cells; `capacity` sizes the bitmap when it is made.
    pub(super) fn push(&mut self, valid: bool, len: usize, capacity: usize) {
        match &mut self.0 {
            Some(bits) => bits.push(valid),
            None if valid => {}
            None => {
                let mut bits = MutableBitmap::with_capacity(capacity.max(len + 1));
                bits.extend_constant(len, true);
                bits.push(false);
                self.0 = Some(bits);
            }
        }
    }

    /// Appends another column's cells (`other_len` of them) after this column's `len`.
    pub(super) fn append(&mut self, other: Validity, len: usize, other_len: usize) {
        match (&mut self.0, other.0) {
            (_, None) => {
                if let Some(bits) = &mut self.0 {
                    bits.extend_constant(other_len, true);
                }
            }
            (Some(bits), Some(theirs)) => bits.extend_from_bitmap(&theirs.into()),
            (None, Some(theirs)) => {
                let mut bits = MutableBitmap::with_capacity(len + other_len);
                bits.extend_constant(len, true);
                bits.extend_from_bitmap(&theirs.into());
                self.0 = Some(bits);
            }
        }
    }

    pub(super) fn finish(self) -> Option<Bitmap> {
        self.0.map(Bitmap::from)
    }
}

/// A column of numbers (or of days, for dates) as read, with its empty cells.
pub(super) struct NumColumn<T: PolarsNumericType> {
    name: PlSmallStr,
    values: Vec<T::Native>,
    validity: Validity,
}

impl<T: PolarsNumericType> NumColumn<T> {
    pub(super) fn new(name: PlSmallStr, capacity: usize) -> Self {
        Self {
            name,
            values: Vec::with_capacity(capacity),
            validity: Validity::default(),
        }
    }

    pub(super) fn push(&mut self, v: T::Native) {
        self.validity.push(true, self.values.len(), 0);
        self.values.push(v);
    }

    pub(super) fn push_null(&mut self) {
        let capacity = self.values.capacity();
        self.validity.push(false, self.values.len(), capacity);
        self.values.push(T::Native::default());
    }

    /// Appends the cells of the same column of the next run.
    pub(super) fn append(&mut self, other: Self) {
        let (len, other_len) = (self.values.len(), other.values.len());
        self.validity.append(other.validity, len, other_len);
        self.values.extend_from_slice(&other.values);
    }

    pub(super) fn reserve(&mut self, additional: usize) {
        self.values.reserve_exact(additional);
    }

    pub(super) fn len(&self) -> usize {
        self.values.len()
    }

    pub(super) fn finish(self) -> ChunkedArray<T> {
        ChunkedArray::from_vec_validity(self.name, self.values, self.validity.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(cells: &[Option<i32>]) -> NumColumn<Int32Type> {
        let mut c = NumColumn::new("n".into(), 1);
        for cell in cells {
            match cell {
                Some(v) => c.push(*v),
                None => c.push_null(),
            }
        }
        c
    }

    #[test]
    fn joined_runs_equal_the_column_read_whole() {
        let runs: [&[Option<i32>]; 4] = [
            &[Some(1), Some(2)],
            &[None, Some(4), None],
            &[Some(6)],
            &[Some(7), None],
        ];
        let whole: Vec<Option<i32>> = runs.iter().flat_map(|r| r.iter().copied()).collect();
        // Every way of cutting the cells in two, and all four runs joined in order.
        for cut in 0..=whole.len() {
            let mut first = column(&whole[..cut]);
            first.append(column(&whole[cut..]));
            let got: Vec<Option<i32>> = first.finish().iter().collect();
            assert_eq!(got, whole, "cut at {cut}");
        }
        let mut joined = column(runs[0]);
        for run in &runs[1..] {
            joined.reserve(run.len());
            joined.append(column(run));
        }
        let ca = joined.finish();
        assert_eq!(ca.iter().collect::<Vec<_>>(), whole);
        assert_eq!(ca.null_count(), 3);
        assert_eq!(ca.chunks().len(), 1);
    }
}
