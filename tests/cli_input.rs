//! Input that must be refused, or read exactly: a scenario's name can
//! never become shell code in a Slurm script, integers (seeds above all)
//! survive a round trip, memory estimates cannot overflow, edited point
//! files are caught, misspelt strategies and cohorts are named, and every
//! TOML example of the README validates. Each refusal is exit code 2 with
//! a message naming the file or the option at fault.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{netgrow, root, write, TINY};

/// [`TINY`] swept over two values of one key.
fn tiny_sweep() -> String {
    format!("{TINY}\n[sweep.vary]\n\"relationships.hours_to_trust\" = [4, 8]\n")
}

/// The standard error of a finished command, as text.
fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file under `dir` whose name starts with `PWNED`.
fn pwned_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("PWNED"))
            {
                found.push(path);
            }
        }
    }
    found
}

// ----- A scenario's name is never shell code -----

/// The name from the report of the attack: command substitutions and an
/// unbalanced quote.
const PAYLOAD: &str = "ts$(touch PWNED)`touch PWNED2`'q";

#[test]
fn a_name_that_could_run_code_is_refused_before_anything_runs() {
    let dir = TempDir::new().unwrap();
    let text = tiny_sweep().replace(
        "name = \"tiny\"",
        &format!("name = {}", toml::Value::String(PAYLOAD.into())),
    );
    let file = write(dir.path(), "payload.toml", &text);
    let out_dir = dir.path().join("out");
    let out_arg = out_dir.to_str().unwrap();
    for args in [
        vec!["validate"],
        vec!["graph"],
        vec!["run", "--no-charts", "--out", out_arg],
        vec!["sweep", "--no-charts", "--out", out_arg],
        vec!["sweep", "--emit-slurm", "2", "--out", out_arg],
    ] {
        let out = netgrow()
            .current_dir(dir.path())
            .arg(args[0])
            .arg(&file)
            .args(&args[1..])
            .output()
            .unwrap();
        let e = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.contains("simulation.name"), "{args:?}: {e}");
        assert!(e.contains("payload.toml"), "{args:?}: {e}");
        assert!(e.contains("letters, digits"), "{args:?}: {e}");
        assert!(
            out.stdout.is_empty(),
            "{args:?} printed a script or results"
        );
    }
    assert!(!out_dir.exists(), "nothing was written");
    assert!(pwned_files(dir.path()).is_empty());
    // The same name given with --set is refused the same way.
    netgrow()
        .arg("validate")
        .arg(&file)
        .arg("--set")
        .arg(format!("simulation.name={PAYLOAD}"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--set simulation.name="));
}

#[test]
fn names_are_letters_digits_dashes_underscores_and_dots() {
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), "t.toml", TINY);
    for good in ["a.b-c_d", "réseau-2", "x"] {
        netgrow()
            .arg("validate")
            .arg(&file)
            .arg("--set")
            .arg(format!("simulation.name={good}"))
            .assert()
            .success();
    }
    let long = "n".repeat(101);
    for bad in [
        "two words",
        "..",
        ".",
        "a/b",
        "tab\there",
        "rtl\u{202e}txt",
        long.as_str(),
    ] {
        let name = toml::Value::String(bad.into());
        let f = write(
            dir.path(),
            "bad.toml",
            &TINY.replace("name = \"tiny\"", &format!("name = {name}")),
        );
        netgrow()
            .arg("validate")
            .arg(&f)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("simulation.name"));
    }
    // A file whose name is not a valid name gets one made from it.
    let f = write(dir.path(), "my scenario (v2).toml", "");
    netgrow()
        .arg("validate")
        .arg(&f)
        .assert()
        .success()
        .stdout(predicate::str::contains("name = \"my-scenario--v2-\""));
}

