//! Daily bars in and out through the binary, as the adjustment tests do it.

use testkit::Cli;

/// `data import FILE --symbol SYMBOL --timeframe 1d`, which must succeed.
pub fn import_daily(db: &Cli, file: &str, symbol: &str) {
    import_daily_with(db, file, symbol, &[]);
}

/// [`import_daily`] with `extra` arguments (`--skip-invalid`, …).
pub fn import_daily_with(db: &Cli, file: &str, symbol: &str, extra: &[&str]) {
    let mut args = vec![
        "data",
        "import",
        file,
        "--symbol",
        symbol,
        "--timeframe",
        "1d",
    ];
    args.extend_from_slice(extra);
    db.ok(&args);
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
