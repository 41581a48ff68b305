//! Signatures as a differentiable burn operation (feature `gpu`): CubeCL kernels on burn's wgpu
//! backend (WebGPU in the browser, Vulkan/Metal natively), the CPU engine elsewhere.
//!
//! [`signature`] is an ordinary burn tensor function. Under `device.autodiff()` its backward pass
//! is the exact vector–Jacobian product of the same engine (not burn's tape of elementary ops,
//! which would store every intermediate signature), so a model can put it between layers.
//!
//! # Where it runs
//! The operation is a burn *backend extension* routed at run time on the tensor's device:
//! - **CubeCL (wgpu/WebGPU)**: the kernels of `kernel.rs`, f32 (WebGPU has no f64).
//! - **flex** (burn's pure-Rust CPU backend, the browser fallback when there is no adapter): a
//!   host round trip through [`Signature`](crate::Signature) in the tensor's precision (f32 or
//!   f64). Flex tensors live in host memory, so the "round trip" is a copy, not a transfer.
//! - **autodiff** wraps either of them and registers the backward step.
//!
//! Other burn backends (ndarray, libtorch, remote) and burn's `fusion` feature (which wraps the
//! CubeCL backend in another type) are not wired: the operation would panic there. molsig does
//! not enable them.
//!
//! # WebGPU limits
//! A storage binding holds at most 128 MiB and a dispatch at most 65 535 workgroups per dimension
//! (WebGPU defaults, which browsers give without asking), and a workgroup at most 256 threads.
//! A batch is therefore cut into chunks launched one after the other. One path must fit on its
//! own: its signature, its points and — for the backward pass — its checkpoints
//! ((⌈(L−1)/b⌉ + b + 2) signatures, b ≤ ⌊√(L−1)⌋ steps apart) must each fit in 128 MiB of f32.
//! [`signature`] checks this on every backend, so a model that runs on the CPU also runs in the
//! browser. Along a path, the work is cut into dispatches of bounded length (`LOOP_BUDGET`): Mesa's
//! lavapipe silently stops an invocation after 65 535 loop iterations, and browsers reset a GPU
//! whose dispatch runs for seconds. The budget is estimated from d and D; a single backward Chen
//! step that exceeds lavapipe's limit on its own (roughly when D·d^(D−1) > 65 535, e.g. d = 10 at
//! D = 6) is still wrong there, though correct on real GPUs and in browsers.
//!
//! # Non-finite input
//! NaN or infinite coordinates give NaN signatures (every value, on the CPU fallback; the words
//! that depend on them, on the GPU), never a panic.

mod augment;
mod autodiff;
mod cube;
mod flex;
mod kernel;
mod logsig;

use std::sync::atomic::{AtomicUsize, Ordering};

use burn::backend::tensor::FloatTensor;
use burn::backend::{Dispatch, backend_extension};
use burn::tensor::Tensor;

use crate::{Error, Result, sig_len};

pub use augment::augment;
pub use logsig::{MAX_DENSE_LYNDON, logsignature};

/// WebGPU's default `maxStorageBufferBindingSize`: 128 MiB.
const MAX_BINDING_BYTES: usize = 128 << 20;

/// A smaller binding budget for tests (0 = none); see [`set_max_binding_bytes`].
static BINDING_BUDGET: AtomicUsize = AtomicUsize::new(0);

/// Makes the GPU path cut batches as if a storage binding held only `bytes` (at least one path
/// per launch), or restores the WebGPU limit with `None`. Process-wide; for tests of the chunking,
/// which otherwise needs batches of hundreds of megabytes. Results do not depend on it.
#[doc(hidden)]
pub fn set_max_binding_bytes(bytes: Option<usize>) {
    BINDING_BUDGET.store(bytes.unwrap_or(0), Ordering::Relaxed);
}

/// Bytes a chunk's largest binding may take.
fn binding_budget() -> usize {
    match BINDING_BUDGET.load(Ordering::Relaxed) {
        0 => MAX_BINDING_BYTES,
        bytes => bytes.min(MAX_BINDING_BYTES),
    }
}

/// Loop iterations one thread may run in one dispatch (estimated, see [`Plan`]).
///
/// Mesa's lavapipe (CI's Vulkan device) stops a shader invocation after 65 535 loop iterations in
/// total, silently; browsers and desktop drivers reset a device whose dispatch runs for seconds.
/// Long paths are therefore advanced over several dispatches, each within this budget.
const LOOP_BUDGET: usize = 16_384;

/// How the GPU kernels split the work for paths of `length` points in R^d at depth D.
///
/// The costs are upper estimates of the loop iterations of the busiest thread per Chen step,
/// mirroring the loops of `kernel.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Plan {
    /// Threads per workgroup: a power of two in 32..=256.
    threads: usize,
    /// Threads reducing one channel of ∂/∂Δ: a power of two dividing `threads`.
    lanes: usize,
    /// Forward steps per dispatch.
    forward_steps: usize,
    /// Steps between backward checkpoints (also the steps of one backward dispatch).
    block: usize,
    /// Checkpoints: ⌈(L−1)/block⌉.
    blocks: usize,
    /// Backward scratch values per path: checkpoints, one block of states, two gradients.
    scratch: usize,
}