/// A fake `sbatch` that records its arguments, one per line, and answers
/// with a job number.
fn fake_sbatch(bin: &Path, log: &Path) {
    fs::create_dir_all(bin).unwrap();
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{}'\nprintf -- '---\\n' >> '{}'\necho 42\n",
        log.display(),
        log.display()
    );
    let path = bin.join("sbatch");
    fs::write(&path, script).unwrap();
    Command::new("chmod").arg("+x").arg(&path).status().unwrap();
}

#[test]
fn the_slurm_script_runs_awkward_paths_and_arguments_as_data() {
    let top = TempDir::new().unwrap();
    // A working directory, an output directory and an argument full of
    // what a shell would expand, none of them with a line break.
    let cwd = top
        .path()
        .join("we ird $(touch PWNED) `touch PWNED2` 'q\" #x")
        .to_path_buf();
    fs::create_dir(&cwd).unwrap();
    let cwd = cwd.canonicalize().unwrap();
    let scenario = write(top.path(), "tiny.toml", &tiny_sweep());
    let description = "it's $(touch PWNED3) `touch PWNED4` \"quoted\" # not a comment";
    let out = "o u t$(touch PWNED5)";
    let emitted = netgrow()
        .current_dir(&cwd)
        .arg("sweep")
        .arg(&scenario)
        .arg("--set")
        .arg(format!("simulation.description={description}"))
        .args(["--emit-slurm", "2", "--out", out, "-q"])
        .output()
        .unwrap();
    assert!(emitted.status.success(), "{}", stderr_of(&emitted));
    let script = String::from_utf8(emitted.stdout).unwrap();
    let path = cwd.join("job.sh");
    fs::write(&path, &script).unwrap();

    let syntax = Command::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(syntax.status.success(), "{}", stderr_of(&syntax));
    // sbatch reads #SBATCH lines itself: the directory must be one
    // double-quoted value there.
    let sbatch_cwd = cwd.to_str().unwrap().replace('"', "\\\"");
    assert!(
        script.contains(&format!("#SBATCH --chdir=\"{sbatch_cwd}\"\n")),
        "{script}"
    );

    // Submitting: both sbatch calls get every value as one literal word.
    let log = top.path().join("sbatch.log");
    let bin = top.path().join("bin");
    fake_sbatch(&bin, &log);
    let path_var = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let submit = Command::new("bash")
        .arg(&path)
        .current_dir(&cwd)
        .env("PATH", &path_var)
        .output()
        .unwrap();
    assert!(submit.status.success(), "{}", stderr_of(&submit));
    let calls = fs::read_to_string(&log).unwrap();
    let merge_call: Vec<&str> = calls.split("---\n").nth(1).unwrap().lines().collect();
    assert!(
        merge_call.contains(&"--job-name=netgrow-tiny-merge"),
        "{merge_call:?}"
    );
    assert!(
        merge_call.contains(&format!("--chdir={}", cwd.display()).as_str()),
        "{merge_call:?}"
    );

    // A shard, and the merge, with NETGROW standing in for netgrow.
    let shard = Command::new("bash")
        .arg(&path)
        .current_dir(top.path())
        .env("NETGROW", "/bin/echo")
        .env("SLURM_ARRAY_TASK_ID", "2")
        .env("SLURM_CPUS_PER_TASK", "3")
        .output()
        .unwrap();
    assert!(shard.status.success(), "{}", stderr_of(&shard));
    assert_eq!(
        String::from_utf8_lossy(&shard.stdout),
        format!(
            "sweep {} --set simulation.description={description} -q --threads 3 --shard 2/2 --out {out}-shard-2-of-2 --resume\n",
            scenario.display()
        )
    );
    let merge = Command::new("bash")
        .arg(&path)
        .arg("merge")
        .current_dir(top.path())
        .env("NETGROW", "/bin/echo")
        .output()
        .unwrap();
    assert!(merge.status.success(), "{}", stderr_of(&merge));
    assert_eq!(
        String::from_utf8_lossy(&merge.stdout),
        format!("merge {out}-shard-1-of-2 {out}-shard-2-of-2 --out {out}\n")
    );
    assert!(pwned_files(top.path()).is_empty());
}

