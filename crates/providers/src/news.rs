//! What both providers' news parsers share. The article type itself is [`domain::NewsArticle`].

use domain::Symbol;

use crate::page::Issue;

/// An item's tickers; one that is not a valid symbol is left out and reported as
/// [`Issue::BadSymbol`] (the item is kept).
pub(crate) fn symbols(item: &str, texts: &[String], issues: &mut Vec<Issue>) -> Vec<Symbol> {
    let mut out = Vec::with_capacity(texts.len());
    for t in texts {
        match Symbol::new(t) {
            Ok(s) => out.push(s),
            Err(_) => issues.push(Issue::BadSymbol {
                item: item.to_owned(),
                text: t.clone(),
            }),
        }
    }
    out
}
