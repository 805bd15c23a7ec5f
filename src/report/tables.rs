//! Per-patent results as CSV or xlsx. Text cells that a spreadsheet would run as a formula
//! (starting with `=`, `+`, `-`, `@`) are neutralised with a leading apostrophe.

use std::borrow::Cow;

use rust_xlsxwriter::{Format, Workbook};

use super::{ReportData, ReportError, ReportLang, neutralise};
use crate::valuation::{Engine, Valuation};

/// Column headers.
fn headers(lang: ReportLang) -> Vec<&'static str> {
    match lang {
        ReportLang::Zh => vec![
            "专利号",
            "专利名称",
            "资产组",
            "专利类型",
            "法律状态",
            "剩余经济寿命（年）",
            "专利价值度",
            "折现率",
            "分成率",
            "成本法（元）",
            "收益法（元）",
            "市场法（元）",
            "评估结论（元）",
            "下限（元）",
            "上限（元）",
            "说明",
        ],
        ReportLang::En => vec![
            "patent_no",
            "title",
            "asset_group",
            "patent_type",
            "legal_status",
            "remaining_economic_life",
            "value_degree",
            "discount_rate",
            "share_rate",
            "cost_value",
            "income_value",
            "market_value",
            "reconciled_value",
            "low",
            "high",
            "note",
        ],
    }
}

/// One row of text cells and one of numbers (None = blank), per patent.
enum Cell<'a> {
    Text(Cow<'a, str>),
    Num(Option<f64>),
}

fn rows<'a>(
    e: &'a Engine,
    valuation: &Valuation,
    titles: &'a [String],
    lang: ReportLang,
) -> Vec<Vec<Cell<'a>>> {
    (0..valuation.patents.len())
        .map(|i| row(e, valuation, titles, lang, i))
        .collect()
}

/// Patent `i`'s row.
fn row<'a>(
    e: &'a Engine,
    valuation: &Valuation,
    titles: &'a [String],
    lang: ReportLang,
    i: usize,
) -> Vec<Cell<'a>> {
    let v = &valuation.patents[i];
    let p = &e.inputs.patents[i];
    let b = &e.base[i];
    let zh = lang == ReportLang::Zh;
    vec![
        Cell::Text(e.inputs.patent_nos[i].as_str().into()),
        Cell::Text(titles.get(i).map_or("", String::as_str).into()),
        Cell::Text(e.inputs.group_names[p.group_name as usize].as_str().into()),
        Cell::Text(
            if zh {
                p.patent_type.label_zh()
            } else {
                p.patent_type.code()
            }
            .into(),
        ),
        Cell::Text(
            if zh {
                p.status.label_zh()
            } else {
                p.status.code()
            }
            .into(),
        ),
        Cell::Num(Some(b.life.remaining_economic)),
        Cell::Num(Some(b.score.overall)),
        Cell::Num(Some(b.discount.rate)),
        Cell::Num(Some(b.share_rate)),
        Cell::Num(v.cost.ok()),
        Cell::Num(v.income.ok()),
        Cell::Num(v.market.ok()),
        Cell::Num(v.reconciled),
        Cell::Num(v.low),
        Cell::Num(v.high),
        Cell::Text(crate::valuation::results::note_in(e, i, v, zh).into()),
    ]
}

/// The per-patent table of a report version as CSV.
pub fn csv(d: &ReportData, lang: ReportLang) -> Result<Vec<u8>, ReportError> {
    csv_of(&d.engine, &d.valuation, &d.titles, lang)
}

/// Per-patent results as UTF-8 CSV with a BOM (so Excel on Chinese Windows opens it as UTF-8);
/// also what `patval value --out` writes.
pub fn csv_of(
    e: &Engine,
    valuation: &Valuation,
    titles: &[String],
    lang: ReportLang,
) -> Result<Vec<u8>, ReportError> {
    let mut out = Vec::new();
    write_csv(&mut out, e, valuation, titles, lang)?;
    Ok(out)
}

/// [`csv_of`] into a writer: rows are made in chunks on every core, a few chunks at a time,
/// and each batch is written in order while the next one is made (the whole file is never
/// held in memory).
pub fn write_csv(
    out: &mut (impl std::io::Write + Send),
    e: &Engine,
    valuation: &Valuation,
    titles: &[String],
    lang: ReportLang,
) -> Result<(), ReportError> {
    let io = |e: std::io::Error| ReportError::Table(e.to_string());
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(headers(lang))
        .map_err(|e| ReportError::Table(e.to_string()))?;
    out.write_all(
        &w.into_inner()
            .map_err(|e| ReportError::Table(e.to_string()))?,
    )
    .map_err(io)?;
    let n = valuation.patents.len();
    let starts: Vec<usize> = (0..n).step_by(CSV_CHUNK).collect();
    let batch = 4 * rayon::current_num_threads();
    let write = |out: &mut (dyn std::io::Write + Send), made: Vec<Result<Vec<u8>, ReportError>>| {
        made.into_iter()
            .try_for_each(|c| out.write_all(&c?).map_err(io))
    };
    let mut made = Vec::new();
    for some in starts.chunks(batch) {
        let (next, written) = rayon::join(
            || csv_chunks(e, valuation, titles, lang, some, n),
            || write(out, std::mem::take(&mut made)),
        );
        written?;
        made = next;
    }
    write(out, made)
}

/// Rows per chunk of the per-patent CSV.
const CSV_CHUNK: usize = 16_384;

