//! The body of the report (正文), parts 一 to 十四, and the annexes.

use super::{Facts, front, texts};
use crate::model::LegalStatus;
use crate::report::ReportLang;
use crate::report::doc::{Block, table};
use crate::valuation::Method;

/// The methods switched on, in words (收益法、市场法和成本法).
pub fn methods_used(f: &Facts) -> String {
    let on: Vec<&str> = [Method::Income, Method::Market, Method::Cost]
        .into_iter()
        .filter(|m| f.d.engine.methods.on(*m))
        .map(|m| f.lang.pick(m.label_zh(), m.label_en()))
        .collect();
    on.join(f.lang.pick("、", ", "))
}

pub fn parties(f: &Facts, b: &mut Vec<Block>) {
    b.push(Block::Section {
        title: f.l("资产评估报告正文", "Report"),
        new_page: true,
    });
    b.push(Block::Para(front::opening(f)));
    b.push(Block::Sub(f.l(
        "一、委托人、产权持有人及其他资产评估报告使用人",
        "1. Client, rights holder and other users",
    )));
    let c = &f.d.case;
    b.push(Block::Para(format!(
        "{}{}",
        f.l("委托人：", "Client: "),
        f.client
    )));
    b.push(Block::Para(format!(
        "{}{}",
        f.l("产权持有人：", "Rights holder: "),
        f.owner
    )));
    let mut users = c.other_users.clone();
    if users.is_empty() && !c.bank.bank.trim().is_empty() {
        users.push(format!(
            "{}{}",
            c.bank.bank.trim(),
            f.l("（质权人）", " (pledgee)")
        ));
    }
    let users = if users.is_empty() {
        f.l(
            "法律、行政法规规定的资产评估报告使用人",
            "the users that laws and regulations provide for",
        )
    } else {
        users.join(f.lang.pick("、", "; "))
    };
    b.push(Block::Para(format!(
        "{}{users}",
        f.l("其他资产评估报告使用人：", "Other users: ")
    )));
}

pub fn purpose_subject(f: &Facts, b: &mut Vec<Block>) {
    b.push(Block::Sub(f.l("二、评估目的", "2. Purpose")));
    b.push(Block::Para(f.purpose()));
    b.push(Block::Sub(
        f.l("三、评估对象和评估范围", "3. Subject and scope"),
    ));
    b.push(Block::Para(f.l(
        "评估对象为产权持有人拥有的下列专利的专利权，评估范围为产权持有人申报的全部专利，具体如下表：",
        "The subject is the rights in the patents below, all declared by the rights holder:",
    )));
    b.push(Block::Table(patent_table(f)));
}

/// 序号 | 专利号 | 名称 | 类型 | 法律状态 | 申请日 | 授权日 | 剩余法定保护期 | 专利权人.
fn patent_table(f: &Facts) -> crate::report::doc::Table {
    let l = |zh: &'static str, en: &'static str| f.lang.pick(zh, en);
    let mut t = table(
        &[
            l("序号", "No."),
            l("专利号", "Patent"),
            l("专利名称", "Title"),
            l("类型", "Type"),
            l("法律状态", "Status"),
            l("申请日", "Filed"),
            l("授权日", "Granted"),
            l("剩余保护期（年）", "Term left (y)"),
            l("专利权人", "Patentee"),
        ],
        &[0.6, 2.2, 3.2, 1.0, 1.0, 1.5, 1.5, 1.2, 2.4],
        &[true, false, false, false, false, false, false, true, false],
    );
    let e = &f.d.engine;
    let at = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_default();
    for (i, p) in e.inputs.patents.iter().enumerate() {
        t.rows.push(vec![
            (i + 1).to_string(),
            e.inputs.patent_nos[i].clone(),
            at(&f.d.titles, i),
            f.lang
                .pick(p.patent_type.label_zh(), p.patent_type.label_en())
                .into(),
            f.lang.pick(p.status.label_zh(), p.status.label_en()).into(),
            p.filing.to_string(),
            at(&f.d.grant_dates, i),
            format!("{:.2}", e.base[i].life.remaining_legal),
            at(&f.d.owners, i),
        ]);
    }
    t
}

