//! The truncated tensor algebra T^D(R^d): level layout and the few products the engine needs.
//!
//! Two layouts are used. *Signature layout* drops the level-0 term (always 1 for a signature):
//! levels 1..=D back to back, level k holding d^k words in lexicographic order. *Full layout* keeps
//! level 0 at index 0 and is used where the level-0 term varies (the logarithm's Horner terms).
//!
//! The hot loop is [`mul_exp`], Chen's step A ← A ⊗ exp(Δ) fused into one Horner pass per level
//! (as in signatory): level k of the result is
//! `((Δ/k + A₁) ⊗ Δ/(k−1) + A₂) ⊗ … ⊗ Δ/1 + A_k`, so exp(Δ) is never formed and each output word
//! costs one multiply-add.
//!
//! While a path is walked, states are kept in *reversed layout*: word (i₁…i_k) at index
//! Σ_q i_q d^{q−1}, the newest letter most significant. Appending a letter c then touches one
//! contiguous block of d^{k−1} values per c (`out[c·n..][w] = b[w]·Δ_c + …`), a long axpy that
//! vectorises even for d = 3, where lexicographic rows would be 3 values long. [`Levels::to_lexicographic`]
//! converts once per output.

use crate::{Error, Result, Scalar};

/// Number of values in a signature (levels 1..=`depth`, level 0 left out): Σ_{k=1}^{D} d^k.
///
/// # Errors
/// Zero channels or depth, or a size that overflows `usize`.
pub fn sig_len(channels: usize, depth: usize) -> Result<usize> {
    if channels == 0 || depth == 0 {
        return Err(Error::Invalid(format!(
            "signature needs channels ≥ 1 and depth ≥ 1, got channels {channels}, depth {depth}"
        )));
    }
    let mut total = 0_usize;
    let mut level = 1_usize;
    for _ in 0..depth {
        level = level
            .checked_mul(channels)
            .ok_or_else(|| too_large(channels, depth))?;
        total = total
            .checked_add(level)
            .ok_or_else(|| too_large(channels, depth))?;
    }
    Ok(total)
}

/// Number of values in a log-signature: by Witt's formula, Σ_k (1/k) Σ_{j | k} μ(j) d^{k/j}, the
/// count of Lyndon words of length ≤ `depth` over `channels` letters.
///
/// # Errors
/// As [`sig_len`].
pub fn logsig_len(channels: usize, depth: usize) -> Result<usize> {
    sig_len(channels, depth)?;
    let mut total = 0_usize;
    for k in 1..=depth {
        let mut signed: i128 = 0;
        for j in (1..=k).filter(|j| k % j == 0) {
            let power = (channels as i128)
                .checked_pow((k / j) as u32)
                .ok_or_else(|| too_large(channels, depth))?;
            signed += i128::from(mobius(j)) * power;
        }
        let count = usize::try_from(signed / k as i128).map_err(|_| too_large(channels, depth))?;
        total = total
            .checked_add(count)
            .ok_or_else(|| too_large(channels, depth))?;
    }
    Ok(total)
}

fn mobius(n: usize) -> i8 {
    let (mut n, mut sign, mut p) = (n, 1_i8, 2);
    while p * p <= n {
        if n % p == 0 {
            n /= p;
            if n % p == 0 {
                return 0;
            }
            sign = -sign;
        }
        p += 1;
    }
    if n > 1 { -sign } else { sign }
}

fn too_large(channels: usize, depth: usize) -> Error {
    Error::TooLarge {
        what: "signature",
        detail: format!("{channels} channels at depth {depth}"),
    }
}

/// Level sizes and offsets for `d` channels up to depth `D`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Levels {
    pub d: usize,
    pub depth: usize,
    /// `size[k]` = d^k for k = 0..=D.
    pub size: Vec<usize>,
    /// Offset of level k (k ≥ 1) in signature layout; `sig_offset[D + 1]` is the total.
    pub sig_offset: Vec<usize>,
}

impl Levels {
    pub fn new(d: usize, depth: usize) -> Result<Self> {
        sig_len(d, depth)?;
        let size: Vec<usize> = (0..=depth).map(|k| d.pow(k as u32)).collect();
        let mut sig_offset = vec![0; depth + 2];
        for k in 1..=depth {
            sig_offset[k + 1] = sig_offset[k] + size[k];
        }
        Ok(Self {
            d,
            depth,
            size,
            sig_offset,
        })
    }

    /// Values in signature layout.
    pub fn sig_len(&self) -> usize {
        self.sig_offset[self.depth + 1]
    }

    /// Offset of level k in full layout (level 0 at index 0).
    pub fn full_offset(&self, k: usize) -> usize {
        1 + self.sig_offset[k.max(1)] - usize::from(k == 0)
    }

