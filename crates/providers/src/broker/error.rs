//! What a broker call can end in, split by what the caller can do about it.
//!
//! | variant         | cause                                                   | caller's move        |
//! |-----------------|---------------------------------------------------------|----------------------|
//! | `Rejected`      | the broker refused the order or the cancel (buying power, size, state) | record it; never resend as is |
//! | `InvalidTicket` | the ticket cannot be sent (empty `client_order_id`, zero quantity, …) | fix the caller |
//! | `Provider`      | transport, credentials, redirects, malformed bodies ([`ProviderError`]) | `is_retryable`: retry later, after a lookup by `client_order_id` |

use thiserror::Error;

use crate::error::{ProviderError, RequestInfo};

#[derive(Debug, Clone, PartialEq, Error)]
pub enum BrokerError {
    /// The broker's own refusal: `code` and `message` as it sent them.
    #[error("{request}: rejected by the broker (HTTP {status}{}): {message}", .code.map(|c| format!(", code {c}")).unwrap_or_default())]
    Rejected {
        request: RequestInfo,
        status: u16,
        code: Option<u64>,
        message: String,
    },
    #[error("invalid order ticket: {0}")]
    InvalidTicket(String),
    #[error(transparent)]
    Provider(#[from] ProviderError),
}

impl BrokerError {
    /// True only for failures that may pass if the same call is made again later (for a
    /// submit: after looking the order up by its `client_order_id`).
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Provider(e) if e.is_retryable())
    }
}
