//! A TOML document as a tree of values that remember where they came from.
//!
//! The scenario loader reads this tree rather than the raw TOML so that every
//! value — whether typed in the file, given with `--set KEY=VALUE`, or applied
//! by a `[[variants]]` override — carries an [`Origin`] that an error message
//! can point at (file, line and column, or the command-line argument).

use std::fmt;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Where a value was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// In the scenario file at this 1-based line and column.
    File { line: usize, column: usize },
    /// On the command line, as `--set ARG`.
    Set(String),
    /// Not written anywhere: a default, or a section the file left out.
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File { line, column } => write!(f, "line {line}, column {column}"),
            Origin::Set(arg) => write!(f, "--set {}", super::read::shown(arg)),
            Origin::Default => write!(f, "default"),
        }
    }
}

/// A TOML value with its origin.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub origin: Origin,
}

/// The TOML data model, owned.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    String(String),
    /// Wider than TOML's 64-bit integers, so a whole number up to
    /// `u64::MAX` (a seed) is read exactly and larger ones are still
    /// reported as written.
    Integer(i128),
    Float(f64),
    Boolean(bool),
    /// Dates have no meaning in a scenario; kept only to report them as wrong.
    Datetime(String),
    Array(Vec<Node>),
    /// Keys in file order, each with the origin of the key itself.
    Table(Vec<(String, Origin, Node)>),
}

impl Value {
    /// A short name of the value's type for "expected …, found …" messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime(_) => "a date",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }
}

impl fmt::Display for Value {
    /// The value as it would be written in TOML (tables and arrays shortened).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(s) => write!(f, "{s:?}"),
            Value::Integer(i) => write!(f, "{i}"),
            // As TOML would have it: `2.0`, `1e17`, never a bare `2` that
            // reads as an integer.
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Boolean(b) => write!(f, "{b}"),
            Value::Datetime(d) => write!(f, "{d}"),
            Value::Array(items) => {
                write!(f, "[")?;
                for (i, item) in items.iter().take(4).enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{}", item.value)?;
                }
                if items.len() > 4 {
                    write!(f, ", …")?;
                }
                write!(f, "]")
            }
            Value::Table(entries) => {
                write!(f, "{{ ")?;
                for (i, (key, _, node)) in entries.iter().take(4).enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{key} = {}", node.value)?;
                }
                if entries.len() > 4 {
                    write!(f, ", …")?;
                }
                write!(f, " }}")
            }
        }
    }
}

/// A syntax error found while parsing, with its position.
#[derive(Clone, Debug)]
pub struct SyntaxError {
    pub origin: Origin,
    pub message: String,
}

/// Bytes between the checkpoints of [`Lines`]: each position's character
/// count is found by counting at most this many bytes.
const CHECKPOINT: usize = 256;

/// Maps byte offsets of a source text to 1-based line and column numbers,
/// each in time independent of the length of its line (a scenario may put
/// thousands of values on one line, and every value's origin is computed).
struct Lines<'a> {
    source: &'a [u8],
    starts: Vec<usize>,
    /// Characters before byte `k × CHECKPOINT`, for every k.
    chars_at: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(source: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        let bytes = source.as_bytes();
        let mut chars_at = Vec::with_capacity(bytes.len() / CHECKPOINT + 1);
        let mut chars = 0;
        for block in bytes.chunks(CHECKPOINT) {
            chars_at.push(chars);
            chars += count_chars(block);
        }
        chars_at.push(chars);
        Lines {
            source: bytes,
            starts,
            chars_at,
        }
    }

    /// Characters before byte `offset`.
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / CHECKPOINT;
        self.chars_at[block] + count_chars(&self.source[block * CHECKPOINT..offset])
    }

    fn origin(&self, offset: usize) -> Origin {
        let offset = offset.min(self.source.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        // Columns count characters, as an editor shows them.
        let column = self.chars_before(offset) - self.chars_before(start) + 1;
        Origin::File { line, column }
    }
}

/// Characters that start in `bytes`: every byte but UTF-8's continuation
/// bytes (`10xxxxxx`).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// Parses TOML text into a tree, collecting every syntax error instead of
/// stopping at the first.
pub fn parse(source: &str) -> (Node, Vec<SyntaxError>) {
    let lines = Lines::new(source);
    let (table, errors) = DeTable::parse_recoverable(source);
    let errors = errors
        .into_iter()
        .map(|e| SyntaxError {
            origin: e.span().map_or(Origin::File { line: 1, column: 1 }, |s| {
                lines.origin(s.start)
            }),
            message: e.message().trim().to_string(),
        })
        .collect();
    let root = Node {
        value: convert_table(table.get_ref(), &lines),
        origin: Origin::File { line: 1, column: 1 },
    };
    (root, errors)
}

/// Parses one value given on the command line (`--set key=VALUE`). Anything
/// that is not valid TOML is taken as a bare string, so `--set
/// population.network=communities` needs no quotes.
pub fn parse_set_value(text: &str, arg: &str) -> Node {
    let value = match DeValue::parse(text) {
        Ok(v) => {
            let lines = Lines::new(text);
            convert(v.get_ref(), &lines)
        }
        Err(_) => Value::String(text.to_string()),
    };
    with_origin(value, &Origin::Set(arg.to_string()))
}

fn with_origin(value: Value, origin: &Origin) -> Node {
    let value = match value {
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|n| with_origin(n.value, origin))
                .collect(),
        ),
        Value::Table(entries) => Value::Table(
            entries
                .into_iter()
                .map(|(k, _, n)| (k, origin.clone(), with_origin(n.value, origin)))
                .collect(),
        ),
        other => other,
    };
    Node {
        value,
        origin: origin.clone(),
    }
}

