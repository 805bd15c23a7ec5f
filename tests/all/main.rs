//! The integration tests, as one test binary: each file is a module (one binary links once and
//! takes one copy of the dependencies on disk, where sixteen binaries took sixteen).
//! Run one file's tests with `cargo test --test all FILE::`, e.g. `cargo test --test all workbook_corpus::`.

mod appraisal_report;
mod bank;
mod batch_monitor;
mod cli_store;
mod cli_validate;
mod common;
mod financing;
mod gui;
mod import;
mod loan_book;
mod published_examples;
mod report;
mod review_memo;
mod signatures;
mod store;
mod store_crash;
mod valuation_props;
mod whitelist;
mod workbook;
mod workbook_corpus;
mod worked_example;
mod workpapers;
