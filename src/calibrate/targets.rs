//! The targets file: what is observed, how sure it is, which simulated
//! statistic it corresponds to, and which scenario keys to fit within
//! which prior ranges.
//!
//! ```toml
//! [calibration]                  # all optional
//! candidates = 400               # drawn from the priors (Latin hypercube)
//! accept = 0.1                   # share of them kept: the closest
//! replicates = 2                 # simulated towns per candidate
//!
//! [targets.referrals]
//! statistic = "referrals_per_year"
//! cohort = "networking"          # optional: every cohort, pooled
//! year = 3                       # optional: the last simulated year
//! mean = 40
//! sd = 15                        # or: interval = [10, 70] (a 95% interval)
//! source = "BNI 2016, self-reported"   # optional, shown in the report
//!
//! [priors]
//! "relationships.hours_to_trust" = { log_uniform = [1, 64] }
//! "strategies.networking.generosity" = { uniform = [0.05, 0.95] }
//! ```
//!
//! The file is read like a scenario: every problem is reported at once,
//! each naming the file, the full dotted key, the line and column, the
//! value and what was expected, with the nearest name for a misspelt key,
//! statistic or cohort. The priors are then checked against the scenario:
//! each key must exist, hold one number, be part of the model (not the
//! experiment's settings), and give a valid scenario at both ends of its
//! range.

use std::path::Path;

use super::prior::{Prior, Scale};
use super::statistics::Statistic;
use crate::error::BadInput;
use crate::scenario::read::{suggest, Check, Diagnostic, Reader, Table};
use crate::scenario::tree::{self, Node, Origin, Value};
use crate::scenario::{Override, Scenario};
use crate::sweep::plan::{lookup, FIXED};
use crate::sweep::spec::KeyKind;

/// The most bytes of a targets file read: a few kilobytes of TOML.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// Candidates drawn when the file does not say.
pub const DEFAULT_CANDIDATES: usize = 400;
/// Share of candidates accepted when the file does not say.
pub const DEFAULT_ACCEPT: f64 = 0.1;
/// Replicates per candidate when the file does not say.
pub const DEFAULT_REPLICATES: u32 = 2;
/// The most candidates a calibration may draw (a sweep's limit).
pub const MAX_CANDIDATES: usize = crate::sweep::design::MAX_POINTS;

/// How many candidates, how many kept, how many towns each.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Method {
    pub candidates: usize,
    pub accept: f64,
    pub replicates: u32,
}

impl Method {
    /// Candidates accepted: the closest `accept` share, at least one.
    pub fn accepted(&self) -> usize {
        ((self.candidates as f64 * self.accept).ceil() as usize).clamp(1, self.candidates)
    }
}

/// One observed figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// Its name in the file (`[targets.NAME]`).
    pub name: String,
    pub statistic: Statistic,
    /// Indices of the scenario's cohorts it describes.
    pub cohorts: Vec<usize>,
    /// "networking", or "all members".
    pub cohort_label: String,
    /// 0-based simulated year.
    pub year: usize,
    pub mean: f64,
    /// Its uncertainty, one standard deviation.
    pub sd: f64,
    /// Where the figure comes from, if the file says.
    pub source: String,
}

/// A checked targets file.
#[derive(Clone, Debug)]
pub struct Targets {
    /// Names the file in messages.
    pub file: String,
    /// The file as written, copied beside the results.
    pub text: String,
    pub method: Method,
    pub targets: Vec<Target>,
    pub priors: Vec<Prior>,
}

/// The scenario the targets are checked against, as given: its text and
/// names, and the `--set` overrides.
pub struct Base<'a> {
    pub text: &'a str,
    pub file: &'a str,
    pub stem: &'a str,
    pub overrides: &'a [Override],
    /// The scenario they give.
    pub scenario: &'a Scenario,
}

