//! Any bytes as an option chain file (yfinance, LEAN option quote or trade bars), read strict and
//! skipping, with and without a snapshot time; and as the CSV `options iv` prices. The readers
//! answer with valid snapshots in (time, contract) order or an error that names the file, never
//! a panic.

#![no_main]

use std::path::Path;

use domain::UnixNanos;
use formats::import::options::{OptionReadOptions, read_options_from};
use formats::option_inputs::parse_option_inputs;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for (skip_invalid, at) in [
        (false, None),
        (true, None),
        (true, Some(UnixNanos::new(1_722_456_899_000_000_000))),
    ] {
        let opts = OptionReadOptions {
            skip_invalid,
            at,
            ..OptionReadOptions::default()
        };
        let mut reader = data;
        match read_options_from(Path::new("fuzz.csv"), &mut reader, &opts) {
            Ok(read) => {
                for q in &read.quotes {
                    q.validate().expect("a kept snapshot is valid");
                }
                let keys: Vec<_> = read
                    .quotes
                    .iter()
                    .map(|q| (q.ts, q.contract.occ.as_str()))
                    .collect();
                assert!(keys.windows(2).all(|w| w[0] < w[1]), "snapshots out of order");
            }
            Err(e) => assert!(e.to_string().starts_with("fuzz.csv"), "{e}"),
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        match parse_option_inputs(Path::new("fuzz.csv"), text) {
            Ok(read) => assert!(read.invalid.iter().all(|e| e.to_string().starts_with("fuzz.csv:"))),
            Err(e) => assert!(e.to_string().starts_with("fuzz.csv"), "{e}"),
        }
    }
});
