//! A model's size before it is built, and the bounds on every size field.
//!
//! Model files and training requests are untrusted input: a header saying `hidden: 1e9` must be
//! refused by name before burn allocates anything (an allocation failure in wasm kills the
//! worker, and burn panics on values it does not expect, such as a dropout of 2). Each config
//! checks its fields against the bounds here, then counts its parameters and the activations of
//! one sample in `u64` with checked arithmetic (wasm32's `usize` is 32 bits); a model over
//! [`MAX_MODEL_VALUES`] is refused with the part that dominates.
//!
//! Activations counted are the tensors of one sample that do not grow with the atom count
//! (pooled graphs, bead paths, signatures, LSTM and attention states); the atom-level ones
//! scale with the molecule and the batch, which molsig-pipeline's plan checks against its
//! memory budget.

use std::ops::RangeInclusive;

use crate::{Error, Result};

/// The most values (parameters plus one sample's activations) a model may have: 2^28, 1 GiB as
/// f32. The GPCR-size improved Deep Signature (50 beads, 100 frames) needs about 47 M; the
/// limit leaves room for twice the beads while refusing headers that would ask for tens of GiB.
pub const MAX_MODEL_VALUES: u64 = 1 << 28;

// Bounds of single fields: each far beyond a real model, and small enough that the counts
// below stay meaningful (the budget then decides).

/// Layer widths (GCN, LSTM, token, combiner).
pub const WIDTHS: RangeInclusive<usize> = 1..=65_536;
/// Beads after the last pooling level.
pub const BEADS: RangeInclusive<usize> = 1..=100_000;
/// Clusters per pooling level as a multiple of the beads.
pub const LEVEL_FACTOR: RangeInclusive<usize> = 1..=1_024;
/// Pooling levels.
pub const LEVELS: RangeInclusive<usize> = 1..=8;
/// Signature truncation depth.
pub const DEPTH: RangeInclusive<usize> = 1..=12;
/// Segments of the bead path.
pub const SEGMENTS: RangeInclusive<usize> = 1..=10_000;
/// Augmentations applied to each segment.
pub const AUGMENTATIONS: RangeInclusive<usize> = 0..=8;
/// Transformer encoder layers.
pub const LAYERS: RangeInclusive<usize> = 1..=64;
/// Classes of a classifier.
pub const CLASSES: RangeInclusive<usize> = 2..=1_024;
/// Frames per sample (the same bound as molsig-pipeline's plan).
pub const FRAMES: RangeInclusive<usize> = 1..=100_000;
/// Selected points of a molecule (a model file records its training molecule's).
pub const ATOMS: RangeInclusive<usize> = 1..=100_000_000;

/// A model's size in values (f32 each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ModelSize {
    /// Trainable parameters (what burn's `num_params` reports).
    pub parameters: u64,
    /// Activations and buffers of one sample that do not grow with the atom count.
    pub activations: u64,
}

/// Refuses `value` outside `range`, naming `field` of `model`.
pub(crate) fn check_range(
    model: &str,
    field: &str,
    value: usize,
    range: &RangeInclusive<usize>,
) -> Result<()> {
    if range.contains(&value) {
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "{model}: {field} is {value}; expected {} to {}",
        range.start(),
        range.end()
    )))
}

/// Refuses a dropout probability outside [0, 1) (NaN included): burn panics on those.
pub(crate) fn check_dropout(model: &str, field: &str, value: f64) -> Result<()> {
    if (0.0..1.0).contains(&value) {
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "{model}: {field} is {value:?}; expected a value in [0, 1)"
    )))
}

/// Parameters of a `Linear(input, output)` layer.
pub(crate) fn linear(input: u64, output: u64, bias: bool) -> Option<u64> {
    input
        .checked_mul(output)?
        .checked_add(if bias { output } else { 0 })
}

/// Parameters of burn's LSTM: four gates, each an input and a hidden `Linear` with bias.
pub(crate) fn lstm(input: u64, hidden: u64) -> Option<u64> {
    linear(input, hidden, true)?
        .checked_add(linear(hidden, hidden, true)?)?
        .checked_mul(4)
}

/// Parameters of a LayerNorm (scale and bias).
pub(crate) fn layer_norm(width: u64) -> Option<u64> {
    width.checked_mul(2)
}

