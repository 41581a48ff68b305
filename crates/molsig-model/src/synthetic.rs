//! The paper's synthetic benchmark: gene-regulatory dynamics on random graphs.
//!
//! Each sample is a random graph (Erdős–Rényi, `nodes` nodes, expected degree `mean_degree`) and
//! the trajectory of one value per node under the Michaelis–Menten gene-regulatory model of
//! Barzel & Barabási (Nat. Phys. 9, 2013) and Gao, Barzel & Barabási (Nature 530, 2016), whose
//! self-dynamics exponent distinguishes degradation from dimerisation — our reading of the
//! paper's "degradation vs dimerisation" benchmark (its exact parameters are not given in our spec):
//!
//! dx_i/dt = −B x_i^f + R Σ_j A_ij x_j^h / (1 + x_j^h)
//!
//! with f = 1 (**degradation**, label 0) or f = 2 (**dimerisation**, label 1), h = 2 and B = R = 1
//! by default. The two classes share graphs' statistics, initial conditions and regulation; only
//! the self-dynamics differ, so a classifier has to read the dynamics. Integration is classical
//! Runge–Kutta (RK4) with `substeps` steps per sampling interval; values stay non-negative.
//!
//! Everything is drawn from one seed (SplitMix64), so a dataset is reproducible on every platform.

use crate::{Error, Result};
use molsig_rng::SplitMix64;

/// The self-dynamics term −B x^f that tells the classes apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regulation {
    /// f = 1: −B x (label 0).
    Degradation,
    /// f = 2: −B x² (label 1).
    Dimerisation,
}

impl Regulation {
    /// Class label: 0 for degradation, 1 for dimerisation.
    #[must_use]
    pub fn label(self) -> usize {
        match self {
            Self::Degradation => 0,
            Self::Dimerisation => 1,
        }
    }

    fn decay(self, b: f64, x: f64) -> f64 {
        match self {
            Self::Degradation => b * x,
            Self::Dimerisation => b * x * x,
        }
    }
}

/// Parameters of the generator; `Default` has the paper's graph size (100 nodes) and 100 frames.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneRegulatoryConfig {
    /// Nodes per graph.
    pub nodes: usize,
    /// Expected degree of a node (edge probability = mean_degree / (nodes − 1)).
    pub mean_degree: f64,
    /// Frames per trajectory (the initial state is frame 0).
    pub frames: usize,
    /// Time between frames.
    pub interval: f64,
    /// RK4 steps per interval.
    pub substeps: usize,
    /// Self-dynamics rate B.
    pub b: f64,
    /// Regulation strength R.
    pub r: f64,
    /// Hill coefficient h.
    pub hill: f64,
    /// Initial values are uniform in [0, initial_max).
    pub initial_max: f64,
    /// Seed of everything.
    pub seed: u64,
}

impl Default for GeneRegulatoryConfig {
    fn default() -> Self {
        Self {
            nodes: 100,
            mean_degree: 4.0,
            frames: 100,
            interval: 0.05,
            substeps: 10,
            b: 1.0,
            r: 1.0,
            hill: 2.0,
            initial_max: 5.0,
            seed: 2025,
        }
    }
}

/// One sample: an undirected graph and one value per node per frame.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphSample {
    /// Nodes of the graph.
    pub nodes: usize,
    /// Undirected edges (i < j), each once.
    pub edges: Vec<(usize, usize)>,
    /// Node values, `[frames, nodes]` row-major (one feature per node).
    pub values: Vec<f32>,
    /// Frames.
    pub frames: usize,
    /// Class: [`Regulation::label`].
    pub label: usize,
}

/// `per_class` samples of each class, interleaved (degradation, dimerisation, …). Sample k of
/// either class uses the same graph and initial state, so the pair differs only in dynamics.
///
/// # Errors
/// Zero nodes, frames or substeps, or a non-positive or non-finite rate or interval.
pub fn gene_regulatory(
    config: &GeneRegulatoryConfig,
    per_class: usize,
) -> Result<Vec<GraphSample>> {
    check(config)?;
    let mut rng = SplitMix64::new(config.seed);
    let mut samples = Vec::with_capacity(2 * per_class);
    for _ in 0..per_class {
        let edges = random_graph(&mut rng, config.nodes, config.mean_degree);
        let initial: Vec<f64> = (0..config.nodes)
            .map(|_| rng.uniform() * config.initial_max)
            .collect();
        for regulation in [Regulation::Degradation, Regulation::Dimerisation] {
            samples.push(simulate(config, &edges, &initial, regulation));
        }
    }
    Ok(samples)
}

