//! What the scanner checks: every kind of static no-arbitrage relation, and the list of
//! concrete checks ([`Spec`]s) a book offers. A spec names its contracts by series and strike,
//! so the same check can be priced again on a later snapshot ([`super::evaluate`]).

use domain::{OptionRight, OptionStyle, Price};
use serde::Serialize;

use super::book::{Book, Series, SeriesKey};

/// A kind of arbitrage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `C − P` above its upper bound: buy the stock at the ask and the put, sell the call.
    Conversion,
    /// `C − P` below its lower bound: short the stock at the bid, sell the put, buy the call.
    Reversal,
    /// Four legs paying `K2 − K1` at expiry, bought for less than its present value.
    BoxLong,
    /// The same box sold for more than its present value.
    BoxShort,
    /// A higher-strike call bid above a lower-strike call's ask (`C(K1) − C(K2) < 0`).
    CallVerticalInverted,
    /// `C(K1) − C(K2)` above `(K2 − K1)·DF`.
    CallVerticalTooWide,
    /// A lower-strike put bid above a higher-strike put's ask.
    PutVerticalInverted,
    /// `P(K2) − P(K1)` above `(K2 − K1)·DF`.
    PutVerticalTooWide,
    /// Calls not convex in strike: the butterfly is paid to be bought.
    CallButterfly,
    /// Puts not convex in strike.
    PutButterfly,
    /// An American call bid above a later expiry's ask at the same strike.
    CallCalendar,
    /// The same for puts.
    PutCalendar,
}

impl Kind {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Conversion => "conversion",
            Self::Reversal => "reversal",
            Self::BoxLong => "box_long",
            Self::BoxShort => "box_short",
            Self::CallVerticalInverted => "call_vertical_inverted",
            Self::CallVerticalTooWide => "call_vertical_too_wide",
            Self::PutVerticalInverted => "put_vertical_inverted",
            Self::PutVerticalTooWide => "put_vertical_too_wide",
            Self::CallButterfly => "call_butterfly",
            Self::PutButterfly => "put_butterfly",
            Self::CallCalendar => "call_calendar",
            Self::PutCalendar => "put_calendar",
        }
    }

    /// The kind named `text` ([`Kind::as_str`]).
    pub fn parse(text: &str) -> Option<Kind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Every kind, in the order findings are listed.
    pub const ALL: [Kind; 12] = [
        Self::Conversion,
        Self::Reversal,
        Self::BoxLong,
        Self::BoxShort,
        Self::CallVerticalInverted,
        Self::CallVerticalTooWide,
        Self::PutVerticalInverted,
        Self::PutVerticalTooWide,
        Self::CallButterfly,
        Self::PutButterfly,
        Self::CallCalendar,
        Self::PutCalendar,
    ];
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One concrete check: a kind over given strikes of a series (and, for a calendar, a later
/// series).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Spec {
    pub kind: Kind,
    pub series: SeriesKey,
    /// Ascending: one strike (parity, calendar), two (box, vertical) or three (butterfly).
    pub strikes: Vec<Price>,
    /// The later expiry of a calendar.
    pub far: Option<SeriesKey>,
}

/// The right a one-right kind trades.
pub(super) fn right_of(kind: Kind) -> OptionRight {
    match kind {
        Kind::PutVerticalInverted
        | Kind::PutVerticalTooWide
        | Kind::PutButterfly
        | Kind::PutCalendar => OptionRight::Put,
        _ => OptionRight::Call,
    }
}

/// Every check the book offers: parity per strike, boxes and verticals per pair of strikes,
/// butterflies per three neighbouring strikes, calendars per strike across American expiries.
pub fn specs(book: &Book) -> Vec<Spec> {
    let mut out = Vec::new();
    for s in book.series.values() {
        let strikes: Vec<Price> = s.strikes.keys().copied().collect();
        let spec = |kind, strikes: &[Price]| Spec {
            kind,
            series: s.key,
            strikes: strikes.to_vec(),
            far: None,
        };
        for k in &strikes {
            out.push(spec(Kind::Conversion, &[*k]));
            out.push(spec(Kind::Reversal, &[*k]));
        }
        for (i, k1) in strikes.iter().enumerate() {
            for k2 in &strikes[i + 1..] {
                for kind in [
                    Kind::BoxLong,
                    Kind::BoxShort,
                    Kind::CallVerticalInverted,
                    Kind::CallVerticalTooWide,
                    Kind::PutVerticalInverted,
                    Kind::PutVerticalTooWide,
                ] {
                    out.push(spec(kind, &[*k1, *k2]));
                }
            }
        }
        for w in strikes.windows(3) {
            out.push(spec(Kind::CallButterfly, w));
            out.push(spec(Kind::PutButterfly, w));
        }
        calendars(book, s, &mut out);
    }
    out
}

/// Same strike, this American series against every later one with the same multiplier.
fn calendars(book: &Book, near: &Series, out: &mut Vec<Spec>) {
    if near.key.style != OptionStyle::American {
        return;
    }
    for far in book.series.values().filter(|f| {
        f.key.expiry > near.key.expiry
            && f.key.style == OptionStyle::American
            && f.key.multiplier == near.key.multiplier
    }) {
        for k in near.strikes.keys().filter(|k| far.strikes.contains_key(*k)) {
            for kind in [Kind::CallCalendar, Kind::PutCalendar] {
                out.push(Spec {
                    kind,
                    series: near.key,
                    strikes: vec![*k],
                    far: Some(far.key),
                });
            }
        }
    }
}
