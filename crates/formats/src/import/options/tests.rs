//! yfinance chains: rows, findings, errors, skipping, layouts by header.

use std::time::Duration;

use domain::{OptionRight, OptionStyle, Price, Quantity};

use super::*;

pub(super) const YF: &str = ",contractSymbol,lastTradeDate,strike,lastPrice,bid,ask,change,percentChange,\
volume,openInterest,impliedVolatility,inTheMoney,contractSize,currency,optionType,RSI\n";

/// A yfinance row: index, symbol, last trade, strike, last, bid, ask, volume, open interest,
/// IV, contract size, type.
#[allow(clippy::too_many_arguments)]
pub(super) fn yf(
    occ: &str,
    traded: &str,
    strike: &str,
    last: &str,
    bid: &str,
    ask: &str,
    volume: &str,
    oi: &str,
    iv: &str,
    size: &str,
    right: &str,
) -> String {
    format!(
        "0,{occ},{traded},{strike},{last},{bid},{ask},0.0,0.0,{volume},{oi},{iv},1.0,{size},USD,\
         {right},\n"
    )
}

pub(super) fn good(occ: &str, traded: &str, strike: &str, bid: &str, ask: &str) -> String {
    let right = if occ.contains("240802C") { "C" } else { "P" };
    yf(
        occ, traded, strike, "1.5", bid, ask, "12.0", "19.0", "0.25", "REGULAR", right,
    )
}

pub(super) const LQ: &str = "timestamp_et,underlying,right,style,strike,expiry,bid_open,bid_high,bid_low,\
bid_close,bid_size,ask_open,ask_high,ask_low,ask_close,ask_size\n";
pub(super) const LT: &str =
    "timestamp_et,underlying,right,style,strike,expiry,open,high,low,close,volume\n";

pub(super) fn read(text: &str, o: &OptionReadOptions) -> Result<OptionReadResult, ImportError> {
    read_options_from(Path::new("t.csv"), &mut text.as_bytes(), o)
}

pub(super) fn ok(text: &str) -> OptionReadResult {
    read(text, &OptionReadOptions::default()).unwrap()
}

pub(super) fn err(text: &str) -> String {
    read(text, &OptionReadOptions::default())
        .unwrap_err()
        .to_string()
}

pub(super) fn t(text: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(text).unwrap()
}

pub(super) fn p(text: &str) -> Price {
    text.parse().unwrap()
}

pub(super) fn q(text: &str) -> Quantity {
    text.parse().unwrap()
}

pub(super) fn lines(r: &OptionReadResult, kind: FindingKind) -> (u64, Vec<u64>) {
    match r.report.findings.get(kind) {
        Some(f) => (f.count, f.lines.clone()),
        None => (0, Vec::new()),
    }
}

#[test]
fn a_yfinance_row_is_one_snapshot_at_the_latest_trade() {
    let text = format!(
        "{YF}{}{}",
        good(
            "AAPL240802P00120000",
            "2024-07-30 15:00:00+00:00",
            "120.0",
            "0.5",
            "0.6"
        ),
        good(
            "AAPL240802C00100000",
            "2024-07-29 16:08:35+00:00",
            "100.0",
            "120.75",
            "122.55"
        ),
    );
    let r = ok(&text);
    assert_eq!(r.report.layout, OptionLayout::YfinanceChain);
    assert_eq!(r.report.rows, 2);
    assert_eq!(r.report.snapshot_at, Some(t("2024-07-30T15:00:00Z")));
    // Ordered by (ts, OCC): the call first.
    let c = &r.quotes[0];
    assert_eq!(c.contract.occ.as_str(), "AAPL240802C00100000");
    assert_eq!(c.contract.underlying.as_str(), "AAPL");
    assert_eq!(c.contract.strike, p("100"));
    assert_eq!(c.contract.right, OptionRight::Call);
    assert_eq!(c.contract.style, OptionStyle::American);
    assert_eq!(c.contract.multiplier, 100);
    assert_eq!(c.ts, t("2024-07-30T15:00:00Z"));
    assert_eq!(c.last_trade_at, Some(t("2024-07-29T16:08:35Z")));
    assert_eq!(
        (c.bid, c.ask, c.last),
        (Some(p("120.75")), Some(p("122.55")), Some(p("1.5")))
    );
    assert_eq!((c.volume, c.open_interest), (Some(q("12")), Some(q("19"))));
    assert_eq!(c.iv, Some(0.25));
    assert_eq!((c.bid_size, c.quoted_at, c.delta), (None, None, None));
    assert_eq!(r.quotes[1].contract.right, OptionRight::Put);
    assert!(r.report.findings.is_empty());
}