impl Plan {
    /// The plan for a signature of `n` values; `None` when the scratch overflows `usize`.
    fn new(length: usize, d: usize, depth: usize, n: usize) -> Option<Self> {
        let threads = n
            .max(d)
            .next_power_of_two()
            .clamp(32, kernel::MAX_THREADS as usize);
        let lanes = 1 << (threads / d).max(1).ilog2();
        let groups = threads / lanes;
        let per_thread = |count: usize| count.div_ceil(threads);
        let pow = |e: usize| d.saturating_pow(e as u32);
        let forward: usize = (1..=depth)
            .map(|k| 2 * k + 2 + per_thread(pow(k)).saturating_mul(k + 1))
            .fold(per_thread(n), usize::saturating_add);
        let grad_state: usize = (1..=depth)
            .map(|j| {
                let word: usize = (1..=depth - j)
                    .map(|m| 1 + pow(m).saturating_mul(m + 1))
                    .fold(1, usize::saturating_add);
                j + 1 + per_thread(pow(j)).saturating_mul(word)
            })
            .fold(0, usize::saturating_add);
        let grad_increment: usize = (1..=depth)
            .map(|k| 2 * k + k * (1 + k + pow(k - 1).div_ceil(lanes).saturating_mul(3 * k + 2)))
            .fold(4 + lanes.ilog2() as usize, usize::saturating_add)
            .saturating_mul(d.div_ceil(groups));
        let backward = forward
            .saturating_add(per_thread(n))
            .saturating_add(grad_state)
            .saturating_add(grad_increment);
        let steps = length - 1;
        let block = steps.isqrt().clamp(1, (LOOP_BUDGET / backward).max(1));
        let blocks = steps.div_ceil(block);
        Some(Self {
            threads,
            lanes,
            forward_steps: (LOOP_BUDGET / forward).max(1),
            block,
            blocks,
            scratch: n.checked_mul(blocks + block + 2)?,
        })
    }
}

/// The signature's backend operations. Inputs are validated by [`signature`] and
/// [`signature_backward`] before they reach an implementation.
#[backend_extension(Autodiff, Cube, Flex)]
pub(crate) trait SignatureBackend: burn::backend::Backend {
    /// `[batch, length, d]` → `[batch, sig_len(d, depth)]`.
    fn signature_forward(paths: FloatTensor<Self>, depth: usize) -> FloatTensor<Self>;

    /// `paths` `[batch, length, d]`, `grad` `[batch, sig_len(d, depth)]` → ∂⟨S, grad⟩/∂paths,
    /// `[batch, length, d]`.
    fn signature_backward(
        paths: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        depth: usize,
    ) -> FloatTensor<Self>;
}

/// Shape of a path batch, checked against the limits in the module docs; returns `sig_len`.
fn check(dims: [usize; 3], depth: usize) -> Result<usize> {
    let [batch, length, channels] = dims;
    if batch == 0 || length == 0 || channels == 0 {
        return Err(Error::Invalid(format!(
            "paths: shape [batch {batch}, length {length}, channels {channels}] has a zero dimension"
        )));
    }
    let n = sig_len(channels, depth)?;
    let f32_values = MAX_BINDING_BYTES / size_of::<f32>();
    let too_large = |what: &'static str, values: usize| {
        (values > f32_values).then(|| Error::TooLarge {
            what,
            detail: format!(
                "{values} f32 values per path for {channels} channels, depth {depth}, \
                 {length} points; a WebGPU storage binding holds {f32_values}"
            ),
        })
    };
    let points = length.saturating_mul(channels);
    let scratch = Plan::new(length, channels, depth, n).map_or(usize::MAX, |plan| plan.scratch);
    if let Some(e) = too_large("signature", n)
        .or_else(|| too_large("path", points))
        .or_else(|| too_large("signature backward checkpoints", scratch))
    {
        return Err(e);
    }
    Ok(n)
}

/// Signatures of a batch of paths, truncated at `depth` (levels 1..=depth, level 0 left out;
/// layout in the crate docs), differentiable with respect to `paths`.
///
/// Runs the CubeCL kernels on a wgpu/WebGPU device and the CPU engine on a flex device; see the
/// module docs.
///
/// # Shapes
/// - `paths`: `[batch, length, channels]`
/// - output: `[batch, sig_len(channels, depth)]`
///
/// # Errors
/// A zero dimension or depth, or a path whose signature, points or backward checkpoints exceed a
/// WebGPU storage binding (128 MiB of f32).
pub fn signature(paths: Tensor<3>, depth: usize) -> Result<Tensor<2>> {
    check(paths.dims(), depth)?;
    Ok(Tensor::from_dispatch(
        <Dispatch as SignatureBackend>::signature_forward(paths.into_dispatch(), depth),
    ))
}

/// The vector–Jacobian product of [`signature`]: ∂⟨signature(paths), grad⟩/∂paths, computed as
/// in its autodiff backward pass. Not itself differentiable: under autodiff the result is a
/// constant.
///
/// # Shapes
/// - `paths`: `[batch, length, channels]`
/// - `grad`: `[batch, sig_len(channels, depth)]`
/// - output: `[batch, length, channels]`
///
/// # Errors
/// As [`signature`], or a `grad` of another shape.
pub fn signature_backward(paths: Tensor<3>, grad: Tensor<2>, depth: usize) -> Result<Tensor<3>> {
    let dims = paths.dims();
    let n = check(dims, depth)?;
    if grad.dims() != [dims[0], n] {
        return Err(Error::Invalid(format!(
            "signature gradient: expected shape [{}, {n}], got {:?}",
            dims[0],
            grad.dims()
        )));
    }
    Ok(Tensor::from_dispatch(
        <Dispatch as SignatureBackend>::signature_backward(
            paths.into_dispatch(),
            grad.into_dispatch(),
            depth,
        ),
    ))
}
