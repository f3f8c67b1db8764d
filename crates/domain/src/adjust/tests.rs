use super::*;
use crate::symbol::Symbol;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn split(ex: &str, from: u32, to: u32) -> CorporateAction {
    CorporateAction::new(
        Symbol::lit("AAPL"),
        d(ex),
        CorporateActionKind::Split { from, to },
    )
    .unwrap()
}

fn dividend(ex: &str, amount: &str) -> CorporateAction {
    CorporateAction::new(
        Symbol::lit("AAPL"),
        d(ex),
        CorporateActionKind::CashDividend {
            amount: Price::lit(amount),
        },
    )
    .unwrap()
}

fn bar(day: &str, close: &str, volume: &str) -> Bar {
    let p = Price::lit(close);
    Bar::new(
        UnixNanos::from_date(d(day)),
        p,
        p,
        p,
        p,
        Quantity::lit(volume),
        None,
        None,
    )
    .unwrap()
}

#[test]
fn a_split_scales_prices_down_and_volumes_up_before_its_ex_date_only() {
    let a = Adjuster::new(
        &[split("2014-06-09", 1, 7)],
        Adjustment::Split,
        None,
        Timeframe::D1,
        &[],
    )
    .unwrap();
    let before = a.bar(&bar("2014-06-06", "645.57", "100")).unwrap();
    assert_eq!(before.close.to_string(), "92.224285714");
    assert_eq!(before.volume.to_string(), "700");
    let on = bar("2014-06-09", "93.70", "100");
    assert_eq!(a.bar(&on).unwrap(), on);
}

#[test]
fn a_dividend_multiplies_by_one_minus_amount_over_the_prior_close() {
    let closes = [
        (d("2012-08-07"), Price::lit("620")),
        (d("2012-08-08"), Price::lit("619.86")),
        (d("2012-08-09"), Price::lit("620.73")),
    ];
    let actions = [dividend("2012-08-09", "2.6499")];
    let all = Adjuster::new(&actions, Adjustment::All, None, Timeframe::D1, &closes).unwrap();
    let (f, vol) = all.factors_on(d("2012-08-08")).unwrap();
    // 1 − 2.6499 / 619.86, to 18 places.
    assert_eq!(f.to_string(), "0.995725002419901268");
    assert_eq!(vol, (1, 1));
    assert_eq!(all.factors_on(d("2012-08-09")).unwrap().0, Factor::ONE);
    // Splits only, or raw: the dividend does not count.
    for mode in [Adjustment::Split, Adjustment::Raw] {
        let a = Adjuster::new(&actions, mode, None, Timeframe::D1, &closes).unwrap();
        assert!(a.is_identity(), "{mode}");
    }
}

#[test]
fn factors_compound_back_in_time_and_as_of_drops_later_events() {
    let actions = [
        split("2005-02-28", 1, 2),
        split("2000-06-21", 1, 2),
        split("2014-06-09", 1, 7),
    ];
    let a = Adjuster::new(&actions, Adjustment::Split, None, Timeframe::D1, &[]).unwrap();
    let f = |day| a.factors_on(d(day)).unwrap();
    assert_eq!(f("1999-01-04").0, Factor::ratio(1, 28).unwrap());
    assert_eq!(f("1999-01-04").1, (28, 1));
    assert_eq!(f("2000-06-21").1, (14, 1));
    assert_eq!(f("2010-01-04").1, (7, 1));
    assert_eq!(f("2014-06-09").1, (1, 1));
    // As of 2010 the 2014 split is unknown: 1999 is adjusted by 1/4 only.
    let then = Adjuster::new(
        &actions,
        Adjustment::Split,
        Some(d("2010-01-01")),
        Timeframe::D1,
        &[],
    )
    .unwrap();
    assert_eq!(
        then.factors_on(d("1999-01-04")).unwrap().0,
        Factor::ratio(1, 4).unwrap()
    );
    // The as-of date itself counts.
    let on = Adjuster::new(
        &actions,
        Adjustment::Split,
        Some(d("2014-06-09")),
        Timeframe::D1,
        &[],
    )
    .unwrap();
    assert_eq!(on.steps().len(), 3);
}

#[test]
fn an_intraday_bar_belongs_to_its_new_york_date() {
    let a = Adjuster::new(
        &[split("2014-06-09", 1, 7)],
        Adjustment::All,
        None,
        Timeframe::M1,
        &[],
    )
    .unwrap();
    // 2014-06-09 00:30 UTC is the evening of the 8th in New York: before the split.
    let evening = UnixNanos::parse_rfc3339("2014-06-09T00:30:00Z").unwrap();
    assert_eq!(a.bar_date(evening), d("2014-06-08"));
    let premarket = UnixNanos::parse_rfc3339("2014-06-09T08:00:00Z").unwrap();
    assert_eq!(a.factors_on(a.bar_date(premarket)).unwrap().0, Factor::ONE);
}

