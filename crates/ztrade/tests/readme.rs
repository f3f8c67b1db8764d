//! The README's walk-through, run as written: the first `sh` block after "## From raw data to a
//! decision" is run by bash (`set -euo pipefail`) in an empty folder with `../shared` beside it
//! and this build's `ztrade` first on PATH. A command the README shows that fails, fails here.

use std::path::Path;
use std::process::Command;

const HEADING: &str = "## From raw data to a decision";

/// The first ```sh block after `heading`.
fn block_after(readme: &str, heading: &str) -> String {
    let from = readme
        .find(heading)
        .unwrap_or_else(|| panic!("README has no {heading:?}"));
    let rest = &readme[from..];
    let start = rest.find("```sh\n").expect("an sh block") + "```sh\n".len();
    let len = rest[start..].find("\n```").expect("the block's end");
    rest[start..start + len].to_string()
}

#[test]
fn the_walk_through_runs_as_written_from_an_empty_folder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let script = block_after(&readme, HEADING);
    let shared = root.join("../shared").canonicalize().unwrap_or_else(|e| {
        panic!("../shared (the sample data) must be beside the repository: {e}")
    });
    let tmp = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(&shared, tmp.path().join("shared")).unwrap();
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_ztrade")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(&work)
        .env("PATH", path)
        .env_remove("ZTRADE_DB")
        .env_remove("DATABASE_URL")
        .env_remove("ZTRADE_AGENTS_DIR")
        .env_remove("RUST_LOG")
        .output()
        .expect("bash");
    let text = format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "the README walk-through failed:\n{text}"
    );
    // What it left behind is what the README says it makes.
    assert!(work.join("ztrade.db").exists(), "{text}");
    assert!(
        work.join("spy.parquet").metadata().unwrap().len() > 0,
        "{text}"
    );
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(work.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["run_id"], 1, "{run}");
    assert!(!run["trades"].as_array().unwrap().is_empty(), "{run}");
    assert!(text.contains("compounded out-of-sample return"), "{text}");
    let report = std::fs::read_to_string(work.join("report.html")).unwrap();
    assert!(
        report.contains("Runs compared") && report.contains("Run #2"),
        "{text}"
    );
    // The paper session decided the day's bars and replays without drift.
    let drift: serde_json::Value =
        serde_json::from_slice(&std::fs::read(work.join("drift.json")).unwrap()).unwrap();
    assert!(drift["inputs"].as_u64().unwrap() > 390, "{drift}");
    assert!(drift["drift"]["decision"]["first"].is_null(), "{drift}");
    assert!(text.contains("paper session demo"), "{text}");
    // The options lines: the day scanned at the bill rate, and a CSV priced.
    let scan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(work.join("scan.json")).unwrap()).unwrap();
    assert_eq!(scan["snapshots"].as_array().unwrap().len(), 405, "{text}");
    assert!(text.contains("zero_bid: 836 rows"), "{text}");
    let priced = std::fs::read_to_string(work.join("iv_priced.csv")).unwrap();
    assert!(priced.lines().nth(1).unwrap().ends_with(",ok"), "{priced}");
}
