//! The front of the report: the filing-receipt page, the cover, the declarations and the
//! summary.

use super::{Facts, texts};
use crate::model::money::yuan_in_words;
use crate::report::ReportLang;
use crate::report::doc::Block;

/// The page for the CAS filing receipt: the report code if the case has one, else a blank to
/// fill after filing, and the receipt's standard note.
pub fn receipt(f: &Facts, b: &mut Vec<Block>) {
    let c = &f.d.case;
    b.push(Block::Section {
        title: f.l(
            "中国资产评估协会资产评估业务报告备案回执",
            "CAS filing receipt",
        ),
        new_page: false,
    });
    let code = if c.filing_code.trim().is_empty() {
        f.l(
            "（备案后装订备案回执）",
            "(bind the filing receipt here once filed)",
        )
    } else {
        c.filing_code.trim().to_string()
    };
    b.push(Block::Para(format!(
        "{}{code}",
        f.l("报告编码：", "Report code: ")
    )));
    b.push(Block::Para(format!(
        "{}{}",
        f.l("报告文号：", "Report number: "),
        f.or_blank(&c.report_number)
    )));
    b.push(Block::Para(f.l(
        "说明：报告备案回执仅证明此报告已在业务报备管理系统进行了备案，不作为协会对该报告认证、认可的依据，也不作为资产评估机构及其签字资产评估专业人员免除相关法律责任的依据。",
        "Note: the filing receipt only shows that the report was filed in the CAS reporting system; it is not the Society's certification or approval of the report and does not relieve the firm or its signing appraisers of their legal responsibility.",
    )));
}

/// The cover: title, 文号, firm, report date and the patents in short.
pub fn cover(f: &Facts, b: &mut Vec<Block>) {
    let c = &f.d.case;
    let n = f.d.engine.len();
    let title = match f.lang {
        ReportLang::Zh => format!("{}拟质押贷款所涉及的{}项专利权评估项目", f.owner, n),
        ReportLang::En => format!(
            "Appraisal of {n} patents of {} to be pledged for a loan",
            f.owner
        ),
    };
    b.push(Block::Cover {
        title: f.l("资产评估报告", "Asset appraisal report"),
        case: title,
        facts: vec![
            (
                f.l("报告文号", "Report number"),
                f.or_blank(&c.report_number),
            ),
            (f.l("评估机构", "Appraisal firm"), f.or_blank(&f.firm)),
            (
                f.l("评估基准日", "Valuation date"),
                f.date(f.valuation_date),
            ),
            (f.l("资产评估报告日", "Report date"), f.report_date()),
            (
                f.l("本资产评估报告依据", "Prepared under"),
                f.l(
                    "中国资产评估准则编制",
                    "the China asset appraisal standards",
                ),
            ),
        ],
    });
}

pub fn declarations(f: &Facts, b: &mut Vec<Block>) {
    b.push(Block::Section {
        title: f.l("声明", "Declarations"),
        new_page: true,
    });
    f.numbered(&texts::declarations(f.lang), b);
}

/// The summary: the opening, each key fact, the conclusion and its validity, the special
/// matters in short, and the closing reminder.
pub fn summary(f: &Facts, b: &mut Vec<Block>) {
    b.push(Block::Section {
        title: f.l("资产评估报告摘要", "Summary"),
        new_page: true,
    });
    b.push(Block::Para(opening(f)));
    let c = &f.d.case;
    let vt = match f.lang {
        ReportLang::Zh => c.value_type.label_zh(),
        ReportLang::En => c.value_type.label_en(),
    };
    for (k, v) in [
        (f.l("评估目的：", "Purpose: "), f.purpose()),
        (
            f.l("评估对象和评估范围：", "Subject and scope: "),
            scope_line(f),
        ),
        (f.l("价值类型：", "Type of value: "), vt.to_string()),
        (
            f.l("评估基准日：", "Valuation date: "),
            f.date(f.valuation_date),
        ),
        (f.l("评估方法：", "Methods: "), super::body::methods_used(f)),
        (f.l("评估结论：", "Conclusion: "), conclusion_sentence(f)),
        (
            f.l("评估结论使用有效期：", "Validity: "),
            validity_sentence(f),
        ),
    ] {
        b.push(Block::Para(format!("{k}{v}")));
    }
    b.push(Block::Para(f.l(
        "对评估结论产生影响的特别事项：权属、出质条件、不可分割性、变现能力及年费维持等事项，详见正文“特别事项说明”及“质押风险提示”。",
        "Special matters that affect the conclusion: title, conditions for pledging, inseparability, realisability and annuities; see \"Special matters\" and the risk disclosure in the body.",
    )));
    b.push(Block::Para(f.l(
        "以上内容摘自资产评估报告正文，欲了解本评估业务的详细情况和正确理解评估结论，应当阅读资产评估报告正文。",
        "The above is taken from the body of the report; read the body to understand the engagement and the conclusion correctly.",
    )));
}

