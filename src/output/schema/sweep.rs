//! The files of a sweep directory: `sweep.csv`, `sweep_difference.csv`,
//! the sensitivity indices `morris.csv` and `sobol.csv`, the point files,
//! `sweep.json`, `shard.json` and `timing.json`.

use super::run::{extent, provenance, speed, sweep_figures, weekly_metrics};
use super::{
    statistics, Column, Command, File, Kind, Name, Part, Per, Place, Unit, COHORT, DIFFERENCE,
    METRIC, POINT, REPLICATE, WEEK, YEAR,
};

/// The varied key a row of a sensitivity table is about.
pub const KEY: &str = "key";

/// The files of a sweep directory.
pub const SWEEP_TABLE: &str = "sweep.csv";
pub const DIFFERENCE_TABLE: &str = "sweep_difference.csv";
pub const REPLICATES_TABLE: &str = "sweep_replicates.csv";
pub const MORRIS_TABLE: &str = "morris.csv";
pub const SOBOL_TABLE: &str = "sobol.csv";
pub const POINT_FILE: &str = "points/point-NNNN.csv";
pub const POINT_TIMESERIES: &str = "points/point-NNNN-timeseries.csv";
pub const MANIFEST: &str = "sweep.json";
pub const SHARD: &str = "shard.json";
pub const TIMING: &str = "timing.json";

/// Every file `netgrow sweep` writes besides `scenario.toml`.
pub fn files() -> Vec<File> {
    vec![
        table(),
        replicates_table(),
        difference_table(),
        morris_table(),
        sobol_table(),
        point_file(),
        point_timeseries(),
        manifest(),
        shard(),
        timing(),
    ]
}

fn point() -> Column {
    Column::key(
        POINT,
        Unit::Number,
        "the point of the design, from 0, as listed in sweep.json",
    )
}

fn keys() -> Column {
    Column {
        name: Name::EachKey,
        ..Column::key(
            "",
            Unit::AsKey,
            "the value of a varied scenario key at this point: one column per key, named by its dotted path",
        )
    }
}

fn year() -> Column {
    Column::key(YEAR, Unit::YearNumber, "the simulated year, from 1")
}

fn metric() -> Column {
    Column::key(
        METRIC,
        Unit::Text,
        "the yearly figure the row summarises (values below)",
    )
}

/// The columns of a sweep table or point file: point and keys, `who`
/// (cohort or difference), year, metric and the statistics.
fn table_columns(who: Column) -> Vec<Column> {
    let mut columns = vec![point(), keys(), who, year(), metric()];
    columns.extend(statistics());
    columns
}

/// The values of a sweep table's `metric`: the yearly figures of
/// `results.json`.
fn metrics(same_as: Option<&'static str>) -> Part {
    Part {
        same_as,
        ..Part::new(
            Place::ValuesOf(METRIC),
            "The yearly figures of results.json, per member.",
            sweep_figures(),
        )
    }
}

fn cohort() -> Column {
    Column::key(COHORT, Unit::Text, "the cohort")
}

/// `sweep.csv`.
pub fn table() -> File {
    File {
        file: SWEEP_TABLE,
        written_by: Command::Sweep,
        about: "One row per point × cohort × year (the last; every year with --each-year) × metric: the figure's statistics across replicates.",
        parts: vec![
            Part::new(Place::Columns, "", table_columns(cohort())),
            metrics(None),
        ],
    }
}

/// `sweep_replicates.csv`.
pub fn replicates_table() -> File {
    File {
        file: REPLICATES_TABLE,
        written_by: Command::Sweep,
        about: "The long (tidy) form of every replicate's value: one row per point × cohort × year (the years of sweep.csv) × metric × replicate. Key columns hold numbers for numeric keys, so `pandas.read_csv` gives numeric columns; filter on `metric` and group by the keys.",
        parts: vec![
            Part::new(
                Place::Columns,
                "",
                vec![
                    point(),
                    keys(),
                    cohort(),
                    year(),
                    metric(),
                    replicate(),
                    Column::new(
                        "value",
                        Unit::AsMetric,
                        Kind::Value,
                        None,
                        "the figure in this replicate",
                    ),
                ],
            ),
            metrics(Some(SWEEP_TABLE)),
        ],
    }
}

fn replicate() -> Column {
    Column::key(
        REPLICATE,
        Unit::Number,
        "the replicate: an independent world, numbered from 0",
    )
}

/// `sweep_difference.csv`.
pub fn difference_table() -> File {
    File {
        file: DIFFERENCE_TABLE,
        written_by: Command::Sweep,
        about: "Written when two cohorts are compared: one row per point × year × metric, the statistics of their paired difference.",
        parts: vec![
            Part::new(
                Place::Columns,
                "",
                table_columns(Column::key(
                    DIFFERENCE,
                    Unit::Text,
                    "which difference: `A − B` is cohort A's figure minus cohort B's, formed replicate by replicate",
                )),
            ),
            metrics(Some(SWEEP_TABLE)),
        ],
    }
}