impl Base<'_> {
    /// The scenario with `key` set to `value`.
    fn with(&self, key: &str, value: f64) -> Result<Scenario, crate::scenario::ScenarioError> {
        let mut overrides = self.overrides.to_vec();
        if let Ok(o) = Override::parse(&format!("{key}={}", toml::Value::Float(value))) {
            overrides.push(o);
        }
        Scenario::from_str(self.text, self.file, self.stem, &overrides)
    }
}

/// Reads and checks the targets file at `path` against `base`.
pub fn load(path: &Path, base: &Base) -> anyhow::Result<Targets> {
    let file = path.display().to_string();
    let text = read_text(path)?;
    parse(&text, &file, base).map_err(|problems| BadInput(problems).into())
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    use std::io::Read;
    let cannot = |why: String| {
        BadInput(format!(
            "cannot read targets file {}: {why}",
            path.display()
        ))
    };
    let f = std::fs::File::open(path).map_err(|e| cannot(e.to_string()))?;
    let mut bytes = Vec::new();
    f.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot(e.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(
            cannot("larger than 1 MiB; a targets file is a few kilobytes of TOML".into()).into(),
        );
    }
    String::from_utf8(bytes)
        .map_err(|_| cannot("not UTF-8 text; a targets file is TOML".into()).into())
}

/// Reads and checks a targets file's text; `Err` holds the message
/// listing every problem.
pub fn parse(text: &str, file: &str, base: &Base) -> Result<Targets, String> {
    let (root, syntax) = tree::parse(text);
    let mut r = Reader::default();
    if !syntax.is_empty() {
        for e in syntax {
            r.diagnostics.push(Diagnostic {
                key: "(syntax)".into(),
                origin: e.origin,
                value: None,
                message: e.message,
            });
        }
        return Err(problems(file, &r.diagnostics));
    }
    let top = r.table(&root, String::new());
    let method = read_method(&mut r, &top);
    let targets = read_targets(&mut r, &top, base.scenario);
    let priors = read_priors(&mut r, &top, base);
    r.finish(top);
    check_sizes(&mut r, &method, &targets, &priors);
    if r.diagnostics.is_empty() {
        Ok(Targets {
            file: file.to_string(),
            text: text.to_string(),
            method,
            targets,
            priors,
        })
    } else {
        Err(problems(file, &r.diagnostics))
    }
}

/// "targets file F has N problems:" and the list.
fn problems(file: &str, diagnostics: &[Diagnostic]) -> String {
    let n = diagnostics.len();
    let mut text = format!(
        "targets file {file} has {n} problem{}:",
        if n == 1 { "" } else { "s" }
    );
    for d in diagnostics {
        text.push_str(&format!("\n  - {d}"));
    }
    text
}

fn read_method(r: &mut Reader, top: &Table) -> Method {
    let t = r.section(top, "calibration");
    let candidates = r.int(
        &t,
        "candidates",
        DEFAULT_CANDIDATES as u64,
        2,
        MAX_CANDIDATES as u64,
        "candidates",
    ) as usize;
    let accept = r.f64(
        &t,
        "accept",
        DEFAULT_ACCEPT,
        Check::Between(0.001, 1.0, "share"),
    );
    let replicates = r.int(
        &t,
        "replicates",
        u64::from(DEFAULT_REPLICATES),
        1,
        10_000,
        "replicates",
    ) as u32;
    r.finish(t);
    Method {
        candidates,
        accept,
        replicates,
    }
}

fn read_targets(r: &mut Reader, top: &Table, scenario: &Scenario) -> Vec<Target> {
    let t = r.section(top, "targets");
    let mut out = Vec::new();
    for (name, _, node) in t.entries() {
        let entry = r.table(node, t.key(name));
        if let Some(target) = read_target(r, &entry, node, name, scenario) {
            out.push(target);
        }
        r.finish(entry);
    }
    r.finish(t);
    out
}

