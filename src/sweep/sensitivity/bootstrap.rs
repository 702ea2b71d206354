//! Percentile bootstrap intervals for the sensitivity indices.
//!
//! An index is recomputed on many resamples of its independent units
//! (Morris trajectories, Sobol' base rows) drawn with replacement; the
//! 2.5th and 97.5th percentiles of those recomputations are its 95%
//! interval (Efron & Tibshirani 1993, ch. 13). Resamples come from a
//! seeded stream, so the intervals are the same on every machine.

use rand::Rng;

/// Resamples per interval: enough for the 2.5th and 97.5th percentiles to
/// settle to about a hundredth of the interval's width.
pub const RESAMPLES: usize = 1000;

/// `n` indices drawn with replacement from `0..n`.
pub fn resample(rng: &mut impl Rng, n: usize) -> Vec<usize> {
    // u64 ranges sample the same on every platform.
    (0..n)
        .map(|_| rng.random_range(0..n as u64) as usize)
        .collect()
}

/// The 95% percentile interval of `draws`; NaN if any draw is NaN (an
/// index that cannot be formed on some resample has no interval).
pub fn interval(mut draws: Vec<f64>) -> (f64, f64) {
    if draws.is_empty() || draws.iter().any(|x| x.is_nan()) {
        return (f64::NAN, f64::NAN);
    }
    draws.sort_by(f64::total_cmp);
    (quantile(&draws, 0.025), quantile(&draws, 0.975))
}

/// The `q` quantile of sorted values, interpolating linearly between
/// order statistics (Hyndman & Fan's type 7, R's default).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_cuts_two_and_a_half_percent_from_each_end() {
        let draws: Vec<f64> = (0..=1000).map(f64::from).collect();
        assert_eq!(interval(draws), (25.0, 975.0));
        assert!(interval(vec![1.0, f64::NAN]).0.is_nan());
    }

    #[test]
    fn resamples_stay_in_range_and_repeat_with_the_seed() {
        let draw = |seed| {
            let mut rng = crate::streams::stream(seed, crate::streams::Purpose::Analysis, &[1]);
            resample(&mut rng, 50)
        };
        assert!(draw(3).iter().all(|&i| i < 50));
        assert_eq!(draw(3), draw(3));
        assert_ne!(draw(3), draw(4));
    }
}
