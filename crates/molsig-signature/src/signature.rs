//! Signatures of piecewise-linear paths: forward, every prefix (stream), given intervals, backward.

use std::ops::RangeInclusive;

use crate::lanes;
use crate::parallel::{default_threads, for_batch};
use crate::paths::{check_gradient, expect_channels, zeroed};
use crate::simd::wide;
use crate::tensor::{ExpScratch, Levels, mul_exp, mul_exp_backward};
use crate::{Error, Paths, Result, Scalar};

/// How [`Signature::backward`] recovers the intermediate signatures S(X₀..X_t).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BackwardMode {
    /// [`Inverse`](Self::Inverse) in f64, [`Checkpoint`](Self::Checkpoint) in f32.
    #[default]
    Auto,
    /// Walk back with S_t = S_{t+1} ⊗ exp(−Δ_t): one signature of memory, but rounding errors of
    /// the forward pass are amplified on long or large paths — fine in f64, risky in f32.
    Inverse,
    /// Store S every ⌈√L⌉ steps and recompute each block forwards: O(√L) signatures of memory,
    /// no amplification.
    Checkpoint,
}

/// Signature of depth D for paths in R^d; see the crate docs for the layout.
#[derive(Debug, Clone)]
pub struct Signature {
    levels: Levels,
    threads: usize,
}

impl Signature {
    /// Signature of `channels`-dimensional paths truncated at `depth`.
    ///
    /// # Errors
    /// Zero channels or depth, or an output size that overflows.
    pub fn new(channels: usize, depth: usize) -> Result<Self> {
        Ok(Self {
            levels: Levels::new(channels, depth)?,
            threads: default_threads(),
        })
    }

    /// Uses at most `threads` threads across the batch (natively; wasm always uses one).
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Values per signature: Σ_{k=1}^{D} d^k.
    #[must_use]
    pub fn len(&self) -> usize {
        self.levels.sig_len()
    }

    /// Always false: a signature has at least d values.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Channels d.
    #[must_use]
    pub fn channels(&self) -> usize {
        self.levels.d
    }

    /// Truncation depth D.
    #[must_use]
    pub fn depth(&self) -> usize {
        self.levels.depth
    }

    pub(crate) fn levels(&self) -> &Levels {
        &self.levels
    }

    pub(crate) fn threads(&self) -> usize {
        self.threads
    }

    fn check<T: Scalar>(&self, paths: &Paths<'_, T>) -> Result<()> {
        expect_channels(paths, self.levels.d, "signature")
    }

    /// Signatures of a batch: `[batch, len()]`.
    ///
    /// # Errors
    /// Paths with another channel count, or an output that overflows.
    pub fn forward<T: Scalar>(&self, paths: &Paths<'_, T>) -> Result<Vec<T>> {
        self.check(paths)?;
        let mut out = zeroed(paths.batch(), self.len(), "signature")?;
        let (levels, len) = (&self.levels, self.len());
        for_batch(&mut out, len, self.threads, |first, chunk| {
            let mut work = ForwardWork::new(levels);
            let count = chunk.len() / len;
            work.each(levels, paths, first..first + count, |i, reversed| {
                levels.to_lexicographic(reversed, &mut chunk[i * len..(i + 1) * len]);
            });
        });
        Ok(out)
    }

