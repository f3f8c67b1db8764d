//! Alpaca's Trading API v2 (`https://paper-api.alpaca.markets`) as a [`Broker`].
//!
//! - [`AlpacaTradingConfig`]: base URL (config > `ZTRADE_ALPACA_TRADING_URL` > the paper
//!   API), key pair (`APCA_API_KEY_ID`/`APCA_API_SECRET_KEY`, or the vault through the
//!   caller's lookup), transport ([`HttpConfig`], 200 requests/min).
//! - [`AlpacaTrading`]: the client. Endpoints: `POST /v2/orders`, `GET /v2/orders/{id}`,
//!   `GET /v2/orders:by_client_order_id`, `GET /v2/orders?status=open`,
//!   `DELETE /v2/orders/{id}`, `GET /v2/account/activities/FILL` (paged by `page_token`, the
//!   last entry's id), `GET /v2/account`.
//! - `submit`: never retried blindly. After a 5xx, a timeout or a dropped connection the
//!   order may have been accepted with its answer lost, so before each resend the order is
//!   looked up by its `client_order_id` and returned if it exists. A 403/422 with Alpaca's
//!   error body is [`BrokerError::Rejected`], never retried.
//! - Every other call goes through the shared [`crate::http`] core: retries with backoff,
//!   `Retry-After`, the rate gate, no redirect followed, keys sent only to the configured
//!   origin and scrubbed from every error.
//! - `wire`: response bodies → domain values; `body`: a ticket → the request body.

mod body;
mod wire;

use async_trait::async_trait;
use domain::UnixNanos;
use reqwest::Method;
use reqwest::header::HeaderMap;
use url::Url;
use vault::vars::ZTRADE_ALPACA_TRADING_URL;
use vault::{AlpacaCredentials, CredentialSet};

use crate::broker::{
    Broker, BrokerAccount, BrokerError, BrokerFill, BrokerOrder, BrokerStatus, OrderTicket,
};
use crate::error::{ProviderError, RequestInfo};
use crate::http::{HttpConfig, HttpCore, Outgoing, endpoint, parse_base_url};

pub const DEFAULT_ALPACA_TRADING_URL: &str = "https://paper-api.alpaca.markets";
/// Alpaca's documented Trading API budget.
pub const ALPACA_TRADING_REQUESTS_PER_MINUTE: u32 = 200;
/// Activities per page (Alpaca's maximum).
const FILLS_PAGE_SIZE: u32 = 100;
/// Open orders read in one request (Alpaca's maximum); more is an error, not a silent cut.
const MAX_OPEN_ORDERS: usize = 500;

#[derive(Debug, Clone)]
pub struct AlpacaTradingConfig {
    pub base_url: Url,
    pub credentials: AlpacaCredentials,
    pub http: HttpConfig,
}

impl AlpacaTradingConfig {
    /// The paper API and the default transport.
    pub fn new(credentials: AlpacaCredentials) -> Self {
        Self {
            base_url: Url::parse(DEFAULT_ALPACA_TRADING_URL).expect("valid default"),
            credentials,
            http: HttpConfig::with_rate(ALPACA_TRADING_REQUESTS_PER_MINUTE),
        }
    }

    /// Keys from `APCA_API_KEY_ID`/`APCA_API_SECRET_KEY`, base URL from
    /// `ZTRADE_ALPACA_TRADING_URL`.
    pub fn from_env() -> Result<Self, ProviderError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// As [`Self::from_env`] through `lookup` (the environment with the vault's keys layered
    /// under it, as the collector's provider lookup gives).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ProviderError> {
        let creds = CredentialSet::from_lookup(&lookup)?.require_alpaca()?;
        let mut c = Self::new(creds);
        if let Some(url) = super::url_override(&lookup, ZTRADE_ALPACA_TRADING_URL)? {
            c.base_url = url;
        }
        Ok(c)
    }

    /// Overrides the base URL (wins over the environment).
    pub fn with_base_url(mut self, url: &str) -> Result<Self, ProviderError> {
        self.base_url = parse_base_url(url, "Alpaca trading base URL")?;
        Ok(self)
    }
}

