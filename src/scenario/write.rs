//! Writing a resolved [`Scenario`] back as TOML that reads like a
//! hand-written file and reads back to an equal scenario.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::tree::Value;
use super::Scenario;

impl Scenario {
    /// The fully resolved scenario as TOML; reading it back gives an equal
    /// scenario. Distributions, professions and variant overrides are
    /// written inline, one per line, so the file reads like a hand-written
    /// one. Fails, saying why, if a value cannot be written as TOML.
    pub fn try_to_toml(&self) -> Result<String, String> {
        let mut table = toml::Table::try_from(self)
            .map_err(|e| format!("cannot be written back as TOML: {e}"))?;
        // Members given by the culture of the room, and a focal design's
        // arms, are made again from [room] and [focal] when read back.
        if self.room.is_some() {
            table.remove("cohorts");
        }
        if self.focal.is_some() {
            table.remove("variants");
        }
        let mut out = String::new();
        emit_table(&mut out, "", &table);
        Ok(out.trim_start().to_string())
    }
}

pub(super) fn ordered_map<S: Serializer, T: Serialize>(
    items: &[(String, T)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(items.len()))?;
    for (k, v) in items {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// Writes `table`'s plain and inline values, then its sub-sections.
fn emit_table(out: &mut String, path: &str, table: &toml::Table) {
    use std::fmt::Write as _;
    let inline = |key: &str, value: &toml::Value| match value {
        toml::Value::Table(t) => t.contains_key("dist") || key == "set",
        toml::Value::Array(items) => key != "variants" || !items.iter().all(toml::Value::is_table),
        _ => true,
    };
    for (key, value) in table {
        if !inline(key, value) {
            continue;
        }
        let _ = match value {
            toml::Value::Array(items) if items.iter().any(toml::Value::is_table) => {
                let _ = writeln!(out, "{} = [", toml_key(key));
                for item in items {
                    let _ = writeln!(out, "    {item},");
                }
                writeln!(out, "]")
            }
            _ => writeln!(out, "{} = {value}", toml_key(key)),
        };
    }
    for (key, value) in table {
        if inline(key, value) {
            continue;
        }
        let sub = if path.is_empty() {
            toml_key(key)
        } else {
            format!("{path}.{}", toml_key(key))
        };
        match value {
            toml::Value::Table(t) => {
                // A table of tables needs no header of its own.
                if t.iter().any(|(k, v)| inline(k, v)) {
                    let _ = writeln!(out, "\n[{sub}]");
                }
                emit_table(out, &sub, t);
            }
            toml::Value::Array(items) => {
                for item in items {
                    if let toml::Value::Table(t) = item {
                        let _ = writeln!(out, "\n[[{sub}]]");
                        emit_table(out, &sub, t);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A key as TOML writes it: bare if it can be, quoted otherwise.
fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_string()
    } else {
        toml::Value::String(key.to_string()).to_string()
    }
}

/// A tree value as a `toml::Value`, for writing it back out.
pub(super) fn to_toml_value(value: &Value) -> toml::Value {
    match value {
        Value::String(s) | Value::Datetime(s) => toml::Value::String(s.clone()),
        // Beyond TOML's integers: a seed is written as digits (as
        // `simulation.seed` is); anything larger was refused on reading.
        Value::Integer(i) => match (i64::try_from(*i), u64::try_from(*i)) {
            (Ok(v), _) => toml::Value::Integer(v),
            (_, Ok(v)) => toml::Value::String(v.to_string()),
            _ => toml::Value::Float(*i as f64),
        },
        Value::Float(x) => toml::Value::Float(*x),
        Value::Boolean(b) => toml::Value::Boolean(*b),
        Value::Array(items) => {
            toml::Value::Array(items.iter().map(|n| to_toml_value(&n.value)).collect())
        }
        Value::Table(entries) => toml::Value::Table(
            entries
                .iter()
                .map(|(k, _, n)| (k.clone(), to_toml_value(&n.value)))
                .collect(),
        ),
    }
}
