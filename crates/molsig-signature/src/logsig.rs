//! Log-signatures: log S in the truncated tensor algebra, then Lyndon coordinates.
//!
//! log(1 + X) = X − X²/2 + X³/3 − … (X = S − 1 has no level 0) is evaluated by Horner,
//! R_D = 1/D, R_n = 1/n − X ⊗ R_{n+1}, log = X ⊗ R_1, where R_n is only needed up to level D − n.
//! At depth ≤ 2 no tensor is built at all: the coordinates are the total increment and the Lévy
//! areas A_ij = ½ Σ_t (y^i_t y^j_{t+1} − y^j_t y^i_{t+1}), y_t = X_t − X_0 (i < j, the Lyndon words
//! of length 2 in order), which costs d(d−1)/2 per step instead of d².

use crate::parallel::for_batch;
use crate::paths::{check_gradient, expect_channels, zeroed};
use crate::signature::{BackwardWork, ForwardWork, backward_wide};
use crate::simd::wide;
use crate::tensor::{Levels, dot};
use crate::{BackwardMode, LyndonBasis, Paths, Result, Scalar, Signature};

/// Log-signature of depth D in the Lyndon basis (iisignature's order and values).
#[derive(Debug, Clone)]
pub struct LogSignature {
    sig: Signature,
    basis: LyndonBasis,
}

impl LogSignature {
    /// Log-signature of `channels`-dimensional paths truncated at `depth`.
    ///
    /// # Errors
    /// As [`Signature::new`], or more than 65,536 channels.
    pub fn new(channels: usize, depth: usize) -> Result<Self> {
        Ok(Self {
            sig: Signature::new(channels, depth)?,
            basis: LyndonBasis::new(channels, depth)?,
        })
    }

    /// Uses at most `threads` threads across the batch (natively; wasm always uses one).
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.sig = self.sig.with_threads(threads);
        self
    }

    /// Values per log-signature (Witt's formula).
    #[must_use]
    pub fn len(&self) -> usize {
        self.basis.len()
    }

    /// Always false.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The basis: Lyndon words and iisignature's labels.
    #[must_use]
    pub fn basis(&self) -> &LyndonBasis {
        &self.basis
    }

    /// The signature this is the logarithm of (same channels, depth, threads).
    #[must_use]
    pub fn signature(&self) -> &Signature {
        &self.sig
    }

    fn check<T: Scalar>(&self, paths: &Paths<'_, T>) -> Result<()> {
        expect_channels(paths, self.sig.channels(), "log-signature")
    }

    /// Lyndon coordinates of log S for each path: `[batch, len()]`.
    ///
    /// # Errors
    /// Paths with another channel count, or an output that overflows.
    pub fn forward<T: Scalar>(&self, paths: &Paths<'_, T>) -> Result<Vec<T>> {
        self.check(paths)?;
        let mut out = zeroed(paths.batch(), self.len(), "log-signature")?;
        let levels = self.sig.levels();
        let len = self.len();
        for_batch(&mut out, len, self.sig.threads(), |first, chunk| {
            if levels.depth <= 2 {
                for (i, coords) in chunk.chunks_exact_mut(len).enumerate() {
                    levy_forward_wide(paths.path(first + i), levels.d, coords);
                }
                return;
            }
            let mut work = LogWork::new(levels);
            let mut forward = ForwardWork::new(levels);
            let count = chunk.len() / len;
            forward.each(levels, paths, first..first + count, |i, reversed| {
                work.log_signature(levels, reversed);
                self.basis
                    .project(&work.log, &mut chunk[i * len..(i + 1) * len]);
            });
        });
        Ok(out)
    }

    /// log S in tensor coordinates (signature layout): `[batch, signature().len()]`.
    ///
    /// # Errors
    /// As [`forward`](Self::forward).
    pub fn expanded<T: Scalar>(&self, paths: &Paths<'_, T>) -> Result<Vec<T>> {
        self.check(paths)?;
        let n = self.sig.len();
        let mut out = zeroed(paths.batch(), n, "expanded log-signature")?;
        let levels = self.sig.levels();
        for_batch(&mut out, n, self.sig.threads(), |first, chunk| {
            let mut work = LogWork::new(levels);
            let mut forward = ForwardWork::new(levels);
            let count = chunk.len() / n;
            forward.each(levels, paths, first..first + count, |i, reversed| {
                work.log_signature(levels, reversed);
                chunk[i * n..(i + 1) * n].copy_from_slice(&work.log);
            });
        });
        Ok(out)
    }

    /// ∂⟨log-signature, grad⟩/∂paths: `grad` is `[batch, len()]`, the result
    /// `[batch, length, channels]`. `mode` is passed to the signature's backward pass.
    ///
    /// # Errors
    /// A `grad` of the wrong length, or as [`forward`](Self::forward).
    pub fn backward<T: Scalar>(
        &self,
        paths: &Paths<'_, T>,
        grad: &[T],
        mode: BackwardMode,
    ) -> Result<Vec<T>> {
        self.check(paths)?;
        let n = self.len();
        check_gradient(paths, grad, n, "log-signature gradient")?;
        let mut out = vec![T::ZERO; paths.data().len()];
        let per_path = paths.length() * paths.channels();
        let levels = self.sig.levels();
        for_batch(&mut out, per_path, self.sig.threads(), |first, chunk| {
            let mut work = LogWork::new(levels);
            let mut forward = ForwardWork::new(levels);
            let mut backward = BackwardWork::new(levels);
            let mut coords_grad = vec![T::ZERO; n];
            for (i, grad_path) in chunk.chunks_exact_mut(per_path).enumerate() {
                let b = first + i;
                let path = paths.path(b);
                if levels.depth <= 2 {
                    levy_backward_wide(path, levels.d, &grad[b * n..(b + 1) * n], grad_path);
                    continue;
                }
                work.log_signature(levels, forward.one(levels, path));
                coords_grad.copy_from_slice(&grad[b * n..(b + 1) * n]);
                self.basis.project_backward(&mut coords_grad, &mut work.log);
                work.log_backward(levels, backward.grad_mut());
                backward_wide(&mut backward, levels, path, mode, grad_path);
            }
        });
        Ok(out)
    }
}

