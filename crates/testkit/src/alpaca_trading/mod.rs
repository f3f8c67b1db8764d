//! A local Alpaca Trading API v2 server (axum on 127.0.0.1:0) that holds orders, fills and an
//! account, for the broker client's tests.
//!
//! Bodies are built from the shared fixtures (`alpaca/trading`; see its `_index.json`):
//! - orders from the order captured from the live API
//!   (`post_v2_orders__tradeapi_limit_order_spy.json`), its fields set from the request;
//! - FILL activities in the shape of the captured activities
//!   (`get_v2_account_activities__pr646_get_account_activities.json`);
//! - the account is the documentation's example (`get_v2_account__get_account.json`);
//! - error bodies in the shape of the recorded 422s (`{"code": 40010001, "message": …}`). The
//!   403 for insufficient buying power, the 404 and the duplicate `client_order_id` 422 are
//!   hand-made in that shape, with Alpaca's documented codes and wording.
//! - No recorded order has bracket legs: a bracket's `legs` follow Alpaca's documentation
//!   (two child orders, `held` until the entry fills).
//!
//! - [`TradingSim::start`]: the server, answering only the given key pair (else 401).
//! - [`SubmitFault`]: what the next `POST /v2/orders` does instead of a plain accept (refuse
//!   with a 5xx or 429, store and then lose the answer, reject).
//! - [`TradingSim::fill`]: a fill of an order (its status, filled quantity and average price
//!   follow, and a FILL activity is recorded).
//! - What it saw: [`TradingSim::requests`], [`TradingSim::submissions`] per
//!   `client_order_id`, [`TradingSim::held`] orders per `client_order_id`.

mod serve;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::HeaderMap;
use domain::{Price, Quantity, UnixNanos};
use serde_json::{Value, json};

/// What the next submit does instead of a plain accept.
#[derive(Clone, Debug)]
pub enum SubmitFault {
    /// Answer this status (5xx, or 429 with `Retry-After: 1`) without holding the order.
    Refuse(u16),
    /// Hold the order, then answer this status: the acceptance is lost.
    HoldThenFail(u16),
    /// Hold the order, then answer nothing for this long: the client times out.
    HoldThenStall(Duration),
    /// Answer this status and body without holding the order (a rejection).
    Reject(u16, String),
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct TradingRequest {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: String,
}

impl TradingRequest {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) struct State {
    key_id: String,
    secret: String,
    template: Value,
    orders: Vec<Value>,
    submissions: HashMap<String, u32>,
    faults: VecDeque<SubmitFault>,
    activities: Vec<Value>,
    account: Value,
    requests: Vec<TradingRequest>,
    /// The sim's clock: every order and fill is one second after the previous.
    clock: UnixNanos,
    next_id: u64,
}

pub struct TradingSim {
    pub base: String,
    state: Arc<Mutex<State>>,
}

const TEMPLATE: &str = "alpaca/trading/post_v2_orders__tradeapi_limit_order_spy.json";
const ACCOUNT: &str = "alpaca/trading/get_v2_account__get_account.json";

impl TradingSim {
    /// Serves on a task of the current runtime, answering the key pair `key_id`/`secret`.
    pub async fn start(key_id: &str, secret: &str) -> Self {
        let state = Arc::new(Mutex::new(State {
            key_id: key_id.to_owned(),
            secret: secret.to_owned(),
            template: crate::fixture_json(TEMPLATE),
            orders: vec![],
            submissions: HashMap::new(),
            faults: VecDeque::new(),
            activities: vec![],
            account: crate::fixture_json(ACCOUNT),
            requests: vec![],
            clock: crate::t("2024-03-04T14:30:00Z"),
            next_id: 0,
        }));
        let app = Router::new()
            .fallback(serve::handle)
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            base: format!("http://{addr}"),
            state,
        }
    }

    /// Queues what the next submit does (faults apply in order, one submit each).
    pub fn fault_next_submit(&self, fault: SubmitFault) {
        self.state.lock().unwrap().faults.push_back(fault);
    }

    /// A fill of `qty` at `price` (decimal text) of order `order_id`; returns the activity id.
    pub fn fill(&self, order_id: &str, qty: &str, price: &str) -> String {
        self.state.lock().unwrap().fill(order_id, qty, price)
    }

    /// `POST /v2/orders` requests seen with this `client_order_id`.
    pub fn submissions(&self, client_order_id: &str) -> u32 {
        let s = self.state.lock().unwrap();
        s.submissions.get(client_order_id).copied().unwrap_or(0)
    }

