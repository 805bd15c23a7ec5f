//! The standard wording of the appraisal report, in Chinese as published pledge reports print
//! it and in English. The declarations follow the form used in published reports since 2019
//! (items 1–6 verbatim); the other defaults are the common practice wording, used where the
//! case file leaves a list empty. Document numbers are those of the standards as issued.

use crate::report::ReportLang;

/// Picks the Chinese or English list.
fn pick(lang: ReportLang, zh: &[&str], en: &[&str]) -> Vec<String> {
    match lang {
        ReportLang::Zh => zh.iter().map(|s| s.to_string()).collect(),
        ReportLang::En => en.iter().map(|s| s.to_string()).collect(),
    }
}

pub fn declarations(lang: ReportLang) -> Vec<String> {
    pick(
        lang,
        &[
            "本资产评估报告依据财政部发布的资产评估基本准则和中国资产评估协会发布的资产评估执业准则和职业道德准则编制。",
            "委托人或者其他资产评估报告使用人应当按照法律、行政法规规定和资产评估报告载明的使用范围使用资产评估报告；委托人或者其他资产评估报告使用人违反前述规定使用资产评估报告的，资产评估机构及其资产评估专业人员不承担责任。",
            "资产评估报告仅供委托人、资产评估委托合同中约定的其他资产评估报告使用人和法律、行政法规规定的资产评估报告使用人使用；除此之外，其他任何机构和个人不能成为资产评估报告的使用人。",
            "资产评估报告使用人应当正确理解和使用评估结论，评估结论不等同于评估对象可实现价格，评估结论不应当被认为是对评估对象可实现价格的保证。",
            "资产评估报告使用人应当关注评估结论成立的假设前提、资产评估报告特别事项说明和使用限制。",
            "资产评估机构及其资产评估专业人员遵守法律、行政法规和资产评估准则，坚持独立、客观、公正的原则，并对所出具的资产评估报告依法承担责任。",
            "评估对象涉及的资产清单由委托人、产权持有人申报并经其采用签名、盖章或法律允许的其他方式确认；委托人和其他相关当事人依法对其提供资料的真实性、完整性、合法性负责。",
            "资产评估机构及资产评估专业人员与资产评估报告中的评估对象没有现存或者预期的利益关系；与相关当事人没有现存或者预期的利益关系，对相关当事人不存在偏见。",
        ],
        &[
            "This report has been prepared under the basic standard for asset appraisal issued by the Ministry of Finance and the practice and ethics standards issued by the China Appraisal Society.",
            "The client and other users shall use this report as the laws, administrative regulations and the scope of use stated in it provide; the firm and its appraisers bear no responsibility for any other use.",
            "This report is for the client, the other users named in the engagement contract and the users that laws and regulations provide for; no other institution or person can be a user of it.",
            "Users shall understand and use the conclusion correctly: the concluded value is not the price the subject can be realised at, and is no guarantee of such a price.",
            "Users shall note the assumptions on which the conclusion rests, the special matters and the restrictions on use.",
            "The firm and its appraisers have complied with the laws, administrative regulations and appraisal standards, have acted independently, objectively and impartially, and are responsible for this report as the law provides.",
            "The list of assets appraised was declared and confirmed by the client and the rights holder, who are responsible for the truth, completeness and legality of the material they provided.",
            "The firm and its appraisers have no present or expected interest in the subject of this report or in the parties concerned, and no bias towards them.",
        ],
    )
}

pub fn laws(lang: ReportLang) -> Vec<String> {
    pick(
        lang,
        &[
            "《中华人民共和国资产评估法》",
            "《中华人民共和国民法典》",
            "《中华人民共和国专利法》",
            "《中华人民共和国专利法实施细则》",
            "《专利权质押登记办法》",
            "其他与评估工作相关的法律、法规和规章制度",
        ],
        &[
            "Asset Appraisal Law of the People's Republic of China",
            "Civil Code of the People's Republic of China",
            "Patent Law of the People's Republic of China and its Implementing Regulations",
            "Measures for the Registration of Patent Pledges",
            "Other laws, regulations and rules relevant to the appraisal",
        ],
    )
}

