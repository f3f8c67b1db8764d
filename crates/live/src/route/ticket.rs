//! An engine order as the ticket sent for it.
//!
//! - [`client_order_id`]: `zt-{session}-{order id}`, the same for every retry and every
//!   restart of the session, so the broker holds each order once.
//! - [`is_broker_leg`]: the engine's own exits of a bracket the broker works as legs, never
//!   sent apart.
//! - [`bracket`]: the absolute stop-loss and take-profit prices of an order's legs.
//! - [`ticket`]: the whole ticket, given the quantity to send.

use domain::journal::{OrderRecord, OrderSide, OrderType};
use domain::{Price, Quantity};
use providers::broker::{Exit, OrderKind, OrderTicket};

/// The prefix of every `client_order_id` the loop sends.
const PREFIX: &str = "zt-";

/// The longest `client_order_id` sent: Alpaca's documented limit.
const MAX_LEN: usize = providers::broker::MAX_CLIENT_ORDER_ID;

/// `zt-{session}-{order_id}`: characters other than ASCII letters, digits, `.`, `_` and `-`
/// become `-`; a session name too long for the broker's limit is cut and followed by a hash
/// of the whole name, so two long names sharing a prefix still name different orders.
pub fn client_order_id(session: &str, order_id: u64) -> String {
    let clean: String = session
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let tail = format!("-{order_id}");
    let room = MAX_LEN - PREFIX.len() - tail.len();
    if clean.len() <= room && clean == session {
        return format!("{PREFIX}{clean}{tail}");
    }
    // Cut or changed: the hash keeps names apart that the cleaning or the cut made equal.
    let hash = format!("-{:016x}", fnv1a(session.as_bytes()));
    let keep = room.saturating_sub(hash.len()).min(clean.len());
    format!("{PREFIX}{}{hash}{tail}", &clean[..keep])
}

/// FNV-1a, 64 bits: stable across builds and platforms (std's hasher is not).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// True for the engine's stop-loss or take-profit exit of entry `parent_id` when that entry
/// went to the broker with its legs ([`bracket`] is `Some`): the broker fills that leg itself.
pub fn is_broker_leg(
    order: &OrderRecord,
    parent: Option<&OrderRecord>,
    reference: Option<Price>,
) -> bool {
    order.parent_id.is_some()
        && matches!(order.reason.as_ref(), "stop_loss" | "take_profit")
        && parent.is_some_and(|p| matches!(bracket(p, reference), Ok(Some(_))))
}

/// The broker legs of `order`: its `legs` texts as the engine writes them
/// (`stop_loss_pct: 2%`, `take_profit_abs: 1.5`) applied to the signal's reference price.
/// `Ok(None)` without both legs: Alpaca's bracket needs both (one leg alone stays with the
/// engine, whose exit order is then sent as an order of its own).
///
/// No recorded Trading API body has legs, so the shape sent (`order_class: bracket`,
/// `take_profit.limit_price`, `stop_loss.stop_price`) follows Alpaca's documentation of
/// `POST /v2/orders`; the prices are absolute, computed here, as Alpaca wants them.
pub fn bracket(order: &OrderRecord, reference: Option<Price>) -> Result<Option<Exit>, String> {
    let mut stop = None;
    let mut take = None;
    for text in order.legs.iter() {
        let (name, value) = text
            .split_once(':')
            .ok_or_else(|| format!("bracket leg {text:?} is not `name: value`"))?;
        let value = value.trim();
        let slot = match name.trim() {
            "stop_loss_pct" | "stop_loss_abs" => &mut stop,
            "take_profit_pct" | "take_profit_abs" => &mut take,
            other => return Err(format!("unknown bracket leg {other:?}")),
        };
        *slot = Some((name.trim().ends_with("_pct"), value));
    }
    let (Some(stop), Some(take)) = (stop, take) else {
        return Ok(None);
    };
    let entry = reference.ok_or("a bracket needs the signal's reference price")?;
    let long = order.side == OrderSide::Buy;
    let stop_loss = level(entry, stop, !long)?;
    let take_profit = level(entry, take, long)?;
    Ok(Some(Exit::Bracket {
        take_profit,
        stop_loss,
    }))
}

/// The price `offset` (a percentage or a distance, as text) above or below `entry`.
fn level(entry: Price, (pct, value): (bool, &str), above: bool) -> Result<Price, String> {
    let number = Price::parse(value.trim_end_matches('%').trim())
        .map_err(|e| format!("bracket leg value {value:?}: {e}"))?;
    let out = if pct {
        const HUNDRED: i64 = 100 * Price::UNIT;
        let factor = if above {
            HUNDRED.checked_add(number.raw())
        } else {
            HUNDRED.checked_sub(number.raw())
        };
        factor.and_then(|f| entry.checked_mul_ratio(f, HUNDRED))
    } else if above {
        entry.checked_add(number)
    } else {
        entry.checked_sub(number)
    };
    match out {
        Some(p) if !p.is_negative() && !p.is_zero() => Ok(p),
        _ => Err(format!("bracket leg {value} from {entry} is not a price")),
    }
}

