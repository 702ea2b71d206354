//! `netgrow serve`: the real server on a free port, driven over HTTP (the
//! API the page uses) and, where Chromium is installed, through the page
//! itself in headless Chromium.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};
use tempfile::TempDir;

use crate::common::{netgrow, write, TINY};
use crate::serve_support::{
    browser, events, get, post, Browser, Server, ARROW_LEFT, ARROW_RIGHT, TAB,
};

/// The measure of the page's headline: net value above staying home.
const NET: &str = "cumulative_net_value_above_baseline";

/// The tiny scenario in `dir`.
fn tiny(dir: &Path) -> String {
    write(dir, "tiny.toml", TINY).display().to_string()
}

/// `netgrow run FILE ARGS --no-charts`: its results.json.
fn run_results(file: &str, args: &[&str], dir: &Path) -> Value {
    let out = dir.join("run");
    netgrow()
        .arg("run")
        .arg(file)
        .args(args)
        .args(["--no-charts", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = fs::read_to_string(out.join("results.json")).expect("results.json");
    fs::remove_dir_all(&out).expect("the run directory is removed");
    serde_json::from_str(&text).expect("results.json parses")
}

/// The last event of a run's stream, checked to be its end.
fn done(text: &str) -> Value {
    let all = events(text);
    let last = all.last().cloned().expect("the run sent messages");
    assert_eq!(last["kind"], "done", "the run ended: {last}");
    last
}

/// A page's run of `settings` on the tiny scenario gives the figures
/// `netgrow run --set` writes, and the settings it downloads reproduce
/// them; the bands tighten as the replicates come in, one message per
/// batch, the batches doubling after the first.
#[test]
fn a_page_run_gives_the_numbers_netgrow_run_writes_and_its_settings_reproduce_them() {
    let dir = TempDir::new().unwrap();
    let file = tiny(dir.path());
    // Two threads and two runs a replicate (the cohorts' and staying
    // home): one replicate in the first batch on any machine, then two,
    // then the one left.
    let server = Server::start(&[&file, "--set", "simulation.replicates=4", "--threads", "2"]);
    let (status, text) = post(
        &server.at("api/run"),
        &json!({"client": "test-1", "settings": {
            "economy.value_of_time": 55,
            "strategies.networking.generosity": 0.4,
            "groups.cadence": "fortnightly",
        }}),
    );
    assert_eq!(status, 200, "{text}");
    let all = events(&text);
    let counts: Vec<u64> = all
        .iter()
        .map(|e| e["replicates_done"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [1, 3, 4], "one message per batch of 1, 2 and 1");
    let last = done(&text);
    let expected = run_results(
        &file,
        &[
            "--set",
            "simulation.replicates=4",
            "--set",
            "economy.value_of_time=55",
            "--set",
            "strategies.networking.generosity=0.4",
            "--set",
            "groups.cadence=fortnightly",
        ],
        dir.path(),
    );
    for field in ["variants", "comparisons", "baseline"] {
        assert_eq!(
            last["results"][field], expected[field],
            "{field} differs from netgrow run's results.json"
        );
    }
    // The headline is the report's: networking − connecting in net value.
    let at_end = expected["comparisons"][0]["years"]
        .as_array()
        .and_then(|y| y.last())
        .and_then(|y| y["to_date"].as_array())
        .and_then(|d| d.iter().find(|d| d["measure"] == NET))
        .expect("the net value difference")["difference"]["mean"]
        .clone();
    assert_eq!(last["headline"][0]["stat"]["mean"], at_end);
    // Each cohort keeps the colour it has in the report's charts.
    let colours: Vec<String> = last["series"]
        .as_array()
        .expect("the series")
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let c = netgrow::chart::style::series_colour(i);
            assert_eq!(s["colour"], format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2));
            s["colour"].to_string()
        })
        .collect();
    assert_eq!(colours.len(), 2, "one series per cohort");
    // The downloaded settings, run, give the same figures.
    let (status, toml) = get(&server.at("api/scenario.toml?client=test-1"));
    assert_eq!(status, 200);
    assert!(toml.contains("cadence = \"fortnightly\""), "{toml}");
    let saved = write(dir.path(), "saved.toml", &toml).display().to_string();
    let again = run_results(&saved, &[], dir.path());
    for field in ["variants", "comparisons"] {
        assert_eq!(
            last["results"][field], again[field],
            "{field} from the TOML"
        );
    }
    // The report of the finished run: one page with its charts inlined.
    let (status, html) = get(&server.at("api/report.html?client=test-1"));
    assert_eq!(status, 200);
    assert!(html.contains("<svg") && html.contains("netgrow report: tiny"));
    assert!(!html.contains("<script src") && !html.contains("<img src=\"http"));
}