/// Adds up a model's parts and remembers the largest, so an over-budget model is refused with
/// the part (and so the fields) to change.
pub(crate) struct Tally {
    model: String,
    size: ModelSize,
    largest: Option<(u64, String)>,
}

impl Tally {
    pub(crate) fn new(model: &str) -> Self {
        Self {
            model: model.to_owned(),
            size: ModelSize::default(),
            largest: None,
        }
    }

    /// Adds parameters; `part` names the layer and the fields that size it.
    pub(crate) fn parameters(
        &mut self,
        part: impl Fn() -> String,
        count: Option<u64>,
    ) -> Result<()> {
        let count = self.checked(&part, count)?;
        self.size.parameters = self.checked(&part, self.size.parameters.checked_add(count))?;
        self.note(count, part);
        Ok(())
    }

    /// Adds activations of one sample; `part` as for [`Self::parameters`].
    pub(crate) fn activations(
        &mut self,
        part: impl Fn() -> String,
        count: Option<u64>,
    ) -> Result<()> {
        let count = self.checked(&part, count)?;
        self.size.activations = self.checked(&part, self.size.activations.checked_add(count))?;
        self.note(count, part);
        Ok(())
    }

    /// The size, or an error when it is over [`MAX_MODEL_VALUES`].
    pub(crate) fn finish(self) -> Result<ModelSize> {
        let ModelSize {
            parameters,
            activations,
        } = self.size;
        let total = parameters.saturating_add(activations);
        if total <= MAX_MODEL_VALUES {
            return Ok(self.size);
        }
        let (count, part) = self.largest.unwrap_or_default();
        Err(Error::Invalid(format!(
            "{}: {total} values ({parameters} parameters and {activations} activations of one \
             sample) are more than the {MAX_MODEL_VALUES} (1 GiB as f32) a molsig model may have; \
             the largest part is {part} with {count}",
            self.model
        )))
    }

    fn checked(&self, part: &impl Fn() -> String, count: Option<u64>) -> Result<u64> {
        count.ok_or_else(|| {
            Error::Invalid(format!(
                "{}: the size of {} overflows 64 bits",
                self.model,
                part()
            ))
        })
    }

    fn note(&mut self, count: u64, part: impl Fn() -> String) {
        if self
            .largest
            .as_ref()
            .is_none_or(|(largest, _)| count > *largest)
        {
            self.largest = Some((count, part()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overflowing_part_is_named() {
        let mut tally = Tally::new("m");
        let error = tally
            .parameters(
                || "the big layer (hidden = 7)".into(),
                linear(u64::MAX, 2, true),
            )
            .expect_err("overflow");
        assert_eq!(
            error.to_string(),
            "m: the size of the big layer (hidden = 7) overflows 64 bits"
        );
    }

    #[test]
    fn the_largest_part_is_named_when_over_budget() {
        let mut tally = Tally::new("m");
        tally.parameters(|| "small".into(), Some(10)).expect("add");
        tally
            .activations(|| "large".into(), Some(MAX_MODEL_VALUES))
            .expect("add");
        let error = tally.finish().expect_err("over");
        assert_eq!(
            error.to_string(),
            format!(
                "m: {} values (10 parameters and {MAX_MODEL_VALUES} activations of one sample) \
                 are more than the {MAX_MODEL_VALUES} (1 GiB as f32) a molsig model may have; \
                 the largest part is large with {MAX_MODEL_VALUES}",
                MAX_MODEL_VALUES + 10
            )
        );
        let mut tally = Tally::new("m");
        tally
            .activations(|| "all".into(), Some(MAX_MODEL_VALUES))
            .expect("add");
        assert_eq!(
            tally.finish().expect("at the limit").activations,
            MAX_MODEL_VALUES
        );
    }

    #[test]
    fn dropout_outside_zero_to_one_is_refused_by_name() {
        assert!(check_dropout("m", "dropout", 0.0).is_ok());
        assert!(check_dropout("m", "dropout", 0.999).is_ok());
        for bad in [1.0, 2.0, -0.1, f64::NAN, f64::INFINITY] {
            let error = check_dropout("m", "head.dropout", bad).expect_err("refused");
            assert_eq!(
                error.to_string(),
                format!("m: head.dropout is {bad:?}; expected a value in [0, 1)")
            );
        }
    }
}
