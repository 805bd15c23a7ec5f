//! The input template: a workbook with one sheet per table, headers patval accepts, a note on
//! every header (required or not, how cells are written), drop-down lists on the closed-set
//! columns, an instructions sheet, and the bundled sample case filled in as the example. Read
//! back, it gives the same frames as the sample's CSV files.
//!
//! Cells are typed: dates are date cells, amounts are numbers in 元 (the header says so), rates
//! are fractions shown as percentages, patent numbers are text. So nothing is lost to a
//! spreadsheet's guessing, and the template round-trips to the fen.

use polars::prelude::*;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, ExcelDateTime, Format, Note, Workbook, Worksheet,
    XlsxError,
};

use super::schema::{ColumnSpec, EnumKind, Kind, TableKind};
use super::{Dataset, Table};
use crate::model::parameters::ParamKey;
use crate::report::ReportLang;

/// The template could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("cannot build the template workbook: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("cannot read the sample case: {0}")]
    Sample(#[from] crate::sample::SampleError),
}

/// Rows below the header that get the drop-down lists.
const LIST_ROWS: u32 = 5_000;

/// Sheet names of the template, in order.
pub fn sheet_name(kind: TableKind, lang: ReportLang) -> &'static str {
    match kind {
        TableKind::Portfolio => lang.pick("组合", "portfolio"),
        TableKind::Forecasts => lang.pick("预测", "forecasts"),
        TableKind::CostItems => lang.pick("成本明细", "cost items"),
        TableKind::Comparables => lang.pick("可比交易", "comparables"),
        TableKind::Parameters => lang.pick("参数", "parameters"),
        TableKind::External => lang.pick("外部评估", "external appraisal"),
    }
}

/// The template workbook's bytes, with the bundled sample case filled in.
pub fn template_xlsx(lang: ReportLang) -> Result<Vec<u8>, TemplateError> {
    let ds = crate::sample::load()?;
    workbook_of(&ds, lang)
}