/// A value the scenario refuses is answered 400 with the scenario's own
/// message (file, key, value, what was expected), as is a key that is not
/// a control; the server goes on serving.
#[test]
fn a_bad_setting_is_refused_with_the_scenarios_message_and_the_server_keeps_serving() {
    let dir = TempDir::new().unwrap();
    let file = tiny(dir.path());
    let mut server = Server::start(&[&file]);
    let run = server.at("api/run");
    let (status, body) = post(
        &run,
        &json!({"client": "c", "settings": {"strategies.networking.generosity": 1.5}}),
    );
    assert_eq!(status, 400, "{body}");
    let message = serde_json::from_str::<Value>(&body).unwrap()["error"]
        .as_str()
        .unwrap()
        .to_string();
    for part in [
        "tiny.toml",
        "strategies.networking.generosity",
        "1.5",
        "expected a probability between 0 and 1",
    ] {
        assert!(message.contains(part), "{part} missing from {message}");
    }
    let (status, body) = post(
        &run,
        &json!({"client": "c", "settings": {"output.dir": "/tmp/x"}}),
    );
    assert_eq!(status, 400);
    assert!(body.contains("not a control of this page"), "{body}");
    let (status, body) = post(&run, &json!({"client": "no spaces"}));
    assert_eq!(status, 400, "{body}");
    let (status, _) = post(&run, &json!({"settings": {}}));
    assert_eq!(status, 400);
    assert!(server.alive());
    let (status, config) = get(&server.at("api/config"));
    assert_eq!(status, 200);
    assert!(config.contains("strategies.networking.generosity"));
    let (status, text) = post(&run, &json!({"client": "c"}));
    assert_eq!(status, 200);
    done(&text);
}

/// Served beyond this computer, every request needs the printed token:
/// 403 without it or with a wrong one, the page and its API with it.
#[test]
fn off_loopback_every_request_needs_the_printed_token() {
    let dir = TempDir::new().unwrap();
    let file = tiny(dir.path());
    let server = Server::start(&[&file, "--host", "0.0.0.0"]);
    let (base, token) = server
        .url
        .split_once("/?token=")
        .expect("the URL carries a token");
    assert_eq!(token.len(), 32, "128 random bits as hex");
    let base = base.replace("0.0.0.0", "127.0.0.1");
    for path in [
        "/",
        "/page.js",
        "/api/config",
        "/api/scenario.toml?client=x",
    ] {
        assert_eq!(get(&format!("{base}{path}")).0, 403, "{path} without token");
    }
    let (status, _) = get(&format!("{base}/api/config?token=0{}", &token[1..]));
    assert_eq!(status, 403, "a wrong token");
    let (status, _) = post(&format!("{base}/api/run"), &json!({"client": "c"}));
    assert_eq!(status, 403);
    let (status, page) = get(&format!("{base}/?token={token}"));
    assert_eq!(status, 200);
    assert!(page.contains("page.js"));
    assert_eq!(get(&format!("{base}/api/config?token={token}")).0, 200);
    // On this computer only, no token is needed.
    let local = Server::start(&[&file]);
    assert!(!local.url.contains("token"));
    assert_eq!(get(&local.at("api/config")).0, 200);
}

/// A request body beyond 16 KiB is refused (413) before it is read
/// whole, and the server goes on.
#[test]
fn request_bodies_are_bounded() {
    let dir = TempDir::new().unwrap();
    let file = tiny(dir.path());
    let server = Server::start(&[&file]);
    let padding = "x".repeat(20_000);
    let (status, body) = post(
        &server.at("api/run"),
        &json!({"client": "c", "settings": {}, "padding": padding}),
    );
    assert_eq!(status, 413, "{body}");
    assert_eq!(get(&server.at("api/config")).0, 200);
}

