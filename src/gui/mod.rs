//! The desktop workstation (egui/eframe). It holds no valuation logic: it calls the library.
//!
//! For now a single window opens on the bundled sample case and shows what was loaded; the full
//! workstation (browse, assumptions, results, review) is built on top of this.

use std::sync::mpsc;

use eframe::egui;

use crate::import::{Dataset, TableKind};

/// Loading state of the data set shown in the window.
enum Load {
    Loading(mpsc::Receiver<Result<Dataset, String>>),
    Ready(Box<Dataset>),
    Failed(String),
}

/// The application.
pub struct PatvalApp {
    load: Load,
}

impl PatvalApp {
    /// Starts loading the bundled sample case off the UI thread.
    pub fn new(ctx: &egui::Context) -> Self {
        let (tx, rx) = mpsc::channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let r = crate::sample::load().map_err(|e| e.to_string());
            let _ = tx.send(r);
            ctx.request_repaint();
        });
        Self {
            load: Load::Loading(rx),
        }
    }

    fn poll(&mut self) {
        if let Load::Loading(rx) = &self.load
            && let Ok(r) = rx.try_recv()
        {
            self.load = match r {
                Ok(ds) => Load::Ready(Box::new(ds)),
                Err(e) => Load::Failed(e),
            };
        }
    }
}

impl eframe::App for PatvalApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.poll();
        egui::Panel::top("title").show(ui, |ui| {
            ui.heading("patval — patent valuation workstation");
        });
        egui::CentralPanel::default().show(ui, |ui| match &self.load {
            Load::Loading(_) => {
                ui.spinner();
                ui.label("Loading the sample case…");
            }
            Load::Failed(e) => {
                ui.colored_label(egui::Color32::RED, e);
            }
            Load::Ready(ds) => {
                if let Some(a) = &ds.assumptions {
                    ui.label(format!("Valuation date: {}", a.valuation_date));
                }
                egui::Grid::new("tables").striped(true).show(ui, |ui| {
                    ui.strong("Table");
                    ui.strong("File");
                    ui.strong("Rows");
                    ui.end_row();
                    for kind in TableKind::ALL {
                        if let Some(t) = ds.table(kind) {
                            ui.label(kind.name());
                            ui.label(&t.file);
                            ui.label(t.df.height().to_string());
                            ui.end_row();
                        }
                    }
                });
            }
        });
    }
}

/// Opens the main window.
pub fn run() -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("patval")
            .with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native(
        "patval",
        options,
        Box::new(|cc| Ok(Box::new(PatvalApp::new(&cc.egui_ctx)))),
    )
}