pub fn value_type_date(f: &Facts, b: &mut Vec<Block>) {
    let c = &f.d.case;
    b.push(Block::Sub(f.l("四、价值类型", "4. Type of value")));
    b.push(Block::Para(match f.lang {
        ReportLang::Zh => format!(
            "根据本次评估目的、市场条件及评估对象自身条件，确定本次评估的价值类型为{}。市场价值是指自愿买方和自愿卖方在各自理性行事且未受任何强迫的情况下，评估对象在评估基准日进行正常公平交易的价值估计数额。",
            c.value_type.label_zh()
        ),
        ReportLang::En => format!(
            "Given the purpose, the market and the subject, the type of value is {}: the estimated amount for which the subject would be exchanged at the valuation date between a willing buyer and a willing seller acting rationally and without compulsion.",
            c.value_type.label_en()
        ),
    }));
    b.push(Block::Sub(f.l("五、评估基准日", "5. Valuation date")));
    b.push(Block::Para(match f.lang {
        ReportLang::Zh => format!(
            "本项目评估基准日为{}。评估基准日由委托人确定，确定时考虑了经济行为的实现需要及尽可能减少期后事项对评估结论的影响。本次评估的取价标准为评估基准日有效的价格标准。",
            f.date(f.valuation_date)
        ),
        ReportLang::En => format!(
            "The valuation date is {}, set by the client to suit the transaction and limit the effect of later events; prices are those in force at that date.",
            f.date(f.valuation_date)
        ),
    }));
}

pub fn bases(f: &Facts, b: &mut Vec<Block>) {
    let c = &f.d.case.basis;
    b.push(Block::Sub(f.l("六、评估依据", "6. Bases")));
    type Default = fn(ReportLang) -> Vec<String>;
    let lists: [(&str, &str, &Vec<String>, Default); 4] = [
        (
            "（一）法律法规依据",
            "Laws and regulations",
            &c.laws,
            texts::laws,
        ),
        (
            "（二）准则依据",
            "Standards",
            &c.standards,
            texts::standards,
        ),
        (
            "（三）权属依据",
            "Evidence of title",
            &c.ownership,
            texts::ownership,
        ),
        (
            "（四）取价依据",
            "Pricing sources",
            &c.pricing,
            texts::pricing,
        ),
    ];
    for (zh, en, typed, default) in lists {
        b.push(Block::Para(f.l(zh, en)));
        let items = if typed.is_empty() {
            default(f.lang)
        } else {
            typed.clone()
        };
        f.numbered(&items, b);
    }
}

pub fn methods(f: &Facts, b: &mut Vec<Block>) {
    b.push(Block::Sub(f.l("七、评估方法", "7. Methods")));
    let e = &f.d.engine;
    for m in [Method::Income, Method::Market, Method::Cost] {
        let why = match (m, e.methods.on(m), f.lang) {
            (Method::Income, true, ReportLang::Zh) => {
                "评估对象已实施并产生收益，其未来收益及风险可以合理预测和量化，故采用收益法。"
            }
            (Method::Market, true, ReportLang::Zh) => {
                "可取得足够的可比专利交易案例及其交易条件资料，故采用市场法。"
            }
            (Method::Cost, true, ReportLang::Zh) => {
                "评估对象的研发投入可以合理确定，故采用成本法作为参考。"
            }
            (Method::Income, false, ReportLang::Zh) => {
                "评估对象的未来收益难以合理预测和量化，故未采用收益法。"
            }
            (Method::Market, false, ReportLang::Zh) => {
                "国内专利权交易市场不活跃，难以取得足够的可比交易案例，故未采用市场法。"
            }
            (Method::Cost, false, ReportLang::Zh) => {
                "专利资产的成本与其价值往往不对应，成本法难以反映专利的获利能力，故未采用成本法。"
            }
            (_, true, ReportLang::En) => "Used: the data it needs are available for the subject.",
            (_, false, ReportLang::En) => {
                "Not used: the data it needs cannot be obtained reliably for the subject."
            }
        };
        b.push(Block::Para(format!(
            "{}：{why}",
            f.lang.pick(m.label_zh(), m.label_en())
        )));
    }
    b.push(Block::Para(f.l(
        "各方法的计算公式、参数及其取值依据见本报告“资产评估说明”。",
        "Each method's formulas, parameters and their bases are in the explanation that follows.",
    )));
}

pub fn procedures(f: &Facts, b: &mut Vec<Block>) {
    b.push(Block::Sub(
        f.l("八、评估程序实施过程和情况", "8. Procedures performed"),
    ));
    f.numbered(&texts::procedures(f.lang), b);
}

pub fn assumptions(f: &Facts, b: &mut Vec<Block>) {
    b.push(Block::Sub(f.l("九、评估假设", "9. Assumptions")));
    b.push(Block::Para(f.l("（一）一般假设", "General")));
    f.numbered(&texts::general_assumptions(f.lang), b);
    b.push(Block::Para(f.l("（二）特殊假设", "Specific")));
    f.numbered(&texts::special_assumptions(f.lang), b);
}