/// Population and replicates are capped in serve mode: a scenario beyond
/// the caps does not start, a page cannot go beyond them, and only the
/// start-up flags raise them.
#[test]
fn caps_on_population_and_replicates_hold_unless_raised_at_start_up() {
    let dir = TempDir::new().unwrap();
    let text = format!(
        "{TINY}\n[workshop]\ncontrols = [\n  {{ key = \"population.size\", label = \"People in town\", min = 300, max = 3000, step = 100 }},\n  {{ key = \"simulation.replicates\", label = \"Replicates\", min = 1, max = 50, step = 1 }},\n]\n"
    );
    let file = write(dir.path(), "capped.toml", &text)
        .display()
        .to_string();
    netgrow()
        .args(["serve", &file, "--port", "0", "--max-replicates", "1"])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "simulation.replicates = 2: expected at most 1 in serve mode",
        ));
    let server = Server::start(&[&file, "--max-population", "1000"]);
    let run = server.at("api/run");
    let (status, body) = post(
        &run,
        &json!({"client": "c", "settings": {"population.size": 2000}}),
    );
    assert_eq!(status, 400);
    assert!(
        body.contains("population.size = 2000: expected at most 1000 in serve mode")
            && body.contains("--max-population"),
        "{body}"
    );
    let (status, body) = post(
        &run,
        &json!({"client": "c", "settings": {"simulation.replicates": 41}}),
    );
    assert_eq!(status, 400);
    assert!(body.contains("expected at most 40"), "{body}");
    let (status, text) = post(
        &run,
        &json!({"client": "c", "settings": {"population.size": 900, "simulation.replicates": 3}}),
    );
    assert_eq!(status, 200);
    assert_eq!(done(&text)["replicates_done"], 3);
}

/// A second run from the same browser cancels the first: its stream ends
/// before its last batch, and the second runs to the end.
#[test]
fn a_new_run_from_the_same_browser_cancels_the_one_in_flight() {
    let dir = TempDir::new().unwrap();
    let file = tiny(dir.path());
    let server = Server::start(&[
        &file,
        "--set",
        "population.size=4000",
        "--set",
        "simulation.replicates=20",
        "--set",
        "simulation.years=2",
    ]);
    let run = server.at("api/run");
    let mut first = crate::serve_support::agent()
        .post(&run)
        .header("content-type", "application/json")
        .send(json!({"client": "same", "settings": {}}).to_string())
        .expect("the first run starts");
    assert_eq!(first.status().as_u16(), 200);
    let mut reader = first.body_mut().as_reader();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains("\n\n") {
        let n = reader.read(&mut buf).expect("the first run streams");
        assert!(n > 0, "the first run ended before its first message");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let (status, second) = post(
        &run,
        &json!({"client": "same", "settings": {"economy.value_of_time": 60}}),
    );
    assert_eq!(status, 200);
    assert_eq!(done(&second)["replicates_done"], 20);
    reader
        .read_to_string(&mut seen)
        .expect("the first stream ends");
    let first_events = events(&seen);
    assert!(
        first_events.iter().all(|e| e["kind"] == "progress"),
        "the first run was cancelled before its end"
    );
    assert!(first_events.len() < 20);
}

/// A `[workshop]` control naming a key the scenario does not have, or a
/// range the other way round, is refused naming the file, the key, the
/// value and what was expected; a good one is written back by validate.
#[test]
fn a_workshop_table_is_checked_like_the_rest_of_the_scenario() {
    let dir = TempDir::new().unwrap();
    let bad = format!(
        "{TINY}\n[workshop]\ncontrols = [\n  {{ key = \"economy.value_of_tme\", label = \"Value of an hour\", min = 0, max = 100, step = 5 }},\n  {{ key = \"economy.value_of_time\", label = \"Value of an hour\", min = 100, max = 0, step = 5 }},\n]\n"
    );
    let file = write(dir.path(), "bad.toml", &bad);
    netgrow()
        .arg("validate")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.toml"))
        .stderr(predicates::str::contains(
            "workshop.controls[0].key = \"economy.value_of_tme\"",
        ))
        .stderr(predicates::str::contains("expected a key of the scenario"))
        .stderr(predicates::str::contains("workshop.controls[1].max = 0"))
        .stderr(predicates::str::contains("expected more than min = 100"));
    let good = format!(
        "{TINY}\n[workshop]\ncontrols = [\n  {{ key = \"economy.value_of_time\", label = \"Value of an hour\", unit = \"£/h\", min = 0, max = 100, step = 5 }},\n  {{ key = \"groups.cadence\", label = \"Meetings\", options = [\"weekly\", \"monthly\"] }},\n]\n"
    );
    let file = write(dir.path(), "good.toml", &good);
    let out = netgrow().arg("validate").arg(&file).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("[workshop]"), "{text}");
    let again = write(dir.path(), "again.toml", &text);
    let out2 = netgrow().arg("validate").arg(&again).assert().success();
    assert_eq!(
        String::from_utf8_lossy(&out2.get_output().stdout),
        text,
        "the written-back scenario reads back the same"
    );
}