/// Per-thread buffers: S, log S and the Horner terms R_n of the logarithm with their gradients.
struct LogWork<T> {
    /// S in signature layout.
    sig: Vec<T>,
    /// log S in signature layout (or its gradient during the backward pass).
    log: Vec<T>,
    /// X = S − 1 in full layout (level 0 is 0).
    x: Vec<T>,
    /// R_1..R_D in full layout, one after the other.
    horner: Vec<T>,
    /// Gradients of X, and of R_n and R_{n+1} (full layout).
    grad_x: Vec<T>,
    grad_r: Vec<T>,
    grad_r_next: Vec<T>,
}

impl<T: Scalar> LogWork<T> {
    fn new(levels: &Levels) -> Self {
        let full = levels.sig_len() + 1;
        Self {
            sig: vec![T::ZERO; levels.sig_len()],
            log: vec![T::ZERO; levels.sig_len()],
            x: vec![T::ZERO; full],
            horner: vec![T::ZERO; full * levels.depth],
            grad_x: vec![T::ZERO; full],
            grad_r: vec![T::ZERO; full],
            grad_r_next: vec![T::ZERO; full],
        }
    }

    /// `self.log` ← log S, given S in reversed layout; keeps S, X and the R_n for the backward
    /// pass.
    fn log_signature(&mut self, levels: &Levels, reversed: &[T]) {
        levels.to_lexicographic(reversed, &mut self.sig);
        let (full, depth) = (levels.sig_len() + 1, levels.depth);
        self.x[0] = T::ZERO;
        self.x[1..].copy_from_slice(&self.sig);
        self.horner.fill(T::ZERO);
        for n in (1..=depth).rev() {
            let (this, next) = self.horner[(n - 1) * full..].split_at_mut(full);
            this[0] = T::ONE / T::from_f64(n as f64);
            if n < depth {
                product_acc(levels, this, &self.x, &next[..full], depth - n, -T::ONE);
            }
        }
        let mut log_full = std::mem::take(&mut self.grad_x);
        log_full.fill(T::ZERO);
        product_acc(
            levels,
            &mut log_full,
            &self.x,
            &self.horner[..full],
            depth,
            T::ONE,
        );
        self.log.copy_from_slice(&log_full[1..]);
        self.grad_x = log_full;
    }