pub fn standards(lang: ReportLang) -> Vec<String> {
    pick(
        lang,
        &[
            "《资产评估基本准则》（财资〔2017〕43号）",
            "《资产评估职业道德准则》",
            "《资产评估执业准则——资产评估报告》",
            "《资产评估执业准则——资产评估程序》",
            "《资产评估执业准则——资产评估方法》",
            "《资产评估执业准则——无形资产》",
            "《知识产权资产评估指南》",
            "《资产评估价值类型指导意见》",
            "《资产评估对象法律权属指导意见》",
            "《专利资产评估指导意见》（中评协〔2017〕49号）",
        ],
        &[
            "Basic Standard for Asset Appraisal (Cai Zi [2017] No. 43)",
            "Code of Ethics for Asset Appraisal",
            "Practice Standard — Asset Appraisal Reports",
            "Practice Standard — Asset Appraisal Procedures",
            "Practice Standard — Asset Appraisal Methods",
            "Practice Standard — Intangible Assets",
            "Guide to the Appraisal of Intellectual Property Assets",
            "Guidance on Types of Value",
            "Guidance on the Legal Title of Appraisal Subjects",
            "Guidance on the Appraisal of Patent Assets (CAS [2017] No. 49)",
        ],
    )
}

pub fn ownership(lang: ReportLang) -> Vec<String> {
    pick(
        lang,
        &[
            "专利证书",
            "专利登记簿副本或国家知识产权局专利法律状态查询结果",
            "专利年费缴纳凭证",
            "专利实施许可合同及备案证明（如有）",
            "其他权属证明资料",
        ],
        &[
            "Patent certificates",
            "Copies of the patent register or CNIPA legal-status search results",
            "Annuity payment receipts",
            "Licence contracts and their recordal (if any)",
            "Other evidence of title",
        ],
    )
}

pub fn pricing(lang: ReportLang) -> Vec<String> {
    pick(
        lang,
        &[
            "产权持有人提供的历史财务资料、专利产品销售资料及未来经营规划",
            "评估基准日国债到期收益率",
            "行业统计资料、专利许可费率统计资料及可比交易资料",
            "资产评估专业人员现场调查记录及收集的其他相关资料",
        ],
        &[
            "The rights holder's financial history, sales of the patented products and business plans",
            "Government bond yields at the valuation date",
            "Industry statistics, licence royalty statistics and comparable transactions",
            "The appraisers' site-visit records and other material collected",
        ],
    )
}

pub fn procedures(lang: ReportLang) -> Vec<String> {
    pick(
        lang,
        &[
            "接受委托阶段：与委托人洽谈，明确评估目的、评估对象和评估范围、评估基准日等业务基本事项，订立资产评估委托合同，编制资产评估计划。",
            "现场调查及资料收集阶段：指导产权持有人申报评估对象清单；查验专利证书、专利登记簿副本、年费缴纳凭证等权属资料，查询评估对象的法律状态；了解专利的实施情况、专利产品的生产经营情况及行业状况；收集整理评估所需的财务、市场及行业资料。",
            "评定估算阶段：分析评估对象特点，选择评估方法，确定收益期限、收益额、分成率、折现率等参数，形成初步评估结论。",
            "内部审核及出具报告阶段：对初步评估结论进行分析，编制资产评估报告；履行机构内部审核程序；在不影响独立判断的前提下与委托人沟通后，出具正式资产评估报告。",
            "整理归集评估档案。",
        ],
        &[
            "Engagement: agreeing the purpose, subject, scope and valuation date with the client, signing the engagement contract and planning the work.",
            "Site visit and collection: having the rights holder declare the patents; checking certificates, register copies and annuity receipts and searching the legal status; learning how the patents are worked and how the patented products sell; collecting financial, market and industry data.",
            "Estimation: choosing the methods and setting the income period, income, share rate and discount rate; forming a preliminary conclusion.",
            "Review and issue: analysing the preliminary conclusion, drafting the report, internal review, and issuing the final report after discussion with the client that does not impair independent judgement.",
            "Filing the working papers.",
        ],
    )
}

