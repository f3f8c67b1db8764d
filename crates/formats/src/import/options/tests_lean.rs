//! LEAN option bars, the overlay of layouts, and the real files.

use domain::{OptionStyle, Symbol};

use super::tests::{LQ, LT, err, lines, ok, p, q, read, t};
use super::*;
use crate::import::tests::data_dir;

#[test]
fn lean_quote_bars_are_snapshots_at_the_end_of_the_minute() {
    let text = format!(
        "{LQ}2023-08-03T09:30:00-04:00,SPY,call,american,430,2023-09-01,21.19,22.12,20.19,22.12,20,24.19,25.19,22.86,23.18,66\n\
         2023-08-03T09:31:00-04:00,SPX,put,european,4300,2023-09-15,1,1,1,2.5,3,2,2,2,2.4,4\n"
    );
    let r = ok(&text);
    assert_eq!(r.report.layout, OptionLayout::LeanQuoteBars);
    assert_eq!(r.report.snapshot_at, None);
    let a = &r.quotes[0];
    assert_eq!(a.contract.occ.as_str(), "SPY230901C00430000");
    assert_eq!(a.contract.style, OptionStyle::American);
    assert_eq!(a.ts, t("2023-08-03T13:31:00Z"));
    assert_eq!(a.quoted_at, Some(a.ts));
    assert_eq!((a.bid, a.ask), (Some(p("22.12")), Some(p("23.18"))));
    assert_eq!((a.bid_size, a.ask_size), (Some(q("20")), Some(q("66"))));
    assert_eq!((a.last, a.volume, a.last_trade_at), (None, None, None));
    let b = &r.quotes[1];
    assert_eq!(b.contract.occ.as_str(), "SPX230915P04300000");
    assert_eq!(b.contract.style, OptionStyle::European);
    assert_eq!(lines(&r, FindingKind::Crossed), (1, vec![3]));

    let o = OptionReadOptions {
        underlying: Some(Symbol::new("SPXW").unwrap()),
        ..OptionReadOptions::default()
    };
    let r = read(&text, &o).unwrap();
    assert_eq!(r.quotes[1].contract.underlying.as_str(), "SPXW");
    assert_eq!(r.quotes[1].contract.occ.as_str(), "SPX230915P04300000");
}

#[test]
fn lean_trade_bars_carry_only_the_trade() {
    let text = format!(
        "{LT}2023-08-03T10:23:00-04:00,SPY,put,american,470,2023-09-01,21.93,21.93,21.93,21.93,17\n"
    );
    let r = ok(&text);
    let a = &r.quotes[0];
    assert_eq!(a.contract.occ.as_str(), "SPY230901P00470000");
    assert_eq!(a.ts, t("2023-08-03T14:24:00Z"));
    assert_eq!(a.last_trade_at, Some(a.ts));
    assert_eq!((a.last, a.volume), (Some(p("21.93")), Some(q("17"))));
    assert_eq!((a.bid, a.ask, a.quoted_at), (None, None, None));
    assert!(r.report.findings.is_empty());
}

#[test]
fn lean_errors_name_file_line_and_field() {
    let row = "2023-08-03T10:23:00-04:00,SPY,put,american,470,2023-09-01,1,1,1,1,17";
    let cases = [
        (
            row.replace("2023-09-01", "2023-13-01"),
            "t.csv:2: expiry: \"2023-13-01\" is not a YYYY-MM-DD date",
        ),
        (
            row.replace("put", "straddle"),
            "t.csv:2: right: \"straddle\" is not call or put",
        ),
        (
            row.replace("american", "bermudan"),
            "t.csv:2: style: \"bermudan\" is not american or european",
        ),
        (
            row.replace("2023-08-03T10:23", "2023-08-33T10:23"),
            "t.csv:2: timestamp_et:",
        ),
        (
            row.replace(",470,", ",0,"),
            "t.csv:2: strike: 0 is not a positive multiple",
        ),
        (
            row.replace(",1,1,1,1,", ",1,one,1,1,"),
            "t.csv:2: high: \"one\"",
        ),
        (row.replace(",17", ",-17"), "t.csv:2: volume: negative -17"),
    ];
    for (bad, want) in cases {
        let e = err(&format!("{LT}{bad}\n"));
        assert!(e.starts_with(want), "{e}\n  wanted {want}");
    }
    let e = err(&format!("{LT}{row}\n{row}\n"));
    assert!(
        e.starts_with("t.csv:3: row: a second snapshot of SPY230901P00470000"),
        "{e}"
    );
}