    /// Signature of every prefix X₀..X_t, t = 0..L−1: `[batch, length, len()]` (t = 0 is zero).
    /// One Chen step per point, so the whole stream costs what one signature costs.
    ///
    /// # Errors
    /// As [`forward`](Self::forward).
    pub fn stream<T: Scalar>(&self, paths: &Paths<'_, T>) -> Result<Vec<T>> {
        self.check(paths)?;
        let items = paths.batch() * paths.length();
        let mut out = zeroed(items, self.len(), "signature stream")?;
        let (levels, d, length) = (&self.levels, self.levels.d, paths.length());
        for_batch(
            &mut out,
            self.len() * length,
            self.threads,
            |first, chunk| {
                let mut scratch = ExpScratch::new(levels);
                let mut delta = vec![T::ZERO; d];
                let mut state = vec![T::ZERO; levels.sig_len()];
                for (i, stream) in chunk
                    .chunks_exact_mut(levels.sig_len() * length)
                    .enumerate()
                {
                    let path = paths.path(first + i);
                    state.fill(T::ZERO);
                    for (t, sig) in stream
                        .chunks_exact_mut(levels.sig_len())
                        .enumerate()
                        .skip(1)
                    {
                        increment(path, d, t - 1, &mut delta);
                        mul_exp_wide(levels, &mut state, &delta, &mut scratch);
                        levels.to_lexicographic(&state, sig);
                    }
                }
            },
        );
        Ok(out)
    }

    /// Signatures of the sub-paths X_a..=X_b for each interval `a..=b`: `[batch, intervals, len()]`.
    /// Intervals may overlap; each costs b − a Chen steps.
    ///
    /// # Errors
    /// An interval outside the path or reversed, or as [`forward`](Self::forward).
    pub fn intervals<T: Scalar>(
        &self,
        paths: &Paths<'_, T>,
        intervals: &[RangeInclusive<usize>],
    ) -> Result<Vec<T>> {
        self.check(paths)?;
        if let Some(bad) = intervals
            .iter()
            .find(|r| r.start() > r.end() || *r.end() >= paths.length())
        {
            return Err(Error::Invalid(format!(
                "interval {}..={} is not inside a path of {} points",
                bad.start(),
                bad.end(),
                paths.length()
            )));
        }
        let mut out = zeroed(
            paths.batch() * intervals.len(),
            self.len(),
            "interval signatures",
        )?;
        let (levels, d) = (&self.levels, self.levels.d);
        for_batch(
            &mut out,
            self.len() * intervals.len(),
            self.threads,
            |first, chunk| {
                let mut scratch = ExpScratch::new(levels);
                let mut delta = vec![T::ZERO; d];
                let mut state = vec![T::ZERO; levels.sig_len()];
                let per_path = levels.sig_len() * intervals.len();
                for (i, sigs) in chunk.chunks_exact_mut(per_path.max(1)).enumerate() {
                    let path = paths.path(first + i);
                    for (sig, range) in sigs.chunks_exact_mut(levels.sig_len()).zip(intervals) {
                        let part = &path[range.start() * d..(range.end() + 1) * d];
                        signature_wide(levels, part, &mut state, &mut delta, &mut scratch);
                        levels.to_lexicographic(&state, sig);
                    }
                }
            },
        );
        Ok(out)
    }

    /// ∂⟨signature, grad⟩/∂paths: `grad` is `[batch, len()]`, the result `[batch, length, channels]`.
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
        check_gradient(paths, grad, n, "signature gradient")?;
        let mut out = vec![T::ZERO; paths.data().len()];
        let per_path = paths.length() * paths.channels();
        let levels = &self.levels;
        for_batch(&mut out, per_path, self.threads, |first, chunk| {
            let mut work = BackwardWork::new(levels);
            for (i, grad_path) in chunk.chunks_exact_mut(per_path).enumerate() {
                let b = first + i;
                let path = paths.path(b);
                work.grad.copy_from_slice(&grad[b * n..(b + 1) * n]);
                backward_wide(&mut work, levels, path, mode, grad_path);
            }
        });
        Ok(out)
    }
}

/// Δ_t = X_{t+1} − X_t.
#[inline(always)]
pub(crate) fn increment<T: Scalar>(path: &[T], d: usize, t: usize, delta: &mut [T]) {
    let (now, next) = (&path[t * d..(t + 1) * d], &path[(t + 1) * d..(t + 2) * d]);
    for ((x, &a), &b) in delta.iter_mut().zip(now).zip(next) {
        *x = b - a;
    }
}

