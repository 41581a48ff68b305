//! The CubeCL kernels: one workgroup (cube) per path, its threads striding over the words of a
//! level, the time loop inside the kernel.
//!
//! Why this shape:
//! - Chen's identity is sequential in time but each step is embarrassingly parallel over words, so
//!   a path belongs to one workgroup and the steps are separated by workgroup barriers; one launch
//!   does the whole batch chunk instead of L launches.
//! - The signature lives in global (storage) memory, not in workgroup memory: WebGPU guarantees
//!   only 16 KiB of workgroup memory (4096 f32), less than d = 150 at depth 2 needs. The barriers
//!   are therefore `sync_storage` (WGSL `storageBarrier` + `workgroupBarrier`).
//! - The update is in place, top level first: level k reads the *old* levels below it, which
//!   are only rewritten after a barrier. No second buffer is needed.
//! - Every loop that contains a barrier has a workgroup-uniform bound: shapes and scalars are read
//!   once through `workgroup_uniform_load`, because WGSL (Tint in Chromium, naga natively) rejects
//!   a barrier under control flow that its uniformity analysis cannot prove uniform, and cubecl
//!   binds its metadata as `read_write` storage, which counts as non-uniform.
//! - A kernel runs a bounded range of steps and keeps its state in global memory between
//!   dispatches (see `Plan` in `mod.rs`): lavapipe stops an invocation after 65 535 loop iterations
//!   and browsers reset a device whose dispatch runs for seconds.
//! - The backward pass ∂⟨S, G⟩/∂X walks the steps backwards with checkpoints (S stored every
//!   `block` ≤ √L steps by [`advance_kernel`], each block recomputed forwards by
//!   [`backward_block_kernel`]) so no rounding of a reversed walk is amplified in f32. Its
//!   reductions over words (∂/∂Δ) go through workgroup memory, since WebGPU has no float atomics.
//!
//! Layout inside a level: word (i₁…i_k) is at Σ i_q d^{k−q}, so the prefix of length j of word w
//! is w / d^{k−j} and its q-th letter is (w / d^{k−q}) mod d.
// A kernel's `#[define(F)] _dtype` argument only names its float type; the code #[cube(launch)]
// generates around the function reads it.
#![allow(clippy::used_underscore_binding)]

use cubecl::prelude::*;

/// Most threads per workgroup: the WebGPU default `maxComputeInvocationsPerWorkgroup`.
pub(crate) const MAX_THREADS: u32 = 256;

/// d^e.
#[cube]
fn power(d: usize, e: usize) -> usize {
    let mut p = 1usize;
    for _ in 0..e {
        p *= d;
    }
    p
}

/// Offset of level k (k ≥ 1) in signature layout: Σ_{j=1}^{k−1} d^j.
#[cube]
fn level_offset(d: usize, k: usize) -> usize {
    let mut offset = 0usize;
    let mut size = d;
    for _ in 1..k {
        offset += size;
        size *= d;
    }
    offset
}

/// Δ_t[c] = X_{t+1}[c] − X_t[c] of the path starting at `path`.
#[cube]
fn increment<F: Float>(paths: &Tensor<F>, path: usize, d: usize, t: usize, c: usize) -> F {
    paths[path + (t + 1) * d + c] - paths[path + t * d + c]
}

/// `state[to..to + n] = state[from..from + n]`, then a barrier.
#[cube]
fn copy_state<F: Float>(state: &mut Tensor<F>, from: usize, to: usize, n: usize) {
    let threads = CUBE_DIM_X as usize;
    let mut i = UNIT_POS_X as usize;
    while i < n {
        state[to + i] = state[from + i];
        i += threads;
    }
    sync_storage();
}

