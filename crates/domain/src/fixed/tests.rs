//! Tests of exact parsing, printing, rounding, sizing and checked arithmetic.

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
    let q = cash
        .checked_max_quantity(Price::lit("167.65"), Quantity::from_int(1))
        .unwrap();
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

#[test]
fn percentages_of_large_amounts_are_exact() {
    // 50 % of 3.5e10 and 1 % of 2e12: the raw product overflows i128, the result does not.
    let hundred = 100 * Price::UNIT;
    let half = 50 * Price::UNIT;
    assert_eq!(
        Money::lit("35000000000").checked_mul_ratio(half, hundred),
        Some(Money::lit("17500000000"))
    );
    assert_eq!(
        Money::lit("2000000000000").checked_mul_ratio(Price::UNIT, hundred),
        Some(Money::lit("20000000000"))
    );
    assert_eq!(
        Money::lit("-1000000000000000").checked_mul_ratio(half, hundred),
        Some(Money::lit("-500000000000000"))
    );
    // Pro-rata cost of a large position: 1e20 × 3 / 7 with a remainder.
    let third = Money::lit("100000000000000000000")
        .checked_mul_ratio(3, 7)
        .unwrap();
    assert_eq!(third.to_string(), "42857142857142857142.85714285714285714");
    assert_eq!(Money::lit("1").checked_mul_ratio(1, 0), None);
    let max = Money::from_raw(i128::MAX);
    assert_eq!(max.checked_mul_ratio(2, 1), None);
    assert_eq!(max.checked_mul_ratio(1, 1), Some(max));
}

#[test]
fn wide_ratios_round_half_to_even() {
    // 4e37 × 3 / 4 overflows the product; .5 rounds to the even neighbour.
    let a = 40_000_000_000_000_000_000_000_000_000_000_000_000i128;
    let r = |a: i128| mul_div_round(a, 3, 4).unwrap();
    assert_eq!(r(a), 30_000_000_000_000_000_000_000_000_000_000_000_000);
    assert_eq!(r(a + 2), 30_000_000_000_000_000_000_000_000_000_000_000_002); // …001.5 → 2
    assert_eq!(r(a + 6), 30_000_000_000_000_000_000_000_000_000_000_000_004); // …004.5 → 4
    assert_eq!(
        r(-(a + 2)),
        -30_000_000_000_000_000_000_000_000_000_000_000_002
    );
    assert_eq!(mul_div_round(a, -3, 4), Some(-r(a)));
    assert_eq!(mul_div_round(a, 3, -4), Some(-r(a)));
}

#[test]
fn prices_and_quantities_never_wrap() {
    let top = Price::from_raw(i64::MAX);
    assert_eq!(top.checked_mul_ratio(2, 1), None);
    assert_eq!(top.checked_add(Price::from_raw(1)), None);
    assert_eq!(Price::from_raw(i64::MIN).checked_abs(), None);
    assert_eq!(
        Price::lit("9000000000").checked_mul_ratio(19_999, 10_000),
        None
    );
    assert_eq!(
        Price::lit("0.016765").checked_round_to(Price::lit("0.01")),
        Some(Price::lit("0.02"))
    );
    assert_eq!(top.checked_round_to(Price::lit("1")), None);
    assert_eq!(Price::checked_from_int(i64::MAX), None);
    // 1e12 of cash at 1.00 buys more units than Quantity holds: no silent cap.
    let cash = Money::lit("1000000000000");
    assert_eq!(
        cash.checked_max_quantity(Price::lit("1"), Quantity::from_int(1)),
        None
    );
    assert_eq!(
        cash.checked_max_quantity(Price::lit("100"), Quantity::from_int(1)),
        Some(Quantity::from_int(10_000_000_000))
    );
    // …1687.87303715884105727 rounds up to a whole unit the type cannot hold: kept as it is.
    let max = Money::from_raw(i128::MAX);
    assert_eq!(max.round_dp(0), max);
    assert_eq!(max.round_dp(2).to_string(), "1701411834604692317316.87");
}

#[test]
#[should_panic(expected = "Money overflow in `+`")]
fn operators_panic_instead_of_wrapping() {
    let _ = Money::from_raw(i128::MAX) + Money::from_raw(1);
}

proptest! {
    /// The wide path agrees with the plain one wherever the plain product fits, and is exact
    /// on multiples of `den` wherever it does not.
    #[test]
    fn wide_ratio_is_exact(b in any::<i64>(), shift in 0u32..64, num in any::<i64>(), den in any::<i64>(), r in any::<i64>()) {
        prop_assume!(den != 0);
        let b = i128::from(b) >> (shift % 8) << (shift / 2);
        if let Some(a) = b.checked_mul(i128::from(den)) {
            prop_assert_eq!(mul_div_round(a, num, den), b.checked_mul(i128::from(num)));
        }
        let a = i128::from(r) << shift;
        if let Some(p) = a.checked_mul(i128::from(num)) {
            prop_assert_eq!(mul_div_round(a, num, den), Some(div_round_half_even(p, i128::from(den))));
        }
    }

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
        let q = cash.checked_max_quantity(price, Quantity::from_int(1)).unwrap();
        prop_assert!(price.notional(q) <= cash);
        prop_assert!(price.notional(q + Quantity::from_int(1)) > cash);
    }
}
