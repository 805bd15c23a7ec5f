//! The report's content as a sequence of blocks. The HTML and PDF writers render the same blocks,
//! so both formats always carry the same sections, figures and wording.

use super::{ReportData, ReportError, ReportLang, charts};
use crate::model::money::{MoneyUnit, format_money};

/// A table: header cells, body rows, which columns are numeric (right-aligned) and the relative
/// column widths used by the PDF writer.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub numeric: Vec<bool>,
    pub widths: Vec<f32>,
}

/// One block of the report.
#[derive(Debug, Clone)]
pub enum Block {
    /// The cover: title, case name and key facts.
    Cover {
        title: String,
        case: String,
        facts: Vec<(String, String)>,
    },
    /// A section heading; every section but the first starts a new printed page.
    Section {
        title: String,
        new_page: bool,
    },
    /// A sub-heading.
    Sub(String),
    /// A paragraph.
    Para(String),
    /// A highlighted figure with its label.
    Lead {
        label: String,
        value: String,
    },
    /// A formula in plain text with `_{…}` for subscripts and `^{…}` for superscripts.
    Formula(String),
    Table(Table),
    /// A chart as SVG.
    Chart(String),
    /// The table of contents (the writers list the sections that follow).
    Toc,
}

/// The whole report.
#[derive(Debug, Clone)]
pub struct Doc {
    pub lang: ReportLang,
    /// "专利资产评估报告" / "Patent valuation report".
    pub title: String,
    /// The case name.
    pub case: String,
    pub version_id: String,
    pub version_number: i64,
    pub fingerprint: String,
    pub blocks: Vec<Block>,
}

impl Doc {
    /// The headings in order with their level (1: section, 2: sub-heading), for the contents.
    pub fn headings(&self) -> Vec<(usize, &str)> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Section { title, .. } => Some((1, title.as_str())),
                Block::Sub(t) => Some((2, t.as_str())),
                _ => None,
            })
            .collect()
    }

    /// The section titles in order (the level-1 headings).
    pub fn sections(&self) -> Vec<&str> {
        self.headings()
            .into_iter()
            .filter(|(level, _)| *level == 1)
            .map(|(_, t)| t)
            .collect()
    }

    /// The title of the contents.
    pub fn contents_title(&self) -> &'static str {
        self.lang.pick("目  录", "Contents")
    }

    /// The line printed at the foot of every page (without the page number).
    pub fn footer(&self) -> String {
        format!(
            "{} · {} v{} · {} {}",
            self.case,
            self.lang.pick("报告版本", "version"),
            self.version_number,
            self.lang.pick("指纹", "fingerprint"),
            self.fingerprint
        )
    }
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

fn s(x: &str) -> String {
    x.to_string()
}

/// A stored code (role, verdict, severity, status, anchor kind, event kind) in the report's
/// language; an unknown code is shown as stored.
fn code(c: &str, lang: ReportLang) -> String {
    let zh = match c {
        "analyst" => "评估师",
        "bank_valuer" => "银行评估人员",
        "expert" => "评审专家",
        "approve" => "同意",
        "revise" => "修改后再审",
        "reject" => "不同意",
        "info" => "提示",
        "minor" => "一般",
        "major" => "重大",
        "open" => "未解决",
        "resolved" => "已解决",
        "patent" => "专利",
        "assumption" => "假设",
        "method" => "方法",
        "reply" => "回复",
        "resolve" => "解决",
        "reopen" => "重新打开",
        _ => c,
    };
    match lang {
        ReportLang::Zh => zh.to_string(),
        ReportLang::En => c.replace('_', " "),
    }
}