wide!(
    /// [`signature_reversed`], vectorised as wide as the CPU allows.
    fn signature_wide<T>(levels: &Levels, path: &[T], state: &mut [T], delta: &mut [T], scratch: &mut ExpScratch<T>) => signature_reversed;
);
wide!(
    /// [`mul_exp`], vectorised as wide as the CPU allows.
    fn mul_exp_wide<T>(levels: &Levels, a: &mut [T], delta: &[T], scratch: &mut ExpScratch<T>) => mul_exp;
);
wide!(
    /// [`BackwardWork::run`], vectorised as wide as the CPU allows.
    fn backward_wide<T>(work: &mut BackwardWork<T>, levels: &Levels, path: &[T], mode: BackwardMode, grad_path: &mut [T]) => BackwardWork::run;
);

/// Signature of one `[length, d]` path into `state` (signature layout, reversed).
#[inline(always)]
pub(crate) fn signature_reversed<T: Scalar>(
    levels: &Levels,
    path: &[T],
    state: &mut [T],
    delta: &mut [T],
    scratch: &mut ExpScratch<T>,
) {
    let d = levels.d;
    state.fill(T::ZERO);
    for t in 0..path.len() / d - 1 {
        increment(path, d, t, delta);
        mul_exp(levels, state, delta, scratch);
    }
}

/// Per-thread buffers for forward signatures: a group of paths at a time when that is faster
/// ([`lanes`]), otherwise one by one.
pub(crate) struct ForwardWork<T> {
    grouped: bool,
    scratch: ExpScratch<T>,
    delta: Vec<T>,
    /// One signature, reversed layout.
    state: Vec<T>,
}

impl<T: Scalar> ForwardWork<T> {
    pub(crate) fn new(levels: &Levels) -> Self {
        Self {
            grouped: lanes::worth_it::<T>(levels),
            scratch: ExpScratch::new(levels),
            delta: vec![T::ZERO; levels.d],
            state: vec![T::ZERO; levels.sig_len()],
        }
    }

    /// The signature of one `[length, d]` path (reversed layout).
    pub(crate) fn one(&mut self, levels: &Levels, path: &[T]) -> &[T] {
        signature_wide(
            levels,
            path,
            &mut self.state,
            &mut self.delta,
            &mut self.scratch,
        );
        &self.state
    }

    /// Calls `each(i, signature)` for the paths `range` of `paths`, i counting from 0, with the
    /// signature in reversed layout.
    pub(crate) fn each(
        &mut self,
        levels: &Levels,
        paths: &Paths<'_, T>,
        range: std::ops::Range<usize>,
        mut each: impl FnMut(usize, &[T]),
    ) {
        if self.grouped {
            let group: Vec<&[T]> = range.map(|b| paths.path(b)).collect();
            lanes::signatures(levels, &group, each);
        } else {
            for (i, b) in range.enumerate() {
                each(i, self.one(levels, paths.path(b)));
            }
        }
    }
}

/// Per-thread buffers for the backward pass.
pub(crate) struct BackwardWork<T> {
    scratch: ExpScratch<T>,
    /// ∂ℓ/∂S_{t+1}, turned into ∂ℓ/∂S_t step by step (reversed layout, like every state here).
    grad: Vec<T>,
    /// S_t during the walk back.
    state: Vec<T>,
    /// Checkpoints and the states of one block (checkpoint mode only).
    stored: Vec<T>,
    delta: Vec<T>,
    grad_delta: Vec<T>,
}

impl<T: Scalar> BackwardWork<T> {
    pub(crate) fn new(levels: &Levels) -> Self {
        Self {
            scratch: ExpScratch::new(levels),
            grad: vec![T::ZERO; levels.sig_len()],
            state: vec![T::ZERO; levels.sig_len()],
            stored: Vec::new(),
            delta: vec![T::ZERO; levels.d],
            grad_delta: vec![T::ZERO; levels.d],
        }
    }

    /// Where the caller puts ∂ℓ/∂S before [`run`](Self::run).
    pub(crate) fn grad_mut(&mut self) -> &mut [T] {
        &mut self.grad
    }

