//! What the `netgrow serve` tests share: the real server started on a free
//! port, a small HTTP client for its API, and a small WebDriver client
//! that drives headless Chromium through ChromeDriver.
//!
//! WebDriver is JSON over HTTP, so a few calls of `ureq` do. Browser tests
//! call [`browser`], which skips them (saying so) when Chromium or
//! ChromeDriver is missing, unless `NETGROW_BROWSER_TEST=1` asks that
//! they fail instead, as continuous integration does.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// A `netgrow serve` process, stopped when dropped.
pub struct Server {
    child: Child,
    /// The URL it printed, e.g. `http://127.0.0.1:41234/`.
    pub url: String,
}

impl Server {
    /// Starts `netgrow serve` with `args` (the scenario and options;
    /// `--port 0` is added) and waits for the URL it prints.
    pub fn start(args: &[&str]) -> Server {
        let bin = assert_cmd::cargo::cargo_bin("netgrow");
        let mut child = Command::new(bin)
            .current_dir(crate::common::root())
            .arg("serve")
            .args(args)
            .args(["--port", "0", "--quiet"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("netgrow serve starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("netgrow serve prints a line");
        let Some(url) = line.trim().strip_prefix("netgrow serve: ") else {
            let mut err = String::new();
            let _ = child.stderr.take().map(|mut e| e.read_to_string(&mut err));
            let _ = child.kill();
            panic!("netgrow serve printed {line:?}, not its URL; stderr: {err}");
        };
        Server {
            url: url.to_string(),
            child,
        }
    }

    /// The URL of `path` on this server (`path` without a leading '/'),
    /// keeping the token of the printed URL.
    pub fn at(&self, path: &str) -> String {
        match self.url.split_once("/?") {
            Some((base, query)) => {
                let sep = if path.contains('?') { '&' } else { '?' };
                format!("{base}/{path}{sep}{query}")
            }
            None => format!("{}{path}", self.url),
        }
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP agent that returns every status instead of failing on errors.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(300)))
        .build()
        .into()
}

/// `GET url`: the status and the body.
pub fn get(url: &str) -> (u16, String) {
    let mut r = agent().get(url).call().expect("the server answers");
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().unwrap_or_default())
}

/// `POST url` with a JSON body: the status and the body (for a run, every
/// server-sent event until the run ends).
pub fn post(url: &str, body: &Value) -> (u16, String) {
    let mut r = agent()
        .post(url)
        .header("content-type", "application/json")
        .send(body.to_string())
        .expect("the server answers");
    let status = r.status().as_u16();
    let text = r
        .body_mut()
        .with_config()
        .limit(200 * 1024 * 1024)
        .read_to_string()
        .unwrap_or_default();
    (status, text)
}

/// The data of each server-sent event of `text`, parsed.
pub fn events(text: &str) -> Vec<Value> {
    text.split("\n\n")
        .filter_map(|event| {
            let data: Vec<&str> = event
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(|d| d.strip_prefix(' ').unwrap_or(d))
                .collect();
            (!data.is_empty()).then(|| serde_json::from_str(&data.join("\n")).expect("JSON event"))
        })
        .collect()
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn installed(path: &str) -> bool {
    Path::new(path).is_file()
}

/// Chromium and ChromeDriver, if both are installed; `None` (after saying
/// the test is skipped) if not, unless `NETGROW_BROWSER_TEST=1`, which
/// makes their absence a failure.
pub fn browser(test: &str) -> Option<(PathBuf, PathBuf)> {
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| installed(p));
    let driver = ["/usr/bin/chromedriver"].into_iter().find(|p| installed(p));
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((PathBuf::from(c), PathBuf::from(d))),
        _ if std::env::var("NETGROW_BROWSER_TEST").as_deref() == Ok("1") => {
            panic!("{test}: NETGROW_BROWSER_TEST=1 but Chromium or ChromeDriver is not installed (apt-get install chromium chromium-driver)")
        }
        _ => {
            eprintln!("{test}: skipped, Chromium or ChromeDriver is not installed (NETGROW_BROWSER_TEST=1 makes this a failure)");
            None
        }
    }
}

/// A headless Chromium session through ChromeDriver; both stop when
/// dropped.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    /// Chromium's fresh profile, removed when the browser stops.
    _profile: tempfile::TempDir,
}

