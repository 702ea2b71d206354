//! What values one key of a sweep takes: the `SPEC` of `--vary KEY=SPEC`
//! or of an entry of `[sweep.vary]`.
//!
//! A spec is either a *set* of values, which every design can use, or an
//! *interval*, which only the sampling designs (`random`, `lhs`) can:
//!
//! | spec | meaning |
//! |---|---|
//! | `1,2,4,8` or `[1, 2, 4, 8]` | these values, in this order |
//! | `open,closed` | categorical values (strings, booleans) |
//! | `1..24:1` | 1, 2, …, 24: from LO to HI in steps of STEP |
//! | `0.5..64:log8` | 8 values from 0.5 to 64, evenly spaced on a log scale |
//! | `0..1` | any value from 0 to 1 (`random` and `lhs` only) |
//! | `1..100:log` | any value from 1 to 100, log-uniformly (`random`, `lhs`) |
//!
//! Sampling designs turn a number `u` in [0, 1) into a value with
//! [`Spec::at`]: a set is read as an ordered list (u picks the ⌊u·n⌋-th
//! value), an interval maps u linearly (or geometrically). So a Latin
//! hypercube stratifies a set by its order and an interval by its length.
//!
//! Whether a key is numeric, whole-numbered or categorical is read from the
//! base scenario's value of that key ([`KeyKind`]); values are checked
//! against it here, and then for real by loading the scenario with each
//! value applied.

use std::fmt;

use crate::scenario::tree::{self, Value as TreeValue};

/// The most values one spec may expand to; beyond it a typo (a step of
/// 0.0001 instead of 0.1) is more likely than intent.
pub const MAX_VALUES: usize = 100_000;

/// Significant digits generated values are rounded to, so a step of 0.1
/// gives 0.3 and not 0.30000000000000004, and log spacing gives 2 rather
/// than 1.9999999999999996.
const SIGNIFICANT: usize = 10;

/// Significant digits of values drawn from an interval: enough to keep
/// every stratum of any practical Latin hypercube apart, short enough to
/// read.
const DRAWN_SIGNIFICANT: usize = 6;

/// The kind of value a scenario key holds, from its base value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyKind {
    /// A whole number (`population.size`, `patience_meetings`).
    Integer,
    /// A real number (`hours_to_trust`), or a distribution given as one.
    Number,
    /// A word from a fixed set or free text (`groups.format`).
    Text,
    /// true or false (`output.charts`).
    Boolean,
}

impl KeyKind {
    /// The kind of a base value; `None` for arrays and plain tables, which
    /// a sweep cannot vary as one value.
    pub fn of(value: &toml::Value) -> Option<KeyKind> {
        match value {
            toml::Value::Integer(_) => Some(KeyKind::Integer),
            toml::Value::Float(_) => Some(KeyKind::Number),
            // A distribution also accepts a plain number (a constant).
            toml::Value::Table(t) if t.contains_key("dist") => Some(KeyKind::Number),
            toml::Value::String(_) => Some(KeyKind::Text),
            toml::Value::Boolean(_) => Some(KeyKind::Boolean),
            _ => None,
        }
    }

    /// What a value of this kind is, as a phrase for messages.
    pub fn expected(self) -> &'static str {
        match self {
            KeyKind::Integer => "a whole number",
            KeyKind::Number => "a number",
            KeyKind::Text => "a word (text)",
            KeyKind::Boolean => "true or false",
        }
    }

    /// Whether the key takes numbers.
    pub fn numeric(self) -> bool {
        matches!(self, KeyKind::Integer | KeyKind::Number)
    }
}

/// The values one key of a sweep takes.
#[derive(Clone, Debug, PartialEq)]
pub enum Spec {
    /// These values, in order.
    List(Vec<toml::Value>),
    /// `lo`, `lo + step`, … up to `hi`.
    Step { lo: f64, hi: f64, step: f64 },
    /// `n` values from `lo` to `hi`, evenly spaced on a log scale.
    Log { lo: f64, hi: f64, n: usize },
    /// Any value from `lo` to `hi` (log-uniform if `log`).
    Interval { lo: f64, hi: f64, log: bool },
}