    /// Reverse mode of [`log_signature`](Self::log_signature)'s logarithm: `self.log` holds
    /// ∂ℓ/∂(log S); writes ∂ℓ/∂S (signature layout) into `grad_sig`.
    fn log_backward(&mut self, levels: &Levels, grad_sig: &mut [T]) {
        let (full, depth) = (levels.sig_len() + 1, levels.depth);
        self.grad_r_next[0] = T::ZERO;
        self.grad_r_next[1..].copy_from_slice(&self.log);
        self.grad_x.fill(T::ZERO);
        self.grad_r.fill(T::ZERO);
        // log = X ⊗ R_1.
        product_backward(
            levels,
            &self.grad_r_next,
            &self.x,
            &self.horner[..full],
            depth,
            T::ONE,
            &mut self.grad_x,
            &mut self.grad_r,
        );
        // R_n = 1/n − X ⊗ R_{n+1}.
        for n in 1..depth {
            self.grad_r_next.fill(T::ZERO);
            let r_next = &self.horner[n * full..(n + 1) * full];
            product_backward(
                levels,
                &self.grad_r,
                &self.x,
                r_next,
                depth - n,
                -T::ONE,
                &mut self.grad_x,
                &mut self.grad_r_next,
            );
            std::mem::swap(&mut self.grad_r, &mut self.grad_r_next);
        }
        grad_sig.copy_from_slice(&self.grad_x[1..]);
    }
}

/// `out_k += sign · Σ_{i=1}^{k} x_i ⊗ y_{k−i}` for k = 1..=`top` (full layout, x_0 = 0).
fn product_acc<T: Scalar>(levels: &Levels, out: &mut [T], x: &[T], y: &[T], top: usize, sign: T) {
    for k in 1..=top {
        let at = levels.full_offset(k);
        for i in 1..=k {
            let j = k - i;
            let (xi, yj) = (levels.full_level(x, i), levels.full_level(y, j));
            let out_k = &mut out[at..at + levels.size[k]];
            for (row, &xw) in out_k.chunks_exact_mut(yj.len()).zip(xi) {
                let f = sign * xw;
                for (o, &yv) in row.iter_mut().zip(yj) {
                    *o += f * yv;
                }
            }
        }
    }
}

/// Reverse mode of [`product_acc`]: adds ∂/∂x to `grad_x` and ∂/∂y to `grad_y` given ∂/∂out.
#[allow(clippy::too_many_arguments)]
fn product_backward<T: Scalar>(
    levels: &Levels,
    grad_out: &[T],
    x: &[T],
    y: &[T],
    top: usize,
    sign: T,
    grad_x: &mut [T],
    grad_y: &mut [T],
) {
    for k in 1..=top {
        let g = levels.full_level(grad_out, k);
        for i in 1..=k {
            let j = k - i;
            let (xi, yj) = (levels.full_level(x, i), levels.full_level(y, j));
            let gx_at = levels.full_offset(i);
            let gy_at = levels.full_offset(j);
            for (w, (row, &xw)) in g.chunks_exact(yj.len()).zip(xi).enumerate() {
                let mut dot = T::ZERO;
                let gy = &mut grad_y[gy_at..gy_at + yj.len()];
                let f = sign * xw;
                for ((gv, &yv), gyv) in row.iter().zip(yj).zip(gy.iter_mut()) {
                    dot += *gv * yv;
                    *gyv += f * *gv;
                }
                grad_x[gx_at + w] += sign * dot;
            }
        }
    }
}

