//! The building blocks the models share, each a burn-style `*Config` with `init`: the
//! authors' classification head, a per-frame graph encoder, and the dense graph convolution
//! used between pooling levels.

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig, LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor};

use crate::budget::{self, Tally};
use crate::graph::DeviceGraph;

/// A [`Head`]'s sizes.
#[derive(Config, Debug)]
pub struct HeadConfig {
    /// Input features.
    pub input: usize,
    /// Width of the hidden (tanh) layer.
    pub hidden: usize,
    /// Output logits.
    pub outputs: usize,
    /// Dropout before the output layer.
    #[config(default = 0.2)]
    pub dropout: f64,
}

impl HeadConfig {
    /// A head with fresh weights.
    #[must_use]
    pub fn init(&self, device: &Device) -> Head {
        Head {
            norm: LayerNormConfig::new(self.input).init(device),
            hidden: LinearConfig::new(self.input, self.hidden).init(device),
            dropout: DropoutConfig::new(self.dropout).init(),
            output: LinearConfig::new(self.hidden, self.outputs).init(device),
        }
    }
}

/// Adds a [`Head`]'s parameters and activations to a model's size.
pub(crate) fn count_head(
    tally: &mut Tally,
    part: impl Fn() -> String,
    input: u64,
    hidden: usize,
    outputs: usize,
) -> crate::Result<()> {
    let (hidden, outputs) = (hidden as u64, outputs as u64);
    let parameters = budget::layer_norm(input).and_then(|norm| {
        norm.checked_add(budget::linear(input, hidden, true)?)?
            .checked_add(budget::linear(hidden, outputs, true)?)
    });
    tally.parameters(&part, parameters)?;
    tally.activations(
        part,
        input
            .checked_add(hidden)
            .and_then(|v| v.checked_add(outputs)),
    )
}

/// LayerNorm → Linear + tanh → dropout → Linear to logits (the authors' head).
#[derive(Module, Debug)]
pub struct Head {
    /// LayerNorm on the input features.
    pub norm: LayerNorm,
    /// Linear + tanh.
    pub hidden: Linear,
    /// Dropout before the output layer.
    pub dropout: Dropout,
    /// Output logits.
    pub output: Linear,
}

impl Head {
    /// # Shapes
    /// - `x`: `[batch, input]` → `[batch, outputs]`
    #[must_use]
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let z = self.hidden.forward(self.norm.forward(x)).tanh();
        self.output.forward(self.dropout.forward(z))
    }
}

/// A [`FrameEncoder`]'s width.
#[derive(Config, Debug)]
pub struct FrameEncoderConfig {
    /// Output features per frame.
    pub hidden: usize,
}

impl FrameEncoderConfig {
    /// An encoder with fresh weights.
    #[must_use]
    pub fn init(&self, device: &Device) -> FrameEncoder {
        FrameEncoder {
            gcn: LinearConfig::new(3, self.hidden).init(device),
        }
    }
}

/// A GCN layer per frame, then the mean over atoms: one vector per frame.
#[derive(Module, Debug)]
pub struct FrameEncoder {
    /// The GCN layer (input: centred coordinates).
    pub gcn: Linear,
}

impl FrameEncoder {
    /// # Shapes
    /// - `coordinates`: `[batch, atoms, frames, 3]` → `[batch, frames, hidden]`
    #[must_use]
    pub fn forward(&self, coordinates: Tensor<4>, graph: &DeviceGraph) -> Tensor<3> {
        let [b, n, t, _] = coordinates.dims();
        let x = coordinates.clone() - coordinates.mean_dim(1);
        let ax = graph
            .propagation
            .matmul(x.reshape([b, n, t * 3]))
            .reshape([b, n, t, 3]);
        let h = relu(self.gcn.forward(ax)); // [b, n, t, hidden]
        let hidden = h.dims()[3];
        h.mean_dim(1).reshape([b, t, hidden])
    }
}

/// A [`DenseGraphConv`]'s width (input = output).
#[derive(Config, Debug)]
pub struct DenseGraphConvConfig {
    /// Features per node.
    pub hidden: usize,
}

impl DenseGraphConvConfig {
    /// A layer with fresh weights.
    #[must_use]
    pub fn init(&self, device: &Device) -> DenseGraphConv {
        DenseGraphConv {
            relation: LinearConfig::new(self.hidden, self.hidden).init(device),
            root: LinearConfig::new(self.hidden, self.hidden)
                .with_bias(false)
                .init(device),
        }
    }
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
    /// # Shapes
    /// - `adjacency`: `[batch, k, k]`, `x`: `[batch, k, frames, hidden]` → `[batch, k, frames, hidden]`
    #[must_use]
    pub fn forward(&self, adjacency: Tensor<3>, x: Tensor<4>) -> Tensor<4> {
        let [b, k, t, h] = x.dims();
        let ax = adjacency
            .matmul(x.clone().reshape([b, k, t * h]))
            .reshape([b, k, t, h]);
        self.relation.forward(ax) + self.root.forward(x)
    }
}
