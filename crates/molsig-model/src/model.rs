//! Every model molsig trains, behind one type: Deep Signature and the authors' baselines, with
//! the classification head and losses they share.
//!
//! Baselines, as in the authors' comparison (spec §5):
//! - **FrameLSTM** sees only the first, the last, or both frames: a GCN embedding of each chosen
//!   frame, mean-pooled over atoms, read by an LSTM. It tells whether dynamics matter at all.
//! - **GraphLSTM** coarse-grains exactly as Deep Signature (GCN + MinCut), then runs a
//!   bidirectional LSTM over time for each bead and averages over beads and time.
//! - **GraphTransformer**: one token per frame (GCN embedding mean-pooled over atoms) plus a
//!   sinusoidal position, a Transformer encoder, mean over tokens.

use burn::module::Module;
use burn::nn::transformer::{
    TransformerEncoder, TransformerEncoderConfig, TransformerEncoderInput,
};
use burn::nn::{
    BiLstm, BiLstmConfig, Dropout, DropoutConfig, LayerNorm, LayerNormConfig, Linear, LinearConfig,
    Lstm, LstmConfig, PositionalEncoding, PositionalEncodingConfig,
};
use burn::tensor::activation::{log_softmax, relu, sigmoid, softmax, softplus};
use burn::tensor::{Device, Int, Tensor};
use serde::{Deserialize, Serialize};

use crate::config::{DeepSignatureConfig, LossWeights, Preset};
use crate::deep_signature::{AuxiliaryLosses, CoarseGrainer, DeepSignature};
use crate::graph::DeviceGraph;
use crate::{Error, Result};

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
    /// A head from `input` features through `hidden` to `outputs` logits.
    #[must_use]
    pub fn new(input: usize, hidden: usize, outputs: usize, dropout: f64, device: &Device) -> Self {
        Self {
            norm: LayerNormConfig::new(input).init(device),
            hidden: LinearConfig::new(input, hidden).init(device),
            dropout: DropoutConfig::new(dropout).init(),
            output: LinearConfig::new(hidden, outputs).init(device),
        }
    }

    /// # Shapes
    /// - `x`: `[batch, input]` → `[batch, outputs]`
    #[must_use]
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let z = self.hidden.forward(self.norm.forward(x)).tanh();
        self.output.forward(self.dropout.forward(z))
    }
}

/// A GCN layer per frame, then the mean over atoms: one vector per frame.
#[derive(Module, Debug)]
pub struct FrameEncoder {
    /// The GCN layer (input: centred coordinates).
    pub gcn: Linear,
}

impl FrameEncoder {
    fn new(hidden: usize, device: &Device) -> Self {
        Self {
            gcn: LinearConfig::new(3, hidden).init(device),
        }
    }

    /// # Shapes
    /// - `coordinates`: `[batch, atoms, frames, 3]` → `[batch, frames, hidden]`
    fn forward(&self, coordinates: Tensor<4>, graph: &DeviceGraph) -> Tensor<3> {
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

/// Which frames FrameLSTM sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FrameChoice {
    /// The first frame only.
    First,
    /// The last frame only.
    Last,
    /// The first and the last.
    Both,
}

/// FrameLSTM's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameLstmConfig {
    /// GCN width.
    pub hidden: usize,
    /// LSTM width.
    pub lstm_hidden: usize,
    /// Which frames are seen.
    pub frames: FrameChoice,
    /// Number of classes.
    pub classes: usize,
    /// Head dropout.
    pub dropout: f64,
}

/// GraphLSTM's settings: Deep Signature's coarse-graining, then an LSTM per bead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphLstmConfig {
    /// The coarse-graining part (and loss weights) of this configuration is used.
    pub coarse: DeepSignatureConfig,
    /// Hidden width of each direction of the bidirectional LSTM.
    pub lstm_hidden: usize,
}

/// GraphTransformer's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphTransformerConfig {
    /// Token width (GCN width).
    pub hidden: usize,
    /// Attention heads (must divide `hidden`).
    pub heads: usize,
    /// Encoder layers.
    pub layers: usize,
    /// Number of classes.
    pub classes: usize,
    /// Dropout in the encoder and the head.
    pub dropout: f64,
}

