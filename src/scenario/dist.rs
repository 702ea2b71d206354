//! Uncertain quantities: a fixed number or a probability distribution.
//!
//! A trait such as memory or a job's value is written either as a number
//! (`generosity = 0.3`) or as a table
//! (`job_value = { dist = "lognormal", mean = 1500, sd = 600 }`). Parameters
//! are checked when the scenario is read, so sampling can never fail later.

use rand::Rng;
use rand_distr::{Beta, Distribution, LogNormal, Normal, Triangular};
use serde::Serialize;

use super::choices::choice;
use super::read::{Check, Reader, Table};
use super::tree::{Node, Value};
use super::Choice;

/// A number, or a distribution to draw it from.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Dist {
    Fixed(f64),
    Drawn(Shape),
}

/// The distributions a scenario may name.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "lowercase")]
pub enum Shape {
    Normal {
        mean: f64,
        sd: f64,
    },
    /// Parameterised by the mean and standard deviation of the value itself
    /// (not of its logarithm), which is how a trainer knows job values.
    Lognormal {
        mean: f64,
        sd: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    Beta {
        alpha: f64,
        beta: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
}

/// The values a quantity may take; draws outside are clamped into it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Domain {
    /// 0 ≤ x ≤ 1.
    Unit,
    /// x > 0.
    Positive,
}

impl Domain {
    fn contains(self, x: f64) -> bool {
        match self {
            Domain::Unit => (0.0..=1.0).contains(&x),
            Domain::Positive => x > 0.0,
        }
    }

    fn clamp(self, x: f64) -> f64 {
        match self {
            Domain::Unit => x.clamp(0.0, 1.0),
            // A tiny floor keeps half-lives and values meaningful.
            Domain::Positive => x.max(1e-9),
        }
    }

    fn check(self) -> Check {
        match self {
            Domain::Unit => Check::Probability,
            Domain::Positive => Check::Positive("units"),
        }
    }
}

impl Dist {
    /// The expected value (before clamping).
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Fixed(x) => *x,
            Dist::Drawn(Shape::Normal { mean, .. } | Shape::Lognormal { mean, .. }) => *mean,
            Dist::Drawn(Shape::Uniform { min, max }) => (min + max) / 2.0,
            Dist::Drawn(Shape::Beta { alpha, beta }) => alpha / (alpha + beta),
            Dist::Drawn(Shape::Triangular { min, mode, max }) => (min + mode + max) / 3.0,
        }
    }

    /// One draw, clamped into `domain`. Parameters were validated on load;
    /// should a constructor still refuse them, the mean stands in.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R, domain: Domain) -> f64 {
        self.sampler(domain).sample(rng)
    }

    /// This distribution made ready for many draws into `domain`, each the
    /// same as [`Dist::sample`]'s: the parameters are converted once (a
    /// lognormal's moments into those of its logarithm, say) rather than
    /// at every draw.
    pub fn sampler(&self, domain: Domain) -> Sampler {
        let kind = match self {
            Dist::Fixed(x) => Kind::Fixed(*x),
            Dist::Drawn(shape) => match *shape {
                Shape::Normal { mean, sd } => {
                    Normal::new(mean, sd).map_or(Kind::Fixed(mean), Kind::Normal)
                }
                Shape::Lognormal { mean, sd } => {
                    // Moments of the value → parameters of its logarithm.
                    let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
                    let mu = mean.ln() - sigma2 / 2.0;
                    LogNormal::new(mu, sigma2.sqrt()).map_or(Kind::Fixed(mean), Kind::Lognormal)
                }
                Shape::Uniform { min, max } => {
                    if max > min {
                        Kind::Uniform { min, max }
                    } else {
                        Kind::Fixed(min)
                    }
                }
                Shape::Beta { alpha, beta } => {
                    Beta::new(alpha, beta).map_or(Kind::Fixed(alpha / (alpha + beta)), Kind::Beta)
                }
                Shape::Triangular { min, mode, max } => {
                    Triangular::new(min, max, mode).map_or(Kind::Fixed(mode), Kind::Triangular)
                }
            },
        };
        Sampler { kind, domain }
    }
}

/// A [`Dist`] ready to draw from (see [`Dist::sampler`]).
#[derive(Clone, Copy, Debug)]
pub struct Sampler {
    kind: Kind,
    domain: Domain,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Fixed(f64),
    Normal(Normal<f64>),
    Lognormal(LogNormal<f64>),
    Uniform { min: f64, max: f64 },
    Beta(Beta<f64>),
    Triangular(Triangular<f64>),
}

impl Sampler {
    /// One draw, clamped into the sampler's domain.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = match &self.kind {
            Kind::Fixed(x) => *x,
            Kind::Normal(d) => d.sample(rng),
            Kind::Lognormal(d) => d.sample(rng),
            Kind::Uniform { min, max } => rng.random_range(*min..*max),
            Kind::Beta(d) => d.sample(rng),
            Kind::Triangular(d) => d.sample(rng),
        };
        self.domain.clamp(x)
    }
}

choice! {
    /// The word that names a [`Shape`] (`dist = "lognormal"`).
    enum ShapeName {
        Normal = "normal",
        Lognormal = "lognormal",
        Uniform = "uniform",
        Beta = "beta",
        Triangular = "triangular",
    }
}

