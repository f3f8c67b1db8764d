use super::*;

fn parse(text: &str) -> ActionsRead {
    parse_actions(Path::new("acts.csv"), text).unwrap()
}

fn messages(r: &ActionsRead) -> Vec<String> {
    r.invalid.iter().map(|e| e.to_string()).collect()
}

#[test]
fn reads_the_shared_layout() {
    let r = parse(
        "symbol,ex_date,kind,split_from,split_to,cash_amount\n\
         AAPL,2014-06-09,split,1,7,\n\
         AAPL,2012-08-09,dividend,,,2.6499\n",
    );
    assert!(r.invalid.is_empty(), "{:?}", messages(&r));
    assert_eq!(r.actions.len(), 2);
    assert_eq!(r.actions[0].0, 2);
    assert_eq!(
        r.actions[0].1.kind,
        CorporateActionKind::Split { from: 1, to: 7 }
    );
    assert_eq!(
        r.actions[1].1.kind,
        CorporateActionKind::CashDividend {
            amount: Price::lit("2.6499")
        }
    );
}

#[test]
fn columns_in_any_order_and_case() {
    let r = parse(
        "Cash_Amount,KIND,symbol,ex_date,split_to,split_from\n0.5,dividend,SPY,2020-03-20,,\n",
    );
    assert!(r.invalid.is_empty(), "{:?}", messages(&r));
    assert_eq!(r.actions[0].1.symbol.as_str(), "SPY");
}

#[test]
fn every_bad_line_names_file_line_and_field() {
    let r = parse(
        "symbol,ex_date,kind,split_from,split_to,cash_amount\n\
         AAPL,2014-6-9,split,1,7,\n\
         AAPL,2014-06-09,merger,,,\n\
         AAPL,2014-06-09,split,0,7,\n\
         AAPL,2014-06-09,split,1,x,\n\
         AAPL,2014-06-09,split,1,7,3\n\
         AAPL,2012-08-09,dividend,,,-1\n\
         AAPL,2012-08-09,dividend,,,0.0000000001\n\
         AAPL,2012-08-09,dividend,1,,2\n\
         AAPL,2012-08-09,dividend,,,\n\
         ,2012-08-09,dividend,,,1\n\
         AAPL,2012-08-09\n\
         AAPL,2014-06-09,split,1,7,\n\
         AAPL,2014-06-09,split,1,7,\n",
    );
    let got = messages(&r);
    let fields: Vec<(u64, &str)> = r
        .invalid
        .iter()
        .map(|e| (e.line, e.field.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            (2, "ex_date"),
            (3, "kind"),
            (4, "split_from"),
            (5, "split_to"),
            (6, "cash_amount"),
            (7, "cash_amount"),
            (8, "cash_amount"),
            (9, "split_from"),
            (10, "cash_amount"),
            (11, "symbol"),
            (12, "line"),
            (14, "ex_date"),
        ],
        "{got:#?}"
    );
    assert!(got[0].starts_with("acts.csv:2: ex_date: "), "{}", got[0]);
    assert_eq!(
        got[11],
        "acts.csv:14: ex_date: AAPL split on 2014-06-09 repeats line 13"
    );
    assert_eq!(r.actions.len(), 1);
}

#[test]
fn a_header_without_a_column_is_refused() {
    let err = parse_actions(
        Path::new("a.csv"),
        "symbol,ex_date,kind\nAAPL,2014-06-09,split\n",
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("a.csv:1: header: no `split_from` column"),
        "{err}"
    );
}