impl Spec {
    /// Parses the text form (`1,2,4`, `1..24:1`, `0.5..64:log8`, `0..1`).
    pub fn parse(text: &str) -> Result<Spec, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("empty spec: expected values (1,2,4), a range (1..24:1) or a log range (0.5..64:log8)".into());
        }
        // A range has ".." between two numbers; a list item never does.
        if let Some((lo, rest)) = text.split_once("..") {
            if !text.contains(',') {
                return parse_range(lo.trim(), rest.trim());
            }
        }
        let items: Vec<&str> = text.split(',').map(str::trim).collect();
        if let Some(i) = items.iter().position(|s| s.is_empty()) {
            return Err(format!(
                "value {} of the list is empty: expected values separated by commas, e.g. 1,2,4",
                i + 1
            ));
        }
        let values = items
            .iter()
            .map(|item| value_from_text(item))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Spec::List(values))
    }

    /// Reads a spec written in a scenario file: a string in the text form,
    /// an array of values, or a single value.
    pub fn from_toml(value: &toml::Value) -> Result<Spec, String> {
        match value {
            toml::Value::String(s) => Spec::parse(s),
            toml::Value::Array(items) if items.is_empty() => {
                Err("empty list: expected at least one value".into())
            }
            toml::Value::Array(items) => {
                if let Some(bad) = items.iter().find(|v| v.is_array()) {
                    return Err(format!("expected single values in the list, found {bad}"));
                }
                Ok(Spec::List(items.clone()))
            }
            toml::Value::Table(_) | toml::Value::Datetime(_) => Err(format!(
                "expected values as a list ([1, 2, 4]) or a string (\"1..24:1\"), found {value}"
            )),
            other => Ok(Spec::List(vec![other.clone()])),
        }
    }

    /// Whether the spec is a set of values (usable by every design).
    pub fn is_set(&self) -> bool {
        !matches!(self, Spec::Interval { .. })
    }

    /// Checks the spec against the kind of its key: numbers for numeric
    /// keys, whole numbers for integer keys, listed values for categorical
    /// ones.
    pub fn check(&self, kind: KeyKind) -> Result<(), String> {
        match self {
            Spec::List(values) => values.iter().try_for_each(|v| check_value(v, kind)),
            _ if !kind.numeric() => Err(
                "a range needs a numeric key; list the values of a categorical key instead, e.g. open,closed"
                    .into(),
            ),
            Spec::Step { lo, hi, step } if kind == KeyKind::Integer => {
                if [lo, hi, step].iter().any(|x| x.fract() != 0.0) {
                    Err("this key takes whole numbers: give a range with whole ends and step, e.g. 1..24:1".into())
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    /// The values of a set, in order (an interval has none).
    pub fn values(&self, kind: KeyKind) -> Vec<toml::Value> {
        match self {
            Spec::List(values) => values.iter().map(|v| normalise(v, kind)).collect(),
            Spec::Step { lo, hi, step } => {
                let n = step_count(*lo, *hi, *step);
                (0..n)
                    .map(|k| typed(round_to(lo + k as f64 * step, SIGNIFICANT), kind))
                    .collect()
            }
            Spec::Log { lo, hi, n } => (0..*n)
                .map(|k| {
                    let x = if k + 1 == *n {
                        *hi
                    } else {
                        lo * (hi / lo).powf(k as f64 / (*n - 1) as f64)
                    };
                    typed(round_to(x, SIGNIFICANT), kind)
                })
                .collect(),
            Spec::Interval { .. } => Vec::new(),
        }
    }

    /// The value at quantile `u` ∈ [0, 1): the ⌊u·n⌋-th of a set, or the
    /// point a share `u` of the way along an interval (whole numbers for an
    /// integer key: the interval's integers are equally likely).
    pub fn at(&self, u: f64, kind: KeyKind) -> toml::Value {
        let u = u.clamp(0.0, 1.0 - f64::EPSILON);
        match self {
            Spec::Interval { lo, hi, log } => {
                if kind == KeyKind::Integer {
                    let (a, b) = (lo.ceil(), hi.floor());
                    let x = if *log && a > 0.0 {
                        // Log-uniform over [a, b + 1), floored.
                        (a * ((b + 1.0) / a).powf(u)).floor().min(b)
                    } else {
                        (a + (u * (b - a + 1.0)).floor()).min(b)
                    };
                    typed(x, kind)
                } else {
                    let x = if *log {
                        lo * (hi / lo).powf(u)
                    } else {
                        lo + u * (hi - lo)
                    };
                    typed(round_to(x, DRAWN_SIGNIFICANT), kind)
                }
            }
            set => {
                let values = set.values(kind);
                let i = ((u * values.len() as f64).floor() as usize).min(values.len() - 1);
                values[i].clone()
            }
        }
    }

    /// Where `value` lies in the order [`Spec::at`] walks: its position in
    /// a set, or the number itself in an interval. Comparing two ranks says
    /// which way a design moved a key, whatever the order of a listed set.
    pub fn rank(&self, value: &toml::Value, kind: KeyKind) -> Option<f64> {
        match self {
            Spec::Interval { .. } => number(value),
            set => set
                .values(kind)
                .iter()
                .position(|v| crate::sweep::design::same(v, value))
                .map(|i| i as f64),
        }
    }

    /// Number of values of a set (0 for an interval).
    pub fn len(&self) -> usize {
        match self {
            Spec::List(v) => v.len(),
            Spec::Step { lo, hi, step } => step_count(*lo, *hi, *step),
            Spec::Log { n, .. } => *n,
            Spec::Interval { .. } => 0,
        }
    }

    /// Whether the spec has no values (never true for a parsed spec).
    pub fn is_empty(&self) -> bool {
        self.is_set() && self.len() == 0
    }

    /// The spec as TOML for the resolved scenario: the text form, or the
    /// list as an array.
    pub fn to_toml(&self) -> toml::Value {
        match self {
            Spec::List(values) => toml::Value::Array(values.clone()),
            other => toml::Value::String(other.to_string()),
        }
    }
}

impl fmt::Display for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Spec::List(values) => {
                let items: Vec<String> = values.iter().map(plain).collect();
                write!(f, "{}", items.join(","))
            }
            Spec::Step { lo, hi, step } => write!(f, "{lo}..{hi}:{step}"),
            Spec::Log { lo, hi, n } => write!(f, "{lo}..{hi}:log{n}"),
            Spec::Interval { lo, hi, log: false } => write!(f, "{lo}..{hi}"),
            Spec::Interval { lo, hi, log: true } => write!(f, "{lo}..{hi}:log"),
        }
    }
}