/// A workbook of a data set's tables (a sheet for each table it has), laid out as the template.
pub fn workbook_of(ds: &Dataset, lang: ReportLang) -> Result<Vec<u8>, TemplateError> {
    let mut wb = Workbook::new();
    instructions(wb.add_worksheet(), lang)?;
    for kind in TableKind::ALL {
        let Some(table) = ds.table(kind) else {
            continue;
        };
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(kind, lang))?;
        table_sheet(ws, kind, table, lang)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// The header patval writes for a column: its Chinese name (the first Chinese alias) or its
/// English one, with the unit of amounts.
pub fn header(spec: &ColumnSpec, lang: ReportLang) -> String {
    let name = match lang {
        ReportLang::Zh => spec
            .aliases
            .iter()
            .find(|a| !a.is_ascii())
            .copied()
            .unwrap_or(spec.name)
            .to_ascii_uppercase(),
        ReportLang::En => spec.name.replace('_', " "),
    };
    match spec.kind {
        Kind::Money { .. } => format!("{name}{}", lang.pick("(元)", " (yuan)")),
        _ => name,
    }
}

fn table_sheet(
    ws: &mut Worksheet,
    kind: TableKind,
    table: &Table,
    lang: ReportLang,
) -> Result<(), TemplateError> {
    let bold = Format::new().set_bold().set_background_color("#DDEBF7");
    let required = Format::new().set_bold().set_background_color("#FCE4D6");
    for (c, spec) in kind.columns().iter().enumerate() {
        let col = c as u16;
        let f = if spec.required { &required } else { &bold };
        ws.write_string_with_format(0, col, header(spec, lang), f)?;
        ws.insert_note(
            0,
            col,
            &Note::new(header_note(spec, lang)).set_author("patval"),
        )?;
        ws.set_column_width(col, column_width(spec))?;
        if let Kind::Enum(e) = spec.kind {
            let labels = enum_labels(e, lang);
            let dv = DataValidation::new()
                .allow_list_strings(&labels)?
                .set_error_style(DataValidationErrorStyle::Warning);
            ws.add_data_validation(1, col, LIST_ROWS, col, &dv)?;
        }
        if let Ok(column) = table.df.column(spec.name) {
            write_column(ws, col, spec, column, lang)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    // Printed: A4 landscape, one page wide, the header on every page, with gridlines.
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_print_gridlines(true)
        .set_repeat_rows(0, 0)?;
    Ok(())
}

fn column_width(spec: &ColumnSpec) -> f64 {
    if spec.name == "title" {
        return 40.0;
    }
    match spec.kind {
        Kind::Prose => 40.0,
        Kind::Text => 24.0,
        Kind::PatentNo | Kind::ParamKey => 20.0,
        Kind::Date | Kind::Money { .. } => 14.0,
        _ => 12.0,
    }
}

/// Writes a frame column's cells under its header, typed.
fn write_column(
    ws: &mut Worksheet,
    col: u16,
    spec: &ColumnSpec,
    column: &Column,
    lang: ReportLang,
) -> Result<(), TemplateError> {
    let money = Format::new().set_num_format("#,##0.00");
    let rate = Format::new().set_num_format("0.00%");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let text = Format::new().set_num_format("@");
    for i in 0..column.len() {
        let row = i as u32 + 1;
        let Ok(v) = column.get(i) else { continue };
        match (spec.kind, v) {
            (_, AnyValue::Null) => {
                // An empty text column stays text, so a number typed later is not mangled.
                if matches!(spec.kind, Kind::PatentNo) {
                    ws.write_blank(row, col, &text)?;
                }
            }
            (Kind::Enum(e), AnyValue::UInt32(n)) => {
                let code = e.codes().get(n as usize).copied().unwrap_or("");
                ws.write_string(row, col, enum_label(e, code, lang))?;
            }
            (Kind::ParamKey, AnyValue::String(s)) => {
                let label = match (lang, ParamKey::parse(s)) {
                    (ReportLang::Zh, Some(k)) => k.label_zh(),
                    _ => s.to_string(),
                };
                ws.write_string(row, col, label)?;
            }
            (Kind::PatentNo, AnyValue::String(s)) => {
                ws.write_string_with_format(row, col, s, &text)?;
            }
            (_, AnyValue::String(s)) => {
                ws.write_string(row, col, s)?;
            }
            (Kind::Date, AnyValue::Date(days)) => {
                use chrono::Datelike;
                let Some(d) = super::cell::days_to_date(days) else {
                    continue;
                };
                let x = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                ws.write_datetime_with_format(row, col, &x, &date)?;
            }
            (Kind::Money { .. }, v) => {
                ws.write_number_with_format(row, col, num(&v), &money)?;
            }
            (Kind::Rate { .. }, v) => {
                ws.write_number_with_format(row, col, num(&v), &rate)?;
            }
            (_, v) => {
                ws.write_number(row, col, num(&v))?;
            }
        }
    }
    Ok(())
}

fn num(v: &AnyValue<'_>) -> f64 {
    v.extract::<f64>().unwrap_or(f64::NAN)
}

/// The accepted labels of a closed set, in the template's language.
pub fn enum_labels(e: EnumKind, lang: ReportLang) -> Vec<&'static str> {
    let zh = lang == ReportLang::Zh;
    e.labels(zh).into_iter().map(|(_, label)| label).collect()
}

/// A code's label in the template's language (the code itself if unknown).
fn enum_label(e: EnumKind, code: &str, lang: ReportLang) -> String {
    let zh = lang == ReportLang::Zh;
    let label = e.labels(zh).into_iter().find(|(c, _)| *c == code);
    label.map_or(code, |(_, l)| l).to_string()
}

/// The note on a header cell: required or not, and how its cells are written.
fn header_note(spec: &ColumnSpec, lang: ReportLang) -> String {
    match lang {
        ReportLang::Zh => format!(
            "{}。{}",
            if spec.required { "必填" } else { "选填" },
            describe_zh(spec.kind)
        ),
        ReportLang::En => format!(
            "{}. {}. {}.",
            if spec.required {
                "Required"
            } else {
                "Optional"
            },
            spec.kind.describe(),
            spec.doc
        ),
    }
}

/// How a column's cells are written, in Chinese.
fn describe_zh(kind: Kind) -> String {
    match kind {
        Kind::Text => "文本".into(),
        Kind::Prose => "文字说明，按原样保存".into(),
        Kind::PatentNo => {
            "专利号或申请号，须为文本格式（如 CN202310123456.7），不要让表格把它变成数字".into()
        }
        Kind::Ipc => "IPC 主分类号，如 H04L 9/32".into(),
        Kind::Integer { min, max } => format!("整数，{min} 至 {max}"),
        Kind::Money { positive } => format!(
            "金额，单位见表头（可改为 万元 或 亿元）；单元格也可写 12.5万元{}",
            if positive { "；须大于 0" } else { "" }
        ),
        Kind::Rate { min, max } => {
            format!("比率，{}% 至 {}%；写 12% 或 0.12", min * 100.0, max * 100.0)
        }
        Kind::Years { max } => format!("年数，大于 0 且不超过 {max}（8、8.5、8年）"),
        Kind::Year => "年度（2026、2026年）".into(),
        Kind::Period => {
            "年度（2026），或评估基准日所在年度的剩余月份（2026(10-12)、2026年10-12月）".into()
        }
        Kind::ParamKey => "参数名称（中文名称或代码）".into(),
        Kind::Date => "日期，用日期格式的单元格（2023-04-20）".into(),
        Kind::Number { min, max } => format!("数值，{min} 至 {max}"),
        Kind::Enum(e) => format!(
            "从下拉列表中选择：{}",
            enum_labels(e, ReportLang::Zh).join("、")
        ),
    }
}

/// The first sheet: what the workbook is and how to fill it in.
fn instructions(ws: &mut Worksheet, lang: ReportLang) -> Result<(), TemplateError> {
    ws.set_name(lang.pick("说明", "Instructions"))?;
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap();
    ws.set_column_width(0, 110)?;
    ws.write_string_with_format(
        0,
        0,
        lang.pick("patval 评估数据模板", "patval input template"),
        &title,
    )?;
    let lines: &[&str] = match lang {
        ReportLang::Zh => &[
            "本工作簿每张工作表是一张输入表：组合（每件专利一行，必需）、预测（收益法）、成本明细（成本法）、可比交易（市场法）、参数（逐项参数及依据）。",
            "表中已填入随软件附带的示例案例，请替换为本案数据；不用的表可以留空或删除。",
            "表头不要改名（可在括号中改单位，如 金额(万元)）；橙色表头为必填列，蓝色为选填列。把鼠标移到表头上可看到每列的填写说明。",
            "专利号请保持文本格式：表格把 CN202310123456.7 变成 2.02310E+11 之类的数字后，位数已经丢失，软件会报错并指出单元格。",
            "日期请用日期格式的单元格；比率可写 12% 或 0.12；金额可写数字，或在单元格中带单位（12.5万元）。",
            "带下拉列表的列（专利类型、法律状态、交易类型、费用类别、范围）请从列表中选择。",
            "隐藏的工作表不会被读取。工作表按名称（组合、预测、成本明细、可比交易、参数）或表头识别；表头上方可以有标题行。",
            "在 patval 中：数据 → 打开… 选择本工作簿，或在命令行运行 patval validate 本文件.xlsx 检查数据。",
        ],
        ReportLang::En => &[
            "Each sheet of this workbook is one input table: portfolio (one row per patent, needed), forecasts (income approach), cost items (cost approach), comparables (market approach), parameters (values per scope, each with its basis).",
            "The bundled sample case is filled in as the example: replace it with your case; a table you do not use can be left empty or deleted.",
            "Keep the headers (the unit in brackets may change, e.g. amount (万元)); orange headers are required, blue ones optional. Hover over a header to see how its cells are written.",
            "Keep patent numbers as text: once a spreadsheet has turned CN202310123456.7 into a number such as 2.02310E+11 its digits are lost, and patval reports the cell.",
            "Use date cells for dates; write rates as 12% or 0.12; amounts as numbers, or with a unit in the cell (12.5万元).",
            "Columns with a drop-down list (patent type, legal status, deal kind, cost category, scope) take a value from the list.",
            "Hidden sheets are not read. Sheets are recognised by name (portfolio, forecasts, cost items, comparables, parameters) or by their header row; title rows above the header are fine.",
            "In patval: Data → Open… and choose this workbook, or run `patval validate this-file.xlsx` to check it.",
        ],
    };
    for (i, l) in lines.iter().enumerate() {
        ws.write_string_with_format(i as u32 + 2, 0, *l, &wrap)?;
    }
    ws.set_active(true);
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0);
    Ok(())
}