#[test]
fn a_line_break_in_a_path_cannot_reach_the_slurm_script() {
    let top = TempDir::new().unwrap();
    let scenario = write(top.path(), "tiny.toml", &tiny_sweep());
    let out = netgrow()
        .current_dir(top.path())
        .arg("sweep")
        .arg(&scenario)
        .args(["--emit-slurm", "2", "--out", "o\ntouch PWNED\n"])
        .output()
        .unwrap();
    let e = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert!(e.contains("control character"), "{e}");
    assert!(out.stdout.is_empty());
    // The same through the scenario's output directory.
    netgrow()
        .current_dir(top.path())
        .arg("sweep")
        .arg(&scenario)
        .args(["--emit-slurm", "2", "--set", "output.dir=o\ntouch PWNED\n"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("output.dir"));
    // And the scenario cannot come from standard input, which the shards
    // would not have.
    netgrow()
        .current_dir(top.path())
        .args(["sweep", "-", "--emit-slurm", "2"])
        .write_stdin(tiny_sweep())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("give a file"));
}

// ----- Integers read and written exactly; memory estimates that cannot overflow -----

/// Runs [`TINY`] with `args` into `out` and returns `results.json`'s seed
/// as written (digits, not a float).
fn run_seed(file: &Path, out: &Path, args: &[&str]) -> String {
    netgrow()
        .arg("run")
        .arg(file)
        .arg("--out")
        .arg(out)
        .args(["--no-charts", "-q"])
        .args(args)
        .assert()
        .success();
    let json = fs::read_to_string(out.join("results.json")).unwrap();
    let line = json
        .lines()
        .find(|l| l.trim_start().starts_with("\"seed\""))
        .expect("results.json has a seed");
    line.split(':')
        .nth(1)
        .unwrap()
        .trim()
        .trim_end_matches(',')
        .to_string()
}

#[test]
fn seeds_are_written_exactly_and_reproduce_the_run() {
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), "tiny.toml", TINY);
    for (seed, written) in [
        ("123456789012345678", "seed = 123456789012345678"),
        ("9007199254740993", "seed = 9007199254740993"),
        ("9223372036854775807", "seed = 9223372036854775807"),
        ("18446744073709551615", "seed = \"18446744073709551615\""),
    ] {
        let first = dir.path().join(format!("first-{seed}"));
        assert_eq!(run_seed(&file, &first, &["--seed", seed]), seed);
        let resolved = fs::read_to_string(first.join("scenario.toml")).unwrap();
        assert!(resolved.contains(&format!("\n{written}\n")), "{resolved}");
        assert!(!resolved.contains("cannot serialise"), "{resolved}");
        // The written scenario, run again, is the same run.
        let again = dir.path().join(format!("again-{seed}"));
        assert_eq!(run_seed(&first.join("scenario.toml"), &again, &[]), seed);
        assert_eq!(
            fs::read(first.join("summary.csv")).unwrap(),
            fs::read(again.join("summary.csv")).unwrap()
        );
    }
    // One past the largest seed is refused, as a number or as digits.
    for seed in ["18446744073709551616", "\"18446744073709551616\"", "-1"] {
        netgrow()
            .arg("validate")
            .arg(&file)
            .arg("--set")
            .arg(format!("simulation.seed={seed}"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("simulation.seed"));
    }
}

