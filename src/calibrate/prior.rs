//! A fitted key's prior: the range its value is believed to lie in before
//! the targets are seen, uniform or log-uniform.
//!
//! Candidates are drawn from the priors by the sweep's Latin hypercube (a
//! prior is a sweep interval, `lo..hi` or `lo..hi:log`). The regression
//! adjustment works on an unbounded scale — the logit of the value's
//! position in its range, on a log scale for a log-uniform prior — so an
//! adjusted value can never leave the prior's range (Beaumont, Zhang &
//! Balding 2002 suggest transforming bounded parameters so).

use std::fmt;

use crate::scenario::tree::Origin;

/// How a prior spreads belief over its range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Every value of the range equally likely.
    Uniform,
    /// Every order of magnitude of the range equally likely.
    LogUniform,
}

impl Scale {
    /// The name a targets file uses.
    pub fn name(self) -> &'static str {
        match self {
            Scale::Uniform => "uniform",
            Scale::LogUniform => "log_uniform",
        }
    }
}

/// One fitted key and its prior.
#[derive(Clone, Debug, PartialEq)]
pub struct Prior {
    /// The scenario key, dotted.
    pub key: String,
    pub lo: f64,
    pub hi: f64,
    pub scale: Scale,
    /// Whether the key takes whole numbers (its calibrated value is
    /// rounded).
    pub integer: bool,
    /// Where the prior was written, for messages.
    pub origin: Origin,
}

/// How close to either end of its range a value is taken to be at most,
/// as a share of the range: values drawn at an end (after rounding) stay
/// finite on the logit scale.
const EDGE: f64 = 1e-6;

impl Prior {
    /// The sweep spec that draws candidates from this prior.
    pub fn spec(&self) -> String {
        match self.scale {
            Scale::Uniform => format!("{}..{}", self.lo, self.hi),
            Scale::LogUniform => format!("{}..{}:log", self.lo, self.hi),
        }
    }

    /// Where `x` lies in the range, from 0 to 1, on the prior's scale.
    pub fn position(&self, x: f64) -> f64 {
        let u = match self.scale {
            Scale::Uniform => (x - self.lo) / (self.hi - self.lo),
            Scale::LogUniform => (x / self.lo).ln() / (self.hi / self.lo).ln(),
        };
        u.clamp(EDGE, 1.0 - EDGE)
    }

    /// The value at position `u` (0 to 1) of the range.
    pub fn at(&self, u: f64) -> f64 {
        match self.scale {
            Scale::Uniform => self.lo + u * (self.hi - self.lo),
            Scale::LogUniform => self.lo * (self.hi / self.lo).powf(u),
        }
    }

    /// `x` on the unbounded scale the regression adjustment works on.
    pub fn to_free(&self, x: f64) -> f64 {
        let u = self.position(x);
        (u / (1.0 - u)).ln()
    }

    /// The value whose unbounded form is `z`: always inside the range.
    pub fn from_free(&self, z: f64) -> f64 {
        self.at(1.0 / (1.0 + (-z).exp()))
    }

    /// The value as the calibrated scenario holds it: whole for an integer
    /// key, else six significant digits (as sweeps draw them).
    pub fn rounded(&self, x: f64) -> f64 {
        if self.integer {
            x.round()
        } else {
            significant(x, 6)
        }
    }

    /// The range's width on the prior's scale, to compare an interval
    /// against: a log-uniform prior's on the log scale.
    pub fn width_of(&self, low: f64, high: f64) -> f64 {
        self.position_unclamped(high) - self.position_unclamped(low)
    }

    fn position_unclamped(&self, x: f64) -> f64 {
        match self.scale {
            Scale::Uniform => (x - self.lo) / (self.hi - self.lo),
            Scale::LogUniform => (x / self.lo).ln() / (self.hi / self.lo).ln(),
        }
    }
}

impl fmt::Display for Prior {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} from {} to {}", self.scale.name(), self.lo, self.hi)
    }
}

/// `x` rounded to `digits` significant digits.
pub fn significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let magnitude = x.abs().log10().floor() as i32;
    let factor = 10f64.powi(digits - 1 - magnitude);
    (x * factor).round() / factor
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prior(lo: f64, hi: f64, scale: Scale) -> Prior {
        Prior {
            key: "k".into(),
            lo,
            hi,
            scale,
            integer: false,
            origin: Origin::Default,
        }
    }

    #[test]
    fn the_free_scale_round_trips_and_stays_in_range() {
        for p in [
            prior(0.05, 0.95, Scale::Uniform),
            prior(1.0, 64.0, Scale::LogUniform),
        ] {
            for x in [p.lo, p.at(0.3), p.at(0.9), p.hi] {
                let back = p.from_free(p.to_free(x));
                assert!((back - x).abs() <= 1e-5 * (p.hi - p.lo), "{x} → {back}");
            }
            for z in [-1e3, -5.0, 0.0, 5.0, 1e3] {
                let x = p.from_free(z);
                assert!(x >= p.lo && x <= p.hi, "{z} → {x}");
            }
        }
    }

    #[test]
    fn a_log_uniform_prior_is_even_in_orders_of_magnitude() {
        let p = prior(1.0, 100.0, Scale::LogUniform);
        assert!((p.at(0.5) - 10.0).abs() < 1e-9);
        assert!((p.width_of(1.0, 10.0) - 0.5).abs() < 1e-12);
        assert_eq!(p.spec(), "1..100:log");
        assert_eq!(prior(0.5, 2.0, Scale::Uniform).spec(), "0.5..2");
    }

    #[test]
    fn values_round_to_six_significant_digits_or_whole_numbers() {
        assert_eq!(significant(1.23456789, 6), 1.23457);
        assert_eq!(significant(123456.789, 6), 123457.0);
        let mut p = prior(1.0, 10.0, Scale::Uniform);
        p.integer = true;
        assert_eq!(p.rounded(3.6), 4.0);
    }
}
