//! `ztrade keys` through the binary: set, list, rotate, delete and audit, and a backfill that
//! takes its keys from the vault, all with RUST_LOG=trace. No secret ever appears in stdout,
//! stderr (logs included), `--json`, or in clear in the SQLite file.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::BIN;
use serde_json::Value;
use testkit::Cli;
use testkit::alpaca_sim::{Sim, minute_bars};

const MASTER: &str = "correct horse battery staple";
const ALPACA_ID: &str = "PKVAULTKEYID0001";
const ALPACA_SECRET: &str = "vault-secret-alpaca-0001";
const ALPACA_ID2: &str = "PKROTATEDKEY0002";
const ALPACA_SECRET2: &str = "vault-secret-alpaca-0002";
const POLYGON: &str = "vault-polygon-key-0003";
const SECRETS: [&str; 5] = [
    ALPACA_ID,
    ALPACA_SECRET,
    ALPACA_ID2,
    ALPACA_SECRET2,
    POLYGON,
];

testkit::both_backends!(keys_round_trip_and_never_leak);

struct Run<'a> {
    db: &'a Cli,
    /// Everything every command printed, to search for secrets at the end.
    printed: Vec<u8>,
}

impl Run<'_> {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.db.cmd(args);
        c.env("RUST_LOG", "trace")
            .env("ZTRADE_MASTER_KEY", MASTER)
            .env_remove("APCA_API_KEY_ID")
            .env_remove("APCA_API_SECRET_KEY")
            .env_remove("POLYGON_API_KEY")
            .env_remove("ZTRADE_MASTER_KEY_FILE");
        c
    }

    fn output(&mut self, mut c: Command, stdin: &str) -> Output {
        let mut child = c
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        self.printed.extend_from_slice(&out.stdout);
        self.printed.extend_from_slice(&out.stderr);
        out
    }

    fn ok(&mut self, args: &[&str], stdin: &str) -> String {
        let out = self.output(self.cmd(args), stdin);
        assert!(
            out.status.success(),
            "ztrade {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&mut self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.push("--json");
        serde_json::from_str(&self.ok(&a, "")).unwrap()
    }

    fn fails(&mut self, c: Command, stdin: &str) -> String {
        let out = self.output(c, stdin);
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

fn keys_round_trip_and_never_leak(backend: &str) {
    let db = Cli::of(BIN, backend, "keys");
    let mut r = Run {
        db: &db,
        printed: Vec::new(),
    };
    let set = r.ok(
        &["keys", "set", "alpaca", "--json"],
        &format!("{ALPACA_ID}\n{ALPACA_SECRET}\n"),
    );
    assert_eq!(
        serde_json::from_str::<Value>(&set).unwrap(),
        serde_json::json!({"provider": "alpaca", "action": "stored"})
    );
    r.ok(&["keys", "set", "polygon"], &format!("{POLYGON}\n"));
    let err = r.fails(r.cmd(&["keys", "set", "polygon"]), &format!("{POLYGON}\n"));
    assert!(err.contains("keys rotate polygon"), "{err}");

    let list = r.json(&["keys", "list"]);
    let names: Vec<(String, String, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["provider"].as_str().unwrap().to_string(),
                k["name"].as_str().unwrap().to_string(),
                k["rotated_at"].is_null(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("alpaca".into(), "key_id".into(), true),
            ("alpaca".into(), "secret_key".into(), true),
            ("polygon".into(), "api_key".into(), true)
        ]
    );
    assert!(list[0]["created_at"].is_string());

    r.ok(
        &["keys", "rotate", "alpaca"],
        &format!("{ALPACA_ID2}\n{ALPACA_SECRET2}\n"),
    );
    let list = r.json(&["keys", "list"]);
    assert!(list[0]["rotated_at"].is_string());
    r.ok(&["keys", "delete", "polygon"], "");
    assert_eq!(r.json(&["keys", "list"]).as_array().unwrap().len(), 2);

    // A backfill with no key in the environment takes the rotated pair from the vault.
    let (rows, _) = minute_bars("2024-01-02T14:30:00Z", 300, 5);
    let (base, sim) = Sim::new().rows("bars", "SPY", rows).start_thread();
    let mut c = r.cmd(&[
        "data",
        "backfill",
        "--provider",
        "alpaca",
        "--symbols",
        "SPY",
        "--start",
        "2024-01-02",
        "--end",
        "2024-01-02",
        "--json",
    ]);
    c.env("ZTRADE_ALPACA_DATA_URL", &base);
    let out = r.output(c, "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(sim.key_ids(), [ALPACA_ID2]);

    // The wrong master key is refused (and the refusal audited); polygon has no key now.
    let mut c = r.cmd(&["keys", "rotate", "alpaca"]);
    c.env("ZTRADE_MASTER_KEY", "not the master key at all");
    let err = r.fails(c, &format!("{ALPACA_ID}\n{ALPACA_SECRET}\n"));
    assert!(err.contains("master key does not match"), "{err}");
    let err = r.fails(
        r.cmd(&[
            "data",
            "backfill",
            "--provider",
            "polygon",
            "--symbols",
            "SPY",
            "--start",
            "2024-01-02",
        ]),
        "",
    );
    assert!(
        err.contains("POLYGON_API_KEY") && err.contains("ztrade keys set polygon"),
        "{err}"
    );

    let audit = r.json(&["keys", "audit"]);
    let actions: Vec<(&str, &str)> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["provider"].as_str().unwrap_or("-"),
                a["action"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("alpaca", "set"),
            ("polygon", "set"),
            ("-", "list"),
            ("alpaca", "rotate"),
            ("-", "list"),
            ("polygon", "delete"),
            ("-", "list"),
            ("alpaca", "read"),
            ("-", "denied"),
        ]
    );

    // A world-readable key file is refused before anything is read.
    let key_file = db.path("master.key");
    std::fs::write(&key_file, MASTER).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let mut c = r.cmd(&["keys", "set", "polygon", "--key-file"]);
    c.arg(&key_file);
    let err = r.fails(c, &format!("{POLYGON}\n"));
    assert!(err.contains("must be 0600"), "{err}");

    let printed = String::from_utf8_lossy(&r.printed);
    assert!(
        printed.contains("TRACE") || printed.contains("DEBUG"),
        "logs were on"
    );
    for s in SECRETS {
        assert!(!printed.contains(s), "{s} was printed");
    }
    if backend == "sqlite" {
        let mut bytes = Vec::new();
        for f in ["t.db", "t.db-wal"] {
            if let Ok(b) = std::fs::read(db.path(f)) {
                bytes.extend(b);
            }
        }
        assert!(bytes.len() > 10_000);
        let text = String::from_utf8_lossy(&bytes);
        for s in SECRETS {
            assert!(!text.contains(s), "{s} is in the database file in clear");
        }
    }
}