wide!(
    /// [`levy_forward`], vectorised as wide as the CPU allows.
    fn levy_forward_wide<T>(path: &[T], d: usize, out: &mut [T]) => levy_forward;
);
wide!(
    /// [`levy_backward`], vectorised as wide as the CPU allows.
    fn levy_backward_wide<T>(path: &[T], d: usize, grad: &[T], grad_path: &mut [T]) => levy_backward;
);

/// Depth ≤ 2 log-signature of one `[length, d]` path: increments, then Lévy areas (if room).
#[inline(always)]
fn levy_forward<T: Scalar>(path: &[T], d: usize, out: &mut [T]) {
    let length = path.len() / d;
    let (first, last) = (&path[..d], &path[(length - 1) * d..]);
    for ((o, &a), &b) in out[..d].iter_mut().zip(first).zip(last) {
        *o = b - a;
    }
    let areas = &mut out[d..];
    if areas.is_empty() {
        return;
    }
    areas.fill(T::ZERO);
    let relative = |t: usize, y: &mut Vec<T>| {
        y.clear();
        y.extend(
            path[t * d..(t + 1) * d]
                .iter()
                .zip(first)
                .map(|(&x, &f)| x - f),
        );
    };
    let (mut now, mut next) = (Vec::with_capacity(d), Vec::with_capacity(d));
    relative(1.min(length - 1), &mut next);
    // y_0 = 0, so t = 0 adds nothing; each step adds y_t ⊗ y_{t+1} − y_{t+1} ⊗ y_t above the diagonal.
    for t in 1..length.saturating_sub(1) {
        std::mem::swap(&mut now, &mut next);
        relative(t + 1, &mut next);
        let mut at = 0;
        for i in 0..d - 1 {
            let (yi, yi_next) = (now[i], next[i]);
            let row = &mut areas[at..at + d - 1 - i];
            for ((a, &nj), &yj) in row.iter_mut().zip(&next[i + 1..]).zip(&now[i + 1..]) {
                *a += yi * nj - yj * yi_next;
            }
            at += d - 1 - i;
        }
    }
    let half = T::from_f64(0.5);
    for a in areas {
        *a *= half;
    }
}

/// Reverse mode of [`levy_forward`].
#[inline(always)]
fn levy_backward<T: Scalar>(path: &[T], d: usize, grad: &[T], grad_path: &mut [T]) {
    let length = path.len() / d;
    for c in 0..d {
        grad_path[(length - 1) * d + c] += grad[c];
        grad_path[c] -= grad[c];
    }
    let areas = &grad[d..];
    if areas.is_empty() || length < 3 {
        return;
    }
    // With G antisymmetric, G_ij = g_ij / 2 (i < j), the areas' part of ℓ is Σ_t y_tᵀ G y_{t+1},
    // so ∂ℓ/∂y_t = G (y_{t+1} − y_{t−1}) with y_L = 0; and y_t = X_t − X_0 for t ≥ 1.
    let half = T::from_f64(0.5);
    let mut g = vec![T::ZERO; d * d];
    let mut at = 0;
    for i in 0..d {
        for j in i + 1..d {
            g[i * d + j] = areas[at] * half;
            g[j * d + i] = -areas[at] * half;
            at += 1;
        }
    }
    let mut diff = vec![T::ZERO; d];
    let mut total = vec![T::ZERO; d];
    for t in 1..length {
        let before = &path[(t - 1) * d..t * d];
        if t + 1 < length {
            for ((v, &a), &b) in diff
                .iter_mut()
                .zip(&path[(t + 1) * d..(t + 2) * d])
                .zip(before)
            {
                *v = a - b;
            }
        } else {
            for ((v, &f), &b) in diff.iter_mut().zip(&path[..d]).zip(before) {
                *v = f - b;
            }
        }
        for (i, (out, sum)) in grad_path[t * d..(t + 1) * d]
            .iter_mut()
            .zip(total.iter_mut())
            .enumerate()
        {
            let gi = dot(&g[i * d..(i + 1) * d], &diff);
            *out += gi;
            *sum += gi;
        }
    }
    for (out, &sum) in grad_path[..d].iter_mut().zip(&total) {
        *out -= sum;
    }
}