fn convert_table(table: &DeTable<'_>, lines: &Lines<'_>) -> Value {
    Value::Table(
        table
            .iter()
            .map(|(key, value)| {
                (
                    key.get_ref().to_string(),
                    lines.origin(key.span().start),
                    convert_spanned(value, lines),
                )
            })
            .collect(),
    )
}

fn convert_spanned(value: &Spanned<DeValue<'_>>, lines: &Lines<'_>) -> Node {
    Node {
        value: convert(value.get_ref(), lines),
        origin: lines.origin(value.span().start),
    }
}

fn convert(value: &DeValue<'_>, lines: &Lines<'_>) -> Value {
    match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            let (sign, body) = match digits.strip_prefix('-') {
                Some(rest) => (-1i128, rest.to_string()),
                None => (1, digits.trim_start_matches('+').to_string()),
            };
            let body = body
                .trim_start_matches("0x")
                .trim_start_matches("0o")
                .trim_start_matches("0b");
            match i128::from_str_radix(body, i.radix()) {
                Ok(v) => Value::Integer(sign * v),
                // Out of range even so: keep it as a float so range checks
                // report it.
                Err(_) => Value::Float(digits.parse().unwrap_or(f64::INFINITY)),
            }
        }
        DeValue::Float(x) => {
            let text = x.as_str().replace('_', "");
            let v = match text.trim_start_matches('+') {
                "inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                "nan" | "-nan" => f64::NAN,
                t => t.parse().unwrap_or(f64::NAN),
            };
            Value::Float(v)
        }
        DeValue::Boolean(b) => Value::Boolean(*b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(items) => {
            Value::Array(items.iter().map(|v| convert_spanned(v, lines)).collect())
        }
        DeValue::Table(t) => convert_table(t, lines),
    }
}

impl Node {
    /// An empty table with no origin, standing for a section the file left out.
    pub fn empty_table() -> Node {
        Node {
            value: Value::Table(Vec::new()),
            origin: Origin::Default,
        }
    }

    /// Sets `path` (dotted, e.g. `population.size`) to `value`, creating
    /// intermediate tables. Fails with a message if an intermediate key holds
    /// something other than a table.
    pub fn set_path(&mut self, path: &[&str], value: Node) -> Result<(), String> {
        let Some((first, rest)) = path.split_first() else {
            *self = value;
            return Ok(());
        };
        let Value::Table(entries) = &mut self.value else {
            return Err(format!("is {}, not a table", self.value.type_name()));
        };
        if let Some((_, _, child)) = entries.iter_mut().find(|(k, _, _)| k == first) {
            if rest.is_empty() {
                *child = value;
                return Ok(());
            }
            return child.set_path(rest, value);
        }
        let mut child = if rest.is_empty() {
            value.clone()
        } else {
            Node {
                value: Value::Table(Vec::new()),
                origin: value.origin.clone(),
            }
        };
        if !rest.is_empty() {
            child.set_path(rest, value)?;
        }
        entries.push((first.to_string(), child.origin.clone(), child));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_lines_and_columns() {
        let (root, errors) = parse("[population]\nsize = 12\n  rewire = 0.5\n");
        assert!(errors.is_empty());
        let Value::Table(sections) = &root.value else {
            panic!("root is a table")
        };
        let Value::Table(keys) = &sections[0].2.value else {
            panic!("section is a table")
        };
        assert_eq!(keys[0].1, Origin::File { line: 2, column: 1 });
        assert_eq!(
            keys[1].2.origin,
            Origin::File {
                line: 3,
                column: 12
            }
        );
        assert_eq!(keys[0].2.value, Value::Integer(12));
    }

    #[test]
    fn columns_count_characters_across_checkpoints_and_lines() {
        // Two-, three- and four-byte characters straddle the checkpoints;
        // every position is checked against counting from its line start.
        let text = format!(
            "x = 1\n{}\n{}\n\n{}",
            "é£😀a".repeat(300),
            "b".repeat(700),
            "😀".repeat(100)
        );
        let lines = Lines::new(&text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let before = &text[..offset];
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            let expected = Origin::File {
                line: before.matches('\n').count() + 1,
                column: text[start..offset].chars().count() + 1,
            };
            assert_eq!(lines.origin(offset), expected, "offset {offset}");
        }
    }

    #[test]
    fn every_syntax_error_is_reported_with_a_position() {
        let (_, errors) = parse("a = \nb = [1,\nc = 3\n");
        assert!(!errors.is_empty());
        assert!(errors
            .iter()
            .all(|e| matches!(e.origin, Origin::File { .. })));
    }

    #[test]
    fn set_values_parse_as_toml_or_fall_back_to_strings() {
        assert_eq!(parse_set_value("5", "a=5").value, Value::Integer(5));
        assert_eq!(parse_set_value("0.5", "a=0.5").value, Value::Float(0.5));
        assert_eq!(
            parse_set_value("communities", "a=communities").value,
            Value::String("communities".into())
        );
    }

    #[test]
    fn set_path_creates_and_replaces() {
        let (mut root, _) = parse("[groups]\ncount = 3\n");
        let v = parse_set_value("7", "groups.count=7");
        root.set_path(&["groups", "count"], v).unwrap();
        let v = parse_set_value("2", "economy.max_hops=2");
        root.set_path(&["economy", "max_hops"], v).unwrap();
        let Value::Table(sections) = &root.value else {
            panic!()
        };
        assert_eq!(sections.len(), 2);
        let bad = parse_set_value("1", "groups.count.x=1");
        assert!(root.set_path(&["groups", "count", "x"], bad).is_err());
    }
}
