//! A text column whose cells point into the file's own bytes where they can. A cell read as it
//! is written (most are) is a slice of the decoded text, and when the text is the file's bytes
//! (UTF-8) the column's string view addresses those bytes instead of copying them: the table
//! already keeps the bytes (they are saved with the version), so the text is held once. A cell
//! that was changed (full-width forms mapped, a patent number normalised, an enum's code) is
//! copied into the column's own buffer, as every cell is when the text is not the file's bytes.

use std::sync::Arc;

use polars::prelude::*;
use polars_arrow::array::{Utf8ViewArray, View};
use polars_arrow::datatypes::ArrowDataType;
use polars_buffer::Buffer;

use super::columns::Validity;

/// The bytes a table is read from, shared with its text columns.
#[derive(Clone)]
pub struct SharedBytes(Buffer<u8>);

/// Lets a column's buffer hold the table's bytes without copying them.
struct Owner(Arc<Vec<u8>>);

impl AsRef<[u8]> for Owner {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl SharedBytes {
    pub fn new(bytes: &Arc<Vec<u8>>) -> Self {
        Self(Buffer::from_owner(Owner(bytes.clone())))
    }

    /// Where `s` starts in the bytes, if it lies in them (a slice of them: allocations do not
    /// overlap) at an offset a view can address.
    fn offset_of(&self, s: &str) -> Option<u32> {
        let start = (s.as_ptr() as usize).checked_sub(self.0.as_ptr() as usize)?;
        if start.checked_add(s.len())? > self.0.len() {
            return None;
        }
        u32::try_from(start).ok()
    }
}

/// The cells of one text column of one run of records, as string views: of the shared bytes
/// (buffer 0) or of the column's own buffers (1 on).
pub(super) struct TextColumn {
    name: PlSmallStr,
    shared: Option<SharedBytes>,
    views: Vec<View>,
    validity: Validity,
    /// Copied cells, in buffers a view can address (each under 4 GiB).
    owned: Vec<Vec<u8>>,
    bytes_len: usize,
}

impl TextColumn {
    pub(super) fn new(name: PlSmallStr, capacity: usize, shared: Option<SharedBytes>) -> Self {
        Self {
            name,
            shared,
            views: Vec::with_capacity(capacity),
            validity: Validity::default(),
            owned: vec![Vec::new()],
            bytes_len: 0,
        }
    }

    pub(super) fn push(&mut self, s: &str) {
        let Ok(len) = u32::try_from(s.len()) else {
            // Longer than a view can address: no cell is (the reader's text would be > 4 GiB).
            self.push_null();
            return;
        };
        let view = match self.shared.as_ref().and_then(|b| b.offset_of(s)) {
            Some(at) => View::new_from_bytes(s.as_bytes(), 0, at),
            None => {
                let last = self.owned.len() - 1;
                if self.owned[last].len() + s.len() > u32::MAX as usize {
                    self.owned.push(Vec::new());
                }
                let buffer = self.owned.len() - 1;
                let at = self.owned[buffer].len() as u32;
                if len > View::MAX_INLINE_SIZE {
                    self.owned[buffer].extend_from_slice(s.as_bytes());
                }
                View::new_from_bytes(s.as_bytes(), buffer as u32 + 1, at)
            }
        };
        self.validity.push(true, self.views.len(), 0);
        self.views.push(view);
        self.bytes_len += s.len();
    }

    pub(super) fn push_null(&mut self) {
        let capacity = self.views.capacity();
        self.validity.push(false, self.views.len(), capacity);
        self.views.push(View::default());
    }

    /// Appends the cells of the same column of the next run (read from the same bytes): its
    /// own buffers come after this column's, and its views that address them are renumbered.
    pub(super) fn append(&mut self, other: Self) {
        let (len, other_len) = (self.views.len(), other.views.len());
        self.validity.append(other.validity, len, other_len);
        // Own buffers are numbered from 1 (0 is the shared bytes).
        let shift = self.owned.len() as u32;
        self.views.extend(other.views.iter().map(|v| {
            let mut v = *v;
            if v.length > View::MAX_INLINE_SIZE && v.buffer_idx > 0 {
                v.buffer_idx += shift;
            }
            v
        }));
        self.owned.extend(other.owned);
        self.bytes_len += other.bytes_len;
    }

    pub(super) fn reserve(&mut self, additional: usize) {
        self.views.reserve_exact(additional);
    }

    pub(super) fn len(&self) -> usize {
        self.views.len()
    }

    /// The column: each cell a view of the shared bytes or of an own buffer.
    pub(super) fn finish(self) -> Column {
        let mut buffers: Vec<Buffer<u8>> = Vec::with_capacity(self.owned.len() + 1);
        buffers.push(self.shared.map_or_else(Buffer::new, |b| b.0));
        buffers.extend(self.owned.into_iter().map(Buffer::from_vec));
        let buffer_len = buffers.iter().map(|b| b.len()).sum();
        // SAFETY: every view was made by `View::new_from_bytes` from a `&str` (valid UTF-8) and
        // either inlines it or names the buffer and offset where those very bytes lie: buffer
        // 0 when the `&str` is a slice of the shared bytes (`offset_of` checked it lies in
        // them), else the own buffer the bytes were just appended to at that offset (a run's
        // own buffers keep their order when runs are joined, and its views are renumbered by
        // the buffers before them). Empty cells have the default view and a cleared validity
        // bit; the validity, when there is one, has a bit for every view. The byte count is the
        // sum of the cells' lengths.
        let array = unsafe {
            Utf8ViewArray::new_unchecked(
                ArrowDataType::Utf8View,
                Buffer::from_vec(self.views),
                Buffer::from_vec(buffers),
                self.validity.finish(),
                Some(self.bytes_len),
                buffer_len,
            )
        };
        StringChunked::with_chunk(self.name, array).into_column()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_of_the_bytes_are_views_of_them_and_others_are_copied() {
        let bytes = Arc::new(
            "专利号,名称\nCN201710500001.X,一种基于毫米波雷达的电量估算方法\n"
                .as_bytes()
                .to_vec(),
        );
        let text = std::str::from_utf8(&bytes).unwrap();
        let shared = SharedBytes::new(&bytes);
        let mut col = TextColumn::new("t".into(), 4, Some(shared.clone()));
        let long = text.lines().nth(1).unwrap().split(',').nth(1).unwrap();
        let short = &text[..9];
        let elsewhere = String::from("一种不在文件里的很长的名称");
        col.push(long);
        col.push_null();
        col.push(short);
        col.push(&elsewhere);
        col.push("");
        assert_eq!(col.views[0].buffer_idx, 0);
        assert_eq!(col.views[3].buffer_idx, 1);
        assert_eq!(col.owned[0].len(), elsewhere.len());
        let column = col.finish();
        let got: Vec<Option<String>> = column
            .str()
            .unwrap()
            .iter()
            .map(|s| s.map(str::to_string))
            .collect();
        assert_eq!(
            got,
            vec![
                Some(long.to_string()),
                None,
                Some("专利号".to_string()),
                Some(elsewhere.clone()),
                Some(String::new()),
            ]
        );
        // Without shared bytes every cell is copied.
        let mut col = TextColumn::new("t".into(), 1, None);
        col.push(long);
        assert_eq!(col.views[0].buffer_idx, 1);
        assert_eq!(shared.offset_of(&elsewhere), None);
    }
}