pub fn general_assumptions(lang: ReportLang) -> Vec<String> {
    pick(
        lang,
        &[
            "交易假设：假定所有待评估资产已经处在交易过程中，资产评估专业人员根据待评估资产的交易条件等模拟市场进行估价。",
            "公开市场假设：假定在市场上交易的资产或拟在市场上交易的资产，交易双方彼此地位平等，均有获取足够市场信息的机会和时间，以便对资产的功能、用途及其交易价格等作出理智的判断。",
            "资产持续使用假设：假定评估对象按照评估基准日的用途和实施方式持续使用。",
        ],
        &[
            "Transaction: the assets are assumed to be in the course of a transaction, valued by simulating the market on their terms of trade.",
            "Open market: buyer and seller are equals with enough time and information to judge the assets' function, use and price rationally.",
            "Continued use: the patents continue to be used as they are at the valuation date.",
        ],
    )
}

pub fn special_assumptions(lang: ReportLang) -> Vec<String> {
    pick(
        lang,
        &[
            "国家现行的有关法律法规及政策、宏观经济形势无重大变化，产权持有人所处地区的政治、经济和社会环境无重大变化。",
            "利率、汇率、赋税基准及税率、政策性征收费用等在评估基准日后不发生重大变化。",
            "评估对象在收益期内持续有效，产权持有人按期足额缴纳专利年费，评估对象不会被宣告无效或终止。",
            "产权持有人持续经营，评估对象按评估基准日的实施方式持续实施。",
            "委托人及产权持有人提供的资料真实、完整、合法、有效；评估对象不存在资产评估专业人员已知以外的权属瑕疵及权利限制。",
            "本次质押经济行为能够依法办理专利权质押登记。",
        ],
        &[
            "No material change in the laws, policies and economy, or in the rights holder's region.",
            "No material change in interest rates, exchange rates, taxes or levies after the valuation date.",
            "The patents stay in force through the income period: annuities are paid and no patent is invalidated or lapses.",
            "The rights holder continues in business and keeps working the patents as at the valuation date.",
            "The material provided is true, complete and lawful; there is no defect of title or restriction beyond those known.",
            "The pledge can be registered as the law provides.",
        ],
    )
}

pub fn use_restrictions(lang: ReportLang) -> Vec<String> {
    pick(
        lang,
        &[
            "本资产评估报告只能用于本报告载明的评估目的和用途。",
            "委托人或者其他资产评估报告使用人未按照法律、行政法规规定和资产评估报告载明的使用范围使用资产评估报告的，资产评估机构及其资产评估专业人员不承担责任。",
            "除委托人、资产评估委托合同中约定的其他资产评估报告使用人和法律、行政法规规定的资产评估报告使用人之外，其他任何机构和个人不能成为资产评估报告的使用人。",
            "资产评估报告使用人应当正确理解和使用评估结论，评估结论不等同于评估对象可实现价格，评估结论不应当被认为是对评估对象可实现价格的保证。",
            "未征得出具资产评估报告的评估机构同意，资产评估报告的内容不得被摘抄、引用或者披露于公开媒体，法律、行政法规规定以及相关当事方另有约定的除外。",
            "本资产评估报告经资产评估师签名并加盖评估机构印章后方可使用。",
        ],
        &[
            "This report may be used only for the purpose stated in it.",
            "The firm and its appraisers bear no responsibility for use outside the laws, regulations and the scope stated in the report.",
            "No one but the client, the users named in the engagement contract and the users the law provides for can be a user of this report.",
            "The concluded value is not the price the subject can be realised at, and is no guarantee of such a price.",
            "Without the firm's consent the report may not be excerpted, quoted or published, except as the law or the parties' agreement provides.",
            "The report may be used only once signed by the appraisers and sealed by the firm.",
        ],
    )
}