/// Checks one value against the kind of its key: a number for a numeric
/// key, a whole number for an integer one, a word or a boolean for the
/// others.
pub fn check_value(v: &toml::Value, kind: KeyKind) -> Result<(), String> {
    let ok = match kind {
        KeyKind::Integer | KeyKind::Number => number(v).is_some() || v.is_table(),
        KeyKind::Text => v.is_str(),
        KeyKind::Boolean => v.is_bool(),
    };
    if !ok {
        return Err(format!("{v} is not {}, as this key needs", kind.expected()));
    }
    match number(v) {
        Some(x) if kind == KeyKind::Integer && x.fract() != 0.0 => {
            Err(format!("{v} is not a whole number, as this key needs"))
        }
        _ => Ok(()),
    }
}

/// One value as typed in a list or a cell: read by the scenario's own
/// value parser, so `2`, `0.5`, `true` and bare words mean what they mean
/// after `--set`.
pub fn value_from_text(item: &str) -> Result<toml::Value, String> {
    scalar(&tree::parse_set_value(item, item).value, item)
}

/// A value as a person writes it in a spec or reads it in a table: strings
/// without quotes.
pub fn plain(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value as a number, if it is one.
pub fn number(value: &toml::Value) -> Option<f64> {
    match value {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(x) => Some(*x),
        _ => None,
    }
}

fn parse_range(lo: &str, rest: &str) -> Result<Spec, String> {
    let (hi, step) = match rest.split_once(':') {
        Some((hi, step)) => (hi.trim(), Some(step.trim())),
        None => (rest, None),
    };
    let lo_x = finite(lo, "start")?;
    let hi_x = finite(hi, "end")?;
    if hi_x < lo_x {
        return Err(format!(
            "empty range {lo}..{hi}: the end is below the start"
        ));
    }
    let Some(step) = step else {
        return Ok(Spec::Interval {
            lo: lo_x,
            hi: hi_x,
            log: false,
        });
    };
    if let Some(count) = step.strip_prefix("log") {
        if lo_x <= 0.0 {
            return Err(format!(
                "log range {lo}..{hi}: a log scale needs a start above 0"
            ));
        }
        if count.is_empty() {
            return Ok(Spec::Interval {
                lo: lo_x,
                hi: hi_x,
                log: true,
            });
        }
        let n: usize = count.parse().map_err(|_| {
            format!("log range: expected a count of values after \"log\", e.g. {lo}..{hi}:log8, found \"{step}\"")
        })?;
        if n < 2 {
            return Err(format!(
                "log range {lo}..{hi}:log{n}: expected at least 2 values"
            ));
        }
        if n > MAX_VALUES {
            return Err(format!(
                "log range: {n} values is more than the {MAX_VALUES} a spec may have"
            ));
        }
        if hi_x == lo_x {
            return Err(format!(
                "empty log range {lo}..{hi}: the start equals the end"
            ));
        }
        return Ok(Spec::Log {
            lo: lo_x,
            hi: hi_x,
            n,
        });
    }
    let step_x: f64 = step.parse().map_err(|_| {
        format!("range {lo}..{hi}: expected a step after ':' (a number, or log and a count, e.g. :log8), found \"{step}\"")
    })?;
    if !step_x.is_finite() || step_x <= 0.0 {
        return Err(format!("range {lo}..{hi}:{step}: the step must be above 0"));
    }
    let n = step_count(lo_x, hi_x, step_x);
    if n > MAX_VALUES {
        return Err(format!(
            "range {lo}..{hi}:{step} has {n} values, more than the {MAX_VALUES} a spec may have"
        ));
    }
    Ok(Spec::Step {
        lo: lo_x,
        hi: hi_x,
        step: step_x,
    })
}

fn finite(text: &str, what: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(format!(
            "expected a number as the {what} of the range, found \"{text}\""
        )),
    }
}