#[test]
fn at_sets_the_snapshot_time_and_underlying_replaces_the_root() {
    let text = format!(
        "{YF}{}",
        good(
            "AAPL1240802C00100000",
            "2024-07-29 16:08:35+00:00",
            "100.0",
            "1",
            "2"
        )
    );
    let o = OptionReadOptions {
        at: Some(t("2024-07-31T20:00:00Z")),
        underlying: Some(Symbol::new("AAPL").unwrap()),
        ..OptionReadOptions::default()
    };
    let r = read(&text, &o).unwrap();
    let c = &r.quotes[0];
    assert_eq!(c.ts, t("2024-07-31T20:00:00Z"));
    assert_eq!(r.report.snapshot_at, Some(t("2024-07-31T20:00:00Z")));
    assert_eq!(c.contract.occ.as_str(), "AAPL1240802C00100000");
    assert_eq!(c.contract.underlying.as_str(), "AAPL");
}

#[test]
fn yfinance_findings_are_counted_with_their_first_lines() {
    let snap = "2024-07-31 20:00:00+00:00";
    let mut text = String::from(YF);
    // line 2: the latest trade, sets the snapshot time; nothing to say.
    text += &good("SPY240802C00500000", snap, "500.0", "1.0", "1.1");
    // line 3: zero bid; line 4: zero bid and zero ask.
    text += &good("SPY240802C00600000", snap, "600.0", "0.0", "0.01");
    text += &good("SPY240802C00700000", snap, "700.0", "0.0", "0.0");
    // line 5: crossed.
    text += &good("SPY240802C00510000", snap, "510.0", "2.0", "1.5");
    // line 6: empty volume and bid (an empty bid is unknown, not zero).
    text += &yf(
        "SPY240802C00520000",
        snap,
        "520.0",
        "1.0",
        "",
        "1.2",
        "",
        "3.0",
        "0.2",
        "REGULAR",
        "C",
    );
    // line 7: traded 6 days before the snapshot: stale; line 8: 4 days: not stale.
    text += &good(
        "SPY240802C00530000",
        "2024-07-25 19:00:00+00:00",
        "530.0",
        "1.0",
        "1.1",
    );
    text += &good(
        "SPY240802C00540000",
        "2024-07-27 21:00:00+00:00",
        "540.0",
        "1.0",
        "1.1",
    );
    let r = ok(&text);
    assert_eq!(r.report.rows, 7);
    assert_eq!(lines(&r, FindingKind::ZeroBid), (2, vec![3, 4]));
    assert_eq!(lines(&r, FindingKind::ZeroAsk), (1, vec![4]));
    assert_eq!(lines(&r, FindingKind::Crossed), (1, vec![5]));
    assert_eq!(lines(&r, FindingKind::EmptyField), (1, vec![6]));
    assert_eq!(lines(&r, FindingKind::StaleTrade), (1, vec![7]));
    assert_eq!(lines(&r, FindingKind::TradeAfterSnapshot), (0, vec![]));
    let empty: Vec<(&str, u64)> = r
        .report
        .findings
        .empty_columns
        .iter()
        .map(|(c, n)| (c.as_str(), *n))
        .collect();
    assert_eq!(empty, [("bid", 1), ("volume", 1)]);
    let row6 = r
        .quotes
        .iter()
        .find(|q| q.contract.occ.as_str() == "SPY240802C00520000")
        .unwrap();
    assert_eq!((row6.bid, row6.volume), (None, None));
    let zero = r
        .quotes
        .iter()
        .find(|q| q.contract.occ.as_str() == "SPY240802C00700000")
        .unwrap();
    assert_eq!((zero.bid, zero.ask), (Some(Price::ZERO), Some(Price::ZERO)));

    // A shorter threshold makes the 4-day-old trade stale too; an earlier --at puts trades
    // after the snapshot.
    let short = OptionReadOptions {
        stale_after: Duration::from_secs(3 * 86_400),
        ..OptionReadOptions::default()
    };
    let r = read(&text, &short).unwrap();
    assert_eq!(lines(&r, FindingKind::StaleTrade), (2, vec![7, 8]));
    let early = OptionReadOptions {
        at: Some(t("2024-07-31T00:00:00Z")),
        ..OptionReadOptions::default()
    };
    let r = read(&text, &early).unwrap();
    assert_eq!(lines(&r, FindingKind::TradeAfterSnapshot).0, 5);
    assert_eq!(lines(&r, FindingKind::StaleTrade), (1, vec![7]));
}

