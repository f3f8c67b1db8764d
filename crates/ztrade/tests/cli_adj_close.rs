//! Yahoo's Adj Close through the binary (issue 9): ignored with a warning by default, applied
//! with `--adj-close` (a total-return series whose close is the file's Adj Close).

mod common;

use common::BIN;
use testkit::{Cli, shared_data};

#[test]
fn adj_close_is_reported_when_ignored_and_applied_on_request() {
    let db = Cli::of(BIN, "sqlite", "adjclose");
    let f = shared_data().join("daily/mplfinance_yahoofinance-AAPL-20040819-20180120.csv");
    let f = f.to_str().unwrap();
    let out = db.run(&["data", "import", f, "--symbol", "AAPL", "--timeframe", "1d"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Adj Close column was ignored"), "{err}");

    let out = db.run(&[
        "data",
        "import",
        f,
        "--symbol",
        "AAPLTR",
        "--timeframe",
        "1d",
        "--adj-close",
    ]);
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("ignored"));
    let export = |symbol: &str| {
        let out = db.run(&[
            "data",
            "export",
            "--symbol",
            symbol,
            "--timeframe",
            "1d",
            "--format",
            "csv",
            "--start",
            "2004-08-19",
            "--end",
            "2004-08-19",
            "--out",
            "-",
        ]);
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(export("AAPL").contains("2004-08-19,2.250714,2.275714,2.168571,2.193571,97230000"));
    assert!(
        export("AAPLTR")
            .contains("2004-08-19,2.017615912,2.040026755,1.943980157,1.966391,108463122.71059011")
    );
}
