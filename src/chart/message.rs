//! The message a chart title states, computed from the data: which cohort
//! leads on the chart's measure and since when, or that the two are tied.
//!
//! A lead is called only where the paired 95% interval excludes zero
//! ([`Verdict`]): the difference is formed within each replicate (the two
//! cohorts share a town and its random draws), then summarised at the end
//! of every month. "From month N" is the first month from which the lead
//! holds to the end of the run; "from the start" means it held in month 1.

use super::data::RunData;
use super::join;
use crate::compare::{month_ends, Kind, Verdict};
use crate::metrics::Stat;

/// Who leads on a measure at the end of the run, and since when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lead {
    /// The named side leads from this month (1 = from the start) to the end.
    Ahead { leader: String, from_month: usize },
    /// The interval at the end includes zero.
    Tie { a: String, b: String },
}

impl Lead {
    /// The lead of `a` over `b` from their weekly values per replicate
    /// (`[replicate][week]`, replicate r of both in the same town).
    pub fn of(a: (&str, &[Vec<f64>]), b: (&str, &[Vec<f64>]), weeks: usize) -> Lead {
        let verdicts: Vec<Verdict> = month_ends(weeks)
            .into_iter()
            .map(|w| {
                let d: Vec<f64> =
                    a.1.iter()
                        .zip(b.1)
                        .filter_map(|(x, y)| Some(x.get(w)? - y.get(w)?))
                        .filter(|d| d.is_finite())
                        .collect();
                Verdict::of(&Stat::of(&d))
            })
            .collect();
        let tie = || Lead::Tie {
            a: a.0.to_string(),
            b: b.0.to_string(),
        };
        let Some(&end) = verdicts.last() else {
            return tie();
        };
        let leader = match end {
            Verdict::AAhead => a.0,
            Verdict::BAhead => b.0,
            Verdict::Tie => return tie(),
        };
        let held = verdicts.iter().rev().take_while(|v| **v == end).count();
        Lead::Ahead {
            leader: leader.to_string(),
            from_month: verdicts.len() - held + 1,
        }
    }

    /// "from the start", "from month 14".
    fn when(from_month: usize) -> String {
        if from_month <= 1 {
            "from the start".to_string()
        } else {
            format!("from month {from_month}")
        }
    }

    /// The lead in words: `ahead` says what the leader does ("earns more
    /// per member"), `level` what the two are when tied.
    pub fn words(&self, ahead: &str, level: &str) -> String {
        match self {
            Lead::Ahead { leader, from_month } => {
                format!("{leader} {ahead} {}", Lead::when(*from_month))
            }
            Lead::Tie { a, b } => format!("{a} and {b} {level}"),
        }
    }
}

/// The lead in each variant of its second cohort over its first (the pair
/// `results.json` compares), from `values(series)` = `[replicate][week]`:
/// (variant name, lead), for variants with two cohorts or more.
pub fn leads(data: &RunData, values: impl Fn(usize) -> Vec<Vec<f64>>) -> Vec<(String, Lead)> {
    data.results
        .comparisons
        .iter()
        .filter(|c| c.comparison.kind == Kind::Cohorts && c.comparison.a.cohort == 1)
        .filter_map(|c| {
            let arm = data.results.variants.get(c.comparison.a.arm)?;
            let name = |cohort: usize| arm.cohorts.get(cohort).map(|c| c.name.as_str());
            let (a, b) = (name(c.comparison.a.cohort)?, name(c.comparison.b.cohort)?);
            let (sa, sb) = (data.series_of(&arm.name, a)?, data.series_of(&arm.name, b)?);
            let lead = Lead::of((a, &values(sa)), (b, &values(sb)), data.weeks);
            Some((arm.name.clone(), lead))
        })
        .collect()
}

