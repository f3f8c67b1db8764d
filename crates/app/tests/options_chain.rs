//! `options chain` on a hand-made chain, on SQLite and PostgreSQL: every status a contract can
//! get, each from the one defect planted in it, and the IV of the clean contracts back to the
//! volatility that priced them, on the forward the chain's own parity gives.

use app::options::chain::{ChainRequest, chain};
use chrono::NaiveDate;
use domain::{OptionContract, OptionQuote, OptionRight, OptionStyle, Price, Quantity, Symbol};
use options::IvStatus;
use options::bsm::Bsm;
use store::Store;
use testkit::{TestDb, conformance, t};

conformance!(every_status_from_its_own_defect);

fn xyz() -> Symbol {
    Symbol::new("XYZ").unwrap()
}

fn quote(
    expiry: NaiveDate,
    right: OptionRight,
    k: f64,
    bid: Option<f64>,
    ask: Option<f64>,
) -> OptionQuote {
    let p = |x: f64| Price::from_raw((x * 1e9).round() as i64);
    let c = OptionContract::new(xyz(), expiry, right, p(k), OptionStyle::European, 100).unwrap();
    let mut q = OptionQuote::empty(c, t("2024-03-21T20:30:00Z"));
    q.bid = bid.map(p);
    q.ask = ask.map(p);
    q.bid_size = Some(Quantity::from_int(5));
    q.ask_size = Some(Quantity::from_int(5));
    q.quoted_at = Some(q.ts);
    q
}

fn every_status_from_its_own_defect(db: &TestDb) {
    let at = t("2024-03-21T20:30:00Z");
    let june = NaiveDate::from_ymd_opt(2024, 6, 21).unwrap();
    let years = options::expiry::years_to_expiry(at, june).unwrap();
    // Spot 100, r 4 %, no dividend, σ 25 %: a chain exactly at parity, a cent either side.
    let priced = |right, k: f64| {
        Bsm::new(100.0, k, years, 0.04, 0.0)
            .unwrap()
            .price(0.25, right)
            .unwrap()
    };
    let mut quotes = Vec::new();
    for k in [90.0, 95.0, 100.0, 105.0, 110.0] {
        for right in [OptionRight::Call, OptionRight::Put] {
            let m = priced(right, k);
            quotes.push(quote(june, right, k, Some(m - 0.01), Some(m + 0.01)));
        }
    }
    let defect = |k: f64, right, bid, ask| quote(june, right, k, bid, ask);
    quotes.push(defect(80.0, OptionRight::Put, None, Some(0.05))); // no bid
    quotes.push(defect(120.0, OptionRight::Call, Some(0.30), Some(0.20))); // crossed
    let mut stale = defect(115.0, OptionRight::Call, Some(0.50), Some(0.60));
    stale.quoted_at = Some(at.plus(-10 * 60_000_000_000));
    quotes.push(stale);
    quotes.push(defect(50.0, OptionRight::Call, Some(45.0), Some(45.02))); // below intrinsic
    quotes.push(defect(85.0, OptionRight::Call, Some(101.0), Some(101.5))); // above the spot
    // Expiring today at 16:00 New York, half an hour ago.
    let today = NaiveDate::from_ymd_opt(2024, 3, 21).unwrap();
    quotes.push(quote(today, OptionRight::Call, 100.0, Some(1.0), Some(1.1)));
    // A September expiry with one strike: no parity fit, and no spot to fall back on.
    let sept = NaiveDate::from_ymd_opt(2024, 9, 20).unwrap();
    quotes.push(quote(sept, OptionRight::Call, 100.0, Some(6.0), Some(6.1)));
    db.with(|s: &mut dyn Store| s.upsert_options(&quotes, None))
        .unwrap();

    let req = ChainRequest {
        underlying: xyz(),
        at,
        max_age: 15 * 60_000_000_000,
        stale_after_seconds: 300.0,
        rate: 0.0,
        dividend_yield: 0.0,
    };
    let view = db.with(|s: &mut dyn Store| chain(s, &req)).unwrap();
    assert_eq!((view.spot, view.spot_source), (None, "none"));
    let status = |occ: &str| {
        view.expiries
            .iter()
            .flat_map(|e| &e.contracts)
            .find(|c| c.occ.as_str() == occ)
            .unwrap_or_else(|| panic!("{occ}"))
            .status
    };
    assert_eq!(status("XYZ240621P00080000"), IvStatus::NoBid);
    assert_eq!(status("XYZ240621C00120000"), IvStatus::Crossed);
    assert_eq!(status("XYZ240621C00115000"), IvStatus::Stale);
    assert_eq!(status("XYZ240621C00050000"), IvStatus::BelowIntrinsic);
    assert_eq!(status("XYZ240621C00085000"), IvStatus::AboveMaximum);
    assert_eq!(status("XYZ240321C00100000"), IvStatus::Expired);
    assert_eq!(status("XYZ240920C00100000"), IvStatus::NoForward);
    // The clean strikes: the forward from their parity, and σ = 25 % back from each mid.
    let june_view = view.expiries.iter().find(|e| e.expiry == june).unwrap();
    let f = june_view.forward.as_ref().unwrap();
    assert!(matches!(
        f.source,
        options::forward::ForwardSource::Parity { strikes: 5, .. }
    ));
    assert!(
        (f.discount_factor - (-0.04 * years).exp()).abs() < 1e-9,
        "{f:?}"
    );
    assert!(
        (f.forward - 100.0 * (0.04 * years).exp()).abs() < 1e-6,
        "{f:?}"
    );
    let clean: Vec<_> = june_view
        .contracts
        .iter()
        .filter(|c| {
            [90, 95, 100, 105, 110]
                .iter()
                .any(|k| c.strike == Price::from_int(*k))
        })
        .collect();
    assert_eq!(clean.len(), 10);
    for c in clean {
        assert_eq!(c.status, IvStatus::Ok, "{c:?}");
        assert!((c.iv.unwrap() - 0.25).abs() < 1e-7, "{c:?}");
        assert!(c.delta.is_some() && c.rho.is_some());
    }
}
