//! Deep Signature: a GCN per frame, hierarchical MinCut pooling of atoms into beads, a
//! back-mapping of bead coordinates, and signatures of the bead path (spec §2).
//!
//! Tensors keep atoms (or clusters) before frames — `[batch, atoms, frames, features]` — so that
//! graph propagation and pooling act on one axis and reshape to matrix products without copies.

use burn::module::Module;
use burn::nn::{Linear, LinearConfig, Lstm, LstmConfig};
use burn::tensor::activation::{relu, softmax};
use burn::tensor::{Device, Tensor};

use crate::config::{Combiner, DeepSignatureConfig, Feature};
use crate::graph::DeviceGraph;
use crate::model::Head;
use crate::{Error, Result};

/// The auxiliary (unsupervised) losses, each a scalar tensor `[1]`.
#[derive(Debug, Clone)]
pub struct AuxiliaryLosses {
    /// MinCut cut loss summed over levels, batch mean.
    pub cut: Tensor<1>,
    /// MinCut orthogonality loss summed over levels, batch mean.
    pub orthogonality: Tensor<1>,
    /// Mean absolute error between back-mapped beads and the pooled coordinates.
    pub temporal: Tensor<1>,
}

/// What the coarse-graining stage produces.
#[derive(Debug, Clone)]
pub struct CoarseGrained {
    /// Back-mapped bead coordinates X̂: `[batch, beads, frames, 3]`.
    pub beads: Tensor<4>,
    /// The back-mapping target (Q-pooled atom coordinates): `[batch, beads, frames, 3]`.
    pub target: Tensor<4>,
    /// Bead features after the last graph layer: `[batch, beads, frames, hidden]`.
    pub features: Tensor<4>,
    /// Atom-to-bead memberships Q (product over levels): `[batch, atoms, beads]`.
    pub assignments: Tensor<3>,
    /// The clustering and back-mapping losses.
    pub losses: AuxiliaryLosses,
}

/// Dense graph convolution between pooling levels: (A·H)·W_rel + b + H·W_root, no activation
/// (PyTorch Geometric's `DenseGraphConv`, as the authors use it).
#[derive(Module, Debug)]
pub struct DenseGraphConv {
    /// W_rel, b_rel: the neighbours' term.
    pub relation: Linear,
    /// W_root: the node's own term (no bias).
    pub root: Linear,
}

impl DenseGraphConv {
    fn new(hidden: usize, device: &Device) -> Self {
        Self {
            relation: LinearConfig::new(hidden, hidden).init(device),
            root: LinearConfig::new(hidden, hidden)
                .with_bias(false)
                .init(device),
        }
    }

    /// # Shapes
    /// - `adjacency`: `[batch, k, k]`, `x`: `[batch, k, frames, hidden]` → `[batch, k, frames, hidden]`
    fn forward(&self, adjacency: Tensor<3>, x: Tensor<4>) -> Tensor<4> {
        let [b, k, t, h] = x.dims();
        let ax = adjacency
            .matmul(x.clone().reshape([b, k, t * h]))
            .reshape([b, k, t, h]);
        self.relation.forward(ax) + self.root.forward(x)
    }
}

/// One MinCut pooling level: assignment logits, then a dense graph convolution on the pooled graph.
#[derive(Module, Debug)]
pub struct PoolLevel {
    /// Assignment logits S = H·W + b.
    pub assign: Linear,
    /// The graph layer after pooling.
    pub conv: DenseGraphConv,
}

/// GCN + hierarchical MinCut pooling + back-mapping: atoms in, beads out. Shared by Deep
/// Signature and the GraphLSTM baseline.
#[derive(Module, Debug)]
pub struct CoarseGrainer {
    /// The per-frame GCN layer (input: 3 coordinates).
    pub gcn: Linear,
    /// Pooling levels, finest first.
    pub levels: Vec<PoolLevel>,
    /// Back-mapping to bead coordinates.
    pub backmap: Linear,
    #[module(skip)]
    switches: Switches,
}