/// The leads of every variant in one clause: once when every variant says
/// the same, else variant by variant ("in open, …; in closed, …").
pub fn clause(leads: &[(String, Lead)], ahead: &str, level: &str) -> Option<String> {
    let first = &leads.first()?.1;
    if leads.iter().all(|(_, l)| l == first) {
        return Some(first.words(ahead, level));
    }
    // One leader throughout, at different months: name it once.
    if let Lead::Ahead { leader, .. } = first {
        let whens: Option<Vec<String>> = leads
            .iter()
            .map(|(v, l)| match l {
                Lead::Ahead {
                    leader: other,
                    from_month,
                } if other == leader => Some(format!("{} in {v}", Lead::when(*from_month))),
                _ => None,
            })
            .collect();
        if let Some(whens) = whens {
            return Some(format!("{leader} {ahead} {}", join(&whens)));
        }
    }
    let parts: Vec<String> = leads
        .iter()
        .map(|(v, l)| format!("in {v}, {}", l.words(ahead, level)))
        .collect();
    Some(join(&parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two replicates of `weeks` weeks; `a` is `b` plus `gap(week)`, with a
    /// replicate-to-replicate wobble of ±0.1 so intervals are finite.
    fn pair(weeks: usize, gap: impl Fn(usize) -> f64) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        let b: Vec<Vec<f64>> = (0..3).map(|_| vec![10.0; weeks]).collect();
        let a = (0..3)
            .map(|r| {
                (0..weeks)
                    .map(|w| 10.0 + gap(w) + (r as f64 - 1.0) * 0.1)
                    .collect()
            })
            .collect();
        (a, b)
    }

    #[test]
    fn a_lead_counts_from_the_first_month_it_holds_to_the_end() {
        // Behind for the first 13 weeks (months 1–3), ahead from week 14.
        let (a, b) = pair(52, |w| if w < 13 { -5.0 } else { 5.0 });
        let lead = Lead::of(("networking", &a), ("connecting", &b), 52);
        assert_eq!(
            lead,
            Lead::Ahead {
                leader: "networking".into(),
                from_month: 4
            }
        );
        assert_eq!(
            lead.words("earns more", "are level"),
            "networking earns more from month 4"
        );
    }

    #[test]
    fn a_side_ahead_throughout_leads_from_the_start() {
        let (a, b) = pair(52, |_| -5.0);
        let lead = Lead::of(("networking", &a), ("connecting", &b), 52);
        assert_eq!(
            lead.words("earns more", "are level"),
            "connecting earns more from the start"
        );
    }

    #[test]
    fn an_interval_holding_zero_at_the_end_is_a_tie_not_a_lead() {
        // Ahead all year but the last week's differences straddle zero.
        let (a, b) = pair(52, |w| if w < 51 { 5.0 } else { 0.0 });
        let lead = Lead::of(("networking", &a), ("connecting", &b), 52);
        assert_eq!(
            lead.words("earns more", "are level"),
            "networking and connecting are level"
        );
    }

    #[test]
    fn variants_that_agree_are_named_once() {
        let ahead = Lead::Ahead {
            leader: "x".into(),
            from_month: 3,
        };
        let other = Lead::Ahead {
            leader: "y".into(),
            from_month: 1,
        };
        let same = [
            ("open".to_string(), ahead.clone()),
            ("closed".to_string(), ahead.clone()),
        ];
        assert_eq!(
            clause(&same, "leads", "tie").as_deref(),
            Some("x leads from month 3")
        );
        let later = Lead::Ahead {
            leader: "x".into(),
            from_month: 5,
        };
        let months = [
            ("open".to_string(), ahead.clone()),
            ("closed".to_string(), later),
        ];
        assert_eq!(
            clause(&months, "leads", "tie").as_deref(),
            Some("x leads from month 3 in open and from month 5 in closed")
        );
        let differ = [("open".to_string(), ahead), ("closed".to_string(), other)];
        assert_eq!(
            clause(&differ, "leads", "tie").as_deref(),
            Some("in open, x leads from month 3 and in closed, y leads from the start")
        );
    }
}
