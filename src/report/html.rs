//! The HTML report: cover, summary, assumptions, methods with formulas, charts, per-patent table
//! with the scorecard, reviews and annotations. Self-contained (inline CSS and SVG), printable
//! (page breaks between sections, table headers repeat), and it carries the version's
//! fingerprint in `<meta>` tags and on every printed page.

use std::fmt::Write as _;

use super::{ReportData, ReportError, ReportLang, charts};
use crate::model::money::{MoneyUnit, format_money};

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn m(x: f64) -> String {
    format_money(x, MoneyUnit::Wan)
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "—".into(), m)
}

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

const CSS: &str = "
body{font-family:'Noto Sans SC','Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif;margin:2em auto;max-width:1100px;color:#222;line-height:1.5}
h1{font-size:1.8em;margin-bottom:.2em}h2{border-bottom:2px solid #2864aa;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.92em}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left}
th{background:#eef3f9}td.n{text-align:right;font-variant-numeric:tabular-nums}thead{display:table-header-group}tr{page-break-inside:avoid}
.cover{border:1px solid #2864aa;padding:1.5em 2em;margin-bottom:2em}.fp{font-family:monospace;font-size:.85em;color:#555;word-break:break-all}
.big{font-size:1.6em;font-weight:bold;color:#c85028}.formula{font-family:serif;background:#f7f7f7;padding:.4em .8em;border-left:3px solid #2864aa}
section{page-break-before:always}section.first{page-break-before:auto}.chart svg{max-width:100%;height:auto}
footer{font-size:.8em;color:#777;margin-top:3em;border-top:1px solid #ccc;padding-top:.5em}
@media print{footer{position:fixed;bottom:0;left:0;right:0;background:#fff}}
";

/// Renders the report.
pub fn render(d: &ReportData, lang: ReportLang) -> Result<String, ReportError> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let v = &d.version;
    let a = &d.appraisal;
    let s = &d.valuation.summary;
    let mut h = String::with_capacity(64 * 1024 + d.engine.len() * 400);
    let w = |h: &mut String, t: String| h.push_str(&t);
    w(
        &mut h,
        format!(
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\n<meta name=\"patval-version\" content=\"{}\">\n<meta name=\"patval-fingerprint\" content=\"{}\">\n<title>{} — {}</title><style>{CSS}</style></head><body>\n",
            l("zh-CN", "en"),
            esc(&v.id),
            esc(&v.fingerprint),
            esc(&a.name),
            l("专利资产评估报告", "Patent valuation report")
        ),
    );
    // Cover.
    w(
        &mut h,
        format!(
            "<section class=\"first\"><div class=\"cover\"><h1>{}</h1><p style=\"font-size:1.3em\">{}</p><table>\
             <tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr>\
             <tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>v{} · {} · {}</td></tr>\
             <tr><th>{}</th><td class=\"fp\">{}</td></tr></table></div>",
            l("专利资产评估报告", "Patent valuation report"),
            esc(&a.name),
            l("借款人（出质人）", "Borrower (pledgor)"),
            esc(&a.borrower),
            l("评估目的", "Purpose"),
            esc(&a.purpose),
            l("评估机构", "Appraisal firm"),
            esc(&a.firm),
            l("评估师", "Appraiser"),
            esc(&a.appraiser),
            l("评估基准日", "Valuation date"),
            esc(&a.valuation_date),
            l("报告版本", "Report version"),
            v.number,
            esc(&v.created_at),
            esc(&v.author),
            l("版本指纹（SHA-256）", "Version fingerprint (SHA-256)"),
            esc(&v.fingerprint)
        ),
    );
    // Summary.
    w(
        &mut h,
        format!(
            "<h2>{}</h2><p>{} <span class=\"big\">{}</span></p><p>{} {} – {}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            l("评估结论", "Conclusion"),
            l("评估结论（加权）：", "Reconciled value:"),
            m(s.reconciled),
            l(
                "各专利方法区间合计：",
                "Range (sum of each patent's lowest and highest method value):"
            ),
            m(s.low),
            m(s.high),
            l("评估方法", "Method"),
            l("评估值合计", "Total"),
            l("已评估专利", "Patents valued")
        ),
    );
    for t in &s.methods {
        if d.engine.methods.on(t.method) {
            w(
                &mut h,
                format!(
                    "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{} / {}</td></tr>",
                    l_method(t.method, lang),
                    m(t.total),
                    t.valued,
                    s.patents
                ),
            );
        }
    }
    w(
        &mut h,
        format!(
            "</tbody></table><p>{} {}；{} {}；{} {}。</p></section>\n",
            l("专利数", "Patents:"),
            s.patents,
            l("已失效/无效", "lapsed or invalidated:"),
            s.lapsed_or_invalidated,
            l("审中", "pending:"),
            s.pending
        ),
    );
    // Assumptions.
    let asm = &d.assumptions;
    w(
        &mut h,
        format!(
            "<section><h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            l("评估假设与参数", "Assumptions"),
            l("参数", "Parameter"),
            l("取值", "Value"),
            l("说明与依据", "Meaning and source")
        ),
    );
    let rows: Vec<(&str, String, &str)> = vec![
        (
            l("评估基准日", "Valuation date"),
            asm.valuation_date.to_string(),
            l("评估结论对应的时点", "the date the value refers to"),
        ),
        (
            l("所得税率", "Income-tax rate"),
            pct(asm.tax_rate),
            l(
                "收益法现金流税后口径",
                "income-approach cash flows are after tax",
            ),
        ),
        (
            l("无风险报酬率", "Risk-free rate"),
            pct(asm.discount.risk_free_rate),
            l("10年期国债收益率", "10-year government bond yield"),
        ),
        (
            l("技术风险报酬率", "Technology risk premium"),
            pct(asm.discount.technology_risk),
            l("累加法", "build-up"),
        ),
        (
            l("市场风险报酬率", "Market risk premium"),
            pct(asm.discount.market_risk),
            l("累加法", "build-up"),
        ),
        (
            l("资金风险报酬率", "Funding risk premium"),
            pct(asm.discount.funding_risk),
            l("累加法", "build-up"),
        ),
        (
            l("管理风险报酬率", "Management risk premium"),
            pct(asm.discount.management_risk),
            l("累加法", "build-up"),
        ),
        (
            l("折现率", "Discount rate"),
            pct(asm.discount.rate()),
            l("以上各项之和", "sum of the above"),
        ),
        (
            l("分成率区间", "Share-rate range"),
            format!("{} – {}", pct(asm.share_rate.low), pct(asm.share_rate.high)),
            l(
                "中评协《专利资产评估指导意见》",
                "CAS patent appraisal guidance",
            ),
        ),
        (
            l("分成率年衰减", "Share-rate decay"),
            pct(asm.share_rate.annual_decay),
            l("技术老化", "technology ageing"),
        ),
        (
            l("成本利润率", "Developer's profit"),
            pct(asm.cost.developer_profit_rate),
            l("成本法", "cost approach"),
        ),
        (
            l("方法权重 成本/收益/市场", "Weights cost/income/market"),
            format!(
                "{} / {} / {}",
                asm.method_weights.cost, asm.method_weights.income, asm.method_weights.market
            ),
            l(
                "按有评估值的方法重新归一",
                "renormalised over methods with a value",
            ),
        ),
        (
            l("授权概率（审中）", "Grant probability (pending)"),
            pct(asm.economic_life.grant_probability),
            l(
                "审中申请各方法结果乘以此概率",
                "pending applications' values are multiplied by it",
            ),
        ),
    ];
    for (k, val, why) in rows {
        w(
            &mut h,
            format!(
                "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                k,
                esc(&val),
                why
            ),
        );
    }
    w(&mut h, "</tbody></table></section>\n".into());
    // Methods.
    w(
        &mut h,
        format!("<section><h2>{}</h2>", l("评估方法", "Methods")),
    );
    for (title, text, formula) in [
        (
            l("成本法", "Cost approach"),
            l(
                "以历史研发成本按价格指数重置，加合理利润及规费，扣除贬值。",
                "Historical R&D cost restated by the price index, plus the developer's profit and official fees, less depreciation.",
            ),
            "V = [R·(1+p) + F] · (1 − U/(U+L)) · (1 − o<sub>f</sub>) · (1 − o<sub>e</sub>)",
        ),
        (
            l("收益法", "Income approach"),
            l(
                "以产品线收入（或利润）乘以分成率，在剩余经济寿命内折现。",
                "The patent's share of its product line's revenue (or profit), discounted over its remaining economic life.",
            ),
            "V = Σ<sub>y</sub> base<sub>y</sub> · len<sub>y</sub> · s<sub>y</sub> · (1 − tax) · α · c<sub>y</sub> · (1 + r)<sup>−t<sub>y</sub></sup>",
        ),
        (
            l("市场法", "Market approach"),
            l(
                "选取相似交易案例，对交易情况、日期、技术、剩余寿命、交易方式修正后按相似度加权。",
                "Similar past deals, each price adjusted for circumstances, date, technology, remaining life and deal kind, weighted by similarity.",
            ),
            "V = Σ sim<sub>c</sub> · P<sub>c</sub> · Π k<sub>c</sub> / Σ sim<sub>c</sub>",
        ),
        (
            l("评估结论", "Reconciliation"),
            l(
                "各方法加权平均，权重按有评估值的方法重新归一。",
                "Weighted mean of the methods, weights renormalised over the methods that produced a value.",
            ),
            "V = Σ w<sub>m</sub> V<sub>m</sub> / Σ w<sub>m</sub>",
        ),
    ] {
        w(
            &mut h,
            format!("<h3>{title}</h3><p>{text}</p><p class=\"formula\">{formula}</p>"),
        );
    }
    w(
        &mut h,
        format!(
            "<p>{}</p></section>\n",
            l(
                "全部公式、依据与算例见 docs/methods.md。",
                "Every formula, its source and a worked example: docs/methods.md."
            )
        ),
    );
    // Charts.
    w(&mut h, format!("<section><h2>{}</h2>", l("图表", "Charts")));
    for svg in [
        charts::methods(d, lang)?,
        charts::cash_flows(d, lang)?,
        charts::tornado(d, lang)?,
        charts::monte_carlo(d, lang)?,
        charts::comparables(d, lang)?,
    ] {
        if !svg.is_empty() {
            w(&mut h, format!("<div class=\"chart\">{svg}</div>"));
        }
    }
    let sim = &d.simulation;
    w(
        &mut h,
        format!(
            "<p>P5 {} · P50 {} · P95 {} ({} {}, seed {})</p></section>\n",
            m(sim.p5),
            m(sim.p50),
            m(sim.p95),
            sim.draws,
            l("次模拟", "draws"),
            sim.seed
        ),
    );
    // Per-patent table with the scorecard.
    w(
        &mut h,
        format!(
            "<section><h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            l(
                "单件专利评估结果与价值度",
                "Per-patent results and value degree"
            ),
            l("专利号", "Patent no."),
            l("名称", "Title"),
            l("价值度 L/T/E", "Value degree L/T/E"),
            l("剩余寿命", "Life"),
            l("成本法", "Cost"),
            l("收益法", "Income"),
            l("市场法", "Market"),
            l("结论", "Reconciled"),
            l("说明", "Note")
        ),
    );
    for (i, pv) in d.valuation.patents.iter().enumerate() {
        let b = &d.engine.base[i];
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{:.1} ({:.0}/{:.0}/{:.0})</td><td class=\"n\">{:.2}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&d.engine.inputs.patent_nos[i]),
            esc(d.titles.get(i).map_or("", String::as_str)),
            b.score.overall,
            b.score.legal,
            b.score.technical,
            b.score.economic,
            b.life.remaining_economic,
            opt(pv.cost.ok()),
            opt(pv.income.ok()),
            opt(pv.market.ok()),
            opt(pv.reconciled),
            esc(&crate::valuation::results::note_in(
                &d.engine,
                i,
                pv,
                lang == ReportLang::Zh
            ))
        );
    }
    w(&mut h, "</tbody></table></section>\n".into());
    // Reviews and annotations.
    w(
        &mut h,
        format!(
            "<section><h2>{}</h2>",
            l("专家评审意见与批注", "Expert review and annotations")
        ),
    );
    if d.reviews.is_empty() && d.threads.is_empty() {
        w(
            &mut h,
            format!("<p>{}</p>", l("尚无评审意见。", "No reviews yet.")),
        );
    }
    if !d.reviews.is_empty() {
        w(
            &mut h,
            format!(
                "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                l("评审人", "Reviewer"),
                l("角色", "Role"),
                l("结论", "Verdict"),
                l("意见", "Comment"),
                l("时间", "Time")
            ),
        );
        for r in &d.reviews {
            w(
                &mut h,
                format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&r.reviewer),
                    esc(&r.role),
                    esc(&r.verdict),
                    esc(&r.comment),
                    esc(&r.created_at)
                ),
            );
        }
        w(&mut h, "</tbody></table>".into());
    }
    if !d.threads.is_empty() {
        w(
            &mut h,
            format!(
                "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                l("对象", "Anchor"),
                l("严重程度", "Severity"),
                l("批注", "Annotation"),
                l("状态", "Status"),
                l("回复", "Thread")
            ),
        );
        for t in &d.threads {
            let a = &t.annotation;
            let thread: Vec<String> = t
                .events
                .iter()
                .map(|e| format!("{} ({}): {}", esc(&e.author), esc(&e.kind), esc(&e.text)))
                .collect();
            w(
                &mut h,
                format!(
                    "<tr><td>{} {}</td><td>{}</td><td>{} — {}</td><td>{}</td><td>{}</td></tr>",
                    esc(&a.anchor_kind),
                    esc(&a.anchor),
                    esc(&a.severity),
                    esc(&a.author),
                    esc(&a.comment),
                    esc(&t.status),
                    thread.join("<br>")
                ),
            );
        }
        w(&mut h, "</tbody></table>".into());
    }
    w(
        &mut h,
        format!(
            "</section>\n<footer>{} · {} v{} · {} {}</footer></body></html>\n",
            esc(&a.name),
            l("报告版本", "version"),
            v.number,
            l("指纹", "fingerprint"),
            esc(&v.fingerprint)
        ),
    );
    Ok(h)
}

fn l_method(m: crate::valuation::Method, lang: ReportLang) -> &'static str {
    lang.pick(m.label_zh(), m.label_en())
}
