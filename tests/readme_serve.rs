//! README's `netgrow serve` latency and screenshot come from this
//! measurement: the default scenario served by a release build, its page
//! in headless Chromium, a slider moved with a key press again and again,
//! and the time from each key press to the first chart update and to the
//! final answer recorded by the page's own clock. It is a measurement,
//! not a timed test: ignored by default, it runs from
//! `scripts/readme-figures`, which rewrites the block between the
//! `serve-latency` markers and `docs/images/serve.png`
//! (`NETGROW_BLESS_README=1`).

use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use crate::common::{netgrow, root};
use crate::readme::check_or_write_block;
use crate::serve_support::{browser, Browser, Server, ARROW_LEFT, ARROW_RIGHT};

const SCENARIO: &str = "scenarios/connecting-vs-networking.toml";
const BEGIN: &str = "<!-- serve-latency:begin";
const END: &str = "<!-- serve-latency:end -->";
/// Slider moves measured.
const MOVES: usize = 10;

/// The median and the largest of `xs`.
fn median_max(xs: &mut [f64]) -> (f64, f64) {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    let median = if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    };
    (median, xs[n - 1])
}

/// Waits for the page's run number `runs` to finish.
fn wait_done(b: &Browser, runs: u64) {
    b.wait_for(
        &format!("const t = window.netgrowTiming; return t.runs >= {runs} && t.done !== null;"),
        Duration::from_secs(300),
    );
}

#[test]
#[ignore = "a measurement of a release build: scripts/readme-figures runs it"]
fn readme_serve_latency_and_screenshot_are_measured() {
    let Some((chromium, driver)) = browser("readme_serve_latency_and_screenshot_are_measured")
    else {
        return;
    };
    let bless = std::env::var("NETGROW_BLESS_README").as_deref() == Ok("1");
    assert!(
        !bless || !cfg!(debug_assertions),
        "README's latency is that of a release build: run scripts/readme-figures"
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // `netgrow run` of the same scenario, for comparison.
    let dir = TempDir::new().unwrap();
    let started = Instant::now();
    netgrow()
        .args(["run", SCENARIO, "--no-charts", "--quiet", "--out"])
        .arg(dir.path().join("run"))
        .assert()
        .success();
    let run_seconds = started.elapsed().as_secs_f64();

    let server = Server::start(&[SCENARIO]);
    let b = Browser::start(&chromium, &driver, 1600, 1100);
    b.goto(&server.url);
    wait_done(&b, 1);
    b.script("document.addEventListener('keydown', () => { window.netgrowKey = performance.now(); }, true); return true;");
    let slider = b.find("input[type=range][data-key='economy.value_of_time']");
    let (mut first, mut last) = (Vec::new(), Vec::new());
    let mut replicates = 0;
    for i in 0..MOVES {
        let runs = b
            .script("return window.netgrowTiming.runs")
            .as_u64()
            .unwrap();
        b.keys(&slider, if i % 2 == 0 { ARROW_RIGHT } else { ARROW_LEFT });
        wait_done(&b, runs + 1);
        let t: Value = b.script(
            "const t = window.netgrowTiming; return [t.first - window.netgrowKey, t.done - window.netgrowKey, Number(document.getElementById('headline').dataset.replicates)];",
        );
        first.push(t[0].as_f64().unwrap() / 1000.0);
        last.push(t[1].as_f64().unwrap() / 1000.0);
        replicates = t[2].as_u64().unwrap();
    }
    let (first_median, first_max) = median_max(&mut first);
    let (last_median, last_max) = median_max(&mut last);
    let block = format!(
        "| Default scenario, release build, {cores} cores | median | slowest |\n|---|---|---|\n| key press on a slider → first chart update (1 replicate) | {first_median:.2} s | {first_max:.2} s |\n| key press on a slider → final answer ({replicates} replicates) | {last_median:.2} s | {last_max:.2} s |\n| `netgrow run` of the same scenario, for comparison | {run_seconds:.2} s | |\n\nMeasured over {MOVES} moves of the value-of-time slider in headless Chromium by `tests/readme_serve.rs` (`scripts/readme-figures`); the times include the page's 0.12 s pause for a settling slider.\n"
    );
    println!("{block}");

    // The screenshot: a baseline pinned, then the slider moved, so the
    // pinned run shows dashed and the difference in words.
    b.script("document.getElementById('pin').click(); return true;");
    b.wait_for(
        "return document.getElementById('pin').classList.contains('on');",
        Duration::from_secs(10),
    );
    let hours = b.find("input[type=range][data-key='relationships.hours_to_trust']");
    let runs = b
        .script("return window.netgrowTiming.runs")
        .as_u64()
        .unwrap();
    for _ in 0..8 {
        b.keys(&hours, ARROW_RIGHT);
    }
    std::thread::sleep(Duration::from_millis(400));
    wait_done(&b, runs + 1);
    let png = b.screenshot();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    assert_eq!(
        b.script("return window.netgrowErrors"),
        serde_json::json!([])
    );
    if bless {
        std::fs::write(root().join("docs/images/serve.png"), png).expect("screenshot written");
        check_or_write_block(BEGIN, END, &block, "serve latency");
    } else {
        // Times vary from run to run: without blessing, only the block's
        // place is checked.
        let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
        assert!(
            readme.contains(BEGIN) && readme.contains(END),
            "README has the serve-latency markers"
        );
    }
}
