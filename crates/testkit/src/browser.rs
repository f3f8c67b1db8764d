//! Headless Chromium for tests of pages (`browser` feature): a file the binary writes
//! (`file://`) or a page a local server sends (`http://127.0.0.1:…`).
//!
//! A crate's tests enable it with `testkit = { workspace = true, features = ["browser"] }` in
//! their dev-dependencies, then:
//!
//! ```text
//! #[tokio::test]
//! async fn report_page() {
//!     let b = Browser::start().await;
//!     b.open(&file_url(&report)).await;
//!     assert_eq!(b.eval("document.querySelectorAll('svg circle').length").await, json!(12));
//!     assert_eq!(b.console_errors().await, Vec::<String>::new());
//!     assert_eq!(b.external_requests().await, Vec::<String>::new());
//!     b.screenshot("report").await;
//! }
//! ```
//!
//! [`Browser::start`] runs Debian's `chromedriver` on a free port of 127.0.0.1 and opens one
//! Chromium session through it (WebDriver, [`fantoccini`]; `/usr/lib/chromium/chromium`, the
//! binary behind Debian's `/usr/bin/chromium` wrapper, else `chromium` on `PATH`): headless, no sandbox (CI runs as
//! root), a fresh temporary profile, a 1400×1000 viewport, and no way off the machine (every host
//! but `localhost` and `127.0.0.1` resolves to nothing, so a request that would leave is recorded
//! and fails at once). Missing `chromium` or `chromedriver` fails the test with what to install;
//! a browser test never skips.
//!
//! The API is async, for `#[tokio::test]` (either flavour), where a page's server can run on the
//! same runtime (`tokio::spawn(axum::serve(…))`). Every method panics on failure, with what it
//! was doing:
//! - [`Browser::open`] (`http://`, `file://`, see [`file_url`]), [`Browser::current_url`];
//! - [`Browser::eval`]: a JavaScript expression's value as JSON (a promise is awaited);
//! - [`Browser::click`], [`Browser::wait_for`], [`Browser::text`]: elements by CSS selector;
//! - [`Browser::console_errors`]: the SEVERE entries of the console since [`Browser::open`]:
//!   uncaught exceptions, `console.error`, failed loads;
//! - [`Browser::requests`], [`Browser::external_requests`]: every URL the page requested since
//!   [`Browser::open`], and those that would leave the machine;
//! - [`Browser::screenshot`]: a PNG in [`screenshot_dir`] (`target/screenshots/` of the
//!   workspace, or `ZTRADE_SCREENSHOT_DIR`), to look at after a run.
//!
//! An `http://` page without `<link rel=icon …>` makes Chromium ask for `/favicon.ico`: a 404
//! there is a console error and a request like any other (`<link rel=icon href="data:,">` asks
//! for nothing).
//!
//! Dropping the [`Browser`] ends the session (Chromium quits), kills chromedriver and removes the
//! profile.
//!
//! The console and the network come from chromedriver's logs (`goog:loggingPrefs`: `browser`
//! and `performance` at `ALL`), read through its `POST /session/{id}/se/log`, which hands out
//! each entry once: the browser keeps what it read since the last [`Browser::open`].

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::Method;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// The viewport (the page's `innerWidth`, `innerHeight`), and so every screenshot, in CSS pixels.
pub const VIEWPORT: (u32, u32) = (1400, 1000);

/// How long [`Browser::wait_for`] waits for an element.
pub const WAIT: Duration = Duration::from_secs(10);

const INSTALL: &str = "browser tests need Debian's chromium and chromium-driver: \
                       `apt-get install chromium chromium-driver` (.ci/run installs them)";

/// One headless Chromium session and the chromedriver serving it.
pub struct Browser {
    client: Client,
    session: String,
    port: u16,
    driver: Child,
    logs: Mutex<Logs>,
    // Last: removed after chromedriver and Chromium are gone.
    _profile: tempfile::TempDir,
}

#[derive(Default)]
struct Logs {
    console: Vec<String>,
    requests: Vec<String>,
}

