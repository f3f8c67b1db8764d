//! Paper sessions (`paper_sessions`, `paper_inputs`, the journal tables under a session), run
//! against SQLite and PostgreSQL: a session starts, resumes with the same agent and refuses
//! another; its inputs round-trip exactly and a batch with a bar or seq already recorded is
//! refused whole; its journal is replaced, not appended, and kept apart from runs' journals;
//! deleting it takes its inputs and journal along.

mod common;

use common::journal::{journal, new_run};
use common::{TestDb, bar, ts};
use domain::calendar::Calendar;
use domain::journal::Journal;
use domain::{Price, Quantity, Symbol, Timeframe, UnixNanos};
use serde_json::json;
use store::{InputSummary, NewSession, PaperBroker, RecordedBar, SessionStatus, StoreError};
use testkit::conformance;

conformance!(
    a_session_starts_resumes_and_refuses_another_agent,
    inputs_round_trip_exactly_in_seq_order,
    a_batch_with_a_recorded_bar_or_seq_is_refused_whole,
    a_session_journal_is_replaced_and_kept_apart_from_runs,
    deleting_a_session_takes_its_inputs_and_journal,
);

fn new_session(name: &str, fast: u32) -> NewSession {
    NewSession {
        name: name.into(),
        agent_id: "sma".into(),
        config: json!({"id": "sma", "fast": fast, "slow": 20, "risk": {"max_daily_loss": "0.02"}}),
        engine_version: "0.1.0+abc".into(),
        broker: PaperBroker::Sim,
        calendar: Calendar::default(),
        timeframe: Timeframe::parse("1m").unwrap(),
    }
}

/// Bar `minute` of `symbol`, received `delay_ms` after its stamp.
fn recorded(seq: u64, symbol: &str, minute: i64, delay_ms: i64, late: bool) -> RecordedBar {
    let bar = bar(minute, seq as i64);
    RecordedBar {
        seq,
        symbol: Symbol::lit(symbol),
        received_at: UnixNanos::new(bar.ts.as_i64() + 60_000_000_000 + delay_ms * 1_000_000),
        bar,
        late,
    }
}

fn a_session_starts_resumes_and_refuses_another_agent(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    assert!(s.session("a").unwrap().is_none());
    let a = s.start_session(&new_session("a", 5)).unwrap();
    assert_eq!(a.name, "a");
    assert_eq!(a.status, SessionStatus::Running);
    assert_eq!(a.config, new_session("a", 5).config);
    assert_eq!(a.broker, PaperBroker::Sim);
    assert_eq!(a.timeframe, Timeframe::parse("1m").unwrap());
    assert_eq!(a.halt_reason, None);
    assert_eq!(s.session("a").unwrap().as_ref(), Some(&a));

    // Halted with its reason, then resumed with the same agent: returned unchanged.
    s.set_session_status("a", SessionStatus::Halted, Some("max_daily_loss"))
        .unwrap();
    let halted = s.session("a").unwrap().unwrap();
    assert_eq!(halted.status, SessionStatus::Halted);
    assert_eq!(halted.halt_reason.as_deref(), Some("max_daily_loss"));
    assert!(halted.updated_at >= a.updated_at);
    assert_eq!(s.start_session(&new_session("a", 5)).unwrap(), halted);

    // Another agent under the same name is refused, naming the session; nothing changes.
    let err = s.start_session(&new_session("a", 6)).unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("\"a\"")),
        "{err}"
    );
    assert_eq!(s.session("a").unwrap().unwrap(), halted);

    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut b = new_session("b", 6);
    b.broker = PaperBroker::AlpacaPaper;
    b.calendar = Calendar::Crypto;
    b.timeframe = Timeframe::parse("5m").unwrap();
    s.start_session(&b).unwrap();
    let names: Vec<String> = s.sessions().unwrap().into_iter().map(|x| x.name).collect();
    assert_eq!(names, ["b", "a"], "newest first");
    let stored = s.session("b").unwrap().unwrap();
    assert_eq!(
        (stored.broker, stored.calendar, stored.timeframe),
        (b.broker, b.calendar, b.timeframe)
    );
    assert!(matches!(
        s.set_session_status("nope", SessionStatus::Stopped, None),
        Err(StoreError::NotFound(_))
    ));
}

