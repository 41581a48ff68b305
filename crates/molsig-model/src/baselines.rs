//! The authors' baselines (spec §5), each a `*Config` with `init` and a module with `forward`:
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
    BiLstm, BiLstmConfig, Lstm, LstmConfig, PositionalEncoding, PositionalEncodingConfig,
};
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::coarse_grain::{AuxiliaryLosses, CoarseGrainer};
use crate::config::DeepSignatureConfig;
use crate::graph::DeviceGraph;
use crate::layers::{FrameEncoder, FrameEncoderConfig, Head, HeadConfig};
use crate::{Error, Result};

/// Which frames FrameLSTM sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct GraphLstmConfig {
    /// The coarse-graining part (and loss weights) of this configuration is used.
    pub coarse: DeepSignatureConfig,
    /// Hidden width of each direction of the bidirectional LSTM.
    pub lstm_hidden: usize,
}

/// GraphTransformer's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
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

impl FrameLstmConfig {
    /// The model with fresh weights and `outputs` logits.
    #[must_use]
    pub fn init(&self, outputs: usize, device: &Device) -> FrameLstm {
        FrameLstm {
            encoder: FrameEncoderConfig::new(self.hidden).init(device),
            lstm: LstmConfig::new(self.hidden, self.lstm_hidden, true).init(device),
            head: HeadConfig::new(self.lstm_hidden, self.hidden, outputs)
                .with_dropout(self.dropout)
                .init(device),
            frames: self.frames,
        }
    }
}

impl GraphLstmConfig {
    /// The model with fresh weights for `frames`-frame samples and `outputs` logits.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the coarse-graining settings do not fit `frames`.
    pub fn init(&self, frames: usize, outputs: usize, device: &Device) -> Result<GraphLstm> {
        self.coarse.validate(frames)?;
        Ok(GraphLstm {
            coarse: self.coarse.init_coarse_grainer(device),
            lstm: BiLstmConfig::new(self.coarse.hidden, self.lstm_hidden, true).init(device),
            head: HeadConfig::new(2 * self.lstm_hidden, self.coarse.hidden, outputs)
                .with_dropout(self.coarse.dropout)
                .init(device),
        })
    }
}

impl GraphTransformerConfig {
    /// The model with fresh weights for `frames`-frame samples and `outputs` logits.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the heads do not divide the width.
    pub fn init(&self, frames: usize, outputs: usize, device: &Device) -> Result<GraphTransformer> {
        if self.heads == 0 || !self.hidden.is_multiple_of(self.heads) {
            return Err(Error::Invalid(format!(
                "graph-transformer: {} heads do not divide the width {}",
                self.heads, self.hidden
            )));
        }
        Ok(GraphTransformer {
            encoder: FrameEncoderConfig::new(self.hidden).init(device),
            position: PositionalEncodingConfig::new(self.hidden)
                .with_max_sequence_size(frames.max(1))
                .init(device),
            transformer: TransformerEncoderConfig::new(
                self.hidden,
                2 * self.hidden,
                self.heads,
                self.layers,
            )
            .with_dropout(self.dropout)
            .init(device),
            head: HeadConfig::new(self.hidden, self.hidden, outputs)
                .with_dropout(self.dropout)
                .init(device),
        })
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

impl FrameLstm {
    /// Logits from the chosen frames.
    ///
    /// # Shapes
    /// - `coordinates`: `[batch, atoms, frames, 3]` → `[batch, outputs]`
    #[must_use]
    pub fn forward(&self, coordinates: Tensor<4>, graph: &DeviceGraph) -> Tensor<2> {
        let t = coordinates.dims()[2];
        let chosen = match self.frames {
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
        let tokens = self.encoder.forward(chosen, graph); // [b, f, hidden]
        let [b, f, _] = tokens.dims();
        let (out, _) = self.lstm.forward(tokens, None);
        let h = out.dims()[2];
        self.head.forward(out.narrow(1, f - 1, 1).reshape([b, h]))
    }
}

impl GraphLstm {
    /// Logits and the coarse-graining's losses.
    ///
    /// # Shapes
    /// - `coordinates`: `[batch, atoms, frames, 3]` → `[batch, outputs]`
    #[must_use]
    pub fn forward(
        &self,
        coordinates: Tensor<4>,
        graph: &DeviceGraph,
    ) -> (Tensor<2>, AuxiliaryLosses) {
        let coarse = self.coarse.forward(coordinates, graph);
        let [b, beads, t, hidden] = coarse.features.dims();
        let (out, _) = self
            .lstm
            .forward(coarse.features.reshape([b * beads, t, hidden]), None); // [b·m, t, 2h]
        let width = out.dims()[2];
        let pooled = out
            .reshape([b, beads * t, width])
            .mean_dim(1)
            .reshape([b, width]);
        (self.head.forward(pooled), coarse.losses)
    }
}

impl GraphTransformer {
    /// Logits from the frame tokens.
    ///
    /// # Shapes
    /// - `coordinates`: `[batch, atoms, frames, 3]` → `[batch, outputs]`
    #[must_use]
    pub fn forward(&self, coordinates: Tensor<4>, graph: &DeviceGraph) -> Tensor<2> {
        let tokens = self
            .position
            .forward(self.encoder.forward(coordinates, graph));
        let encoded = self
            .transformer
            .forward(TransformerEncoderInput::new(tokens));
        let [b, _, h] = encoded.dims();
        self.head.forward(encoded.mean_dim(1).reshape([b, h]))
    }
}
