//! Chinese and English UI text. The English phrase is the key; `tr` returns it or its Chinese.
//! A test checks that every phrase the GUI passes to `tr` has a Chinese translation.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The phrase in this language, for labels written in both languages at their use.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// English → Chinese.
pub const TABLE: &[(&str, &str)] = &[
    (
        "patval — patent valuation workstation",
        "patval 专利价值评估工作台",
    ),
    ("Data", "数据"),
    ("Browse", "浏览"),
    ("Assumptions", "评估假设"),
    ("Results", "评估结果"),
    ("Review", "评审"),
    ("Loan book", "贷款台账"),
    ("Whitelist", "白名单预评估"),
    ("Expert pool", "专家库"),
    ("Language", "语言"),
    ("Unit", "单位"),
    ("Open data", "打开数据"),
    ("Open…", "打开…"),
    ("Open", "打开"),
    ("Load the sample case", "载入示例案例"),
    ("Recent files", "最近打开"),
    (
        "Drop CSV files, an Excel/WPS workbook or TOML files here, or a folder to open a whole case; or open them with the buttons.",
        "将 CSV 文件、Excel/WPS 工作簿或 TOML 文件拖放到此处（拖入文件夹即打开整个案例），或用按钮打开。",
    ),
    ("Save the input template…", "保存数据模板…"),
    ("All", "全部"),
    ("workbook sheet", "工作表"),
    (
        "These results are of the data loaded before; the data now loaded is being valued…",
        "以下结果是此前载入数据的结果；当前载入的数据正在评估…",
    ),
    (
        "These results are of the data loaded before: the data now loaded could not be valued (see the status bar and the Data panel's problems).",
        "以下结果是此前载入数据的结果：当前载入的数据无法评估（见状态栏及“数据”面板中的问题）。",
    ),
    (
        "An Excel workbook with one sheet per table, notes on every header, drop-down lists and the sample case filled in",
        "Excel 工作簿：每张表一个工作表，每个表头附填写说明，带下拉列表，并已填入示例案例",
    ),
    ("Portfolio", "专利清单"),
    ("Forecasts", "收益预测"),
    ("Cost items", "成本明细"),
    ("Comparables", "交易案例"),
    ("Parameters", "参数及依据"),
    ("Parameters and their basis", "参数及依据"),
    ("Whole portfolio", "组合（整体）"),
    ("click to override", "点击调整"),
    ("Basis of the value", "依据"),
    (
        "A value set for a patent beats its asset group's, which beats the portfolio's and the assumptions file. Every override needs a basis.",
        "单项专利的取值优先于所属资产组，资产组优先于组合及评估假设文件。每项调整都须填写依据。",
    ),
    ("Undo", "撤销"),
    ("Redo", "重做"),
    ("Rows in the parameters table", "参数表行数"),
    ("No valuation yet", "尚无评估结果"),
    ("Patent", "专利"),
    ("set here", "本层设定"),
    ("inherited", "继承"),
    ("Parameter", "参数"),
    ("Value", "取值"),
    ("From", "来源层级"),
    ("Source", "来源"),
    ("Override", "调整"),
    ("Remove", "删除"),
    ("Apply", "应用"),
    ("Every override needs a basis.", "每项调整都须填写依据。"),
    ("External appraisal", "外部评估报告"),
    ("Assumptions file", "假设文件"),
    ("not loaded", "未载入"),
    ("rows", "行"),
    ("Problems", "问题"),
    ("No problems.", "没有问题。"),
    ("Offending row", "出错的行"),
    ("Filter", "筛选"),
    ("patents", "件专利"),
    ("Patent no.", "专利号"),
    ("Title", "名称"),
    ("Type", "类型"),
    ("Status", "法律状态"),
    ("Filing date", "申请日"),
    ("Asset group", "资产组"),
    ("Grant date", "授权公告日"),
    ("Independent claims", "独立权利要求数"),
    ("Family size", "同族数"),
    ("Owner", "专利权人"),
    ("IPC", "IPC分类号"),
    ("R&D cost", "研发成本"),
    ("Claims", "权利要求数"),
    ("Citations", "被引次数"),
    ("Selected patent", "所选专利"),
    ("Select a patent in the table.", "请在表格中选择一件专利。"),
    ("Valuation date", "评估基准日"),
    ("Tax rate", "所得税率"),
    ("Discount rate build-up", "折现率（累加法）"),
    ("Risk-free rate", "无风险报酬率"),
    ("Technology risk", "技术风险报酬率"),
    ("Market risk", "市场风险报酬率"),
    ("Funding risk", "资金风险报酬率"),
    ("Management risk", "管理风险报酬率"),
    ("Premiums from the scorecard", "风险报酬率取自价值度评分"),
    ("Discount rate", "折现率"),
    ("Share rate", "分成率"),
    ("Basis", "分成基数"),
    ("revenue", "销售收入"),
    ("profit", "利润"),
    ("Low", "下限"),
    // The in-window file dialog.
    ("Save as", "另存为"),
    ("Open file", "打开文件"),
    ("File name", "文件名"),
    ("Save", "保存"),
    ("Up", "上一级"),
    ("Open this folder", "打开此文件夹"),
    ("No data files there", "此处没有数据文件"),
    // A distribution's parameters in the Monte Carlo settings.
    ("value", "取值"),
    ("low", "最小值"),
    ("mode", "众数"),
    ("high", "最大值"),
    ("mean", "均值"),
    ("sd", "标准差"),
    ("High", "上限"),
    ("Annual decay", "年衰减率"),
    ("Mid-year discounting", "年中折现"),
    ("Position in range", "取值位置"),
    ("midpoint", "中值"),
    ("scorecard", "按价值度"),
    ("Allocation among patents", "在专利间分配"),
    ("equal", "平均"),
    ("claims", "按权利要求数"),
    ("Method weights", "方法权重"),
    ("Cost approach", "成本法"),
    ("Income approach", "收益法"),
    ("Market approach", "市场法"),
    ("Economic life", "经济寿命"),
    ("Share of legal term, invention", "发明：占剩余法定期限比例"),
    (
        "Share of legal term, utility model",
        "实用新型：占剩余法定期限比例",
    ),
    (
        "Share of legal term, design",
        "外观设计：占剩余法定期限比例",
    ),
    ("Maximum years", "最长年限"),
    ("Grant probability (pending)", "授权概率（审中）"),
    ("Developer's profit rate", "成本利润率"),
    ("Functional obsolescence", "功能性贬值率"),
    ("Economic obsolescence", "经济性贬值率"),
    ("Minimum comparables", "最少案例数"),
    ("Maximum comparables", "最多案例数"),
    ("Minimum similarity", "最低相似度"),
    ("Variant", "方法类型"),
    ("share of revenue or profit", "收益分成"),
    ("relief from royalty", "许可费节省法"),
    ("Royalty rate", "许可费率"),
    ("Deduct income tax", "扣除所得税"),
    ("Patent value degree weights", "专利价值度权重"),
    ("Legal", "法律"),
    ("Technical", "技术"),
    ("Economic", "经济"),
    ("Maximum technology premium", "技术风险报酬率上限"),
    ("Maximum market premium", "市场风险报酬率上限"),
    ("Market adjustments", "市场法修正"),
    ("Subject valued as", "评估对象交易方式"),
    ("Deal circumstances factor", "交易情况修正系数"),
    ("Largest adjustment factor", "单项修正系数上限"),
    ("Share rate ±", "分成率 ±"),
    ("Discount rate ±", "折现率 ±"),
    ("Revenue ±", "营业收入 ±"),
    ("Life ±", "寿命 ±"),
    ("Draws", "模拟次数"),
    ("Seed", "随机种子"),
    ("Share-rate multiplier", "分成率乘数"),
    ("Discount-rate shift", "折现率增量"),
    ("Revenue multiplier", "营业收入乘数"),
    ("Life multiplier", "寿命乘数"),
    ("Price index", "价格指数"),
    ("legal status", "法律状态"),
    ("remaining legal term", "剩余法定期限"),
    ("claim breadth", "权利要求宽度"),
    ("family", "同族"),
    ("forward citations", "被引次数"),
    ("number of claims", "权利要求数"),
    ("patent type", "专利类型"),
    ("remaining economic life", "剩余经济寿命"),
    ("market size", "市场规模"),
    ("Load TOML…", "载入 TOML…"),
    ("Save TOML…", "保存 TOML…"),
    ("Reset to file", "恢复为文件值"),
    ("Valuing…", "正在评估…"),
    ("Cancel", "取消"),
    ("Re-value", "重新评估"),
    ("Portfolio summary", "组合汇总"),
    ("Method", "方法"),
    ("Total", "合计"),
    ("Valued", "已评估"),
    ("Reconciled value", "评估结论"),
    ("Range", "区间"),
    ("Per-patent results", "单件专利结果"),
    ("Reconciled", "结论"),
    ("Note", "说明"),
    ("Trace", "计算过程"),
    ("Remaining economic life", "剩余经济寿命"),
    ("years", "年"),
    ("Value degree", "价值度"),
    ("Year", "年度"),
    ("Revenue", "营业收入"),
    ("Cash flow", "现金流"),
    ("Discount factor", "折现系数"),
    ("Present value", "现值"),
    ("Deal", "交易"),
    ("Similarity", "相似度"),
    ("Price", "价格"),
    ("Adjusted", "修正后"),
    ("Item", "项目"),
    ("Amount", "金额"),
    ("Restated", "重置金额"),
    ("Replacement cost", "重置成本"),
    ("Depreciation rate", "贬值率"),
    ("No value", "无评估值"),
    ("Charts", "图表"),
    ("Cash flows", "现金流"),
    ("Method comparison", "方法对比"),
    ("Sensitivity", "敏感性分析"),
    ("Working out the sensitivity…", "正在计算敏感性…"),
    ("Monte Carlo", "蒙特卡洛模拟"),
    (
        "Comparables: price vs remaining life",
        "交易案例：价格与剩余寿命",
    ),
    ("Run simulation", "运行模拟"),
    ("draws", "次"),
    ("Reviewer", "评审人"),
    ("Name", "姓名"),
    ("Role", "角色"),
    ("analyst", "评估师"),
    ("bank_valuer", "银行评估人员"),
    ("bank valuer", "银行评估人员"),
    ("expert", "评审专家"),
    ("Store", "存储库"),
    ("Choose…", "选择…"),
    ("Save as a new version", "保存为新版本"),
    ("Case", "案例"),
    ("Case name", "案例名称"),
    ("Borrower", "借款人"),
    ("Appraiser", "评估师"),
    ("Firm", "评估机构"),
    ("Version note", "版本说明"),
    ("New case", "新案例"),
    ("Cases and versions", "案例与版本"),
    ("Refresh", "刷新"),
    ("Compare with", "对比版本"),
    ("Changed", "变化"),
    ("Annotations", "批注"),
    ("Add annotation", "添加批注"),
    ("Anchor", "对象"),
    ("patent", "专利"),
    ("assumption", "假设"),
    ("method", "方法"),
    ("version", "整个版本"),
    ("Severity", "严重程度"),
    ("info", "提示"),
    ("minor", "一般"),
    ("major", "重要"),
    ("Comment", "意见"),
    ("Reply", "回复"),
    ("Resolve", "标记已解决"),
    ("Reopen", "重新打开"),
    ("open", "未解决"),
    ("resolved", "已解决"),
    ("Verdict", "评审结论"),
    ("approve", "同意"),
    ("revise", "修改后再审"),
    ("reject", "不同意"),
    ("Give verdict", "提交评审结论"),
    ("Select a version.", "请选择一个版本。"),
    (
        "Enter your name and role once; they are remembered.",
        "首次请填写姓名和角色，之后会记住。",
    ),
    ("The store cannot be opened", "无法打开存储库"),
    ("Saved version", "已保存版本"),
    ("Inputs", "输入数据"),
    ("same", "相同"),
    ("different", "不同"),
    ("Export", "导出"),
    (
        "Report export arrives with the report exporter.",
        "报告导出功能将随报告导出模块提供。",
    ),
    ("Ready", "就绪"),
    ("Loading", "正在载入"),
    ("frame", "帧耗时"),
    ("Reviews", "评审意见"),
    ("pending: × grant probability", "审中：乘以授权概率"),
    ("lapsed: valued at zero", "已失效：按零计"),
    ("Accepted value", "认可价值"),
    (
        "After a default (waterfall)",
        "违约后的损失分配（清偿顺序）",
    ),
    ("Bank", "银行"),
    ("Bank total", "银行评估合计"),
    ("Bank's value", "银行评估值"),
    ("Collateral", "担保方式"),
    ("Coverage", "覆盖率"),
    ("Credit limit", "授信额度"),
    ("Cross-check", "交叉复核"),
    (
        "Cross-check of an external appraisal",
        "外部评估报告交叉复核",
    ),
    ("Design", "外观设计"),
    ("Disposal paths", "处置方式"),
    ("Expected loss", "预期损失"),
    ("Exposure (万元)", "风险敞口（万元）"),
    ("External", "外部"),
    ("External reported total", "外部报告评估值合计"),
    ("External total", "外部评估合计"),
    ("External value", "外部评估值"),
    ("Flag above", "偏离超过即标记"),
    ("Flagged only", "仅显示被标记的"),
    ("Flagged patents", "被标记专利"),
    ("Fund cap per loan (万元)", "单笔补偿上限（万元）"),
    ("Fund share, IP only", "补偿比例（纯知识产权质押）"),
    ("Fund share, mixed collateral", "补偿比例（混合担保）"),
    ("Gap (bank − external)", "差额（银行 − 外部）"),
    ("Guarantor's share of the shortfall", "担保方承担缺口比例"),
    ("Headroom", "额度余量"),
    ("IP and other collateral", "知识产权加其他担保"),
    ("IP only", "纯知识产权质押"),
    ("Invention", "发明"),
    (
        "Key assumptions (mean over patents)",
        "关键假设（各专利平均）",
    ),
    ("Liquidation coverage", "变现覆盖率"),
    ("Liquidation value", "变现价值"),
    ("Loan", "贷款"),
    ("Lower of the two", "两者孰低"),
    ("No external appraisal loaded.", "尚未载入外部评估报告。"),
    ("Open external appraisal…", "打开外部评估报告…"),
    ("Open profile…", "打开政策配置…"),
    ("Per-patent deviation", "单件专利偏离"),
    ("Pledge", "质押融资"),
    ("Pledge financing", "知识产权质押融资"),
    (
        "Pledge rates by type and band (A / B / C / D)",
        "质押率（按类型与等级 A / B / C / D）",
    ),
    ("Policy profile", "政策配置"),
    ("Probability of default", "违约概率"),
    ("Quick-sale discount", "快速变现折扣"),
    ("Save profile…", "保存政策配置…"),
    ("Shenzhen defaults", "恢复深圳默认"),
    ("The fund's payment is capped.", "补偿资金已达单笔上限。"),
    (
        "The loan is above the credit limit the collateral supports.",
        "贷款金额超过质押物支持的授信额度。",
    ),
    (
        "Use the sample's external appraisal",
        "使用示例外部评估报告",
    ),
    ("Utility model", "实用新型"),
    (
        "Value bridge (external → bank)",
        "价值差异桥（外部 → 银行）",
    ),
    ("months", "个月"),
    ("Difference", "差额"),
    ("Deviation", "偏离"),
    ("Reason", "原因"),
    ("Band", "等级"),
    ("Pledge rate", "质押率"),
    ("Expected disposal proceeds", "预期处置回收"),
    ("1. To the bank", "1. 归还银行"),
    ("2. To other parties (surplus)", "2. 其他方（剩余）"),
    ("3. Guarantor", "3. 担保方"),
    ("3a. Insurer", "3a. 保险方"),
    ("4. Risk-compensation fund", "4. 风险补偿资金"),
    ("5. Bank's loss", "5. 银行损失"),
    (
        "The bank's figures are the current valuation (Assumptions panel). The external side is the firm's values, with the rates and lives it stated re-computed in patval. Formulas: docs/bank.md.",
        "银行一方为当前评估结果（评估假设页）；外部一方为评估机构报告的价值，并按其所述折现率、分成率与寿命在 patval 中重算。公式见 docs/bank.md。",
    ),
    (
        "No external appraisal loaded: the bank's value is accepted.",
        "未载入外部评估报告：以银行评估值为认可价值。",
    ),
    ("Life", "寿命"),
    ("Weights", "权重"),
    ("Other", "其他"),
    ("Recalc.", "重算"),
    ("Discount", "折现率"),
    ("Share", "分成率"),
    ("Post-loan monitoring", "贷后监测"),
    (
        "Compares the version the loan was granted on (select it in the Review panel) with the current valuation: load the updated portfolio and set the new valuation date first.",
        "将放贷时的报告版本（在评审页中选中）与当前评估比较：请先载入更新后的专利清单并设置新的评估基准日。",
    ),
    (
        "Compare the selected version with now",
        "将选中版本与当前比较",
    ),
    ("now", "当前"),
    ("No patent needs attention.", "没有需要关注的专利。"),
    (
        "Use the version selected in Review",
        "使用评审页中选中的版本",
    ),
    (
        "Select a version in the Review panel first.",
        "请先在评审页中选中一个版本。",
    ),
];

