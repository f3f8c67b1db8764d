//! Polygon's page parsers by endpoint, for [`crate::fuzz`].

use domain::Symbol;

use crate::error::ProviderError;
use crate::fuzz::endpoint::Endpoint;
use crate::http::{Fetched, HttpCore};
use crate::page::OnInvalidRecord;

pub(crate) fn page(
    core: &HttpCore,
    fetched: &Fetched,
    endpoint: Endpoint,
    policy: OnInvalidRecord,
) -> Result<usize, ProviderError> {
    let symbol = Symbol::lit("AAPL");
    Ok(match endpoint {
        Endpoint::Bars { daily } => super::wire::bars_page(core, fetched, &symbol, daily, policy)?
            .items
            .len(),
        Endpoint::Trades => super::wire::trades_page(core, fetched, &symbol, policy)?
            .items
            .len(),
        Endpoint::Quotes => super::wire::quotes_page(core, fetched, &symbol, policy)?
            .items
            .len(),
        Endpoint::News => super::news::news_page(core, fetched, policy)?.items.len(),
        Endpoint::OptionChain => super::options::option_chain_page(core, fetched, policy)?
            .items
            .len(),
        Endpoint::Actions => {
            let splits = super::actions::splits_page(core, fetched, policy)?;
            let dividends = super::actions::dividends_page(core, fetched, policy)?;
            splits.items.len() + dividends.items.len()
        }
    })
}
