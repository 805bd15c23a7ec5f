//! The whitelist as a table (CSV or xlsx, Chinese or English headers) and as a short Chinese
//! summary in Markdown (白名单预评估摘要).

use rust_xlsxwriter::{Format, Workbook};

use super::{FirmAssessment, Whitelist, WhitelistError};
use crate::model::money::{MoneyUnit, format_money, group_thousands};
use crate::report::{ReportLang, neutralise};

/// Column headers of the firm table.
fn headers(lang: ReportLang) -> [&'static str; 17] {
    match lang {
        ReportLang::Zh => [
            "排名",
            "企业编号",
            "是否入选",
            "专利数",
            "发明",
            "实用新型",
            "外观设计",
            "有效",
            "审中",
            "失效",
            "无效",
            "有效发明专利",
            "指示性价值（元）",
            "价值度",
            "指示性授信额度（元）",
            "失效或无效占比",
            "未入选原因",
        ],
        ReportLang::En => [
            "rank",
            "firm_id",
            "whitelisted",
            "patents",
            "invention",
            "utility_model",
            "design",
            "granted",
            "pending",
            "lapsed",
            "invalidated",
            "granted_inventions",
            "indicative_value",
            "value_degree",
            "indicative_credit_limit",
            "lapsed_share",
            "reason",
        ],
    }
}

/// A cell of the firm table.
enum Cell<'a> {
    Text(std::borrow::Cow<'a, str>),
    Count(u32),
    /// Yuan, two decimals.
    Money(f64),
    /// A plain number with this many decimals.
    Num(f64, usize),
}

fn row(a: &FirmAssessment, lang: ReportLang) -> [Cell<'_>; 17] {
    let zh = lang == ReportLang::Zh;
    let reason: Vec<&str> = a
        .failed
        .iter()
        .map(|f| if zh { &f.detail_zh } else { &f.detail })
        .map(String::as_str)
        .collect();
    let yes = match (zh, a.whitelisted) {
        (true, true) => "是",
        (true, false) => "否",
        (false, true) => "yes",
        (false, false) => "no",
    };
    [
        Cell::Count(a.rank),
        Cell::Text(neutralise(&a.firm_id)),
        Cell::Text(yes.into()),
        Cell::Count(a.patents),
        Cell::Count(a.by_type.invention),
        Cell::Count(a.by_type.utility_model),
        Cell::Count(a.by_type.design),
        Cell::Count(a.by_status.granted),
        Cell::Count(a.by_status.pending),
        Cell::Count(a.by_status.lapsed),
        Cell::Count(a.by_status.invalidated),
        Cell::Count(a.granted_inventions),
        Cell::Money(a.value),
        Cell::Num(a.value_degree, 2),
        Cell::Money(a.credit_limit),
        Cell::Num(a.lapsed_share, 4),
        Cell::Text(reason.join(if zh { "；" } else { "; " }).into()),
    ]
}

/// The firms in rank order as UTF-8 CSV with a BOM (Excel on Chinese Windows opens it as UTF-8).
pub fn csv_bytes(w: &Whitelist, lang: ReportLang) -> Result<Vec<u8>, WhitelistError> {
    let e = |e: csv::Error| WhitelistError::Export(e.to_string());
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(headers(lang)).map_err(e)?;
    let mut num = String::new();
    for a in &w.firms {
        for c in row(a, lang) {
            num.clear();
            let text: &str = match &c {
                Cell::Text(s) => s,
                Cell::Count(n) => {
                    num.push_str(&n.to_string());
                    &num
                }
                Cell::Money(x) => {
                    num.push_str(&format!("{x:.2}"));
                    &num
                }
                Cell::Num(x, d) => {
                    num.push_str(&format!("{x:.d$}"));
                    &num
                }
            };
            out.write_field(text).map_err(e)?;
        }
        out.write_record(None::<&[u8]>).map_err(e)?;
    }
    out.into_inner()
        .map_err(|x| WhitelistError::Export(x.to_string()))
}

/// The firms as an xlsx sheet (numbers as numbers, money with two decimals) and the summary
/// on a second sheet.
pub fn xlsx_bytes(w: &Whitelist, lang: ReportLang, top: usize) -> Result<Vec<u8>, WhitelistError> {
    let t = |e: rust_xlsxwriter::XlsxError| WhitelistError::Export(e.to_string());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("白名单预评估", "whitelist"))
        .map_err(t)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let two = Format::new().set_num_format("0.00");
    let share = Format::new().set_num_format("0.0%");
    for (c, h) in headers(lang).iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(t)?;
    }
    for (r, a) in w.firms.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row(a, lang).into_iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => ws.write_string(r, c, s.as_ref()),
                Cell::Count(n) => ws.write_number(r, c, f64::from(n)),
                Cell::Money(x) => ws.write_number_with_format(r, c, x, &money),
                Cell::Num(x, 2) => ws.write_number_with_format(r, c, x, &two),
                Cell::Num(x, _) => ws.write_number_with_format(r, c, x, &share),
            }
            .map_err(t)?;
        }
    }
    ws.set_freeze_panes(1, 2).map_err(t)?;
    let summary = wb.add_worksheet();
    summary.set_name(lang.pick("摘要", "summary")).map_err(t)?;
    for (r, line) in summary_zh(w, top).lines().enumerate() {
        summary.write_string(r as u32, 0, line).map_err(t)?;
    }
    wb.save_to_buffer().map_err(t)
}

