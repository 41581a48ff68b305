//! Deep Signature: the coarse-grained bead path ([`crate::coarse_grain`]), its segment-wise
//! signatures or log-signatures, a combiner over segments and the classification head
//! (spec §2, steps 6–7).

use burn::module::Module;
use burn::nn::{Lstm, LstmConfig};
use burn::tensor::{Device, Tensor};

use crate::coarse_grain::{CoarseGrained, CoarseGrainer};
use crate::config::{Combiner, DeepSignatureConfig, Feature};
use crate::graph::DeviceGraph;
use crate::layers::{Head, HeadConfig};
use crate::{Error, Result};

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

impl DeepSignatureConfig {
    /// The model with fresh weights for samples of `frames` frames.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the configuration does not fit `frames`.
    pub fn init(&self, frames: usize, device: &Device) -> Result<DeepSignature> {
        let config = self;
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
        Ok(DeepSignature {
            coarse: config.init_coarse_grainer(device),
            lstm,
            head: HeadConfig::new(combined, config.hidden, config.outputs())
                .with_dropout(config.dropout)
                .init(device),
            config: config.clone(),
        })
    }
}

impl DeepSignature {
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
