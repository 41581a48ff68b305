//! Signatures of several paths at once, one path per SIMD lane.
//!
//! With few channels the per-path loops of [`mul_exp`](crate::tensor::mul_exp) are a handful of
//! values long (d = 3: blocks of 1, 3, 9, 27 and 81), so loop overhead, not arithmetic, sets the
//! speed. Here every tensor word is one SIMD vector holding that word for a group of paths (4 f64
//! with AVX2, 2 in wasm), and each operation acts on the whole vector. The loops are as short as
//! before, but each iteration does a vector's worth of work.
//!
//! LLVM does not find this by itself: given `[T; 4]` words it vectorises across words and
//! shuffles lanes back and forth, which was slower than the per-path code. So the vectors are
//! explicit, with pulp (already built for gemm) choosing the instruction set at run time. Every
//! lane runs exactly the per-path sequence of multiplies and adds (no fused multiply-adds), so
//! the results are bitwise those of `mul_exp`, whatever the vector width.

use pulp::{Arch, Simd, WithSimd};

use crate::signature::increment;
use crate::tensor::Levels;

/// At most this many lanes (f32 with AVX-512).
const MAX_LANES: usize = 16;

/// Whether a batch of these signatures goes faster a group at a time. Large levels already make
/// long, vectorised per-path loops, and a group's state (several signatures) would no longer stay
/// in the core's cache.
pub(crate) fn worth_it<T>(levels: &Levels) -> bool {
    const SIGNATURE_BYTES: usize = 64 * 1024;
    levels.sig_len() * std::mem::size_of::<T>() <= SIGNATURE_BYTES
}

/// Signatures of `paths` (all of one length), in groups of as many paths as a SIMD vector has
/// lanes. Calls `each(i, signature)` for path `paths[i]`, the signature in reversed layout.
pub(crate) fn signatures<T: crate::Scalar>(
    levels: &Levels,
    paths: &[&[T]],
    each: impl FnMut(usize, &[T]),
) {
    Arch::new().dispatch(Groups {
        levels,
        paths,
        each,
    });
}

struct Groups<'a, T, F> {
    levels: &'a Levels,
    paths: &'a [&'a [T]],
    each: F,
}

impl<T: crate::Scalar, F: FnMut(usize, &[T])> WithSimd for Groups<'_, T, F> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> Self::Output {
        let Self {
            levels,
            paths,
            mut each,
        } = self;
        let (lanes, n) = (T::lanes::<S>(), levels.sig_len());
        let mut work = LaneWork::<T, S>::new(simd, levels);
        let mut by_lane = vec![T::ZERO; lanes * n];
        let mut values = [T::ZERO; MAX_LANES];
        for (g, group) in paths.chunks(lanes).enumerate() {
            work.signatures(levels, group);
            for (r, &v) in work.state.iter().enumerate() {
                T::store(simd, &mut values[..lanes], v);
                for (lane, &x) in values[..group.len()].iter().enumerate() {
                    by_lane[lane * n + r] = x;
                }
            }
            for (lane, signature) in by_lane.chunks_exact(n).take(group.len()).enumerate() {
                each(g * lanes + lane, signature);
            }
        }
    }
}

/// The state and the Horner terms of one group, a vector per tensor word, in reversed layout.
struct LaneWork<T: LaneScalar, S: Simd> {
    simd: S,
    /// 1/m for m = 1..=D.
    inverse: Vec<T>,
    delta: Vec<T::V<S>>,
    scaled: Vec<T::V<S>>,
    horner: Vec<T::V<S>>,
    state: Vec<T::V<S>>,
}

impl<T: crate::Scalar, S: Simd> LaneWork<T, S> {
    #[inline(always)]
    fn new(simd: S, levels: &Levels) -> Self {
        let zero = T::splat(simd, T::ZERO);
        Self {
            simd,
            inverse: (1..=levels.depth)
                .map(|m| T::ONE / T::from_f64(m as f64))
                .collect(),
            delta: vec![zero; levels.d],
            scaled: vec![zero; levels.d * levels.depth],
            horner: vec![zero; levels.sig_offset[levels.depth]],
            state: vec![zero; levels.sig_len()],
        }
    }

    /// Signatures of `paths` (at most one per lane) into the lanes of the state; unused lanes
    /// walk a path that does not move.
    #[inline(always)]
    fn signatures(&mut self, levels: &Levels, paths: &[&[T]]) {
        let (simd, d) = (self.simd, levels.d);
        self.state.fill(T::splat(simd, T::ZERO));
        let steps = paths.first().map_or(0, |p| (p.len() / d).saturating_sub(1));
        let mut one = vec![T::ZERO; d];
        let mut columns = vec![[T::ZERO; MAX_LANES]; d];
        let lanes = T::lanes::<S>();
        for t in 0..steps {
            for (lane, path) in paths.iter().enumerate() {
                increment(path, d, t, &mut one);
                for (column, &v) in columns.iter_mut().zip(&one) {
                    column[lane] = v;
                }
            }
            for (x, column) in self.delta.iter_mut().zip(&columns) {
                *x = T::load(simd, &column[..lanes]);
            }
            self.mul_exp(levels);
        }
    }

