//! Hand-made chains, arbitrage-free but for one planted violation each: the scanner finds it
//! with the edge its legs give, and drops it when fees, sizes, a crossed quote or quotes too far
//! apart in time make it impossible to trade.

use chrono::NaiveDate;
use domain::{
    Money, OptionContract, OptionQuote, OptionRight, OptionStyle, Price, Quantity, Symbol,
    UnixNanos,
};

use super::*;

const DF: f64 = 0.99;
const STRIKES: [i64; 5] = [90, 95, 100, 105, 110];

fn at() -> UnixNanos {
    UnixNanos::parse_rfc3339("2024-03-21T15:00:00Z").unwrap()
}

fn spy() -> Symbol {
    Symbol::new("SPY").unwrap()
}

/// The price of a claim on a three-point terminal distribution with mean 100: convex,
/// monotone, and exactly at parity with `DF`.
fn model(right: OptionRight, k: f64) -> f64 {
    let states = [(80.0, 0.25), (100.0, 0.5), (120.0, 0.25)];
    DF * states
        .iter()
        .map(|(s, p)| {
            p * match right {
                OptionRight::Call => (s - k).max(0.0),
                OptionRight::Put => (k - s).max(0.0),
            }
        })
        .sum::<f64>()
}

fn price(x: f64) -> Price {
    evaluate::price_of(x).unwrap()
}

fn quote(
    expiry: NaiveDate,
    style: OptionStyle,
    right: OptionRight,
    k: i64,
    mid: f64,
) -> OptionQuote {
    let c = OptionContract::new(spy(), expiry, right, Price::from_int(k), style, 100).unwrap();
    let mut q = OptionQuote::empty(c, at());
    q.bid = Some(price(mid - 0.05));
    q.ask = Some(price(mid + 0.05));
    q.bid_size = Some(Quantity::from_int(10));
    q.ask_size = Some(Quantity::from_int(7));
    q
}

fn june() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 21).unwrap()
}

fn chain(style: OptionStyle) -> Vec<OptionQuote> {
    let mut out = Vec::new();
    for k in STRIKES {
        for r in [OptionRight::Call, OptionRight::Put] {
            out.push(quote(june(), style, r, k, model(r, k as f64)));
        }
    }
    out
}

fn stock() -> Tradable {
    book::tradable(
        &spy(),
        Some(Price::lit("98.99")),
        Some(Price::lit("99.01")),
        (Some(Quantity::from_int(500)), Some(Quantity::from_int(300))),
        at(),
    )
    .unwrap()
}

fn find(q: &mut [OptionQuote], right: OptionRight, k: i64) -> &mut OptionQuote {
    q.iter_mut()
        .find(|q| q.contract.right == right && q.contract.strike == Price::from_int(k))
        .unwrap()
}

fn shift(q: &mut OptionQuote, by: f64) {
    q.bid = Some(price(q.bid.unwrap().to_f64() + by));
    q.ask = Some(price(q.ask.unwrap().to_f64() + by));
}

fn run(quotes: &[OptionQuote], config: &ScanConfig) -> (Book, ScanReport) {
    let book = Book::new(&spy(), at(), quotes, Some(stock()), 0.04, 0.0);
    let report = scan(&book, config);
    (book, report)
}

fn money(x: f64) -> Money {
    Money::from_price(price(x))
}

fn of(report: &ScanReport, kind: Kind, strikes: &[i64]) -> Option<Finding> {
    let strikes: Vec<Price> = strikes.iter().map(|k| Price::from_int(*k)).collect();
    report
        .findings
        .iter()
        .find(|f| f.spec.kind == kind && f.spec.strikes == strikes)
        .cloned()
}

fn close(a: Money, b: Money) -> bool {
    (a.to_f64() - b.to_f64()).abs() < 1e-6
}

#[test]
fn a_fair_chain_with_spreads_has_nothing() {
    let (book, report) = run(&chain(OptionStyle::European), &ScanConfig::default());
    let s = book.series.values().next().unwrap();
    let f = s.forward.as_ref().unwrap();
    assert!((f.discount_factor - DF).abs() < 1e-9, "{f:?}");
    assert!((f.forward - 100.0).abs() < 1e-6);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert!(report.checked > 50);
}

