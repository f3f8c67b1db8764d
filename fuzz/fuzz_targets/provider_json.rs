//! Any bytes as an Alpaca or Polygon response body, through every page parser (bars, daily
//! bars, trades, quotes, news, option chains, corporate actions) under both invalid-record
//! policies: a page or an error, never a panic. Real bodies from `shared/fixtures` make a good seed corpus as they are.

#![no_main]

use libfuzzer_sys::fuzz_target;
use providers::fuzz::{Endpoint, OnInvalidRecord, alpaca, polygon};

const ENDPOINTS: [Endpoint; 7] = [
    Endpoint::Bars { daily: false },
    Endpoint::Bars { daily: true },
    Endpoint::Trades,
    Endpoint::Quotes,
    Endpoint::News,
    Endpoint::OptionChain,
    Endpoint::Actions,
];

fuzz_target!(|body: &[u8]| {
    for endpoint in ENDPOINTS {
        for policy in [OnInvalidRecord::Fail, OnInvalidRecord::SkipAndReport] {
            let _ = alpaca(endpoint, body, policy);
            let _ = polygon(endpoint, body, policy);
        }
    }
});
