//! The Sobol' low-discrepancy sequence in base 2, digitally shifted.
//!
//! Point i of dimension d is the XOR of the direction numbers of d picked
//! by the bits of i (natural order, which visits the same points as the
//! Gray-code order in every prefix of 2^m points). The direction numbers
//! are Joe and Kuo's (2008, `new-joe-kuo-6.21201`) for the first 41
//! dimensions. Each dimension is then XORed with a 32-bit shift drawn from
//! the design's seeded stream — a random digital shift, which keeps every
//! prefix of 2^m points a (t, m, s)-net while removing the plain
//! sequence's point at the origin and making the sample depend on the
//! seed.
//!
//! References: Sobol' (1967); Joe & Kuo, "Constructing Sobol sequences
//! with better two-dimensional projections", SIAM J. Sci. Comput. 30
//! (2008).

use rand::Rng;

/// Bits of each coordinate.
const BITS: usize = 32;

/// Joe and Kuo's primitive polynomials and initial direction numbers for
/// dimensions 2 to 41: (degree s, inner coefficients a, m_1 … m_s).
const JOE_KUO: [(u32, u32, &[u32]); 40] = [
    (1, 0, &[1]),
    (2, 1, &[1, 3]),
    (3, 1, &[1, 3, 1]),
    (3, 2, &[1, 1, 1]),
    (4, 1, &[1, 1, 3, 3]),
    (4, 4, &[1, 3, 5, 13]),
    (5, 2, &[1, 1, 5, 5, 17]),
    (5, 4, &[1, 1, 5, 5, 5]),
    (5, 7, &[1, 1, 7, 11, 19]),
    (5, 11, &[1, 1, 5, 1, 1]),
    (5, 13, &[1, 1, 1, 3, 11]),
    (5, 14, &[1, 3, 5, 5, 31]),
    (6, 1, &[1, 3, 3, 9, 7, 49]),
    (6, 13, &[1, 1, 1, 15, 21, 21]),
    (6, 16, &[1, 3, 1, 13, 27, 49]),
    (6, 19, &[1, 1, 1, 15, 7, 5]),
    (6, 22, &[1, 3, 1, 15, 13, 25]),
    (6, 25, &[1, 1, 5, 5, 19, 61]),
    (7, 1, &[1, 3, 7, 11, 23, 15, 103]),
    (7, 4, &[1, 3, 7, 13, 13, 15, 69]),
    (7, 7, &[1, 1, 3, 13, 7, 35, 63]),
    (7, 8, &[1, 3, 5, 9, 1, 25, 53]),
    (7, 14, &[1, 3, 1, 13, 9, 35, 107]),
    (7, 19, &[1, 3, 1, 5, 27, 61, 31]),
    (7, 21, &[1, 1, 5, 11, 19, 41, 61]),
    (7, 28, &[1, 3, 5, 3, 3, 13, 69]),
    (7, 31, &[1, 1, 7, 13, 1, 19, 1]),
    (7, 32, &[1, 3, 7, 5, 13, 19, 59]),
    (7, 37, &[1, 1, 3, 9, 25, 29, 41]),
    (7, 41, &[1, 3, 5, 13, 23, 1, 55]),
    (7, 42, &[1, 3, 7, 3, 13, 59, 17]),
    (7, 50, &[1, 3, 1, 3, 5, 53, 69]),
    (7, 55, &[1, 1, 5, 5, 23, 33, 13]),
    (7, 56, &[1, 1, 7, 7, 1, 61, 123]),
    (7, 59, &[1, 1, 7, 9, 13, 61, 49]),
    (7, 62, &[1, 3, 3, 5, 3, 55, 33]),
    (8, 14, &[1, 3, 1, 15, 31, 13, 49, 245]),
    (8, 21, &[1, 3, 5, 15, 31, 59, 63, 97]),
    (8, 22, &[1, 3, 1, 11, 11, 11, 77, 249]),
    (8, 38, &[1, 3, 1, 11, 27, 43, 71, 9]),
];

/// The most dimensions the sequence has.
pub const MAX_DIMENSIONS: usize = JOE_KUO.len() + 1;

/// The most points the sequence gives before it repeats.
pub const MAX_POINTS: usize = 1 << 31;

/// A digitally shifted Sobol' sequence of a fixed number of dimensions.
#[derive(Clone, Debug)]
pub struct Sequence {
    directions: Vec<[u32; BITS]>,
    shifts: Vec<u32>,
}