    /// The state ← state ⊗ exp(delta), lane by lane: `mul_exp`'s operations in `mul_exp`'s order.
    #[inline(always)]
    fn mul_exp(&mut self, levels: &Levels) {
        let d = levels.d;
        let Self {
            simd,
            inverse,
            delta,
            scaled,
            horner,
            state,
        } = self;
        let simd = *simd;
        let add = |a, b| T::vadd(simd, a, b);
        let mul = |a, b| T::vmul(simd, a, b);
        for (m, &inv) in inverse.iter().enumerate() {
            let inv = T::splat(simd, inv);
            for (s, &x) in scaled[m * d..(m + 1) * d].iter_mut().zip(delta.iter()) {
                *s = mul(x, inv);
            }
        }
        for k in (2..=levels.depth).rev() {
            // Horner terms B₁ = Δ/k + A₁, B_i = B_{i−1} ⊗ Δ/(k−i+1) + A_i.
            for ((h, &s), &a) in horner[..d]
                .iter_mut()
                .zip(&scaled[(k - 1) * d..k * d])
                .zip(levels.level(state, 1))
            {
                *h = add(s, a);
            }
            for i in 2..k {
                let (lower, upper) = horner.split_at_mut(levels.sig_offset[i]);
                let prev = &lower[levels.sig_offset[i - 1]..];
                let out = &mut upper[..levels.size[i]];
                let m = k - i + 1;
                let n = prev.len();
                for (c, &xc) in scaled[(m - 1) * d..m * d].iter().enumerate() {
                    let block = &mut out[c * n..(c + 1) * n];
                    let added = &levels.level(state, i)[c * n..(c + 1) * n];
                    for ((o, &a), &b) in block.iter_mut().zip(added).zip(prev) {
                        *o = add(mul(b, xc), a);
                    }
                }
            }
            let b = &horner[levels.sig_offset[k - 1]..levels.sig_offset[k]];
            let top = &mut state[levels.sig_offset[k]..levels.sig_offset[k + 1]];
            let n = b.len();
            for (c, &xc) in delta.iter().enumerate() {
                for (o, &bw) in top[c * n..(c + 1) * n].iter_mut().zip(b) {
                    *o = add(*o, mul(bw, xc));
                }
            }
        }
        for (s, &x) in state[..d].iter_mut().zip(delta.iter()) {
            *s = add(*s, x);
        }
    }
}

/// f32 and f64 as pulp vectors. Public only inside the crate (the module is private), as a
/// supertrait of [`Scalar`](crate::Scalar).
pub trait LaneScalar: Copy + 'static {
    /// A vector of `Self` on backend `S`.
    type V<S: Simd>: Copy;
    /// Lanes per vector on backend `S`.
    fn lanes<S: Simd>() -> usize;
    fn splat<S: Simd>(simd: S, x: Self) -> Self::V<S>;
    fn vadd<S: Simd>(simd: S, a: Self::V<S>, b: Self::V<S>) -> Self::V<S>;
    fn vmul<S: Simd>(simd: S, a: Self::V<S>, b: Self::V<S>) -> Self::V<S>;
    /// `values` holds one value per lane.
    fn load<S: Simd>(simd: S, values: &[Self]) -> Self::V<S>;
    fn store<S: Simd>(simd: S, values: &mut [Self], v: Self::V<S>);
}

macro_rules! lane_scalar {
    ($t:ty, $v:ident, $lanes:ident, $splat:ident, $add:ident, $mul:ident, $load:ident, $store:ident) => {
        impl LaneScalar for $t {
            type V<S: Simd> = S::$v;
            #[inline(always)]
            fn lanes<S: Simd>() -> usize {
                S::$lanes
            }
            #[inline(always)]
            fn splat<S: Simd>(simd: S, x: Self) -> Self::V<S> {
                simd.$splat(x)
            }
            #[inline(always)]
            fn vadd<S: Simd>(simd: S, a: Self::V<S>, b: Self::V<S>) -> Self::V<S> {
                simd.$add(a, b)
            }
            #[inline(always)]
            fn vmul<S: Simd>(simd: S, a: Self::V<S>, b: Self::V<S>) -> Self::V<S> {
                simd.$mul(a, b)
            }
            #[inline(always)]
            fn load<S: Simd>(simd: S, values: &[Self]) -> Self::V<S> {
                simd.$load(values)
            }
            #[inline(always)]
            fn store<S: Simd>(simd: S, values: &mut [Self], v: Self::V<S>) {
                simd.$store(values, v)
            }
        }
    };
}

lane_scalar!(
    f64,
    f64s,
    F64_LANES,
    splat_f64s,
    add_f64s,
    mul_f64s,
    partial_load_f64s,
    partial_store_f64s
);
lane_scalar!(
    f32,
    f32s,
    F32_LANES,
    splat_f32s,
    add_f32s,
    mul_f32s,
    partial_load_f32s,
    partial_store_f32s
);