fn zh_map() -> &'static HashMap<&'static str, &'static str> {
    static MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| TABLE.iter().copied().collect())
}

/// The phrase in `lang`.
pub fn tr(lang: Lang, en: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Zh => zh_map().get(en).copied().unwrap_or(en),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `tr(…, "phrase")` in the GUI sources has a Chinese entry.
    #[test]
    fn every_phrase_is_translated() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/gui");
        // Every source file under src/gui, panels split into directories included.
        let mut files = Vec::new();
        let mut dirs = vec![dir];
        while let Some(d) = dirs.pop() {
            for entry in std::fs::read_dir(d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        let mut missing = Vec::new();
        let mut checked = 0;
        for path in files {
            if path.ends_with("i18n.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for part in text.split("tr(").skip(1) {
                // Only calls of the form tr(lang_expression, "phrase").
                let Some((arg, rest)) = part.split_once(", \"") else {
                    continue;
                };
                if !arg
                    .chars()
                    .all(|c| c.is_alphanumeric() || "_.()".contains(c))
                {
                    continue;
                }
                let Some((phrase, _)) = rest.split_once("\")") else {
                    continue;
                };
                if phrase.contains('"') || phrase.contains('\n') {
                    continue;
                }
                checked += 1;
                if !zh_map().contains_key(phrase) {
                    missing.push(format!("{}: {phrase}", path.display()));
                }
            }
        }
        assert!(missing.is_empty(), "untranslated: {missing:#?}");
        assert!(
            checked > 100,
            "the scan found only {checked} phrases: is it still reading the sources?"
        );
        let mut keys: Vec<&str> = TABLE.iter().map(|x| x.0).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(n, keys.len(), "a phrase appears twice in the table");
    }
}