fn wan(x: f64) -> String {
    format_money(x, MoneyUnit::Wan)
}

fn count(n: usize) -> String {
    group_thousands(n as f64, 0)
}

fn pct(part: usize, whole: usize) -> String {
    if whole == 0 {
        "0.0%".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// The thresholds in Chinese.
fn conditions_zh(w: &Whitelist) -> String {
    let r = &w.rule;
    let mut c = vec![format!("有效专利不少于 {} 件", r.min_granted)];
    if r.min_granted_inventions > 0 {
        c.push(format!(
            "有效发明专利不少于 {} 件",
            r.min_granted_inventions
        ));
    }
    c.push(format!("价值度不低于 {:.2}", r.value_degree_floor()));
    c.push(format!("指示性授信额度不低于 {}", wan(r.min_credit_limit)));
    c.push(format!(
        "失效或无效专利占比不高于 {:.1}%",
        r.max_lapsed_share * 100.0
    ));
    c.join("；")
}

/// A short Chinese summary in Markdown: the basis, the thresholds, the totals, the reasons
/// firms were left out, and the first `top` firms of the whitelist.
pub fn summary_zh(w: &Whitelist, top: usize) -> String {
    let s = &w.summary;
    let mut o = String::from("# 白名单预评估摘要\n\n");
    if let Some(d) = w.valuation_date {
        o.push_str(&format!("- 评估基准日：{}\n", d.format("%Y年%-m月%-d日")));
    }
    o.push_str(&format!("- 质押政策：{}\n", w.policy_name));
    o.push_str(&format!("- 价值口径：{}\n", w.basis.label_zh()));
    o.push_str(&format!(
        "- 入选条件：{}\n\n## 总体情况\n\n",
        conditions_zh(w)
    ));
    let (t, st) = (&s.by_type, &s.by_status);
    o.push_str(&format!(
        "参评企业 {} 家，专利 {} 件（发明 {} 件，实用新型 {} 件，外观设计 {} 件；有效 {} 件，审中 {} 件，失效 {} 件，无效 {} 件），指示性价值合计 {}，指示性授信额度合计 {}。\n\n",
        count(s.firms),
        count(s.patents),
        count(t.invention as usize),
        count(t.utility_model as usize),
        count(t.design as usize),
        count(st.granted as usize),
        count(st.pending as usize),
        count(st.lapsed as usize),
        count(st.invalidated as usize),
        wan(s.value),
        wan(s.credit_limit),
    ));
    o.push_str(&format!(
        "入选白名单 {} 家（占 {}），其专利 {} 件，指示性价值 {}，指示性授信额度 {}。\n\n",
        count(s.whitelisted),
        pct(s.whitelisted, s.firms),
        count(s.whitelisted_patents),
        wan(s.whitelisted_value),
        wan(s.whitelisted_credit_limit),
    ));
    o.push_str("## 未入选原因\n\n| 条件 | 未满足的企业（家） |\n|---|---|\n");
    for c in &s.failed {
        o.push_str(&format!(
            "| {} | {} |\n",
            c.check.label_zh(),
            count(c.firms)
        ));
    }
    o.push_str("\n一家企业可能同时未满足多项条件。\n");
    top_zh(w, top, &mut o);
    o
}

/// The first `top` whitelisted firms as a Markdown table.
fn top_zh(w: &Whitelist, top: usize, o: &mut String) {
    let firms: Vec<&FirmAssessment> = w.firms.iter().filter(|a| a.whitelisted).take(top).collect();
    if firms.is_empty() {
        return;
    }
    o.push_str(&format!(
        "\n## 入选企业前 {} 名（按指示性授信额度）\n\n| 排名 | 企业编号 | 专利数 | 有效发明专利 | 指示性价值 | 价值度 | 指示性授信额度 |\n|---|---|---|---|---|---|---|\n",
        firms.len()
    ));
    for a in firms {
        o.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.2} | {} |\n",
            a.rank,
            a.firm_id.replace('|', "｜"),
            a.patents,
            a.granted_inventions,
            wan(a.value),
            a.value_degree,
            wan(a.credit_limit)
        ));
    }
}
