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

use crate::budget::{self, ModelSize, Tally, check_dropout, check_range};
use crate::coarse_grain::{AuxiliaryLosses, CoarseGrainer};
use crate::config::DeepSignatureConfig;
use crate::graph::DeviceGraph;
use crate::layers::{FrameEncoder, FrameEncoderConfig, Head, HeadConfig, count_head};
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
    /// Checks every field and the sample length (the model reads only the first and last
    /// frames of it), then the model's size against
    /// [`MAX_MODEL_VALUES`](crate::budget::MAX_MODEL_VALUES).
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the offending field, or the part that makes the model too large.
    pub fn validate(&self, frames: usize) -> Result<ModelSize> {
        const MODEL: &str = "frame-lstm";
        check_range(MODEL, "frames per sample", frames, &budget::FRAMES)?;
        check_range(MODEL, "hidden", self.hidden, &budget::WIDTHS)?;
        check_range(MODEL, "lstm_hidden", self.lstm_hidden, &budget::WIDTHS)?;
        check_range(MODEL, "classes", self.classes, &budget::CLASSES)?;
        check_dropout(MODEL, "dropout", self.dropout)?;
        let (hidden, lstm_hidden) = (self.hidden as u64, self.lstm_hidden as u64);
        let mut tally = Tally::new(MODEL);
        tally.parameters(
            || format!("the frame encoder (hidden = {hidden})"),
            budget::linear(3, hidden, true),
        )?;
        let lstm = || format!("the LSTM (hidden = {hidden}, lstm_hidden = {lstm_hidden})");
        tally.parameters(lstm, budget::lstm(hidden, lstm_hidden))?;
        // At most two frames, four gates and two states each.
        tally.activations(lstm, lstm_hidden.checked_mul(12))?;
        count_head(
            &mut tally,
            || format!("the head (lstm_hidden = {lstm_hidden}, hidden = {hidden})"),
            lstm_hidden,
            self.hidden,
            outputs(self.classes),
        )?;
        tally.finish()
    }

    /// The model with fresh weights for `frames`-frame samples.
    ///
    /// # Errors
    /// As [`Self::validate`], checked before anything is allocated.
    pub fn init(&self, frames: usize, device: &Device) -> Result<FrameLstm> {
        self.validate(frames)?;
        Ok(FrameLstm {
            encoder: FrameEncoderConfig::new(self.hidden).init(device),
            lstm: LstmConfig::new(self.hidden, self.lstm_hidden, true).init(device),
            head: HeadConfig::new(self.lstm_hidden, self.hidden, outputs(self.classes))
                .with_dropout(self.dropout)
                .init(device),
            frames: self.frames,
        })
    }
}

impl GraphLstmConfig {
    /// Checks every field, then the model's size for `frames`-frame samples against
    /// [`MAX_MODEL_VALUES`](crate::budget::MAX_MODEL_VALUES).
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the offending field, or the part that makes the model too large.
    pub fn validate(&self, frames: usize) -> Result<ModelSize> {
        const MODEL: &str = "graph-lstm";
        check_range(MODEL, "frames per sample", frames, &budget::FRAMES)?;
        self.coarse.check_fields(MODEL, "coarse.")?;
        check_range(MODEL, "lstm_hidden", self.lstm_hidden, &budget::WIDTHS)?;
        let mut tally = Tally::new(MODEL);
        self.coarse
            .count_coarse_grainer(&mut tally, "coarse.", frames)?;
        let (hidden, lstm_hidden) = (self.coarse.hidden as u64, self.lstm_hidden as u64);
        let (beads, t) = (self.coarse.beads as u64, frames as u64);
        let lstm = || {
            format!(
                "the bidirectional LSTM (coarse.hidden = {hidden}, lstm_hidden = {lstm_hidden}, \
                 over coarse.beads = {beads} × {t} frames)"
            )
        };
        tally.parameters(
            lstm,
            budget::lstm(hidden, lstm_hidden).and_then(|l| l.checked_mul(2)),
        )?;
        // Two directions of four gates and two states, for every bead and frame.
        let activations = beads
            .checked_mul(t)
            .and_then(|steps| steps.checked_mul(lstm_hidden)?.checked_mul(12));
        tally.activations(lstm, activations)?;
        count_head(
            &mut tally,
            || format!("the head (2 × lstm_hidden = {lstm_hidden}, coarse.hidden = {hidden})"),
            2 * lstm_hidden,
            self.coarse.hidden,
            outputs(self.coarse.classes),
        )?;
        tally.finish()
    }

