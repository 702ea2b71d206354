//! What a trainer prints: the handout fits on at most two pages of A4 or
//! Letter, and no table of the report runs past the printed page. Pages
//! are printed by headless Chromium and counted in the PDF it writes.
//!
//! Chromium is found on the `PATH`. Without it the tests say they were
//! skipped and pass, unless `NETGROW_BROWSER_TEST=1` asks for them (as CI
//! does), when a missing browser fails them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::common::netgrow;

/// Browser names tried on the `PATH`, in order.
const BROWSERS: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// The width a page's content has on A4 with the report's 14 mm margins.
const A4_CONTENT_WIDTH: &str = "182mm";

/// The browser to print with; `None` (after saying so) when there is none
/// and the browser tests were not asked for.
fn browser(test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .flat_map(|dir| BROWSERS.iter().map(move |name| dir.join(name)))
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var("NETGROW_BROWSER_TEST").as_deref() != Ok("1"),
            "NETGROW_BROWSER_TEST=1 but none of {BROWSERS:?} is on the PATH"
        );
        println!("{test}: skipped, no Chromium on the PATH");
    }
    found
}

/// Runs the browser headless on `page` with `args`, in a fresh profile,
/// and returns what it printed on standard output.
fn headless(browser: &Path, page: &Path, args: &[String]) -> String {
    let profile = TempDir::new().expect("a temporary profile");
    let out = TempDir::new().expect("a temporary output directory");
    let stdout = out.path().join("stdout");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(fs::File::create(&stdout).expect("a stdout file"))
        .stderr(Stdio::null())
        .spawn()
        .expect("the browser starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().expect("the browser can be waited on") {
            assert!(status.success(), "the browser failed on {}", page.display());
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the browser took over two minutes on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    fs::read_to_string(&stdout).unwrap_or_default()
}

/// Prints `page` to a PDF and returns its bytes.
fn print_pdf(browser: &Path, page: &Path) -> Vec<u8> {
    let dir = TempDir::new().expect("a temporary directory");
    let pdf = dir.path().join("out.pdf");
    headless(
        browser,
        page,
        &[
            "--no-pdf-header-footer".to_string(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
    );
    fs::read(&pdf).unwrap_or_else(|e| panic!("no PDF of {} ({e})", page.display()))
}

/// The pages of a PDF: its `/Type /Page` objects (not the `/Pages` tree
/// that holds them).
fn pages(pdf: &[u8]) -> usize {
    let mut count = 0;
    let mut rest = pdf;
    while let Some(at) = find(rest, b"/Type") {
        rest = &rest[at + 5..];
        let value = rest.trim_ascii_start();
        if let Some(after) = value.strip_prefix(b"/Page") {
            if !after.first().is_some_and(u8::is_ascii_alphabetic) {
                count += 1;
            }
        }
    }
    count
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The first page's size in points, from its `/MediaBox`.
fn media_box(pdf: &[u8]) -> (f64, f64) {
    let at = find(pdf, b"/MediaBox").expect("a media box");
    let rest = String::from_utf8_lossy(&pdf[at..(at + 80).min(pdf.len())]).into_owned();
    let inside = rest
        .split('[')
        .nth(1)
        .and_then(|r| r.split(']').next())
        .expect("a media box array");
    let n: Vec<f64> = inside
        .split_whitespace()
        .map(|x| x.parse().expect("a number"))
        .collect();
    (n[2] - n[0], n[3] - n[1])
}

/// Runs `scenario` small into `dir`: 2,000 people, 3 replicates, 2 years.
fn small_run(scenario: &str, dir: &Path) {
    netgrow()
        .args([
            "run",
            scenario,
            "--replicates",
            "3",
            "--years",
            "2",
            "--set",
            "population.size=2000",
            "--set",
            "output.chart_format=svg",
            "--quiet",
            "--out",
        ])
        .arg(dir)
        .assert()
        .success();
}

/// A copy of `page` in `dir` whose `@page` is `size`.
fn with_page_size(page: &Path, dir: &Path, size: &str) -> PathBuf {
    let html = fs::read_to_string(page).expect("the page");
    let rule = "@page { size: A4;";
    assert!(html.contains(rule), "{} sets no A4 page", page.display());
    let copy = dir.join(format!("{size}.html"));
    fs::write(
        &copy,
        html.replace(rule, &format!("@page {{ size: {size};")),
    )
    .expect("a copy");
    copy
}

/// The tables of `page` wider than the printed A4 content width, laid out
/// by the browser with the page's print rules applied to the screen.
fn overflowing_tables(browser: &Path, page: &Path, dir: &Path) -> Vec<String> {
    let html = fs::read_to_string(page).expect("the page");
    assert!(html.contains("@media print {"), "no print rules");
    let measure = format!(
        "main {{ width: {A4_CONTENT_WIDTH} !important; max-width: {A4_CONTENT_WIDTH} !important; box-sizing: border-box; }}</style>"
    );
    let script = "<script>\
        var out = [], edge = document.querySelector('main').getBoundingClientRect().right;\
        document.querySelectorAll('table').forEach(function (t, i) {\
          var right = t.getBoundingClientRect().right;\
          if (right > edge + 0.5) out.push((t.getAttribute('data-table') || 'table ' + i) + ' ends at ' + Math.round(right) + 'px, the page at ' + Math.round(edge) + 'px');\
        });\
        var p = document.createElement('pre');\
        p.textContent = 'TABLES ' + document.querySelectorAll('table').length + ' OVERFLOW[' + out.join('; ') + ']';\
        document.body.appendChild(p);\
        </script></body>";
    let copy = dir.join("measure.html");
    let laid_out = html
        .replace("@media print {", "@media all {")
        .replacen("</style>", &measure, 1)
        .replace("</body>", script);
    fs::write(&copy, laid_out).expect("a copy");
    let dom = headless(browser, &copy, &["--dump-dom".to_string()]);
    let result = dom
        .split("TABLES ")
        .last()
        .expect("the measuring script ran");
    let (tables, rest) = result
        .split_once(" OVERFLOW[")
        .expect("the script's result");
    assert!(
        tables.parse::<usize>().is_ok_and(|n| n > 0),
        "no tables measured in {}",
        page.display()
    );
    let listed = rest.split(']').next().unwrap_or_default();
    listed
        .split("; ")
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn the_handout_prints_on_at_most_two_pages_of_a4_or_letter() {
    let Some(browser) = browser("the_handout_prints_on_at_most_two_pages_of_a4_or_letter") else {
        return;
    };
    let tmp = TempDir::new().expect("a temporary directory");
    for scenario in [
        "scenarios/connecting-vs-networking.toml",
        "scenarios/group-formats.toml",
    ] {
        let run = tmp.path().join("run");
        small_run(scenario, &run);
        let handout = run.join("handout.html");
        let a4 = print_pdf(&browser, &handout);
        let (w, h) = media_box(&a4);
        assert!(
            (w - 595.0).abs() < 2.0 && (h - 842.0).abs() < 2.0,
            "A4 is {w} × {h} pt"
        );
        let n = pages(&a4);
        assert!(
            (1..=2).contains(&n),
            "{scenario}: the handout prints on {n} A4 pages"
        );
        let letter = print_pdf(&browser, &with_page_size(&handout, tmp.path(), "letter"));
        let (w, h) = media_box(&letter);
        assert!(
            (w - 612.0).abs() < 1.0 && (h - 792.0).abs() < 1.0,
            "Letter is {w} × {h} pt"
        );
        let n = pages(&letter);
        assert!(
            (1..=2).contains(&n),
            "{scenario}: the handout prints on {n} Letter pages"
        );
        fs::remove_dir_all(&run).expect("the run removed");
    }
}

#[test]
fn the_group_formats_report_prints_with_every_table_inside_the_page() {
    let Some(browser) = browser("the_group_formats_report_prints_with_every_table_inside_the_page")
    else {
        return;
    };
    let tmp = TempDir::new().expect("a temporary directory");
    let run = tmp.path().join("run");
    small_run("scenarios/group-formats.toml", &run);
    let report = run.join("report.html");
    let pdf = print_pdf(&browser, &report);
    assert!(
        pages(&pdf) >= 2,
        "the report prints on {} pages",
        pages(&pdf)
    );
    let over = overflowing_tables(&browser, &report, tmp.path());
    assert!(
        over.is_empty(),
        "tables past the A4 page: {}",
        over.join("; ")
    );
}

#[test]
fn pages_are_counted_without_the_page_tree() {
    let pdf = b"<< /Type /Pages /Count 2 >> << /Type /Page >> <</Type/Page/Parent 1 0 R>>";
    assert_eq!(pages(pdf), 2);
    assert_eq!(media_box(b"/MediaBox [0 0 612 792]"), (612.0, 792.0));
}
