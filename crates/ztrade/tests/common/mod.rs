//! The binary under test: Cargo names its path only to this crate's tests, so testkit's runner
//! ([`testkit::Cli`]) gets it from here. And `collect`, the helpers of the collection tests;
//! `daily`, daily bars imported and exported.

// Each test binary uses part of it.
#![allow(dead_code)]

pub mod collect;
pub mod daily;
pub mod paper;

/// The `ztrade` binary Cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_ztrade");
