//! Path augmentations applied before the signature, and their transposes for the backward pass.
//!
//! A signature sees a path only through its increments and their order. Augmentations add what it
//! would otherwise miss: a *basepoint* (a zero point in front) makes it see the absolute position;
//! a *time* channel makes it see speed and breaks reparameterisation invariance; *lead-lag*
//! doubles the channels so level-2 terms carry the quadratic variation — the roughness of a
//! jittery trajectory, invisible to a plain signature; *cumulative sums* and *increments* move
//! between a path and its differences.

use crate::paths::expect_len;
use crate::{Error, Result, Scalar};

/// One augmentation; apply several with [`Augment::apply_all`], in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Augment {
    /// Prepend the origin: length L → L + 1.
    Basepoint,
    /// Append a channel t / (L − 1) ∈ [0, 1] (0 for a one-point path): d → d + 1.
    Time,
    /// Lead-lag: point 2t is (X_t, X_t), point 2t + 1 is (X_{t+1}, X_t): L → 2L − 1, d → 2d
    /// (lead channels first).
    LeadLag,
    /// Y_t = X_0 + … + X_t.
    Cumsum,
    /// Y_t = X_{t+1} − X_t: L → L − 1 (needs L ≥ 2).
    Increments,
}

impl Augment {
    /// Shape `(length, channels)` after this augmentation.
    ///
    /// # Errors
    /// [`Increments`](Self::Increments) of a one-point path.
    pub fn shape(self, length: usize, channels: usize) -> Result<(usize, usize)> {
        Ok(match self {
            Self::Basepoint => (length + 1, channels),
            Self::Time => (length, channels + 1),
            Self::LeadLag => (2 * length - 1, 2 * channels),
            Self::Cumsum => (length, channels),
            Self::Increments if length < 2 => {
                return Err(Error::Invalid(
                    "increments need paths of at least 2 points".into(),
                ));
            }
            Self::Increments => (length - 1, channels),
        })
    }

    /// Applies `augments` in order to `[batch, length, channels]` data; returns the new data and
    /// its `(length, channels)`.
    ///
    /// # Errors
    /// A data length that does not match the shape, or as [`shape`](Self::shape).
    pub fn apply_all<T: Scalar>(
        augments: &[Self],
        data: &[T],
        batch: usize,
        length: usize,
        channels: usize,
    ) -> Result<(Vec<T>, usize, usize)> {
        expect_len("paths", batch * length * channels, data.len())?;
        let (mut data, mut length, mut channels) = (data.to_vec(), length, channels);
        for &a in augments {
            let (l, c) = a.shape(length, channels)?;
            let mut out = vec![T::ZERO; batch * l * c];
            for (src, dst) in data
                .chunks_exact(length * channels)
                .zip(out.chunks_exact_mut(l * c))
            {
                a.forward(src, length, channels, dst);
            }
            (data, length, channels) = (out, l, c);
        }
        Ok((data, length, channels))
    }

    /// Transpose of [`apply_all`](Self::apply_all): turns ∂ℓ/∂(augmented paths) into ∂ℓ/∂paths.
    /// `length` and `channels` are the shape *before* augmentation.
    ///
    /// # Errors
    /// A gradient whose length does not match the augmented shape.
    pub fn backward_all<T: Scalar>(
        augments: &[Self],
        grad: &[T],
        batch: usize,
        length: usize,
        channels: usize,
    ) -> Result<Vec<T>> {
        let mut shapes = vec![(length, channels)];
        for &a in augments {
            let &(l, c) = shapes.last().unwrap_or(&(length, channels));
            shapes.push(a.shape(l, c)?);
        }
        let &(l, c) = shapes.last().unwrap_or(&(length, channels));
        expect_len("augmented gradient", batch * l * c, grad.len())?;
        let mut grad = grad.to_vec();
        for (&a, w) in augments.iter().zip(shapes.windows(2)).rev() {
            let ((l0, c0), (l1, c1)) = (w[0], w[1]);
            let mut out = vec![T::ZERO; batch * l0 * c0];
            for (src, dst) in grad
                .chunks_exact(l1 * c1)
                .zip(out.chunks_exact_mut(l0 * c0))
            {
                a.backward(src, l0, c0, dst);
            }
            grad = out;
        }
        Ok(grad)
    }

    /// One path `x` (`[l, c]`) into `out` (the augmented shape).
    fn forward<T: Scalar>(self, x: &[T], l: usize, c: usize, out: &mut [T]) {
        match self {
            Self::Basepoint => out[c..].copy_from_slice(x),
            Self::Time => {
                let scale = if l > 1 {
                    T::ONE / T::from_f64((l - 1) as f64)
                } else {
                    T::ZERO
                };
                for (t, (row, src)) in out
                    .chunks_exact_mut(c + 1)
                    .zip(x.chunks_exact(c))
                    .enumerate()
                {
                    row[..c].copy_from_slice(src);
                    row[c] = T::from_f64(t as f64) * scale;
                }
            }
            Self::LeadLag => {
                for (p, row) in out.chunks_exact_mut(2 * c).enumerate() {
                    let (lead, lag) = (p.div_ceil(2), p / 2);
                    row[..c].copy_from_slice(&x[lead * c..(lead + 1) * c]);
                    row[c..].copy_from_slice(&x[lag * c..(lag + 1) * c]);
                }
            }
            Self::Cumsum => {
                let mut acc = vec![T::ZERO; c];
                for (row, src) in out.chunks_exact_mut(c).zip(x.chunks_exact(c)) {
                    for ((o, a), &v) in row.iter_mut().zip(acc.iter_mut()).zip(src) {
                        *a += v;
                        *o = *a;
                    }
                }
            }
            Self::Increments => {
                for (t, row) in out.chunks_exact_mut(c).enumerate() {
                    for (k, o) in row.iter_mut().enumerate() {
                        *o = x[(t + 1) * c + k] - x[t * c + k];
                    }
                }
            }
        }
    }

    /// Transpose of [`forward`](Self::forward): `g` has the augmented shape, `out` is `[l, c]`.
    fn backward<T: Scalar>(self, g: &[T], l: usize, c: usize, out: &mut [T]) {
        out.fill(T::ZERO);
        match self {
            Self::Basepoint => out.copy_from_slice(&g[c..]),
            Self::Time => {
                for (row, src) in out.chunks_exact_mut(c).zip(g.chunks_exact(c + 1)) {
                    row.copy_from_slice(&src[..c]);
                }
            }
            Self::LeadLag => {
                for (p, row) in g.chunks_exact(2 * c).enumerate() {
                    let (lead, lag) = (p.div_ceil(2), p / 2);
                    for k in 0..c {
                        out[lead * c + k] += row[k];
                        out[lag * c + k] += row[c + k];
                    }
                }
            }
            Self::Cumsum => {
                let mut acc = vec![T::ZERO; c];
                for t in (0..l).rev() {
                    for k in 0..c {
                        acc[k] += g[t * c + k];
                        out[t * c + k] = acc[k];
                    }
                }
            }
            Self::Increments => {
                for (t, row) in g.chunks_exact(c).enumerate() {
                    for (k, &v) in row.iter().enumerate() {
                        out[(t + 1) * c + k] += v;
                        out[t * c + k] -= v;
                    }
                }
            }
        }
    }
}
