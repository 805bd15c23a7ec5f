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
    use rayon::prelude::*;
    const CHUNK: usize = 16_384;
    let t = |e: csv::Error| ReportError::Table(e.to_string());
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(headers(lang)).map_err(t)?;
    let mut out = w
        .into_inner()
        .map_err(|e| ReportError::Table(e.to_string()))?;
    // Rows are written in chunks on every core, then joined in order.
    let n = valuation.patents.len();
    let starts: Vec<usize> = (0..n).step_by(CHUNK).collect();
    let chunks: Vec<Result<Vec<u8>, ReportError>> = starts
        .par_iter()
        .map(|&start| {
            let mut w = csv::Writer::from_writer(Vec::new());
            let mut num = String::new();
            for i in start..(start + CHUNK).min(n) {
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
        .collect();
    for c in chunks {
        out.extend_from_slice(&c?);
    }
    Ok(out)
}

/// `x` with at most six decimals and no trailing zeros (`0.125`, `12`), written into `buf`.
fn plain_number(buf: &mut String, x: f64) -> &str {
    use std::fmt::Write;
    buf.clear();
    let _ = write!(buf, "{x:.6}");
    buf.trim_end_matches('0').trim_end_matches('.')
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
