//! Where an order fills against a bar. The engine only asks about bars that opened after the
//! order was decided, so any model here is free of look-ahead by construction.

use domain::{Bar, Price};

use crate::order::{OrderKind, Side};

/// A fill price and whether it was the bar's open (a gap or a market order) rather than a level
/// reached inside the bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FillAt {
    pub price: Price,
    pub at_open: bool,
}

pub trait FillModel: Send {
    /// The fill of a `side` order of `kind` on `bar`, or `None` if the bar never reached it.
    /// Slippage is applied by the engine afterwards, to market and stop fills only.
    fn fill(&self, side: Side, kind: OrderKind, bar: &Bar) -> Option<FillAt>;
}

/// Market orders at the open; limits and stops at their price when the range reaches it, or at
/// the open when the bar opens beyond it.
#[derive(Debug, Clone, Copy, Default)]
pub struct NextOpen;

impl FillModel for NextOpen {
    #[inline]
    fn fill(&self, side: Side, kind: OrderKind, bar: &Bar) -> Option<FillAt> {
        let open = FillAt {
            price: bar.open,
            at_open: true,
        };
        let level = |price| {
            Some(FillAt {
                price,
                at_open: false,
            })
        };
        match (kind, side) {
            (OrderKind::Market, _) => Some(open),
            (OrderKind::Limit(p), Side::Buy) | (OrderKind::Stop(p), Side::Sell) => {
                if bar.open <= p {
                    Some(open)
                } else if bar.low <= p {
                    level(p)
                } else {
                    None
                }
            }
            (OrderKind::Limit(p), Side::Sell) | (OrderKind::Stop(p), Side::Buy) => {
                if bar.open >= p {
                    Some(open)
                } else if bar.high >= p {
                    level(p)
                } else {
                    None
                }
            }
            (OrderKind::Cancel, _) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{Quantity, UnixNanos};

    fn bar(o: &str, h: &str, l: &str, c: &str) -> Bar {
        Bar::new(
            UnixNanos::new(0),
            Price::lit(o),
            Price::lit(h),
            Price::lit(l),
            Price::lit(c),
            Quantity::from_int(1),
            None,
            None,
        )
        .unwrap()
    }

    #[test]
    fn table() {
        let b = bar("100", "105", "95", "101");
        let m = NextOpen;
        let at = |side, kind| {
            m.fill(side, kind, &b)
                .map(|f| (f.price.to_string(), f.at_open))
        };
        let s = |p: &str| Some((p.to_owned(), false));
        let open = Some(("100".to_owned(), true));
        assert_eq!(at(Side::Buy, OrderKind::Market), open);
        assert_eq!(at(Side::Sell, OrderKind::Market), open);
        // limits: reached inside, gapped through, never reached
        assert_eq!(at(Side::Buy, OrderKind::Limit(Price::lit("96"))), s("96"));
        assert_eq!(at(Side::Buy, OrderKind::Limit(Price::lit("102"))), open);
        assert_eq!(at(Side::Buy, OrderKind::Limit(Price::lit("94"))), None);
        assert_eq!(
            at(Side::Sell, OrderKind::Limit(Price::lit("104"))),
            s("104")
        );
        assert_eq!(at(Side::Sell, OrderKind::Limit(Price::lit("99"))), open);
        assert_eq!(at(Side::Sell, OrderKind::Limit(Price::lit("106"))), None);
        // stops
        assert_eq!(at(Side::Sell, OrderKind::Stop(Price::lit("96"))), s("96"));
        assert_eq!(at(Side::Sell, OrderKind::Stop(Price::lit("101"))), open);
        assert_eq!(at(Side::Sell, OrderKind::Stop(Price::lit("94"))), None);
        assert_eq!(at(Side::Buy, OrderKind::Stop(Price::lit("104"))), s("104"));
        assert_eq!(at(Side::Buy, OrderKind::Stop(Price::lit("99"))), open);
        assert_eq!(at(Side::Buy, OrderKind::Stop(Price::lit("106"))), None);
        assert_eq!(at(Side::Buy, OrderKind::Cancel), None);
    }
}
