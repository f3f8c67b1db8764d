//! Option chain import over the real files of `shared/data/options`, on SQLite and PostgreSQL:
//! counts as checked by hand (a Python script over the CSV), re-imports that change nothing,
//! trade bars merged into the stored quote bars, and a refused file that stores nothing.

use std::path::PathBuf;

use app::options::import::{OptionImport, OptionImportRequest, import};
use domain::{Price, Quantity, Symbol};
use formats::import::options::{FindingKind, OptionLayout};
use store::{Store, UpsertCounts};
use testkit::{TestDb, conformance, shared_data, t};

conformance!(
    the_yfinance_chain_with_its_findings,
    lean_trade_bars_merge_into_the_stored_quote_bars,
    a_refused_file_stores_nothing,
);

fn data(name: &str) -> PathBuf {
    shared_data().join("options").join(name)
}

fn run(db: &TestDb, req: &OptionImportRequest) -> Result<OptionImport, app::AppError> {
    db.with(|s: &mut dyn Store| import(s, req))
}

fn counts(inserted: u64, updated: u64, unchanged: u64, skipped: u64) -> UpsertCounts {
    UpsertCounts {
        inserted,
        updated,
        unchanged,
        skipped,
    }
}

fn the_yfinance_chain_with_its_findings(db: &TestDb) {
    let req = OptionImportRequest::new(data("watstreet_options_chains_yfinance_2024-08.csv"));
    let first = run(db, &req).unwrap();
    assert_eq!(first.read.layout, OptionLayout::YfinanceChain);
    assert_eq!(first.counts, counts(3003, 0, 0, 0));
    assert_eq!(first.read.snapshot_at, Some(t("2024-07-31T20:14:59Z")));
    // The README counts 836 rows with bid or ask 0: those are the 836 zero bids, since each of
    // the 20 zero asks is on a row whose bid is 0 too. It counts 97 rows with empty fields: 83
    // rows have an empty volume, and 14 have only the RSI column (added by the repository's
    // author, not read) empty. Stale means a last trade more than 5 days before the snapshot.
    let f = &first.read.findings;
    let found: Vec<(FindingKind, u64)> = f.iter().map(|x| (x.kind, x.count)).collect();
    assert_eq!(
        found,
        [
            (FindingKind::ZeroBid, 836),
            (FindingKind::ZeroAsk, 20),
            (FindingKind::EmptyField, 83),
            (FindingKind::StaleTrade, 640),
        ]
    );
    assert_eq!(
        f.get(FindingKind::EmptyField).unwrap().lines,
        [52, 57, 101, 102, 284]
    );
    assert_eq!(
        f.get(FindingKind::ZeroAsk).unwrap().lines,
        [276, 487, 613, 624, 912]
    );

    let again = run(db, &req).unwrap();
    assert_eq!(again.counts, counts(0, 0, 3003, 0));

    let aapl = db
        .with(|s| s.options(&Symbol::new("AAPL").unwrap(), None, None))
        .unwrap();
    assert_eq!(aapl.len(), 98);
    let c = aapl
        .iter()
        .find(|q| q.contract.occ.as_str() == "AAPL240802C00100000")
        .unwrap();
    assert_eq!(c.ts, t("2024-07-31T20:14:59Z"));
    assert_eq!((c.bid, c.ask), (Some(p("120.75")), Some(p("122.55"))));
    assert_eq!(c.last, Some(p("118.68")));
    assert_eq!(c.open_interest, Some("19".parse::<Quantity>().unwrap()));
}

fn lean_trade_bars_merge_into_the_stored_quote_bars(db: &TestDb) {
    let quotes = OptionImportRequest::new(data("lean_spy_options_1min_quote_2023-08-03.csv"));
    let trades = OptionImportRequest::new(data("lean_spy_options_1min_trade_2023-08-03.csv"));
    let q = run(db, &quotes).unwrap();
    assert_eq!(q.read.layout, OptionLayout::LeanQuoteBars);
    assert_eq!(q.counts, counts(1620, 0, 0, 0));
    assert!(q.read.findings.is_empty());
    // Every trade bar falls on a minute the quote bars have: each updates a stored snapshot.
    let tr = run(db, &trades).unwrap();
    assert_eq!(tr.read.layout, OptionLayout::LeanTradeBars);
    assert_eq!(tr.counts, counts(0, 190, 0, 0));
    assert_eq!(run(db, &trades).unwrap().counts, counts(0, 0, 190, 0));
    assert_eq!(run(db, &quotes).unwrap().counts, counts(0, 0, 1620, 0));

    let spy = db
        .with(|s| s.options(&Symbol::new("SPY").unwrap(), None, None))
        .unwrap();
    assert_eq!(spy.len(), 1620);
    assert_eq!(spy.iter().filter(|s| s.last.is_some()).count(), 190);
    assert!(spy.iter().all(|s| s.bid.is_some() && s.ask.is_some()));
    // The trade bar 10:23 ET of the 470 put (close 21.93, volume 17) is the snapshot at 10:24,
    // beside that minute's quote bar closes.
    let put = spy
        .iter()
        .find(|s| {
            s.contract.occ.as_str() == "SPY230901P00470000" && s.ts == t("2023-08-03T14:24:00Z")
        })
        .unwrap();
    assert_eq!(put.last, Some(p("21.93")));
    assert_eq!(put.volume, Some("17".parse::<Quantity>().unwrap()));
    let (bid, ask) = quote_closes("2023-08-03T10:23:00-04:00,SPY,put,american,470,");
    assert_eq!((put.bid, put.ask), (Some(bid), Some(ask)));
}

/// The bid and ask closes of the quote-bar row starting with `prefix`, read from the file
/// without the importer.
fn quote_closes(prefix: &str) -> (Price, Price) {
    let text = std::fs::read_to_string(data("lean_spy_options_1min_quote_2023-08-03.csv")).unwrap();
    let row = text.lines().find(|l| l.starts_with(prefix)).unwrap();
    let f: Vec<&str> = row.split(',').collect();
    (p(f[9]), p(f[14]))
}

fn a_refused_file_stores_nothing(db: &TestDb) {
    let text = std::fs::read_to_string(data("lean_spy_options_1min_trade_2023-08-03.csv")).unwrap();
    let file = db.path("bad.csv");
    std::fs::write(
        &file,
        format!("{text}2023-08-03T16:00:00-04:00,SPY,put,american,470,2023-09-01,1,1,1,x,1\n"),
    )
    .unwrap();
    let mut req = OptionImportRequest::new(&file);
    let e = run(db, &req).unwrap_err().to_string();
    assert!(e.contains("bad.csv:192: close: \"x\""), "{e}");
    let spy = db
        .with(|s| s.options(&Symbol::new("SPY").unwrap(), None, None))
        .unwrap();
    assert!(spy.is_empty());

    req.skip_invalid = true;
    let r = run(db, &req).unwrap();
    assert_eq!(r.counts, counts(190, 0, 0, 1));
    assert_eq!(r.read.skipped[0].line, 192);
}

fn p(text: &str) -> Price {
    text.parse().unwrap()
}
