//! Calibration: fitting a scenario's uncertain keys to observed figures.
//!
//! `netgrow calibrate SCENARIO --targets TARGETS.toml` takes what is known
//! about real groups — referrals passed per member, renewal, closed
//! business per referral, hours spent, each with its uncertainty — and
//! finds which values of the keys it is told to fit make the simulation
//! reproduce them, with intervals that say how sharply the figures pin the
//! keys down. The pipeline, one module per step:
//!
//! ```text
//! targets file ──targets──▶ targets (statistics, uncertainty) + priors
//!     ──candidates──▶ a Latin-hypercube sweep over the priors, run by the
//!                     sweep's session (parallel, common random numbers,
//!                     resumable, shardable)
//!     ──statistics──▶ each candidate's simulated statistics
//!     ──abc, posterior──▶ kept candidates, adjusted; intervals; the
//!                          calibrated scenario
//!     ──fit──▶ the calibrated scenario run against the targets
//!     ──report, chart, html──▶ CSV, calibrated.toml, charts, report.html
//! ```
//!
//! The method — rejection with local-linear regression adjustment
//! (Beaumont, Zhang & Balding 2002) — and why it was chosen are in
//! [`abc`] and `docs/calibration.md`.

pub mod abc;
pub mod candidates;
pub mod chart;
pub mod command;
pub mod fit;
pub mod html;
pub mod posterior;
pub mod prior;
pub mod report;
pub mod statistics;
pub mod targets;

pub use command::CalibrateArgs;
