//! Every model molsig trains, behind one type: dispatch over Deep Signature and the baselines
//! ([`crate::baselines`]), and the losses they share.

use burn::module::Module;
use burn::tensor::activation::{log_softmax, sigmoid, softmax, softplus};
use burn::tensor::{Device, Int, Tensor};
use serde::{Deserialize, Serialize};

use crate::baselines::{
    FrameChoice, FrameLstm, FrameLstmConfig, GraphLstm, GraphLstmConfig, GraphTransformer,
    GraphTransformerConfig,
};
use crate::budget::ModelSize;
use crate::coarse_grain::AuxiliaryLosses;
use crate::config::{DeepSignatureConfig, LossWeights, Preset};
use crate::deep_signature::DeepSignature;
use crate::graph::DeviceGraph;
use crate::{Error, Result};

/// What to build: Deep Signature or a baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
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

    /// Checks every field of the configuration and its fit with `frames`-frame samples, then
    /// the model's size against [`MAX_MODEL_VALUES`](crate::budget::MAX_MODEL_VALUES): one
    /// check for every path that builds a model (training settings and model files alike).
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the model, the offending field and what was expected, or the
    /// part that makes the model too large.
    pub fn validate(&self, frames: usize) -> Result<ModelSize> {
        match self {
            Self::DeepSignature(c) => c.validate(frames),
            Self::FrameLstm(c) => c.validate(frames),
            Self::GraphLstm(c) => c.validate(frames),
            Self::GraphTransformer(c) => c.validate(frames),
        }
    }

    /// Builds the model with fresh weights for samples of `frames` frames.
    ///
    /// # Errors
    /// As [`Self::validate`], checked before anything is allocated.
    pub fn init(&self, frames: usize, device: &Device) -> Result<Model> {
        Ok(match self {
            Self::DeepSignature(c) => Model::DeepSignature(c.init(frames, device)?),
            Self::FrameLstm(c) => Model::FrameLstm(c.init(frames, device)?),
            Self::GraphLstm(c) => Model::GraphLstm(c.init(frames, device)?),
            Self::GraphTransformer(c) => Model::GraphTransformer(c.init(frames, device)?),
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
            Self::FrameLstm(m) => Output {
                logits: m.forward(coordinates, graph),
                auxiliary: None,
            },
            Self::GraphLstm(m) => {
                let (logits, losses) = m.forward(coordinates, graph);
                Output {
                    logits,
                    auxiliary: Some(losses),
                }
            }
            Self::GraphTransformer(m) => Output {
                logits: m.forward(coordinates, graph),
                auxiliary: None,
            },
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
