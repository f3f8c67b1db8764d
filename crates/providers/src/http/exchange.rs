//! One exchange of [`HttpCore`]: send within a timeout, then map the answer to a body, a
//! failure worth retrying ([`Transient`]) or a final [`ProviderError`]. A redirect is final: it
//! is never followed, so no credential reaches the host it names.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, LOCATION};
use url::Url;

use super::{HttpCore, Outgoing, rate};
use crate::error::{ProviderError, RequestInfo, Transient};

impl HttpCore {
    /// One exchange within `timeout`. `Ok(Ok)` is a body, `Ok(Err)` a failure worth retrying,
    /// `Err` final.
    pub(super) async fn attempt(
        &self,
        out: &Outgoing<'_>,
        request: &RequestInfo,
        timeout: Duration,
    ) -> Result<Result<Vec<u8>, Transient>, ProviderError> {
        if timeout.is_zero() {
            return Ok(Err(Transient::Timeout));
        }
        let url = &out.url;
        let mut builder = self
            .client
            .request(out.method.clone(), url.clone())
            .headers(out.headers.clone())
            .timeout(timeout);
        if let Some(json) = &out.json {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(json.clone());
        }
        let resp = match builder.send().await {
            Ok(r) => r,
            Err(e) => return Ok(Err(self.transport(&e))),
        };
        self.gate.observe(resp.headers());
        let status = resp.status();
        if status.is_redirection() {
            return Err(ProviderError::Redirected {
                request: request.clone(),
                status: status.as_u16(),
                location: self.location(url, resp.headers()),
            });
        }
        let retry_after = rate::retry_after(resp.headers());
        let body = match resp.bytes().await {
            Ok(b) => Vec::from(b),
            Err(e) => return Ok(Err(self.transport(&e))),
        };
        if status.is_success() {
            return Ok(Ok(body));
        }
        let excerpt = self.excerpt(&body);
        let code = status.as_u16();
        match status {
            StatusCode::TOO_MANY_REQUESTS => Ok(Err(Transient::RateLimited { retry_after })),
            StatusCode::REQUEST_TIMEOUT => Ok(Err(Transient::Status(code))),
            s if s.is_server_error() => Ok(Err(Transient::Status(code))),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Err(ProviderError::Auth {
                request: request.clone(),
                status: code,
                excerpt,
            }),
            StatusCode::NOT_FOUND => Err(ProviderError::NotFound {
                request: request.clone(),
                excerpt,
            }),
            _ => Err(ProviderError::Rejected {
                request: request.clone(),
                status: code,
                excerpt,
            }),
        }
    }

    /// A redirect's `Location` as it may be shown (resolved against `url`, secrets replaced).
    fn location(&self, url: &Url, headers: &HeaderMap) -> String {
        let Some(raw) = headers.get(LOCATION) else {
            return "(no Location header)".to_owned();
        };
        let text = String::from_utf8_lossy(raw.as_bytes());
        match url.join(&text) {
            Ok(target) => self.describe(&target).url,
            Err(_) => self.scrub(&text),
        }
    }

    fn transport(&self, e: &reqwest::Error) -> Transient {
        if e.is_timeout() {
            Transient::Timeout
        } else {
            // reqwest's message names the URL; scrub it before it travels.
            let mut text = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(s) = src {
                text.push_str(": ");
                text.push_str(&s.to_string());
                src = s.source();
            }
            Transient::Network(self.scrub(&text))
        }
    }
}