fn check(c: &GeneRegulatoryConfig) -> Result<()> {
    let positive = |x: f64| x.is_finite() && x > 0.0;
    if c.nodes == 0 || c.frames == 0 || c.substeps == 0 {
        return Err(Error::Invalid(format!(
            "gene-regulatory generator needs nodes, frames and substeps ≥ 1 (got {}, {}, {})",
            c.nodes, c.frames, c.substeps
        )));
    }
    let rates_ok = [c.interval, c.b, c.r, c.hill, c.initial_max]
        .into_iter()
        .all(positive);
    let degree_ok = c.mean_degree.is_finite() && c.mean_degree >= 0.0;
    if !(rates_ok && degree_ok) {
        return Err(Error::Invalid(format!(
            "gene-regulatory generator needs positive finite interval, B, R, h and initial range, \
             and a mean degree ≥ 0: {c:?}"
        )));
    }
    Ok(())
}

/// Erdős–Rényi G(n, p) with p = mean_degree / (n − 1), edges i < j.
fn random_graph(rng: &mut SplitMix64, nodes: usize, mean_degree: f64) -> Vec<(usize, usize)> {
    let p = if nodes > 1 {
        (mean_degree / (nodes - 1) as f64).min(1.0)
    } else {
        0.0
    };
    (0..nodes)
        .flat_map(|i| (i + 1..nodes).map(move |j| (i, j)))
        .filter(|_| rng.uniform() < p)
        .collect()
}