/// The ticket for `order` with `qty`: its type and price, time in force, and legs.
pub fn ticket(
    session: &str,
    order: &OrderRecord,
    qty: Quantity,
    reference: Option<Price>,
) -> Result<OrderTicket, String> {
    let missing = |what| format!("a {} order without its {what} price", order.order_type);
    let kind = match order.order_type {
        OrderType::Market => OrderKind::Market,
        OrderType::Limit => OrderKind::Limit(order.limit_price.ok_or_else(|| missing("limit"))?),
        OrderType::Stop => OrderKind::Stop(order.stop_price.ok_or_else(|| missing("stop"))?),
    };
    Ok(OrderTicket {
        client_order_id: client_order_id(session, order.id),
        symbol: order.symbol.clone(),
        side: order.side,
        qty,
        kind,
        time_in_force: order.time_in_force,
        exit: bracket(order, reference)?,
    })
}

#[cfg(test)]
mod tests {
    use domain::journal::{QtyRule, TimeInForce};
    use domain::{Symbol, UnixNanos};

    use super::*;

    fn order(legs: &[&'static str]) -> OrderRecord {
        OrderRecord {
            id: 7,
            signal_id: Some(3),
            parent_id: None,
            symbol: Symbol::lit("SPY"),
            ts: UnixNanos::new(0),
            side: OrderSide::Buy,
            qty_rule: QtyRule::Exact,
            quantity: Some(Quantity::lit("5")),
            order_type: OrderType::Market,
            limit_price: None,
            stop_price: None,
            legs: legs.iter().map(|l| (*l).into()).collect::<Vec<_>>().into(),
            time_in_force: TimeInForce::Gtc,
            reason: "signal".into(),
            payload: None,
        }
    }

    #[test]
    fn client_order_ids_are_clean_bounded_and_distinct() {
        assert_eq!(client_order_id("day-1", 7), "zt-day-1-7");
        let cleaned = client_order_id("my session/β", 2);
        assert_eq!(
            cleaned.len(),
            "zt-my-session---".len() + 16 + "-2".len(),
            "{cleaned}"
        );
        assert!(cleaned.starts_with("zt-my-session---"), "{cleaned}");
        assert_ne!(client_order_id("a b", 1), client_order_id("a-b", 1));
        let long_a = "x".repeat(300);
        let long_b = format!("{}y", "x".repeat(299));
        let (a, b) = (client_order_id(&long_a, 1), client_order_id(&long_b, 1));
        assert!(a.len() <= MAX_LEN && b.len() <= MAX_LEN, "{a}");
        assert_ne!(a, b);
        assert!(a.ends_with("-1"));
        assert!(
            client_order_id(&long_a, u64::MAX).len() <= MAX_LEN,
            "the largest order id fits too"
        );
    }

    #[test]
    fn bracket_legs_are_absolute_prices_around_the_reference() {
        let o = order(&["stop_loss_pct: 2%", "take_profit_pct: 5%"]);
        let exit = bracket(&o, Some(Price::lit("400"))).unwrap();
        assert_eq!(
            exit,
            Some(Exit::Bracket {
                take_profit: Price::lit("420"),
                stop_loss: Price::lit("392"),
            })
        );
        let mut short = order(&["stop_loss_abs: 1.5", "take_profit_abs: 3"]);
        short.side = OrderSide::Sell;
        assert_eq!(
            bracket(&short, Some(Price::lit("100"))).unwrap(),
            Some(Exit::Bracket {
                take_profit: Price::lit("97"),
                stop_loss: Price::lit("101.5"),
            })
        );
        // One leg alone is no bracket; no legs neither.
        assert_eq!(
            bracket(&order(&["stop_loss_pct: 2%"]), Some(Price::lit("1"))),
            Ok(None)
        );
        assert_eq!(bracket(&order(&[]), None), Ok(None));
        // A bracket without a reference price, or with a leg past zero, is refused.
        assert!(bracket(&o, None).is_err());
        let deep = order(&["stop_loss_pct: 100%", "take_profit_pct: 5%"]);
        assert!(bracket(&deep, Some(Price::lit("10"))).is_err());
        assert!(bracket(&order(&["trailing: 1", "x: 2"]), None).is_err());
    }

    #[test]
    fn a_ticket_carries_type_price_and_time_in_force() {
        let mut o = order(&[]);
        o.order_type = OrderType::Limit;
        o.limit_price = Some(Price::lit("401.25"));
        let t = ticket("s", &o, Quantity::lit("5"), None).unwrap();
        assert_eq!(t.client_order_id, "zt-s-7");
        assert_eq!(t.kind, OrderKind::Limit(Price::lit("401.25")));
        assert_eq!(t.time_in_force, TimeInForce::Gtc);
        assert_eq!(t.exit, None);
        o.limit_price = None;
        assert!(ticket("s", &o, Quantity::lit("5"), None).is_err());
    }
}
