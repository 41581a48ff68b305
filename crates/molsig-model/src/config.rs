//! What a model is: the architecture, its presets, and how it trains.
//!
//! Two presets of Deep Signature (see `../shared/design/deep-signature.md` §3):
//! - [`Preset::Reference`] reproduces the authors' public code, quirks included, so their
//!   numbers can be reproduced;
//! - [`Preset::Improved`] (the default) switches each flaw off. Every difference between the two
//!   is one named field of [`DeepSignatureConfig`], so any mix can be studied.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A named starting point for [`DeepSignatureConfig`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// The authors' code, quirks included.
    Reference,
    /// The default: the authors' flaws fixed (crate README lists each switch).
    #[default]
    Improved,
}

impl Preset {
    /// Parses `reference` or `improved`.
    ///
    /// # Errors
    /// [`Error::Invalid`] for anything else.
    pub fn parse(name: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "reference" => Ok(Self::Reference),
            "improved" => Ok(Self::Improved),
            other => Err(Error::Invalid(format!(
                "unknown preset {other:?}; expected \"reference\" or \"improved\""
            ))),
        }
    }
}

/// What is computed on each segment of the bead path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// The truncated signature (levels 1..=depth).
    Signature,
    /// The log-signature in the Lyndon basis (iisignature's order).
    LogSignature,
}

/// A path augmentation applied to each segment before its signature (molsig-signature's
/// [`Augment`](molsig_signature::Augment), which see).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Augmentation {
    /// Prepend the origin: the signature then also sees the starting position.
    Basepoint,
    /// Add time as a channel.
    Time,
    /// Lead-lag: level-2 terms then carry each channel's quadratic variation (roughness).
    LeadLag,
}

impl Augmentation {
    pub(crate) fn to_signature(self) -> molsig_signature::Augment {
        match self {
            Self::Basepoint => molsig_signature::Augment::Basepoint,
            Self::Time => molsig_signature::Augment::Time,
            Self::LeadLag => molsig_signature::Augment::LeadLag,
        }
    }
}

/// How the per-segment features become one vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Combiner {
    /// An LSTM over the segments; its last hidden state (the authors' choice).
    Lstm {
        /// Hidden width (authors: 256).
        hidden: usize,
    },
    /// All segments side by side.
    Concat,
    /// The mean over segments.
    Mean,
}

/// Weights of the loss terms: total = classification·cls + temporal·L_tc + clustering·Σ(L_cut + L_orth).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct LossWeights {
    /// Classification loss (authors: 10).
    pub classification: f64,
    /// Temporal-consistency (back-mapping) L1 loss (authors: 0.01).
    pub temporal: f64,
    /// MinCut cut + orthogonality losses, summed over levels (authors: 1).
    pub clustering: f64,
}

/// The Deep Signature architecture and every switch between the presets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[allow(clippy::struct_excessive_bools)] // each is one named difference between the presets
pub struct DeepSignatureConfig {
    /// The preset this configuration started from (informational).
    pub preset: Preset,
    /// Width of the graph layers (authors: 20 on GPCR).
    pub hidden: usize,
    /// Beads M after the last pooling level (authors: 50 on GPCR).
    pub beads: usize,
    /// Clusters per pooling level as multiples of `beads`, coarsest last (authors' code: 8, 4, 1;
    /// the paper and `improved`: 1). On small molecules the authors' product of three soft
    /// assignments collapsed every atom into one bead in each run we measured.
    pub level_factors: Vec<usize>,
    /// Signature or log-signature of each segment (authors: log-signature).
    pub feature: Feature,
    /// Truncation depth (authors: 2).
    pub depth: usize,
    /// Equal segments the bead path is cut into (authors: 4).
    pub segments: usize,
    /// Augmentations of each segment, applied in order (authors: none).
    pub augmentations: Vec<Augmentation>,
    /// How segment features are combined (authors: LSTM 256).
    pub combiner: Combiner,
    /// Dropout before the output layer (authors: 0.2).
    pub dropout: f64,
    /// Number of classes (2 = binary, one logit).
    pub classes: usize,
    /// Loss weights (authors: 10 / 0.01 / 1).
    pub loss_weights: LossWeights,
    /// Keep bonds in one direction only (i < j), as the authors' edge lists (reference: true).
    pub one_directional_edges: bool,
    /// Bound the frame-averaged assignment logits with tanh (reference: true). Logits in [−1, 1]
    /// keep Q close to uniform: the authors' clustering loss barely moves from its uniform value.
    pub tanh_assignment: bool,
    /// Standardise the frame-averaged features across atoms (per feature: zero mean, unit
    /// variance) before the assignment layer (reference: false). Without it, Q starts with near
    /// identical rows — a saddle of the MinCut losses, which only see atoms that differ — and
    /// stays near uniform through a short training. Absent in older checkpoints: false.
    #[serde(default)]
    pub standardise_assignment: bool,
    /// Apply the sigmoid twice in the binary loss (reference: true; the authors' bug).
    pub double_sigmoid: bool,
    /// Segments share their boundary frame, so no increment is dropped (reference: false).
    pub segment_overlap: bool,
    /// Subtract each frame's centroid from its coordinates (reference: false). Makes predictions
    /// translation invariant.
    pub centre_frames: bool,
    /// Kabsch-align every frame onto the training topology (reference: off, improved: on).
    /// Makes predictions rotation invariant, and gives each atom a distinct mean position for
    /// the assignment layer (a tumbling molecule's raw atoms differ only by distance from the
    /// centre); needs `centre_frames`.
    pub align_frames: bool,
    /// Back-mapping target: bead centroids (true) or Q-weighted sums (reference: false).
    pub centroid_target: bool,
    /// Detach Q in the back-mapping target (both presets: true).
    pub detach_target: bool,
}

