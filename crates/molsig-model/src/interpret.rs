//! What a trained model says about one sample, in terms a scientist can put on the molecule:
//! atom-to-bead memberships Q, the beads' paths, bead–bead coupling strengths from the level-2
//! signature terms, per-atom attributions, and a warning when Q carries little information.

use burn::module::Module;
use burn::tensor::{Device, Tensor, TensorData};
use molsig_signature::{LogSignature, Paths};
use serde::{Deserialize, Serialize};

use crate::coarse_grain::CoarseGrained;
use crate::data::{Dataset, Molecule};
use crate::graph::DeviceGraph;
use crate::model::{Model, ModelConfig};
use crate::readback::read_back;
use crate::{Error, Result};

/// Mean normalised row entropy of Q above which the clustering is reported as near uniform.
pub const UNIFORM_ENTROPY: f64 = 0.9;

/// One sample, explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Interpretation {
    /// Points per frame.
    pub points: usize,
    /// Beads (0 for models without coarse-graining).
    pub beads: usize,
    /// Frames.
    pub frames: usize,
    /// Q, row-major `[points, beads]`: each point's membership of each bead (rows sum to 1).
    pub assignments: Vec<f32>,
    /// Bead centroids (Q-weighted means of the input coordinates), `[frames, beads, 3]`, nm.
    pub bead_paths: Vec<f32>,
    /// The back-mapped bead path the signature reads, `[frames, beads, 3]`.
    pub signed_paths: Vec<f32>,
    /// Coupling of beads m and n: the Frobenius norm of the 3×3 block of Lévy areas between
    /// their coordinates over the whole sample, `[beads, beads]`, symmetric, zero diagonal.
    pub couplings: Vec<f32>,
    /// Gradient × input of the predicted class's logit, summed over frames and axes: `[points]`.
    pub attributions: Vec<f32>,
    /// Mean over points of Q's row entropy divided by ln(beads): 1 = uniform, 0 = hard.
    pub assignment_entropy: f64,
    /// Set when Q is near uniform (its cluster map then carries little information).
    pub warning: Option<String>,
}

/// Explains `sample` of `dataset` with `model` (on `device`, a non-autodiff device).
///
/// # Errors
/// The forward pass, or a sample index out of range.
#[allow(clippy::too_many_lines)] // one pass of steps that share the forward's tensors
pub async fn interpret(
    model: &Model,
    config: &ModelConfig,
    dataset: &Dataset,
    sample: usize,
    device: &Device,
) -> Result<Interpretation> {
    let Input {
        model,
        graph,
        x,
        coordinates,
    } = input(model, config, dataset, sample, device)?;
    let [_, n, t, _] = x.dims();
    let attributions = attribute(&model, &graph, x.clone(), coordinates, Score::Predicted).await?;
    let device = x.device();
    let Some(coarse) = coarse_grain(&model, x.detach(), &graph) else {
        return Ok(Interpretation {
            points: n,
            beads: 0,
            frames: t,
            assignments: Vec::new(),
            bead_paths: Vec::new(),
            signed_paths: Vec::new(),
            couplings: Vec::new(),
            attributions,
            assignment_entropy: 0.0,
            warning: None,
        });
    };
    let m = coarse.assignments.dims()[2];
    let assignments = read_back::<f32, _>(coarse.assignments.clone().reshape([n, m])).await?;
    // Centroids of the *input* coordinates (not centred), to draw over the structure.
    let q = coarse.assignments.detach();
    let weights = q.clone() / q.sum_dim(1);
    let centroids = weights
        .swap_dims(1, 2)
        .matmul(x_plain(coordinates, n, t, &device))
        .reshape([m, t, 3])
        .swap_dims(0, 1);
    let bead_paths = read_back::<f32, _>(centroids).await?;
    let signed =
        read_back::<f32, _>(coarse.beads.detach().reshape([m, t, 3]).swap_dims(0, 1)).await?;
    let couplings = couplings(&signed, t, m)?;
    let assignment_entropy = if m > 1 {
        let ln_m = (m as f64).ln();
        (0..n)
            .map(|i| {
                -assignments[i * m..(i + 1) * m]
                    .iter()
                    .map(|&p| f64::from(p))
                    .filter(|&p| p > 0.0)
                    .map(|p| p * p.ln())
                    .sum::<f64>()
                    / ln_m
            })
            .sum::<f64>()
            / n as f64
    } else {
        0.0
    };
    let bounded = match config {
        ModelConfig::DeepSignature(c) => c.tanh_assignment,
        ModelConfig::GraphLstm(c) => c.coarse.tanh_assignment,
        _ => false,
    };
    let warning = (assignment_entropy > UNIFORM_ENTROPY).then(|| {
        let cause = if bounded {
            "The `reference` preset's tanh-bounded logits cause this; `improved` removes the bound."
        } else {
            "More epochs, fewer beads or a larger clustering loss weight may sharpen it."
        };
        format!(
            "the atom-to-bead assignments are near uniform (normalised entropy \
             {assignment_entropy:.2}); the cluster map carries little information. {cause}"
        )
    });
    Ok(Interpretation {
        points: n,
        beads: m,
        frames: t,
        assignments,
        bead_paths,
        signed_paths: signed,
        couplings,
        attributions,
        assignment_entropy,
        warning,
    })
}

