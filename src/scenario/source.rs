//! The scenario file itself: reading its text (or standard input) within a
//! size limit, the names it goes by, and why loading it failed.

use std::fmt;
use std::path::{Path, PathBuf};

use super::Diagnostic;

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    // The cause is part of the message and not a `source`, so a report of
    // the error chain says it once.
    #[error("cannot read scenario file {}: {cause}", display_path(path))]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{}", Problems(file, diagnostics))]
    Invalid {
        file: String,
        diagnostics: Vec<Diagnostic>,
    },
}

struct Problems<'a>(&'a str, &'a [Diagnostic]);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.1.len();
        let s = if n == 1 { "" } else { "s" };
        write!(f, "scenario {} has {n} problem{s}:", self.0)?;
        for d in self.1 {
            write!(f, "\n  - {d}")?;
        }
        Ok(())
    }
}

/// The most bytes of a scenario file read: a scenario is a few kilobytes,
/// and a path to something endless (`/dev/zero`) must not fill memory.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// The most characters of `simulation.name`.
pub const MAX_NAME_CHARS: usize = 100;

/// The text of a scenario file, with the names it goes by.
#[derive(Clone, Debug)]
pub struct Source {
    /// The scenario's TOML.
    pub text: String,
    /// Names the file in messages.
    pub file: String,
    /// The default `simulation.name`: the file's name without extension,
    /// with any character a name may not hold replaced by `-`.
    pub stem: String,
}

impl Source {
    /// Reads the scenario at `path`, or standard input for `-`, refusing
    /// more than [`MAX_FILE_BYTES`].
    pub fn read(path: &Path) -> Result<Source, ScenarioError> {
        use std::io::Read;
        let io = |cause: std::io::Error| ScenarioError::Io {
            path: path.to_path_buf(),
            cause,
        };
        let stdin = is_stdin(path);
        let reader: Box<dyn Read> = if stdin {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(std::fs::File::open(path).map_err(io)?)
        };
        let mut bytes = Vec::new();
        reader
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(io(std::io::Error::other(format!(
                "larger than {} MiB; a scenario is a few kilobytes of TOML",
                MAX_FILE_BYTES >> 20
            ))));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            io(std::io::Error::other(format!(
                "not UTF-8 text (byte {} is not part of a character); a scenario is TOML",
                e.utf8_error().valid_up_to()
            )))
        })?;
        let stem = match path.file_stem() {
            Some(s) if !stdin => name_from(&s.to_string_lossy()),
            _ => "scenario".to_string(),
        };
        Ok(Source {
            text,
            file: display_path(path),
            stem,
        })
    }
}

/// Whether `path` stands for standard input.
fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// A scenario path as messages show it.
pub fn display_path(path: &Path) -> String {
    if is_stdin(path) {
        "(standard input)".to_string()
    } else {
        path.display().to_string()
    }
}

/// Why `name` cannot be a `simulation.name`, if it cannot: it names a
/// directory, a report and a cluster job, so it is kept to characters that
/// are safe in all three.
pub fn name_problem(name: &str) -> Option<String> {
    let allowed = "expected letters, digits, '-', '_' and '.' (it names the output directory and cluster jobs)";
    if name.is_empty() {
        return Some(format!("empty; {allowed}"));
    }
    if name == "." || name == ".." {
        return Some(format!("{allowed}, not . or .. alone"));
    }
    if let Some(c) = name.chars().find(|c| !name_char(*c)) {
        return Some(format!("{allowed}; found {}", char_name(c)));
    }
    let n = name.chars().count();
    if n > MAX_NAME_CHARS {
        return Some(format!("{n} characters; expected at most {MAX_NAME_CHARS}"));
    }
    None
}

fn name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// A character as a message shows it: printable ones quoted, others by
/// code point (a control character would break the message itself).
pub(super) fn char_name(c: char) -> String {
    if c.is_control() || c.is_whitespace() || (!c.is_ascii() && !c.is_alphanumeric()) {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("'{c}'")
    }
}

/// A valid name made from a file's name: other characters become `-`.
pub(super) fn name_from(stem: &str) -> String {
    let name: String = stem
        .chars()
        .map(|c| if name_char(c) { c } else { '-' })
        .take(MAX_NAME_CHARS)
        .collect();
    if name_problem(&name).is_some() {
        "scenario".to_string()
    } else {
        name
    }
}