impl Browser {
    /// Starts chromedriver and a Chromium session; panics, saying what to install, when either
    /// is missing.
    pub async fn start() -> Browser {
        let driver_bin = find_program("chromedriver");
        // Debian's /usr/bin/chromium is a shell wrapper that adds flags and extensions from
        // /etc/chromium.d; the binary behind it takes only ours.
        let chromium = Some(PathBuf::from("/usr/lib/chromium/chromium"))
            .filter(|p| p.is_file())
            .unwrap_or_else(|| find_program("chromium"));
        let profile = tempfile::Builder::new()
            .prefix("ztrade-chromium-")
            .tempdir()
            .expect("temporary profile for Chromium");
        let log_path = profile.path().join("chromedriver.log");

        let driver_log = || std::fs::read_to_string(&log_path).unwrap_or_default();
        // On a free port; one taken between the look and chromedriver's bind is tried again.
        let mut tries = 0;
        let (mut driver, port) = loop {
            tries += 1;
            match spawn_driver(&driver_bin, &log_path).await {
                Ok(started) => break started,
                Err(e) if tries == 3 => panic!("{e}:\n{}", driver_log()),
                Err(_) => continue,
            }
        };
        let (w, h) = VIEWPORT;
        let args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            format!(
                "--user-data-dir={}",
                profile.path().join("profile").display()
            ),
            format!("--window-size={w},{h}"),
            // Nothing leaves the machine: any other host fails to resolve without a DNS query
            // (the request is still logged, so external_requests sees it).
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1".into(),
        ];
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args },
            "goog:loggingPrefs": { "browser": "ALL", "performance": "ALL" },
            "pageLoadStrategy": "normal",
            "timeouts": { "pageLoad": 30_000, "script": 30_000 },
        });
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = match ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => c,
            Err(e) => {
                let _ = driver.kill();
                let _ = driver.wait();
                panic!("no Chromium session ({e}); {INSTALL}\n{}", driver_log());
            }
        };
        // Drop ends the session itself (synchronously, see below), not fantoccini's task.
        client.persist().await.expect("persist session");
        let session = client
            .session_id()
            .await
            .expect("session id")
            .expect("a session");
        let browser = Browser {
            client,
            session,
            port,
            driver,
            logs: Mutex::default(),
            _profile: profile,
        };
        // Headless Chromium still counts a toolbar's height in the window: grow the window by
        // it so that the viewport is VIEWPORT.
        let chrome = browser
            .eval("[outerWidth - innerWidth, outerHeight - innerHeight]")
            .await;
        let extra = |i: usize| chrome[i].as_u64().unwrap_or(0) as u32;
        let (dw, dh) = (extra(0), extra(1));
        if (dw, dh) != (0, 0) {
            browser
                .client
                .set_window_size(w + dw, h + dh)
                .await
                .unwrap_or_else(|e| panic!("window size: {e}"));
        }
        browser
    }

    /// The WebDriver client, for what this API lacks.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Navigates to `url` (`http://…`, `file://…`) and waits for its load event; forgets the
    /// console and the requests of the page before.
    pub async fn open(&self, url: &str) {
        // Through a blank page, so that nothing of the page before (the start page at first)
        // still loads and logs after the logs are emptied.
        self.client
            .goto("about:blank")
            .await
            .unwrap_or_else(|e| panic!("open about:blank: {e}"));
        self.read_log("browser").await;
        self.read_log("performance").await;
        *self.logs.lock().unwrap() = Logs::default();
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// The page's URL now (after a click that navigated, say).
    pub async fn current_url(&self) -> String {
        self.client
            .current_url()
            .await
            .unwrap_or_else(|e| panic!("current URL: {e}"))
            .into()
    }

    /// The value of a JavaScript expression as JSON, e.g.
    /// `document.querySelectorAll('svg circle').length`; a promise is awaited. Statements go in
    /// an arrow function called at once: `(() => { …; return x; })()`.
    pub async fn eval(&self, expr: &str) -> Value {
        self.client
            .execute(&format!("return (\n{expr}\n);"), vec![])
            .await
            .unwrap_or_else(|e| panic!("eval `{expr}`: {e}"))
    }

    /// Clicks the first element matching `css`.
    pub async fn click(&self, css: &str) {
        let el = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
        el.click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Waits up to [`WAIT`] for an element matching `css` to exist.
    pub async fn wait_for(&self, css: &str) {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("wait for {css} ({} s): {e}", WAIT.as_secs()));
    }

    /// The rendered text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        let el = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("text of {css}: {e}"));
        el.text()
            .await
            .unwrap_or_else(|e| panic!("text of {css}: {e}"))
    }

    /// Every SEVERE console entry since [`Browser::open`], as Chromium words it (`URL LINE:COL
    /// Uncaught Error: …`): uncaught exceptions, `console.error`, resources that failed to load.
    pub async fn console_errors(&self) -> Vec<String> {
        self.read_log("browser").await;
        self.logs.lock().unwrap().console.clone()
    }

    /// Every URL the page requested since [`Browser::open`] (the page itself included), in
    /// order: DevTools' `Network.requestWillBeSent`, so a request that failed is here too.
    pub async fn requests(&self) -> Vec<String> {
        self.read_log("performance").await;
        self.logs.lock().unwrap().requests.clone()
    }

    /// The [`requests`](Self::requests) that would leave the machine: all but `file:`, `data:`,
    /// `blob:`, `about:` and `http(s)://` to `127.0.0.1`, `localhost` or `[::1]`.
    pub async fn external_requests(&self) -> Vec<String> {
        self.requests()
            .await
            .into_iter()
            .filter(|u| !is_local(u))
            .collect()
    }

    /// Saves the viewport as `NAME.png` in [`screenshot_dir`]; returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("screenshot {name}: {e}"));
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("{safe}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }

    /// Moves chromedriver's new entries of log `kind` (`browser`, `performance`) into `logs`.
    async fn read_log(&self, kind: &'static str) {
        let entries = self
            .client
            .issue_cmd(GetLog(kind))
            .await
            .unwrap_or_else(|e| panic!("chromedriver's {kind} log: {e}"));
        let entries = entries.as_array().cloned().unwrap_or_default();
        let mut logs = self.logs.lock().unwrap();
        for e in entries {
            let message = e["message"].as_str().unwrap_or_default();
            match kind {
                "browser" if e["level"] == "SEVERE" => logs.console.push(message.to_string()),
                "performance" => {
                    // {"message": {"method": "Network.requestWillBeSent", "params": {…}}, …}
                    let Ok(event) = serde_json::from_str::<Value>(message) else {
                        continue;
                    };
                    let event = &event["message"];
                    if event["method"] == "Network.requestWillBeSent"
                        && let Some(url) = event["params"]["request"]["url"].as_str()
                    {
                        logs.requests.push(url.to_string());
                    }
                }
                _ => {}
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Synchronously, whatever runtime (if any) is running or blocked: DELETE the session
        // (chromedriver quits Chromium and waits for it), then stop chromedriver. The profile
        // goes with `self._profile`, dropped last.
        delete_session(self.port, &self.session);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// chromedriver on a free port of 127.0.0.1, once it accepts connections; an early exit (the
/// port taken meanwhile, a broken install) is an error.
async fn spawn_driver(bin: &Path, log_path: &Path) -> Result<(Child, u16), String> {
    let port = free_port();
    let log = std::fs::File::create(log_path).expect("chromedriver log file");
    let mut driver = Command::new(bin)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("chromedriver log file"))
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}; {INSTALL}", bin.display()));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = driver.try_wait().expect("chromedriver status") {
            return Err(format!("chromedriver exited ({status}) before serving"));
        }
        if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
            return Ok((driver, port));
        }
        if Instant::now() > deadline {
            let _ = driver.kill();
            let _ = driver.wait();
            return Err(format!("chromedriver did not listen on {port} in 20 s"));
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// `POST /session/{id}/se/log {"type": KIND}`: chromedriver's log entries since the last read.
#[derive(Debug)]
struct GetLog(&'static str);

impl WebDriverCompatibleCommand for GetLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (Method, Option<String>) {
        (Method::POST, Some(json!({ "type": self.0 }).to_string()))
    }
}

/// A plain HTTP/1.1 `DELETE /session/{id}`, waiting (at most 10 s) for the answer.
fn delete_session(port: u16, session: &str) {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut conn) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        return;
    };
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let req = format!(
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    if conn.write_all(req.as_bytes()).is_err() {
        return;
    }
    // Until the whole answer is in: chromedriver keeps the connection open all the same.
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n @ 1..) = conn.read(&mut buf) {
        got.extend_from_slice(&buf[..n]);
        let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
        let len = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if got.len() >= end + 4 + len {
            break;
        }
    }
}

