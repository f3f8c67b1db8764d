use super::*;

fn tick(ts: &str, price: &str, size: i64, code: &str) -> TradeTick {
    TradeTick {
        ts: UnixNanos::parse_rfc3339(ts).unwrap(),
        price: Price::lit(price),
        size: Quantity::from_int(size),
        exchange: "P".into(),
        conditions: if code.is_empty() {
            vec![]
        } else {
            vec![code.into()]
        },
        trade_id: None,
        suspicious: false,
    }
}

#[test]
fn one_minute_bars_with_vwap_and_count() {
    let ticks = [
        tick("2013-10-07T13:30:00.100Z", "10", 100, "1"),
        tick("2013-10-07T13:30:00.100Z", "12", 100, "1"),
        tick("2013-10-07T13:30:59.999Z", "11", 200, "20000020"),
        tick("2013-10-07T13:32:00Z", "9", 50, "1"),
    ];
    let (bars, stats) = ticks_to_bars(&ticks, Timeframe::M1, Conditions::Lean).unwrap();
    assert_eq!(bars.len(), 2, "no bar for the empty 13:31");
    let b = bars[0];
    assert_eq!(
        b.ts,
        UnixNanos::parse_rfc3339("2013-10-07T13:30:00Z").unwrap()
    );
    assert_eq!(
        (b.open, b.high, b.low, b.close),
        (
            Price::lit("10"),
            Price::lit("12"),
            Price::lit("10"),
            Price::lit("11")
        )
    );
    assert_eq!(b.volume, Quantity::from_int(400));
    assert_eq!(b.vwap, Some(Price::lit("11")));
    assert_eq!(b.trade_count, Some(3));
    assert_eq!(
        bars[1].ts,
        UnixNanos::parse_rfc3339("2013-10-07T13:32:00Z").unwrap()
    );
    assert_eq!(stats.ticks, 4);
}

#[test]
fn lean_rules_volume_only_and_nowhere() {
    let ticks = [
        tick("2013-10-07T13:30:01Z", "10", 100, "1"),
        // derivatively priced: volume only
        tick("2013-10-07T13:30:02Z", "15", 100, "20000200"),
        // official close re-report: nowhere
        tick("2013-10-07T13:30:03Z", "5", 1000, "1000000"),
        tick("2013-10-07T13:30:04Z", "11", 100, "20000020"),
    ];
    let (bars, stats) = ticks_to_bars(&ticks, Timeframe::M1, Conditions::Lean).unwrap();
    let b = bars[0];
    assert_eq!(
        (b.high, b.low, b.close),
        (Price::lit("11"), Price::lit("10"), Price::lit("11"))
    );
    assert_eq!(b.volume, Quantity::from_int(300));
    assert_eq!(b.trade_count, Some(3));
    assert_eq!((stats.volume_only, stats.excluded), (1, 1));
    // the same ticks with every condition ignored
    let (all, _) = ticks_to_bars(&ticks, Timeframe::M1, Conditions::All).unwrap();
    assert_eq!(
        (all[0].high, all[0].low),
        (Price::lit("15"), Price::lit("5"))
    );
    assert_eq!(all[0].volume, Quantity::from_int(1300));
}

#[test]
fn suspicious_ticks_count_nowhere() {
    let mut bad = tick("2013-10-07T13:30:02Z", "99", 100, "1");
    bad.suspicious = true;
    let ticks = [tick("2013-10-07T13:30:01Z", "10", 100, "1"), bad];
    for rules in [Conditions::Lean, Conditions::All] {
        let (bars, stats) = ticks_to_bars(&ticks, Timeframe::M1, rules).unwrap();
        assert_eq!(bars[0].high, Price::lit("10"));
        assert_eq!(bars[0].volume, Quantity::from_int(100));
        assert_eq!(stats.suspicious, 1);
    }
}

#[test]
fn a_period_of_volume_only_ticks_keeps_its_volume() {
    let ticks = [tick("2013-10-07T13:30:01Z", "10", 100, "20100200")];
    let (bars, stats) = ticks_to_bars(&ticks, Timeframe::S1, Conditions::Lean).unwrap();
    assert_eq!(bars[0].open, Price::lit("10"));
    assert_eq!(bars[0].volume, Quantity::from_int(100));
    assert_eq!(stats.volume_only_bars, 1);
}

#[test]
fn refusals_name_the_problem() {
    let e = ticks_to_bars(
        &[tick("2013-10-07T13:30:01Z", "10", 1, "@")],
        Timeframe::M1,
        Conditions::Lean,
    )
    .unwrap_err();
    assert_eq!(e.field, "conditions");
    assert!(e.to_string().contains("--conditions all"), "{e}");
    let e = ticks_to_bars(
        &[
            tick("2013-10-07T13:30:02Z", "10", 1, "1"),
            tick("2013-10-07T13:30:01Z", "10", 1, "1"),
        ],
        Timeframe::M1,
        Conditions::Lean,
    )
    .unwrap_err();
    assert_eq!(e.field, "ts");
    assert_eq!(
        Aggregator::new(Timeframe::D1, Conditions::All)
            .unwrap_err()
            .field,
        "timeframe"
    );
}

#[test]
fn five_minute_periods_start_on_multiples() {
    let ticks = [
        tick("2013-10-07T13:34:59Z", "10", 1, ""),
        tick("2013-10-07T13:35:00Z", "11", 1, ""),
    ];
    let (bars, _) = ticks_to_bars(&ticks, Timeframe::M5, Conditions::Lean).unwrap();
    let starts: Vec<String> = bars.iter().map(|b| b.ts.to_rfc3339()).collect();
    assert_eq!(starts, ["2013-10-07T13:30:00Z", "2013-10-07T13:35:00Z"]);
}

#[test]
fn lean_flags_are_hex() {
    assert_eq!(parse_lean_flags("20002000"), Some(0x2000_2000));
    assert_eq!(parse_lean_flags("1"), Some(1));
    assert_eq!(parse_lean_flags("aB"), Some(0xab));
    for bad in ["", "@", "12 ", "-1", "11111111111111111"] {
        assert_eq!(parse_lean_flags(bad), None, "{bad:?}");
    }
}
