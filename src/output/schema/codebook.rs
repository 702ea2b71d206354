//! The codebook: every column of every file, printed from the schema as
//! Markdown (`netgrow columns`, committed as `docs/outputs.md`) or as JSON
//! (`netgrow columns --json`).

use std::fmt::Write as _;

use anyhow::{Context, Result};
use serde::Serialize;

use super::{files, statistics, Column, Command, File, Kind, Part, Per, Place, STATISTICS};

/// The codebook as `--json` prints it.
#[derive(Serialize)]
struct Codebook {
    /// The fields of every object of statistics across replicates.
    statistics: Vec<Column>,
    files: Vec<File>,
}

/// The codebook as JSON, for programs.
pub fn json() -> Result<String> {
    let book = Codebook {
        statistics: statistics(),
        files: files(),
    };
    let text = serde_json::to_string_pretty(&book).context("cannot encode the codebook")?;
    Ok(text + "\n")
}

/// The codebook as Markdown, for people.
pub fn markdown() -> String {
    let mut t = String::new();
    t.push_str(INTRO);
    legend(&mut t);
    for command in [
        Command::Run,
        Command::Sweep,
        Command::Compare,
        Command::Calibrate,
    ] {
        let _ = match command {
            Command::Run => writeln!(t, "\n## The files of `netgrow run`"),
            Command::Sweep => writeln!(t, "\n## The files of `netgrow sweep`"),
            Command::Compare => writeln!(t, "\n## The files of `netgrow compare`"),
            Command::Calibrate => writeln!(
                t,
                "\n## The files of `netgrow calibrate`\n\nA calibration directory is a sweep directory of the candidates (its files above), with these besides."
            ),
        };
        for file in files().iter().filter(|f| f.written_by == command) {
            write_file(&mut t, file);
        }
    }
    t
}

const INTRO: &str = "# Output files: the codebook

Every column of every file `netgrow run`, `sweep`, `compare` and
`calibrate` write: its
unit, its kind (a flow, a stock, a count, …), whom it is per (a member or
a whole), and what it means. This page is printed by `netgrow columns`
(`netgrow columns --json` prints the same for programs) from the schema
the writers build their files from, so it lists exactly what they write.

CSV files have one header line and use `.` for decimals; an empty cell is
a number that could not be formed (a mean over nothing). JSON files write
such numbers as `null`. Money is in the scenario's `economy.currency`.
";

fn legend(t: &mut String) {
    let _ = writeln!(t, "\n**Kind** of a column:\n");
    for kind in Kind::ALL {
        let _ = writeln!(t, "- *{}*: {}", kind.word(), kind.about());
    }
    let _ = writeln!(t, "\n**Per**, whom a quantity is counted for:\n");
    for per in Per::ALL {
        let _ = writeln!(t, "- *{}*: {}", per.word(), per.about());
    }
    let _ = writeln!(
        t,
        "\n**Statistics across replicates.** Each replicate is an independent world; a figure is first formed within each replicate, then summarised across them in these columns (in JSON, an object with these fields):\n"
    );
    table(t, "column", &statistics());
    let _ = writeln!(
        t,
        "\nThe intervals reflect the variation between worlds; with one replicate there is none, and `{}` = `{}` = `{}`.",
        STATISTICS[2], STATISTICS[3], STATISTICS[0]
    );
}

fn write_file(t: &mut String, file: &File) {
    let _ = writeln!(t, "\n### `{}`\n\n{}", file.file, file.about);
    for part in &file.parts {
        write_part(t, file, part);
    }
}

fn write_part(t: &mut String, file: &File, part: &Part) {
    let heading = match part.place {
        Place::Columns => "Columns, in order".to_string(),
        Place::ValuesOf(column) => format!("Values of `{column}`"),
        Place::Fields("") => "Fields of the top-level object".to_string(),
        Place::Fields(path) => format!("Fields of `{path}`"),
    };
    let _ = writeln!(t, "\n{heading}.");
    if !part.about.is_empty() {
        let _ = writeln!(t, "{}", part.about);
    }
    if let Some(other) = part.same_as {
        let _ = writeln!(t, "The same as in `{other}`.");
        return;
    }
    let _ = writeln!(t);
    let what = match (part.place, file.file.ends_with(".json")) {
        (Place::ValuesOf(_), _) => "value",
        (_, true) => "field",
        (_, false) => "column",
    };
    table(t, what, &part.columns);
}

fn table(t: &mut String, what: &str, columns: &[Column]) {
    let _ = writeln!(t, "| {what} | unit | kind | per | definition |");
    let _ = writeln!(t, "|---|---|---|---|---|");
    for c in columns {
        let _ = writeln!(
            t,
            "| `{}` | {} | {}{} | {} | {} |",
            c.name.text(),
            c.unit.word(),
            c.kind.word(),
            if c.statistics { " (statistics)" } else { "" },
            c.per.map_or("", Per::word),
            c.about.replace('|', "\\|"),
        );
    }
}