/// Q of one sample of `molecule` (`coordinates` as `[points, frames, 3]`, nm; aligned already if
/// the model aligns): `[points, beads]`, or `None` for a model without coarse-graining. The
/// forward pass's pooling only, without the attribution's backward pass.
///
/// # Errors
/// Coordinates that are not whole frames of the molecule.
pub async fn assignments(
    model: &Model,
    config: &ModelConfig,
    molecule: &Molecule,
    coordinates: &[f32],
    device: &Device,
) -> Result<Option<Vec<f32>>> {
    let n = molecule.len();
    if n == 0 || !coordinates.len().is_multiple_of(n * 3) {
        return Err(Error::Invalid(format!(
            "{} coordinates are not whole frames of {n} points",
            coordinates.len()
        )));
    }
    let t = coordinates.len() / (n * 3);
    let graph = molecule.graph.to_device(one_directional(config), device);
    let x = Tensor::<4>::from_data(TensorData::new(coordinates.to_vec(), [1, n, t, 3]), device);
    let Some(coarse) = coarse_grain(model, x, &graph) else {
        return Ok(None);
    };
    let m = coarse.assignments.dims()[2];
    Ok(Some(
        read_back::<f32, _>(coarse.assignments.reshape([n, m])).await?,
    ))
}

/// Which score an attribution explains.
#[derive(Debug, Clone, Copy)]
enum Score {
    /// The logit of the class the model predicts.
    Predicted,
    /// Evidence for one class: its logit minus the mean of the others' (for a one-logit binary
    /// model, the logit for class 1 and its negative for class 0).
    Class(usize),
}

/// Gradient × input of `score` for one sample (`x` `[1, points, frames, 3]`, `coordinates` the
/// same values), summed over frames and axes: `[points]`.
async fn attribute(
    model: &Model,
    graph: &DeviceGraph,
    x: Tensor<4>,
    coordinates: &[f32],
    score: Score,
) -> Result<Vec<f32>> {
    let [_, n, t, _] = x.dims();
    let x = x.require_grad();
    let logits = model.forward(x.clone(), graph)?.logits;
    let outputs = logits.dims()[1];
    if let Score::Class(c) = score
        && c >= outputs.max(2)
    {
        return Err(Error::Invalid(format!(
            "no class {c}: the model has {}",
            outputs.max(2)
        )));
    }
    let z = read_back::<f32, _>(logits.clone().detach()).await?;
    let score = match (score, outputs) {
        (Score::Predicted, 1) => {
            let sign = if z.first().copied().unwrap_or(0.0) >= 0.0 {
                1.0
            } else {
                -1.0
            };
            logits.sum() * sign
        }
        (Score::Predicted, _) => {
            let best = (0..outputs)
                .max_by(|&a, &b| z[a].total_cmp(&z[b]))
                .unwrap_or(0);
            logits.narrow(1, best, 1).sum()
        }
        (Score::Class(c), 1) => logits.sum() * if c == 1 { 1.0 } else { -1.0 },
        (Score::Class(c), _) => {
            let others = (outputs - 1) as f32;
            let own = logits.clone().narrow(1, c, 1).sum();
            own.clone() * (1.0 + 1.0 / others) - logits.sum() / others
        }
    };
    let grads = score.backward();
    let Some(gradient) = x.grad(&grads).map(Tensor::detach) else {
        return Ok(vec![0.0; n]);
    };
    let gx = read_back::<f32, _>(gradient.reshape([n, t * 3])).await?;
    Ok((0..n)
        .map(|i| {
            (0..t * 3)
                .map(|k| gx[i * t * 3 + k] * coordinates[i * t * 3 + k])
                .sum()
        })
        .collect())
}