/// The columns that start a table of sensitivity indices: which metric,
/// of which cohort or difference, in which year, for which key.
fn index_columns() -> Vec<Column> {
    vec![
        metric(),
        Column::key(
            COHORT,
            Unit::Text,
            "the cohort, or the paired difference `A − B` (cohort A's figure minus cohort B's, formed replicate by replicate)",
        ),
        year(),
        Column::key(KEY, Unit::Text, "the varied scenario key, by its dotted path"),
    ]
}

/// An index: a statistic over the design's points of the row's metric.
fn index(name: &'static str, unit: Unit, about: &'static str) -> Column {
    Column::new(name, unit, Kind::Statistic, None, about)
}

/// `morris.csv`.
pub fn morris_table() -> File {
    let mut columns = index_columns();
    columns.extend([
        index(
            "mu_star",
            Unit::AsMetric,
            "μ*: the mean absolute elementary effect — how far the metric moves when the key crosses its whole range, whichever way (Campolongo et al. 2007)",
        ),
        index(
            "mu_star_low",
            Unit::AsMetric,
            "lower end of the 95% bootstrap interval for μ*, resampling trajectories",
        ),
        index(
            "mu_star_high",
            Unit::AsMetric,
            "upper end of the 95% bootstrap interval for μ*",
        ),
        index(
            "mu",
            Unit::AsMetric,
            "μ: the mean elementary effect, signed; near 0 with a large μ* when effects change sign",
        ),
        index(
            "sigma",
            Unit::AsMetric,
            "σ: the standard deviation of the elementary effects — interactions with other keys, or a curved effect",
        ),
        Column::new(
            "trajectories",
            Unit::Number,
            Kind::Count,
            Some(Per::Run),
            "elementary effects behind the row: one per trajectory",
        ),
    ]);
    File {
        file: MORRIS_TABLE,
        written_by: Command::Sweep,
        about: "Written by the morris design: one row per metric × cohort (and difference) × year (the last; every year with --each-year) × key, the key's Morris indices over the trajectories. Each point's output is the metric's mean over replicates.",
        parts: vec![
            Part::new(Place::Columns, "", columns),
            metrics(Some(SWEEP_TABLE)),
        ],
    }
}

/// `sobol.csv`.
pub fn sobol_table() -> File {
    let mut columns = index_columns();
    columns.extend([
        index(
            "s1",
            Unit::Share,
            "first-order index S_i: the share of the metric's variance across the design the key explains alone (Saltelli et al. 2010); estimates near 0 may fall slightly below it",
        ),
        index(
            "s1_low",
            Unit::Share,
            "lower end of the 95% bootstrap interval for S_i, resampling base rows",
        ),
        index(
            "s1_high",
            Unit::Share,
            "upper end of the 95% bootstrap interval for S_i",
        ),
        index(
            "st",
            Unit::Share,
            "total-order index S_Ti: the share of the variance the key takes part in, interactions included (Jansen 1999); 0 for a key that cannot change the metric",
        ),
        index(
            "st_low",
            Unit::Share,
            "lower end of the 95% bootstrap interval for S_Ti",
        ),
        index(
            "st_high",
            Unit::Share,
            "upper end of the 95% bootstrap interval for S_Ti",
        ),
        Column::new(
            "base_rows",
            Unit::Number,
            Kind::Count,
            Some(Per::Run),
            "N, the base rows of the design behind the row (it ran N × (keys + 2) points)",
        ),
    ]);
    File {
        file: SOBOL_TABLE,
        written_by: Command::Sweep,
        about: "Written by the sobol design: one row per metric × cohort (and difference) × year (the last; every year with --each-year) × key, the key's first- and total-order Sobol' indices. Each point's output is the metric's mean over replicates.",
        parts: vec![
            Part::new(Place::Columns, "", columns),
            metrics(Some(SWEEP_TABLE)),
        ],
    }
}

/// A point file.
pub fn point_file() -> File {
    let mut columns = table_columns(cohort());
    columns.push(Column {
        name: Name::EachReplicate,
        ..Column::new(
            "",
            Unit::AsMetric,
            Kind::Value,
            None,
            "the figure in replicate r: one column per replicate, from 0",
        )
    });
    File {
        file: POINT_FILE,
        written_by: Command::Sweep,
        about: "One file per point, written when the point is done: one row per cohort × year (every year) × metric, with every replicate's value.",
        parts: vec![
            Part::new(Place::Columns, "", columns),
            metrics(Some(SWEEP_TABLE)),
        ],
    }
}

