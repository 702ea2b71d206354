//! `netgrow sweep --emit-slurm N`: a script that runs a sweep on a Slurm
//! cluster as a job array of N shards, each resuming where it stopped, and
//! then merges them.
//!
//! The script is read by two programs, bash and sbatch (its `#SBATCH`
//! lines), each with its own quoting rules; every value from outside the
//! program — paths, the command line, the scenario's name — is quoted for
//! the one that reads it, and one holding a control character (a line
//! break would end a comment and start a command) is refused.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::plan::Plan;
use crate::error::BadInput;

/// A shell word that stays one word: `'…'`, quotes escaped. Nothing in it
/// is expanded, whatever it holds.
fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// An option value on an `#SBATCH` line, which sbatch reads itself rather
/// than through a shell: in double quotes, with `\` and `"` escaped, so
/// spaces and `#` stay part of the value. sbatch blanks out the words
/// "packjob" and "hetjob" anywhere on such a line, so a value holding one
/// cannot be written there.
fn sbatch_quote(value: &str) -> Result<String, String> {
    let lower = value.to_lowercase();
    if let Some(word) = ["packjob", "hetjob"].iter().find(|w| lower.contains(*w)) {
        return Err(format!(
            "{value} holds \"{word}\", which sbatch removes from #SBATCH lines"
        ));
    }
    Ok(format!(
        "\"{}\"",
        value.replace('\\', r"\\").replace('"', "\\\"")
    ))
}

/// Everything a script is written from.
#[derive(Clone, Debug)]
struct Job {
    /// `simulation.name` (checked by the scenario loader to be letters,
    /// digits, `-`, `_` and `.`).
    name: String,
    shards: usize,
    points: usize,
    replicates: u32,
    years: u32,
    /// `--threads`, or `None` to take the task's `SLURM_CPUS_PER_TASK`.
    threads: Option<u32>,
    out: String,
    cwd: String,
    exe: String,
    /// The sweep's command line without `--emit-slurm` and `--out`, one
    /// argument each.
    args: Vec<String>,
    no_charts: bool,
}

/// A path as the script writes it: UTF-8 and free of control characters
/// (a line break would end a comment or an `#SBATCH` line and start a
/// command).
fn script_path(what: &str, path: &Path) -> Result<String> {
    let text = path.to_str().ok_or_else(|| {
        BadInput(format!(
            "cannot write a Slurm script: the {what} {} is not UTF-8",
            path.display()
        ))
    })?;
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(BadInput(format!(
            "cannot write a Slurm script: the {what} {text:?} holds the control character U+{:04X}",
            u32::from(c)
        ))
        .into());
    }
    Ok(text.to_string())
}

/// What the command line asks of an `--emit-slurm` script.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The N of `--emit-slurm N`: how many shards, one array task each.
    pub shards: usize,
    /// The scenario file, which every shard reads again.
    pub file: &'a Path,
    /// `--out`, or `None` for `<output.dir>/<simulation.name>-sweep`.
    pub out: Option<&'a Path>,
    /// `--threads`, or `None` to take each task's `SLURM_CPUS_PER_TASK`.
    pub threads: Option<u32>,
    /// `--no-charts`, passed on to the merge.
    pub no_charts: bool,
}

/// The `--emit-slurm N` script: an sbatch array of N tasks, task K
/// running `--shard K/N` into its own directory with `--resume`, and (when
/// run with bash) a merge job that depends on the whole array.
pub fn script(plan: &Plan, request: &Request) -> Result<String> {
    let n = request.shards;
    let points = plan.points.len();
    if n > points {
        return Err(BadInput(format!(
            "--emit-slurm {n}: the sweep has only {points} point(s); give at most {points} shards"
        ))
        .into());
    }
    if request.file.as_os_str() == "-" {
        return Err(BadInput(
            "--emit-slurm: each shard reads the scenario file again on its machine; give a file, not - (standard input)".into(),
        )
        .into());
    }
    let s = &plan.base;
    let out = request.out.map_or_else(
        || PathBuf::from(&s.output.dir).join(format!("{}-sweep", s.simulation.name)),
        Path::to_path_buf,
    );
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .context("cannot find the netgrow executable")?;
    let words = shard_arguments()?;
    let job = Job {
        name: s.simulation.name.clone(),
        shards: n,
        points,
        replicates: plan.manifest.replicates,
        years: plan.manifest.years,
        threads: request.threads,
        out: script_path("output directory", &out)?,
        cwd: script_path("current directory", &cwd)?,
        exe: script_path("netgrow executable", &exe)?,
        args: words,
        no_charts: request.no_charts,
    };
    render(&job).map_err(|e| BadInput(format!("cannot write a Slurm script: {e}")).into())
}

