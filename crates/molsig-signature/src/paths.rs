//! A borrowed batch of paths, shape-checked once.

use crate::{Error, Result, Scalar};

/// A batch of piecewise-linear paths, row-major `[batch, length, channels]`.
///
/// Invariant (checked by [`Paths::new`]): `data.len() == batch * length * channels`, all three are
/// at least 1 and every value is finite. A path of length 1 is a constant path (zero signature).
#[derive(Debug, Clone, Copy)]
pub struct Paths<'a, T> {
    data: &'a [T],
    batch: usize,
    length: usize,
    channels: usize,
}

impl<'a, T: Scalar> Paths<'a, T> {
    /// Wraps `data` as `[batch, length, channels]`.
    ///
    /// # Errors
    /// A zero dimension, a length that does not match, or a NaN/infinite value (with its position).
    pub fn new(data: &'a [T], batch: usize, length: usize, channels: usize) -> Result<Self> {
        if batch == 0 || length == 0 || channels == 0 {
            return Err(Error::Invalid(format!(
                "paths: shape [batch {batch}, length {length}, channels {channels}] has a zero dimension"
            )));
        }
        let expected = batch
            .checked_mul(length)
            .and_then(|n| n.checked_mul(channels))
            .ok_or_else(|| Error::TooLarge {
                what: "paths",
                detail: format!("[{batch}, {length}, {channels}]"),
            })?;
        expect_len("paths", expected, data.len())?;
        if let Some(at) = data.iter().position(|v| !v.is_finite()) {
            return Err(Error::NotFinite {
                batch: at / (length * channels),
                point: at / channels % length,
                channel: at % channels,
                value: data[at].to_f64(),
            });
        }
        Ok(Self {
            data,
            batch,
            length,
            channels,
        })
    }
}

impl<'a, T> Paths<'a, T> {
    /// Number of paths.
    #[must_use]
    pub fn batch(&self) -> usize {
        self.batch
    }
    /// Points per path.
    #[must_use]
    pub fn length(&self) -> usize {
        self.length
    }
    /// Channels (dimension d of the path's space).
    #[must_use]
    pub fn channels(&self) -> usize {
        self.channels
    }
    /// All values, row-major.
    #[must_use]
    pub fn data(&self) -> &'a [T] {
        self.data
    }
    /// Path `b` as `[length, channels]`.
    pub(crate) fn path(&self, b: usize) -> &'a [T] {
        let n = self.length * self.channels;
        &self.data[b * n..(b + 1) * n]
    }
}

/// A zeroed output of `items × per_item` values, or a clear error when that overflows.
pub(crate) fn zeroed<T: Scalar>(
    items: usize,
    per_item: usize,
    what: &'static str,
) -> Result<Vec<T>> {
    let n = items.checked_mul(per_item).ok_or_else(|| Error::TooLarge {
        what,
        detail: format!("{items} outputs of {per_item} values"),
    })?;
    Ok(vec![T::ZERO; n])
}

/// Checks that `grad` holds `per_item` values for each path of `paths`.
pub(crate) fn check_gradient<T>(
    paths: &Paths<'_, T>,
    grad: &[T],
    per_item: usize,
    what: &'static str,
) -> Result<()> {
    expect_len(what, paths.batch() * per_item, grad.len())
}

/// `Ok` when `got` values are the `expected` ones, else an [`Error::Length`] naming `what`.
pub(crate) fn expect_len(what: &'static str, expected: usize, got: usize) -> Result<()> {
    if got == expected {
        Ok(())
    } else {
        Err(Error::Length {
            what,
            expected,
            got,
        })
    }
}

/// `Ok` when `paths` has the `channels` that `what` (an operation) was set up for.
pub(crate) fn expect_channels<T>(paths: &Paths<'_, T>, channels: usize, what: &str) -> Result<()> {
    if paths.channels() == channels {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "paths have {} channels, the {what} was set up for {channels}",
            paths.channels()
        )))
    }
}
