//! A trajectory transformed, and what the model makes of it: the symmetries of the method
//! (translation, rotation, atom order, re-timing) and the ways to break them (reversal, noise,
//! dropped frames), for the classroom demos and their tests.
//!
//! The window is the trajectory's first sample as the model reads it. Time operations come
//! first (warp, repeat, drop, reverse), then space (permute, rotate, translate, noise). The copy
//! is cut into samples of the model's frame count and predicted like any trajectory. Its bead
//! paths are the centroids, weighted by the copy's own Q, of its coordinates *before* the
//! model's frame alignment, so a rotation shows in them while the model may not see it.

use burn::tensor::Device;
use molsig_model::data::Dataset;
use molsig_model::interpret::assignments;
use molsig_rng::SplitMix64;
use serde::{Deserialize, Serialize};

use crate::explain::sample_of;
use crate::predict::prediction_batch;
use crate::train::TrainedModel;
use crate::{Error, Result};

/// The largest translation, noise and warp knot count a transform may ask for.
const MAX_TRANSLATION: f64 = 1.0e4; // Å
const MAX_NOISE: f64 = 10.0; // Å
const MAX_WARP_KNOTS: usize = 1000;

/// What to do to the window. Every field is optional; the default changes nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Transform {
    /// Monotone time warp φ on [0, 1], as its values at equally spaced knots (first 0, last 1,
    /// never decreasing). The copy passes through every original frame and adds the points of
    /// the path at times φ(j / (T − 1)), so the path itself is unchanged. Empty: no warp.
    #[ts(as = "Option<Vec<f64>>", optional)]
    pub warp: Vec<f64>,
    /// Every this-many-th frame is shown twice (0: none).
    #[ts(as = "Option<usize>", optional)]
    pub repeat_every: usize,
    /// Every this-many-th frame is left out, the first and last kept (0: none; else ≥ 2).
    #[ts(as = "Option<usize>", optional)]
    pub drop_every: usize,
    /// Time runs backwards.
    #[ts(as = "Option<bool>", optional)]
    pub reverse: bool,
    /// Shuffle the atom order with this seed.
    #[ts(optional)]
    pub permute_seed: Option<u32>,
    /// Rotation axis (any length but zero when `rotateDegrees` is not 0).
    #[ts(as = "Option<[f64; 3]>", optional)]
    pub rotate_axis: [f64; 3],
    /// Rotation angle in degrees, about the first frame's centroid.
    #[ts(as = "Option<f64>", optional)]
    pub rotate_degrees: f64,
    /// Added to every point of every frame, Å.
    #[ts(as = "Option<[f64; 3]>", optional)]
    pub translate: [f64; 3],
    /// Standard deviation of Gaussian noise added to every coordinate, Å.
    #[ts(as = "Option<f64>", optional)]
    pub noise: f64,
    /// Seed of the noise.
    #[ts(as = "Option<u32>", optional)]
    pub noise_seed: u32,
}

/// One window of a trajectory after a [`Transform`], and the model's view of it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Transformed {
    /// Trajectory name.
    pub name: String,
    /// The copy's first frame as PDB text, in the original atom order (Å).
    pub pdb: String,
    /// Points per frame.
    pub points: usize,
    /// Beads (0 for models without coarse-graining).
    pub beads: usize,
    /// Frames of the copy.
    pub frames: usize,
    /// Each frame's time, in frames of the original window (decreasing when reversed).
    pub times: Vec<f64>,
    /// `[frames, points, 3]`, Å, in the original atom order (for drawing).
    pub coordinates: Vec<f32>,
    /// The copy's atom order: its point `i` is the original's point `order[i]`.
    pub order: Vec<usize>,
    /// The copy's Q in its own atom order, `[points, beads]`.
    pub assignments: Vec<f32>,
    /// Q comes from the model's pass over the copy; `false` when the copy's frame count differs
    /// from the model's, and the original's Q (in the copy's order) is used instead.
    pub assignments_from_model: bool,
    /// Bead centroids of the copy, `[frames, beads, 3]`, Å: the path the numbers are about.
    pub bead_paths: Vec<f64>,
    /// The model's classes, the order of `probabilities`.
    pub classes: Vec<String>,
    /// Mean class probabilities over the copy's samples; `null` when it is shorter than one
    /// sample.
    pub probabilities: Option<Vec<f32>>,
    /// Samples of the model's frame count the copy was cut into.
    pub samples: usize,
}