/// The standard pledge items of the special matters: title, conditions for pledging,
/// inseparability, realisability, annuities.
pub fn pledge_matters(lang: ReportLang) -> Vec<String> {
    pick(
        lang,
        &[
            "权属：本次评估以产权持有人提供的专利证书、专利登记簿副本（或专利法律状态查询结果）及年费缴纳凭证作为权属依据。资产评估专业人员对评估对象的法律权属给予了必要的关注，但对评估对象法律权属确认或者发表意见超出资产评估专业人员的执业范围，本机构不对评估对象的法律权属提供保证。",
            "出质条件：专利权质押期限不得超过专利权剩余保护期，报告使用人应关注各项专利的剩余保护期与拟借款期限的匹配；共有专利出质须取得共有人同意，已出质的专利须先办理注销登记。上述情况如发生变化，可能影响评估结论及质押登记。",
            "不可分割性：评估对象的实施需与产权持有人的技术秘密、生产设备等配套使用。本评估结论以评估对象与上述资产持续配套使用为前提；若质权实现时评估对象单独处置，其可实现价值可能显著低于评估结论。",
            "变现能力：本评估结论为评估对象在持续使用前提下的市场价值，未考虑质权实现时强制处置、快速变现等因素的影响，亦未扣除处置费用及相关税费。专利权交易市场尚不活跃，质权实现时的变现价值可能低于评估结论，报告使用人应结合自身风险管理要求合理确定质押率与期限。",
            "年费与维持：专利权的有效维持以按期缴纳年费为前提，若产权持有人未按期缴费导致专利权终止，评估结论将不再成立。",
        ],
        &[
            "Title: the certificates, register copies (or legal-status searches) and annuity receipts provided are the evidence of title. The appraisers paid due attention to title, but confirming title is beyond their practice and the firm gives no warranty of it.",
            "Conditions for pledging: a pledge may not run beyond a patent's remaining term, so users should match the remaining terms with the loan term; a jointly owned patent needs its co-owners' consent and an earlier pledge must be released first. A change in these may affect the conclusion and the registration.",
            "Inseparability: the patents are worked together with the holder's know-how and equipment. The conclusion assumes they stay together; sold alone on enforcement, the patents may fetch much less.",
            "Realisability: the conclusion is a market value in continued use; it does not reflect a forced or quick sale on enforcement and deducts no disposal costs or taxes. The market for patents is thin, so what enforcement realises may be below the conclusion; users should set the pledge rate and term by their own risk policy.",
            "Annuities: the patents stay in force only if the annuities are paid; a patent lapsing for unpaid fees voids the conclusion for it.",
        ],
    )
}

pub fn annexes(lang: ReportLang) -> Vec<String> {
    pick(
        lang,
        &[
            "经济行为文件（借款及质押申请、董事会决议等）",
            "委托人、产权持有人营业执照复印件",
            "评估对象权属证明资料：专利证书、专利登记簿副本或法律状态查询证明、年费缴纳凭证",
            "委托人和其他相关当事人的承诺函",
            "资产评估机构备案文件或资格证明文件、营业执照复印件",
            "签名资产评估师的职业资格证明文件",
            "专利资产评估明细表",
        ],
        &[
            "Documents of the economic act (loan and pledge application, board resolution)",
            "Business licences of the client and the rights holder",
            "Evidence of title: certificates, register copies or legal-status searches, annuity receipts",
            "Undertakings of the client and other parties",
            "The firm's filing or qualification and business licence",
            "The signing appraisers' qualifications",
            "Schedule of the patents appraised",
        ],
    )
}