#[test]
fn findings_keep_only_the_first_lines() {
    let mut text = String::from(YF);
    for k in 0..8 {
        text += &good(
            &format!("SPY240802C00{}000", 500 + k),
            "2024-07-31 20:00:00+00:00",
            &format!("{}.0", 500 + k),
            "0.0",
            "0.05",
        );
    }
    let r = ok(&text);
    let f = r.report.findings.get(FindingKind::ZeroBid).unwrap();
    assert_eq!(f.count, 8);
    assert_eq!(f.lines, [2, 3, 4, 5, 6]);
}

#[test]
fn yfinance_errors_name_file_line_and_field() {
    let traded = "2024-07-31 20:00:00+00:00";
    let row = |occ: &str, strike: &str| good(occ, traded, strike, "1.0", "1.1");
    let first = row("SPY240802C00500000", "500.0");
    let cases: Vec<(String, &str)> = vec![
        (
            row("SPY24080XC00500000", "500.0"),
            "t.csv:3: contractSymbol: \"SPY24080XC00500000\" is not an OCC option symbol",
        ),
        (
            row("SPY240802C00510000", "515.0"),
            "t.csv:3: strike: 515 is not the strike of SPY240802C00510000 (510)",
        ),
        (
            good("SPY240802C00510000", traded, "510.0", "1.2x", "1.3"),
            "t.csv:3: bid: \"1.2x\"",
        ),
        (
            good("SPY240802C00510000", traded, "510.0", "-1.2", "1.3"),
            "t.csv:3: bid: negative price -1.2",
        ),
        (
            good("SPY240802C00510000", "yesterday", "510.0", "1.0", "1.1"),
            "t.csv:3: lastTradeDate:",
        ),
        (
            yf(
                "SPY240802C00510000",
                traded,
                "510.0",
                "1",
                "1",
                "1",
                "1",
                "1",
                "abc",
                "REGULAR",
                "C",
            ),
            "t.csv:3: impliedVolatility: \"abc\" is not a number",
        ),
        (
            yf(
                "SPY240802C00510000",
                traded,
                "510.0",
                "1",
                "1",
                "1",
                "1",
                "1",
                "0.2",
                "MINI",
                "C",
            ),
            "t.csv:3: contractSize: \"MINI\" is not a contract size",
        ),
        (
            yf(
                "SPY240802C00510000",
                traded,
                "510.0",
                "1",
                "1",
                "1",
                "1",
                "1",
                "0.2",
                "REGULAR",
                "P",
            ),
            "t.csv:3: optionType: put is not the right of SPY240802C00510000 (call)",
        ),
        (
            row("SPY240802C00500000", "500.0"),
            "t.csv:3: contractSymbol: SPY240802C00500000 again (the first is on line 2)",
        ),
        (
            "0,SPY240802C00510000,1\n".to_string(),
            "t.csv:3: row: expected 17 fields as in the header, found 3",
        ),
    ];
    for (bad, want) in cases {
        let text = format!("{YF}{first}{bad}{first}");
        let e = err(&text);
        assert!(e.starts_with(want), "{e}\n  wanted {want}");
        // Skipping, the bad row is counted and the others are kept (the third line repeats
        // the first, so it is refused as well, at line 4).
        let skip = OptionReadOptions {
            skip_invalid: true,
            ..OptionReadOptions::default()
        };
        let r = read(&text, &skip).unwrap();
        assert_eq!(r.report.rows, 1, "{want}");
        let lines: Vec<u64> = r.report.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, [3, 4], "{want}");
    }
}

