//! A PostgreSQL URL naming a database that does not exist fails with how to create it
//! (issue 9), not with the server's bare message.

#[test]
fn a_missing_database_says_how_to_create_it() {
    let base = testkit::pg_base_url();
    let (server, _) = base.rsplit_once('/').expect("a URL with a database");
    let url = format!("{server}/ztrade_no_such_database_9");
    let e = match store::open(&url) {
        Ok(_) => panic!("{url} should not exist"),
        Err(e) => e.to_string(),
    };
    assert!(e.contains("does not exist"), "{e}");
    assert!(e.contains("createdb NAME"), "{e}");
}