/// The preset switches the coarse-grainer reads.
#[derive(Debug, Clone, Copy)]
#[allow(clippy::struct_excessive_bools)] // each is one named preset switch
struct Switches {
    tanh_assignment: bool,
    standardise_assignment: bool,
    centre_frames: bool,
    centroid_target: bool,
    detach_target: bool,
}

impl CoarseGrainer {
    /// A coarse-grainer with fresh weights.
    #[must_use]
    pub fn new(config: &DeepSignatureConfig, device: &Device) -> Self {
        let h = config.hidden;
        Self {
            gcn: LinearConfig::new(3, h).init(device),
            levels: config
                .clusters()
                .into_iter()
                .map(|k| PoolLevel {
                    assign: LinearConfig::new(h, k).init(device),
                    conv: DenseGraphConv::new(h, device),
                })
                .collect(),
            backmap: LinearConfig::new(h, 3).init(device),
            switches: Switches {
                tanh_assignment: config.tanh_assignment,
                standardise_assignment: config.standardise_assignment,
                centre_frames: config.centre_frames,
                centroid_target: config.centroid_target,
                detach_target: config.detach_target,
            },
        }
    }

    /// # Shapes
    /// - `coordinates`: `[batch, atoms, frames, 3]` (nm)
    #[must_use]
    pub fn forward(&self, coordinates: Tensor<4>, graph: &DeviceGraph) -> CoarseGrained {
        let [b, n, t, _] = coordinates.dims();
        let device = coordinates.device();
        let x = if self.switches.centre_frames {
            coordinates.clone() - coordinates.mean_dim(1) // per frame: [batch, 1, frames, 3]
        } else {
            coordinates
        };
        let ax = graph
            .propagation
            .matmul(x.clone().reshape([b, n, t * 3]))
            .reshape([b, n, t, 3]);
        let mut h = relu(self.gcn.forward(ax)); // [b, n, t, hidden]
        let mut adjacency: Option<Tensor<3>> = None; // level 0: the sparse bond graph
        let mut total: Option<Tensor<3>> = None;
        let mut cut = Tensor::<1>::zeros([1], &device);
        let mut orthogonality = Tensor::<1>::zeros([1], &device);
        for level in &self.levels {
            let [_, rows, _, hidden] = h.dims();
            // Mean over frames before the linear map: equal to averaging the logits, and T
            // times smaller.
            let mut averaged = h.clone().mean_dim(2).squeeze_dim::<3>(2); // [b, rows, hidden]
            if self.switches.standardise_assignment {
                // Only how rows differ matters for clustering; scale that to O(1).
                let centred = averaged.clone() - averaged.mean_dim(1);
                let variance = centred.clone().powi_scalar(2).mean_dim(1);
                averaged = centred / variance.add_scalar(1e-6).sqrt();
            }
            let mut logits = level.assign.forward(averaged); // [b, rows, k]
            if self.switches.tanh_assignment {
                logits = logits.tanh();
            }
            let q = softmax(logits, 2);
            let k = q.dims()[2];
            let (aq, degree) = match &adjacency {
                None => (
                    graph.adjacency.matmul(q.clone()),
                    graph.degree.clone().reshape([1, rows, 1]),
                ),
                Some(a) => (a.clone().matmul(q.clone()), a.clone().sum_dim(2)),
            };
            let qt = q.clone().swap_dims(1, 2); // [b, k, rows]
            // L_cut = −Tr(QᵀAQ) / Tr(QᵀDQ)
            let numerator = (q.clone() * aq.clone()).sum_dims_squeeze::<1, _>(&[1, 2]);
            let denominator = (q.clone().powi_scalar(2) * degree).sum_dims_squeeze::<1, _>(&[1, 2]);
            cut = cut - (numerator / denominator).mean();
            // L_orth = ‖QᵀQ/‖QᵀQ‖_F − I/√k‖_F
            let qq = qt.clone().matmul(q.clone()); // [b, k, k]
            let norm = qq.clone().powi_scalar(2).sum_dims(&[1, 2]).sqrt();
            let eye = Tensor::<2>::eye(k, &device).unsqueeze::<3>() / (k as f64).sqrt();
            orthogonality = orthogonality
                + (qq / norm - eye)
                    .powi_scalar(2)
                    .sum_dims_squeeze::<1, _>(&[1, 2])
                    .sqrt()
                    .mean();
            // Pool features and graph; normalise the pooled graph as MinCut pooling does.
            let pooled = qt
                .clone()
                .matmul(h.reshape([b, rows, t * hidden]))
                .reshape([b, k, t, hidden]);
            let off_diagonal = Tensor::<2>::eye(k, &device)
                .neg()
                .add_scalar(1.0)
                .unsqueeze::<3>();
            let a = qt.matmul(aq) * off_diagonal; // [b, k, k]
            let d = a.clone().sum_dim(2).sqrt().add_scalar(1e-15); // [b, k, 1]
            let a = a / d.clone() / d.swap_dims(1, 2);
            h = level.conv.forward(a.clone(), pooled);
            adjacency = Some(a);
            total = Some(match total {
                None => q,
                Some(previous) => previous.matmul(q),
            });
        }
        let assignments = total.unwrap_or_else(|| Tensor::ones([b, n, 1], &device));
        let beads = self.backmap.forward(h.clone()); // [b, m, t, 3]
        let m = assignments.dims()[2];
        let mut weights = if self.switches.detach_target {
            assignments.clone().detach()
        } else {
            assignments.clone()
        };
        if self.switches.centroid_target {
            weights = weights.clone() / weights.sum_dim(1); // columns sum to 1
        }
        let target = weights
            .swap_dims(1, 2)
            .matmul(x.reshape([b, n, t * 3]))
            .reshape([b, m, t, 3]);
        let temporal = (beads.clone() - target.clone()).abs().mean();
        CoarseGrained {
            beads,
            target,
            features: h,
            assignments,
            losses: AuxiliaryLosses {
                cut,
                orthogonality,
                temporal,
            },
        }
    }
}