fn read_target(
    r: &mut Reader,
    t: &Table,
    node: &Node,
    name: &str,
    scenario: &Scenario,
) -> Option<Target> {
    let statistic = read_statistic(r, t, node);
    let (cohorts, cohort_label) = read_cohort(r, t, scenario);
    let years = u64::from(scenario.simulation.years);
    let year = r.int(t, "year", years, 1, years, "simulated years") as usize - 1;
    let (mean, sd) = read_uncertainty(r, t, node);
    let source = r.string(t, "source", "");
    Some(Target {
        name: name.to_string(),
        statistic: statistic?,
        cohorts: cohorts?,
        cohort_label,
        year,
        mean: mean?,
        sd: sd?,
        source,
    })
}

fn read_statistic(r: &mut Reader, t: &Table, within: &Node) -> Option<Statistic> {
    let names = Statistic::names();
    let Some(node) = t.get("statistic") else {
        r.require(
            t,
            "statistic",
            within,
            &format!(
                "expected the simulated statistic the figure corresponds to, one of: {}",
                names.join(", ")
            ),
        );
        return None;
    };
    let word = match &node.value {
        Value::String(s) => s.as_str(),
        other => {
            r.error(
                t.key("statistic"),
                Some(node),
                format!("expected a statistic's name, found {}", other.type_name()),
            );
            return None;
        }
    };
    let found = Statistic::from_name(word);
    if found.is_none() {
        let hint = match suggest(word, &names) {
            Some(s) => format!("did you mean \"{s}\"? "),
            None => String::new(),
        };
        r.error(
            t.key("statistic"),
            Some(node),
            format!(
                "unknown statistic; {hint}expected one of: {}",
                names.join(", ")
            ),
        );
    }
    found
}

/// The cohorts a target describes: one named cohort, or all of them.
fn read_cohort(r: &mut Reader, t: &Table, scenario: &Scenario) -> (Option<Vec<usize>>, String) {
    let all = "all members".to_string();
    let Some(node) = t.get("cohort") else {
        return (Some((0..scenario.cohorts.len()).collect()), all);
    };
    let names = scenario.cohort_names();
    let Value::String(word) = &node.value else {
        let found = node.value.type_name();
        r.error(
            t.key("cohort"),
            Some(node),
            format!("expected a cohort's name, found {found}"),
        );
        return (None, all);
    };
    match names.iter().position(|n| n == word) {
        Some(c) => (Some(vec![c]), word.clone()),
        None => {
            let hint = match suggest(word, &names) {
                Some(s) => format!("did you mean \"{s}\"? "),
                None => String::new(),
            };
            r.error(
                t.key("cohort"),
                Some(node),
                format!(
                    "the scenario has no such cohort; {hint}expected one of: {} (or leave it out for all members)",
                    names.join(", ")
                ),
            );
            (None, all)
        }
    }
}

/// A target's mean and standard deviation: `mean` and `sd`, or a 95%
/// `interval` (mean its middle, sd its width / 3.92).
fn read_uncertainty(r: &mut Reader, t: &Table, within: &Node) -> (Option<f64>, Option<f64>) {
    const Z95: f64 = 1.959_963_984_540_054;
    let how = "give mean and sd, or a 95% interval = [low, high]";
    if let Some(node) = t.get("interval") {
        if t.get("mean").is_some() || t.get("sd").is_some() {
            r.error(
                t.key("interval"),
                Some(node),
                format!("both an interval and a mean or sd; {how}"),
            );
            return (None, None);
        }
        return match pair(r, &t.key("interval"), node) {
            Some((lo, hi)) if hi > lo => (Some((lo + hi) / 2.0), Some((hi - lo) / (2.0 * Z95))),
            Some(_) => {
                r.error(
                    t.key("interval"),
                    Some(node),
                    "empty interval: expected [low, high] with high above low",
                );
                (None, None)
            }
            None => (None, None),
        };
    }
    let present = t.get("mean").is_some() && t.get("sd").is_some();
    if !present {
        let missing = if t.get("mean").is_none() {
            "mean"
        } else {
            "sd"
        };
        r.error(t.key(missing), Some(within), format!("missing; {how}"));
        return (None, None);
    }
    let mean = r.f64(
        t,
        "mean",
        f64::NAN,
        Check::Between(f64::MIN, f64::MAX, "the statistic's unit"),
    );
    let sd = r.f64(t, "sd", f64::NAN, Check::Positive("the statistic's unit"));
    (
        mean.is_finite().then_some(mean),
        sd.is_finite().then_some(sd),
    )
}

