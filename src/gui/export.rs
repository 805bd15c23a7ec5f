//! Exporting a saved version (part of the review panel): which document (the appraisal report,
//! the bank's review memo, the analysis), which format (PDF, Word, HTML, or the per-patent
//! tables as CSV or xlsx), and where — a typed path, or the native save dialog when the path is
//! empty. The export runs off the UI thread; its result or failure is shown in the window.

use std::path::PathBuf;

use eframe::egui;

use super::{Lang, PatvalApp, file_dialog, tr};
use crate::report::{Document, Format, ReportLang};
use crate::store::Store;

/// What the export row remembers.
#[derive(Default)]
pub struct ExportState {
    pub document: Document,
    /// Where to write; empty: ask with the save dialog.
    pub path: String,
    pub message: String,
}

fn document_label(lang: Lang, d: Document) -> &'static str {
    match d {
        Document::Appraisal => lang.pick("资产评估报告", "Appraisal report"),
        Document::ReviewMemo => lang.pick("押品价值复核意见书", "Review memo"),
        Document::Analysis => lang.pick("评估分析底稿", "Analysis"),
    }
}

/// The export row for `version`.
pub fn ui(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context, version: String) {
    let lang = app.lang();
    let mut clicked = None;
    ui.horizontal(|ui| {
        let l = ui.label(tr(lang, "Export"));
        egui::ComboBox::from_id_salt("export-document")
            .selected_text(document_label(lang, app.export.document))
            .show_ui(ui, |ui| {
                for d in [
                    Document::Appraisal,
                    Document::ReviewMemo,
                    Document::Analysis,
                ] {
                    ui.selectable_value(&mut app.export.document, d, document_label(lang, d));
                }
            })
            .response
            .labelled_by(l.id);
        for (label, format, ext) in [
            ("PDF", Format::Pdf, "pdf"),
            ("Word", Format::Docx, "docx"),
            ("HTML", Format::Html, "html"),
            ("CSV", Format::Csv, "csv"),
            ("xlsx", Format::Xlsx, "xlsx"),
        ] {
            if ui.button(format!("{label}…")).clicked() {
                clicked = Some((format, ext));
            }
        }
    });
    ui.horizontal(|ui| {
        let l = ui.label(lang.pick("保存到", "Save to"));
        ui.add(
            egui::TextEdit::singleline(&mut app.export.path)
                .desired_width(420.0)
                .hint_text(lang.pick("留空则弹出保存对话框", "empty: ask with the save dialog")),
        )
        .labelled_by(l.id);
    });
    if app.export.document == Document::ReviewMemo {
        ui.label(lang.pick("复核意见书采用“交叉复核”中的外部评估和“质押”中的贷款测算。",
            "The memo uses the outside appraisal of the cross-check panel and the loan of the pledge panel.",
        ));
    }
    if !app.export.message.is_empty() {
        ui.label(&app.export.message);
    }
    if let Some((format, ext)) = clicked {
        export(app, ctx, version, format, ext);
    }
}

/// Exports the version to the typed path (with the format's extension), else to the file the
/// save dialog gives.
fn export(
    app: &mut PatvalApp,
    ctx: &egui::Context,
    version: String,
    format: Format,
    ext: &'static str,
) {
    let typed = app.export.path.trim().to_string();
    if !typed.is_empty() {
        write(
            app,
            ctx,
            version,
            format,
            PathBuf::from(typed).with_extension(ext),
        );
        return;
    }
    let request = file_dialog::Request::save((ext, extensions(ext)), &format!("report.{ext}"));
    file_dialog::pick(
        app,
        ctx,
        request,
        Box::new(move |app, ctx, paths| {
            if let Some(out) = paths.into_iter().next() {
                write(app, ctx, version, format, out);
            }
        }),
    );
}

/// A format's extension as a dialog filter.
fn extensions(ext: &str) -> &'static [&'static str] {
    match ext {
        "pdf" => &["pdf"],
        "docx" => &["docx"],
        "html" => &["html"],
        "csv" => &["csv"],
        _ => &["xlsx"],
    }
}

/// Writes the document off the UI thread.
fn write(app: &mut PatvalApp, ctx: &egui::Context, version: String, format: Format, out: PathBuf) {
    app.export.message.clear();
    let Some(store) = super::review_panel::store_path(app) else {
        return;
    };
    let lang = if app.lang() == Lang::Zh {
        ReportLang::Zh
    } else {
        ReportLang::En
    };
    let document = app.export.document;
    let memo = document == Document::ReviewMemo;
    // The memo's bank analysis: the panels' outside appraisal and loan, against the version.
    let external = app.crosscheck.external.clone().filter(|_| memo);
    let threshold = app.crosscheck.threshold;
    let loan = app
        .pledge
        .result
        .as_ref()
        .filter(|_| memo)
        .map(|r| (app.pledge.policy.clone(), r.loan.clone(), app.pledge.accept));
    let ui_lang = app.lang();
    app.jobs.spawn(ctx, "export".into(), move |p| {
        let r = (|| {
            p.start("export", 1);
            let mut data = Store::open(&store)
                .and_then(|s| crate::report::gather(&s, &version))
                .map_err(|e| e.to_string())?;
            if memo {
                let side = external
                    .as_ref()
                    .map(|x| x.side(&data.engine))
                    .transpose()
                    .map_err(|e| e.to_string())?;
                data.bank = crate::pledge::analyse(
                    &data.engine,
                    side.as_ref(),
                    threshold,
                    loan.as_ref().map(|(p, l, a)| (p, l, *a)),
                )
                .map_err(|e| e.to_string())?;
            }
            let x = crate::report::export_document(&data, document, format, lang, &out)
                .map_err(|e| e.to_string())?;
            let mut msg = format!(
                "{} {} ({} {})",
                ui_lang.pick("已导出", "Wrote"),
                out.display(),
                x.bytes,
                ui_lang.pick("字节", "bytes")
            );
            if !x.missing_glyphs.is_empty() {
                let cs: String = x.missing_glyphs.iter().collect();
                msg.push_str(&format!(
                    "{}{cs}{}",
                    ui_lang.pick(
                        " — PDF 字体中没有以下字符：",
                        " — no glyph in the PDF font for: "
                    ),
                    ui_lang.pick("（显示为空框）", " (shown as empty boxes)")
                ));
            }
            Ok::<_, String>(msg)
        })();
        Box::new(move |app: &mut PatvalApp, _: &egui::Context| {
            app.export.message = match r {
                Ok(msg) => msg,
                Err(e) => format!("{}: {e}", ui_lang.pick("导出失败", "Export failed")),
            };
        })
    });
}