/// `PROGRAM` on `PATH`, or a panic naming the packages to install.
fn find_program(program: &str) -> PathBuf {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .chain([PathBuf::from("/usr/bin")])
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("`{program}` not found on PATH: {INSTALL}"))
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// Whether fetching `url` stays on this machine.
pub fn is_local(url: &str) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    match u.scheme() {
        "file" | "data" | "blob" | "about" => true,
        "http" | "https" | "ws" | "wss" => {
            matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
        }
        _ => false,
    }
}

/// `file://` URL of a file (absolute or relative to the current directory).
pub fn file_url(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    url::Url::from_file_path(&abs)
        .unwrap_or_else(|()| panic!("{}: no file URL", abs.display()))
        .into()
}

/// Where [`Browser::screenshot`] writes: `ZTRADE_SCREENSHOT_DIR` if set, else
/// `target/screenshots/` under the workspace root (found from this crate's manifest folder,
/// whatever `CARGO_TARGET_DIR` says).
pub fn screenshot_dir() -> PathBuf {
    match std::env::var_os("ZTRADE_SCREENSHOT_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .nth(2)
            .expect("workspace root above crates/testkit")
            .join("target/screenshots"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[should_panic(
        expected = "`ztrade-no-such-program` not found on PATH: browser tests need \
                               Debian's chromium and chromium-driver: `apt-get install chromium \
                               chromium-driver` (.ci/run installs them)"
    )]
    fn a_missing_program_says_what_to_install() {
        super::find_program("ztrade-no-such-program");
    }
}