/// Chen's step in place: S ← S ⊗ exp(Δ_t), with S (signature layout, level 0 implicit) at
/// `state[at..]`. Level k of the result, per word w = (i₁…i_k):
/// `S_k[w] + ((…((Δ_{i₁}/k + S₁[i₁])·Δ_{i₂}/(k−1) + S₂[i₁i₂])·…) + S_{k−1}[i₁…i_{k−1}])·Δ_{i_k}`.
/// Must be called by every thread of the workgroup with uniform arguments.
#[cube]
fn chen_step<F: Float>(
    state: &mut Tensor<F>,
    at: usize,
    paths: &Tensor<F>,
    path: usize,
    t: usize,
    d: usize,
    depth: usize,
) {
    let threads = CUBE_DIM_X as usize;
    for level in 0..depth {
        let k = depth - level;
        let offset = level_offset(d, k);
        let size = power(d, k);
        let mut w = UNIT_POS_X as usize;
        while w < size {
            // Horner over the prefixes of w: acc_j = acc_{j−1}·Δ_{i_j}/(k−j+1) + S_j[i₁…i_j].
            let mut acc = F::new(1.0);
            let mut divisor = size / d; // d^{k−j} for j = 1
            let mut level_at = at; // offset of level j
            let mut level_size = d; // d^j
            for j in 1..k {
                let prefix = w / divisor;
                let scale = F::new(1.0) / F::cast_from((k - j + 1) as u32);
                acc = acc * increment(paths, path, d, t, prefix % d) * scale
                    + state[level_at + prefix];
                divisor /= d;
                level_at += level_size;
                level_size *= d;
            }
            let i = at + offset + w;
            state[i] += acc * increment(paths, path, d, t, w % d);
            w += threads;
        }
        sync_storage();
    }
}

/// Advances one state per workgroup through steps `t_start..t_end` of its path:
/// S ← S ⊗ exp(Δ_{t_start}) ⊗ … ⊗ exp(Δ_{t_end−1}), with path b's state at
/// `state[b·stride + at..][..n]`. With `zero` = 1 the state is first set to S₀ = 0 (the signature
/// of a point); with `save` > 0 it is first copied to `state[b·stride + save − 1..]` (a
/// checkpoint). Long paths take several launches, so no dispatch runs unboundedly long.
#[cube(launch)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn advance_kernel<F: Float>(
    paths: &Tensor<F>,
    state: &mut Tensor<F>,
    depth: u32,
    stride: u32,
    at: u32,
    t_start: u32,
    t_end: u32,
    zero: u32,
    save: u32,
    #[define(F)] _dtype: ElemType,
) {
    let mut params = Shared::new_slice(9usize);
    if UNIT_POS_X == 0 {
        params[0] = paths.shape(1) as u32;
        params[1] = paths.shape(2) as u32;
        params[2] = depth;
        params[3] = stride;
        params[4] = at;
        params[5] = t_start;
        params[6] = t_end;
        params[7] = zero;
        params[8] = save;
    }
    let length = workgroup_uniform_load(&params[0]) as usize;
    let d = workgroup_uniform_load(&params[1]) as usize;
    let depth = workgroup_uniform_load(&params[2]) as usize;
    let stride = workgroup_uniform_load(&params[3]) as usize;
    let at = workgroup_uniform_load(&params[4]) as usize;
    let t_start = workgroup_uniform_load(&params[5]) as usize;
    let t_end = workgroup_uniform_load(&params[6]) as usize;
    let zero = workgroup_uniform_load(&params[7]);
    let save = workgroup_uniform_load(&params[8]) as usize;
    let n = level_offset(d, depth + 1);

    let b = CUBE_POS_X as usize;
    let path = b * length * d;
    let base = b * stride;
    if zero == 1 {
        let threads = CUBE_DIM_X as usize;
        let mut i = UNIT_POS_X as usize;
        while i < n {
            state[base + at + i] = F::new(0.0);
            i += threads;
        }
        sync_storage();
    }
    if save > 0 {
        copy_state(state, base + at, base + save - 1, n);
    }
    for t in t_start..t_end {
        chen_step(state, base + at, paths, path, t, d, depth);
    }
}

