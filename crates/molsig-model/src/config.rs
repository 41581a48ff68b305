//! What a model is: the architecture, its presets, and how it trains.
//!
//! Two presets of Deep Signature (see `../shared/design/deep-signature.md` §3):
//! - [`Preset::Reference`] reproduces the authors' public code, quirks included, so their
//!   numbers can be reproduced;
//! - [`Preset::Improved`] (the default) switches each flaw off. Every difference between the two
//!   is one named field of [`DeepSignatureConfig`], so any mix can be studied.

use serde::{Deserialize, Serialize};

use crate::budget::{self, ModelSize, Tally, check_dropout, check_range};
use crate::layers::count_head;
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
        Ok(self.segment_path(frames_per_segment)?.1)
    }

    /// (points, channels) of one segment's path after augmentation.
    fn segment_path(&self, frames_per_segment: usize) -> Result<(usize, usize)> {
        let mut shape = (frames_per_segment, 3 * self.beads);
        for a in &self.augmentations {
            shape = a
                .to_signature()
                .shape(shape.0, shape.1)
                .map_err(|e| Error::Invalid(e.to_string()))?;
        }
        Ok(shape)
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

    /// Checks every field and the fit with a sample length, then the model's size against
    /// [`MAX_MODEL_VALUES`](crate::budget::MAX_MODEL_VALUES); called by [`Self::init`] before
    /// anything is allocated.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the offending field, or the part that makes the model too large.
    pub fn validate(&self, frames: usize) -> Result<ModelSize> {
        const MODEL: &str = "deep-signature";
        check_range(MODEL, "frames per sample", frames, &budget::FRAMES)?;
        self.check_fields(MODEL, "")?;
        let minimum = if self.segment_overlap {
            self.segments + 1
        } else {
            2 * self.segments
        };
        if frames < minimum {
            return Err(Error::Invalid(format!(
                "{MODEL}: {frames} frames per sample are too few for {} segments of at least 2 \
                 frames (need {minimum})",
                self.segments
            )));
        }
        let mut tally = Tally::new(MODEL);
        self.count_coarse_grainer(&mut tally, "", frames)?;
        let head_input = self.count_signatures(&mut tally, frames)?;
        count_head(
            &mut tally,
            || format!("the head (input {head_input}, hidden = {})", self.hidden),
            head_input,
            self.hidden,
            self.outputs(),
        )?;
        tally.finish()
    }

    /// Checks the fields shared with GraphLSTM; `prefix` is where they sit in the model's
    /// JSON (`""` or `"coarse."`), so the message names the field as the file spells it.
    pub(crate) fn check_fields(&self, model: &str, prefix: &str) -> Result<()> {
        let field = |name: &str| format!("{prefix}{name}");
        check_range(model, &field("hidden"), self.hidden, &budget::WIDTHS)?;
        check_range(model, &field("beads"), self.beads, &budget::BEADS)?;
        check_range(model, &field("depth"), self.depth, &budget::DEPTH)?;
        check_range(model, &field("segments"), self.segments, &budget::SEGMENTS)?;
        check_range(model, &field("classes"), self.classes, &budget::CLASSES)?;
        check_range(
            model,
            &field("level_factors (their number)"),
            self.level_factors.len(),
            &budget::LEVELS,
        )?;
        for (i, &factor) in self.level_factors.iter().enumerate() {
            check_range(
                model,
                &field(&format!("level_factors[{i}]")),
                factor,
                &budget::LEVEL_FACTOR,
            )?;
        }
        check_range(
            model,
            &field("augmentations (their number)"),
            self.augmentations.len(),
            &budget::AUGMENTATIONS,
        )?;
        if let Combiner::Lstm { hidden } = self.combiner {
            check_range(
                model,
                &field("combiner.lstm.hidden"),
                hidden,
                &budget::WIDTHS,
            )?;
        }
        check_dropout(model, &field("dropout"), self.dropout)?;
        let weights = self.loss_weights;
        for (name, weight) in [
            ("classification", weights.classification),
            ("temporal", weights.temporal),
            ("clustering", weights.clustering),
        ] {
            if !(weight.is_finite() && weight >= 0.0) {
                return Err(Error::Invalid(format!(
                    "{model}: {} is {weight:?}; expected a finite value of at least 0",
                    field(&format!("loss_weights.{name}"))
                )));
            }
        }
        if self.align_frames && !self.centre_frames {
            return Err(Error::Invalid(format!(
                "{model}: {} needs {} (Kabsch aligns centred frames)",
                field("align_frames"),
                field("centre_frames")
            )));
        }
        Ok(())
    }

    /// Adds the coarse-grainer's parameters and its atom-independent activations (pooled
    /// graphs and features, bead coordinates) for `frames`-frame samples.
    pub(crate) fn count_coarse_grainer(
        &self,
        tally: &mut Tally,
        prefix: &str,
        frames: usize,
    ) -> Result<()> {
        let (h, t, beads) = (self.hidden as u64, frames as u64, self.beads as u64);
        tally.parameters(
            || format!("the GCN layer ({prefix}hidden = {h})"),
            budget::linear(3, h, true),
        )?;
        for (i, &factor) in self.level_factors.iter().enumerate() {
            let k = factor as u64 * beads;
            let level = || {
                format!(
                    "pooling level {} ({prefix}level_factors[{i}] = {factor} × {prefix}beads = \
                     {beads}: {k} clusters, {prefix}hidden = {h}, {t} frames)",
                    i + 1
                )
            };
            // The assignment layer, then DenseGraphConv's relation (with bias) and root terms.
            let parameters = budget::linear(h, k, true).and_then(|assign| {
                assign
                    .checked_add(budget::linear(h, h, true)?)?
                    .checked_add(budget::linear(h, h, false)?)
            });
            tally.parameters(level, parameters)?;
            // The pooled adjacency, and the pooled and convolved features.
            let activations = k
                .checked_mul(k)
                .and_then(|a| a.checked_add(k.checked_mul(t)?.checked_mul(h)?.checked_mul(2)?));
            tally.activations(level, activations)?;
        }
        tally.parameters(
            || format!("the back-mapping layer ({prefix}hidden = {h})"),
            budget::linear(h, 3, true),
        )?;
        // Back-mapped beads and their target.
        tally.activations(
            || format!("the bead coordinates ({prefix}beads = {beads}, {t} frames)"),
            beads.checked_mul(t).and_then(|v| v.checked_mul(6)),
        )
    }

    /// Adds the segment signatures and the combiner; returns the head's input width.
    fn count_signatures(&self, tally: &mut Tally, frames: usize) -> Result<u64> {
        let signature = || {
            format!(
                "the signature of each segment (beads = {}, depth = {}, augmentations {:?}, \
                 {frames} frames in {} segments)",
                self.beads, self.depth, self.augmentations, self.segments
            )
        };
        let too_large = |e: Error| Error::Invalid(format!("deep-signature: {}: {e}", signature()));
        let frames_per_segment = self.frames_per_segment(frames);
        let (length, channels) = self.segment_path(frames_per_segment).map_err(too_large)?;
        let full = molsig_signature::sig_len(channels, self.depth)
            .map_err(|e| too_large(Error::Invalid(e.to_string())))?;
        let features = self
            .segment_features(frames_per_segment)
            .map_err(too_large)?;
        let (length, channels) = (length as u64, channels as u64);
        let (full, features, segments) = (full as u64, features as u64, self.segments as u64);
        // Per segment: the augmented path, its signature and the features kept.
        let activations = length.checked_mul(channels).and_then(|path| {
            path.checked_add(full)?
                .checked_add(features)?
                .checked_mul(segments)
        });
        tally.activations(signature, activations)?;
        Ok(match self.combiner {
            Combiner::Lstm { hidden } => {
                let hidden = hidden as u64;
                let part = || {
                    format!(
                        "the combiner LSTM (combiner.lstm.hidden = {hidden} over {features} \
                         features per segment from beads = {}, depth = {})",
                        self.beads, self.depth
                    )
                };
                tally.parameters(part, budget::lstm(features, hidden))?;
                // Four gates and two states per segment.
                tally.activations(part, segments.checked_mul(6 * hidden))?;
                hidden
            }
            Combiner::Concat => features
                .checked_mul(segments)
                .ok_or_else(|| too_large(Error::Invalid("the concatenation overflows".into())))?,
            Combiner::Mean => features,
        })
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