/// The bead path as a path in R^{3M}: channel 3m + axis.
///
/// # Shapes
/// - `beads`: `[batch, beads, frames, 3]` → `[batch, frames, 3·beads]`
#[must_use]
pub fn bead_path(beads: Tensor<4>) -> Tensor<3> {
    let [b, m, t, _] = beads.dims();
    beads.permute([0, 2, 1, 3]).reshape([b, t, 3 * m])
}

/// Frame ranges of the segments of a `frames`-frame path: disjoint `[s·L, s·L + L)` with
/// `L = frames / segments` (the authors'; trailing frames and the increments between segments
/// are dropped), or sharing boundary frames so every increment is in exactly one segment.
#[must_use]
pub fn segment_ranges(
    frames: usize,
    segments: usize,
    overlap: bool,
) -> Vec<std::ops::Range<usize>> {
    if overlap {
        let boundary = |s: usize| (s * (frames - 1) + segments / 2) / segments;
        (0..segments)
            .map(|s| boundary(s)..boundary(s + 1) + 1)
            .collect()
    } else {
        let length = frames / segments;
        (0..segments)
            .map(|s| s * length..(s + 1) * length)
            .collect()
    }
}

/// Deep Signature's full model: coarse-grainer, segment signatures, combiner, head.
#[derive(Module, Debug)]
pub struct DeepSignature {
    /// Atoms → beads.
    pub coarse: CoarseGrainer,
    /// The LSTM over segments (absent for the concat and mean combiners).
    pub lstm: Option<Lstm>,
    /// LayerNorm, Linear + tanh, dropout, Linear to logits.
    pub head: Head,
    #[module(skip)]
    config: DeepSignatureConfig,
}

/// Deep Signature's outputs for a batch.
#[derive(Debug, Clone)]
pub struct DeepSignatureOutput {
    /// Logits: `[batch, outputs]` (one per class, or one for binary problems).
    pub logits: Tensor<2>,
    /// Per-segment signature features: `[batch, segments, features]`.
    pub signatures: Tensor<3>,
    /// The coarse-graining stage's outputs.
    pub coarse: CoarseGrained,
}

