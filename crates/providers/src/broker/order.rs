//! What a broker sends back: [`BrokerOrder`] with its [`BrokerStatus`], [`BrokerFill`],
//! [`BrokerAccount`]. Prices, quantities and cash are exact domain values.

use domain::journal::{OrderEventKind, OrderSide, OrderType, TimeInForce};
use domain::{Money, Price, Quantity, Symbol, UnixNanos};

/// An order's state as the broker reports it (Alpaca's states, which other brokers' map onto).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BrokerStatus {
    PendingNew,
    New,
    Accepted,
    AcceptedForBidding,
    /// A bracket's exit leg waiting for its entry to fill.
    Held,
    PartiallyFilled,
    Filled,
    DoneForDay,
    PendingCancel,
    PendingReplace,
    Canceled,
    Expired,
    Replaced,
    Stopped,
    Suspended,
    Calculated,
    Rejected,
}

impl BrokerStatus {
    /// Alpaca's spelling; `None` for a state this client does not know (an error to its
    /// callers, so a new state is noticed rather than guessed at).
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending_new" => Self::PendingNew,
            "new" => Self::New,
            "accepted" => Self::Accepted,
            "accepted_for_bidding" => Self::AcceptedForBidding,
            "held" => Self::Held,
            "partially_filled" => Self::PartiallyFilled,
            "filled" => Self::Filled,
            "done_for_day" => Self::DoneForDay,
            "pending_cancel" => Self::PendingCancel,
            "pending_replace" => Self::PendingReplace,
            "canceled" => Self::Canceled,
            "expired" => Self::Expired,
            "replaced" => Self::Replaced,
            "stopped" => Self::Stopped,
            "suspended" => Self::Suspended,
            "calculated" => Self::Calculated,
            "rejected" => Self::Rejected,
            _ => return None,
        })
    }

    /// The journal event this state is, or `None` for a state between events (a cancel or a
    /// replace asked for but not done, a fill being settled, a day ended with the order
    /// still good): the order's last event still stands.
    ///
    /// `replaced` ends this order's life as a cancel does: the replacement is another order.
    pub fn journal_kind(self) -> Option<OrderEventKind> {
        use OrderEventKind as K;
        match self {
            Self::PendingNew => Some(K::Submitted),
            Self::New | Self::Accepted | Self::AcceptedForBidding | Self::Held => Some(K::Accepted),
            Self::PartiallyFilled => Some(K::PartiallyFilled),
            Self::Filled => Some(K::Filled),
            Self::Canceled | Self::Replaced => Some(K::Canceled),
            Self::Expired => Some(K::Expired),
            Self::Rejected => Some(K::Rejected),
            Self::DoneForDay
            | Self::PendingCancel
            | Self::PendingReplace
            | Self::Stopped
            | Self::Suspended
            | Self::Calculated => None,
        }
    }

    /// No more fills can come.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Filled | Self::Canceled | Self::Expired | Self::Replaced | Self::Rejected
        )
    }
}

/// `simple`, or one of the classes with exit legs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderClass {
    Simple,
    Bracket,
    Oco,
    Oto,
}

impl OrderClass {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Simple => "simple",
            Self::Bracket => "bracket",
            Self::Oco => "oco",
            Self::Oto => "oto",
        }
    }
}

/// One order as the broker holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerOrder {
    /// The broker's id.
    pub id: String,
    pub client_order_id: String,
    pub symbol: Symbol,
    pub side: OrderSide,
    pub order_type: OrderType,
    pub time_in_force: TimeInForce,
    pub class: OrderClass,
    /// `None` for an order sized by notional.
    pub qty: Option<Quantity>,
    pub filled_qty: Quantity,
    pub filled_avg_price: Option<Price>,
    pub limit_price: Option<Price>,
    pub stop_price: Option<Price>,
    pub status: BrokerStatus,
    pub created_at: UnixNanos,
    pub updated_at: UnixNanos,
    pub submitted_at: Option<UnixNanos>,
    pub filled_at: Option<UnixNanos>,
    pub canceled_at: Option<UnixNanos>,
    /// A bracket's or an OCO's exit legs, as orders of their own.
    pub legs: Vec<BrokerOrder>,
}

/// One execution of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerFill {
    /// The broker's id of this execution: unique, so a fill read twice is recorded once.
    pub id: String,
    pub order_id: String,
    pub symbol: Symbol,
    pub side: OrderSide,
    pub qty: Quantity,
    pub price: Price,
    pub ts: UnixNanos,
    /// What the order still wants after this fill.
    pub leaves_qty: Quantity,
    /// True when this fill completed the order.
    pub completes: bool,
}

/// The account's balances.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerAccount {
    pub id: String,
    pub currency: String,
    pub cash: Money,
    pub equity: Money,
    pub buying_power: Money,
    /// The account may not trade (blocked by the broker or by its owner).
    pub trading_blocked: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_alpaca_status_maps_to_its_journal_event() {
        use OrderEventKind as K;
        let table = [
            ("pending_new", Some(K::Submitted)),
            ("new", Some(K::Accepted)),
            ("accepted", Some(K::Accepted)),
            ("accepted_for_bidding", Some(K::Accepted)),
            ("held", Some(K::Accepted)),
            ("partially_filled", Some(K::PartiallyFilled)),
            ("filled", Some(K::Filled)),
            ("canceled", Some(K::Canceled)),
            ("replaced", Some(K::Canceled)),
            ("expired", Some(K::Expired)),
            ("rejected", Some(K::Rejected)),
            ("done_for_day", None),
            ("pending_cancel", None),
            ("pending_replace", None),
            ("stopped", None),
            ("suspended", None),
            ("calculated", None),
        ];
        for (text, kind) in table {
            let s = BrokerStatus::parse(text).unwrap_or_else(|| panic!("{text} unknown"));
            assert_eq!(s.journal_kind(), kind, "{text}");
        }
        assert_eq!(BrokerStatus::parse("Filled"), None);
        assert_eq!(BrokerStatus::parse("teleported"), None);
        assert!(BrokerStatus::Filled.is_final());
        assert!(!BrokerStatus::PartiallyFilled.is_final());
        assert!(!BrokerStatus::PendingCancel.is_final());
    }
}