impl Transform {
    /// Checks every field and names the first bad one.
    ///
    /// # Errors
    /// [`Error::Input`] naming the field and what it must be.
    pub fn validate(&self) -> Result<()> {
        let bad = |what: String| Err(Error::Input(format!("transform: {what}")));
        if !self.warp.is_empty() {
            let w = &self.warp;
            if w.len() < 2 || w.len() > MAX_WARP_KNOTS {
                return bad(format!(
                    "warp needs 2 to {MAX_WARP_KNOTS} knots, got {}",
                    w.len()
                ));
            }
            if w.first() != Some(&0.0) || w.last() != Some(&1.0) {
                return bad("warp must start at 0 and end at 1".into());
            }
            if w.iter().any(|v| !v.is_finite()) || w.windows(2).any(|p| p[1] < p[0]) {
                return bad("warp values must never decrease".into());
            }
        }
        if self.drop_every == 1 {
            return bad("dropEvery must be 0 (none) or at least 2".into());
        }
        let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
        if !finite(&self.rotate_axis) || !self.rotate_degrees.is_finite() {
            return bad("the rotation must be finite".into());
        }
        if self.rotate_degrees != 0.0 && self.rotate_axis.iter().all(|&x| x == 0.0) {
            return bad("a rotation needs a non-zero axis".into());
        }
        if !finite(&self.translate) || self.translate.iter().any(|x| x.abs() > MAX_TRANSLATION) {
            return bad(format!(
                "translate must be finite and within ±{MAX_TRANSLATION} Å"
            ));
        }
        if !(0.0..=MAX_NOISE).contains(&self.noise) {
            return bad(format!("noise must lie in 0–{MAX_NOISE} Å"));
        }
        Ok(())
    }
}

/// Transforms the first sample of trajectory `trajectory` of `dataset` and runs `model` on the
/// copy. The identity transform gives the original, to compare against.
///
/// # Errors
/// A bad transform, data that does not fit the model, or the forward pass.
pub async fn transform(
    model: &TrainedModel,
    dataset: &Dataset,
    trajectory: usize,
    transform: &Transform,
    device: &Device,
) -> Result<Transformed> {
    transform.validate()?;
    let sample = sample_of(model, dataset, trajectory, 0)?;
    let molecule = &dataset.molecules[dataset.molecule_of(sample)];
    let (n, t) = (molecule.len(), dataset.frames);
    let window = window_of(&dataset.samples[sample].coordinates, n, t);
    let (times, mut frames) = retime(&window, transform);
    let order = atom_order(transform.permute_seed, n);
    move_in_space(&mut frames, &window[0], transform);

    // The copy as the model reads it: in its own atom order, nm, f32.
    let copy_molecule = molecule.permuted(&order)?;
    let header = &model.header;
    let mut copy = Dataset::new(dataset.classes.clone(), t);
    copy.add_molecule(copy_molecule);
    let nm: Vec<f32> = frames
        .iter()
        .flat_map(|frame| {
            order
                .iter()
                .flat_map(|&i| frame[i].map(|v| (v / 10.0) as f32))
        })
        .collect();
    let samples = frames.len() / t;
    let probabilities = if samples > 0 {
        copy.add_trajectory(&dataset.trajectories[trajectory].name, 0, &nm, None, "", t)?;
        if header.model.aligns_frames() {
            copy.align_frames();
        }
        Some(Box::pin(mean_probabilities(model, &copy, device)).await?)
    } else {
        None
    };

    // Q: the model's own for a copy of exactly one sample; otherwise the original's, reordered.
    let assignments_from_model = frames.len() == t;
    let q = if assignments_from_model {
        let (molecule, sample) = (&copy.molecules[0], &copy.samples[0]);
        Box::pin(assignments(
            &model.model,
            &header.model,
            molecule,
            &sample.coordinates,
            device,
        ))
        .await?
    } else {
        let sample = &dataset.samples[sample];
        let q = Box::pin(assignments(
            &model.model,
            &header.model,
            molecule,
            &sample.coordinates,
            device,
        ))
        .await?;
        q.map(|q| {
            let m = q.len() / n.max(1);
            order
                .iter()
                .flat_map(|&i| q[i * m..(i + 1) * m].iter().copied())
                .collect()
        })
    };
    let q = q.unwrap_or_default();
    let beads = q.len() / n.max(1);
    let bead_paths = centroids(&frames, &order, &q, beads);
    let coordinates = frames
        .iter()
        .flat_map(|frame| frame.iter().flat_map(|p| p.map(|v| v as f32)))
        .collect();
    let first: Vec<[f32; 3]> = frames[0]
        .iter()
        .map(|p| p.map(|v| (v / 10.0) as f32))
        .collect();
    Ok(Transformed {
        name: dataset.trajectories[trajectory].name.clone(),
        pdb: molecule.pdb(&first)?,
        points: n,
        beads,
        frames: frames.len(),
        times,
        coordinates,
        order,
        assignments: q,
        assignments_from_model,
        bead_paths,
        classes: header.classes.clone(),
        probabilities,
        samples,
    })
}