/// A stored RFC 3339 UTC time as "YYYY-MM-DD HH:MM UTC".
fn when(t: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(t) {
        Ok(d) => d.format("%Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => t.to_string(),
    }
}

pub(super) fn table(headers: &[&str], widths: &[f32], numeric: &[bool]) -> Table {
    Table {
        headers: headers.iter().map(|h| s(h)).collect(),
        rows: Vec::new(),
        numeric: numeric.to_vec(),
        widths: widths.to_vec(),
    }
}

/// Splits a formula with `_{…}`/`^{…}` marks into runs with their nesting: +1 per superscript,
/// −1 per subscript level (so `e^{−t_{y}}` gives `e`, `−t` at +1 and `y` at +1 then −1).
pub fn formula_runs(f: &str) -> Vec<(String, Vec<i8>)> {
    let mut runs: Vec<(String, Vec<i8>)> = Vec::new();
    let mut stack: Vec<i8> = Vec::new();
    let mut cur = String::new();
    let mut chars = f.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '_' | '^' if chars.peek() == Some(&'{') => {
                chars.next();
                if !cur.is_empty() {
                    runs.push((std::mem::take(&mut cur), stack.clone()));
                }
                stack.push(if c == '^' { 1 } else { -1 });
            }
            '}' if !stack.is_empty() => {
                if !cur.is_empty() {
                    runs.push((std::mem::take(&mut cur), stack.clone()));
                }
                stack.pop();
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        runs.push((cur, stack));
    }
    runs
}

/// Builds the report's blocks.
pub fn build(d: &ReportData, lang: ReportLang) -> Result<Doc, ReportError> {
    build_with(d, lang, true)
}

/// Builds the analysis blocks, with the bank's sections or without them (the appraisal
/// report's explanation carries none).
pub fn build_with(d: &ReportData, lang: ReportLang, bank: bool) -> Result<Doc, ReportError> {
    let l = |zh: &'static str, en: &'static str| s(lang.pick(zh, en));
    let v = &d.version;
    let a = &d.appraisal;
    let sm = &d.valuation.summary;
    let mut b = Vec::new();

    b.push(Block::Cover {
        title: l("专利资产评估报告", "Patent valuation report"),
        case: a.name.clone(),
        facts: vec![
            (
                l("借款人（出质人）", "Borrower (pledgor)"),
                a.borrower.clone(),
            ),
            (l("评估目的", "Purpose"), a.purpose.clone()),
            (l("评估机构", "Appraisal firm"), a.firm.clone()),
            (l("评估师", "Appraiser"), a.appraiser.clone()),
            (l("评估基准日", "Valuation date"), a.valuation_date.clone()),
            (
                l("报告版本", "Report version"),
                format!("v{} · {} · {}", v.number, when(&v.created_at), v.author),
            ),
            (
                l("版本指纹（SHA-256）", "Version fingerprint (SHA-256)"),
                v.fingerprint.clone(),
            ),
        ],
    });

    // Conclusion.
    b.push(Block::Section {
        title: l("评估结论", "Conclusion"),
        new_page: false,
    });
    b.push(Block::Lead {
        label: l("评估结论（加权）：", "Reconciled value:"),
        value: m(sm.reconciled),
    });
    b.push(Block::Para(format!(
        "{} {} – {}",
        lang.pick(
            "各专利方法区间合计：",
            "Range (sum of each patent's lowest and highest method value):"
        ),
        m(sm.low),
        m(sm.high)
    )));
    let mut t = table(
        &[
            lang.pick("评估方法", "Method"),
            lang.pick("评估值合计", "Total"),
            lang.pick("已评估专利", "Patents valued"),
        ],
        &[2.0, 1.5, 1.5],
        &[false, true, true],
    );
    for mt in &sm.methods {
        if d.engine.methods.on(mt.method) {
            t.rows.push(vec![
                s(lang.pick(mt.method.label_zh(), mt.method.label_en())),
                m(mt.total),
                format!("{} / {}", mt.valued, sm.patents),
            ]);
        }
    }
    b.push(Block::Table(t));
    b.push(Block::Para(format!(
        "{} {}；{} {}；{} {}。",
        lang.pick("专利数", "Patents:"),
        sm.patents,
        lang.pick("已失效/无效", "lapsed or invalidated:"),
        sm.lapsed_or_invalidated,
        lang.pick("审中", "pending:"),
        sm.pending
    )));

    // Assumptions.
    b.push(Block::Section {
        title: l("评估假设与参数", "Assumptions"),
        new_page: true,
    });
    let asm = &d.assumptions;
    let build_up = lang.pick("累加法", "build-up");
    let rows: Vec<(&str, String, &str)> = vec![
        (
            lang.pick("评估基准日", "Valuation date"),
            asm.valuation_date.to_string(),
            lang.pick("评估结论对应的时点", "the date the value refers to"),
        ),
        (
            lang.pick("所得税率", "Income-tax rate"),
            pct(asm.tax_rate),
            lang.pick(
                "收益法现金流税后口径",
                "income-approach cash flows are after tax",
            ),
        ),
        (
            lang.pick("无风险报酬率", "Risk-free rate"),
            pct(asm.discount.risk_free_rate),
            lang.pick("10年期国债收益率", "10-year government bond yield"),
        ),
        (
            lang.pick("技术风险报酬率", "Technology risk premium"),
            pct(asm.discount.technology_risk),
            build_up,
        ),
        (
            lang.pick("市场风险报酬率", "Market risk premium"),
            pct(asm.discount.market_risk),
            build_up,
        ),
        (
            lang.pick("资金风险报酬率", "Funding risk premium"),
            pct(asm.discount.funding_risk),
            build_up,
        ),
        (
            lang.pick("管理风险报酬率", "Management risk premium"),
            pct(asm.discount.management_risk),
            build_up,
        ),
        (
            lang.pick("折现率", "Discount rate"),
            pct(asm.discount.rate()),
            lang.pick("以上各项之和", "sum of the above"),
        ),
        (
            lang.pick("分成率区间", "Share-rate range"),
            format!("{} – {}", pct(asm.share_rate.low), pct(asm.share_rate.high)),
            lang.pick(
                "中评协《专利资产评估指导意见》",
                "CAS patent appraisal guidance",
            ),
        ),
        (
            lang.pick("分成率年衰减", "Share-rate decay"),
            pct(asm.share_rate.annual_decay),
            lang.pick("技术老化", "technology ageing"),
        ),
        (
            lang.pick("成本利润率", "Developer's profit"),
            pct(asm.cost.developer_profit_rate),
            lang.pick("成本法", "cost approach"),
        ),
        (
            lang.pick("方法权重 成本/收益/市场", "Weights cost/income/market"),
            format!(
                "{} / {} / {}",
                asm.method_weights.cost, asm.method_weights.income, asm.method_weights.market
            ),
            lang.pick(
                "按有评估值的方法重新归一",
                "renormalised over methods with a value",
            ),
        ),
        (
            lang.pick("授权概率（审中）", "Grant probability (pending)"),
            pct(asm.economic_life.grant_probability),
            lang.pick(
                "审中申请各方法结果乘以此概率",
                "pending applications' values are multiplied by it",
            ),
        ),
    ];
    let mut t = table(
        &[
            lang.pick("参数", "Parameter"),
            lang.pick("取值", "Value"),
            lang.pick("说明与依据", "Meaning and source"),
        ],
        &[2.2, 1.4, 3.0],
        &[false, true, false],
    );
    t.rows = rows
        .into_iter()
        .map(|(k, val, why)| vec![s(k), val, s(why)])
        .collect();
    b.push(Block::Table(t));
    b.extend(super::parameters::blocks(d, lang));

    // Methods.
    b.push(Block::Section {
        title: l("评估方法", "Methods"),
        new_page: true,
    });
    for (title, text, formula) in [
        (
            lang.pick("成本法", "Cost approach"),
            lang.pick(
                "以历史研发成本按价格指数重置，加合理利润及规费，扣除贬值。",
                "Historical R&D cost restated by the price index, plus the developer's profit and official fees, less depreciation.",
            ),
            "V = [R·(1+p) + F] · (1 − U/(U+L)) · (1 − o_{f}) · (1 − o_{e})",
        ),
        (
            lang.pick("收益法", "Income approach"),
            lang.pick(
                "以产品线收入（或利润）乘以分成率，在剩余经济寿命内折现。",
                "The patent's share of its product line's revenue (or profit), discounted over its remaining economic life.",
            ),
            "V = Σ_{y} base_{y} · len_{y} · s_{y} · (1 − tax) · α · c_{y} · (1 + r)^{−t_{y}}",
        ),
        (
            lang.pick("市场法", "Market approach"),
            lang.pick(
                "选取相似交易案例，对交易情况、日期、技术、剩余寿命、交易方式修正后按相似度加权。",
                "Similar past deals, each price adjusted for circumstances, date, technology, remaining life and deal kind, weighted by similarity.",
            ),
            "V = Σ sim_{c} · P_{c} · Π k_{c} / Σ sim_{c}",
        ),
        (
            lang.pick("评估结论", "Reconciliation"),
            lang.pick(
                "各方法加权平均，权重按有评估值的方法重新归一。",
                "Weighted mean of the methods, weights renormalised over the methods that produced a value.",
            ),
            "V = Σ w_{m} V_{m} / Σ w_{m}",
        ),
    ] {
        b.push(Block::Sub(s(title)));
        b.push(Block::Para(s(text)));
        b.push(Block::Formula(s(formula)));
    }
    b.push(Block::Para(l(
        "以上公式均为资产评估实务的通用公式，各参数的取值及其依据见“参数取值依据”表。",
        "Each formula is the standard one of appraisal practice; each parameter's value and basis are in the table of parameter bases.",
    )));

    // Charts.
    b.push(Block::Section {
        title: l("图表", "Charts"),
        new_page: true,
    });
    for svg in [
        charts::methods(d, lang)?,
        charts::cash_flows(d, lang)?,
        charts::tornado(d, lang)?,
        charts::monte_carlo(d, lang)?,
        charts::comparables(d, lang)?,
    ] {
        if !svg.is_empty() {
            b.push(Block::Chart(svg));
        }
    }
    let sim = &d.simulation;
    b.push(Block::Para(format!(
        "P5 {} · P50 {} · P95 {} ({} {}, seed {})",
        m(sim.p5),
        m(sim.p50),
        m(sim.p95),
        sim.draws,
        lang.pick("次模拟", "draws"),
        sim.seed
    )));

    // Per-patent table with the scorecard.
    b.push(Block::Section {
        title: l(
            "单件专利评估结果与价值度",
            "Per-patent results and value degree",
        ),
        new_page: true,
    });
    let mut t = table(
        &[
            lang.pick("专利号", "Patent no."),
            lang.pick("名称", "Title"),
            lang.pick("价值度 L/T/E", "Value degree L/T/E"),
            lang.pick("剩余寿命", "Life"),
            lang.pick("成本法", "Cost"),
            lang.pick("收益法", "Income"),
            lang.pick("市场法", "Market"),
            lang.pick("结论", "Reconciled"),
            lang.pick("说明", "Note"),
        ],
        &[1.75, 2.1, 1.3, 0.75, 1.05, 1.05, 1.05, 1.05, 1.6],
        &[false, false, true, true, true, true, true, true, false],
    );
    t.rows.reserve(d.valuation.patents.len());
    for (i, pv) in d.valuation.patents.iter().enumerate() {
        let base = &d.engine.base[i];
        t.rows.push(vec![
            d.engine.inputs.patent_nos[i].clone(),
            d.titles.get(i).cloned().unwrap_or_default(),
            format!(
                "{:.1} ({:.0}/{:.0}/{:.0})",
                base.score.overall, base.score.legal, base.score.technical, base.score.economic
            ),
            format!("{:.2}", base.life.remaining_economic),
            opt(pv.cost.ok()),
            opt(pv.income.ok()),
            opt(pv.market.ok()),
            opt(pv.reconciled),
            crate::valuation::results::note_in(&d.engine, i, pv, lang == ReportLang::Zh),
        ]);
    }
    b.push(Block::Table(t));

    if bank {
        bank_sections(d, lang, &mut b)?;
    }

    // Reviews and annotations.
    b.push(Block::Section {
        title: l("专家评审意见与批注", "Expert review and annotations"),
        new_page: true,
    });
    if d.reviews.is_empty() && d.threads.is_empty() {
        b.push(Block::Para(l("尚无评审意见。", "No reviews yet.")));
    }
    if !d.reviews.is_empty() {
        let mut t = table(
            &[
                lang.pick("评审人", "Reviewer"),
                lang.pick("角色", "Role"),
                lang.pick("结论", "Verdict"),
                lang.pick("意见", "Comment"),
                lang.pick("时间", "Time"),
            ],
            &[1.2, 0.9, 0.9, 3.2, 1.6],
            &[false; 5],
        );
        t.rows = d
            .reviews
            .iter()
            .map(|r| {
                vec![
                    r.reviewer.clone(),
                    code(&r.role, lang),
                    code(&r.verdict, lang),
                    r.comment.clone(),
                    when(&r.created_at),
                ]
            })
            .collect();
        b.push(Block::Table(t));
    }
    if !d.threads.is_empty() {
        let mut t = table(
            &[
                lang.pick("对象", "Anchor"),
                lang.pick("严重程度", "Severity"),
                lang.pick("批注", "Annotation"),
                lang.pick("状态", "Status"),
                lang.pick("回复", "Thread"),
            ],
            &[1.8, 0.9, 2.2, 0.9, 2.2],
            &[false; 5],
        );
        t.rows = d
            .threads
            .iter()
            .map(|th| {
                let a = &th.annotation;
                let thread: Vec<String> = th
                    .events
                    .iter()
                    .map(|e| format!("{} ({}): {}", e.author, code(&e.kind, lang), e.text))
                    .collect();
                vec![
                    format!("{} {}", code(&a.anchor_kind, lang), a.anchor),
                    code(&a.severity, lang),
                    format!("{} — {}", a.author, a.comment),
                    code(&th.status, lang),
                    thread.join("\n"),
                ]
            })
            .collect();
        b.push(Block::Table(t));
    }

    Ok(Doc {
        lang,
        title: l("专利资产评估报告", "Patent valuation report"),
        case: a.name.clone(),
        version_id: v.id.clone(),
        version_number: v.number,
        fingerprint: v.fingerprint.clone(),
        blocks: b,
    })
}

/// The cross-check and pledge sections, when the report carries them.
fn bank_sections(d: &ReportData, lang: ReportLang, b: &mut Vec<Block>) -> Result<(), ReportError> {
    let l = |zh: &'static str, en: &'static str| s(lang.pick(zh, en));
    if let Some(c) = &d.bank.crosscheck {
        b.push(Block::Section {
            title: l("银行交叉复核", "Bank cross-check"),
            new_page: true,
        });
        b.push(Block::Para(format!(
            "{} {}. {} {}；{} {}；{} {}。",
            lang.pick("外部评估：", "External appraisal:"),
            c.external_label,
            lang.pick("外部报告合计", "External total"),
            m(c.external_total),
            lang.pick("银行评估合计", "bank total"),
            m(c.bank_total),
            lang.pick("差额（银行 − 外部）", "gap (bank − external)"),
            m(c.gap)
        )));
        let mut t = table(
            &[lang.pick("差异来源", "Step"), lang.pick("影响", "Effect")],
            &[3.0, 1.4],
            &[false, true],
        );
        t.rows.push(vec![
            l("外部报告合计", "External reported total"),
            m(c.external_total),
        ]);
        for st in &c.bridge {
            let mut label = s(lang.pick(st.step.label_zh(), st.step.label_en()));
            if let Some(n) = &st.note {
                label = format!("{label} ({n})");
            }
            t.rows.push(vec![label, m(st.delta)]);
        }
        t.rows
            .push(vec![l("银行评估合计", "Bank total"), m(c.bank_total)]);
        b.push(Block::Sub(l("价值差异桥", "Value bridge")));
        b.push(Block::Table(t));
        b.push(Block::Chart(charts::bridge(c, lang)?));
        let mut t = table(
            &[
                lang.pick(
                    "关键假设（各专利平均）",
                    "Key assumption (mean over patents)",
                ),
                lang.pick("外部", "External"),
                lang.pick("银行", "Bank"),
            ],
            &[3.0, 1.2, 1.2],
            &[false, true, true],
        );
        for p in &c.assumptions {
            let (name, f): (&str, fn(f64) -> String) = match p.key {
                "discount_rate" => (lang.pick("折现率", "Discount rate"), pct),
                "share_rate" => (lang.pick("分成率", "Share rate"), pct),
                _ => (
                    lang.pick("剩余经济寿命（年）", "Remaining economic life (years)"),
                    |x| format!("{x:.2}"),
                ),
            };
            t.rows.push(vec![s(name), f(p.external), f(p.bank)]);
        }
        b.push(Block::Table(t));
        b.push(Block::Sub(format!(
            "{} ({} / {}, {} {:.0}%)",
            lang.pick("被标记的专利", "Flagged patents"),
            c.flagged,
            c.deviations.len(),
            lang.pick("阈值", "threshold"),
            c.threshold * 100.0
        )));
        let mut t = table(
            &[
                lang.pick("专利号", "Patent no."),
                lang.pick("外部", "External"),
                lang.pick("银行", "Bank"),
                lang.pick("偏离", "Deviation"),
                lang.pick("原因", "Reason"),
            ],
            &[1.8, 1.2, 1.2, 0.9, 2.0],
            &[false, true, true, true, false],
        );
        for dv in c.deviations.iter().filter(|x| x.flagged) {
            t.rows.push(vec![
                dv.patent_no.clone(),
                opt(dv.external),
                opt(dv.bank),
                dv.relative
                    .map_or_else(|| "—".into(), |r| format!("{:+.1}%", r * 100.0)),
                if lang == ReportLang::Zh {
                    dv.reason_zh.clone()
                } else {
                    dv.reason.clone()
                },
            ]);
        }
        b.push(Block::Table(t));
    }
    if let Some(r) = &d.bank.pledge {
        b.push(Block::Section {
            title: l("质押融资分析", "Pledge financing"),
            new_page: true,
        });
        if let Some((zh, en)) = &d.bank.policy_name {
            b.push(Block::Para(format!(
                "{} {}",
                lang.pick("政策配置：", "Policy profile:"),
                lang.pick(zh, en)
            )));
        }
        let collateral = match r.loan.collateral {
            crate::pledge::Collateral::IpOnly => l("纯知识产权质押", "IP only"),
            crate::pledge::Collateral::Mixed => l("知识产权加其他担保", "IP and other collateral"),
        };
        let mut t = table(
            &[lang.pick("项目", "Item"), lang.pick("数值", "Figure")],
            &[3.0, 1.6],
            &[false, true],
        );
        t.rows = vec![
            vec![l("风险敞口", "Exposure"), m(r.loan.exposure)],
            vec![l("担保方式", "Collateral"), collateral],
            vec![l("认可价值合计", "Accepted value"), m(r.accepted_total)],
            vec![l("授信额度", "Credit limit"), m(r.credit_limit)],
            vec![l("变现价值", "Liquidation value"), m(r.liquidation_value)],
            vec![l("覆盖率", "Coverage"), pct(r.coverage)],
            vec![
                l("变现覆盖率", "Liquidation coverage"),
                pct(r.liquidation_coverage),
            ],
            vec![l("额度余量", "Headroom"), m(r.headroom)],
            vec![
                l("违约概率 PD", "Probability of default (PD)"),
                pct(r.loan.pd),
            ],
            vec![l("违约损失率 LGD", "Loss given default (LGD)"), pct(r.lgd)],
            vec![
                l(
                    "预期损失 EL = PD × LGD × 敞口",
                    "Expected loss EL = PD × LGD × exposure",
                ),
                m(r.expected_loss),
            ],
        ];
        b.push(Block::Table(t));
        let mut t = table(
            &[
                lang.pick("处置方式", "Disposal path"),
                lang.pick("权重", "Weight"),
                lang.pick("月数", "Months"),
                lang.pick("回收现值", "Recovery (PV)"),
            ],
            &[2.4, 1.0, 1.0, 1.6],
            &[false, true, true, true],
        );
        t.rows = r
            .recoveries
            .iter()
            .map(|x| {
                vec![
                    s(lang.pick(&x.name_zh, &x.name_en)),
                    pct(x.weight),
                    format!("{:.0}", x.months),
                    m(x.present_value),
                ]
            })
            .collect();
        b.push(Block::Sub(l(
            "违约后的处置与损失分配",
            "Disposal and loss allocation after a default",
        )));
        b.push(Block::Table(t));
        let a = &r.allocation;
        let mut t = table(
            &[
                lang.pick("清偿顺序", "Waterfall"),
                lang.pick("金额", "Amount"),
            ],
            &[3.0, 1.6],
            &[false, true],
        );
        t.rows = vec![
            vec![
                l("预期处置回收", "Expected disposal proceeds"),
                m(a.proceeds),
            ],
            vec![l("1. 归还银行", "1. To the bank"), m(a.to_bank)],
            vec![
                l("2. 其他方（剩余）", "2. To other parties (surplus)"),
                m(a.to_others),
            ],
            vec![l("3. 担保方", "3. Guarantor"), m(a.guarantor)],
            vec![
                format!(
                    "{} ({}{})",
                    lang.pick("4. 风险补偿资金", "4. Risk-compensation fund"),
                    pct(a.fund_share),
                    if a.fund_capped {
                        lang.pick("，已达上限", ", capped")
                    } else {
                        ""
                    }
                ),
                m(a.fund),
            ],
            vec![l("5. 银行损失", "5. Bank's loss"), m(a.bank_loss)],
        ];
        b.push(Block::Table(t));
        let mut t = table(
            &[
                lang.pick("专利号", "Patent no."),
                lang.pick("等级", "Band"),
                lang.pick("认可价值", "Accepted value"),
                lang.pick("质押率", "Pledge rate"),
                lang.pick("授信额度", "Credit limit"),
                lang.pick("变现价值", "Liquidation value"),
            ],
            &[1.8, 0.8, 1.3, 0.9, 1.3, 1.3],
            &[false, false, true, true, true, true],
        );
        t.rows = r
            .patents
            .iter()
            .map(|p| {
                vec![
                    p.patent_no.clone(),
                    format!("{} ({:.1})", p.band.letter(), p.score),
                    m(p.accepted),
                    pct(p.pledge_rate),
                    m(p.credit_limit),
                    m(p.liquidation),
                ]
            })
            .collect();
        b.push(Block::Sub(l("单件专利授信额度", "Credit limit per patent")));
        b.push(Block::Table(t));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::formula_runs;

    #[test]
    fn formula_marks_nest() {
        let runs = formula_runs("(1 + r)^{−t_{y}} x");
        assert_eq!(
            runs,
            vec![
                ("(1 + r)".to_string(), vec![]),
                ("−t".to_string(), vec![1]),
                ("y".to_string(), vec![1, -1]),
                (" x".to_string(), vec![]),
            ]
        );
        // An unmatched brace is text, not a mark.
        assert_eq!(formula_runs("a}b"), vec![("a}b".to_string(), vec![])]);
    }
}