/// Evidence for class `class` in `sample`, per point: gradient × input of the class's logit
/// minus the mean of the other logits, summed over frames and axes (`[points]`). Summed over
/// points it approximates the score itself, so per-class means of it split the score gap
/// between classes over the atoms.
///
/// # Errors
/// The forward pass, a sample index out of range, or a class the model does not have.
pub async fn class_attributions(
    model: &Model,
    config: &ModelConfig,
    dataset: &Dataset,
    sample: usize,
    class: usize,
    device: &Device,
) -> Result<Vec<f32>> {
    let Input {
        model,
        graph,
        x,
        coordinates,
    } = input(model, config, dataset, sample, device)?;
    attribute(&model, &graph, x, coordinates, Score::Class(class)).await
}

/// One sample ready for a pass with gradients: the model and graph on the autodiff device, and
/// the coordinates as `x` `[1, points, frames, 3]` and as plain values.
struct Input<'a> {
    model: Model,
    graph: DeviceGraph,
    x: Tensor<4>,
    coordinates: &'a [f32],
}

fn input<'a>(
    model: &Model,
    config: &ModelConfig,
    dataset: &'a Dataset,
    sample: usize,
    device: &Device,
) -> Result<Input<'a>> {
    let s = dataset
        .samples
        .get(sample)
        .ok_or_else(|| Error::Invalid(format!("no sample {sample}")))?;
    let molecule = &dataset.molecules[dataset.molecule_of(sample)];
    let (n, t) = (molecule.len(), dataset.frames);
    let autodiff = device.clone().autodiff();
    let x = Tensor::<4>::from_data(
        TensorData::new(s.coordinates.clone(), [1, n, t, 3]),
        &autodiff,
    );
    Ok(Input {
        // Frozen: no parameter gradients, and dropout off (burn keeps it on for any module on
        // an autodiff device), so an attribution is a function of the sample alone.
        model: model.clone().fork(&autodiff).freeze(),
        graph: molecule.graph.to_device(one_directional(config), &autodiff),
        x,
        coordinates: &s.coordinates,
    })
}

/// Whether the model reads the authors' one-directional edge lists.
fn one_directional(config: &ModelConfig) -> bool {
    match config {
        ModelConfig::DeepSignature(c) => c.one_directional_edges,
        ModelConfig::GraphLstm(c) => c.coarse.one_directional_edges,
        _ => false,
    }
}

/// The coarse-graining stage of models that have one.
fn coarse_grain(model: &Model, x: Tensor<4>, graph: &DeviceGraph) -> Option<CoarseGrained> {
    match model {
        Model::DeepSignature(m) => Some(m.coarse.forward(x, graph)),
        Model::GraphLstm(m) => Some(m.coarse.forward(x, graph)),
        _ => None,
    }
}

fn x_plain(coordinates: &[f32], n: usize, t: usize, device: &Device) -> Tensor<3> {
    Tensor::from_data(TensorData::new(coordinates.to_vec(), [1, n, t * 3]), device)
}

/// Coupling matrix from a `[frames, beads, 3]` path: per bead pair, the norm of the 3×3 block
/// of level-2 Lévy areas.
fn couplings(path: &[f32], frames: usize, beads: usize) -> Result<Vec<f32>> {
    let d = 3 * beads;
    let wrap = |e: molsig_signature::Error| Error::Invalid(format!("couplings: {e}"));
    let paths = Paths::new(path, 1, frames, d).map_err(wrap)?;
    let log = LogSignature::new(d, 2)
        .map_err(wrap)?
        .forward(&paths)
        .map_err(wrap)?;
    // Lyndon words of length 2 are (i, j), i < j, in lexicographic order after the d letters.
    let area = |i: usize, j: usize| log[d + i * d - i * (i + 1) / 2 + (j - i - 1)];
    let mut out = vec![0.0_f32; beads * beads];
    for a in 0..beads {
        for b in a + 1..beads {
            let mut sum = 0.0_f32;
            for k in 0..3 {
                for l in 0..3 {
                    sum += area(3 * a + k, 3 * b + l).powi(2);
                }
            }
            out[a * beads + b] = sum.sqrt();
            out[b * beads + a] = sum.sqrt();
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn couplings_are_the_area_blocks() {
        // Two beads; only bead 0's x and bead 1's y move, tracing a unit square loop:
        // Lévy area between channel 0 and channel 4 is ±1 (square of side 1), all others 0.
        let corners = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)];
        let mut path = Vec::new();
        for (u, v) in corners {
            path.extend_from_slice(&[u, 0.0, 0.0, 0.0, v, 0.0]);
        }
        let c = couplings(&path, 5, 2).expect("couplings");
        assert!(
            (c[1] - 1.0).abs() < 1e-6 && (c[2] - 1.0).abs() < 1e-6,
            "{c:?}"
        );
        assert_eq!((c[0], c[3]), (0.0, 0.0));
    }
}