/// A sample's `[points, frames, 3]` nm coordinates frame-major in Å and f64, so that the
/// operations add no rounding of their own.
fn window_of(coordinates: &[f32], n: usize, t: usize) -> Vec<Vec<[f64; 3]>> {
    (0..t)
        .map(|f| {
            (0..n)
                .map(|i| {
                    let at = (i * t + f) * 3;
                    [0, 1, 2].map(|k| f64::from(coordinates[at + k]) * 10.0)
                })
                .collect()
        })
        .collect()
}

/// The copy's atom order: shuffled with `seed`, or the original's.
fn atom_order(seed: Option<u32>, n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    if let Some(seed) = seed {
        SplitMix64::new(u64::from(seed)).shuffle(&mut order);
    }
    order
}

/// The model's class probabilities averaged over every sample of `copy`.
async fn mean_probabilities(
    model: &TrainedModel,
    copy: &Dataset,
    device: &Device,
) -> Result<Vec<f32>> {
    let header = &model.header;
    let all: Vec<usize> = (0..copy.samples.len()).collect();
    let batch = prediction_batch(header);
    let p = molsig_model::train::predict(&model.model, &header.model, copy, &all, batch, device)
        .await?;
    let k = header.classes.len().max(1);
    let mut mean = vec![0.0_f32; k];
    for row in p.chunks(k) {
        for (m, v) in mean.iter_mut().zip(row) {
            *m += v / all.len() as f32;
        }
    }
    Ok(mean)
}

/// The time operations: each output frame with its time in window frames.
fn retime(window: &[Vec<[f64; 3]>], transform: &Transform) -> (Vec<f64>, Vec<Vec<[f64; 3]>>) {
    let last = (window.len() - 1) as f64;
    let mut times: Vec<f64> = (0..window.len()).map(|f| f as f64).collect();
    if !transform.warp.is_empty() {
        let knots = &transform.warp;
        let phi = |u: f64| {
            let x = u * (knots.len() - 1) as f64;
            let k = (x.floor() as usize).min(knots.len() - 2);
            knots[k] + (knots[k + 1] - knots[k]) * (x - k as f64)
        };
        times.extend((0..window.len()).map(|j| phi(j as f64 / last.max(1.0)) * last));
        times.sort_by(f64::total_cmp);
        times.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    }
    if transform.repeat_every > 0 {
        let every = transform.repeat_every;
        times = times
            .into_iter()
            .enumerate()
            .flat_map(|(j, s)| std::iter::repeat_n(s, if j % every == 0 { 2 } else { 1 }))
            .collect();
    }
    if transform.drop_every >= 2 {
        let (every, end) = (transform.drop_every, times.len() - 1);
        times = times
            .into_iter()
            .enumerate()
            .filter(|&(j, _)| j == 0 || j == end || j % every != 0)
            .map(|(_, s)| s)
            .collect();
    }
    if transform.reverse {
        times.reverse();
    }
    let frames = times.iter().map(|&s| at_time(window, s)).collect();
    (times, frames)
}

/// The piecewise-linear path through the window's frames at time `s` (in frames).
fn at_time(window: &[Vec<[f64; 3]>], s: f64) -> Vec<[f64; 3]> {
    let k = (s.floor().max(0.0) as usize).min(window.len() - 1);
    let w = s - k as f64;
    if w == 0.0 || k + 1 >= window.len() {
        return window[k].clone();
    }
    window[k]
        .iter()
        .zip(&window[k + 1])
        .map(|(a, b)| [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * w))
        .collect()
}

/// Rotation about the first frame's centroid, translation and noise, in place.
fn move_in_space(frames: &mut [Vec<[f64; 3]>], first: &[[f64; 3]], transform: &Transform) {
    let n = first.len().max(1) as f64;
    let centre = [0, 1, 2].map(|k| first.iter().map(|p| p[k]).sum::<f64>() / n);
    let r = rotation(transform.rotate_axis, transform.rotate_degrees);
    let mut rng = SplitMix64::new(u64::from(transform.noise_seed));
    for frame in frames.iter_mut() {
        for p in frame.iter_mut() {
            let v = [0, 1, 2].map(|k| p[k] - centre[k]);
            for k in 0..3 {
                let rotated = r[k][0] * v[0] + r[k][1] * v[1] + r[k][2] * v[2];
                p[k] = rotated + centre[k] + transform.translate[k];
                if transform.noise > 0.0 {
                    p[k] += transform.noise * gaussian(&mut rng);
                }
            }
        }
    }
}

