//! `data export --out` into what is not a plain file, through the real binary: a FIFO is fed in
//! place, a symlink keeps pointing at its updated target, and `-` or `/dev/stdout` is stdout.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::BIN;
use testkit::cli::stderr;
use testkit::{Cli, shared_data};

/// A store with a few bars and the CSV export of them written to a regular file.
fn exported() -> (Cli, String) {
    let db = Cli::sqlite(BIN);
    let file = shared_data().join("daily/mplfinance_yahoofinance-SPY-20200901-20210113.csv");
    db.import_bars(file.to_str().unwrap(), "SPY", "1d");
    db.ok(&export_args("plain.csv"));
    let text = std::fs::read_to_string(db.path("plain.csv")).unwrap();
    (db, text)
}

fn export_args(out: &str) -> Vec<&str> {
    vec![
        "data",
        "export",
        "--symbol",
        "SPY",
        "--timeframe",
        "1d",
        "--format",
        "csv",
        "--out",
        out,
    ]
}

/// Defect 6: a FIFO is written in place (read concurrently here), never replaced by a file.
#[test]
fn export_into_a_fifo_feeds_it() {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};

    let (db, want) = exported();
    let fifo = db.path("pipe");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // Opened for reading and writing, the FIFO never blocks this side, and non-blocking reads
    // let the loop stop when ztrade has exited and the pipe is drained.
    let mut reader = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo)
        .unwrap();
    let mut child = db
        .cmd(&export_args("pipe"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut got = Vec::new();
    let mut chunk = [0u8; 1 << 16];
    let status = loop {
        let exited = child.try_wait().unwrap();
        loop {
            match reader.read(&mut chunk) {
                Ok(n) if n > 0 => got.extend_from_slice(&chunk[..n]),
                Ok(_) => break,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => panic!("{e}"),
            }
        }
        if let Some(status) = exited {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "export into a FIFO did not finish"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success());
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(String::from_utf8(got).unwrap(), want);
}

/// Defect 6: through a symlink the link stays, its target gets the bars, and no partial file
/// is left beside either.
#[test]
fn export_through_a_symlink_updates_its_target() {
    let (db, want) = exported();
    std::fs::create_dir(db.path("data")).unwrap();
    std::fs::write(db.path("data/spy.csv"), "old\n").unwrap();
    std::os::unix::fs::symlink("data/spy.csv", db.path("latest.csv")).unwrap();
    db.ok(&export_args("latest.csv"));
    let link = std::fs::symlink_metadata(db.path("latest.csv")).unwrap();
    assert!(link.file_type().is_symlink());
    assert_eq!(
        std::fs::read_to_string(db.path("data/spy.csv")).unwrap(),
        want
    );
    let names = |dir: &Path| -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(&db.path("data")), ["spy.csv"]);
    assert!(!names(db.dir()).iter().any(|n| n.ends_with(".partial")));
}

/// Defect 6: `--out -` and `--out /dev/stdout` write the bars to stdout and the summary to
/// stderr.
#[test]
fn export_to_stdout() {
    let (db, want) = exported();
    for out in ["-", "/dev/stdout"] {
        let run = db.run(&export_args(out));
        let err = stderr(&run);
        assert!(run.status.success(), "{err}");
        assert_eq!(String::from_utf8(run.stdout).unwrap(), want, "{out}");
        assert!(err.starts_with("wrote 92 bars to"), "{err}");
    }
    assert!(!db.path("-").exists());
}