pub struct AlpacaTrading {
    core: HttpCore,
    base: Url,
    headers: HeaderMap,
}

impl AlpacaTrading {
    pub fn new(config: AlpacaTradingConfig) -> Result<Self, ProviderError> {
        let (core, headers) = super::connection(
            "alpaca-trading",
            &config.http,
            &config.base_url,
            &config.credentials,
        )?;
        Ok(Self {
            core,
            base: config.base_url,
            headers,
        })
    }

    pub fn from_env() -> Result<Self, ProviderError> {
        Self::new(AlpacaTradingConfig::from_env()?)
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    fn url(&self, segments: &[&str]) -> Url {
        endpoint(&self.base, segments)
    }

    /// GET `url`, retried per the policy; `None` on a 404.
    async fn read(&self, url: Url) -> Result<Option<(RequestInfo, Vec<u8>)>, ProviderError> {
        match self.core.get(url, &self.headers).await {
            Ok(f) => Ok(Some((f.request, f.body))),
            Err(ProviderError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn read_order(&self, url: Url) -> Result<Option<BrokerOrder>, BrokerError> {
        match self.read(url).await? {
            Some((request, body)) => Ok(Some(wire::order(&self.core, &request, &body)?)),
            None => Ok(None),
        }
    }

    /// Alpaca's refusal of an order or a cancel as [`BrokerError::Rejected`]: a 422, or a
    /// 403 with its error body (insufficient buying power; a bad key is a 401, or a 403
    /// without a code). Anything else stays as it was.
    fn refusal(&self, e: ProviderError) -> BrokerError {
        let (request, status, excerpt) = match &e {
            ProviderError::Rejected {
                request,
                status,
                excerpt,
            }
            | ProviderError::Auth {
                request,
                status,
                excerpt,
            } => (request, *status, excerpt),
            _ => return e.into(),
        };
        let body = wire::api_error(excerpt);
        let refused = match status {
            422 => true,
            403 => body.as_ref().is_some_and(|b| b.code.is_some()),
            _ => false,
        };
        if !refused {
            return e.into();
        }
        let (code, message) = match body {
            Some(b) => (b.code, b.message),
            None => (None, excerpt.clone()),
        };
        BrokerError::Rejected {
            request: request.clone(),
            status,
            code,
            message,
        }
    }
}

/// The order already holds this `client_order_id` (Alpaca's wording on a duplicate).
fn is_duplicate(e: &BrokerError) -> bool {
    matches!(e, BrokerError::Rejected { message, .. } if message.contains("client_order_id must be unique"))
}

#[async_trait]
impl Broker for AlpacaTrading {
    fn name(&self) -> &'static str {
        "alpaca-paper"
    }

    fn ticket_payload(&self, ticket: &OrderTicket) -> Option<String> {
        String::from_utf8(body::order_body(ticket)).ok()
    }

    async fn submit(&self, ticket: &OrderTicket) -> Result<BrokerOrder, BrokerError> {
        ticket.check()?;
        let id = ticket.client_order_id.as_str();
        let out = Outgoing {
            method: Method::POST,
            url: self.url(&["v2", "orders"]),
            headers: &self.headers,
            json: Some(body::order_body(ticket)),
        };
        let mut retry = 0;
        loop {
            let (request, outcome) = match self.core.send_once(&out).await {
                Ok(r) => r,
                Err(e) => {
                    let e = self.refusal(e);
                    // Sent before, answer lost, and not yet visible when looked up.
                    if is_duplicate(&e)
                        && let Some(order) = self.order_by_client_id(id).await?
                    {
                        return Ok(order);
                    }
                    return Err(e);
                }
            };
            let transient = match outcome {
                Ok(body) => return Ok(wire::order(&self.core, &request, &body)?),
                Err(t) => t,
            };
            // The order may be held even though its answer was lost: look before resending.
            let why = match self.core.backoff(retry, &transient) {
                Ok(wait) => {
                    self.core.wait_out(wait).await;
                    None
                }
                Err(why) => Some(why),
            };
            retry += 1;
            if let Some(order) = self.order_by_client_id(id).await? {
                tracing::info!(client_order_id = id, order_id = %order.id, cause = %transient,
                    "submit: the order was accepted though its answer was lost; not resent");
                return Ok(order);
            }
            if let Some(why) = why {
                return Err(ProviderError::Unavailable {
                    request,
                    attempts: retry,
                    last: transient,
                    why,
                }
                .into());
            }
            tracing::warn!(client_order_id = id, retry, cause = %transient, "submit: not held; resending");
        }
    }

    async fn order(&self, id: &str) -> Result<Option<BrokerOrder>, BrokerError> {
        self.read_order(self.url(&["v2", "orders", id])).await
    }

    async fn order_by_client_id(
        &self,
        client_order_id: &str,
    ) -> Result<Option<BrokerOrder>, BrokerError> {
        let mut url = self.url(&["v2", "orders:by_client_order_id"]);
        url.query_pairs_mut()
            .append_pair("client_order_id", client_order_id);
        self.read_order(url).await
    }

    async fn open_orders(&self) -> Result<Vec<BrokerOrder>, BrokerError> {
        let mut url = self.url(&["v2", "orders"]);
        url.query_pairs_mut()
            .append_pair("status", "open")
            .append_pair("limit", &MAX_OPEN_ORDERS.to_string())
            .append_pair("direction", "asc")
            .append_pair("nested", "true");
        let f = self.core.get(url, &self.headers).await?;
        let orders = wire::orders(&self.core, &f.request, &f.body)?;
        if orders.len() >= MAX_OPEN_ORDERS {
            return Err(ProviderError::InvalidRequest(format!(
                "{}: {MAX_OPEN_ORDERS} open orders or more; this client reads at most {MAX_OPEN_ORDERS}",
                f.request
            ))
            .into());
        }
        Ok(orders)
    }

    async fn cancel(&self, id: &str) -> Result<(), BrokerError> {
        let out = Outgoing {
            method: Method::DELETE,
            url: self.url(&["v2", "orders", id]),
            headers: &self.headers,
            json: None,
        };
        match self.core.send(out).await.map_err(|e| self.refusal(e)) {
            Ok(_) => Ok(()),
            // A retried cancel whose first answer was lost finds the order no longer
            // cancelable: that is success if the order is canceled or being canceled.
            Err(e @ BrokerError::Rejected { status: 422, .. }) => match self.order(id).await? {
                Some(o)
                    if matches!(
                        o.status,
                        BrokerStatus::Canceled | BrokerStatus::PendingCancel
                    ) =>
                {
                    Ok(())
                }
                _ => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    async fn fills(&self, after: Option<UnixNanos>) -> Result<Vec<BrokerFill>, BrokerError> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut url = self.url(&["v2", "account", "activities", "FILL"]);
            {
                let mut q = url.query_pairs_mut();
                q.append_pair("direction", "asc")
                    .append_pair("page_size", &FILLS_PAGE_SIZE.to_string());
                if let Some(a) = after {
                    q.append_pair("after", &a.to_rfc3339());
                }
                if let Some(t) = &token {
                    q.append_pair("page_token", t);
                }
            }
            let f = self.core.get(url, &self.headers).await?;
            let (fills, last) = wire::fills_page(&self.core, &f.request, &f.body)?;
            all.extend(fills);
            match last {
                None => return Ok(all),
                // A server that hands back the token it was given would page forever.
                Some(l) if token.as_deref() == Some(l.as_str()) => {
                    return Err(ProviderError::Malformed {
                        request: f.request,
                        reason: format!("page_token {l:?} did not advance"),
                        excerpt: self.core.excerpt(&f.body),
                    }
                    .into());
                }
                Some(l) => token = Some(l),
            }
        }
    }

    async fn account(&self) -> Result<BrokerAccount, BrokerError> {
        let f = self
            .core
            .get(self.url(&["v2", "account"]), &self.headers)
            .await?;
        Ok(wire::account(&self.core, &f.request, &f.body)?)
    }
}
