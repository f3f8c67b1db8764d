//! Tick import streams the file into one transaction, on SQLite and PostgreSQL: files of several
//! batches are stored whole, numbered across batch boundaries exactly as the file read whole
//! numbers them; a bad row after batches were written, or a file that goes back in time,
//! leaves no partial file behind.

use std::fmt::Write as _;
use std::path::Path;

use app::data::ticks::{BATCH, Sequencer, TickImport, TickImportRequest, import};
use app::progress::NoProgress;
use domain::{Symbol, TradeTick, UnixNanos};
use formats::import::ticks::{TickKind, TickOptions, TickRows, read_ticks};
use store::{Seq, Store};
use testkit::{TestDb, conformance};

conformance!(
    many_batches_are_numbered_as_the_whole_file,
    a_bad_row_late_in_the_file_stores_nothing,
    a_file_back_in_time_is_sorted_and_stored_whole,
    skipped_rows_are_counted_across_batches,
);

/// `n` trades, three per millisecond, so timestamp groups meet every batch boundary.
fn trades_file(path: &Path, n: usize, extra: &str) {
    let mut text = String::from("timestamp,price,size,exchange,conditions\n");
    for k in 0..n {
        let ms = 1_704_205_800_000u64 + (k / 3) as u64;
        writeln!(
            text,
            "{ms},{}.{:02},{},V,@",
            100 + k % 7,
            k % 100,
            1 + k % 9
        )
        .unwrap();
    }
    text.push_str(extra);
    std::fs::write(path, text).unwrap();
}

fn request(path: &Path, skip_invalid: bool) -> TickImportRequest {
    TickImportRequest {
        file: path.to_path_buf(),
        symbol: Symbol::new("TICK").unwrap(),
        options: TickOptions {
            kind: TickKind::Trades,
            tz: domain::time::NEW_YORK,
            skip_invalid,
        },
        calendar: None,
    }
}

fn run(db: &TestDb, req: &TickImportRequest) -> Result<TickImport, app::AppError> {
    db.with(|s: &mut dyn Store| import(s, req, &NoProgress, &mut |_| {}))
}

fn stored(db: &TestDb) -> Vec<Seq<TradeTick>> {
    db.with(|s| s.trades(&Symbol::new("TICK").unwrap(), None, None))
        .unwrap()
}

/// The file read whole, sorted and numbered in one go: what the store must hold.
fn expected(path: &Path) -> Vec<Seq<TradeTick>> {
    let read = read_ticks(path, &request(path, true).options, &mut |_| {}).unwrap();
    let TickRows::Trades(t) = read.rows else {
        panic!("trades")
    };
    Sequencer::default().number(t, |t| t.ts).unwrap()
}

fn many_batches_are_numbered_as_the_whole_file(db: &TestDb) {
    let path = db.path("many.csv");
    let n = 3 * BATCH + 1001;
    trades_file(&path, n, "");
    let done = run(db, &request(&path, false)).unwrap();
    assert_eq!(done.counts.inserted, n as u64);
    assert_eq!(done.read.kept, n as u64);
    assert!(!done.read.reordered);
    let rows = stored(db);
    assert_eq!(rows, expected(&path));
    // Three ticks a millisecond, whatever batch each landed in.
    assert!(rows.iter().all(|r| r.seq < 3));
    assert_eq!(rows.iter().filter(|r| r.seq == 2).count(), n / 3);
    // The same file again changes nothing.
    let again = run(db, &request(&path, false)).unwrap();
    assert_eq!(
        (again.counts.inserted, again.counts.unchanged),
        (0, n as u64)
    );
    assert_eq!(stored(db).len(), n);
}

fn a_bad_row_late_in_the_file_stores_nothing(db: &TestDb) {
    let good = db.path("good.csv");
    trades_file(&good, 10, "");
    run(db, &request(&good, false)).unwrap();
    let before = stored(db);

    let path = db.path("late.csv");
    let n = 2 * BATCH + 5;
    trades_file(&path, n, "1704300000000,oops,1,V,@\n");
    let e = run(db, &request(&path, false)).unwrap_err().to_string();
    let line = n + 2;
    assert!(
        e.contains(&format!("late.csv:{line}: price: \"oops\"")),
        "{e}"
    );
    // Two batches had been written when the bad row was read: rolled back with the rest.
    assert_eq!(stored(db), before);
}

fn a_file_back_in_time_is_sorted_and_stored_whole(db: &TestDb) {
    let path = db.path("back.csv");
    let n = 2 * BATCH + 7;
    // After two batches, a tick in the first millisecond: the fourth tick of that timestamp.
    trades_file(&path, n, "1704205800000,99.99,1,V,@\n");
    let done = run(db, &request(&path, false)).unwrap();
    assert!(done.read.reordered);
    assert_eq!(done.counts.inserted, n as u64 + 1);
    let rows = stored(db);
    assert_eq!(rows, expected(&path));
    let first = UnixNanos::from_millis(1_704_205_800_000);
    let at_first: Vec<u32> = rows
        .iter()
        .filter(|r| r.tick.ts == first)
        .map(|r| r.seq)
        .collect();
    assert_eq!(at_first, [0, 1, 2, 3]);
    assert_eq!(rows[3].tick.price, domain::Price::lit("99.99"));
}

fn skipped_rows_are_counted_across_batches(db: &TestDb) {
    let path = db.path("skips.csv");
    let n = BATCH + 10;
    trades_file(
        &path,
        n,
        "x,1,1,V,@\n1704300000000,1,-1,V,@\n1704300000001,2,3,V,@\n",
    );
    let mut heard = 0;
    let done = db
        .with(|s: &mut dyn Store| {
            import(s, &request(&path, true), &NoProgress, &mut |r| {
                heard = r.skipped.len()
            })
        })
        .unwrap();
    assert_eq!(heard, 2);
    assert_eq!(
        (done.counts.inserted, done.counts.skipped),
        (n as u64 + 1, 2)
    );
    assert_eq!(stored(db).len(), n + 1);
}
