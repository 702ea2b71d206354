//! Mutated scenarios and random `--set` and `--vary` values, fed to the
//! scenario loader and the sweep planner in-process, and to the binary: no
//! input may panic, and every refusal names the file or the option at
//! fault (and, from the binary, exits with code 2).
//!
//! The cases come from a fixed seed, so a run is reproducible and its
//! time is known (a few seconds); a failure is shrunk by proptest to a
//! small input and printed.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

use netgrow::scenario::{Override, Scenario};
use netgrow::sweep::plan::{self, Request};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use tempfile::TempDir;

use crate::common::{netgrow, scenario_files, write};

/// The example scenarios' texts: what the mutations start from.
fn examples() -> &'static [String] {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        scenario_files()
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("example readable"))
            .collect()
    })
}

/// Values that have broken parsers elsewhere: huge and non-finite
/// numbers, odd strings, deep nesting, dates.
const TOKENS: [&str; 26] = [
    "99999999999999999999999",
    "18446744073709551616",
    "18446744073709551615",
    "-9223372036854775809",
    "0x7fffffffffffffff",
    "1e400",
    "-1e-400",
    "nan",
    "inf",
    "-0",
    "0",
    "1.5",
    "\"\"",
    "\"\u{202e}txt\"",
    "\"日本語 ✓\"",
    "\"a\\nb\"",
    "true",
    "[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]",
    "{ a = { b = { c = { d = { e = 1 } } } } }",
    "{ dist = \"lognormal\", mean = -1, sd = 1e308 }",
    "{ dist = \"beta\", alpha = 0, beta = nan }",
    "1979-05-27T07:32:00Z",
    "[]",
    "[1, \"two\", 3.0]",
    "\"networking\"",
    "\"1..1000:1\"",
];

/// Lines worth inserting: sections and keys the loader treats specially.
const LINES: [&str; 14] = [
    "[strategies.networkng]",
    "[strategies.giver]\nbased_on = \"connecting\"",
    "[cohorts.x]",
    "[[variants]]\nname = \"v\"\nset = { \"groups.format\" = \"closed\" }",
    "[[variants]]\nset = { \"strategies.nope.generosity\" = 0.5 }",
    "[sweep]\ndesign = \"lhs\"\npoints = 3",
    "[sweep.vary]\n\"groups.count\" = [2, 3]",
    "[sweep.vary]\n\"cohorts.networking.strategy\" = \"networking,connecting\"",
    "[simulation]\nname = \"a b\"",
    "[simulation]\nseed = \"18446744073709551615\"",
    "[population]\nsize = 3",
    "[output]\ndir = \"o\\nx\"",
    "a.b.c.d.e.f = 1",
    "[[population.extra_professions]]\nname = \"é\"\njob_value = 5",
];

/// Dotted keys for `--set` and `--vary`: real ones, misspelt ones, and
/// parents of tables.
const KEYS: [&str; 16] = [
    "population.size",
    "population.acquaintances",
    "population.network",
    "groups.count",
    "groups.format",
    "relationships.hours_to_trust",
    "economy.max_hops",
    "simulation.seed",
    "simulation.name",
    "strategies.networking.generosity",
    "strategies.networkng.generosity",
    "cohorts.connecting.members",
    "cohorts.conecting.members",
    "population.traits.generosity",
    "population",
    "groups.count.x",
];

/// Specs for `--vary`, good and bad.
const SPECS: [&str; 12] = [
    "1,2",
    "2..4:1",
    "0.5..8:log3",
    "0..1",
    "open,closed",
    "",
    "1..",
    "..",
    "1e400..2",
    "nan,1",
    "5..1:1",
    "a,,b",
];