#[test]
fn skip_invalid_counts_bad_rows_and_keeps_the_rest() {
    let traded = "2024-07-31 20:00:00+00:00";
    let text = format!(
        "{YF}{}{}{}{}",
        good("SPY240802C00500000", traded, "500.0", "1.0", "1.1"),
        good("SPY240802C00510000", traded, "511.0", "1.0", "1.1"),
        good("SPY240802C00520000", traded, "520.0", "x", "1.1"),
        good("SPY240802C00530000", traded, "530.0", "0.0", "1.1"),
    );
    assert!(err(&text).starts_with("t.csv:3: strike:"));
    let skip = OptionReadOptions {
        skip_invalid: true,
        ..OptionReadOptions::default()
    };
    let r = read(&text, &skip).unwrap();
    assert_eq!(r.report.rows, 2);
    let skipped: Vec<(u64, &str)> = r
        .report
        .skipped
        .iter()
        .map(|s| (s.line, s.field.as_str()))
        .collect();
    assert_eq!(skipped, [(3, "strike"), (4, "bid")]);
    // Findings count kept rows only.
    assert_eq!(lines(&r, FindingKind::ZeroBid), (1, vec![5]));
}

#[test]
fn headers_tell_the_layout_or_list_the_known_ones() {
    let e = err("date,open,high,low,close,volume\n2024-01-02,1,1,1,1,1\n");
    assert!(
        e.starts_with("t.csv:1: header: not a known option file layout"),
        "{e}"
    );
    for name in [
        "yfinance (contractSymbol",
        "lean_quote (timestamp_et",
        "lean_trade (",
    ] {
        assert!(e.contains(name), "{e}");
    }
    let e = err(",contractSymbol,lastTradeDate,strike,lastPrice,bid,ask\n");
    assert!(
        e.starts_with("t.csv:1: header: no volume column (a yfinance file has"),
        "{e}"
    );
    let e = err("timestamp_et,underlying,right,strike,expiry,bid_close,ask_close\n");
    assert!(e.starts_with("t.csv:1: header: no bid_open column"), "{e}");
    assert!(err("").starts_with("t.csv:1: header: empty file"));
    let r = ok(YF);
    assert_eq!((r.report.rows, r.report.snapshot_at), (0, None));
    assert_eq!(ok(LT).report.layout, OptionLayout::LeanTradeBars);
    assert_eq!(ok(LQ).report.layout, OptionLayout::LeanQuoteBars);
}

#[test]
fn a_chain_without_any_time_needs_at() {
    let text = format!(
        "{YF}{}",
        good("SPY240802C00500000", "", "500.0", "1.0", "1.1")
    );
    assert!(err(&text).starts_with("t.csv:1: lastTradeDate: no snapshot time"));
    let o = OptionReadOptions {
        at: Some(t("2024-07-31T20:00:00Z")),
        ..OptionReadOptions::default()
    };
    let r = read(&text, &o).unwrap();
    assert_eq!(r.quotes[0].last_trade_at, None);
    assert_eq!(lines(&r, FindingKind::EmptyField), (1, vec![2]));
}