impl DeepSignatureConfig {
    /// The authors' code with `beads` beads (their GPCR setting is 50).
    #[must_use]
    pub fn reference(beads: usize, classes: usize) -> Self {
        Self {
            preset: Preset::Reference,
            hidden: 20,
            beads,
            level_factors: vec![8, 4, 1],
            feature: Feature::LogSignature,
            depth: 2,
            segments: 4,
            augmentations: Vec::new(),
            combiner: Combiner::Lstm { hidden: 256 },
            dropout: 0.2,
            classes,
            loss_weights: LossWeights {
                classification: 10.0,
                temporal: 0.01,
                clustering: 1.0,
            },
            one_directional_edges: true,
            tanh_assignment: true,
            standardise_assignment: false,
            double_sigmoid: true,
            segment_overlap: false,
            centre_frames: false,
            align_frames: false,
            centroid_target: false,
            detach_target: true,
        }
    }

    /// The default: the reference with every flaw of the spec's §3 fixed and lead-lag added, so
    /// the level-2 terms see each bead coordinate's roughness; one pooling level on standardised,
    /// aligned features so that the beads are distinct groups of atoms.
    #[must_use]
    pub fn improved(beads: usize, classes: usize) -> Self {
        Self {
            preset: Preset::Improved,
            level_factors: vec![1],
            augmentations: vec![Augmentation::LeadLag],
            one_directional_edges: false,
            tanh_assignment: false,
            standardise_assignment: true,
            double_sigmoid: false,
            segment_overlap: true,
            centre_frames: true,
            align_frames: true,
            centroid_target: true,
            ..Self::reference(beads, classes)
        }
    }

    /// The preset's configuration.
    #[must_use]
    pub fn preset(preset: Preset, beads: usize, classes: usize) -> Self {
        match preset {
            Preset::Reference => Self::reference(beads, classes),
            Preset::Improved => Self::improved(beads, classes),
        }
    }

    /// Clusters per pooling level, finest first.
    #[must_use]
    pub fn clusters(&self) -> Vec<usize> {
        self.level_factors.iter().map(|f| f * self.beads).collect()
    }

    /// Outputs of the head: one logit for binary problems, one per class otherwise.
    #[must_use]
    pub fn outputs(&self) -> usize {
        if self.classes == 2 { 1 } else { self.classes }
    }

    /// Channels of one segment's path after augmentation.
    ///
    /// # Errors
    /// As [`Self::validate`].
    pub fn path_channels(&self, frames_per_segment: usize) -> Result<usize> {
        let mut shape = (frames_per_segment, 3 * self.beads);
        for a in &self.augmentations {
            shape = a
                .to_signature()
                .shape(shape.0, shape.1)
                .map_err(|e| Error::Invalid(e.to_string()))?;
        }
        Ok(shape.1)
    }