#[test]
fn an_inverted_call_vertical_is_found_with_its_edge() {
    let mut q = chain(OptionStyle::European);
    let ask95 = find(&mut q, OptionRight::Call, 95).ask.unwrap().to_f64();
    let c100 = find(&mut q, OptionRight::Call, 100);
    c100.bid = Some(price(ask95 + 0.10));
    c100.ask = Some(price(ask95 + 0.20));
    let fees = ScanConfig {
        fees_per_contract: Price::lit("0.65"),
        ..Default::default()
    };
    let (_, report) = run(&q, &fees);
    let f = of(&report, Kind::CallVerticalInverted, &[95, 100]).expect("found");
    // Buy the 95 at its ask, sell the 100 at its bid: 0.10 a share, 100 shares, two fees.
    assert!(
        close(f.evaluation.edge, money(10.0 - 1.30)),
        "{:?}",
        f.evaluation.edge
    );
    // Sized by the top of the book: 7 at the ask of the 95, 10 at the bid of the 100.
    assert_eq!(f.evaluation.sets, Some(7));
    assert!(close(f.total_edge.unwrap(), money(7.0 * 8.70)));
    assert_eq!(
        f.key,
        "call_vertical_inverted +1 SPY240621C00095000 -1 SPY240621C00100000"
    );
    // Fees above the edge: gone.
    let dear = ScanConfig {
        fees_per_contract: Price::lit("5.10"),
        ..Default::default()
    };
    assert!(of(&run(&q, &dear).1, Kind::CallVerticalInverted, &[95, 100]).is_none());
    // No size at the ask of the 95: nothing can be traded.
    let mut empty = q.clone();
    find(&mut empty, OptionRight::Call, 95).ask_size = Some(Quantity::ZERO);
    let (_, r) = run(&empty, &ScanConfig::default());
    assert!(of(&r, Kind::CallVerticalInverted, &[95, 100]).is_none());
    assert!(r.no_size > 0);
    // A crossed 95 is never used.
    let mut crossed = q.clone();
    let c95 = find(&mut crossed, OptionRight::Call, 95);
    c95.bid = Some(price(ask95 + 1.0));
    let (b, r) = run(&crossed, &ScanConfig::default());
    assert!(of(&r, Kind::CallVerticalInverted, &[95, 100]).is_none());
    assert_eq!(b.unusable.get(&Unusable::Crossed), Some(&1));
    // Quotes a minute apart are not one market.
    let mut apart = q.clone();
    find(&mut apart, OptionRight::Call, 95).quoted_at = Some(at().plus(-60_000_000_000));
    let (_, r) = run(&apart, &ScanConfig::default());
    assert!(of(&r, Kind::CallVerticalInverted, &[95, 100]).is_none());
    assert!(r.unpriced.contains_key(&Unpriced::TooFarApart));
}

#[test]
fn a_cheap_box_is_found_against_the_discounted_width() {
    let mut q = chain(OptionStyle::European);
    shift(find(&mut q, OptionRight::Put, 105), -0.60);
    let (book, report) = run(&q, &ScanConfig::default());
    let f = of(&report, Kind::BoxLong, &[95, 105]).expect("found");
    let df = book
        .series
        .values()
        .next()
        .unwrap()
        .forward
        .as_ref()
        .unwrap()
        .discount_factor;
    let leg = |r, k, side: fn(&OptionQuote) -> Price| side(find(&mut q.clone(), r, k)).to_f64();
    let ask = |q: &OptionQuote| q.ask.unwrap();
    let bid = |q: &OptionQuote| q.bid.unwrap();
    let cost = leg(OptionRight::Call, 95, ask) - leg(OptionRight::Call, 105, bid)
        + leg(OptionRight::Put, 105, ask)
        - leg(OptionRight::Put, 95, bid);
    let expected = (10.0 * df - cost) * 100.0;
    assert!(
        (f.evaluation.edge.to_f64() - expected).abs() < 1e-6,
        "{f:?} vs {expected}"
    );
    assert!(expected > 0.0);
    assert_eq!(f.evaluation.discount_factor, Some(df));
    // Fees of a quarter of the edge on each of the four legs, plus a cent: gone.
    let fee = price(expected / 4.0 + 0.01);
    let fees = ScanConfig {
        fees_per_contract: fee,
        ..Default::default()
    };
    assert!(of(&run(&q, &fees).1, Kind::BoxLong, &[95, 105]).is_none());
    let fee = price(expected / 4.0 - 0.01);
    let fees = ScanConfig {
        fees_per_contract: fee,
        ..Default::default()
    };
    assert!(of(&run(&q, &fees).1, Kind::BoxLong, &[95, 105]).is_some());
}