    /// Level k of a signature-layout buffer.
    pub fn level<'a, T>(&self, sig: &'a [T], k: usize) -> &'a [T] {
        &sig[self.sig_offset[k]..self.sig_offset[k + 1]]
    }

    /// Copies a reversed-layout signature into lexicographic order.
    pub fn to_lexicographic<T: Scalar>(&self, reversed: &[T], lexicographic: &mut [T]) {
        self.permute(|r, l| lexicographic[l] = reversed[r]);
    }

    /// Copies a lexicographic signature into reversed layout.
    pub fn to_reversed<T: Scalar>(&self, lexicographic: &[T], reversed: &mut [T]) {
        self.permute(|r, l| reversed[r] = lexicographic[l]);
    }

    /// Calls `f(reversed index, lexicographic index)` for every word, walking the reversed index
    /// in order with an odometer over the letters (no divisions).
    fn permute(&self, mut f: impl FnMut(usize, usize)) {
        let d = self.d;
        let mut letters = vec![0_usize; self.depth];
        for k in 1..=self.depth {
            let offset = self.sig_offset[k];
            letters[..k].fill(0);
            let mut lex = 0;
            for r in 0..self.size[k] {
                f(offset + r, offset + lex);
                // Increment the first letter (least significant in reversed order), carrying.
                for (letter, &weight) in letters[..k].iter_mut().zip(self.size[..k].iter().rev()) {
                    *letter += 1;
                    lex += weight;
                    if *letter < d {
                        break;
                    }
                    *letter = 0;
                    lex -= d * weight;
                }
            }
        }
    }

    /// Level k of a full-layout buffer (k = 0 is the scalar).
    pub fn full_level<'a, T>(&self, full: &'a [T], k: usize) -> &'a [T] {
        let at = self.full_offset(k);
        &full[at..at + self.size[k]]
    }
}

/// Scratch for [`mul_exp`] and [`mul_exp_backward`]: Δ/m for m = 1..=D and one Horner buffer per
/// level below D (and their gradients).
pub(crate) struct ExpScratch<T> {
    /// 1/m for m = 1..=D.
    inverse: Vec<T>,
    scaled: Vec<T>,
    horner: Vec<T>,
    horner_grad: Vec<T>,
}

impl<T: Scalar> ExpScratch<T> {
    pub fn new(levels: &Levels) -> Self {
        let below_top = levels.sig_offset[levels.depth];
        Self {
            inverse: (1..=levels.depth)
                .map(|m| T::ONE / T::from_f64(m as f64))
                .collect(),
            scaled: vec![T::ZERO; levels.d * levels.depth],
            horner: vec![T::ZERO; below_top],
            horner_grad: vec![T::ZERO; below_top],
        }
    }

    #[inline(always)]
    fn scale(&mut self, levels: &Levels, delta: &[T]) {
        for (m, &inv) in self.inverse.iter().enumerate() {
            for (s, &x) in self.scaled[m * levels.d..(m + 1) * levels.d]
                .iter_mut()
                .zip(delta)
            {
                *s = x * inv;
            }
        }
    }
}

// The block loops below index by `c·n` instead of `chunks_exact(n)`: the chunk count would cost
// an integer division per call, and these run a dozen times per path step.

/// Reversed layout: `out[c·n + w] = b[w]·x[c] + add[c·n + w]`, n = `b.len()` (b ⊗ x + add).
#[inline(always)]
fn outer_add<T: Scalar>(out: &mut [T], b: &[T], x: &[T], add: &[T]) {
    let n = b.len();
    for (c, &xc) in x.iter().enumerate() {
        let (block, add_block) = (&mut out[c * n..(c + 1) * n], &add[c * n..(c + 1) * n]);
        for ((o, &a), &bw) in block.iter_mut().zip(add_block).zip(b) {
            *o = bw * xc + a;
        }
    }
}

/// Reversed layout: `out[c·n + w] += b[w]·x[c]`.
#[inline(always)]
fn outer_acc<T: Scalar>(out: &mut [T], b: &[T], x: &[T]) {
    let n = b.len();
    for (c, &xc) in x.iter().enumerate() {
        for (o, &bw) in out[c * n..(c + 1) * n].iter_mut().zip(b) {
            *o += bw * xc;
        }
    }
}

/// Horner buffers B₁..B_{k−1} for level k (B₁ = Δ/k + A₁, B_i = B_{i−1} ⊗ Δ/(k−i+1) + A_i).
#[inline(always)]
fn horner_terms<T: Scalar>(levels: &Levels, a: &[T], scratch: &mut ExpScratch<T>, k: usize) {
    let d = levels.d;
    let ExpScratch { scaled, horner, .. } = scratch;
    let first = &mut horner[levels.sig_offset[1]..levels.sig_offset[2]];
    for ((h, &s), &a1) in first
        .iter_mut()
        .zip(&scaled[(k - 1) * d..k * d])
        .zip(levels.level(a, 1))
    {
        *h = s + a1;
    }
    for i in 2..k {
        let (lower, upper) = horner.split_at_mut(levels.sig_offset[i]);
        let prev = &lower[levels.sig_offset[i - 1]..];
        let out = &mut upper[..levels.size[i]];
        let m = k - i + 1;
        outer_add(out, prev, &scaled[(m - 1) * d..m * d], levels.level(a, i));
    }
}

