//! Case panel, the first step of the workflow (case → data → parameters → results → report →
//! review): who commissioned the appraisal and uses the report, purpose and value type, the
//! report number and date, the firm and its signing appraisers, the bases, special matters and
//! use restrictions, and the bank's side (facility, the outside report under review, sign-off
//! names). The edits go into the loaded data set, so a saved version stores and fingerprints
//! them; the case file (case.toml) can be opened and saved by a typed path.

use eframe::egui;

use super::{Lang, PatvalApp};
use crate::model::case::{CaseInfo, Signer, ValueType};

/// Edit buffers for the fields that are not plain text.
#[derive(Default)]
pub struct CaseState {
    pub info: CaseInfo,
    /// One entry per line: other users, laws, standards, ownership, pricing, use restrictions,
    /// special matters.
    lists: [String; 7],
    /// Report date, review date, the outside report's date.
    dates: [String; 3],
    /// Loan amount, prior claims.
    amounts: [String; 2],
    /// Problems with the buffers, shown beside the fields.
    pub problems: Vec<String>,
    /// Case file path for open/save.
    pub path: String,
    pub message: String,
}

fn lines(v: &[String]) -> String {
    v.join("\n")
}

fn from_lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

fn date_text(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn amount_text(x: f64) -> String {
    if x > 0.0 {
        format!("{x:.2}")
    } else {
        String::new()
    }
}

impl CaseState {
    /// The state for a case.
    pub fn of(info: CaseInfo) -> Self {
        let b = &info.basis;
        Self {
            lists: [
                lines(&info.other_users),
                lines(&b.laws),
                lines(&b.standards),
                lines(&b.ownership),
                lines(&b.pricing),
                lines(&info.use_restrictions),
                lines(&info.special_matters),
            ],
            dates: [
                date_text(info.report_date),
                date_text(info.bank.review_date),
                date_text(info.bank.appraisal_report_date),
            ],
            amounts: [
                amount_text(info.bank.loan_amount),
                amount_text(info.bank.prior_claims),
            ],
            info,
            ..Self::default()
        }
    }

    /// Reads the buffers into the case; returns what could not be read.
    fn apply(&mut self) -> Vec<String> {
        let i = &mut self.info;
        let [
            users,
            laws,
            standards,
            ownership,
            pricing,
            restrictions,
            special,
        ] = &self.lists;
        i.other_users = from_lines(users);
        i.basis.laws = from_lines(laws);
        i.basis.standards = from_lines(standards);
        i.basis.ownership = from_lines(ownership);
        i.basis.pricing = from_lines(pricing);
        i.use_restrictions = from_lines(restrictions);
        i.special_matters = from_lines(special);
        let mut problems = Vec::new();
        let names = [
            "报告日 report date",
            "复核日期 review date",
            "外部报告日 outside report date",
        ];
        let mut parsed = [None; 3];
        for (k, text) in self.dates.iter().enumerate() {
            if text.trim().is_empty() {
                continue;
            }
            match crate::model::dates::parse_date(text) {
                Ok(d) => parsed[k] = Some(d),
                Err(e) => problems.push(format!("{}: \"{}\" {e}", names[k], text.trim())),
            }
        }
        [
            i.report_date,
            i.bank.review_date,
            i.bank.appraisal_report_date,
        ] = parsed;
        let names = ["申请授信金额 loan amount", "法定优先受偿款 prior claims"];
        let mut values = [0.0; 2];
        for (k, text) in self.amounts.iter().enumerate() {
            if text.trim().is_empty() {
                continue;
            }
            match crate::import::cell::parse_money(text, 0) {
                Ok(v) if v >= 0.0 => values[k] = v,
                Ok(_) => problems.push(format!("{}: must be 0 or more", names[k])),
                Err(e) => problems.push(format!("{}: \"{}\" {e}", names[k], text.trim())),
            }
        }
        [i.bank.loan_amount, i.bank.prior_claims] = values;
        problems
    }
}

pub fn ui(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    ui.heading(lang.pick("案例信息", "Case"));
    ui.label(lang.pick("评估报告与押品价值复核意见书所载的案例信息；随报告版本保存。留空的项目在文书中按标准表述或留空待填。",
        "The facts the appraisal report and the review memo print; saved with each version. Fields left empty print the standard wording or a blank to fill in.",
    ));
    file_row(app, ui, lang);
    let mut changed = false;
    // The problems go below the fields, in room kept free for them, so they are in view at
    // any scroll position. (Above the fields they would shift the fields' automatic ids as
    // they come and go, and a field being typed in would lose its focus.)
    let line = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
    let reserved = app.case.problems.len() as f32 * 2.0 * line;
    egui::ScrollArea::vertical()
        .max_height((ui.available_height() - reserved).max(line))
        .show(ui, |ui| {
            changed |= report_fields(&mut app.case, ui, lang);
            changed |= firm_fields(&mut app.case.info, ui, lang);
            changed |= list_fields(&mut app.case, ui, lang);
            changed |= bank_fields(&mut app.case, ui, lang);
        });
    if changed {
        app.case.problems = app.case.apply();
        if let Some(ds) = &mut app.loaded.dataset {
            std::sync::Arc::make_mut(ds).case = Some(app.case.info.clone());
        }
        ui.ctx().request_repaint();
    }
    for p in &app.case.problems {
        ui.colored_label(ui.visuals().error_fg_color, p);
    }
}

/// Open and save the case file by a typed path.
fn file_row(app: &mut PatvalApp, ui: &mut egui::Ui, lang: Lang) {
    ui.horizontal(|ui| {
        let l = ui.label(lang.pick("案例文件", "Case file"));
        ui.add(egui::TextEdit::singleline(&mut app.case.path).hint_text("case.toml"))
            .labelled_by(l.id);
        let path = std::path::PathBuf::from(app.case.path.trim());
        if ui.button(lang.pick("打开", "Open")).clicked() {
            match crate::import::load_case(&path) {
                Ok(info) => {
                    let keep = app.case.path.clone();
                    app.case = CaseState::of(info);
                    app.case.path = keep;
                    if let Some(ds) = &mut app.loaded.dataset {
                        std::sync::Arc::make_mut(ds).case = Some(app.case.info.clone());
                    }
                    app.case.message =
                        format!("{} {}", lang.pick("已打开", "Opened"), path.display());
                }
                Err(e) => app.case.message = e.to_string(),
            }
        }
        if ui.button(lang.pick("保存", "Save")).clicked() {
            app.case.message =
                match crate::files::write_bytes_replacing(&path, app.case.info.to_toml()) {
                    Ok(()) => format!("{} {}", lang.pick("已保存", "Saved"), path.display()),
                    Err(e) => format!("{}: {e}", path.display()),
                };
        }
    });
    if !app.case.message.is_empty() {
        ui.label(&app.case.message);
    }
}

/// A labelled single-line field; true when edited.
fn field(ui: &mut egui::Ui, label: &str, value: &mut String) -> bool {
    let l = ui.label(label);
    let r = ui
        .add(egui::TextEdit::singleline(value).desired_width(420.0))
        .labelled_by(l.id);
    ui.end_row();
    r.changed()
}

/// A labelled multi-line list, one entry per line; true when edited.
fn list(ui: &mut egui::Ui, label: &str, hint: &str, value: &mut String) -> bool {
    let l = ui.label(label);
    let r = ui
        .add(
            egui::TextEdit::multiline(value)
                .desired_rows(2)
                .desired_width(420.0)
                .hint_text(hint),
        )
        .labelled_by(l.id);
    ui.end_row();
    r.changed()
}

fn report_fields(s: &mut CaseState, ui: &mut egui::Ui, lang: Lang) -> bool {
    let mut changed = false;
    ui.strong(lang.pick("委托与报告", "Engagement and report"));
    egui::Grid::new("case-report")
        .num_columns(2)
        .show(ui, |ui| {
            let i = &mut s.info;
            changed |= field(ui, lang.pick("委托人", "Client"), &mut i.client);
            changed |= field(ui, lang.pick("产权持有人", "Rights holder"), &mut i.owner);
            changed |= list(
                ui,
                lang.pick("其他报告使用人", "Other report users"),
                lang.pick("每行一个", "one per line"),
                &mut s.lists[0],
            );
            changed |= field(ui, lang.pick("评估目的", "Purpose"), &mut i.purpose);
            let l = ui.label(lang.pick("价值类型", "Value type"));
            let label = |v: ValueType| {
                if lang == Lang::Zh {
                    v.label_zh()
                } else {
                    v.label_en()
                }
            };
            egui::ComboBox::from_id_salt("value-type")
                .selected_text(label(i.value_type))
                .show_ui(ui, |ui| {
                    for v in [
                        ValueType::Market,
                        ValueType::Investment,
                        ValueType::InUse,
                        ValueType::Liquidation,
                        ValueType::Residual,
                    ] {
                        changed |= ui
                            .selectable_value(&mut i.value_type, v, label(v))
                            .changed();
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            changed |= field(
                ui,
                lang.pick("报告文号", "Report number"),
                &mut i.report_number,
            );
            changed |= field(
                ui,
                lang.pick("备案报告编码", "Filing code"),
                &mut i.filing_code,
            );
            changed |= field(ui, lang.pick("报告日", "Report date"), &mut s.dates[0]);
            let l = ui.label(lang.pick("有效期（月）", "Validity (months)"));
            let mut months = i.validity_months.unwrap_or(12);
            if ui
                .add(egui::DragValue::new(&mut months).range(1..=60))
                .labelled_by(l.id)
                .changed()
            {
                i.validity_months = Some(months);
                changed = true;
            }
            ui.end_row();
        });
    changed
}

fn firm_fields(i: &mut CaseInfo, ui: &mut egui::Ui, lang: Lang) -> bool {
    let mut changed = false;
    ui.strong(lang.pick("评估机构与签字评估师", "Firm and signing appraisers"));
    egui::Grid::new("case-firm").num_columns(2).show(ui, |ui| {
        changed |= field(ui, lang.pick("评估机构", "Firm"), &mut i.firm);
        changed |= field(
            ui,
            lang.pick("机构资质", "Qualification"),
            &mut i.firm_qualification,
        );
    });
    let mut remove = None;
    for (k, s) in i.appraisers.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            let l = ui.label(lang.pick("资产评估师", "Appraiser"));
            changed |= ui
                .add(egui::TextEdit::singleline(&mut s.name).desired_width(140.0))
                .labelled_by(l.id)
                .changed();
            let l = ui.label(lang.pick("证书编号", "Certificate"));
            changed |= ui
                .add(egui::TextEdit::singleline(&mut s.certificate).desired_width(140.0))
                .labelled_by(l.id)
                .changed();
            if ui.button(lang.pick("删除", "Remove")).clicked() {
                remove = Some(k);
            }
        });
    }
    if let Some(k) = remove {
        i.appraisers.remove(k);
        changed = true;
    }
    if ui
        .button(lang.pick("添加评估师", "Add appraiser"))
        .clicked()
    {
        i.appraisers.push(Signer::default());
        changed = true;
    }
    changed
}

fn list_fields(s: &mut CaseState, ui: &mut egui::Ui, lang: Lang) -> bool {
    let mut changed = false;
    ui.strong(lang.pick(
        "评估依据、特别事项与使用限制",
        "Bases, special matters, restrictions",
    ));
    let std = lang.pick("留空：采用标准表述", "empty: the standard wording");
    egui::Grid::new("case-lists").num_columns(2).show(ui, |ui| {
        let [
            _,
            laws,
            standards,
            ownership,
            pricing,
            restrictions,
            special,
        ] = &mut s.lists;
        changed |= list(ui, lang.pick("法律法规依据", "Laws"), std, laws);
        changed |= list(ui, lang.pick("准则依据", "Standards"), std, standards);
        changed |= list(
            ui,
            lang.pick("权属依据", "Ownership documents"),
            std,
            ownership,
        );
        changed |= list(ui, lang.pick("取价依据", "Pricing sources"), std, pricing);
        changed |= list(
            ui,
            lang.pick("特别事项", "Special matters"),
            lang.pick("每行一项", "one per line"),
            special,
        );
        changed |= list(
            ui,
            lang.pick("使用限制", "Use restrictions"),
            std,
            restrictions,
        );
    });
    changed
}

fn bank_fields(s: &mut CaseState, ui: &mut egui::Ui, lang: Lang) -> bool {
    let mut changed = false;
    ui.strong(lang.pick("银行（押品价值复核意见书）", "Bank (review memo)"));
    egui::Grid::new("case-bank").num_columns(2).show(ui, |ui| {
        let b = &mut s.info.bank;
        changed |= field(ui, lang.pick("贷款银行", "Bank"), &mut b.bank);
        changed |= field(ui, lang.pick("借款人", "Borrower"), &mut b.borrower);
        changed |= field(
            ui,
            lang.pick("申请授信金额（元，可写万元）", "Facility (yuan, or 万元)"),
            &mut s.amounts[0],
        );
        let l = ui.label(lang.pick("授信期限（月）", "Term (months)"));
        changed |= ui
            .add(egui::DragValue::new(&mut b.term_months).range(0..=600))
            .labelled_by(l.id)
            .changed();
        ui.end_row();
        changed |= field(
            ui,
            lang.pick("意见书编号", "Memo number"),
            &mut b.memo_number,
        );
        changed |= field(ui, lang.pick("复核日期", "Review date"), &mut s.dates[1]);
        changed |= field(
            ui,
            lang.pick("外部评估机构", "Outside firm"),
            &mut b.appraisal_firm,
        );
        changed |= field(
            ui,
            lang.pick("外部报告文号", "Outside report number"),
            &mut b.appraisal_report_number,
        );
        changed |= field(
            ui,
            lang.pick("外部备案编码", "Outside filing code"),
            &mut b.appraisal_filing_code,
        );
        changed |= field(
            ui,
            lang.pick("外部报告日", "Outside report date"),
            &mut s.dates[2],
        );
        changed |= field(
            ui,
            lang.pick("法定优先受偿款（元）", "Prior claims (yuan)"),
            &mut s.amounts[1],
        );
        changed |= field(ui, lang.pick("调查人", "Investigation"), &mut b.survey);
        changed |= field(ui, lang.pick("复核人", "Re-check"), &mut b.review);
        changed |= field(ui, lang.pick("审查人", "Examination"), &mut b.examine);
        changed |= field(ui, lang.pick("审定人", "Approval"), &mut b.approve);
    });
    changed
}