#[test]
fn whole_numbers_are_not_rounded_through_floats() {
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), "tiny.toml", TINY);
    // Beyond 2^53 a float stands for many whole numbers: 1e17 is refused,
    // where the integer 100000000000000001 would be read exactly.
    netgrow()
        .arg("validate")
        .arg(&file)
        .args(["--set", "simulation.seed=1e17"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exactly"));
    netgrow()
        .arg("validate")
        .arg(&file)
        .args(["--set", "groups.count=5.0"])
        .assert()
        .success()
        .stdout(predicate::str::contains("count = 5\n"));
}

#[test]
fn a_memory_estimate_too_large_to_count_is_refused_with_a_readable_size() {
    let out = netgrow()
        .args(["run", "scenarios/connecting-vs-networking.toml"])
        .args(["--set", "population.size=11999869"])
        .args(["--set", "population.acquaintances=5686385"])
        .args(["--replicates", "65536", "--years", "1", "--no-charts"])
        .output()
        .unwrap();
    let e = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert!(e.contains("needs about"), "{e}");
    assert!(e.contains("TiB") || e.contains("EiB"), "{e}");
    assert!(!e.contains("(driven by )"), "{e}");
}

#[test]
fn graph_refuses_a_world_that_cannot_fit_in_memory() {
    // About 7 PiB of acquaintances: no machine has it, and building it
    // must not start.
    netgrow()
        .args(["graph", "scenarios/connecting-vs-networking.toml"])
        .args(["--set", "population.size=50000000"])
        .args(["--set", "population.acquaintances=40000000"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("acquaintance network")
                .and(predicate::str::contains("is available")),
        );
}

// ----- Point files: what the writer never writes is refused -----

/// A tiny sweep run as two shards in `dir`: (shard 1, shard 2).
fn two_shards(dir: &Path) -> (PathBuf, PathBuf) {
    let file = write(dir, "tiny.toml", &tiny_sweep());
    let shards: Vec<PathBuf> = (1..=2)
        .map(|k| {
            let out = dir.join(format!("shard-{k}"));
            netgrow()
                .arg("sweep")
                .arg(&file)
                .args(["--shard", &format!("{k}/2"), "--no-charts", "-q"])
                .arg("--out")
                .arg(&out)
                .assert()
                .success();
            out
        })
        .collect();
    (shards[0].clone(), shards[1].clone())
}

/// Copies a directory tree.
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            fs::copy(&path, &dest).unwrap();
        }
    }
}

/// `text` (a CSV file) with cell `column` of line `line` (0 = header)
/// replaced by `cell`.
fn edit_cell(text: &str, line: usize, column: usize, cell: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut cells: Vec<&str> = lines[line].split(',').collect();
    cells[column] = cell;
    lines[line] = cells.join(",");
    lines.join("\n") + "\n"
}

#[test]
fn merge_refuses_point_files_the_writer_never_writes() {
    let top = TempDir::new().unwrap();
    let (a, b) = two_shards(top.path());
    let point = Path::new("points").join("point-0000.csv");
    let original = fs::read_to_string(a.join(&point)).unwrap();
    // Columns: point, the varied key, cohort, year, metric, mean, sd,
    // ci_low, ci_high, n, replicate_0, replicate_1.
    let header: Vec<&str> = original.lines().next().unwrap().split(',').collect();
    assert_eq!(header[5], "mean");
    assert_eq!(header[11], "replicate_1");
    // Untouched, the shards merge.
    netgrow()
        .arg("merge")
        .arg(&a)
        .arg(&b)
        .arg("--out")
        .arg(top.path().join("merged"))
        .args(["--no-charts", "-q"])
        .assert()
        .success();
    for (what, column, cell, expected) in [
        ("a blank replicate", 11, "", "a replicate's value is empty"),
        ("an infinite replicate", 10, "inf", "replicate_0 is \"inf\""),
        ("a NaN replicate", 10, "NaN", "replicate_0 is \"NaN\""),
        ("a huge replicate", 10, "1e999", "not a finite number"),
        ("an edited mean", 5, "12345", "mean is \"12345\""),
        ("an edited n", 9, "3", "n is \"3\""),
    ] {
        let edited = top.path().join(format!("edited-{column}-{cell}"));
        copy_dir(&a, &edited);
        fs::write(edited.join(&point), edit_cell(&original, 3, column, cell)).unwrap();
        let out = netgrow()
            .arg("merge")
            .arg(&edited)
            .arg(&b)
            .arg("--out")
            .arg(top.path().join(format!("m-{column}-{cell}")))
            .args(["--no-charts", "-q"])
            .output()
            .unwrap();
        let e = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{what}: {e}");
        assert!(e.contains("point-0000.csv"), "{what}: {e}");
        assert!(e.contains("row 4"), "{what}: {e}");
        assert!(e.contains(expected), "{what}: {e}");
    }
}

