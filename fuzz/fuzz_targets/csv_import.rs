//! Any bytes as a bar CSV file, read under a few option sets: the importer answers with rows in
//! time order or an error that names the file, never a panic, and its memory stays bounded
//! (lines are capped at 1 MiB).

#![no_main]

use std::path::Path;

use chrono_tz::Tz;
use domain::Timeframe;
use formats::import::{ReadOptions, Rows, read_from};
use libfuzzer_sys::fuzz_target;

/// `(timeframe, zone, skip_invalid, strict_tail)`.
const OPTIONS: [(&str, Tz, bool, bool); 4] = [
    ("1m", chrono_tz::America::New_York, false, true),
    ("1d", chrono_tz::America::New_York, true, true),
    ("1h", chrono_tz::UTC, true, false),
    ("1mo", chrono_tz::Asia::Kolkata, false, false),
];

fuzz_target!(|data: &[u8]| {
    for (tf, tz, skip_invalid, strict_tail) in OPTIONS {
        let opts = ReadOptions {
            timeframe: Timeframe::parse(tf).expect("a valid timeframe"),
            tz,
            skip_invalid,
            strict_tail,
            adj_close: false,
        };
        let mut reader = data;
        match read_from(Path::new("fuzz.csv"), &mut reader, &opts, &mut |_| {}) {
            Ok(read) => {
                let stamps: Vec<_> = match &read.rows {
                    Rows::Bars(b) => b.iter().map(|b| b.ts).collect(),
                    Rows::QuoteBars(q) => q.iter().map(|q| q.ts).collect(),
                };
                assert!(stamps.windows(2).all(|w| w[0] < w[1]), "rows out of order");
            }
            Err(e) => assert!(e.to_string().starts_with("fuzz.csv"), "{e}"),
        }
    }
});