impl Shape {
    /// What is wrong with these parameters together for a quantity in
    /// `domain`, if anything (each one alone was checked on reading).
    fn problem(&self, domain: Domain) -> Option<String> {
        match *self {
            Shape::Uniform { min, max } if min > max => Some("expected min ≤ max".to_string()),
            Shape::Triangular { min, mode, max } if !(min <= mode && mode <= max) => {
                Some("expected min ≤ mode ≤ max".to_string())
            }
            Shape::Uniform { min, max } | Shape::Triangular { min, max, .. }
                if domain == Domain::Unit && (min < 0.0 || max > 1.0) =>
            {
                Some("expected min and max between 0 and 1 for a probability".into())
            }
            Shape::Uniform { min, .. } | Shape::Triangular { min, .. }
                if domain == Domain::Positive && min < 0.0 =>
            {
                Some("expected min ≥ 0 for a positive quantity".into())
            }
            Shape::Normal { mean, .. } if !domain.contains(mean) => Some(format!(
                "expected a mean within the quantity's range ({})",
                domain.check().expected().trim_start_matches("expected ")
            )),
            Shape::Beta { .. } if domain != Domain::Unit => {
                Some("a beta distribution is only for quantities between 0 and 1".into())
            }
            _ => None,
        }
    }
}

impl Reader {
    /// A number or distribution table at `table.key`, whose values must lie
    /// in `domain`.
    pub fn dist(
        &mut self,
        table: &Table<'_>,
        key: &'static str,
        default: Dist,
        domain: Domain,
    ) -> Dist {
        match table.get(key) {
            None => default,
            Some(node) => self
                .dist_node(node, table.key(key), domain)
                .unwrap_or(default),
        }
    }

    /// Reads a distribution from a node; `None` (with diagnostics) if invalid.
    pub fn dist_node(&mut self, node: &Node, path: String, domain: Domain) -> Option<Dist> {
        let x = match node.value {
            Value::Integer(i) => i as f64,
            Value::Float(x) => x,
            Value::Table(_) => return self.drawn(node, path, domain),
            ref other => {
                let found = other.type_name();
                self.error(
                    path,
                    Some(node),
                    format!(
                        "expected a number or a table such as {{ dist = \"lognormal\", mean = 1500, sd = 600 }}, found {found}"
                    ),
                );
                return None;
            }
        };
        if x.is_finite() && domain.contains(x) {
            Some(Dist::Fixed(x))
        } else {
            self.error(path, Some(node), domain.check().expected());
            None
        }
    }

    /// A distribution table (`{ dist = "beta", alpha = 2, beta = 5 }`) at
    /// `path`: its shape, each parameter on its own, then the parameters
    /// together.
    fn drawn(&mut self, node: &Node, path: String, domain: Domain) -> Option<Dist> {
        let t = self.table(node, path.clone());
        let before = self.diagnostics.len();
        let shape = self.shape(&t, node);
        if shape.is_none() {
            // With the shape unknown, its parameters cannot be judged.
            t.entries();
        }
        self.finish(t);
        let shape = shape?;
        if self.diagnostics.len() > before {
            return None;
        }
        match shape.problem(domain) {
            Some(p) => {
                self.error(path, Some(node), p);
                None
            }
            None => Some(Dist::Drawn(shape)),
        }
    }

    /// The shape that `t.dist` names, with its parameters each checked on
    /// its own; `None` if the name is missing or unknown.
    fn shape(&mut self, t: &Table<'_>, node: &Node) -> Option<Shape> {
        let name = self.pick::<ShapeName>(t, "dist");
        let expected = format!("expected one of {}", ShapeName::words().join(", "));
        self.require(t, "dist", node, &expected);
        let mut need = |k: &'static str, check: Check| -> f64 {
            self.require(t, k, node, &check.expected());
            self.f64(t, k, f64::NAN, check)
        };
        let any = Check::Between(f64::MIN, f64::MAX, "units");
        let positive = Check::Positive("units");
        let spread = Check::NonNegative("units");
        Some(match name? {
            ShapeName::Normal => Shape::Normal {
                mean: need("mean", any),
                sd: need("sd", spread),
            },
            ShapeName::Lognormal => Shape::Lognormal {
                mean: need("mean", positive),
                sd: need("sd", spread),
            },
            ShapeName::Uniform => Shape::Uniform {
                min: need("min", any),
                max: need("max", any),
            },
            ShapeName::Beta => Shape::Beta {
                alpha: need("alpha", positive),
                beta: need("beta", positive),
            },
            ShapeName::Triangular => Shape::Triangular {
                min: need("min", any),
                mode: need("mode", any),
                max: need("max", any),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    fn sample_mean(d: &Dist, domain: Domain) -> f64 {
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        let n = 200_000;
        (0..n).map(|_| d.sample(&mut rng, domain)).sum::<f64>() / n as f64
    }

    #[test]
    fn lognormal_keeps_the_stated_mean() {
        // 200,000 draws of sd 600: standard error ≈ 1.3, so ±10 is ~7 s.e.
        let d = Dist::Drawn(Shape::Lognormal {
            mean: 1500.0,
            sd: 600.0,
        });
        assert!((sample_mean(&d, Domain::Positive) - 1500.0).abs() < 10.0);
    }

    #[test]
    fn every_shape_samples_near_its_mean_and_inside_its_domain() {
        let shapes = [
            Dist::Drawn(Shape::Normal { mean: 0.4, sd: 0.1 }),
            Dist::Drawn(Shape::Uniform { min: 0.2, max: 0.6 }),
            Dist::Drawn(Shape::Beta {
                alpha: 2.0,
                beta: 3.0,
            }),
            Dist::Drawn(Shape::Triangular {
                min: 0.0,
                mode: 0.3,
                max: 0.9,
            }),
        ];
        for d in &shapes {
            // All have sd ≤ 0.25 → standard error of the mean ≤ 0.0006.
            let m = sample_mean(d, Domain::Unit);
            assert!((m - d.mean()).abs() < 0.005, "{d:?}: {m}");
        }
    }
}