/// What to build: Deep Signature or a baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ModelConfig {
    /// Deep Signature.
    DeepSignature(DeepSignatureConfig),
    /// FrameLSTM baseline.
    FrameLstm(FrameLstmConfig),
    /// GraphLSTM baseline.
    GraphLstm(GraphLstmConfig),
    /// GraphTransformer baseline.
    GraphTransformer(GraphTransformerConfig),
}

impl ModelConfig {
    /// A model by name: `reference`, `improved` (Deep Signature presets), `frame-lstm`,
    /// `graph-lstm`, `graph-transformer`; `beads` and `classes` as given.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an unknown name.
    pub fn named(name: &str, beads: usize, classes: usize) -> Result<Self> {
        let improved = DeepSignatureConfig::improved(beads, classes);
        Ok(match name.trim().to_ascii_lowercase().as_str() {
            "frame-lstm" | "framelstm" => Self::FrameLstm(FrameLstmConfig {
                hidden: 32,
                lstm_hidden: 64,
                frames: FrameChoice::Both,
                classes,
                dropout: 0.2,
            }),
            "graph-lstm" | "graphlstm" => Self::GraphLstm(GraphLstmConfig {
                coarse: improved,
                lstm_hidden: 32,
            }),
            "graph-transformer" | "graphtransformer" => {
                Self::GraphTransformer(GraphTransformerConfig {
                    hidden: 32,
                    heads: 4,
                    layers: 2,
                    classes,
                    dropout: 0.1,
                })
            }
            other => Self::DeepSignature(DeepSignatureConfig::preset(
                Preset::parse(other).map_err(|_| {
                    Error::Invalid(format!(
                        "unknown model {other:?}; expected improved, reference, frame-lstm, \
                         graph-lstm or graph-transformer"
                    ))
                })?,
                beads,
                classes,
            )),
        })
    }

    /// Number of classes.
    #[must_use]
    pub fn classes(&self) -> usize {
        match self {
            Self::DeepSignature(c) | Self::GraphLstm(GraphLstmConfig { coarse: c, .. }) => {
                c.classes
            }
            Self::FrameLstm(c) => c.classes,
            Self::GraphTransformer(c) => c.classes,
        }
    }

    /// Short name for reports.
    #[must_use]
    pub fn name(&self) -> String {
        match self {
            Self::DeepSignature(c) => format!("deep-signature ({:?})", c.preset).to_lowercase(),
            Self::FrameLstm(_) => "frame-lstm".into(),
            Self::GraphLstm(_) => "graph-lstm".into(),
            Self::GraphTransformer(_) => "graph-transformer".into(),
        }
    }

    /// Turns Kabsch alignment of every frame onto the topology on or off (alignment implies
    /// centring); models without coarse-graining ignore it.
    pub fn set_alignment(&mut self, align: bool) {
        if let Self::DeepSignature(c) | Self::GraphLstm(GraphLstmConfig { coarse: c, .. }) = self {
            c.align_frames = align;
            c.centre_frames |= align;
        }
    }

    /// Training settings that suit this model: its preset's for Deep Signature, the improved
    /// ones for the baselines.
    #[must_use]
    pub fn default_training(&self) -> crate::config::TrainConfig {
        match self {
            Self::DeepSignature(c) => crate::config::TrainConfig::preset(c.preset),
            _ => crate::config::TrainConfig::improved(),
        }
    }

    /// Whether frames must be Kabsch-aligned before the model sees them.
    #[must_use]
    pub fn aligns_frames(&self) -> bool {
        match self {
            Self::DeepSignature(c) | Self::GraphLstm(GraphLstmConfig { coarse: c, .. }) => {
                c.align_frames
            }
            _ => false,
        }
    }

    fn outputs(&self) -> usize {
        match self.classes() {
            2 => 1,
            c => c,
        }
    }

