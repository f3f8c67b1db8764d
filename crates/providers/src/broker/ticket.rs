//! What to send: an [`OrderTicket`], checked before it leaves ([`OrderTicket::check`]).

use domain::journal::{OrderSide, OrderType, TimeInForce};
use domain::{Price, Quantity, Symbol};

use super::BrokerError;

/// Alpaca's documented limit on `client_order_id` (128 characters).
pub const MAX_CLIENT_ORDER_ID: usize = 128;

/// The entry's price condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKind {
    Market,
    Limit(Price),
    Stop(Price),
}

impl OrderKind {
    pub fn order_type(self) -> OrderType {
        match self {
            Self::Market => OrderType::Market,
            Self::Limit(_) => OrderType::Limit,
            Self::Stop(_) => OrderType::Stop,
        }
    }
}

/// Exit legs the broker works for us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// An entry with a take-profit limit and a stop-loss stop attached; whichever fills
    /// first cancels the other.
    Bracket {
        take_profit: Price,
        stop_loss: Price,
    },
    /// One-cancels-other exits of a position already held: the ticket is the take-profit
    /// limit (its kind must be [`OrderKind::Limit`]), `stop_loss` the other leg.
    Oco {
        take_profit: Price,
        stop_loss: Price,
    },
}

/// One order to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderTicket {
    /// Ours, unique per order for the account's life: the loop derives it from the signal id,
    /// so a retry or a restarted loop names the same order and the broker holds it once.
    pub client_order_id: String,
    pub symbol: Symbol,
    pub side: OrderSide,
    pub qty: Quantity,
    pub kind: OrderKind,
    pub time_in_force: TimeInForce,
    pub exit: Option<Exit>,
}

impl OrderTicket {
    /// A day market order without exits.
    pub fn market(
        client_order_id: impl Into<String>,
        symbol: Symbol,
        side: OrderSide,
        qty: Quantity,
    ) -> Self {
        Self {
            client_order_id: client_order_id.into(),
            symbol,
            side,
            qty,
            kind: OrderKind::Market,
            time_in_force: TimeInForce::Day,
            exit: None,
        }
    }

    /// What no broker would accept, refused before anything is sent.
    pub fn check(&self) -> Result<(), BrokerError> {
        let bad = |m: String| Err(BrokerError::InvalidTicket(m));
        let id = &self.client_order_id;
        if id.trim().is_empty() {
            return bad("client_order_id is empty".into());
        }
        if id.len() > MAX_CLIENT_ORDER_ID {
            return bad(format!(
                "client_order_id {id:?} is longer than {MAX_CLIENT_ORDER_ID} characters"
            ));
        }
        if self.qty.is_negative() || self.qty.is_zero() {
            return bad(format!("qty {} is not positive", self.qty));
        }
        let price_ok = |p: Price| !p.is_negative() && !p.is_zero();
        match self.kind {
            OrderKind::Limit(p) | OrderKind::Stop(p) if !price_ok(p) => {
                return bad(format!("price {p} is not positive"));
            }
            _ => {}
        }
        if let Some(
            Exit::Bracket {
                take_profit,
                stop_loss,
            }
            | Exit::Oco {
                take_profit,
                stop_loss,
            },
        ) = self.exit
            && (!price_ok(take_profit) || !price_ok(stop_loss))
        {
            return bad(format!(
                "exit prices {take_profit} / {stop_loss} must be positive"
            ));
        }
        if matches!(self.exit, Some(Exit::Oco { .. })) && !matches!(self.kind, OrderKind::Limit(_))
        {
            return bad("an OCO ticket is the take-profit limit: its kind must be Limit".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket() -> OrderTicket {
        OrderTicket::market(
            "sig-1",
            Symbol::lit("SPY"),
            OrderSide::Buy,
            Quantity::lit("1"),
        )
    }

    #[test]
    fn check_refuses_what_no_broker_accepts() {
        assert!(ticket().check().is_ok());
        let mut t = ticket();
        t.client_order_id = " ".into();
        assert!(t.check().unwrap_err().to_string().contains("empty"));
        let mut t = ticket();
        t.client_order_id = "x".repeat(129);
        assert!(
            t.check()
                .unwrap_err()
                .to_string()
                .contains("longer than 128")
        );
        let mut t = ticket();
        t.qty = Quantity::ZERO;
        assert!(t.check().unwrap_err().to_string().contains("not positive"));
        let mut t = ticket();
        t.exit = Some(Exit::Oco {
            take_profit: Price::lit("410"),
            stop_loss: Price::lit("390"),
        });
        assert!(t.check().unwrap_err().to_string().contains("Limit"));
        t.kind = OrderKind::Limit(Price::lit("410"));
        assert!(t.check().is_ok());
    }
}