/// The CSV text of the chunks of rows starting at `starts`, made on every core.
fn csv_chunks(
    e: &Engine,
    valuation: &Valuation,
    titles: &[String],
    lang: ReportLang,
    starts: &[usize],
    n: usize,
) -> Vec<Result<Vec<u8>, ReportError>> {
    use rayon::prelude::*;
    let t = |e: csv::Error| ReportError::Table(e.to_string());
    starts
        .par_iter()
        .map(|&start| {
            let mut w = csv::Writer::from_writer(Vec::with_capacity(CSV_CHUNK * 200));
            let mut num = String::new();
            for i in start..(start + CSV_CHUNK).min(n) {
                for cell in row(e, valuation, titles, lang, i) {
                    match cell {
                        Cell::Text(s) => w.write_field(neutralise(&s).as_bytes()),
                        Cell::Num(Some(x)) => w.write_field(plain_number(&mut num, x)),
                        Cell::Num(None) => w.write_field(""),
                    }
                    .map_err(t)?;
                }
                w.write_record(None::<&[u8]>).map_err(t)?;
            }
            w.into_inner()
                .map_err(|e| ReportError::Table(e.to_string()))
        })
        .collect()
}

/// `x` with at most six decimals and no trailing zeros (`0.125`, `12`), written into `buf`:
/// exactly what `{x:.6}` gives with its trailing zeros cut, but from the integer `x × 10⁶`
/// when its rounding is certain (a tenth of the formatter's time; the per-patent CSV has ten
/// numbers a row).
fn plain_number(buf: &mut String, x: f64) -> &str {
    use std::fmt::Write;
    buf.clear();
    match micro_units(x) {
        Some(m) => write_micro(buf, m),
        None => {
            let _ = write!(buf, "{x:.6}");
        }
    }
    buf.trim_end_matches('0').trim_end_matches('.')
}

/// `x × 10⁶` rounded to an integer, or None when the product's rounding error could change
/// the rounding (within one unit in the last place of a half), when it is too large to be
/// exact, or when the formatter would write a minus sign before a zero.
fn micro_units(x: f64) -> Option<i64> {
    let y = x * 1e6;
    if !y.is_finite() || y.abs() >= 4e15 {
        return None;
    }
    // `y` is within half an ulp of x·10⁶ (one rounding), an ulp is at most |y|·2⁻⁵²; the
    // fraction `y − ⌊y⌋` is exact.
    let guard = y.abs() * 2.3e-16;
    if ((y - y.floor()) - 0.5).abs() <= guard {
        return None;
    }
    let m = y.round() as i64;
    (m != 0 || !x.is_sign_negative()).then_some(m)
}

/// `m` millionths as `{:.6}` writes them (`-12.050000`).
fn write_micro(buf: &mut String, m: i64) {
    let a = m.unsigned_abs();
    if m < 0 {
        buf.push('-');
    }
    let mut b = itoa::Buffer::new();
    buf.push_str(b.format(a / 1_000_000));
    buf.push('.');
    let frac = b.format(a % 1_000_000);
    buf.extend(std::iter::repeat_n('0', 6 - frac.len()));
    buf.push_str(frac);
}

/// An xlsx workbook: numbers as numbers (money with two decimals), text neutralised.
pub fn xlsx(d: &ReportData, lang: ReportLang) -> Result<Vec<u8>, ReportError> {
    let t = |e: rust_xlsxwriter::XlsxError| ReportError::Table(e.to_string());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("单件专利结果", "per-patent results"))
        .map_err(t)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    for (c, h) in headers(lang).iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(t)?;
    }
    for (r, row) in rows(&d.engine, &d.valuation, &d.titles, lang)
        .into_iter()
        .enumerate()
    {
        let r = r as u32 + 1;
        for (c, cell) in row.into_iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => {
                    ws.write_string(r, c, neutralise(&s).as_ref()).map_err(t)?;
                }
                Cell::Num(Some(x)) if c >= 9 => {
                    ws.write_number_with_format(r, c, x, &money).map_err(t)?;
                }
                Cell::Num(Some(x)) => {
                    ws.write_number(r, c, x).map_err(t)?;
                }
                Cell::Num(None) => {}
            }
        }
    }
    ws.set_freeze_panes(1, 1).map_err(t)?;
    wb.save_to_buffer().map_err(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn formatter(x: f64) -> String {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }

    #[test]
    fn plain_numbers_are_the_formatters_digits() {
        let mut buf = String::new();
        for x in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.125,
            12.0,
            0.1,
            0.2,
            0.3,
            1e-7,
            -1e-7,
            5e-7,
            -5e-7,
            2.5e-7,
            0.0000015,
            0.0000025,
            1234567.891,
            4.35e-2,
            1e9,
            3.999e9,
            9.87654321e12,
            1e300,
            -1e300,
            0.0078125,
            -0.0078125,
            1.0234375,
            2.0 / 1024.0 / 1024.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(plain_number(&mut buf, x), formatter(x), "{x:e}");
        }
        assert!(
            micro_units(0.1).is_some(),
            "the fast path serves ordinary numbers"
        );
    }

    proptest! {
        #[test]
        fn plain_numbers_match_the_formatter(
            x in prop_oneof![
                any::<f64>(),
                -1e10..1e10f64,
                -1e3..1e3f64,
                (-10_000_000_000i64..10_000_000_000).prop_map(|k| k as f64 / 1e6),
                (-10_000_000_000i64..10_000_000_000).prop_map(|k| (k as f64 + 0.5) / 1e6),
                (-1_000_000_000i64..1_000_000_000).prop_map(|k| k as f64 / 100.0),
                // Binary fractions whose seventh decimal is a tie (0.0078125 = 2⁻⁷).
                (-1_000_000_000i64..1_000_000_000).prop_map(|k| k as f64 / 128.0),
                (-1_000_000_000i64..1_000_000_000).prop_map(|k| k as f64 / 1_048_576.0),
            ]
        ) {
            let mut buf = String::new();
            prop_assert_eq!(plain_number(&mut buf, x), formatter(x));
        }
    }
}
