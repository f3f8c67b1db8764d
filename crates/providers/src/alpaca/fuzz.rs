//! Alpaca's page parsers by endpoint, for [`crate::fuzz`].

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
    let single = Symbol::lit("AAPL");
    Ok(match endpoint {
        Endpoint::Bars { daily } => {
            super::wire::bars_page(core, fetched, Some(&single), daily, policy)?
                .items
                .len()
        }
        Endpoint::Trades => super::wire::trades_page(core, fetched, Some(&single), policy)?
            .items
            .len(),
        Endpoint::Quotes => super::wire::quotes_page(core, fetched, Some(&single), policy)?
            .items
            .len(),
        Endpoint::News => super::news::news_page(core, fetched, policy)?.items.len(),
        Endpoint::OptionChain => super::options::option_chain_page(core, fetched, &single, policy)?
            .items
            .len(),
        Endpoint::Actions => super::actions::actions_page(core, fetched, policy)?
            .items
            .len(),
    })
}