/// This process's command line without `--emit-slurm` and `--out` (and
/// their values), one argument each: what every shard runs.
fn shard_arguments() -> Result<Vec<String>> {
    let mut words: Vec<String> = Vec::new();
    let mut argv = std::env::args_os().skip(1);
    while let Some(a) = argv.next() {
        let Some(a) = a.to_str() else {
            return Err(BadInput(format!(
                "cannot write a Slurm script: the argument {} is not UTF-8",
                a.to_string_lossy()
            ))
            .into());
        };
        match a {
            "--emit-slurm" | "--out" => {
                argv.next();
            }
            _ if a.starts_with("--emit-slurm=") || a.starts_with("--out=") => {}
            _ => words.push(a.to_string()),
        }
    }
    Ok(words)
}

/// Writes the script of `job`. Every value from outside the program is
/// quoted where the shell or sbatch reads it (shell words with
/// [`shell_quote`], `#SBATCH` values with [`sbatch_quote`]) and appears in
/// comments only without line breaks ([`script_path`]).
fn render(job: &Job) -> Result<String, String> {
    let Job {
        name,
        shards: n,
        points,
        replicates,
        years,
        out,
        cwd,
        exe,
        ..
    } = job;
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(format!(
            "the name {name:?} holds the control character U+{:04X}",
            u32::from(c)
        ));
    }
    let mut words: Vec<String> = job.args.iter().map(|a| shell_quote(a)).collect();
    let threads = match job.threads {
        Some(t) => t.to_string(),
        None => {
            words.push("--threads".into());
            words.push("\"${SLURM_CPUS_PER_TASK:-1}\"".into());
            "1".into()
        }
    };
    let merge_flags = if job.no_charts { " --no-charts" } else { "" };
    Ok(format!(
        r#"#!/usr/bin/env bash
# {name}: a netgrow sweep as a Slurm job array of {n} shards, then a merge.
# {points} point(s) x {replicates} replicate(s) x {years} year(s); shard K runs
# points K-1, K-1+{n}, ... into {out}-shard-K-of-{n}.
# Written by netgrow {version} --emit-slurm {n}.
#
#   bash THIS_FILE          submit the {n} shards, and a merge job that starts
#                           once every shard has succeeded
#   bash THIS_FILE 3,7      rerun only shards 3 and 7 (each resumes where it
#                           stopped; finished shards are not run again), then merge
#   bash THIS_FILE merge    merge now, here (after fixing shards by hand)
#   sbatch THIS_FILE        submit the shards only
#
# Follow:  squeue --me    (and ls {out}-shard-*-of-{n}/points)
# Logs:    slurm-netgrow-{name}-JOBID_K.out in {cwd}
# Edit the #SBATCH lines (time, memory, partition) to suit your cluster.
#
#SBATCH --job-name={job_name_s}
#SBATCH --array=1-{n}
#SBATCH --chdir={cwd_s}
#SBATCH --output=slurm-%x-%A_%a.out
#SBATCH --cpus-per-task={threads}
##SBATCH --time=1:00:00
##SBATCH --mem=4G
##SBATCH --partition=...
set -euo pipefail

NETGROW=${{NETGROW:-{exe_q}}}
SHARDS={n}
OUT={out_q}

shard_dir() {{ echo "$OUT-shard-$1-of-$SHARDS"; }}

cd {cwd_q}
if [[ -n ${{SLURM_ARRAY_TASK_ID:-}} ]]; then
    exec "$NETGROW" {words} --shard "$SLURM_ARRAY_TASK_ID/$SHARDS" --out "$(shard_dir "$SLURM_ARRAY_TASK_ID")" --resume
fi

if [[ ${{1:-}} == merge ]]; then
    dirs=()
    for k in $(seq 1 "$SHARDS"); do dirs+=("$(shard_dir "$k")"); done
    exec "$NETGROW" merge "${{dirs[@]}}" --out "$OUT"{merge_flags}
fi

self=$(realpath "$0")
array=${{1:-1-$SHARDS}}
job=$(sbatch --parsable --array="$array" "$self")
job=${{job%%;*}}
merge_job=$(sbatch --parsable --dependency="afterok:$job" --kill-on-invalid-dep=yes \
    --job-name={merge_name_q} --chdir={cwd_q} --output="slurm-%x-%j.out" \
    --wrap="bash $(printf %q "$self") merge")
merge_job=${{merge_job%%;*}}
echo "netgrow: shards $array of $SHARDS submitted as job array $job"
echo "netgrow: merge into $OUT submitted as job $merge_job, to start when every shard has succeeded"
"#,
        version = env!("CARGO_PKG_VERSION"),
        job_name_s = sbatch_quote(&format!("netgrow-{name}"))?,
        cwd_s = sbatch_quote(cwd)?,
        cwd_q = shell_quote(cwd),
        exe_q = shell_quote(exe),
        out_q = shell_quote(out),
        merge_name_q = shell_quote(&format!("netgrow-{name}-merge")),
        words = words.join(" "),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads one value of an `#SBATCH` line as sbatch does (`_get_argument`
    /// in its `opt.c`): up to unquoted white space or `#`, with `\`
    /// escaping the next character and `"…"` or `'…'` quoting.
    fn sbatch_reads(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        let mut quote: Option<char> = None;
        while let Some(c) = chars.next() {
            match (c, quote) {
                ('\\', _) => out.extend(chars.next()),
                (c, Some(q)) if c == q => quote = None,
                (c, Some(_)) => out.push(c),
                ('"' | '\'', None) => quote = Some(c),
                (c, None) if c.is_whitespace() || c == '#' => break,
                (c, None) => out.push(c),
            }
        }
        out
    }

    /// Values a shell or sbatch would expand, split or cut short.
    const AWKWARD: [&str; 4] = [
        "/tmp/c w d $(touch X) `touch Y` 'q\" #z",
        "/opt/net grow's \\bin\\/netgrow",
        "o u t;rm -rf ~ &",
        "simulation.description=it's \"$HOME\" # ${x:-y}",
    ];

    fn job() -> Job {
        Job {
            name: "n.a_m-e".into(),
            shards: 3,
            points: 7,
            replicates: 2,
            years: 1,
            threads: None,
            cwd: AWKWARD[0].into(),
            exe: AWKWARD[1].into(),
            out: AWKWARD[2].into(),
            args: vec![
                "sweep".into(),
                "scenario file.toml".into(),
                "--set".into(),
                AWKWARD[3].into(),
            ],
            no_charts: true,
        }
    }

    #[test]
    fn sbatch_reads_back_each_quoted_value_whole() {
        for value in AWKWARD {
            let quoted = sbatch_quote(value).unwrap();
            assert_eq!(sbatch_reads(&format!("{quoted} # comment")), value);
        }
        assert!(sbatch_quote("/home/hetjobs").is_err());
    }

    #[test]
    fn every_value_in_a_slurm_script_is_quoted_where_it_is_read() {
        let job = job();
        let script = render(&job).unwrap();
        // Comment lines are read by nobody; every other line by bash or,
        // for #SBATCH lines, by sbatch.
        let read: Vec<&str> = script
            .lines()
            .filter(|l| !(l.starts_with("# ") || *l == "#"))
            .collect();
        let values = [&job.cwd, &job.exe, &job.out, &job.args[1], &job.args[3]];
        for value in values {
            let mut seen = false;
            for line in &read {
                let quoted = if line.starts_with("#SBATCH") {
                    sbatch_quote(value).unwrap()
                } else {
                    shell_quote(value)
                };
                seen |= line.contains(&quoted);
                assert!(
                    !line.replace(&quoted, "").contains(value.as_str()),
                    "{value} unquoted in: {line}"
                );
            }
            assert!(seen, "{value} is not in the script");
        }
        assert!(script.contains("\n#SBATCH --job-name=\"netgrow-n.a_m-e\"\n"));
        assert!(script.contains(" --job-name='netgrow-n.a_m-e-merge' "));
        assert!(script.contains(&format!(
            "\n#SBATCH --chdir={}\n",
            sbatch_quote(&job.cwd).unwrap()
        )));
    }

    #[test]
    fn a_control_character_never_reaches_a_script() {
        let mut job = job();
        job.name = "a\nb".into();
        assert!(render(&job).is_err());
        let err = script_path("output directory", Path::new("o\ntouch P"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("U+000A"), "{err}");
    }
}