/// Chen's step in place: `a ← a ⊗ exp(delta)` (signature layout, reversed; a's level 0 is 1).
#[inline(always)]
pub(crate) fn mul_exp<T: Scalar>(
    levels: &Levels,
    a: &mut [T],
    delta: &[T],
    scratch: &mut ExpScratch<T>,
) {
    scratch.scale(levels, delta);
    // Top level first: level k reads the old lower levels.
    for k in (2..=levels.depth).rev() {
        horner_terms(levels, a, scratch, k);
        let b = &scratch.horner[levels.sig_offset[k - 1]..levels.sig_offset[k]];
        outer_acc(
            &mut a[levels.sig_offset[k]..levels.sig_offset[k + 1]],
            b,
            delta,
        );
    }
    for (x, &dx) in a[..levels.d].iter_mut().zip(delta) {
        *x += dx;
    }
}

/// Reversed layout, transpose of [`outer_acc`] in b: `out[w] = s · Σ_c g[c·n + w]·x[c]`.
#[inline(always)]
fn contract_letter<T: Scalar>(out: &mut [T], g: &[T], x: &[T], s: T) {
    out.fill(T::ZERO);
    let n = out.len();
    for (c, &xc) in x.iter().enumerate() {
        let f = xc * s;
        for (o, &gv) in out.iter_mut().zip(&g[c * n..(c + 1) * n]) {
            *o += gv * f;
        }
    }
}

/// Reversed layout, transpose of [`outer_acc`] in x: `out[c] += s · Σ_w g[c·n + w]·b[w]`.
#[inline(always)]
fn contract_prefix<T: Scalar>(out: &mut [T], g: &[T], b: &[T], s: T) {
    let n = b.len();
    for (c, o) in out.iter_mut().enumerate() {
        *o += dot(&g[c * n..(c + 1) * n], b) * s;
    }
}

/// Dot product with eight independent sums, so the compiler can vectorise it (one running sum
/// would force strictly sequential floating-point additions).
#[inline(always)]
pub(crate) fn dot<T: Scalar>(a: &[T], b: &[T]) -> T {
    let mut lanes = [T::ZERO; 8];
    let (a8, a_rest) = a.as_chunks::<8>();
    let (b8, b_rest) = b.as_chunks::<8>();
    for (x, y) in a8.iter().zip(b8) {
        for i in 0..8 {
            lanes[i] += x[i] * y[i];
        }
    }
    let tail: T = a_rest.iter().zip(b_rest).map(|(&x, &y)| x * y).sum();
    lanes.iter().copied().sum::<T>() + tail
}

/// Reverse mode of [`mul_exp`]. On entry `grad` is ∂ℓ/∂(a ⊗ exp Δ); on exit it is ∂ℓ/∂a, and
/// ∂ℓ/∂Δ is added to `grad_delta`. `a` is the step's input.
///
/// Levels are processed upwards: level k's output gradient only flows into levels below k, which
/// have already been read, so `grad` can be overwritten in place.
#[inline(always)]
pub(crate) fn mul_exp_backward<T: Scalar>(
    levels: &Levels,
    a: &[T],
    delta: &[T],
    grad: &mut [T],
    grad_delta: &mut [T],
    scratch: &mut ExpScratch<T>,
) {
    let d = levels.d;
    scratch.scale(levels, delta);
    for (g, &gk) in grad_delta.iter_mut().zip(&grad[..d]) {
        *g += gk;
    }
    for k in 2..=levels.depth {
        horner_terms(levels, a, scratch, k);
        let ExpScratch {
            horner,
            horner_grad,
            inverse,
            ..
        } = scratch;
        // T_k = B_{k−1} ⊗ Δ + A_k.
        {
            let gk = &grad[levels.sig_offset[k]..levels.sig_offset[k + 1]];
            let b = &horner[levels.sig_offset[k - 1]..levels.sig_offset[k]];
            let gb = &mut horner_grad[levels.sig_offset[k - 1]..levels.sig_offset[k]];
            contract_letter(gb, gk, delta, T::ONE);
            contract_prefix(grad_delta, gk, b, T::ONE);
        }
        // B_i = B_{i−1} ⊗ Δ/m + A_i, m = k − i + 1, for i = k−1 down to 2.
        for i in (2..k).rev() {
            let inv = inverse[k - i];
            let (lower, upper) = horner_grad.split_at_mut(levels.sig_offset[i]);
            let gbi = &upper[..levels.size[i]];
            for (g, &x) in grad[levels.sig_offset[i]..levels.sig_offset[i + 1]]
                .iter_mut()
                .zip(gbi.iter())
            {
                *g += x;
            }
            let gprev = &mut lower[levels.sig_offset[i - 1]..];
            contract_letter(gprev, gbi, delta, inv);
            contract_prefix(
                grad_delta,
                gbi,
                &horner[levels.sig_offset[i - 1]..levels.sig_offset[i]],
                inv,
            );
        }
        // B₁ = Δ/k + A₁.
        let gb1 = &horner_grad[..d];
        let inv = inverse[k - 1];
        for ((g, gd), &x) in grad[..d].iter_mut().zip(grad_delta.iter_mut()).zip(gb1) {
            *g += x;
            *gd += x * inv;
        }
    }
}
