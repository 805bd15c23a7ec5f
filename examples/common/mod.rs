//! Set-up shared by the benchmarks: synthetic data sets of a given size, generated once under
//! `target/bench-data/N/` and reused by later runs.
#![allow(dead_code)]

use std::path::PathBuf;

use patval::import::Dataset;
use patval::synth::{SynthSpec, generate};

/// Where the data set of `patents` patents lives.
pub fn dir(patents: usize) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/{patents}"))
}

/// The data set's directory, generated first if it is not there yet.
pub fn ensure(patents: usize) -> PathBuf {
    let dir = dir(patents);
    if !dir.join("assumptions.toml").exists() {
        generate(&SynthSpec::new(patents), &dir, None).expect("generate the data set");
    }
    dir
}

/// The data set, loaded.
pub fn dataset(patents: usize) -> Dataset {
    patval::import::load_directory(&ensure(patents)).expect("load the data set")
}