    /// Features per segment.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the size overflows.
    pub fn segment_features(&self, frames_per_segment: usize) -> Result<usize> {
        let d = self.path_channels(frames_per_segment)?;
        match self.feature {
            Feature::Signature => molsig_signature::sig_len(d, self.depth),
            Feature::LogSignature => molsig_signature::logsig_len(d, self.depth),
        }
        .map_err(|e| Error::Invalid(e.to_string()))
    }

    /// Frames in each segment of a `frames`-frame sample.
    #[must_use]
    pub fn frames_per_segment(&self, frames: usize) -> usize {
        if self.segment_overlap {
            (frames - 1).div_ceil(self.segments) + 1
        } else {
            frames / self.segments
        }
    }

    /// Checks the configuration against a sample length.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the offending field.
    pub fn validate(&self, frames: usize) -> Result<()> {
        let fail = |m: String| Err(Error::Invalid(m));
        if self.hidden == 0 || self.beads == 0 || self.depth == 0 || self.segments == 0 {
            return fail("hidden, beads, depth and segments must all be at least 1".into());
        }
        if self.level_factors.is_empty() || self.level_factors.contains(&0) {
            return fail(format!(
                "level_factors {:?}: need at least one level, each factor at least 1",
                self.level_factors
            ));
        }
        if self.classes < 2 {
            return fail(format!("classes = {}: need at least 2", self.classes));
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return fail(format!("dropout {} is not in [0, 1)", self.dropout));
        }
        if self.align_frames && !self.centre_frames {
            return fail("align_frames needs centre_frames (Kabsch aligns centred frames)".into());
        }
        let minimum = if self.segment_overlap {
            self.segments + 1
        } else {
            2 * self.segments
        };
        if frames < minimum {
            return fail(format!(
                "{frames} frames per sample are too few for {} segments of at least 2 frames \
                 (need {minimum})",
                self.segments
            ));
        }
        let features = self.segment_features(self.frames_per_segment(frames))?;
        if features > 1 << 26 {
            return fail(format!(
                "{features} signature features per segment (beads {}, depth {}) would not fit in \
                 memory; use fewer beads or a lower depth",
                self.beads, self.depth
            ));
        }
        Ok(())
    }
}

/// How a model is trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct TrainConfig {
    /// Passes over the training set (authors: 200).
    pub epochs: usize,
    /// Samples per optimiser step (authors: 16).
    pub batch_size: usize,
    /// Adam learning rate (authors: 1e-3).
    pub learning_rate: f64,
    /// L2 weight decay added to the gradient, as PyTorch's Adam (authors: 5e-4).
    pub weight_decay: f64,
    /// Clip each parameter's gradient to this L2 norm (authors: none).
    pub clip_norm: Option<f64>,
    /// Stop when validation loss has not improved for this many epochs (authors: never).
    pub patience: Option<usize>,
    /// Keep the parameters of the epoch with the best validation loss (authors: the last epoch).
    pub keep_best: bool,
    /// Weight classes inversely to their frequency in the training set.
    pub class_weights: bool,
    /// Seed of initialisation, shuffling and dropout.
    pub seed: u64,
}

impl TrainConfig {
    /// The authors' schedule.
    #[must_use]
    pub fn reference() -> Self {
        Self {
            epochs: 200,
            batch_size: 16,
            learning_rate: 1e-3,
            weight_decay: 5e-4,
            clip_norm: None,
            patience: None,
            keep_best: false,
            class_weights: false,
            seed: 0,
        }
    }

    /// The default: the authors' optimiser with best-validation selection, early stopping,
    /// clipping and class weights.
    #[must_use]
    pub fn improved() -> Self {
        Self {
            clip_norm: Some(1.0),
            patience: Some(20),
            keep_best: true,
            class_weights: true,
            ..Self::reference()
        }
    }

    /// The preset's schedule.
    #[must_use]
    pub fn preset(preset: Preset) -> Self {
        match preset {
            Preset::Reference => Self::reference(),
            Preset::Improved => Self::improved(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_written_before_standardise_assignment_load_without_it() {
        let mut old = serde_json::to_value(DeepSignatureConfig::improved(4, 2)).expect("json");
        old.as_object_mut()
            .expect("object")
            .remove("standardise_assignment");
        let loaded: DeepSignatureConfig = serde_json::from_value(old).expect("old header");
        assert!(!loaded.standardise_assignment);
        assert!(DeepSignatureConfig::improved(4, 2).standardise_assignment);
    }
}
