//! Reading a [`Node`] tree into typed values, collecting diagnostics.
//!
//! Every read names the full dotted key, so a wrong value is reported as
//! `population.rewire = 1.7 (line 4, column 10): expected a probability
//! between 0 and 1`. Reads never stop at the first error: the loader reads the
//! whole file, falling back to the default for each bad value, and reports
//! every problem at once. Keys a table holds but nobody read are reported as
//! unknown, with the nearest known key as a suggestion.

use std::cell::RefCell;
use std::fmt;

use super::choices::Choice;
use super::tree::{Node, Origin, Value};

/// One problem with a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Full dotted key, e.g. `strategies.connecting.patience_meetings`.
    pub key: String,
    pub origin: Origin,
    /// The offending value as written, if there is one.
    pub value: Option<String>,
    /// What was expected, or what is wrong.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = match &self.origin {
            Origin::Default => String::new(),
            o => format!(" ({o})"),
        };
        let key = shown(&self.key);
        match &self.value {
            Some(v) => write!(f, "{key} = {}{place}: {}", shown(v), self.message),
            None => write!(f, "{key}{place}: {}", self.message),
        }
    }
}

/// The most characters of a key or value a message repeats: enough to
/// recognise it, not a megabyte of it.
pub const SHOWN_CHARS: usize = 200;

/// `text` as a message repeats it: cut to [`SHOWN_CHARS`] characters with
/// "…" when longer, and control characters (a line break, a terminal
/// escape) written as escapes, so the message stays one readable line.
pub fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    let cut = text.char_indices().nth(SHOWN_CHARS).map(|(i, _)| i);
    if cut.is_none() && !text.chars().any(char::is_control) {
        return text.into();
    }
    let mut out = String::new();
    for c in text[..cut.unwrap_or(text.len())].chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    if cut.is_some() {
        out.push('…');
    }
    out.into()
}

/// Collects diagnostics while the loader reads.
#[derive(Default)]
pub struct Reader {
    pub diagnostics: Vec<Diagnostic>,
}

/// A table being read: remembers which of its keys were asked for, so the
/// rest can be reported as unknown.
pub struct Table<'n> {
    pub path: String,
    pub origin: Origin,
    entries: &'n [(String, Origin, Node)],
    used: RefCell<Vec<&'static str>>,
    /// Keys are names the user chooses (cohorts, strategies): none is unknown.
    named: std::cell::Cell<bool>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl<'n> Table<'n> {
    /// The keys of this table in file order, with their nodes. Reading a
    /// table this way means its keys are names, so none is reported unknown.
    pub fn entries(&self) -> &'n [(String, Origin, Node)] {
        self.named.set(true);
        self.entries
    }

    /// Full dotted path of `key` in this table.
    pub fn key(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// Looks up `key`, remembering that it is a known key.
    pub fn get(&self, key: &'static str) -> Option<&'n Node> {
        self.used.borrow_mut().push(key);
        self.entries
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, n)| n)
    }
}