/// Two numbers `[a, b]`, reported otherwise.
fn pair(r: &mut Reader, key: &str, node: &Node) -> Option<(f64, f64)> {
    let expected = "expected two numbers [low, high]";
    let items = r.array(node, key.to_string(), expected);
    let numbers: Vec<f64> = items
        .iter()
        .filter_map(|n| match n.value {
            Value::Integer(i) => Some(i as f64),
            Value::Float(x) if x.is_finite() => Some(x),
            _ => None,
        })
        .collect();
    match numbers[..] {
        [a, b] if items.len() == 2 => Some((a, b)),
        _ => {
            if matches!(node.value, Value::Array(_)) {
                r.error(key.to_string(), Some(node), expected);
            }
            None
        }
    }
}

fn read_priors(r: &mut Reader, top: &Table, base: &Base) -> Vec<Prior> {
    let t = r.section(top, "priors");
    let mut out = Vec::new();
    let resolved = toml::Table::try_from(base.scenario).unwrap_or_default();
    collect_priors(r, &t, "", base, &resolved, &mut out);
    r.finish(t);
    out
}

/// The priors under `t`: a dotted key may be written quoted
/// (`"economy.needs_per_year" = {…}`) or as nested tables.
fn collect_priors(
    r: &mut Reader,
    t: &Table,
    prefix: &str,
    base: &Base,
    resolved: &toml::Table,
    out: &mut Vec<Prior>,
) {
    for (name, origin, node) in t.entries() {
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let is_prior = matches!(&node.value, Value::Table(e) if e.iter().any(|(k, _, _)| Scale::from_name(k).is_some()));
        let is_section = matches!(&node.value, Value::Table(e) if !e.is_empty()) && !is_prior;
        if is_section {
            let inner = r.table(node, t.key(name));
            collect_priors(r, &inner, &key, base, resolved, out);
            continue;
        }
        let label = format!("priors.\"{key}\"");
        if let Some(prior) = read_prior(r, node, origin, &key, &label) {
            if let Some(integer) = check_prior(r, &prior, &label, base, resolved) {
                out.push(Prior { integer, ..prior });
            }
        }
    }
}