fn inputs_round_trip_exactly_in_seq_order(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    s.start_session(&new_session("p", 5)).unwrap();
    s.start_session(&new_session("q", 5)).unwrap();
    let mut first = vec![
        recorded(0, "SPY", 0, 150, false),
        recorded(1, "QQQ", 0, 151, false),
        recorded(2, "SPY", 1, 90, false),
    ];
    // Prices beyond the usual scale, no vwap or trade count, a late bar recorded after a newer one.
    first[1].bar.open = Price::lit("402.123456789");
    first[1].bar.low = Price::lit("400.000000001");
    first[1].bar.volume = Quantity::lit("12345.67890123");
    first[2].bar.vwap = None;
    first[2].bar.trade_count = None;
    let second = vec![
        recorded(3, "QQQ", 2, 10, false),
        recorded(4, "IWM", 0, 61_000, true),
    ];
    assert_eq!(s.record_inputs("p", &first).unwrap(), 3);
    assert_eq!(s.record_inputs("p", &second).unwrap(), 2);
    // Another session may hold the same bars.
    assert_eq!(s.record_inputs("q", &first[..1]).unwrap(), 1);

    let back = s.inputs("p").unwrap();
    let expected: Vec<RecordedBar> = first.iter().chain(&second).cloned().collect();
    assert_eq!(back, expected);
    assert_eq!(back[1].bar.open.to_string(), "402.123456789");
    assert!(back[4].late && back[4].bar.ts < back[3].bar.ts);
    assert_eq!(s.inputs("q").unwrap(), first[..1]);
    assert!(s.inputs("nope").unwrap().is_empty());
    let last = expected.iter().map(|b| b.bar.ts).max();
    let summary = InputSummary {
        bars: 5,
        late: 1,
        last,
    };
    assert_eq!(s.input_summary("p").unwrap(), summary);
    assert_eq!(s.input_summary("nope").unwrap(), InputSummary::default());
    assert!(matches!(
        s.record_inputs("nope", &first),
        Err(StoreError::NotFound(_))
    ));
}

fn a_batch_with_a_recorded_bar_or_seq_is_refused_whole(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    s.start_session(&new_session("p", 5)).unwrap();
    let stored = vec![
        recorded(0, "SPY", 0, 1, false),
        recorded(1, "SPY", 1, 1, false),
    ];
    s.record_inputs("p", &stored).unwrap();

    // A bar already recorded (new seq), after a good one: nothing of the batch is kept.
    let again = [
        recorded(2, "SPY", 2, 1, false),
        recorded(3, "SPY", 1, 1, false),
    ];
    let err = s.record_inputs("p", &again).unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("SPY") && m.contains(&ts(1).as_i64().to_string())),
        "{err}"
    );
    // A seq already used by another bar.
    let reused = [
        recorded(2, "SPY", 2, 1, false),
        recorded(1, "QQQ", 1, 1, false),
    ];
    let err = s.record_inputs("p", &reused).unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("seq 1")),
        "{err}"
    );
    // Twice within one batch.
    let twice = [
        recorded(2, "SPY", 2, 1, false),
        recorded(3, "SPY", 2, 1, false),
    ];
    assert!(matches!(
        s.record_inputs("p", &twice),
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(s.inputs("p").unwrap(), stored);
    // The batch that fits still goes in.
    assert_eq!(
        s.record_inputs("p", &[recorded(2, "SPY", 2, 1, false)])
            .unwrap(),
        1
    );
    assert_eq!(s.inputs("p").unwrap().len(), 3);
}

fn sorted(mut j: Journal) -> Journal {
    j.signals.sort_by_key(|x| x.ts);
    j
}

fn a_session_journal_is_replaced_and_kept_apart_from_runs(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    s.start_session(&new_session("p", 5)).unwrap();
    s.start_session(&new_session("q", 5)).unwrap();
    assert!(s.session_journal("p").unwrap().is_empty());

    let mut small = journal();
    small.snapshots.truncate(10);
    let saved = s.save_session_journal("p", &small).unwrap();
    assert_eq!(saved.rows, small.len() as u64);
    assert_eq!(s.session_journal("p").unwrap(), sorted(small.clone()));

    // Saved again with more rows: replaced, not added to.
    let full = journal();
    let saved = s.save_session_journal("p", &full).unwrap();
    assert_eq!(saved.rows, full.len() as u64);
    assert_eq!(s.session_journal("p").unwrap(), sorted(full.clone()));

    // A run's journal and the sessions' journals do not see each other.
    let run = s.save_run(&new_run()).unwrap();
    s.save_journal(run, &small).unwrap();
    s.save_session_journal("q", &small).unwrap();
    assert_eq!(s.journal(run).unwrap(), sorted(small.clone()));
    assert_eq!(s.session_journal("p").unwrap(), sorted(full.clone()));
    assert_eq!(s.session_journal("q").unwrap(), sorted(small.clone()));
    s.delete_run(run).unwrap();
    assert_eq!(s.session_journal("q").unwrap(), sorted(small));

    assert!(matches!(
        s.save_session_journal("nope", &full),
        Err(StoreError::NotFound(_))
    ));
}

fn deleting_a_session_takes_its_inputs_and_journal(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    for name in ["p", "q"] {
        s.start_session(&new_session(name, 5)).unwrap();
        s.record_inputs(name, &[recorded(0, "SPY", 0, 1, false)])
            .unwrap();
        s.save_session_journal(name, &journal()).unwrap();
    }
    s.delete_session("p").unwrap();
    assert!(s.session("p").unwrap().is_none());
    assert!(s.inputs("p").unwrap().is_empty());
    assert!(s.session_journal("p").unwrap().is_empty());
    assert_eq!(
        db.count("SELECT count(*) FROM signals WHERE session_id = 'p'"),
        0
    );
    // The other session keeps everything.
    assert_eq!(s.inputs("q").unwrap().len(), 1);
    assert_eq!(s.session_journal("q").unwrap(), sorted(journal()));
    // A new session of the old name starts empty.
    s.start_session(&new_session("p", 7)).unwrap();
    assert!(s.inputs("p").unwrap().is_empty());
    assert!(matches!(
        s.delete_session("nope"),
        Err(StoreError::NotFound(_))
    ));
}
