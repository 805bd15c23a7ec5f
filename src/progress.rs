//! Progress reporting and cancellation for long work, shared between a worker thread and the
//! thread that shows it (a terminal bar or the GUI).

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Runs `work`; with `PATVAL_TIMINGS` set, prints its wall time on standard error, and on Linux
/// the processor time the whole process spent meanwhile and its resident and peak memory after
/// (what the benchmarks use to tell a command's or a GUI job's phases apart, which of them
/// leave a core idle, and where memory peaks).
pub fn timed<T>(phase: &str, work: impl FnOnce() -> T) -> T {
    if std::env::var_os("PATVAL_TIMINGS").is_none() {
        return work();
    }
    let (t, cpu) = (std::time::Instant::now(), process_cpu_seconds());
    let out = work();
    let wall = t.elapsed().as_secs_f64();
    let cpu = match (cpu, process_cpu_seconds()) {
        (Some(a), Some(b)) => format!(" (processor {:.2} s)", b - a),
        _ => String::new(),
    };
    let memory = process_memory_mb()
        .map(|(now, peak)| format!(", resident {now} MB, peak {peak} MB"))
        .unwrap_or_default();
    eprintln!("timing: {phase} {wall:.3} s{cpu}{memory}");
    out
}

/// Resident memory now and at its peak so far, in MB, from `/proc/self/status` (Linux).
fn process_memory_mb() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = |key: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        line[key.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    };
    Some((kb("VmRSS:")? / 1024, kb("VmHWM:")? / 1024))
}

/// User and system time of this process so far, from `/proc/self/stat` (Linux; in the
/// kernel's clock ticks, taken as the usual 100 a second).
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let mut f = rest.split(' ').skip(11);
    let user: f64 = f.next()?.parse().ok()?;
    let system: f64 = f.next()?.parse().ok()?;
    Some((user + system) / 100.0)
}

/// A cheap, clonable handle: the worker reports into it, the UI reads it and may cancel.
#[derive(Debug, Clone, Default)]
pub struct Progress(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    done: AtomicU64,
    total: AtomicU64,
    cancelled: AtomicBool,
    stage: Mutex<String>,
}

impl Progress {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a stage of `total` units.
    pub fn start(&self, stage: &str, total: u64) {
        if let Ok(mut s) = self.0.stage.lock() {
            s.clear();
            s.push_str(stage);
        }
        self.0.total.store(total, Ordering::Relaxed);
        self.0.done.store(0, Ordering::Relaxed);
    }

    pub fn set(&self, done: u64) {
        self.0.done.store(done, Ordering::Relaxed);
    }

    /// Adds `n` units done (from any worker).
    pub fn advance(&self, n: u64) {
        self.0.done.fetch_add(n, Ordering::Relaxed);
    }

    /// `(done, total)` of the current stage.
    pub fn get(&self) -> (u64, u64) {
        (
            self.0.done.load(Ordering::Relaxed),
            self.0.total.load(Ordering::Relaxed),
        )
    }

    /// Fraction done, 0–1.
    pub fn fraction(&self) -> f32 {
        let (d, t) = self.get();
        if t == 0 {
            0.0
        } else {
            (d as f64 / t as f64).min(1.0) as f32
        }
    }

    pub fn stage(&self) -> String {
        self.0.stage.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::Relaxed)
    }
}