/// ∂T_k[w]/∂(Δ at letter position p) for T = A ⊗ exp(Δ) with A (signature layout) at `a`:
/// Σ_{j<p} A_j[i₁…i_j] · Π_{q>j, q≠p} Δ_{i_q} / (k−j)!, with A₀ = 1. (`state` is only read; it
/// is `&mut` because cubecl does not reborrow a mutable tensor as a shared one.)
#[cube]
fn position_derivative<F: Float>(
    state: &mut Tensor<F>,
    a: usize,
    paths: &Tensor<F>,
    path: usize,
    t: usize,
    d: usize,
    k: usize,
    p: usize,
    w: usize,
) -> F {
    // Π_{q=p+1..k} Δ_{i_q}; afterwards `divisor` = d^{k−p}.
    let mut product = F::new(1.0);
    let mut divisor = 1usize;
    for _ in p..k {
        product *= increment(paths, path, d, t, (w / divisor) % d);
        divisor *= d;
    }
    // j = p−1 down to 0; `divisor` = d^{k−j}, `factorial` = (k−j)!.
    divisor *= d;
    let mut factorial = F::new(1.0);
    for m in 1..=k - p + 1 {
        factorial *= F::cast_from(m as u32);
    }
    let mut sum = F::new(0.0);
    for step in 0..p {
        let j = p - 1 - step;
        if j == 0 {
            sum += product / factorial;
        } else {
            let prefix = w / divisor;
            sum += state[a + level_offset(d, j) + prefix] * product / factorial;
            product *= increment(paths, path, d, t, prefix % d);
            factorial *= F::cast_from((k - j + 1) as u32);
            divisor *= d;
        }
    }
    sum
}

/// Reverse mode of one Chen step T = A ⊗ exp(Δ_t) for one path, A at `state[a..]`:
/// - ∂/∂A_j[u] = Σ_{m=0}^{D−j} (1/m!) Σ_{v ∈ [d]^m} G_{j+m}[u v] Π_q Δ_{v_q}, written to
///   `state[next..]` from G at `state[current..]`;
/// - ∂/∂Δ_c = Σ_k Σ_p Σ_{w: w_p = c} G_k[w] · ∂T_k[w]/∂(Δ at p), reduced per channel by `lanes`
///   threads in workgroup memory, then X_{t+1} += ∂/∂Δ and X_t −= ∂/∂Δ in `grad_paths`.
///
/// Thread → channel assignment is the same at every step, so each `grad_paths` entry is only
/// ever touched by one thread.
#[cube]
#[allow(clippy::too_many_arguments)]
fn chen_step_backward<F: Float>(
    state: &mut Tensor<F>,
    a: usize,
    current: usize,
    next: usize,
    paths: &Tensor<F>,
    path: usize,
    grad_paths: &mut Tensor<F>,
    partial: &mut Shared<[F]>,
    t: usize,
    d: usize,
    depth: usize,
    lanes: usize,
) {
    let threads = CUBE_DIM_X as usize;
    let tid = UNIT_POS_X as usize;

    // ∂/∂A.
    for j in 1..=depth {
        let offset = level_offset(d, j);
        let size = power(d, j);
        let mut u = tid;
        while u < size {
            let mut sum = state[current + offset + u];
            let mut factorial = F::new(1.0);
            let mut span = 1usize; // d^m
            let mut upper = offset + size; // offset of level j + m
            let mut upper_size = size * d;
            for m in 1..=depth - j {
                factorial *= F::cast_from(m as u32);
                span *= d;
                let mut inner = F::new(0.0);
                for v in 0..span {
                    let mut product = F::new(1.0);
                    let mut rest = v;
                    for _ in 0..m {
                        product *= increment(paths, path, d, t, rest % d);
                        rest /= d;
                    }
                    inner += state[current + upper + u * span + v] * product;
                }
                sum += inner / factorial;
                upper += upper_size;
                upper_size *= d;
            }
            state[next + offset + u] = sum;
            u += threads;
        }
    }

    // ∂/∂Δ, `groups` channels at a time, `lanes` threads per channel.
    let groups = threads / lanes;
    let lane = tid % lanes;
    let blocks = d.div_ceil(groups);
    for block in 0..blocks {
        let c = block * groups + tid / lanes;
        let mut acc = F::new(0.0);
        if c < d {
            for k in 1..=depth {
                let offset = level_offset(d, k);
                let words = power(d, k - 1);
                for p in 1..=k {
                    let below = power(d, k - p); // d^{k−p}
                    let mut r = lane;
                    while r < words {
                        let w = (r / below) * below * d + c * below + r % below;
                        let derivative = position_derivative(state, a, paths, path, t, d, k, p, w);
                        acc += state[current + offset + w] * derivative;
                        r += lanes;
                    }
                }
            }
        }
        partial[tid] = acc;
        sync_cube();
        let mut half = lanes / 2;
        while half > 0 {
            if lane < half {
                partial[tid] = partial[tid] + partial[tid + half];
            }
            sync_cube();
            half /= 2;
        }
        if lane == 0 && c < d {
            let g = partial[tid];
            let after = path + (t + 1) * d + c;
            let before = path + t * d + c;
            grad_paths[after] += g;
            grad_paths[before] -= g;
        }
        sync_cube();
    }
    sync_storage();
}