    /// The model with fresh weights for `frames`-frame samples.
    ///
    /// # Errors
    /// As [`Self::validate`], checked before anything is allocated.
    pub fn init(&self, frames: usize, device: &Device) -> Result<GraphLstm> {
        self.validate(frames)?;
        Ok(GraphLstm {
            coarse: self.coarse.init_coarse_grainer(device),
            lstm: BiLstmConfig::new(self.coarse.hidden, self.lstm_hidden, true).init(device),
            head: HeadConfig::new(
                2 * self.lstm_hidden,
                self.coarse.hidden,
                self.coarse.outputs(),
            )
            .with_dropout(self.coarse.dropout)
            .init(device),
        })
    }
}

impl GraphTransformerConfig {
    /// Checks every field, then the model's size for `frames`-frame samples against
    /// [`MAX_MODEL_VALUES`](crate::budget::MAX_MODEL_VALUES).
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the offending field, or the part that makes the model too large.
    pub fn validate(&self, frames: usize) -> Result<ModelSize> {
        const MODEL: &str = "graph-transformer";
        // burn's sinusoidal positions pair a sine and a cosine per frequency, and reach at most
        // their largest timescale (10,000 positions); it panics beyond either.
        check_range(MODEL, "frames per sample", frames, &(1..=10_000))?;
        check_range(MODEL, "hidden", self.hidden, &budget::WIDTHS)?;
        if !self.hidden.is_multiple_of(2) {
            return Err(Error::Invalid(format!(
                "{MODEL}: hidden is {}; expected an even width (sinusoidal positions come in \
                 sine and cosine pairs)",
                self.hidden
            )));
        }
        check_range(MODEL, "heads", self.heads, &(1..=self.hidden))?;
        if !self.hidden.is_multiple_of(self.heads) {
            return Err(Error::Invalid(format!(
                "{MODEL}: heads is {}; it must divide hidden ({})",
                self.heads, self.hidden
            )));
        }
        check_range(MODEL, "layers", self.layers, &budget::LAYERS)?;
        check_range(MODEL, "classes", self.classes, &budget::CLASSES)?;
        check_dropout(MODEL, "dropout", self.dropout)?;
        let (h, heads, layers, t) = (
            self.hidden as u64,
            self.heads as u64,
            self.layers as u64,
            frames as u64,
        );
        let mut tally = Tally::new(MODEL);
        tally.parameters(
            || format!("the frame encoder (hidden = {h})"),
            budget::linear(3, h, true),
        )?;
        tally.activations(
            || format!("the positional encoding (hidden = {h} × {t} frames)"),
            h.checked_mul(t),
        )?;
        let encoder = || {
            format!(
                "the encoder (layers = {layers} of hidden = {h}, heads = {heads}, over {t} frames)"
            )
        };
        // Per layer: query, key, value and output maps, the feed-forward pair (width 2h), and
        // two LayerNorms.
        let per_layer = budget::linear(h, h, true).and_then(|map| {
            map.checked_mul(4)?
                .checked_add(budget::linear(h, 2 * h, true)?)?
                .checked_add(budget::linear(2 * h, h, true)?)?
                .checked_add(budget::layer_norm(h)?.checked_mul(2)?)
        });
        tally.parameters(encoder, per_layer.and_then(|p| p.checked_mul(layers)))?;
        // Per layer: attention scores of every head, and a few token-wide intermediates.
        let per_layer = heads.checked_mul(t).and_then(|a| {
            a.checked_mul(t)?
                .checked_add(t.checked_mul(h)?.checked_mul(6)?)
        });
        tally.activations(encoder, per_layer.and_then(|a| a.checked_mul(layers)))?;
        count_head(
            &mut tally,
            || format!("the head (hidden = {h})"),
            h,
            self.hidden,
            outputs(self.classes),
        )?;
        tally.finish()
    }

    /// The model with fresh weights for `frames`-frame samples.
    ///
    /// # Errors
    /// As [`Self::validate`], checked before anything is allocated.
    pub fn init(&self, frames: usize, device: &Device) -> Result<GraphTransformer> {
        self.validate(frames)?;
        Ok(GraphTransformer {
            encoder: FrameEncoderConfig::new(self.hidden).init(device),
            position: PositionalEncodingConfig::new(self.hidden)
                .with_max_sequence_size(frames)
                .init(device),
            transformer: TransformerEncoderConfig::new(
                self.hidden,
                2 * self.hidden,
                self.heads,
                self.layers,
            )
            .with_dropout(self.dropout)
            .init(device),
            head: HeadConfig::new(self.hidden, self.hidden, outputs(self.classes))
                .with_dropout(self.dropout)
                .init(device),
        })
    }
}

/// Logits of a classifier of `classes` classes: one for two, one per class otherwise.
fn outputs(classes: usize) -> usize {
    if classes == 2 { 1 } else { classes }
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
