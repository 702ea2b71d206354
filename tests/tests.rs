//! Integration tests, compiled into one binary (as ripgrep does) to keep
//! build times down. Each module drives the real `netgrow` binary.

mod common;

mod cli_calibrate;
mod cli_columns;
mod cli_compare;
mod cli_extras;
mod cli_graph;
mod cli_input;
mod cli_plot;
mod cli_print;
mod cli_report;
mod cli_run;
mod cli_safety;
mod cli_serve;
mod cli_slurm;
mod cli_sweep;
mod cli_validate;
mod golden;
mod input_fuzz;
mod readme;
mod readme_done_right;
mod readme_global;
mod readme_serve;
mod serve_support;