#[test]
fn resume_refuses_an_edited_point_naming_the_file_and_row() {
    let top = TempDir::new().unwrap();
    let file = write(top.path(), "tiny.toml", &tiny_sweep());
    let out = top.path().join("sweep");
    let sweep = |resume: bool| {
        let mut cmd = netgrow();
        cmd.arg("sweep")
            .arg(&file)
            .arg("--out")
            .arg(&out)
            .args(["--no-charts", "-q"]);
        if resume {
            cmd.arg("--resume");
        }
        cmd.output().unwrap()
    };
    assert!(sweep(false).status.success());
    let point = out.join("points").join("point-0001.csv");
    let original = fs::read_to_string(&point).unwrap();
    let edited = edit_cell(&original, 2, 5, "999");
    fs::write(&point, &edited).unwrap();
    let resumed = sweep(true);
    let e = stderr_of(&resumed);
    assert_eq!(resumed.status.code(), Some(2), "{e}");
    assert!(e.contains("point-0001.csv"), "{e}");
    // The file is left as the user left it.
    assert_eq!(fs::read_to_string(&point).unwrap(), edited);
}

// ----- Input that used to be ignored or wrongly accepted -----

#[test]
fn strategies_and_cohorts_that_do_not_exist_are_named_with_the_nearest() {
    let dir = TempDir::new().unwrap();
    let tiny = write(dir.path(), "tiny.toml", TINY);
    let misspelt = write(
        dir.path(),
        "misspelt.toml",
        &format!("{TINY}\n[strategies.networkng]\ngenerosity = 0.2\n"),
    );
    netgrow()
        .arg("validate")
        .arg(&misspelt)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("strategies.networkng")
                .and(predicate::str::contains("no cohort follows this strategy"))
                .and(predicate::str::contains("did you mean \"networking\"")),
        );
    for (set, expected) in [
        (
            "strategies.half_heart.generosity=0.2",
            "there is no strategy \"half_heart\"",
        ),
        (
            "strategies.netwrking.generosity=0.2",
            "did you mean \"networking\"",
        ),
        (
            "cohorts.conecting.members=10",
            "did you mean \"connecting\"",
        ),
    ] {
        netgrow()
            .arg("validate")
            .arg(&tiny)
            .args(["--set", set])
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains(format!("(--set {set})"))
                    .and(predicate::str::contains(expected)),
            );
    }
    netgrow()
        .arg("sweep")
        .arg(&tiny)
        .args([
            "--vary",
            "strategies.netwrking.generosity=0.1,0.2",
            "--dry-run",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--vary strategies.netwrking.generosity")
                .and(predicate::str::contains("did you mean \"networking\"")),
        );
}

