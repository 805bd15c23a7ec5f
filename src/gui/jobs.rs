//! Work off the UI thread: each job runs on its own thread with a [`Progress`] the UI shows and
//! can cancel, and hands back a closure that applies its result to the app.

use std::sync::mpsc;

use eframe::egui;

use super::PatvalApp;
use crate::progress::Progress;

/// What a finished job does to the app.
pub type Apply = Box<dyn FnOnce(&mut PatvalApp, &egui::Context) + Send>;

/// A running job.
pub struct Job {
    pub label: String,
    pub progress: Progress,
    rx: mpsc::Receiver<Apply>,
}

/// The running jobs.
#[derive(Default)]
pub struct Jobs {
    pub running: Vec<Job>,
}

impl Jobs {
    /// Starts `work` on a new thread.
    pub fn spawn(
        &mut self,
        ctx: &egui::Context,
        label: String,
        work: impl FnOnce(&Progress) -> Apply + Send + 'static,
    ) -> Progress {
        let (tx, rx) = mpsc::channel();
        let progress = Progress::new();
        let p = progress.clone();
        let ctx = ctx.clone();
        let name = label.clone();
        std::thread::spawn(move || {
            let apply = crate::progress::timed(&format!("job {name}"), || work(&p));
            let _ = tx.send(apply);
            ctx.request_repaint();
        });
        self.running.push(Job {
            label,
            progress: progress.clone(),
            rx,
        });
        progress
    }

    /// Cancels every job whose label starts with `prefix`.
    pub fn cancel(&mut self, prefix: &str) {
        for j in &self.running {
            if j.label.starts_with(prefix) {
                j.progress.cancel();
            }
        }
    }

    /// Finished jobs' results, in the order they finished; cancelled jobs are dropped.
    pub fn finished(&mut self) -> Vec<Apply> {
        let mut out = Vec::new();
        self.running.retain(|j| match j.rx.try_recv() {
            Ok(apply) => {
                if !j.progress.is_cancelled() {
                    out.push(apply);
                }
                false
            }
            Err(mpsc::TryRecvError::Empty) => true,
            Err(mpsc::TryRecvError::Disconnected) => false,
        });
        out
    }

    pub fn busy(&self, prefix: &str) -> bool {
        self.running
            .iter()
            .any(|j| j.label.starts_with(prefix) && !j.progress.is_cancelled())
    }
}
