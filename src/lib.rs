//! netgrow: an agent-based simulation of business networking.
//!
//! Does building know-like-trust relationships at a networking group
//! ("networking") beat pitching and moving on after two meetings
//! ("connecting")? By how much, after how long, and under which assumptions?
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! scenario file ──scenario──▶ Scenario ──population──▶ World (per replicate)
//!        ──simulation──▶ weekly metrics per cohort (per variant × replicate)
//!        ──metrics──▶ summaries with confidence intervals
//!        ──output──▶ CSV / JSON (and charts, report)
//! ```
//!
//! The binary (`src/main.rs`) only parses arguments and calls [`cli::main`].

pub mod cli;
pub mod population;
pub mod scenario;
pub mod streams;
pub mod economy;
pub mod groups;
pub mod metrics;
pub mod relationships;
pub mod simulation;
pub mod experiment;
pub mod output;
pub mod summary;
pub mod chart;
pub mod report;
pub mod sweep;
pub mod resources;