/// One block of the backward pass of ⟨S(paths[b]), grad[b]⟩, one path per workgroup: steps
/// `start..end` (`start` a multiple of `block`), last to first.
///
/// `scratch` holds, per path, `blocks` checkpoints (S at t = 0, block, 2·block, …, written by
/// [`advance_kernel`]), then `block` states of the current block, then two gradient buffers
/// (ping-pong; ∂/∂S_end is in buffer `current`): `(blocks + block + 2)·n` values. The launch for
/// the last block has `first` = 1: it zeroes `grad_paths` and loads `grad` into buffer 0.
/// `lanes` (a power of two dividing the workgroup size) is the number of threads that reduce one
/// channel of ∂/∂Δ.
#[cube(launch)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn backward_block_kernel<F: Float>(
    paths: &Tensor<F>,
    grad: &Tensor<F>,
    scratch: &mut Tensor<F>,
    grad_paths: &mut Tensor<F>,
    depth: u32,
    block: u32,
    blocks: u32,
    lanes: u32,
    start: u32,
    end: u32,
    current: u32,
    first: u32,
    #[define(F)] _dtype: ElemType,
) {
    let mut params = Shared::new_slice(10usize);
    if UNIT_POS_X == 0 {
        params[0] = paths.shape(1) as u32;
        params[1] = paths.shape(2) as u32;
        params[2] = depth;
        params[3] = block;
        params[4] = blocks;
        params[5] = lanes;
        params[6] = start;
        params[7] = end;
        params[8] = current;
        params[9] = first;
    }
    let length = workgroup_uniform_load(&params[0]) as usize;
    let d = workgroup_uniform_load(&params[1]) as usize;
    let depth = workgroup_uniform_load(&params[2]) as usize;
    let block = workgroup_uniform_load(&params[3]) as usize;
    let blocks = workgroup_uniform_load(&params[4]) as usize;
    let lanes = workgroup_uniform_load(&params[5]) as usize;
    let start = workgroup_uniform_load(&params[6]) as usize;
    let end = workgroup_uniform_load(&params[7]) as usize;
    let current_buffer = workgroup_uniform_load(&params[8]) as usize;
    let first = workgroup_uniform_load(&params[9]);
    let mut partial = Shared::new_slice(MAX_THREADS as usize);

    let n = level_offset(d, depth + 1);
    let b = CUBE_POS_X as usize;
    let path = b * length * d;
    let checkpoints = b * (blocks + block + 2) * n;
    let states = checkpoints + blocks * n;
    let gradients = states + block * n;
    let mut current = gradients + current_buffer * n;
    let mut next = gradients + (1 - current_buffer) * n;
    let threads = CUBE_DIM_X as usize;

    if first == 1 {
        let mut i = UNIT_POS_X as usize;
        while i < length * d {
            grad_paths[path + i] = F::new(0.0);
            i += threads;
        }
        let mut i = UNIT_POS_X as usize;
        while i < n {
            scratch[current + i] = grad[b * n + i];
            i += threads;
        }
        sync_storage();
    }

    // Recompute the block's states S_start..S_{end−1} from its checkpoint.
    copy_state(scratch, checkpoints + start / block * n, states, n);
    for t in start + 1..end {
        let slot = states + (t - start) * n;
        copy_state(scratch, slot - n, slot, n);
        chen_step(scratch, slot, paths, path, t - 1, d, depth);
    }
    // Step back through them.
    for s in 0..end - start {
        let t = end - 1 - s;
        chen_step_backward(
            scratch,
            states + (t - start) * n,
            current,
            next,
            paths,
            path,
            grad_paths,
            &mut partial,
            t,
            d,
            depth,
            lanes,
        );
        // `std::mem::swap` does not exist in the #[cube] language.
        #[allow(clippy::manual_swap)]
        {
            let swap = current;
            current = next;
            next = swap;
        }
    }
}