pub fn conclusion(f: &Facts, b: &mut Vec<Block>) {
    b.push(Block::Sub(f.l("十、评估结论", "10. Conclusion")));
    b.push(Block::Lead {
        label: f.l("评估结论：", "Concluded value:"),
        value: f.yuan(f.value),
    });
    b.push(Block::Para(format!(
        "{}{}",
        f.l(
            "经实施上述评估程序，在评估假设成立的前提下，",
            "Having carried out the procedures above, and on the assumptions stated, "
        ),
        front::conclusion_sentence(f)
    )));
    let weights = &f.d.assumptions.method_weights;
    b.push(Block::Para(match f.lang {
        ReportLang::Zh => format!(
            "评估结论由各方法结果按各专利的方法权重加权确定（成本法 {:.0}%、收益法 {:.0}%、市场法 {:.0}%，参数另有规定的专利按其参数），未取得结果的方法不参与加权。",
            weights.cost * 100.0,
            weights.income * 100.0,
            weights.market * 100.0
        ),
        ReportLang::En => format!(
            "The conclusion weights each method's result by the method weights (cost {:.0}%, income {:.0}%, market {:.0}%, or a patent's own parameters); a method without a result takes no weight.",
            weights.cost * 100.0,
            weights.income * 100.0,
            weights.market * 100.0
        ),
    }));
    b.push(Block::Para(front::validity_sentence(f)));
}

pub fn special_matters(f: &Facts, b: &mut Vec<Block>) {
    b.push(Block::Sub(f.l("十一、特别事项说明", "11. Special matters")));
    b.push(Block::Para(f.l(
        "以下事项可能对评估结论产生影响，提请报告使用人关注：",
        "The following may affect the conclusion:",
    )));
    let mut items = f.d.case.special_matters.clone();
    items.extend(texts::pledge_matters(f.lang));
    f.numbered(&items, b);
    super::risk::disclosure(f, b);
}

pub fn restrictions_date_signatures(f: &Facts, b: &mut Vec<Block>) {
    let c = &f.d.case;
    b.push(Block::Sub(f.l(
        "十二、资产评估报告使用限制说明",
        "12. Restrictions on use",
    )));
    let mut items = if c.use_restrictions.is_empty() {
        texts::use_restrictions(f.lang)
    } else {
        c.use_restrictions.clone()
    };
    items.push(front::validity_sentence(f));
    f.numbered(&items, b);
    b.push(Block::Sub(f.l("十三、资产评估报告日", "13. Report date")));
    b.push(Block::Para(format!(
        "{}{}{}",
        f.l("本资产评估报告日为", "The report date is "),
        f.report_date(),
        f.l(
            "，为评估结论形成的日期。",
            ", the date the conclusion was formed."
        )
    )));
    b.push(Block::Sub(f.l(
        "十四、资产评估专业人员签名和资产评估机构印章",
        "14. Signatures and seal",
    )));
    let mut signers = c.appraisers.clone();
    if signers.is_empty() {
        signers.push(crate::model::case::Signer {
            name: f.d.appraisal.appraiser.clone(),
            certificate: String::new(),
        });
    }
    while signers.len() < 2 {
        signers.push(crate::model::case::Signer::default());
    }
    for s in &signers {
        b.push(Block::Para(format!(
            "{}{}{}    {}{}",
            f.l("资产评估师：", "Appraiser: "),
            f.or_blank(&s.name),
            f.l("（签名）", " (signature)"),
            f.l("职业资格证书登记编号：", "Certificate No.: "),
            f.or_blank(&s.certificate)
        )));
    }
    b.push(Block::Para(format!(
        "{}{}",
        f.or_blank(&f.firm),
        f.l("（盖章）", " (seal)")
    )));
    b.push(Block::Para(f.report_date()));
}

pub fn annexes(f: &Facts, b: &mut Vec<Block>) {
    b.push(Block::Section {
        title: f.l("资产评估报告附件", "Annexes"),
        new_page: true,
    });
    f.numbered(&texts::annexes(f.lang), b);
}

/// Patents whose legal status makes them worth nothing or uncertain, for the risk disclosure.
pub fn by_status(f: &Facts, s: LegalStatus) -> Vec<String> {
    let e = &f.d.engine;
    e.inputs
        .patents
        .iter()
        .enumerate()
        .filter(|(_, p)| p.status == s)
        .map(|(i, _)| e.inputs.patent_nos[i].clone())
        .collect()
}