impl Sequence {
    /// The plain sequence (no shift) in `dims` dimensions.
    pub fn plain(dims: usize) -> Result<Sequence, String> {
        if dims > MAX_DIMENSIONS {
            return Err(format!(
                "{dims} dimensions: the Sobol' sequence here has at most {MAX_DIMENSIONS}"
            ));
        }
        Ok(Sequence {
            directions: (0..dims).map(directions).collect(),
            shifts: vec![0; dims],
        })
    }

    /// The sequence in `dims` dimensions, each shifted by bits from `rng`.
    pub fn shifted(dims: usize, rng: &mut impl Rng) -> Result<Sequence, String> {
        let mut s = Sequence::plain(dims)?;
        for shift in &mut s.shifts {
            *shift = rng.random::<u32>();
        }
        Ok(s)
    }

    /// Point `i`: one coordinate in [0, 1) per dimension.
    pub fn point(&self, i: usize) -> Vec<f64> {
        self.directions
            .iter()
            .zip(&self.shifts)
            .map(|(v, shift)| {
                let x = (0..BITS)
                    .filter(|j| (i >> j) & 1 == 1)
                    .fold(0u32, |x, j| x ^ v[j]);
                f64::from(x ^ shift) / 2f64.powi(BITS as i32)
            })
            .collect()
    }
}

/// The 32 direction numbers of dimension `d` (from 0), by the recurrence
/// of Bratley and Fox as Joe and Kuo state it.
fn directions(d: usize) -> [u32; BITS] {
    let mut v = [0u32; BITS];
    if d == 0 {
        for (j, vj) in v.iter_mut().enumerate() {
            *vj = 1 << (BITS - 1 - j);
        }
        return v;
    }
    let (s, a, m) = JOE_KUO[d - 1];
    let s = s as usize;
    for j in 0..BITS {
        v[j] = if j < s {
            m[j] << (BITS - 1 - j)
        } else {
            let mut x = v[j - s] ^ (v[j - s] >> s);
            for k in 1..s {
                if (a >> (s - 1 - k)) & 1 == 1 {
                    x ^= v[j - k];
                }
            }
            x
        };
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plain_sequence_starts_as_published() {
        // The first points of Joe and Kuo's sequence, in natural order.
        let s = Sequence::plain(3).unwrap();
        assert_eq!(s.point(0), [0.0, 0.0, 0.0]);
        assert_eq!(s.point(1), [0.5, 0.5, 0.5]);
        assert_eq!(s.point(2), [0.25, 0.75, 0.75]);
        assert_eq!(s.point(3), [0.75, 0.25, 0.25]);
    }

    #[test]
    fn every_pair_of_dimensions_is_a_net_in_each_power_of_two() {
        // Alone, each dimension's first 2^m points put one point in each
        // stratum of width 2^-m; in pairs, the first 256 points leave no
        // 1/8 × 1/8 box empty. Both fail with a wrong direction number or
        // recurrence, and both survive the digital shift.
        let mut rng = crate::streams::stream(1, crate::streams::Purpose::Analysis, &[7]);
        let s = Sequence::shifted(MAX_DIMENSIONS, &mut rng).unwrap();
        let pts: Vec<Vec<f64>> = (0..1024).map(|i| s.point(i)).collect();
        for m in 1..=10 {
            let n = 1usize << m;
            for d in 0..MAX_DIMENSIONS {
                let mut seen = vec![false; n];
                for p in &pts[..n] {
                    seen[(p[d] * n as f64) as usize] = true;
                }
                assert!(seen.iter().all(|&x| x), "dimension {d}, 2^{m} points");
            }
        }
        for (d1, d2) in [(0, 1), (1, 2), (5, 17), (30, 40)] {
            let side = 1usize << 3;
            let mut count = vec![0; side * side];
            for p in &pts[..256] {
                let (a, b) = (
                    (p[d1] * side as f64) as usize,
                    (p[d2] * side as f64) as usize,
                );
                count[a * side + b] += 1;
            }
            // 256 points in 64 boxes: a low-discrepancy pair leaves none
            // empty (a bad direction number leaves whole rows empty).
            assert!(count.iter().all(|&c| c > 0), "dimensions {d1} and {d2}");
        }
    }

    #[test]
    fn too_many_dimensions_are_refused() {
        assert!(Sequence::plain(MAX_DIMENSIONS + 1).is_err());
    }
}