/// A point's weekly time series.
pub fn point_timeseries() -> File {
    let mut columns = vec![
        point(),
        replicate(),
        Column::key(WEEK, Unit::WeekNumber, "the simulated week, from 1"),
        cohort(),
    ];
    columns.extend(weekly_metrics());
    File {
        file: POINT_TIMESERIES,
        written_by: Command::Sweep,
        about: "With --keep-timeseries: a point's weekly rows, the columns of timeseries.csv with the point in place of the variant.",
        parts: vec![Part::new(Place::Columns, "", columns)],
    }
}

/// `sweep.json`.
pub fn manifest() -> File {
    let mut top = provenance();
    top.push(scenario_hash());
    top.extend(extent());
    top.extend([
        Column::info(
            "design",
            Unit::Text,
            "how the keys' values are combined: grid, zip, random, lhs, oat, morris, sobol or file",
        ),
        Column::info(
            "metrics",
            Unit::Text,
            "the yearly figures charted, the first the headline",
        ),
        Column::info("cohorts", Unit::Text, "the cohorts, in order"),
        Column::info(
            DIFFERENCE,
            Unit::Text,
            "the two cohorts of the paired difference, [minuend, subtrahend]; null without one",
        ),
        Column::info(
            "each_year",
            Unit::Boolean,
            "whether sweep.csv has every year, not only the last",
        ),
        Column::info(
            "keep_timeseries",
            Unit::Boolean,
            "whether points keep their weekly time series",
        ),
    ]);
    File {
        file: MANIFEST,
        written_by: Command::Sweep,
        about: "What the sweep is: enough to check that directories hold parts of the same sweep, and to draw its charts.",
        parts: vec![
            Part::new(Place::Fields(""), "The sweep as a whole.", top),
            Part::new(
                Place::Fields("keys[]"),
                "One entry per varied key.",
                vec![
                    Column::key("key", Unit::Text, "the scenario key's dotted path"),
                    Column::info("kind", Unit::Text, "its kind of value: integer, number, text or boolean"),
                    Column::info("spec", Unit::Text, "its values as given (`1,2,4`, `1..24:1`, `0.5..64:log8`, …)"),
                    Column::info("base", Unit::AsKey, "its value in the base scenario, as text"),
                ],
            ),
            Part::new(
                Place::Fields("points[]"),
                "One entry per point of the design.",
                vec![
                    Column::key(POINT, Unit::Number, "the point, from 0"),
                    Column::info("values", Unit::AsKey, "each key's value at the point, in the order of keys: a number for a numeric key, text otherwise"),
                    Column::info("values_text", Unit::Text, "the same values exactly as the point files' key columns write them, which merge and resume compare"),
                    Column::info("moves", Unit::Text, "one-at-a-time and Morris designs: the key this point moves from the base point or the trajectory's previous point (absent for base and first points and other designs)"),
                ],
            ),
        ],
    }
}

fn scenario_hash() -> Column {
    Column::info(
        "scenario_hash",
        Unit::Text,
        "FNV-1a hash of scenario.toml, [sweep] table included, to tell sweeps apart",
    )
}

/// `shard.json`.
pub fn shard() -> File {
    let mut fields = provenance();
    fields.push(scenario_hash());
    fields.extend([
        Column::info("shard", Unit::Text, "which share this is: `K/N`"),
        Column::info("index", Unit::Number, "K, from 1"),
        Column::info("count", Unit::Number, "N, the number of shards"),
        Column::info("points", Unit::Number, "the points this shard runs"),
    ]);
    File {
        file: SHARD,
        written_by: Command::Sweep,
        about:
            "In a shard directory (--shard K/N) only: which share of the sweep's points it holds.",
        parts: vec![Part::new(Place::Fields(""), "The shard.", fields)],
    }
}

/// `timing.json`.
pub fn timing() -> File {
    let points = |name, about| Column::new(name, Unit::Points, Kind::Count, Some(Per::Run), about);
    let mut fields = speed("wall time of the session");
    fields.extend([
        Column::info(
            "threads",
            Unit::Threads,
            "worker threads used (results do not depend on them)",
        ),
        points("points_run", "points simulated in the session"),
        points(
            "points_skipped",
            "points already done by an earlier session",
        ),
        Column::new(
            "runs",
            Unit::Runs,
            Kind::Count,
            Some(Per::Run),
            "simulations run: points × replicates",
        ),
    ]);
    File {
        file: TIMING,
        written_by: Command::Sweep,
        about: "How long the last session took: the one file that differs between otherwise identical sweeps.",
        parts: vec![Part::new(Place::Fields(""), "The session.", fields)],
    }
}