/// The WebDriver key code of ArrowLeft, ArrowRight and Tab.
pub const ARROW_LEFT: &str = "\u{E012}";
pub const ARROW_RIGHT: &str = "\u{E014}";
pub const TAB: &str = "\u{E004}";

impl Browser {
    /// Starts ChromeDriver on a free port and a headless Chromium session
    /// with a fresh profile, `width` × `height` pixels.
    pub fn start(chromium: &Path, chromedriver: &Path, width: u32, height: u32) -> Browser {
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            if let Ok(mut r) = agent().get(&format!("{base}/status")).call() {
                let v: Value = r.body_mut().read_json().unwrap_or(Value::Null);
                if v["value"]["ready"] == json!(true) {
                    break;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "chromedriver did not become ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().expect("a temporary profile directory");
        let args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--hide-scrollbars".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": { "binary": chromium, "args": args },
                    "goog:loggingPrefs": { "browser": "ALL" }
                }
            }
        });
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
            _profile: profile,
        };
        let v = browser.call("POST", "/session", caps);
        browser.session = v["sessionId"]
            .as_str()
            .expect("a WebDriver session id")
            .to_string();
        browser
    }

    /// One WebDriver command; its `value`. Panics with the driver's message
    /// on an error.
    fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let mut response = match method {
            "GET" => agent().get(&url).call(),
            "DELETE" => agent().delete(&url).call(),
            _ => agent()
                .post(&url)
                .header("content-type", "application/json")
                .send(body.to_string()),
        }
        .expect("chromedriver answers");
        let status = response.status().as_u16();
        let v: Value = response
            .body_mut()
            .with_config()
            .limit(100 * 1024 * 1024)
            .read_json()
            .expect("chromedriver answers JSON");
        assert!(status < 400, "WebDriver {method} {path}: {status} {v}");
        v["value"].clone()
    }

    fn session(&self, path: &str) -> String {
        format!("/session/{}{path}", self.session)
    }

    /// Opens `url`.
    pub fn goto(&self, url: &str) {
        self.call("POST", &self.session("/url"), json!({ "url": url }));
    }

    /// The element `css` selects (the first).
    pub fn find(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            &self.session("/element"),
            json!({ "using": "css selector", "value": css }),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .expect("an element reference")
            .to_string()
    }

    /// Types `keys` into element `id`, as real key presses.
    pub fn keys(&self, id: &str, keys: &str) {
        self.call(
            "POST",
            &self.session(&format!("/element/{id}/value")),
            json!({ "text": keys }),
        );
    }

    /// Clears the text field `id`.
    pub fn clear(&self, id: &str) {
        self.call(
            "POST",
            &self.session(&format!("/element/{id}/clear")),
            json!({}),
        );
    }

    /// Runs `script` in the page; its return value.
    pub fn script(&self, script: &str) -> Value {
        self.call(
            "POST",
            &self.session("/execute/sync"),
            json!({ "script": script, "args": [] }),
        )
    }

    /// Waits until `script` returns something other than null or false;
    /// that value.
    pub fn wait_for(&self, script: &str, timeout: Duration) -> Value {
        let started = Instant::now();
        loop {
            let v = self.script(script);
            if !v.is_null() && v != json!(false) {
                return v;
            }
            assert!(
                started.elapsed() < timeout,
                "waited {timeout:?} for {script}; page errors: {}",
                self.script("return window.netgrowErrors")
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// The browser console's messages at level SEVERE since the last call.
    pub fn console_errors(&self) -> Vec<String> {
        let v = self.call(
            "POST",
            &self.session("/se/log"),
            json!({ "type": "browser" }),
        );
        v.as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|e| e["level"] == json!("SEVERE"))
                    .map(|e| e["message"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A PNG of the window.
    pub fn screenshot(&self) -> Vec<u8> {
        let v = self.call("GET", &self.session("/screenshot"), Value::Null);
        base64(v.as_str().expect("a base64 screenshot"))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let url = format!("{}/session/{}", self.base, self.session);
            let _ = agent().delete(&url).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Decodes standard base64 (WebDriver's screenshots).
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let digits: Vec<u32> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, d)| acc | (d << (18 - 6 * i)));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}

#[test]
fn base64_decodes_what_it_should() {
    assert_eq!(base64("aGVsbG8="), b"hello");
    assert_eq!(base64("aGVsbG8h"), b"hello!");
    assert_eq!(base64("aGk="), b"hi");
}
