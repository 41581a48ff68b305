//! Cutting trajectories into fixed-length samples, as the Deep Signature protocol does: each
//! trajectory becomes consecutive chunks, every chunk one training or test example. Samples keep
//! the index of their trajectory so splits can be grouped by trajectory (chunks of one trajectory
//! are strongly correlated and must not straddle train and test).

use std::ops::Range;

use crate::{Error, Result};

/// One sample: a run of consecutive frames of one trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sample {
    /// Index of the source trajectory (for grouped splits).
    pub trajectory: usize,
    /// First frame (0-based) of the chunk.
    pub start_frame: usize,
    /// Number of frames in the chunk.
    pub num_frames: usize,
}

impl Sample {
    /// The chunk's frame indices, `start_frame..start_frame + num_frames`.
    #[must_use]
    pub fn frames(&self) -> Range<usize> {
        self.start_frame..self.start_frame + self.num_frames
    }
}

/// How to cut a trajectory into samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChunkSpec {
    /// This many equal, consecutive, non-overlapping chunks of `num_frames / count` frames; the
    /// remainder at the end is dropped. The Deep Signature authors use 25.
    Count(usize),
    /// Chunks of `frames` frames starting every `stride` frames (`stride < frames` overlaps,
    /// `stride > frames` skips); a final partial chunk is dropped.
    Length {
        /// Frames per chunk.
        frames: usize,
        /// Frames between the starts of consecutive chunks.
        stride: usize,
    },
}

/// Cuts trajectory number `trajectory`, which has `num_frames` frames, into samples.
///
/// # Errors
/// [`Error::Mismatch`] when the trajectory has no frames, the spec asks for zero chunks, zero
/// frames or a zero stride, or the trajectory has too few frames for even one chunk of each kind
/// the spec asks for.
pub fn chunk_trajectory(
    trajectory: usize,
    num_frames: usize,
    spec: &ChunkSpec,
) -> Result<Vec<Sample>> {
    let fail = |message: String| Err(Error::Mismatch { message });
    if num_frames == 0 {
        return fail(format!(
            "trajectory {trajectory} has no frames; nothing to cut into samples"
        ));
    }
    match *spec {
        ChunkSpec::Count(0) => {
            fail("cannot cut a trajectory into 0 chunks; ask for at least 1".to_owned())
        }
        ChunkSpec::Count(count) => {
            let length = num_frames / count;
            if length == 0 {
                return fail(format!(
                    "trajectory {trajectory} has {num_frames} frames, too few for {count} chunks \
                     (needs at least {count}, one frame per chunk)"
                ));
            }
            Ok((0..count)
                .map(|k| Sample {
                    trajectory,
                    start_frame: k * length,
                    num_frames: length,
                })
                .collect())
        }
        ChunkSpec::Length { frames: 0, .. } => {
            fail("chunk length is 0 frames; ask for at least 1".to_owned())
        }
        ChunkSpec::Length { stride: 0, .. } => {
            fail("chunk stride is 0 frames; ask for at least 1".to_owned())
        }
        ChunkSpec::Length { frames, stride } => {
            if num_frames < frames {
                return fail(format!(
                    "trajectory {trajectory} has {num_frames} frames, fewer than one chunk of {frames}"
                ));
            }
            let count = (num_frames - frames) / stride + 1;
            Ok((0..count)
                .map(|k| Sample {
                    trajectory,
                    start_frame: k * stride,
                    num_frames: frames,
                })
                .collect())
        }
    }
}

/// Splits samples by trajectory: those whose trajectory is in `test_trajectories` go to the
/// second vector (test), the others to the first (train). Order is preserved.
#[must_use]
pub fn grouped_split(
    samples: &[Sample],
    test_trajectories: &[usize],
) -> (Vec<Sample>, Vec<Sample>) {
    samples
        .iter()
        .partition(|s| !test_trajectories.contains(&s.trajectory))
}
