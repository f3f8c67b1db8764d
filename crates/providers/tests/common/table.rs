//! Table-driven fixture checks: one case per body, served by a [`Mock`] and read through the
//! real client; the first and last record are compared written out in full.

use providers::Page;

use super::{Mock, Reply};

#[derive(Clone, Copy)]
pub enum Via {
    Alpaca,
    Polygon,
}

pub struct Case {
    pub file: &'static str,
    pub via: Via,
    pub rows: usize,
    pub next: Option<&'static str>,
    pub issues: usize,
    pub first: &'static str,
    pub last: &'static str,
}

pub const fn case(
    file: &'static str,
    via: Via,
    rows: usize,
    next: Option<&'static str>,
    issues: usize,
    first: &'static str,
    last: &'static str,
) -> Case {
    Case {
        file,
        via,
        rows,
        next,
        issues,
        first,
        last,
    }
}

pub fn check<T>(c: &Case, page: &Page<T>, show: impl Fn(&T) -> String) {
    let f = c.file;
    assert_eq!(page.items.len(), c.rows, "{f}: rows");
    assert_eq!(page.next.as_ref().map(|n| n.as_str()), c.next, "{f}: next");
    assert_eq!(page.issues.len(), c.issues, "{f}: issues {:?}", page.issues);
    let shown = |i: Option<&T>| i.map(&show).unwrap_or_default();
    assert_eq!(shown(page.items.first()), c.first, "{f}: first");
    assert_eq!(shown(page.items.last()), c.last, "{f}: last");
}

pub async fn mock(c: &Case) -> Mock {
    Mock::start(vec![Reply::fixture(c.file)]).await
}