    /// Adds ∂ℓ/∂path to `grad_path`, given ∂ℓ/∂S in `self.grad` (lexicographic; consumed).
    #[inline(always)]
    pub(crate) fn run(
        &mut self,
        levels: &Levels,
        path: &[T],
        mode: BackwardMode,
        grad_path: &mut [T],
    ) {
        levels.to_reversed(&self.grad, &mut self.state);
        std::mem::swap(&mut self.grad, &mut self.state);
        let checkpoint = match mode {
            BackwardMode::Auto => std::mem::size_of::<T>() < 8,
            BackwardMode::Inverse => false,
            BackwardMode::Checkpoint => true,
        };
        if checkpoint {
            self.checkpointed(levels, path, grad_path);
        } else {
            self.inverse(levels, path, grad_path);
        }
    }

    /// One step back: `state` holds S_t; `self.grad` goes from ∂/∂S_{t+1} to ∂/∂S_t.
    #[inline(always)]
    fn step_back(&mut self, levels: &Levels, path: &[T], t: usize, grad_path: &mut [T]) {
        let d = levels.d;
        increment(path, d, t, &mut self.delta);
        self.grad_delta.fill(T::ZERO);
        mul_exp_backward(
            levels,
            &self.state,
            &self.delta,
            &mut self.grad,
            &mut self.grad_delta,
            &mut self.scratch,
        );
        for c in 0..d {
            grad_path[(t + 1) * d + c] += self.grad_delta[c];
            grad_path[t * d + c] -= self.grad_delta[c];
        }
    }

    #[inline(always)]
    fn inverse(&mut self, levels: &Levels, path: &[T], grad_path: &mut [T]) {
        let d = levels.d;
        let steps = path.len() / d - 1;
        signature_reversed(
            levels,
            path,
            &mut self.state,
            &mut self.delta,
            &mut self.scratch,
        );
        for t in (0..steps).rev() {
            if t == 0 {
                self.state.fill(T::ZERO);
            } else {
                increment(path, d, t, &mut self.delta);
                for x in &mut self.delta {
                    *x = -*x;
                }
                mul_exp(levels, &mut self.state, &self.delta, &mut self.scratch);
            }
            self.step_back(levels, path, t, grad_path);
        }
    }

    #[inline(always)]
    fn checkpointed(&mut self, levels: &Levels, path: &[T], grad_path: &mut [T]) {
        let (d, n) = (levels.d, levels.sig_len());
        let steps = path.len() / d - 1;
        if steps == 0 {
            return;
        }
        let block = steps.isqrt().max(1);
        let blocks = steps.div_ceil(block);
        // Layout: `blocks` checkpoints (S at t = j·block), then `block` states of the current block.
        self.stored.clear();
        self.stored.resize((blocks + block) * n, T::ZERO);
        self.state.fill(T::ZERO);
        for t in 0..steps {
            if t % block == 0 {
                self.stored[t / block * n..(t / block + 1) * n].copy_from_slice(&self.state);
            }
            increment(path, d, t, &mut self.delta);
            mul_exp(levels, &mut self.state, &self.delta, &mut self.scratch);
        }
        for j in (0..blocks).rev() {
            let (start, end) = (j * block, ((j + 1) * block).min(steps));
            let (checkpoints, states) = self.stored.split_at_mut(blocks * n);
            states[..n].copy_from_slice(&checkpoints[j * n..(j + 1) * n]);
            for t in start + 1..end {
                let (done, rest) = states.split_at_mut((t - start) * n);
                rest[..n].copy_from_slice(&done[(t - start - 1) * n..]);
                increment(path, d, t - 1, &mut self.delta);
                mul_exp(levels, &mut rest[..n], &self.delta, &mut self.scratch);
            }
            for t in (start..end).rev() {
                let at = blocks * n + (t - start) * n;
                self.state.copy_from_slice(&self.stored[at..at + n]);
                self.step_back(levels, path, t, grad_path);
            }
        }
    }
}