    /// Builds the model with fresh weights for samples of `frames` frames.
    ///
    /// # Errors
    /// [`Error::Invalid`] for settings that do not fit together or with `frames`.
    pub fn init(&self, frames: usize, device: &Device) -> Result<Model> {
        if self.classes() < 2 {
            return Err(Error::Invalid(format!(
                "{} classes: a classifier needs at least 2",
                self.classes()
            )));
        }
        let outputs = self.outputs();
        Ok(match self {
            Self::DeepSignature(c) => Model::DeepSignature(DeepSignature::new(c, frames, device)?),
            Self::FrameLstm(c) => Model::FrameLstm(FrameLstm {
                encoder: FrameEncoder::new(c.hidden, device),
                lstm: LstmConfig::new(c.hidden, c.lstm_hidden, true).init(device),
                head: Head::new(c.lstm_hidden, c.hidden, outputs, c.dropout, device),
                frames: c.frames,
            }),
            Self::GraphLstm(c) => {
                c.coarse.validate(frames)?;
                Model::GraphLstm(GraphLstm {
                    coarse: CoarseGrainer::new(&c.coarse, device),
                    lstm: BiLstmConfig::new(c.coarse.hidden, c.lstm_hidden, true).init(device),
                    head: Head::new(
                        2 * c.lstm_hidden,
                        c.coarse.hidden,
                        outputs,
                        c.coarse.dropout,
                        device,
                    ),
                })
            }
            Self::GraphTransformer(c) => {
                if c.heads == 0 || c.hidden % c.heads != 0 {
                    return Err(Error::Invalid(format!(
                        "graph-transformer: {} heads do not divide the width {}",
                        c.heads, c.hidden
                    )));
                }
                Model::GraphTransformer(GraphTransformer {
                    encoder: FrameEncoder::new(c.hidden, device),
                    position: PositionalEncodingConfig::new(c.hidden)
                        .with_max_sequence_size(frames.max(1))
                        .init(device),
                    transformer: TransformerEncoderConfig::new(
                        c.hidden,
                        2 * c.hidden,
                        c.heads,
                        c.layers,
                    )
                    .with_dropout(c.dropout)
                    .init(device),
                    head: Head::new(c.hidden, c.hidden, outputs, c.dropout, device),
                })
            }
        })
    }

    /// Loss weights and the double-sigmoid switch of this model.
    fn loss_settings(&self) -> (LossWeights, bool) {
        match self {
            Self::DeepSignature(c) => (c.loss_weights, c.double_sigmoid),
            Self::GraphLstm(c) => (c.coarse.loss_weights, false),
            _ => (
                LossWeights {
                    classification: 1.0,
                    temporal: 0.0,
                    clustering: 0.0,
                },
                false,
            ),
        }
    }
}

/// FrameLSTM (see the module docs).
#[derive(Module, Debug)]
pub struct FrameLstm {
    /// Per-frame embedding.
    pub encoder: FrameEncoder,
    /// LSTM over the chosen frames.
    pub lstm: Lstm,
    /// Classification head.
    pub head: Head,
    #[module(skip)]
    frames: FrameChoice,
}

/// GraphLSTM (see the module docs).
#[derive(Module, Debug)]
pub struct GraphLstm {
    /// Deep Signature's coarse-graining.
    pub coarse: CoarseGrainer,
    /// Bidirectional LSTM over time, per bead.
    pub lstm: BiLstm,
    /// Classification head.
    pub head: Head,
}

/// GraphTransformer (see the module docs).
#[derive(Module, Debug)]
pub struct GraphTransformer {
    /// Per-frame embedding (tokens).
    pub encoder: FrameEncoder,
    /// Sinusoidal positions.
    pub position: PositionalEncoding,
    /// Encoder over frame tokens.
    pub transformer: TransformerEncoder,
    /// Classification head.
    pub head: Head,
}

/// Any model molsig trains.
#[derive(Module, Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Model {
    /// Deep Signature.
    DeepSignature(DeepSignature),
    /// FrameLSTM baseline.
    FrameLstm(FrameLstm),
    /// GraphLSTM baseline.
    GraphLstm(GraphLstm),
    /// GraphTransformer baseline.
    GraphTransformer(GraphTransformer),
}

/// A forward pass's outputs.
#[derive(Debug, Clone)]
pub struct Output {
    /// Logits `[batch, outputs]`.
    pub logits: Tensor<2>,
    /// Clustering and back-mapping losses, for models that coarse-grain.
    pub auxiliary: Option<AuxiliaryLosses>,
}