/// The default scenario, small enough for the browser tests.
const SMALL_DEFAULT: [&str; 7] = [
    "scenarios/connecting-vs-networking.toml",
    "--set",
    "population.size=2000",
    "--set",
    "simulation.replicates=3",
    "--set",
    "simulation.years=2",
];

/// Waits for the page's run number `runs` to finish; the headline's
/// exact value then.
fn finished_headline(b: &Browser, runs: u64) -> f64 {
    b.wait_for(
        &format!("const t = window.netgrowTiming; return t.runs >= {runs} && t.done !== null && document.getElementById('headline').dataset.kind === 'done';"),
        Duration::from_secs(120),
    );
    let v = b.script("return document.getElementById('headline').dataset.value");
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("the headline holds a number, not {v}"))
}

/// In headless Chromium: moving the value-of-time slider with a real key
/// press reruns the scenario, and the headline becomes the figure
/// `netgrow run` writes for that value; the page meets no error.
#[test]
fn moving_a_slider_in_the_browser_shows_the_number_netgrow_run_gives() {
    let Some((chromium, driver)) =
        browser("moving_a_slider_in_the_browser_shows_the_number_netgrow_run_gives")
    else {
        return;
    };
    let dir = TempDir::new().unwrap();
    let server = Server::start(&SMALL_DEFAULT);
    let b = Browser::start(&chromium, &driver, 1400, 1000);
    b.goto(&server.url);
    let before = finished_headline(&b, 1);
    let slider = b.find("input[type=range][data-key='economy.value_of_time']");
    b.keys(&slider, ARROW_RIGHT);
    b.keys(&slider, ARROW_RIGHT);
    b.keys(&slider, ARROW_LEFT);
    // Past the page's pause for a settling slider: the run now started is
    // the one for the value shown.
    std::thread::sleep(Duration::from_millis(400));
    let shown =
        b.script("return document.getElementById('control-economy-value_of_time-number').value");
    assert_eq!(shown, json!("45"), "one step of 5 up from 40");
    let runs = b
        .script("return window.netgrowTiming.runs")
        .as_u64()
        .unwrap();
    let after = finished_headline(&b, runs.max(2));
    let expected = run_results(
        SMALL_DEFAULT[0],
        &[
            &SMALL_DEFAULT[1..],
            &["--set", "economy.value_of_time=45"][..],
        ]
        .concat(),
        dir.path(),
    );
    let net = expected["comparisons"][0]["years"]
        .as_array()
        .and_then(|y| y.last())
        .and_then(|y| y["to_date"].as_array())
        .and_then(|d| d.iter().find(|d| d["measure"] == NET))
        .and_then(|d| d["difference"]["mean"].as_f64())
        .expect("netgrow run's net value difference");
    assert_ne!(after, before, "the headline moved with the slider");
    assert_eq!(after, net, "the headline is netgrow run's figure");
    let errors = b.script("return window.netgrowErrors");
    assert_eq!(errors, json!([]), "the page threw");
    assert_eq!(b.console_errors(), Vec::<String>::new(), "console errors");
}

