//! [`Clients`]: one shared provider client per provider, built from the environment (or a
//! lookup layering stored keys under it). Its own file so that the backfill, which takes
//! clients, does not depend on the runner that uses the backfill.

use std::num::NonZeroU32;
use std::sync::Arc;

use providers::{
    AlpacaClient, AlpacaConfig, PolygonClient, PolygonConfig, Provider as Source, ProviderError,
};
use vault::CredentialSet;
use vault::vars::{APCA_API_KEY_ID, APCA_API_SECRET_KEY, POLYGON_API_KEY, ZTRADE_MASTER_KEY};

use crate::worker::JobError;
use domain::Provider;

/// One client per provider; `None` when its keys are not configured (a job needing it fails
/// with a message saying so, and the other jobs still run).
#[derive(Clone, Default)]
pub struct Clients {
    pub alpaca: Option<Arc<dyn Source>>,
    pub polygon: Option<Arc<dyn Source>>,
}

impl Clients {
    /// Clients from the environment (`APCA_API_KEY_ID`/`APCA_API_SECRET_KEY`,
    /// `POLYGON_API_KEY`, base URLs from `ZTRADE_ALPACA_DATA_URL`/`ZTRADE_POLYGON_URL`).
    /// A provider without keys is left out; `lookup` lets callers layer stored keys under the
    /// environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, JobError> {
        // A half-configured pair (key id without secret) is an error, not "no client".
        let creds = CredentialSet::from_lookup(&lookup).map_err(ProviderError::from)?;
        let alpaca = match creds.alpaca {
            Some(_) => Some(
                Arc::new(AlpacaClient::new(AlpacaConfig::from_lookup(&lookup)?)?)
                    as Arc<dyn Source>,
            ),
            None => None,
        };
        let polygon = match creds.polygon {
            Some(_) => Some(
                Arc::new(PolygonClient::new(PolygonConfig::from_lookup(&lookup)?)?)
                    as Arc<dyn Source>,
            ),
            None => None,
        };
        Ok(Self { alpaca, polygon })
    }

    /// The client of `provider` alone (a backfill), from `lookup`, with the request budget
    /// `rpm` in place of the provider's default when given. Missing keys are an error that says
    /// how to give them.
    pub fn for_provider(
        provider: Provider,
        lookup: &dyn Fn(&str) -> Option<String>,
        rpm: Option<NonZeroU32>,
    ) -> Result<Self, JobError> {
        let hint = |e: ProviderError| match e {
            ProviderError::Config(m) if m.contains("missing") => JobError::Config(format!(
                "{m}, or store them with `ztrade keys set {provider}` (read with \
                 {ZTRADE_MASTER_KEY} or --key-file)"
            )),
            other => other.into(),
        };
        let mut clients = Self::default();
        match provider {
            Provider::Alpaca => {
                let mut c = AlpacaConfig::from_lookup(lookup).map_err(hint)?;
                if let Some(r) = rpm {
                    c.http.requests_per_minute = r;
                }
                clients.alpaca = Some(Arc::new(AlpacaClient::new(c)?));
            }
            Provider::Polygon => {
                let mut c = PolygonConfig::from_lookup(lookup).map_err(hint)?;
                if let Some(r) = rpm {
                    c.http.requests_per_minute = r;
                }
                clients.polygon = Some(Arc::new(PolygonClient::new(c)?));
            }
        }
        Ok(clients)
    }

    pub fn get(&self, p: Provider) -> Result<&Arc<dyn Source>, JobError> {
        let client = match p {
            Provider::Alpaca => &self.alpaca,
            Provider::Polygon => &self.polygon,
        };
        client.as_ref().ok_or_else(|| {
            JobError::Config(match p {
                Provider::Alpaca => format!(
                    "no Alpaca keys: set {APCA_API_KEY_ID} and {APCA_API_SECRET_KEY}, or store \
                     them with `ztrade keys`"
                ),
                Provider::Polygon => {
                    format!("no Polygon key: set {POLYGON_API_KEY}, or store it with `ztrade keys`")
                }
            })
        })
    }
}