impl Model {
    /// The forward pass.
    ///
    /// # Shapes
    /// - `coordinates`: `[batch, atoms, frames, 3]` (nm)
    ///
    /// # Errors
    /// From the signature operation (Deep Signature only).
    pub fn forward(&self, coordinates: Tensor<4>, graph: &DeviceGraph) -> Result<Output> {
        Ok(match self {
            Self::DeepSignature(m) => {
                let out = m.forward(coordinates, graph)?;
                Output {
                    logits: out.logits,
                    auxiliary: Some(out.coarse.losses),
                }
            }
            Self::FrameLstm(m) => {
                let t = coordinates.dims()[2];
                let chosen = match m.frames {
                    FrameChoice::First => coordinates.narrow(2, 0, 1),
                    FrameChoice::Last => coordinates.narrow(2, t - 1, 1),
                    FrameChoice::Both => Tensor::cat(
                        vec![
                            coordinates.clone().narrow(2, 0, 1),
                            coordinates.narrow(2, t - 1, 1),
                        ],
                        2,
                    ),
                };
                let tokens = m.encoder.forward(chosen, graph); // [b, f, hidden]
                let [b, f, _] = tokens.dims();
                let (out, _) = m.lstm.forward(tokens, None);
                let h = out.dims()[2];
                Output {
                    logits: m.head.forward(out.narrow(1, f - 1, 1).reshape([b, h])),
                    auxiliary: None,
                }
            }
            Self::GraphLstm(m) => {
                let coarse = m.coarse.forward(coordinates, graph);
                let [b, beads, t, hidden] = coarse.features.dims();
                let (out, _) = m
                    .lstm
                    .forward(coarse.features.reshape([b * beads, t, hidden]), None); // [b·m, t, 2h]
                let width = out.dims()[2];
                let pooled = out
                    .reshape([b, beads * t, width])
                    .mean_dim(1)
                    .reshape([b, width]);
                Output {
                    logits: m.head.forward(pooled),
                    auxiliary: Some(coarse.losses),
                }
            }
            Self::GraphTransformer(m) => {
                let tokens = m.position.forward(m.encoder.forward(coordinates, graph));
                let encoded = m.transformer.forward(TransformerEncoderInput::new(tokens));
                let [b, _, h] = encoded.dims();
                Output {
                    logits: m.head.forward(encoded.mean_dim(1).reshape([b, h])),
                    auxiliary: None,
                }
            }
        })
    }
}

/// Class probabilities from logits: `[batch, classes]` (binary: `[1 − p, p]`).
#[must_use]
pub fn probabilities(logits: Tensor<2>) -> Tensor<2> {
    let [_, outputs] = logits.dims();
    if outputs == 1 {
        let p = sigmoid(logits);
        Tensor::cat(vec![p.clone().neg().add_scalar(1.0), p], 1)
    } else {
        softmax(logits, 1)
    }
}

/// The loss terms of a batch, each a scalar tensor `[1]`.
#[derive(Debug, Clone)]
pub struct Losses {
    /// The weighted total that is minimised.
    pub total: Tensor<1>,
    /// Classification (cross-entropy) loss.
    pub classification: Tensor<1>,
    /// Clustering and back-mapping losses, for models that coarse-grain.
    pub auxiliary: Option<AuxiliaryLosses>,
}

/// The training loss of `output` for `labels` (`[batch]`) with per-sample `weights` (`[batch]`).
#[must_use]
pub fn losses(
    config: &ModelConfig,
    output: Output,
    labels: Tensor<1, Int>,
    weights: Tensor<1>,
) -> Losses {
    let (w, double_sigmoid) = config.loss_settings();
    let [b, outputs] = output.logits.dims();
    let per_sample = if outputs == 1 {
        let mut z = output.logits.reshape([b]);
        if double_sigmoid {
            // The authors apply BCE-with-logits to already-sigmoided outputs.
            z = sigmoid(z);
        }
        let y = labels.float();
        softplus(z.clone(), 1.0) - z * y // BCE with logits
    } else {
        let logp = log_softmax(output.logits, 1);
        logp.gather(1, labels.reshape([b, 1])).reshape([b]).neg()
    };
    let classification = (per_sample * weights).mean();
    let mut total = classification.clone() * w.classification;
    if let Some(aux) = &output.auxiliary {
        total = total
            + aux.temporal.clone() * w.temporal
            + (aux.cut.clone() + aux.orthogonality.clone()) * w.clustering;
    }
    Losses {
        total,
        classification,
        auxiliary: output.auxiliary,
    }
}
