//! Running a real binary against a fresh store, and checking what it printed.
//!
//! Cargo tells a binary's path only to the tests of its own crate (`CARGO_BIN_EXE_<name>` at
//! compile time), so the path is passed in: `Cli::sqlite(env!("CARGO_BIN_EXE_ztrade"))`.
//!
//! - [`Cli`]: a [`TestDb`] (it derefs to one) and the binary, run as `BIN --db URL ARGS…` in the
//!   store's temp folder: [`Cli::cmd`] to adjust, [`Cli::run`], [`Cli::ok`] (stdout),
//!   [`Cli::json`] (with `--json`); [`Cli::agent`] writes `agents/ID.yaml`.
//! - [`error_line`], [`stderr`]: a refusal is one `error: …` line, never a panic.
//! - [`wait_until`], [`wait_child`]: polling a condition or a child process, with a limit;
//!   [`killed_after`]: a command SIGKILLed mid-run.

use std::ops::Deref;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Output};
use std::time::{Duration, Instant};

use crate::TestDb;

pub struct Cli {
    bin: PathBuf,
    db: TestDb,
}

impl Deref for Cli {
    type Target = TestDb;

    fn deref(&self) -> &TestDb {
        &self.db
    }
}

impl Cli {
    pub fn new(bin: impl Into<PathBuf>, db: TestDb) -> Self {
        Self {
            bin: bin.into(),
            db,
        }
    }

    pub fn sqlite(bin: impl Into<PathBuf>) -> Self {
        Self::new(bin, TestDb::sqlite())
    }

    /// A PostgreSQL schema of its own, named after `test`.
    pub fn postgres(bin: impl Into<PathBuf>, test: &str) -> Self {
        Self::new(bin, TestDb::postgres(test))
    }

    /// `backend` is `"sqlite"` or `"postgres"`.
    pub fn of(bin: impl Into<PathBuf>, backend: &str, test: &str) -> Self {
        Self::new(bin, TestDb::of(backend, test))
    }

    /// The binary alone, in the temp folder, with no `--db`.
    pub fn bare(&self) -> Command {
        let mut c = Command::new(&self.bin);
        c.current_dir(self.db.dir());
        c
    }

    /// `BIN --db URL ARGS…` in the temp folder, environment inherited.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.bare();
        c.arg("--db").arg(&self.db.url).args(args);
        c
    }

    /// Runs [`Cli::cmd`] without `RUST_LOG`, so stderr holds only what the user sees.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args)
            .env_remove("RUST_LOG")
            .output()
            .unwrap_or_else(|e| panic!("run {}: {e}", self.bin.display()))
    }

    /// Runs and requires success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{} {args:?} failed: {}\n{}",
            self.bin.display(),
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs with `--json` added, requires success, parses stdout.
    /// `data import FILE --symbol SYMBOL --timeframe TF`, which must succeed.
    pub fn import_bars(&self, file: &str, symbol: &str, timeframe: &str) -> String {
        self.ok(&[
            "data",
            "import",
            file,
            "--symbol",
            symbol,
            "--timeframe",
            timeframe,
        ])
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = args.to_vec();
        a.push("--json");
        let text = self.ok(&a);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    }

    /// Starts `ARGS…` with its output discarded and `kill -9`s it after `delay`; returns whether
    /// it had already finished successfully.
    pub fn kill_after(&self, args: &[&str], delay: Duration) -> bool {
        let mut child = self
            .cmd(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("run {}: {e}", self.bin.display()));
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap().success()
    }

    /// Writes `yaml` to `agents/ID.yaml` in the temp folder (the binary's default agents dir).
    pub fn agent(&self, id: &str, yaml: &str) {
        let dir = self.db.path("agents");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{id}.yaml")), yaml).unwrap();
    }
}

/// stderr, checked to hold no panic.
pub fn stderr(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "panic: {err}");
    err
}

/// Exit code `code`, and stderr's first line `error: …` containing `want`, never a panic; with
/// code 1 (a refused input) that line is all of stderr. Returns the line.
pub fn error_line(out: &Output, code: i32, want: &str) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    let first = err.lines().next().unwrap_or_default();
    assert!(first.starts_with("error: "), "no error line: {err}");
    assert!(first.contains(want), "{want:?} not in {first:?}");
    if code == 1 {
        assert_eq!(err.lines().count(), 1, "more than one line: {err}");
    }
    first.to_string()
}

/// Polls `f` every 100 ms until it holds; fails the test after `limit`.
pub fn wait_until(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The child's exit status; fails the test if it has not exited within `limit`.
pub fn wait_child(child: &mut Child, limit: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(
            start.elapsed() < limit,
            "process did not exit within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Starts `cmd` with its output discarded and SIGKILLs it after `delay` (the kill tests: what a
/// killed command leaves must be whole).
pub fn killed_after(mut cmd: Command, delay: Duration) {
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let _ = child.kill();
    child.wait().unwrap();
}