/// The sentence that opens the summary and the body.
pub fn opening(f: &Facts) -> String {
    let n = f.d.engine.len();
    let methods = super::body::methods_used(f);
    match f.lang {
        ReportLang::Zh => format!(
            "{}：{}接受贵方的委托，按照法律、行政法规和资产评估准则的规定，坚持独立、客观和公正的原则，采用{}，按照必要的评估程序，对{}拥有的{}项专利权在{}的市场价值进行了评估。",
            f.client,
            f.or_blank(&f.firm),
            methods,
            f.owner,
            n,
            f.date(f.valuation_date)
        ),
        ReportLang::En => format!(
            "To {}: as engaged, {} has appraised, under the laws, administrative regulations and appraisal standards, independently, objectively and impartially and following the necessary procedures, the market value at {} of {} patents owned by {}, using {}.",
            f.client,
            f.or_blank(&f.firm),
            f.date(f.valuation_date),
            n,
            f.owner,
            methods
        ),
    }
}

fn scope_line(f: &Facts) -> String {
    use crate::model::PatentType;
    let count = |t: PatentType| {
        f.d.engine
            .inputs
            .patents
            .iter()
            .filter(|p| p.patent_type == t)
            .count()
    };
    let (inv, um, des) = (
        count(PatentType::Invention),
        count(PatentType::UtilityModel),
        count(PatentType::Design),
    );
    match f.lang {
        ReportLang::Zh => format!(
            "{}拥有的{}项专利权，其中发明专利{}项、实用新型专利{}项、外观设计专利{}项。",
            f.owner,
            f.d.engine.len(),
            inv,
            um,
            des
        ),
        ReportLang::En => format!(
            "the {} patents owned by {}: {inv} inventions, {um} utility models and {des} designs.",
            f.d.engine.len(),
            f.owner
        ),
    }
}

/// The conclusion in figures and words.
pub fn conclusion_sentence(f: &Facts) -> String {
    match f.lang {
        ReportLang::Zh => format!(
            "{}纳入本次评估范围的{}项专利权在评估基准日{}的市场价值为人民币{}（大写：人民币{}）。",
            f.owner,
            f.d.engine.len(),
            f.date(f.valuation_date),
            f.yuan(f.value),
            yuan_in_words(f.value)
        ),
        ReportLang::En => format!(
            "The market value at {} of the {} patents of {} in the scope of this appraisal is RMB {}.",
            f.date(f.valuation_date),
            f.d.engine.len(),
            f.owner,
            f.yuan(f.value)
        ),
    }
}

/// The validity: from the valuation date to the day before its anniversary.
pub fn validity_sentence(f: &Facts) -> String {
    let until = f.d.case.valid_until(f.valuation_date);
    let months = f.d.case.validity_months.unwrap_or(12);
    match f.lang {
        ReportLang::Zh => {
            let span = if months == 12 {
                "一年".to_string()
            } else {
                format!("{months}个月")
            };
            format!(
                "本评估结论使用有效期为{span}，自评估基准日{}起至{}止。",
                f.date(f.valuation_date),
                f.date(until)
            )
        }
        ReportLang::En => format!(
            "The conclusion may be used for {months} months, from the valuation date {} to {}.",
            f.date(f.valuation_date),
            f.date(until)
        ),
    }
}
