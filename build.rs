//! Records which code a binary was built from, for `netgrow --version` and
//! the provenance in `results.json`: the git commit (or `NETGROW_COMMIT`
//! where the source is not a git checkout, or "unknown") and the build
//! profile.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=NETGROW_COMMIT");
    let commit = std::env::var("NETGROW_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(git_commit)
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=NETGROW_COMMIT={}", commit.trim());
    let profile = std::env::var("PROFILE").unwrap_or_else(|_| "unknown".to_string());
    println!("cargo:rustc-env=NETGROW_PROFILE={profile}");
}

/// The checked-out commit, abbreviated; `None` outside a git checkout.
/// The build reruns when the checked-out commit changes (not on every
/// edit, which would rebuild the crate at each save).
fn git_commit() -> Option<String> {
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git").args(args).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    watched.extend(git(&["symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--git-path", &name]) {
            println!("cargo:rerun-if-changed={}", PathBuf::from(path).display());
        }
    }
    let commit = git(&["rev-parse", "--short=12", "HEAD"])?;
    Some(commit)
}
