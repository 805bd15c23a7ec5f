//! patval: patent valuation for IP pledge financing.
//!
//! The library holds everything but the user interfaces: domain types ([`model`]), CSV import
//! ([`import`]), synthetic data ([`synth`]), and the command line ([`cli`]). The GUI lives in
//! [`gui`] and only calls into the rest.

pub mod assets;
pub mod cli;
pub mod files;
pub mod gui;
pub mod import;
pub mod memory;
pub mod model;
pub mod pledge;
pub mod progress;
pub mod report;
pub mod sample;
pub mod store;
pub mod synth;
pub mod valuation;
