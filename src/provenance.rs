//! Which code made a result: the version, the git commit and the build
//! profile the binary was built from (recorded by `build.rs`), shown by
//! `netgrow --version` and written into `results.json`.

/// The package version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The git commit the binary was built from, abbreviated ("unknown"
/// outside a git checkout, unless `NETGROW_COMMIT` was set at build time).
pub const COMMIT: &str = env!("NETGROW_COMMIT");

/// The cargo profile the binary was built with: "release" or "debug".
pub const PROFILE: &str = env!("NETGROW_PROFILE");

/// `netgrow --version`: "0.1.0 (commit 1a2b3c4d5e6f, release build)".
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("NETGROW_COMMIT"),
    ", ",
    env!("NETGROW_PROFILE"),
    " build)"
);

/// What files written before builds were recorded say of theirs.
pub fn unknown() -> String {
    "unknown".to_string()
}