impl DeepSignature {
    /// A model with fresh weights for samples of `frames` frames.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the configuration does not fit `frames`.
    pub fn new(config: &DeepSignatureConfig, frames: usize, device: &Device) -> Result<Self> {
        config.validate(frames)?;
        let features = config.segment_features(config.frames_per_segment(frames))?;
        let (lstm, combined) = match config.combiner {
            Combiner::Lstm { hidden } => (
                Some(LstmConfig::new(features, hidden, true).init(device)),
                hidden,
            ),
            Combiner::Concat => (None, features * config.segments),
            Combiner::Mean => (None, features),
        };
        Ok(Self {
            coarse: CoarseGrainer::new(config, device),
            lstm,
            head: Head::new(
                combined,
                config.hidden,
                config.outputs(),
                config.dropout,
                device,
            ),
            config: config.clone(),
        })
    }

    /// The configuration the model was built with.
    #[must_use]
    pub fn config(&self) -> &DeepSignatureConfig {
        &self.config
    }

    /// Per-segment signature features of bead paths.
    ///
    /// # Shapes
    /// - `path`: `[batch, frames, channels]` → `[batch, segments, features]`
    ///
    /// # Errors
    /// From the signature operation (sizes beyond what the device can hold).
    pub fn segment_features(&self, path: &Tensor<3>) -> Result<Tensor<3>> {
        let frames = path.dims()[1];
        let augments: Vec<_> = self
            .config
            .augmentations
            .iter()
            .map(|a| a.to_signature())
            .collect();
        let mut features = Vec::with_capacity(self.config.segments);
        for range in segment_ranges(frames, self.config.segments, self.config.segment_overlap) {
            let mut segment = path.clone().narrow(1, range.start, range.len());
            if !augments.is_empty() {
                segment =
                    molsig_signature::gpu::augment(segment, &augments).map_err(signature_error)?;
            }
            let f = match self.config.feature {
                Feature::Signature => molsig_signature::gpu::signature(segment, self.config.depth),
                Feature::LogSignature => {
                    molsig_signature::gpu::logsignature(segment, self.config.depth)
                }
            }
            .map_err(signature_error)?;
            features.push(f);
        }
        Ok(Tensor::stack(features, 1))
    }

    /// The forward pass.
    ///
    /// # Shapes
    /// - `coordinates`: `[batch, atoms, frames, 3]` (nm)
    ///
    /// # Errors
    /// From the signature operation.
    pub fn forward(
        &self,
        coordinates: Tensor<4>,
        graph: &DeviceGraph,
    ) -> Result<DeepSignatureOutput> {
        let coarse = self.coarse.forward(coordinates, graph);
        let signatures = self.segment_features(&bead_path(coarse.beads.clone()))?; // [b, s, f]
        let [b, s, f] = signatures.dims();
        let combined = match &self.lstm {
            Some(lstm) => {
                let (out, _) = lstm.forward(signatures.clone(), None); // [b, s, hidden]
                let hidden = out.dims()[2];
                out.narrow(1, s - 1, 1).reshape([b, hidden])
            }
            None => match self.config.combiner {
                Combiner::Mean => signatures.clone().mean_dim(1).reshape([b, f]),
                _ => signatures.clone().reshape([b, s * f]),
            },
        };
        let logits = self.head.forward(combined);
        Ok(DeepSignatureOutput {
            logits,
            signatures,
            coarse,
        })
    }
}

#[allow(clippy::needless_pass_by_value)] // used as `map_err(signature_error)`
fn signature_error(e: molsig_signature::Error) -> Error {
    Error::Invalid(format!("signature of the bead path: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cover_the_path_as_documented() {
        assert_eq!(segment_ranges(10, 4, false), vec![0..2, 2..4, 4..6, 6..8]);
        let overlap = segment_ranges(10, 4, true);
        assert_eq!(overlap, vec![0..3, 2..6, 5..8, 7..10]);
        // Every increment (t, t + 1) lies in exactly one overlapping segment.
        for t in 0..9 {
            let n = overlap
                .iter()
                .filter(|r| r.start <= t && t + 1 < r.end)
                .count();
            assert_eq!(n, 1, "increment {t}");
        }
    }
}