impl Scale {
    /// The scale a targets file names `name`.
    fn from_name(name: &str) -> Option<Scale> {
        [Scale::Uniform, Scale::LogUniform]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// One prior, `{ uniform = [lo, hi] }` or `{ log_uniform = [lo, hi] }`.
fn read_prior(
    r: &mut Reader,
    node: &Node,
    origin: &Origin,
    key: &str,
    label: &str,
) -> Option<Prior> {
    let expected = "expected { uniform = [low, high] } or { log_uniform = [low, high] }";
    let Value::Table(entries) = &node.value else {
        r.error(label.to_string(), Some(node), expected);
        return None;
    };
    let [(word, _, range)] = &entries[..] else {
        r.error(
            label.to_string(),
            Some(node),
            format!("{expected}: one range"),
        );
        return None;
    };
    let Some(scale) = Scale::from_name(word) else {
        let hint = suggest(word, &["uniform", "log_uniform"])
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        r.error(
            format!("{label}.{word}"),
            Some(range),
            format!("unknown key; {hint}{expected}"),
        );
        return None;
    };
    let key_of_range = format!("{label}.{word}");
    let (lo, hi) = pair(r, &key_of_range, range)?;
    if hi <= lo {
        r.error(
            key_of_range,
            Some(range),
            "empty range: expected [low, high] with high above low",
        );
        return None;
    }
    if scale == Scale::LogUniform && lo <= 0.0 {
        r.error(
            key_of_range,
            Some(range),
            "a log-uniform range needs a low end above 0",
        );
        return None;
    }
    Some(Prior {
        key: key.to_string(),
        lo,
        hi,
        scale,
        integer: false,
        origin: origin.clone(),
    })
}

/// Checks a prior's key against the scenario: `Some(true)` for a key that
/// takes whole numbers, `Some(false)` for any other number, `None` (and a
/// diagnostic) for a key that cannot be fitted.
fn check_prior(
    r: &mut Reader,
    prior: &Prior,
    label: &str,
    base: &Base,
    resolved: &toml::Table,
) -> Option<bool> {
    let at = Node {
        value: Value::String(prior.key.clone()),
        origin: prior.origin.clone(),
    };
    let first = prior.key.split('.').next().unwrap_or("");
    if FIXED.contains(&first) {
        r.error(
            label.to_string(),
            Some(&at),
            format!("[{first}] describes the experiment, not the model: it cannot be fitted"),
        );
        return None;
    }
    let Some(value) = lookup(resolved, &prior.key) else {
        let known: Vec<String> = keys_of(resolved);
        let hint = suggest(&prior.key, &known)
            .map(|s| format!("; did you mean \"{s}\"?"))
            .unwrap_or_default();
        r.error(
            label.to_string(),
            Some(&at),
            format!("not a key of the scenario {}{hint}", base.file),
        );
        return None;
    };
    if !KeyKind::of(value).is_some_and(KeyKind::numeric) {
        r.error(
            label.to_string(),
            Some(&at),
            format!(
                "{} holds {value}, not one number: only numeric keys can be fitted",
                prior.key
            ),
        );
        return None;
    }
    for end in [prior.lo, prior.hi] {
        if let Err(crate::scenario::ScenarioError::Invalid { diagnostics, .. }) =
            base.with(&prior.key, end)
        {
            let why: Vec<String> = diagnostics.iter().map(|d| d.message.clone()).collect();
            r.error(
                label.to_string(),
                Some(&at),
                format!(
                    "the scenario refuses {} = {end}: {}; narrow the range",
                    prior.key,
                    why.join("; ")
                ),
            );
            return None;
        }
    }
    Some(KeyKind::of(value) == Some(KeyKind::Integer))
}

/// Every dotted key of a resolved scenario holding one value, for
/// suggestions.
fn keys_of(table: &toml::Table) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in table {
        match v {
            toml::Value::Table(inner) if !v.as_table().is_some_and(|t| t.contains_key("dist")) => {
                out.extend(keys_of(inner).into_iter().map(|sub| format!("{k}.{sub}")));
            }
            _ => out.push(k.clone()),
        }
    }
    out
}

/// At least one target and one prior, and enough accepted candidates for
/// the regression adjustment.
fn check_sizes(r: &mut Reader, method: &Method, targets: &[Target], priors: &[Prior]) {
    if !r.diagnostics.is_empty() {
        return;
    }
    if targets.is_empty() {
        r.error(
            "targets".into(),
            None,
            "no targets: add a [targets.NAME] table with a statistic, a mean and an sd",
        );
    }
    if priors.is_empty() {
        r.error("priors".into(), None, "no keys to fit: add a [priors] table, e.g. \"relationships.hours_to_trust\" = { log_uniform = [1, 64] }");
    }
    // The regression fits an intercept and a slope per target from the
    // accepted candidates: it needs more of them than that.
    let needed = targets.len() + 3;
    if method.accepted() < needed {
        r.error(
            "calibration.accept".into(),
            None,
            format!(
                "{} of {} candidates would be accepted; the regression adjustment needs at least {needed} (the number of targets + 3): raise calibration.candidates or calibration.accept",
                method.accepted(),
                method.candidates
            ),
        );
    }
}