#[test]
fn a_rich_box_is_sold() {
    let mut q = chain(OptionStyle::European);
    shift(find(&mut q, OptionRight::Call, 90), 0.60);
    let (_, report) = run(&q, &ScanConfig::default());
    assert!(of(&report, Kind::BoxShort, &[90, 100]).is_some());
    assert!(of(&report, Kind::BoxLong, &[90, 100]).is_none());
}

#[test]
fn a_rich_call_is_converted_and_a_cheap_one_reversed() {
    let mut q = chain(OptionStyle::European);
    shift(find(&mut q, OptionRight::Call, 100), 0.50);
    let (book, report) = run(&q, &ScanConfig::default());
    let f = of(&report, Kind::Conversion, &[100]).expect("conversion");
    let df = book
        .series
        .values()
        .next()
        .unwrap()
        .forward
        .as_ref()
        .unwrap()
        .discount_factor;
    let c = find(&mut q.clone(), OptionRight::Call, 100)
        .bid
        .unwrap()
        .to_f64();
    let p = find(&mut q.clone(), OptionRight::Put, 100)
        .ask
        .unwrap()
        .to_f64();
    let expected = (c - p - 99.01 + 100.0 * df) * 100.0;
    assert!((f.evaluation.edge.to_f64() - expected).abs() < 1e-6);
    // The stock leg: 100 shares a set, 300 at the ask.
    assert_eq!(f.evaluation.sets, Some(3));
    assert!(f.evaluation.legs[0].is_stock && f.evaluation.legs[0].ratio == 100);

    let mut q = chain(OptionStyle::European);
    shift(find(&mut q, OptionRight::Call, 100), -0.50);
    let (_, report) = run(&q, &ScanConfig::default());
    assert!(of(&report, Kind::Reversal, &[100]).is_some());
    assert!(of(&report, Kind::Conversion, &[100]).is_none());
    // Without the stock's quote there is no conversion or reversal to trade.
    let book = Book::new(&spy(), at(), &q, None, 0.04, 0.0);
    let r = scan(&book, &ScanConfig::default());
    assert!(of(&r, Kind::Reversal, &[100]).is_none());
    assert_eq!(r.unpriced.get(&Unpriced::NoStock), Some(&10));
}

#[test]
fn a_dividend_the_reversal_pays_removes_its_edge() {
    let mut q = chain(OptionStyle::European);
    shift(find(&mut q, OptionRight::Call, 100), -0.50);
    let div = ScanConfig {
        dividends: vec![(
            NaiveDate::from_ymd_opt(2024, 6, 14).unwrap(),
            Price::lit("1.00"),
        )],
        ..Default::default()
    };
    let (_, report) = run(&q, &div);
    assert!(of(&report, Kind::Reversal, &[100]).is_none());
}

#[test]
fn a_concave_butterfly_and_a_too_wide_put_vertical() {
    let mut q = chain(OptionStyle::European);
    shift(find(&mut q, OptionRight::Call, 100), 2.0);
    let (_, report) = run(&q, &ScanConfig::default());
    let f = of(&report, Kind::CallButterfly, &[95, 100, 105]).expect("butterfly");
    let ratios: Vec<u32> = f.evaluation.legs.iter().map(|l| l.ratio).collect();
    assert_eq!(ratios, [1, 2, 1]);

    let mut q = chain(OptionStyle::European);
    shift(find(&mut q, OptionRight::Put, 110), 6.0);
    let (_, report) = run(&q, &ScanConfig::default());
    assert!(of(&report, Kind::PutVerticalTooWide, &[105, 110]).is_some());
}

