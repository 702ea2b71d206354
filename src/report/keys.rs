//! Scenario keys side by side: a resolved scenario flattened into dotted
//! keys (`economy.value_of_time`), and the keys whose values differ
//! between two scenarios — what a comparison of two runs lists, and what a
//! handout calls the assumptions changed from the defaults.

use std::collections::BTreeMap;

use anyhow::{anyhow, Result};

use crate::scenario::Scenario;

/// One key whose value differs; `None` where a side has no such key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    pub key: String,
    pub a: Option<String>,
    pub b: Option<String>,
}

/// Every key of `scenario` with every default filled in, dotted, with its
/// value as TOML writes it; a list is one value.
pub fn flat(scenario: &Scenario) -> Result<BTreeMap<String, String>> {
    let text = scenario
        .try_to_toml()
        .map_err(|e| anyhow!("the scenario {e}"))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| anyhow!("the scenario cannot be read back as TOML: {e}"))?;
    let mut out = BTreeMap::new();
    walk("", &table, &mut out);
    Ok(out)
}

fn walk(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => walk(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

/// The keys whose values differ between `a` and `b`, in key order.
pub fn changed(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Vec<Changed> {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| Changed {
            key: k.clone(),
            a: a.get(k).cloned(),
            b: b.get(k).cloned(),
        })
        .collect()
}

/// The assumptions of `scenario` that differ from netgrow's defaults,
/// leaving out its name and description (labels, not assumptions).
pub fn from_defaults(scenario: &Scenario) -> Result<Vec<Changed>> {
    let defaults = Scenario::from_str("", "defaults", "defaults", &[])
        .map_err(|e| anyhow!("the default scenario: {e}"))?;
    let labels = ["simulation.name", "simulation.description"];
    Ok(changed(&flat(&defaults)?, &flat(scenario)?)
        .into_iter()
        .filter(|c| !labels.contains(&c.key.as_str()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(text: &str) -> Scenario {
        Scenario::from_str(text, "test", "test", &[]).expect("valid scenario")
    }

    #[test]
    fn a_changed_key_is_listed_with_both_values_and_nothing_else() {
        let a = flat(&scenario("")).expect("flat");
        let b = flat(&scenario("[economy]\nvalue_of_time = 55.0\n")).expect("flat");
        let diff = changed(&a, &b);
        assert_eq!(diff.len(), 1, "{diff:?}");
        assert_eq!(diff[0].key, "economy.value_of_time");
        assert_eq!(diff[0].b.as_deref(), Some("55.0"));
        assert!(diff[0].a.is_some());
    }

    #[test]
    fn the_defaults_differ_from_themselves_in_nothing() {
        assert!(from_defaults(&scenario("")).expect("diff").is_empty());
        let changed = from_defaults(&scenario("[simulation]\nyears = 3\n")).expect("diff");
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].key, "simulation.years");
    }
}