#[test]
fn new_strategies_some_cohort_follows_and_unused_built_ins_are_fine() {
    let dir = TempDir::new().unwrap();
    let giver = format!(
        "{}\n[strategies.giver]\ngenerosity = 0.9\n[cohorts.givers]\nstrategy = \"giver\"\nmembers = 10\n",
        TINY.replace("[cohorts.connecting]\nmembers = 15\n", "")
    );
    let f = write(dir.path(), "giver.toml", &giver);
    netgrow().arg("validate").arg(&f).assert().success();
    // A strategy only a variant gives to a cohort is used.
    let variant = format!(
        "{TINY}\n[strategies.giver]\ngenerosity = 0.9\n[[variants]]\nname = \"givers\"\nset = {{ \"cohorts.networking.strategy\" = \"giver\" }}\n"
    );
    let f = write(dir.path(), "variant.toml", &variant);
    netgrow().arg("validate").arg(&f).assert().success();
    // Without a [cohorts] section, --set changes one default cohort and
    // keeps the other.
    let f = write(dir.path(), "plain.toml", "[population]\nsize = 3000\n");
    let out = netgrow()
        .arg("validate")
        .arg(&f)
        .args(["--set", "cohorts.networking.members=100"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("[cohorts.connecting]\nstrategy = \"connecting\"\nmembers = 200\n"),
        "{text}"
    );
    assert!(
        text.contains("[cohorts.networking]\nstrategy = \"networking\"\nmembers = 100\n"),
        "{text}"
    );
}

#[test]
fn plot_takes_no_set() {
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), "tiny.toml", TINY);
    let run = dir.path().join("run");
    netgrow()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&run)
        .args(["--no-charts", "-q"])
        .assert()
        .success();
    netgrow()
        .arg("plot")
        .arg(&run)
        .args(["--set", "economy.currency=$", "--format", "svg"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("plot takes no --set")
                .and(predicate::str::contains("scenario.toml")),
        );
    assert!(!run.join("report.html").exists(), "nothing was drawn");
}

#[test]
fn validate_checks_a_sweep_table_as_sweep_does() {
    let dir = TempDir::new().unwrap();
    for (table, expected) in [
        ("[sweep]\ndesign = true\n", "sweep.design"),
        (
            "[sweep.vary]\n\"relationships.hours_to_trus\" = [1, 2]\n",
            "did you mean `hours_to_trust`",
        ),
        (
            "[sweep]\ndesign = \"grid\"\npoints = 4\n[sweep.vary]\n\"groups.count\" = [2, 3]\n",
            "only the random and lhs designs",
        ),
        (
            "[sweep.vary]\n\"groups.count\" = [1, 400]\n",
            "groups.count",
        ),
    ] {
        let f = write(dir.path(), "s.toml", &format!("{TINY}\n{table}"));
        let out = netgrow().arg("validate").arg(&f).output().unwrap();
        let e = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{table}: {e}");
        assert!(e.contains(expected), "{table}: {e}");
        assert!(e.contains("s.toml"), "{e}");
        // And sweep says the same.
        netgrow()
            .arg("sweep")
            .arg(&f)
            .arg("--dry-run")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(expected));
    }
    let f = write(dir.path(), "ok.toml", &tiny_sweep());
    netgrow().arg("validate").arg(&f).assert().success();
    // A table that varies nothing is complete with --vary; alone it is
    // valid.
    let f = write(
        dir.path(),
        "metrics.toml",
        &format!("{TINY}\n[sweep]\nmetrics = [\"revenue\"]\n"),
    );
    netgrow().arg("validate").arg(&f).assert().success();
}

/// The ```toml blocks of the README.
fn readme_toml_blocks() -> Vec<String> {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut rest = readme.as_str();
    while let Some(start) = rest.find("```toml\n") {
        let body = &rest[start + "```toml\n".len()..];
        let end = body.find("```").expect("a closed code block");
        blocks.push(body[..end].to_string());
        rest = &body[end + 3..];
    }
    blocks
}

#[test]
fn every_toml_example_in_the_readme_validates_as_a_whole_scenario() {
    let blocks = readme_toml_blocks();
    assert!(blocks.len() >= 3, "found {} blocks", blocks.len());
    let dir = TempDir::new().unwrap();
    for (i, block) in blocks.iter().enumerate() {
        let f = write(dir.path(), &format!("readme-{i}.toml"), block);
        let out = netgrow().arg("validate").arg(&f).output().unwrap();
        assert!(
            out.status.success(),
            "README block {i} does not validate:\n{block}\n{}",
            stderr_of(&out)
        );
    }
}

