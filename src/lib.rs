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
//!        ──output──▶ CSV / JSON ──chart, report──▶ PNG / SVG, report.html
//! ```
//!
//! [`sweep`] runs the same pipeline over many parameter points (and shards
//! of them across machines); [`calibrate`] runs such a sweep over the
//! uncertain keys and fits them to observed figures; [`resources`] estimates memory before any of
//! it starts, and [`threads`] sizes the worker threads it runs on.
//!
//! The binary (`src/main.rs`) only parses arguments and calls [`cli::main`],
//! which turns a failure into an exit code by the rules of [`error`].

pub mod calibrate;
pub mod chart;
pub mod cli;
pub mod compare;
pub mod engine;
pub mod error;
pub mod experiment;
pub mod metrics;
pub mod model;
pub mod output;
pub mod population;
pub mod provenance;
pub mod report;
pub mod resources;
pub mod scenario;
pub mod serve;
pub mod streams;
pub mod summary;
pub mod sweep;
pub mod threads;