/// Values in `lo..=hi` by `step`, allowing for rounding at the end (so
/// `0..1:0.1` has 11 values).
fn step_count(lo: f64, hi: f64, step: f64) -> usize {
    let n = ((hi - lo) / step * (1.0 + 1e-12) + 1e-9).floor();
    if n.is_finite() && n >= 0.0 {
        (n as usize).saturating_add(1)
    } else {
        usize::MAX
    }
}

/// `x` rounded to `digits` significant digits.
fn round_to(x: f64, digits: usize) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    format!("{x:.*e}", digits - 1).parse().unwrap_or(x)
}

/// A generated number as the key's kind of value.
fn typed(x: f64, kind: KeyKind) -> toml::Value {
    if kind == KeyKind::Integer && x.fract() == 0.0 && x.abs() < 9.0e15 {
        toml::Value::Integer(x as i64)
    } else {
        toml::Value::Float(x)
    }
}

/// A listed value as the key's kind: `2.0` becomes `2` for an integer key.
pub fn normalise(value: &toml::Value, kind: KeyKind) -> toml::Value {
    match value {
        toml::Value::Float(x) if kind == KeyKind::Integer => typed(*x, kind),
        other => other.clone(),
    }
}

/// A list item read by the scenario's own value parser (so `2`, `0.5`,
/// `true`, `"x"` and bare words mean what they mean after `--set`).
fn scalar(value: &TreeValue, item: &str) -> Result<toml::Value, String> {
    Ok(match value {
        TreeValue::String(s) => toml::Value::String(s.clone()),
        // Beyond TOML's integers (no key takes one): a float, which the
        // key's check then refuses with its range.
        TreeValue::Integer(i) => {
            i64::try_from(*i).map_or(toml::Value::Float(*i as f64), toml::Value::Integer)
        }
        TreeValue::Float(x) if x.is_finite() => toml::Value::Float(*x),
        TreeValue::Boolean(b) => toml::Value::Boolean(*b),
        _ => {
            return Err(format!(
                "list value \"{item}\" is not a single number, word or boolean"
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(values: &[toml::Value]) -> Vec<i64> {
        values.iter().map(|v| v.as_integer().unwrap()).collect()
    }

    fn floats(values: &[toml::Value]) -> Vec<f64> {
        values.iter().map(|v| number(v).unwrap()).collect()
    }

    #[test]
    fn lists_keep_their_order_and_types() {
        let s = Spec::parse("1, 2,4,8").unwrap();
        assert_eq!(ints(&s.values(KeyKind::Integer)), [1, 2, 4, 8]);
        let s = Spec::parse("open,closed").unwrap();
        assert_eq!(
            s.values(KeyKind::Text),
            [
                toml::Value::String("open".into()),
                toml::Value::String("closed".into())
            ]
        );
        assert_eq!(Spec::parse("0.5").unwrap().len(), 1);
        assert_eq!(
            Spec::parse("true,false").unwrap().check(KeyKind::Boolean),
            Ok(())
        );
    }

    #[test]
    fn stepped_ranges_include_both_ends_without_rounding_noise() {
        let s = Spec::parse("1..24:1").unwrap();
        let v = ints(&s.values(KeyKind::Integer));
        assert_eq!(v.len(), 24);
        assert_eq!((v[0], v[23]), (1, 24));
        let s = Spec::parse("0..1:0.1").unwrap();
        let v = floats(&s.values(KeyKind::Number));
        assert_eq!(v.len(), 11);
        assert_eq!(v[3], 0.3);
        assert_eq!(v[10], 1.0);
        // The end need not be on the grid.
        assert_eq!(Spec::parse("0..10:3").unwrap().len(), 4);
    }

    #[test]
    fn log_ranges_are_geometric_and_exact_at_the_ends() {
        let s = Spec::parse("0.5..64:log8").unwrap();
        let v = floats(&s.values(KeyKind::Number));
        assert_eq!(v, [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0]);
        let s = Spec::parse("1..1000:log4").unwrap();
        assert_eq!(ints(&s.values(KeyKind::Integer)), [1, 10, 100, 1000]);
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        let err = |t: &str| Spec::parse(t).unwrap_err();
        assert!(err("5..1:1").contains("empty range"));
        assert!(err("1..5:0").contains("step must be above 0"));
        assert!(err("1..5:-1").contains("step must be above 0"));
        assert!(err("0..8:log4").contains("above 0"));
        assert!(err("1..8:log1").contains("at least 2"));
        assert!(err("1..8:logx").contains("count"));
        assert!(err("a..b:1").contains("\"a\""));
        assert!(err("1,,2").contains("empty"));
        assert!(err("").contains("empty spec"));
        assert!(err("0..1:0.000001").contains("more than"));
    }

    #[test]
    fn specs_are_checked_against_the_kind_of_key() {
        let p = |t: &str| Spec::parse(t).unwrap();
        assert!(p("fast,slow")
            .check(KeyKind::Number)
            .unwrap_err()
            .contains("not a number"));
        assert!(p("1.5,2")
            .check(KeyKind::Integer)
            .unwrap_err()
            .contains("whole"));
        assert!(p("1..3:0.5").check(KeyKind::Integer).is_err());
        assert!(p("1..3:1")
            .check(KeyKind::Text)
            .unwrap_err()
            .contains("categorical"));
        assert!(p("1,2").check(KeyKind::Text).is_err());
        assert_eq!(p("2.0,3").check(KeyKind::Integer), Ok(()));
        assert_eq!(ints(&p("2.0,3").values(KeyKind::Integer)), [2, 3]);
    }

    #[test]
    fn quantiles_map_onto_sets_and_intervals() {
        let set = Spec::parse("10,20,30,40").unwrap();
        assert_eq!(set.at(0.0, KeyKind::Integer).as_integer(), Some(10));
        assert_eq!(set.at(0.49, KeyKind::Integer).as_integer(), Some(20));
        assert_eq!(set.at(0.99, KeyKind::Integer).as_integer(), Some(40));
        let i = Spec::parse("2..4").unwrap();
        assert_eq!(number(&i.at(0.5, KeyKind::Number)), Some(3.0));
        let l = Spec::parse("1..100:log").unwrap();
        assert_eq!(number(&l.at(0.5, KeyKind::Number)), Some(10.0));
        // Whole numbers 1..=3 equally likely for an integer key.
        let w = Spec::parse("1..3").unwrap();
        let got: Vec<i64> = [0.0, 0.34, 0.67, 0.999]
            .iter()
            .map(|&u| w.at(u, KeyKind::Integer).as_integer().unwrap())
            .collect();
        assert_eq!(got, [1, 2, 3, 3]);
    }

    #[test]
    fn specs_read_from_files_and_print_back() {
        let v: toml::Value = toml::Value::Array(vec![1.into(), 2.into()]);
        assert_eq!(Spec::from_toml(&v).unwrap().len(), 2);
        let s = toml::Value::String("0.5..64:log8".into());
        assert_eq!(Spec::from_toml(&s).unwrap().to_string(), "0.5..64:log8");
        assert_eq!(Spec::parse("1..24:1").unwrap().to_string(), "1..24:1");
        assert!(Spec::from_toml(&toml::Value::Array(vec![])).is_err());
    }
}