/// The rotation matrix about `axis` by `degrees` (Rodrigues); the identity for 0°.
fn rotation(axis: [f64; 3], degrees: f64) -> [[f64; 3]; 3] {
    let norm = axis.iter().map(|a| a * a).sum::<f64>().sqrt();
    if degrees == 0.0 || norm == 0.0 {
        return [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
    }
    let [x, y, z] = axis.map(|a| a / norm);
    let (s, c) = degrees.to_radians().sin_cos();
    let d = 1.0 - c;
    [
        [c + x * x * d, x * y * d - z * s, x * z * d + y * s],
        [y * x * d + z * s, c + y * y * d, y * z * d - x * s],
        [z * x * d - y * s, z * y * d + x * s, c + z * z * d],
    ]
}

/// A standard normal variate (Box–Muller).
fn gaussian(rng: &mut SplitMix64) -> f64 {
    let u = 1.0 - rng.uniform(); // (0, 1]
    let v = rng.uniform();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Q-weighted centroids of each bead at each frame, `[frames, beads, 3]`: copy point `i` is
/// frame point `order[i]`, with Q row `i`.
fn centroids(frames: &[Vec<[f64; 3]>], order: &[usize], q: &[f32], beads: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(frames.len() * beads * 3);
    let weight: Vec<f64> = (0..beads)
        .map(|m| (0..order.len()).map(|i| f64::from(q[i * beads + m])).sum())
        .collect();
    for frame in frames {
        for (m, &total) in weight.iter().enumerate() {
            let mut c = [0.0_f64; 3];
            for (i, &point) in order.iter().enumerate() {
                let w = f64::from(q[i * beads + m]);
                for k in 0..3 {
                    c[k] += w * frame[point][k];
                }
            }
            out.extend(c.map(|v| v / total.max(f64::MIN_POSITIVE)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(frames: usize) -> Vec<Vec<[f64; 3]>> {
        (0..frames)
            .map(|f| vec![[f as f64, (f * f) as f64, 0.0], [0.0, 1.0, f as f64]])
            .collect()
    }

    #[test]
    fn a_warp_keeps_every_original_frame_in_order() {
        let window = line(5);
        let warp = Transform {
            warp: vec![0.0, 0.1, 1.0],
            ..Transform::default()
        };
        let (times, frames) = retime(&window, &warp);
        for f in 0..5_u8 {
            assert!(times.contains(&f64::from(f)), "{times:?}");
        }
        assert!(times.windows(2).all(|p| p[0] < p[1]), "{times:?}");
        // φ(0.25) = 0.05 → time 0.2: the point 20 % of the way from frame 0 to frame 1.
        let at = times
            .iter()
            .position(|&s| (s - 0.2).abs() < 1e-12)
            .expect("0.2");
        assert!((frames[at][0][0] - 0.2).abs() < 1e-12 && (frames[at][1][2] - 0.2).abs() < 1e-12);
    }

    #[test]
    fn repeat_drop_and_reverse_count_frames() {
        let window = line(10);
        let r = |t: Transform| retime(&window, &t).0;
        assert_eq!(
            r(Transform {
                repeat_every: 3,
                ..Transform::default()
            })
            .len(),
            14
        );
        let dropped = r(Transform {
            drop_every: 3,
            ..Transform::default()
        });
        assert_eq!(dropped, vec![0.0, 1.0, 2.0, 4.0, 5.0, 7.0, 8.0, 9.0]);
        let reversed = r(Transform {
            reverse: true,
            ..Transform::default()
        });
        assert_eq!(reversed.first().copied(), Some(9.0));
    }

    #[test]
    fn rotations_are_orthogonal_and_turn_the_right_way() {
        let r = rotation([0.0, 0.0, 2.0], 90.0);
        // x → y about z.
        assert!((r[1][0] - 1.0).abs() < 1e-15 && r[0][0].abs() < 1e-15);
        let r = rotation([1.0, -2.0, 0.5], 37.0);
        for a in 0..3 {
            for b in 0..3 {
                let dot: f64 = (0..3).map(|k| r[k][a] * r[k][b]).sum();
                assert!((dot - f64::from(u8::from(a == b))).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn bad_transforms_are_named() {
        let cases = [
            (
                Transform {
                    warp: vec![0.0, 0.6, 0.5, 1.0],
                    ..Transform::default()
                },
                "never decrease",
            ),
            (
                Transform {
                    warp: vec![0.1, 1.0],
                    ..Transform::default()
                },
                "start at 0",
            ),
            (
                Transform {
                    drop_every: 1,
                    ..Transform::default()
                },
                "dropEvery",
            ),
            (
                Transform {
                    rotate_degrees: 5.0,
                    ..Transform::default()
                },
                "non-zero axis",
            ),
            (
                Transform {
                    translate: [f64::NAN, 0.0, 0.0],
                    ..Transform::default()
                },
                "translate",
            ),
            (
                Transform {
                    noise: -1.0,
                    ..Transform::default()
                },
                "noise",
            ),
        ];
        for (t, expected) in cases {
            let e = t.validate().expect_err("refused").to_string();
            assert!(e.contains(expected), "{e}");
        }
        assert!(Transform::default().validate().is_ok());
    }
}
