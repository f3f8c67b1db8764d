//! An [`OrderTicket`] as the JSON body of `POST /v2/orders`.
//!
//! Quantities and prices go as decimal strings (the SDKs' form; never through f64).
//!
//! No recorded body has bracket or OCO legs, so their shape follows Alpaca's documentation of
//! `POST /v2/orders` ("Bracket orders", "OCO orders"): `order_class` `bracket` or `oco`, a
//! `take_profit` object with `limit_price` and a `stop_loss` object with `stop_price`, beside
//! the entry's own fields; an OCO order's `type` is `limit` (the take-profit leg).

use serde_json::{Map, Value, json};

use crate::broker::{Exit, OrderKind, OrderTicket};

pub(super) fn order_body(t: &OrderTicket) -> Vec<u8> {
    let mut m = Map::new();
    m.insert("symbol".into(), json!(t.symbol.as_str()));
    m.insert("qty".into(), json!(t.qty.to_string()));
    m.insert("side".into(), json!(t.side.as_str()));
    m.insert("type".into(), json!(t.kind.order_type().as_str()));
    m.insert("time_in_force".into(), json!(t.time_in_force.as_str()));
    m.insert("client_order_id".into(), json!(t.client_order_id));
    match t.kind {
        OrderKind::Market => {}
        OrderKind::Limit(p) => {
            m.insert("limit_price".into(), json!(p.to_string()));
        }
        OrderKind::Stop(p) => {
            m.insert("stop_price".into(), json!(p.to_string()));
        }
    }
    if let Some(exit) = t.exit {
        let (class, take_profit, stop_loss) = match exit {
            Exit::Bracket {
                take_profit,
                stop_loss,
            } => ("bracket", take_profit, stop_loss),
            Exit::Oco {
                take_profit,
                stop_loss,
            } => ("oco", take_profit, stop_loss),
        };
        m.insert("order_class".into(), json!(class));
        m.insert(
            "take_profit".into(),
            json!({ "limit_price": take_profit.to_string() }),
        );
        m.insert(
            "stop_loss".into(),
            json!({ "stop_price": stop_loss.to_string() }),
        );
    }
    serde_json::to_vec(&Value::Object(m)).expect("a JSON map always serializes")
}

#[cfg(test)]
mod tests {
    use domain::journal::{OrderSide, TimeInForce};
    use domain::{Price, Quantity, Symbol};

    use super::*;

    fn body(t: &OrderTicket) -> Value {
        serde_json::from_slice(&order_body(t)).unwrap()
    }

    #[test]
    fn a_market_order_is_the_sdk_shape_with_decimal_strings() {
        let t = OrderTicket::market(
            "sig-7",
            Symbol::lit("SPY"),
            OrderSide::Sell,
            Quantity::lit("2.5"),
        );
        assert_eq!(
            body(&t),
            json!({"symbol": "SPY", "qty": "2.5", "side": "sell", "type": "market",
                   "time_in_force": "day", "client_order_id": "sig-7"})
        );
    }

    #[test]
    fn bracket_and_oco_legs_follow_the_documented_shape() {
        let mut t = OrderTicket::market(
            "sig-8",
            Symbol::lit("SPY"),
            OrderSide::Buy,
            Quantity::lit("1"),
        );
        t.kind = OrderKind::Limit(Price::lit("400.5"));
        t.time_in_force = TimeInForce::Gtc;
        t.exit = Some(Exit::Bracket {
            take_profit: Price::lit("410"),
            stop_loss: Price::lit("395.25"),
        });
        let b = body(&t);
        assert_eq!(b["order_class"], "bracket");
        assert_eq!(b["type"], "limit");
        assert_eq!(b["limit_price"], "400.5");
        assert_eq!(b["time_in_force"], "gtc");
        assert_eq!(b["take_profit"], json!({"limit_price": "410"}));
        assert_eq!(b["stop_loss"], json!({"stop_price": "395.25"}));
        t.exit = Some(Exit::Oco {
            take_profit: Price::lit("410"),
            stop_loss: Price::lit("395.25"),
        });
        assert_eq!(body(&t)["order_class"], "oco");
        t.kind = OrderKind::Stop(Price::lit("399"));
        t.exit = None;
        let b = body(&t);
        assert_eq!(b["stop_price"], "399");
        assert!(b.get("order_class").is_none() && b.get("limit_price").is_none());
    }
}