impl Reader {
    /// Records a problem.
    pub fn error(&mut self, key: String, node: Option<&Node>, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            key,
            origin: node.map_or(Origin::Default, |n| n.origin.clone()),
            value: node.map(|n| n.value.to_string()),
            message: message.into(),
        });
    }

    /// Views `node` (at dotted `path`) as a table; a non-table is reported
    /// and read as empty.
    pub fn table<'n>(&mut self, node: &'n Node, path: String) -> Table<'n> {
        let entries: &[(String, Origin, Node)] = match &node.value {
            Value::Table(entries) => entries,
            other => {
                self.error(
                    path.clone(),
                    Some(node),
                    format!("expected a table, found {}", other.type_name()),
                );
                &[]
            }
        };
        Table {
            path,
            origin: node.origin.clone(),
            entries,
            used: RefCell::new(Vec::new()),
            named: std::cell::Cell::new(false),
        }
    }

    /// The sub-table `key` of `parent` (empty if absent).
    pub fn section<'n>(&mut self, parent: &Table<'n>, key: &'static str) -> Table<'n> {
        static EMPTY: Node = Node {
            value: Value::Table(Vec::new()),
            origin: Origin::Default,
        };
        match parent.get(key) {
            Some(node) => self.table(node, parent.key(key)),
            None => self.table(&EMPTY, parent.key(key)),
        }
    }

    /// The items of the array `node` at `path`; anything else is reported
    /// as not `expected` (what the array holds) and read as empty.
    pub fn array<'n>(&mut self, node: &'n Node, path: String, expected: &str) -> &'n [Node] {
        match &node.value {
            Value::Array(items) => items,
            other => {
                let found = other.type_name();
                self.error(
                    path,
                    Some(node),
                    format!("expected {expected}, found {found}"),
                );
                &[]
            }
        }
    }

    /// Reports `key` of `table` (whose node is `within`) as missing, if it
    /// is, with what was `expected`.
    pub fn require(&mut self, table: &Table<'_>, key: &'static str, within: &Node, expected: &str) {
        if table.get(key).is_none() {
            self.error(table.key(key), Some(within), format!("missing; {expected}"));
        }
    }

    /// Reports every key of `table` that was never asked for.
    pub fn finish(&mut self, table: Table<'_>) {
        if table.named.get() {
            return;
        }
        let used = table.used.borrow();
        // A key may be asked for more than once; name it once.
        let mut known: Vec<&str> = Vec::new();
        for k in used.iter() {
            if !known.contains(k) {
                known.push(k);
            }
        }
        for (key, origin, node) in table.entries {
            if used.iter().any(|u| u == key) {
                continue;
            }
            let message = match suggest(key, &known) {
                Some(s) => format!("unknown key; did you mean `{s}`?"),
                None if known.is_empty() => "unknown key".to_string(),
                None => format!("unknown key; expected one of: {}", known.join(", ")),
            };
            self.diagnostics.push(Diagnostic {
                key: table.key(key),
                origin: origin.clone(),
                value: Some(node.value.to_string()),
                message,
            });
        }
    }

    /// A number (integer or float) at `table.key`, checked by `check`, which
    /// returns what was expected when the value is out of range.
    pub fn f64(&mut self, table: &Table<'_>, key: &'static str, default: f64, check: Check) -> f64 {
        let Some(node) = table.get(key) else {
            return default;
        };
        match self.number(table.key(key), node) {
            Some(v) => match check.test(v) {
                Ok(()) => v,
                Err(expected) => {
                    self.error(table.key(key), Some(node), expected);
                    default
                }
            },
            None => default,
        }
    }

    fn number(&mut self, key: String, node: &Node) -> Option<f64> {
        match node.value {
            Value::Integer(i) => Some(i as f64),
            Value::Float(x) if x.is_finite() => Some(x),
            Value::Float(_) => {
                self.error(key, Some(node), "expected a finite number");
                None
            }
            ref other => {
                self.error(
                    key,
                    Some(node),
                    format!("expected a number, found {}", other.type_name()),
                );
                None
            }
        }
    }

    /// A whole number in `min..=max`, read exactly. Floats with no
    /// fractional part (as a sweep's log range may produce) are accepted
    /// where they hold the number exactly (up to 2^53).
    pub fn int(
        &mut self,
        table: &Table<'_>,
        key: &'static str,
        default: u64,
        min: u64,
        max: u64,
        unit: &str,
    ) -> u64 {
        let Some(node) = table.get(key) else {
            return default;
        };
        let expected = if max == u64::MAX {
            format!("expected a whole number of {unit}, at least {min}")
        } else {
            format!("expected a whole number of {unit} from {min} to {max}")
        };
        match whole(&node.value) {
            Some(v) if v >= i128::from(min) && v <= i128::from(max) => v as u64,
            Some(_) => {
                self.error(table.key(key), Some(node), expected);
                default
            }
            None => {
                let found = match node.value {
                    Value::Float(x) if x.is_finite() && x.fract() == 0.0 => {
                        "a float too large to hold a whole number exactly"
                    }
                    ref other => other.type_name(),
                };
                self.error(
                    table.key(key),
                    Some(node),
                    format!("{expected}, found {found}"),
                );
                default
            }
        }
    }

    /// A seed: any whole number from 0 to 2^64 − 1. TOML's integers stop
    /// at 2^63 − 1, so larger seeds are also accepted as a string of
    /// decimal digits (which is how [`super::Scenario::to_toml`] writes
    /// them).
    pub fn seed(&mut self, table: &Table<'_>, key: &'static str, default: u64) -> u64 {
        let Some(node) = table.get(key) else {
            return default;
        };
        let value = match &node.value {
            Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                s.parse::<u64>().ok()
            }
            other => whole(other).and_then(|v| u64::try_from(v).ok()),
        };
        value.unwrap_or_else(|| {
            let found = match node.value {
                Value::Float(x) if x.is_finite() && x.fract() == 0.0 => {
                    ", found a float too large to hold a whole number exactly"
                }
                _ => "",
            };
            self.error(
                table.key(key),
                Some(node),
                format!(
                    "expected a whole number from 0 to {} (above {} write it as a string of digits, e.g. \"{}\"){found}",
                    u64::MAX,
                    i64::MAX,
                    u64::MAX
                ),
            );
            default
        })
    }

    /// A boolean.
    pub fn bool(&mut self, table: &Table<'_>, key: &'static str, default: bool) -> bool {
        match table.get(key) {
            None => default,
            Some(Node {
                value: Value::Boolean(b),
                ..
            }) => *b,
            Some(node) => {
                let found = node.value.type_name();
                self.error(
                    table.key(key),
                    Some(node),
                    format!("expected true or false, found {found}"),
                );
                default
            }
        }
    }

    /// A free-form string.
    pub fn string(&mut self, table: &Table<'_>, key: &'static str, default: &str) -> String {
        match table.get(key) {
            None => default.to_string(),
            Some(Node {
                value: Value::String(s),
                ..
            }) => s.clone(),
            Some(node) => {
                let found = node.value.type_name();
                self.error(
                    table.key(key),
                    Some(node),
                    format!("expected a string, found {found}"),
                );
                default.to_string()
            }
        }
    }

    /// One of a fixed set of words, as its type: `default` if absent or
    /// not one of them (reported).
    pub fn choice<C: Choice>(&mut self, table: &Table<'_>, key: &'static str, default: C) -> C {
        self.pick(table, key).unwrap_or(default)
    }

    /// One of a fixed set of words, as its type: `None` if absent or not
    /// one of them (reported).
    pub fn pick<C: Choice>(&mut self, table: &Table<'_>, key: &'static str) -> Option<C> {
        let node = table.get(key)?;
        let words = C::words();
        let listed = words
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let expected = match &node.value {
            Value::String(s) => match C::from_word(s) {
                Some(c) => return Some(c),
                None => {
                    let hint = suggest(s, &words)
                        .map(|w| format!(" (did you mean \"{w}\"?)"))
                        .unwrap_or_default();
                    format!("expected one of {listed}{hint}")
                }
            },
            other => format!("expected one of {listed}, found {}", other.type_name()),
        };
        self.error(table.key(key), Some(node), expected);
        None
    }
}