#[test]
fn an_american_calendar_sold_short_of_its_far_month() {
    let mut q = chain(OptionStyle::American);
    let sept = NaiveDate::from_ymd_opt(2024, 9, 20).unwrap();
    for k in STRIKES {
        for r in [OptionRight::Call, OptionRight::Put] {
            q.push(quote(
                sept,
                OptionStyle::American,
                r,
                k,
                model(r, k as f64) + 1.0,
            ));
        }
    }
    let (_, report) = run(&q, &ScanConfig::default());
    assert!(
        report
            .findings
            .iter()
            .all(|f| !matches!(f.spec.kind, Kind::CallCalendar | Kind::PutCalendar))
    );
    // The June 100 put bid above September's ask.
    shift(find(&mut q, OptionRight::Put, 100), 1.5);
    let (_, report) = run(&q, &ScanConfig::default());
    let f = of(&report, Kind::PutCalendar, &[100]).expect("calendar");
    assert_eq!(f.spec.far.unwrap().expiry, sept);
    assert!(
        close(f.evaluation.edge, money(40.0)),
        "{:?}",
        f.evaluation.edge
    );
}

#[test]
fn american_bounds_do_not_discount_what_early_exercise_can_make_us_pay() {
    let mut q = chain(OptionStyle::American);
    shift(find(&mut q, OptionRight::Put, 110), 6.0);
    let (_, report) = run(&q, &ScanConfig::default());
    let f = of(&report, Kind::PutVerticalTooWide, &[105, 110]).expect("found");
    assert_eq!(f.evaluation.discount_factor, None);
    assert!(close(f.evaluation.payoff_pv, money(-500.0)));
}

#[test]
fn the_same_spec_priced_on_the_next_snapshot() {
    let mut q = chain(OptionStyle::European);
    shift(find(&mut q, OptionRight::Call, 100), 2.0);
    let (_, report) = run(&q, &ScanConfig::default());
    let f = of(&report, Kind::CallButterfly, &[95, 100, 105]).unwrap();
    let (next, _) = run(&chain(OptionStyle::European), &ScanConfig::default());
    let later = evaluate(&f.spec, &next, &ScanConfig::default()).unwrap();
    assert!(later.edge < Money::ZERO);
}

#[test]
fn an_american_box_is_an_arbitrage_only_outside_its_parity_band() {
    // Sold for more than K2 − K1 but less than K2 − K1·DF: not an arbitrage when an early
    // assignment of the short put makes us buy the stock now and sell it for K1 only later.
    // Puts only at 95 and 105: too few strikes for a fit, so the discount factor is the given
    // rate's (4 % over a quarter), and the band is exact.
    let mut q: Vec<OptionQuote> = chain(OptionStyle::American)
        .into_iter()
        .filter(|q| {
            q.contract.right == OptionRight::Call
                || [95, 105].map(Price::from_int).contains(&q.contract.strike)
        })
        .collect();
    shift(find(&mut q, OptionRight::Put, 105), 0.30);
    shift(find(&mut q, OptionRight::Call, 95), 0.30);
    let (book, report) = run(&q, &ScanConfig::default());
    let df = book
        .series
        .values()
        .next()
        .unwrap()
        .forward
        .as_ref()
        .unwrap()
        .discount_factor;
    let f = of(&report, Kind::BoxShort, &[95, 105]);
    let leg = |r, k, bid: bool| {
        let q = q
            .iter()
            .find(|x| x.contract.right == r && x.contract.strike == Price::from_int(k))
            .unwrap();
        if bid {
            q.bid.unwrap().to_f64()
        } else {
            q.ask.unwrap().to_f64()
        }
    };
    let premium = leg(OptionRight::Call, 95, true) - leg(OptionRight::Call, 105, false)
        + leg(OptionRight::Put, 105, true)
        - leg(OptionRight::Put, 95, false);
    assert!(premium > 10.0, "{premium}");
    let bound = 105.0 - 95.0 * df;
    assert_eq!(f.is_some(), premium > bound, "{premium} vs {bound}");
    assert!(f.is_none());
    // Sold above the band's top: found, against that top.
    shift(find(&mut q, OptionRight::Put, 105), 1.0);
    let (_, report) = run(&q, &ScanConfig::default());
    let f = of(&report, Kind::BoxShort, &[95, 105]).expect("found");
    let expected = -(105.0 - 95.0 * df) * 100.0;
    assert!((f.evaluation.payoff_pv.to_f64() - expected).abs() < 1e-6);
}
