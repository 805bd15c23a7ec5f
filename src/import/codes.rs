//! Enum columns (patent type, legal status, deal kind, cost category, parameter scope) hold
//! each cell as a number: the position of its code in [`EnumKind::codes`]. A text column would
//! take 16 bytes a cell, this 4 (polars' 8-bit integers are a feature not built here). Read
//! them with [`codes`] (or [`super::Table::codes`]), never as text.

use polars::prelude::*;

use super::schema::EnumKind;

/// The number that stands for `code`, if it is one of `e`'s codes.
pub fn code_number(e: EnumKind, code: &str) -> Option<u32> {
    let at = e.codes().iter().position(|c| *c == code)?;
    u32::try_from(at).ok()
}

/// An enum column from codes (a text that is not one of `e`'s codes is empty).
pub fn code_column<'a>(
    name: &str,
    e: EnumKind,
    codes: impl IntoIterator<Item = Option<&'a str>>,
) -> Column {
    let numbers: UInt32Chunked = codes
        .into_iter()
        .map(|c| c.and_then(|c| code_number(e, c)))
        .collect();
    numbers.with_name(name.into()).into_column()
}

/// The code of every cell of an enum column.
pub fn codes(column: &Column, e: EnumKind) -> PolarsResult<Vec<Option<&'static str>>> {
    if super::has_no_value(column) {
        return Ok(vec![None; column.len()]);
    }
    let list = e.codes();
    Ok(column
        .u32()?
        .iter()
        .map(|n| n.and_then(|n| list.get(n as usize).copied()))
        .collect())
}

/// The code of one cell of an enum column.
pub fn code_at(column: &Column, e: EnumKind, i: usize) -> Option<&'static str> {
    let n = column.u32().ok()?.get(i)?;
    e.codes().get(n as usize).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [EnumKind; 5] = [
        EnumKind::PatentType,
        EnumKind::LegalStatus,
        EnumKind::DealKind,
        EnumKind::CostCategory,
        EnumKind::ParamScope,
    ];

    #[test]
    fn every_code_goes_through_its_number_and_back() {
        for e in ALL {
            let list = e.codes();
            let cells: Vec<Option<&str>> = list.iter().map(|c| Some(*c)).chain([None]).collect();
            let column = code_column("c", e, cells.iter().copied());
            assert_eq!(column.dtype(), &DataType::UInt32);
            assert_eq!(codes(&column, e).unwrap(), cells, "{e:?}");
            for (i, c) in cells.iter().enumerate() {
                assert_eq!(code_at(&column, e, i), *c);
            }
            // A label is not a code.
            assert_eq!(code_number(e, "发明"), None);
        }
    }
}