/// The whole number `value` holds exactly: an integer, or a float with no
/// fractional part small enough that no other integer rounds to it.
fn whole(value: &Value) -> Option<i128> {
    /// 2^53: beyond it not every whole number is a float.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match *value {
        Value::Integer(i) => Some(i),
        Value::Float(x) if x.fract() == 0.0 && x.abs() <= EXACT => Some(x as i128),
        _ => None,
    }
}

/// The range a number must lie in, with a phrase for the error message.
#[derive(Clone, Copy, Debug)]
pub enum Check {
    /// 0 ≤ x ≤ 1.
    Probability,
    /// x > 0, in the given unit.
    Positive(&'static str),
    /// x ≥ 0, in the given unit.
    NonNegative(&'static str),
    /// lo ≤ x ≤ hi, in the given unit.
    Between(f64, f64, &'static str),
}

impl Check {
    /// `Ok` if `v` is acceptable, else what was expected.
    pub fn test(self, v: f64) -> Result<(), String> {
        let ok = match self {
            Check::Probability => (0.0..=1.0).contains(&v),
            Check::Positive(_) => v > 0.0,
            Check::NonNegative(_) => v >= 0.0,
            Check::Between(lo, hi, _) => (lo..=hi).contains(&v),
        };
        if ok {
            Ok(())
        } else {
            Err(self.expected())
        }
    }

    /// What a valid value looks like, as a phrase.
    pub fn expected(self) -> String {
        match self {
            Check::Probability => "expected a probability between 0 and 1".to_string(),
            Check::Positive(unit) => format!("expected a positive number of {unit}"),
            Check::NonNegative(unit) => format!("expected zero or a positive number of {unit}"),
            Check::Between(lo, hi, unit) => {
                format!("expected a number of {unit} from {lo} to {hi}")
            }
        }
    }
}

/// The candidate closest to `word` by edit distance (Levenshtein, counting
/// characters), if it is close enough to be a plausible typo.
pub fn suggest<'a, S: AsRef<str>>(word: &str, candidates: &'a [S]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(word, c.as_ref()), c.as_ref()))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_but_not_strangers() {
        let known = ["acquaintances", "close_ties", "size"];
        assert_eq!(suggest("acquaintence", &known), Some("acquaintances"));
        assert_eq!(suggest("close_tie", &known), Some("close_ties"));
        assert_eq!(suggest("weather", &known), None);
    }

    #[test]
    fn long_and_control_text_is_shown_short_and_on_one_line() {
        assert_eq!(shown("size"), "size");
        let long = "k".repeat(1000);
        let s = shown(&long);
        assert_eq!(s.chars().count(), SHOWN_CHARS + 1);
        assert!(s.ends_with("k…"));
        assert_eq!(shown("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
    }
}