#[test]
fn a_very_long_line_is_read_with_correct_columns() {
    // 50,000 professions on one line, the last one wrong: the error points
    // at it by character, not byte (the names hold two-byte letters).
    let mut line = String::from("extra_professions = [");
    for i in 0..50_000 {
        line.push_str(&format!(
            "{{ name = \"métier {i}\", demand = 1, job_value = 100 }}, "
        ));
    }
    let column = line.chars().count() + "{ name = \"last\", demand = ".len() + 1;
    line.push_str("{ name = \"last\", demand = -1, job_value = 5 }]");
    let dir = TempDir::new().unwrap();
    let f = write(dir.path(), "wide.toml", &format!("[population]\n{line}\n"));
    netgrow()
        .arg("validate")
        .arg(&f)
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "population.extra_professions[50000].demand = -1 (line 2, column {column})"
        )));
}

#[test]
fn a_dash_reads_the_scenario_from_standard_input() {
    netgrow()
        .args(["validate", "-"])
        .write_stdin("[population]\nsize = 3000\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("size = 3000"));
    netgrow()
        .args(["validate", "-"])
        .write_stdin("[population]\nsize = -3\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "scenario (standard input) has 1 problem",
        ));
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("run");
    netgrow()
        .args(["run", "-", "--no-charts", "-q", "--out"])
        .arg(&out)
        .write_stdin(TINY)
        .assert()
        .success();
    assert!(out.join("results.json").is_file());
    netgrow()
        .args(["sweep", "-", "--dry-run"])
        .write_stdin(tiny_sweep())
        .assert()
        .success()
        .stdout(predicate::str::contains("2 point(s)"));
}

#[test]
fn an_endless_file_is_refused_at_a_size_limit() {
    netgrow()
        .args(["validate", "/dev/zero"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/dev/zero: larger than 16 MiB"));
}

#[test]
fn operating_system_errors_are_said_once() {
    let dir = TempDir::new().unwrap();
    let out = netgrow().arg("validate").arg(dir.path()).output().unwrap();
    let e = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert_eq!(e.matches("Is a directory").count(), 1, "{e}");
}

#[test]
fn a_full_standard_output_is_an_error_not_a_crash() {
    let full = fs::OpenOptions::new().write(true).open("/dev/full");
    let Ok(full) = full else {
        return; // no /dev/full on this system
    };
    let out = Command::new(env!("CARGO_BIN_EXE_netgrow"))
        .args(["validate", "scenarios/city.toml"])
        .current_dir(root())
        .stdout(full)
        .output()
        .unwrap();
    let e = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{e}");
    assert!(
        e.contains("cannot write to standard output: No space left on device"),
        "{e}"
    );
}

#[test]
fn megabyte_keys_and_values_are_shortened_in_messages() {
    // As long as one argument may be (128 KiB on Linux) less a little.
    let key = "k".repeat(100_000);
    let out = netgrow()
        .args(["validate", "scenarios/connecting-vs-networking.toml"])
        .arg("--set")
        .arg(format!("population.{key}=1"))
        .output()
        .unwrap();
    let e = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(e.len() < 2_000, "{} bytes of message", e.len());
    assert!(e.contains("kkk…"), "{e}");
    let dir = TempDir::new().unwrap();
    let value = "v".repeat(1 << 20);
    let f = write(
        dir.path(),
        "long.toml",
        &format!("[groups]\nformat = \"{value}\"\n"),
    );
    let out = netgrow().arg("validate").arg(&f).output().unwrap();
    let e = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(e.len() < 2_000, "{} bytes of message", e.len());
    assert!(e.contains("groups.format"), "{e}");
}

#[test]
fn far_more_threads_than_cores_are_capped_with_a_warning() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores * 4 >= 1024 {
        return; // this machine could use them
    }
    let dir = TempDir::new().unwrap();
    let file = write(dir.path(), "tiny.toml", TINY);
    netgrow()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(dir.path().join("run"))
        .args(["--threads", "1024", "--no-charts", "-q"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "warning: --threads 1024 on {cores} core(s): using {} threads",
            cores * 4
        )));
}