/// In headless Chromium: a value the scenario refuses, typed into a
/// control's number field, shows the scenario's message on the page; the
/// server survives, and the next good value runs.
#[test]
fn a_bad_value_typed_in_the_browser_shows_an_error_and_the_server_survives() {
    let Some((chromium, driver)) =
        browser("a_bad_value_typed_in_the_browser_shows_an_error_and_the_server_survives")
    else {
        return;
    };
    let mut server = Server::start(&SMALL_DEFAULT);
    let b = Browser::start(&chromium, &driver, 1400, 1000);
    b.goto(&server.url);
    finished_headline(&b, 1);
    let field = b.find("#control-strategies-networking-generosity-number");
    b.clear(&field);
    b.keys(&field, &format!("1.5{TAB}"));
    let message = b.wait_for(
        "const e = document.getElementById('error'); return !e.hidden && e.offsetHeight > 0 && e.textContent.includes('= 1.5') && e.textContent;",
        Duration::from_secs(30),
    );
    let message = message.as_str().unwrap_or_default();
    assert!(
        message.contains("strategies.networking.generosity")
            && message.contains("expected a probability between 0 and 1"),
        "{message}"
    );
    assert!(server.alive());
    assert_eq!(get(&server.at("api/config")).0, 200);
    let slider = b.find("input[type=range][data-key='economy.value_of_time']");
    b.clear(&field);
    b.keys(&field, &format!("0.5{TAB}"));
    b.keys(&slider, ARROW_RIGHT);
    std::thread::sleep(Duration::from_millis(400));
    let runs = b
        .script("return window.netgrowTiming.runs")
        .as_u64()
        .unwrap();
    finished_headline(&b, runs);
    let hidden = b.script("return document.getElementById('error').hidden");
    assert_eq!(
        hidden,
        json!(true),
        "the error clears once a run is accepted"
    );
    // The 400 shows in the console as a failed request, which is the
    // point of this test; nothing else may.
    let unexpected: Vec<String> = b
        .console_errors()
        .into_iter()
        .filter(|e| !e.contains("400"))
        .collect();
    assert_eq!(unexpected, Vec::<String>::new());
    assert_eq!(b.script("return window.netgrowErrors"), json!([]));
}

/// The share of networkers in the room, in a scenario of two cohorts,
/// moves members from one cohort to the other, keeping the total; the
/// downloaded settings say so.
#[test]
fn the_share_of_networkers_moves_members_between_the_cohorts() {
    let dir = TempDir::new().unwrap();
    let file = tiny(dir.path());
    let server = Server::start(&[&file]);
    let (status, text) = post(
        &server.at("api/run"),
        &json!({"client": "room", "settings": {"room.networkers": 0.2}}),
    );
    assert_eq!(status, 200, "{text}");
    done(&text);
    let (_, saved) = get(&server.at("api/scenario.toml?client=room"));
    let table: toml::Table = saved.parse().expect("the settings are TOML");
    let members = |cohort: &str| table["cohorts"][cohort]["members"].as_integer();
    assert_eq!(members("networking"), Some(6), "20% of 30 members");
    assert_eq!(members("connecting"), Some(24));
    let (status, body) = post(
        &server.at("api/run"),
        &json!({"client": "room", "settings": {"room.networkers": 1.2}}),
    );
    assert_eq!(status, 400);
    assert!(
        body.contains("room.networkers = 1.2: expected a share of networkers from 0 to 1"),
        "{body}"
    );
}

/// A pinned run is the baseline of the next: each headline figure comes
/// with the pinned value and the paired difference, which for the first
/// figure is the difference of the two runs' means (same replicates);
/// nothing can be pinned before a run has finished, and unpinning stops
/// the comparison.
#[test]
fn a_pinned_run_is_compared_paired_with_the_next() {
    let dir = TempDir::new().unwrap();
    let file = tiny(dir.path());
    let server = Server::start(&[&file, "--set", "simulation.replicates=3"]);
    let pin = server.at("api/pin");
    let (status, body) = post(&pin, &json!({"client": "p", "on": true}));
    assert_eq!(status, 409, "{body}");
    let (_, first) = post(&server.at("api/run"), &json!({"client": "p"}));
    let first = done(&first);
    assert_eq!(first["versus_pinned"], json!([]));
    assert_eq!(post(&pin, &json!({"client": "p", "on": true})).0, 204);
    let (_, second) = post(
        &server.at("api/run"),
        &json!({"client": "p", "settings": {"economy.value_of_time": 80}}),
    );
    let second = done(&second);
    let mean = |v: &Value| v["stat"]["mean"].as_f64().unwrap();
    let versus = &second["versus_pinned"][0];
    assert_eq!(versus["id"], first["headline"][0]["id"]);
    assert_eq!(
        versus["pinned"]["mean"].as_f64(),
        Some(mean(&first["headline"][0]))
    );
    let paired = versus["difference"]["mean"].as_f64().unwrap();
    let apart = mean(&second["headline"][0]) - mean(&first["headline"][0]);
    assert!(
        (paired - apart).abs() < 1e-6 * apart.abs().max(1.0),
        "{paired} vs {apart}"
    );
    assert_ne!(paired, 0.0, "the value of time moves the figure");
    assert_eq!(versus["difference"]["n"], 3);
    assert_eq!(post(&pin, &json!({"client": "p", "on": false})).0, 204);
    let (_, third) = post(&server.at("api/run"), &json!({"client": "p"}));
    assert_eq!(done(&third)["versus_pinned"], json!([]));
}