    /// Orders held under this `client_order_id`.
    pub fn held(&self, client_order_id: &str) -> usize {
        let s = self.state.lock().unwrap();
        s.orders
            .iter()
            .filter(|o| o["client_order_id"] == client_order_id)
            .count()
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<TradingRequest> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The account body served at `/v2/account`.
    pub fn account(&self) -> Value {
        self.state.lock().unwrap().account.clone()
    }
}

impl State {
    fn tick(&mut self) -> String {
        self.clock = self.clock.plus(1_000_000_000);
        self.clock.to_rfc3339()
    }

    fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("00000000-0000-4000-8000-{:012}", self.next_id)
    }

    /// An order as Alpaca answers it, from the captured template and the request body.
    fn order_from(&mut self, req: &Value) -> Value {
        let now = self.tick();
        let mut o = self.template.clone();
        let id = self.new_id();
        let text = |k: &str| req.get(k).cloned().unwrap_or(Value::Null);
        let kind = text("type");
        for (k, v) in [
            ("id", json!(id)),
            ("client_order_id", text("client_order_id")),
            ("symbol", text("symbol")),
            ("qty", text("qty")),
            ("filled_qty", json!("0")),
            ("side", text("side")),
            ("type", kind.clone()),
            ("order_type", kind),
            ("time_in_force", text("time_in_force")),
            ("limit_price", text("limit_price")),
            ("stop_price", text("stop_price")),
            (
                "order_class",
                req.get("order_class").cloned().unwrap_or(json!("")),
            ),
            ("status", json!("accepted")),
            ("created_at", json!(now)),
            ("updated_at", json!(now)),
            ("submitted_at", json!(now)),
        ] {
            o[k] = v;
        }
        if let (Some(tp), Some(sl)) = (req.get("take_profit"), req.get("stop_loss")) {
            let exit_side = if req["side"] == "buy" { "sell" } else { "buy" };
            let mut leg = |kind: &str, price_field: &str, price: &Value| {
                let mut l = o.clone();
                l["id"] = json!(self.new_id());
                l["client_order_id"] = json!(format!("{}-{kind}", id));
                l["side"] = json!(exit_side);
                l["type"] = json!(kind);
                l["order_type"] = json!(kind);
                l["limit_price"] = Value::Null;
                l["stop_price"] = Value::Null;
                l[price_field] = price.clone();
                l["status"] = json!("held");
                l["legs"] = Value::Null;
                l
            };
            let legs = vec![
                leg("limit", "limit_price", &tp["limit_price"]),
                leg("stop", "stop_price", &sl["stop_price"]),
            ];
            o["legs"] = json!(legs);
        }
        o
    }

    fn fill(&mut self, order_id: &str, qty: &str, price: &str) -> String {
        let now = self.tick();
        let activity_uuid = self.new_id();
        let qty_q = Quantity::lit(qty);
        let price_p = Price::lit(price);
        let o = self
            .orders
            .iter_mut()
            .find(|o| o["id"] == order_id)
            .unwrap_or_else(|| panic!("no order {order_id}"));
        let ordered = Quantity::lit(o["qty"].as_str().expect("qty text"));
        let before = Quantity::lit(o["filled_qty"].as_str().unwrap());
        let after = before.checked_add(qty_q).unwrap();
        assert!(after <= ordered, "fill beyond the order's quantity");
        // Average price, exactly: Σ p·q / Σ q on the raw scales (truncated to 10^-9).
        let prev_avg = o["filled_avg_price"]
            .as_str()
            .map(Price::lit)
            .unwrap_or(Price::ZERO);
        let notional = i128::from(prev_avg.raw()) * i128::from(before.raw())
            + i128::from(price_p.raw()) * i128::from(qty_q.raw());
        let avg = Price::from_raw((notional / i128::from(after.raw())) as i64);
        let done = after == ordered;
        let status = if done { "filled" } else { "partially_filled" };
        o["filled_qty"] = json!(after.to_string());
        o["filled_avg_price"] = json!(avg.to_string());
        o["status"] = json!(status);
        o["updated_at"] = json!(now);
        if done {
            o["filled_at"] = json!(now);
        }
        let leaves = ordered.checked_sub(after).unwrap();
        // The captured activities' id form: `<yyyymmddhhmmssfff>::<uuid>`, sortable by time.
        let stamp: String = now.chars().filter(char::is_ascii_digit).collect();
        let id = format!("{stamp:0<17}::{activity_uuid}");
        let (side, symbol) = (o["side"].clone(), o["symbol"].clone());
        self.activities.push(json!({
            "id": id,
            "activity_type": "FILL",
            "transaction_time": now,
            "type": if done { "fill" } else { "partial_fill" },
            "price": price,
            "qty": qty,
            "side": side,
            "symbol": symbol,
            "leaves_qty": leaves.to_string(),
            "order_id": order_id,
            "cum_qty": after.to_string(),
            "order_status": status,
        }));
        id
    }
}
