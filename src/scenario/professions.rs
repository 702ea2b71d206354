//! The built-in list of small-business professions.
//!
//! Each has a relative demand share (how often a need for it arises,
//! relative to the others) and a job-value distribution in the scenario's
//! currency. The figures are illustrative orders of magnitude for a UK small
//! business buying from another, not measurements: a scenario can replace the
//! list (`population.professions`) or add to it
//! (`population.extra_professions`).

use serde::Serialize;

use super::dist::{Dist, Shape};

/// A trade people practise and need.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Profession {
    pub name: String,
    /// Relative share of needs for this profession (any positive scale).
    pub demand: f64,
    /// Value of one job, in the scenario's currency.
    pub job_value: Dist,
}

/// (name, demand share, mean job value, sd of job value).
const BUILT_IN: [(&str, f64, f64, f64); 40] = [
    ("accountant", 3.0, 1800.0, 900.0),
    ("bookkeeper", 3.0, 900.0, 400.0),
    ("solicitor", 2.0, 2500.0, 1500.0),
    ("financial adviser", 2.0, 2000.0, 1200.0),
    ("mortgage broker", 1.5, 1200.0, 500.0),
    ("insurance broker", 2.0, 800.0, 400.0),
    ("commercial banker", 1.0, 1500.0, 900.0),
    ("business coach", 1.0, 2400.0, 1200.0),
    ("hr consultant", 1.0, 1600.0, 800.0),
    ("recruiter", 1.0, 3500.0, 2000.0),
    ("it support", 2.5, 1000.0, 600.0),
    ("web designer", 2.0, 2500.0, 1500.0),
    ("software developer", 1.0, 6000.0, 4000.0),
    ("seo specialist", 1.0, 1200.0, 600.0),
    ("social media manager", 1.0, 900.0, 400.0),
    ("graphic designer", 1.5, 800.0, 400.0),
    ("copywriter", 1.0, 600.0, 300.0),
    ("photographer", 1.5, 700.0, 350.0),
    ("videographer", 0.8, 1800.0, 900.0),
    ("printer", 2.0, 400.0, 250.0),
    ("sign maker", 0.8, 900.0, 500.0),
    ("promotional products", 0.8, 600.0, 300.0),
    ("telecoms provider", 1.0, 1200.0, 600.0),
    ("energy broker", 1.0, 800.0, 400.0),
    ("office cleaner", 2.0, 1500.0, 700.0),
    ("commercial landlord", 0.5, 6000.0, 3000.0),
    ("estate agent", 1.0, 3000.0, 1500.0),
    ("builder", 1.5, 8000.0, 5000.0),
    ("electrician", 2.0, 900.0, 600.0),
    ("plumber", 2.0, 600.0, 400.0),
    ("architect", 0.5, 5000.0, 3000.0),
    ("interior designer", 0.5, 3000.0, 1800.0),
    ("caterer", 1.5, 900.0, 500.0),
    ("event planner", 0.8, 2500.0, 1200.0),
    ("florist", 1.0, 250.0, 120.0),
    ("travel agent", 1.0, 1500.0, 800.0),
    ("translator", 0.5, 700.0, 400.0),
    ("courier", 1.5, 300.0, 200.0),
    ("health and safety consultant", 0.8, 1100.0, 500.0),
    ("virtual assistant", 1.5, 700.0, 300.0),
];

/// The built-in professions.
pub fn built_in() -> Vec<Profession> {
    BUILT_IN
        .iter()
        .map(|&(name, demand, mean, sd)| Profession {
            name: name.to_string(),
            demand,
            job_value: Dist::Drawn(Shape::Lognormal { mean, sd }),
        })
        .collect()
}
