//! `--set KEY=VALUE` overrides: parsing one, and refusing one that names a
//! cohort or strategy the scenario does not have.

use super::built_in_strategies;
use super::read;
use super::tree::{self, Node, Value};

/// A `--set KEY=VALUE` override, split and parsed.
#[derive(Clone, Debug)]
pub struct Override {
    pub key: String,
    pub node: Node,
}

impl Override {
    /// Parses `KEY=VALUE`; the value is TOML (`5`, `0.3`, `"text"`,
    /// `{ dist = "beta", alpha = 2, beta = 5 }`) or else a bare word.
    pub fn parse(arg: &str) -> Result<Override, String> {
        let shown = read::shown(arg);
        let (key, value) = arg.split_once('=').ok_or_else(|| {
            format!("--set {shown}: expected KEY=VALUE, e.g. population.size=50000")
        })?;
        let key = key.trim();
        if key.is_empty() || key.split('.').any(|p| p.trim().is_empty()) {
            return Err(format!(
                "--set {shown}: expected a dotted key before '=', e.g. population.size"
            ));
        }
        Ok(Override {
            key: key.to_string(),
            node: tree::parse_set_value(value.trim(), arg),
        })
    }
}

/// Why an override of dotted `path` names a cohort or strategy that does
/// not exist, if it does: a misspelt name would otherwise make a new one
/// that nothing uses, and the override would be silently ignored.
pub(super) fn unknown_name(root: &Node, path: &[&str]) -> Option<String> {
    let (&[section, name, ..], Value::Table(sections)) = (path, &root.value) else {
        return None;
    };
    let (kind, mut names) = match section {
        "cohorts" => ("cohort", Vec::new()),
        "strategies" => (
            "strategy",
            built_in_strategies().into_iter().map(|(n, _)| n).collect(),
        ),
        _ => return None,
    };
    if let Some((
        _,
        _,
        Node {
            value: Value::Table(entries),
            ..
        },
    )) = sections.iter().find(|(k, _, _)| k == section)
    {
        for (n, _, _) in entries {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
    }
    if names.iter().any(|n| n == name) {
        return None;
    }
    let hint = match read::suggest(name, &names) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None if names.is_empty() => format!("there are no {section}"),
        None => format!("the {section} are {}", names.join(", ")),
    };
    Some(format!(
        "there is no {kind} \"{}\" to change; {hint} (a new {kind} is defined in the scenario file)",
        read::shown(name)
    ))
}