#[test]
fn a_dividend_without_a_prior_close_fails_only_the_bars_that_need_it() {
    let a = Adjuster::new(
        &[dividend("2012-08-09", "2.65")],
        Adjustment::All,
        None,
        Timeframe::D1,
        &[],
    )
    .unwrap();
    let err = a.bar(&bar("2012-08-08", "600", "1")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("AAPL dividend ex 2012-08-09: no daily close before it"),
        "{err}"
    );
    let after = bar("2012-08-09", "600", "1");
    assert_eq!(a.bar(&after).unwrap(), after);
}

#[test]
fn a_dividend_at_or_above_the_close_is_refused() {
    let closes = [(d("2012-08-08"), Price::lit("2"))];
    let err = Adjuster::new(
        &[dividend("2012-08-09", "2")],
        Adjustment::All,
        None,
        Timeframe::D1,
        &closes,
    )
    .unwrap_err();
    assert!(
        matches!(err, AdjustError::DividendAboveClose { .. }),
        "{err}"
    );
}

#[test]
fn overflow_is_an_error_not_a_wrapped_price() {
    // A 1-for-10^9 reverse split, twice: the factor is 10^18, beyond any price.
    let actions = [
        split("2001-01-02", 1_000_000_000, 1),
        split("2002-01-02", 1_000_000_000, 1),
    ];
    let a = Adjuster::new(&actions, Adjustment::Split, None, Timeframe::D1, &[]).unwrap();
    let err = a.bar(&bar("2000-01-03", "100", "1")).unwrap_err();
    assert!(matches!(err, AdjustError::BarOverflow { .. }), "{err}");
}

#[test]
fn adjustment_names_round_trip() {
    for name in Adjustment::NAMES {
        assert_eq!(name.parse::<Adjustment>().unwrap().as_str(), name);
    }
    assert!("dividends".parse::<Adjustment>().is_err());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any split and dividend history keeps every adjusted bar a valid bar (low ≤ open,
        /// close ≤ high, nothing negative), scales prices down for forward splits and
        /// dividends, and leaves bars on or after the last ex-date as stored.
        #[test]
        fn adjusted_bars_stay_bars(
            cents in proptest::array::uniform4(1i64..100_000_000),
            volume in 0i64..1_000_000_000,
            splits in proptest::collection::vec((1u32..10, 1u32..10), 0..4),
            dividend_bp in proptest::collection::vec(1i64..5_000, 0..4),
        ) {
            let mut p = cents.map(|c| Price::from_raw(c * 10_000_000));
            p.sort();
            let b = Bar::new(
                UnixNanos::from_date(d("2000-01-03")),
                p[1], p[3], p[0], p[2],
                Quantity::from_raw(volume),
                None,
                None,
            )
            .unwrap();
            let mut actions = Vec::new();
            let mut closes = Vec::new();
            for (i, (from, to)) in splits.iter().enumerate() {
                let ex = d("2001-01-02") + chrono::Days::new(10 * i as u64);
                actions.push(CorporateAction::new(
                    Symbol::lit("X"),
                    ex,
                    CorporateActionKind::Split { from: *from, to: *to },
                ).unwrap());
            }
            for (i, bp) in dividend_bp.iter().enumerate() {
                let ex = d("2002-01-02") + chrono::Days::new(10 * i as u64);
                // A close of 100 the day before, a dividend of bp basis points of it.
                closes.push((ex - chrono::Days::new(1), Price::lit("100")));
                actions.push(CorporateAction::new(
                    Symbol::lit("X"),
                    ex,
                    CorporateActionKind::CashDividend {
                        amount: Price::from_raw(bp * 10_000_000),
                    },
                ).unwrap());
            }
            let a = Adjuster::new(&actions, Adjustment::All, None, Timeframe::D1, &closes).unwrap();
            let got = a.bar(&b).unwrap();
            prop_assert!(got.low <= got.open && got.open <= got.high);
            prop_assert!(got.low <= got.close && got.close <= got.high);
            prop_assert!(!got.low.is_negative() && !got.volume.is_negative());
            if splits.iter().all(|(f, t)| f <= t) {
                prop_assert!(got.high <= b.high);
            }
            let after = Bar { ts: UnixNanos::from_date(d("2003-01-02")), ..b };
            prop_assert_eq!(a.bar(&after).unwrap(), after);
        }
    }
}
