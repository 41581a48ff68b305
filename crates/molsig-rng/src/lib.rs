//! molsig-rng: molsig's one seeded random number generator, `SplitMix64` (Steele, Lea & Flood,
//! OOPSLA 2014), for every crate, test, example and benchmark.
//!
//! Datasets, splits, folds and test data must come out the same on every platform, in the
//! browser and natively, from nothing but a seed: `SplitMix64` is tiny, fast, has no dependencies
//! and its stream is fully specified by the constants below. It is not cryptographic, and need
//! not be.
#![warn(missing_docs)]

/// `SplitMix64`: tiny, and the same stream on every platform.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator whose stream is determined by `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 uniformly distributed bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1), with 53 random bits (every value a multiple of 2⁻⁵³).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// Uniform in [−1, 1), exactly representable (53 random bits).
    pub fn symmetric(&mut self) -> f64 {
        2.0 * self.uniform() - 1.0
    }

    /// Uniform in [`lo`, `hi`) as `f32`.
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.uniform() as f32
    }

    /// Uniform in [−0.5, 0.5) as `f32`: small noise for test trajectories and benchmarks.
    pub fn noise(&mut self) -> f32 {
        (self.uniform() - 0.5) as f32
    }

    /// Uniform in `0..n`, without modulo bias (Lemire's multiply-and-reject, ACM TOMACS 2019).
    ///
    /// # Panics
    /// If `n` is 0 (an empty range has no element to return).
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "SplitMix64::below(0): empty range");
        // 2⁶⁴ mod n: products whose low half falls below it would over-represent some outputs.
        let threshold = n.wrapping_neg() % n;
        loop {
            let product = u128::from(self.next_u64()) * u128::from(n);
            if (product as u64) >= threshold {
                return (product >> 64) as u64;
            }
        }
    }

    /// Shuffles `items` in place, every permutation equally likely (Fisher–Yates, Durstenfeld's
    /// in-place form: swap each position from the back with a uniformly chosen earlier one).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_matches_the_reference_implementation() {
        // The first outputs for this seed as listed in rand_xoshiro's test `reference` (made with
        // Vigna's splitmix64.c), also reproduced by a Python transcription of the algorithm.
        let mut rng = SplitMix64::new(1_477_776_061_723_855_037);
        let got: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(
            got,
            [
                1_985_237_415_132_408_290,
                2_979_275_885_539_914_483,
                13_511_426_838_097_143_398,
            ]
        );
    }

    #[test]
    fn uniform_is_in_the_unit_interval_with_mean_one_half() {
        let mut rng = SplitMix64::new(7);
        let draws: Vec<f64> = (0..10_000).map(|_| rng.uniform()).collect();
        assert!(draws.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
    }

    #[test]
    fn below_covers_the_range_evenly() {
        let mut rng = SplitMix64::new(11);
        let mut counts = [0_usize; 6];
        for _ in 0..60_000 {
            counts[rng.below(6) as usize] += 1;
        }
        for c in counts {
            assert!((9_500..10_500).contains(&c), "{counts:?}");
        }
        assert_eq!(rng.below(1), 0);
    }

    #[test]
    fn shuffle_permutes_deterministically_and_uniformly() {
        let mut a: Vec<usize> = (0..20).collect();
        let mut b = a.clone();
        SplitMix64::new(3).shuffle(&mut a);
        SplitMix64::new(3).shuffle(&mut b);
        assert_eq!(a, b, "same seed, same order");
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..20).collect::<Vec<_>>(), "a permutation");
        assert_ne!(a, (0..20).collect::<Vec<_>>(), "actually shuffled");

        // All 6 orders of 3 items, each about 1/6 of the time.
        let mut rng = SplitMix64::new(5);
        let mut seen = std::collections::HashMap::new();
        for _ in 0..6_000 {
            let mut v = [0, 1, 2];
            rng.shuffle(&mut v);
            *seen.entry(v).or_insert(0_usize) += 1;
        }
        assert_eq!(seen.len(), 6);
        assert!(
            seen.values().all(|&c| (850..1_150).contains(&c)),
            "{seen:?}"
        );

        let mut empty: [u8; 0] = [];
        rng.shuffle(&mut empty);
    }
}
