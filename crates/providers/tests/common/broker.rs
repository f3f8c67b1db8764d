//! The Alpaca paper broker under test: its config and client pointed at a local server
//! (testkit's Trading API simulator or a scripted [`Mock`]), and tickets.

use providers::{AlpacaCredentials, AlpacaTrading, AlpacaTradingConfig, OrderTicket};
use testkit::alpaca_trading::TradingSim;

use domain::journal::OrderSide;
use domain::{Quantity, Symbol};

use super::{KEY_ID, SECRET, fast_http};

pub fn config(base: &str) -> AlpacaTradingConfig {
    let mut c = AlpacaTradingConfig::new(AlpacaCredentials::new(KEY_ID, SECRET))
        .with_base_url(base)
        .unwrap();
    c.http = fast_http(3);
    c
}

pub fn broker(base: &str) -> AlpacaTrading {
    AlpacaTrading::new(config(base)).unwrap()
}

pub async fn sim() -> (TradingSim, AlpacaTrading) {
    let sim = TradingSim::start(KEY_ID, SECRET).await;
    let b = broker(&sim.base);
    (sim, b)
}

pub fn market(id: &str, qty: &str) -> OrderTicket {
    OrderTicket::market(id, Symbol::lit("SPY"), OrderSide::Buy, Quantity::lit(qty))
}

pub fn posts(sim: &TradingSim) -> Vec<serde_json::Value> {
    sim.requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect()
}
