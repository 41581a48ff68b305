//! Deep Signature's coarse-graining (spec §2, steps 1–5): a GCN per frame, hierarchical MinCut
//! pooling of atoms into beads, and the back-mapping of bead coordinates with its L1 target.
//! Shared by Deep Signature and the GraphLSTM baseline.
//!
//! Tensors keep atoms (or clusters) before frames — `[batch, atoms, frames, features]` — so that
//! graph propagation and pooling act on one axis and reshape to matrix products without copies.

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::activation::{relu, softmax};
use burn::tensor::{Device, Tensor};

use crate::config::DeepSignatureConfig;
use crate::graph::DeviceGraph;
use crate::layers::{DenseGraphConv, DenseGraphConvConfig};

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

impl DeepSignatureConfig {
    /// The coarse-graining stage this configuration describes, with fresh weights.
    #[must_use]
    pub fn init_coarse_grainer(&self, device: &Device) -> CoarseGrainer {
        let config = self;
        let h = config.hidden;
        CoarseGrainer {
            gcn: LinearConfig::new(3, h).init(device),
            levels: config
                .clusters()
                .into_iter()
                .map(|k| PoolLevel {
                    assign: LinearConfig::new(h, k).init(device),
                    conv: DenseGraphConvConfig::new(h).init(device),
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
}

impl CoarseGrainer {
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