/// Integrates one trajectory with RK4 and records every interval.
pub(crate) fn simulate(
    config: &GeneRegulatoryConfig,
    edges: &[(usize, usize)],
    initial: &[f64],
    regulation: Regulation,
) -> GraphSample {
    let n = config.nodes;
    let mut neighbours = vec![Vec::new(); n];
    for &(i, j) in edges {
        neighbours[i].push(j);
        neighbours[j].push(i);
    }
    let rate = |x: &[f64], out: &mut [f64]| {
        let activation: Vec<f64> = x
            .iter()
            .map(|&v| {
                let p = v.max(0.0).powf(config.hill);
                p / (1.0 + p)
            })
            .collect();
        for (i, o) in out.iter_mut().enumerate() {
            let input: f64 = neighbours[i].iter().map(|&j| activation[j]).sum();
            *o = -regulation.decay(config.b, x[i]) + config.r * input;
        }
    };
    let h = config.interval / config.substeps as f64;
    let mut x = initial.to_vec();
    let (mut k1, mut k2, mut k3, mut k4, mut tmp) = (
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
    );
    let mut values = Vec::with_capacity(config.frames * n);
    values.extend(x.iter().map(|&v| v as f32));
    for _ in 1..config.frames {
        for _ in 0..config.substeps {
            rate(&x, &mut k1);
            for i in 0..n {
                tmp[i] = x[i] + 0.5 * h * k1[i];
            }
            rate(&tmp, &mut k2);
            for i in 0..n {
                tmp[i] = x[i] + 0.5 * h * k2[i];
            }
            rate(&tmp, &mut k3);
            for i in 0..n {
                tmp[i] = x[i] + h * k3[i];
            }
            rate(&tmp, &mut k4);
            for i in 0..n {
                x[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
            }
        }
        values.extend(x.iter().map(|&v| v as f32));
    }
    GraphSample {
        nodes: n,
        edges: edges.to_vec(),
        values,
        frames: config.frames,
        label: regulation.label(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn isolated(frames: usize) -> GeneRegulatoryConfig {
        GeneRegulatoryConfig {
            nodes: 3,
            mean_degree: 0.0,
            frames,
            ..GeneRegulatoryConfig::default()
        }
    }

    #[test]
    fn isolated_degradation_is_exponential_decay() {
        let c = isolated(50);
        let x0 = [0.5, 2.0, 4.5];
        let s = simulate(&c, &[], &x0, Regulation::Degradation);
        for t in 0..c.frames {
            let time = t as f64 * c.interval;
            for (i, &x) in x0.iter().enumerate() {
                let want = x * (-c.b * time).exp();
                let got = f64::from(s.values[t * 3 + i]);
                assert!(
                    (got - want).abs() <= 1e-6 * want.max(1e-3),
                    "t {t} node {i}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn isolated_dimerisation_is_hyperbolic_decay() {
        let c = isolated(50);
        let x0 = [0.5, 2.0, 4.5];
        let s = simulate(&c, &[], &x0, Regulation::Dimerisation);
        for t in 0..c.frames {
            let time = t as f64 * c.interval;
            for (i, &x) in x0.iter().enumerate() {
                let want = x / (1.0 + c.b * x * time);
                let got = f64::from(s.values[t * 3 + i]);
                assert!(
                    (got - want).abs() <= 1e-6 * want,
                    "t {t} node {i}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn one_edge_settles_on_the_analytic_fixed_point() {
        // Two coupled nodes with R = 3: the symmetric states solve x = 3x²/(1 + x²), i.e. x = 0 or
        // x = (3 ± √5)/2; starting from (3, 0), node 0 keeps node 1 up and both reach the stable
        // upper state (3 + √5)/2.
        let c = GeneRegulatoryConfig {
            nodes: 2,
            frames: 600,
            r: 3.0,
            ..GeneRegulatoryConfig::default()
        };
        let s = simulate(&c, &[(0, 1)], &[3.0, 0.0], Regulation::Degradation);
        let last = &s.values[(c.frames - 1) * 2..];
        let want = f64::midpoint(3.0, 5.0_f64.sqrt());
        for &x in last {
            assert!((f64::from(x) - want).abs() < 1e-4, "{last:?} vs {want}");
        }
    }

    #[test]
    fn datasets_are_reproducible_paired_and_shaped() {
        let c = GeneRegulatoryConfig {
            nodes: 30,
            frames: 20,
            ..GeneRegulatoryConfig::default()
        };
        let a = gene_regulatory(&c, 3).expect("generate");
        assert_eq!(a, gene_regulatory(&c, 3).expect("again"));
        assert_ne!(
            a,
            gene_regulatory(
                &GeneRegulatoryConfig {
                    seed: 7,
                    ..c.clone()
                },
                3
            )
            .expect("other seed")
        );
        assert_eq!(a.len(), 6);
        for pair in a.chunks(2) {
            assert_eq!((pair[0].label, pair[1].label), (0, 1));
            assert_eq!(pair[0].edges, pair[1].edges);
            assert_eq!(
                pair[0].values[..30],
                pair[1].values[..30],
                "same initial state"
            );
            assert_ne!(pair[0].values, pair[1].values, "different dynamics");
        }
        for s in &a {
            assert_eq!(s.values.len(), 20 * 30);
            assert!(s.values.iter().all(|v| v.is_finite() && *v >= 0.0));
            assert!(s.edges.iter().all(|&(i, j)| i < j && j < 30));
        }
        let degree = a
            .iter()
            .step_by(2)
            .map(|s| 2.0 * s.edges.len() as f64 / 30.0)
            .sum::<f64>()
            / 3.0;
        assert!((2.0..6.0).contains(&degree), "mean degree {degree}");
    }

    #[test]
    fn bad_configs_are_errors() {
        let c = GeneRegulatoryConfig::default();
        assert!(
            gene_regulatory(
                &GeneRegulatoryConfig {
                    nodes: 0,
                    ..c.clone()
                },
                1
            )
            .is_err()
        );
        assert!(
            gene_regulatory(
                &GeneRegulatoryConfig {
                    interval: f64::NAN,
                    ..c.clone()
                },
                1
            )
            .is_err()
        );
        assert!(
            gene_regulatory(
                &GeneRegulatoryConfig {
                    mean_degree: -1.0,
                    ..c
                },
                1
            )
            .is_err()
        );
    }
}
