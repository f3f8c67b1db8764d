//! Tests of exact parsing, printing, rounding and sizing.

use super::*;
use proptest::prelude::*;

#[test]
fn parses_and_prints_exactly() {
    for s in [
        "209.419998",
        "0.000000001",
        "-1.5",
        "100",
        "1.07083",
        "3080.8",
    ] {
        assert_eq!(Price::lit(s).to_string(), s);
    }
    assert_eq!(Price::lit("1e2").to_string(), "100");
    assert_eq!(Price::lit("2.5E-3").to_string(), "0.0025");
    assert_eq!(Price::lit(".5").to_string(), "0.5");
    assert_eq!(Price::lit("1.0000000000").to_string(), "1");
}

#[test]
fn rejects_bad_text() {
    assert_eq!(Price::parse(""), Err(ParseFixedError::Empty));
    assert_eq!(Price::parse("abc"), Err(ParseFixedError::Invalid));
    assert_eq!(Price::parse("NaN"), Err(ParseFixedError::Invalid));
    assert_eq!(Price::parse("1.2.3"), Err(ParseFixedError::Invalid));
    assert_eq!(
        Price::parse("0.0000000001"),
        Err(ParseFixedError::TooPrecise { max_decimals: 9 })
    );
    assert_eq!(Price::parse("1e30"), Err(ParseFixedError::Overflow));
}

#[test]
fn rounds_half_even_when_asked() {
    assert_eq!(Price::parse_rounded("0.0000000005").unwrap().raw(), 0);
    assert_eq!(Price::parse_rounded("0.0000000015").unwrap().raw(), 2);
    assert_eq!(Price::parse_rounded("-0.0000000015").unwrap().raw(), -2);
    assert_eq!(
        Price::parse_rounded("74.76260000001").unwrap().to_string(),
        "74.7626"
    );
}

#[test]
fn money_is_exact_and_sizes_whole_shares() {
    let cash = Money::from_price(Price::lit("100000"));
    let q = cash.max_quantity(Price::lit("167.65"), Quantity::from_int(1));
    assert_eq!(q, Quantity::from_int(596));
    let spent = Price::lit("167.65").notional(q);
    assert_eq!(spent.to_string(), "99919.4");
    assert_eq!((cash - spent).to_string(), "80.6");
    assert_eq!(Money::lit("1.005").round_dp(2).to_string(), "1");
    assert_eq!(Money::lit("1.015").round_dp(2).to_string(), "1.02");
}

#[test]
fn half_even_division() {
    assert_eq!(div_round_half_even(5, 2), 2);
    assert_eq!(div_round_half_even(7, 2), 4);
    assert_eq!(div_round_half_even(-5, 2), -2);
    assert_eq!(div_round_half_even(-7, 2), -4);
    assert_eq!(div_round_half_even(10, 3), 3);
    assert_eq!(div_round_half_even(-11, 3), -4);
}

proptest! {
    #[test]
    fn text_round_trip(raw in -9_000_000_000_000_000_000i64..9_000_000_000_000_000_000i64) {
        let p = Price::from_raw(raw);
        prop_assert_eq!(Price::parse(&p.to_string()).unwrap(), p);
    }

    #[test]
    fn json_round_trip(raw in any::<i64>()) {
        let q = Quantity::from_raw(raw);
        let s = serde_json::to_string(&q).unwrap();
        prop_assert_eq!(serde_json::from_str::<Quantity>(&s).unwrap(), q);
    }

    #[test]
    fn sizing_never_overspends(cash in 0i64..1_000_000_000, price in 1i64..100_000_000) {
        let cash = Money::from_price(Price::from_raw(cash * 1_000));
        let price = Price::from_raw(price * 1_000);
        let q = cash.max_quantity(price, Quantity::from_int(1));
        prop_assert!(price.notional(q) <= cash);
        prop_assert!(price.notional(q + Quantity::from_int(1)) > cash);
    }
}