#[test]
fn each_layout_overlays_only_its_own_fields() {
    let quote = ok(&format!(
        "{LQ}2023-08-03T10:23:00-04:00,SPY,put,american,470,2023-09-01,1,1,1,1.5,3,2,2,2,2.5,4\n"
    ))
    .quotes
    .remove(0);
    let trade = ok(&format!(
        "{LT}2023-08-03T10:23:00-04:00,SPY,put,american,470,2023-09-01,2,2,2,2.1,17\n"
    ))
    .quotes
    .remove(0);
    let both = OptionLayout::LeanTradeBars.overlay(&quote, trade.clone());
    assert_eq!((both.bid, both.ask), (Some(p("1.5")), Some(p("2.5"))));
    assert_eq!(
        (both.bid_size, both.quoted_at),
        (Some(q("3")), quote.quoted_at)
    );
    assert_eq!((both.last, both.volume), (Some(p("2.1")), Some(q("17"))));
    // The other way round gives the same snapshot.
    assert_eq!(
        OptionLayout::LeanQuoteBars.overlay(&trade, quote.clone()),
        both
    );
    // A yfinance chain replaces what it carries, even with unknown (None).
    let mut chain = OptionQuote::empty(quote.contract.clone(), quote.ts);
    chain.iv = Some(0.3);
    let over = OptionLayout::YfinanceChain.overlay(&both, chain);
    assert_eq!((over.bid, over.last, over.iv), (None, None, Some(0.3)));
    assert_eq!(over.bid_size, Some(q("3")));
}

#[test]
fn a_last_line_without_newline_is_read_with_a_warning() {
    let text =
        format!("{LT}2023-08-03T10:23:00-04:00,SPY,put,american,470,2023-09-01,2,2,2,2.1,17");
    let r = ok(&text);
    assert_eq!(r.report.rows, 1);
    assert_eq!(r.report.warnings.len(), 1);
}

/// The real files of `shared/data/options` (see its README; the counts were checked with a
/// Python script over the CSV as well).
#[test]
fn the_real_files() {
    let dir = data_dir().join("options");
    let o = OptionReadOptions::default();
    let chain = read_options(
        &dir.join("watstreet_options_chains_yfinance_2024-08.csv"),
        &o,
    )
    .unwrap();
    let r = &chain.report;
    assert_eq!(
        (r.layout, r.rows, r.skipped.len()),
        (OptionLayout::YfinanceChain, 3003, 0)
    );
    assert_eq!(r.snapshot_at, Some(t("2024-07-31T20:14:59Z")));
    // The README's 836 rows with bid or ask 0 are the zero bids: every zero ask (20) has a zero
    // bid too. Its 97 rows with empty fields are 83 empty volumes and 14 rows whose only empty
    // field is the added RSI column, which is not read.
    let counts: Vec<(FindingKind, u64)> = r.findings.iter().map(|f| (f.kind, f.count)).collect();
    assert_eq!(
        counts,
        [
            (FindingKind::ZeroBid, 836),
            (FindingKind::ZeroAsk, 20),
            (FindingKind::EmptyField, 83),
            (FindingKind::StaleTrade, 640),
        ]
    );
    assert_eq!(
        r.findings.get(FindingKind::ZeroBid).unwrap().lines,
        [43, 44, 45, 46, 47]
    );
    assert_eq!(
        r.findings.get(FindingKind::StaleTrade).unwrap().lines,
        [3, 52, 53, 54, 57]
    );
    assert_eq!(r.findings.empty_columns.get("volume"), Some(&83));

    let quotes = read_options(&dir.join("lean_spy_options_1min_quote_2023-08-03.csv"), &o).unwrap();
    assert_eq!(
        (quotes.report.rows, quotes.report.findings.is_empty()),
        (1620, true)
    );
    let trades = read_options(&dir.join("lean_spy_options_1min_trade_2023-08-03.csv"), &o).unwrap();
    assert_eq!(
        (trades.report.rows, trades.report.findings.is_empty()),
        (190, true)
    );
    assert_eq!(quotes.quotes[0].ts, t("2023-08-03T13:31:00Z"));
    assert_eq!(quotes.quotes.last().unwrap().ts, t("2023-08-03T20:15:00Z"));
}