/// One edit of a scenario's text.
#[derive(Clone, Debug)]
enum Edit {
    DeleteChar(prop::sample::Index),
    DuplicateChar(prop::sample::Index),
    ReplaceChar(prop::sample::Index, char),
    DeleteLine(prop::sample::Index),
    DuplicateLine(prop::sample::Index),
    ReplaceValue(prop::sample::Index, &'static str),
    InsertLine(prop::sample::Index, &'static str),
}

impl Edit {
    fn apply(&self, text: &mut String) {
        let chars: Vec<char> = text.chars().collect();
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        match self {
            Edit::DeleteChar(i) | Edit::DuplicateChar(i) | Edit::ReplaceChar(i, _)
                if !chars.is_empty() =>
            {
                let at = i.index(chars.len());
                let mut out = chars.clone();
                match self {
                    Edit::DeleteChar(_) => {
                        out.remove(at);
                    }
                    Edit::DuplicateChar(_) => out.insert(at, chars[at]),
                    Edit::ReplaceChar(_, c) => out[at] = *c,
                    _ => {}
                }
                *text = out.into_iter().collect();
            }
            Edit::DeleteLine(i) if !lines.is_empty() => {
                lines.remove(i.index(lines.len()));
                *text = lines.join("\n");
            }
            Edit::DuplicateLine(i) if !lines.is_empty() => {
                let at = i.index(lines.len());
                lines.insert(at, lines[at].clone());
                *text = lines.join("\n");
            }
            Edit::ReplaceValue(i, token) => {
                let with_values: Vec<usize> = (0..lines.len())
                    .filter(|&l| lines[l].contains(" = ") && !lines[l].starts_with('#'))
                    .collect();
                if !with_values.is_empty() {
                    let l = with_values[i.index(with_values.len())];
                    let key = lines[l].split(" = ").next().unwrap_or("").to_string();
                    lines[l] = format!("{key} = {token}");
                    *text = lines.join("\n");
                }
            }
            Edit::InsertLine(i, line) => {
                let at = i.index(lines.len() + 1);
                lines.insert(at, line.to_string());
                *text = lines.join("\n");
            }
            _ => {}
        }
    }
}

fn edit() -> impl Strategy<Value = Edit> {
    let odd_char = prop_oneof![
        prop::sample::select(vec![
            '"', '\'', '=', '[', ']', '{', '}', '.', ',', '\n', '#', '\\', '\0', 'é', '\u{202e}',
            '9', '-', ' '
        ]),
        any::<char>(),
    ];
    // Most edits keep the document well formed, so that cases reach the
    // checks behind the parser.
    prop_oneof![
        1 => any::<prop::sample::Index>().prop_map(Edit::DeleteChar),
        1 => any::<prop::sample::Index>().prop_map(Edit::DuplicateChar),
        2 => (any::<prop::sample::Index>(), odd_char).prop_map(|(i, c)| Edit::ReplaceChar(i, c)),
        2 => any::<prop::sample::Index>().prop_map(Edit::DeleteLine),
        1 => any::<prop::sample::Index>().prop_map(Edit::DuplicateLine),
        8 => (any::<prop::sample::Index>(), prop::sample::select(&TOKENS[..]))
            .prop_map(|(i, t)| Edit::ReplaceValue(i, t)),
        2 => (any::<prop::sample::Index>(), prop::sample::select(&LINES[..]))
            .prop_map(|(i, l)| Edit::InsertLine(i, l)),
    ]
}

/// A mutated example scenario.
fn mutated() -> impl Strategy<Value = String> {
    (
        any::<prop::sample::Index>(),
        prop::collection::vec(edit(), 1..4),
    )
        .prop_map(|(which, edits)| {
            let texts = examples();
            let mut text = texts[which.index(texts.len())].clone();
            for e in &edits {
                e.apply(&mut text);
            }
            text
        })
}

/// `KEY=VALUE` arguments for `--set`.
fn sets() -> impl Strategy<Value = Vec<String>> {
    let value = prop_oneof![
        prop::sample::select(&TOKENS[..]).prop_map(String::from),
        "[ -~]{0,12}",
    ];
    let some = prop::collection::vec(
        (prop::sample::select(&KEYS[..]), value).prop_map(|(k, v)| format!("{k}={v}")),
        1..3,
    );
    // Half the cases have none, so that the file's own problems show.
    prop_oneof![Just(Vec::new()), some]
}

/// `KEY=SPEC` arguments for `--vary`.
fn varies() -> impl Strategy<Value = Vec<String>> {
    let some = prop::collection::vec(
        (
            prop::sample::select(&KEYS[..]),
            prop::sample::select(&SPECS[..]),
        )
            .prop_map(|(k, s)| format!("{k}={s}")),
        1..3,
    );
    prop_oneof![Just(Vec::new()), some]
}

/// A runner with a fixed seed.
fn runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
}

/// The file name the in-process cases give their text.
const FILE: &str = "fuzz-case.toml";

#[test]
fn the_loader_and_the_planner_never_panic_and_name_what_they_refuse() {
    let mut runner = runner(1500);
    let result = runner.run(&(mutated(), sets(), varies()), |(text, sets, varies)| {
        let mut overrides = Vec::new();
        for s in &sets {
            match Override::parse(s) {
                Ok(o) => overrides.push(o),
                Err(e) => prop_assert!(e.contains("--set"), "{e}"),
            }
        }
        let loaded = catch_unwind(AssertUnwindSafe(|| {
            Scenario::from_str(&text, FILE, "fuzz", &overrides)
        }));
        prop_assert!(loaded.is_ok(), "the loader panicked on:\n{text}\n{sets:?}");
        match loaded.unwrap_or_else(|_| unreachable!()) {
            Ok(scenario) => {
                // Whatever is accepted is written back, and reads again
                // as a scenario that writes the same text (NaN in a
                // [sweep] table, kept as written, is not equal to
                // itself, so the texts are compared).
                let written = scenario.try_to_toml();
                prop_assert!(written.is_ok(), "{:?}", written.err());
                let written = written.unwrap_or_default();
                let again = Scenario::from_str(&written, "again.toml", "other", &[]);
                prop_assert!(again.is_ok(), "{:?}\n{written}", again.err());
                let rewritten = again.ok().and_then(|s| s.try_to_toml().ok());
                prop_assert_eq!(rewritten.as_deref(), Some(written.as_str()));
            }
            Err(e) => {
                let message = e.to_string();
                prop_assert!(message.contains(FILE), "{message}");
            }
        }
        let request = Request {
            vary: varies.clone(),
            ..Request::default()
        };
        let planned = catch_unwind(AssertUnwindSafe(|| {
            plan::prepare_text(&text, FILE, "fuzz", overrides.clone(), &request)
        }));
        prop_assert!(
            planned.is_ok(),
            "the planner panicked on:\n{text}\n{sets:?} {varies:?}"
        );
        if let Ok(Err(e)) = planned {
            let message = e.to_string();
            prop_assert!(message.contains(FILE), "{message}");
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn the_binary_refuses_mutated_input_with_exit_code_2_naming_the_file_or_option() {
    let dir = TempDir::new().unwrap();
    let mut runner = runner(40);
    let result = runner.run(&(mutated(), sets(), varies()), |(text, sets, varies)| {
        let file = write(dir.path(), "mutated.toml", &text);
        let mut command = netgrow();
        if varies.is_empty() {
            command.arg("validate").arg(&file);
        } else {
            command.arg("sweep").arg(&file).arg("--dry-run");
            for v in &varies {
                command.arg("--vary").arg(v);
            }
        }
        for s in &sets {
            command.arg("--set").arg(s);
        }
        let out = command.output().expect("netgrow runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        prop_assert!(
            code == Some(0) || code == Some(2),
            "exit {code:?}:\n{stderr}\n{text}"
        );
        if code == Some(2) {
            prop_assert!(
                ["mutated.toml", "--set", "--vary"]
                    .iter()
                    .any(|n| stderr.contains(n)),
                "{stderr}"
            );
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
