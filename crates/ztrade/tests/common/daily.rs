//! Daily bars in and out through the binary, as the adjustment tests do it.

use testkit::Cli;

/// `data import FILE --symbol SYMBOL --timeframe 1d`, which must succeed.
pub fn import_daily(db: &Cli, file: &str, symbol: &str) {
    db.ok(&[
        "data",
        "import",
        file,
        "--symbol",
        symbol,
        "--timeframe",
        "1d",
    ]);
}

/// `symbol`'s daily bars as CSV, exported to stdout with `extra` arguments (`--adjust`, …).
pub fn export_daily(db: &Cli, symbol: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "data",
        "export",
        "--symbol",
        symbol,
        "--timeframe",
        "1d",
        "--format",
        "csv",
        "--out",
        "-",
    ];
    args.extend_from_slice(extra);
    db.ok(&args)
}
