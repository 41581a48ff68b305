//! The operation on CubeCL (burn's wgpu backend): chunking and kernel launches.
//!
//! Each launch gets contiguous inputs of at most `binding_budget()` bytes per binding and at most
//! 65 535 paths (one workgroup each); the chunks' outputs are concatenated along the batch. Along
//! the path, [`Plan`] cuts the time loop into dispatches of bounded length.

use burn::backend::TensorMetadata;
use burn::backend::cubecl::dtype_to_storage_type;
use burn::backend::ops::FloatTensorOps;
use burn::tensor::{DType, FloatDType, Shape};
use burn_cubecl::CubeBackend;
use burn_cubecl::kernel::{into_contiguous, slice};
use burn_cubecl::ops::numeric::empty_device_contiguous_dtype;
use burn_cubecl::tensor::CubeTensor;
use cubecl::prelude::{CubeCount, CubeDim};

use super::kernel::{advance_kernel, backward_block_kernel};
use super::{Plan, SignatureBackend, binding_budget};
use crate::sig_len;

/// Most workgroups per dispatch dimension (WebGPU default).
const MAX_WORKGROUPS: usize = 65_535;

/// Paths per launch when one path needs `values` elements of `dtype` in its largest binding.
fn paths_per_launch(values: usize, dtype: DType) -> usize {
    (binding_budget() / (values * dtype.size()).max(1)).clamp(1, MAX_WORKGROUPS)
}

/// Rows `range` of a contiguous tensor, contiguous (a view when burn can offset the binding).
fn rows(tensor: &CubeTensor, range: std::ops::Range<usize>, whole: bool) -> CubeTensor {
    if whole {
        return tensor.clone();
    }
    let dims = tensor.shape();
    let mut ranges: Vec<_> = dims.iter().map(|&n| 0..n).collect();
    ranges[0] = range;
    into_contiguous(slice(tensor.clone(), &ranges))
}

/// Concatenates chunk outputs along the batch.
fn concat(mut parts: Vec<CubeTensor>) -> CubeTensor {
    if parts.len() == 1
        && let Some(only) = parts.pop()
    {
        return only;
    }
    CubeBackend::float_cat(parts, 0)
}

/// Shape, signature length and plan of an input that [`signature`](super::signature) validated.
fn layout(paths: &CubeTensor, depth: usize) -> ([usize; 3], usize, Plan) {
    let dims = paths.shape().dims::<3>();
    let n = sig_len(dims[2], depth).expect("validated by signature()");
    let plan = Plan::new(dims[1], dims[2], depth, n).expect("validated by signature()");
    (dims, n, plan)
}

/// Launches [`advance_kernel`] over steps `from..to` in dispatches of `plan.forward_steps`; the
/// first dispatch zeroes the state first when `zero`, and saves it at `save` (offset + 1) when
/// non-zero.
#[allow(clippy::too_many_arguments)]
fn advance(
    paths: &CubeTensor,
    state: &CubeTensor,
    plan: &Plan,
    depth: usize,
    (stride, at): (usize, usize),
    (from, to): (usize, usize),
    mut zero: bool,
    mut save: usize,
) {
    let count = paths.shape()[0];
    let mut t = from;
    loop {
        let end = to.min(t + plan.forward_steps);
        advance_kernel::launch(
            &paths.client,
            CubeCount::Static(count as u32, 1, 1),
            CubeDim::new_1d(plan.threads as u32),
            paths.clone().into_tensor_arg(),
            state.clone().into_tensor_arg(),
            depth as u32,
            stride as u32,
            at as u32,
            t as u32,
            end as u32,
            u32::from(zero),
            save as u32,
            dtype_to_storage_type(paths.dtype),
        );
        (zero, save) = (false, 0);
        t = end;
        if t >= to {
            return;
        }
    }
}

impl SignatureBackend for CubeBackend {
    fn signature_forward(paths: CubeTensor, depth: usize) -> CubeTensor {
        let paths = into_contiguous(paths);
        let ([batch, length, d], n, plan) = layout(&paths, depth);
        let dtype = paths.dtype;
        let chunk = paths_per_launch(n.max(length * d), dtype);
        let mut parts = Vec::new();
        for start in (0..batch).step_by(chunk) {
            let count = chunk.min(batch - start);
            let part = rows(&paths, start..start + count, count == batch);
            let out = empty_device_contiguous_dtype(
                part.client.clone(),
                part.device.clone(),
                Shape::new([count, n]),
                dtype,
            );
            advance(&part, &out, &plan, depth, (n, 0), (0, length - 1), true, 0);
            parts.push(out);
        }
        concat(parts)
    }

    fn signature_backward(paths: CubeTensor, grad: CubeTensor, depth: usize) -> CubeTensor {
        let paths = into_contiguous(paths);
        let ([batch, length, d], n, plan) = layout(&paths, depth);
        let dtype = paths.dtype;
        if length == 1 {
            // A constant path: the signature is zero whatever the point.
            let float = FloatDType::from(dtype);
            return CubeBackend::float_zeros(Shape::new([batch, 1, d]), &paths.device, float);
        }
        let grad = into_contiguous(grad);
        let steps = length - 1;
        let chunk = paths_per_launch(plan.scratch.max(length * d), dtype);
        let states = plan.blocks * n;
        let mut parts = Vec::new();
        for start in (0..batch).step_by(chunk) {
            let count = chunk.min(batch - start);
            let whole = count == batch;
            let part = rows(&paths, start..start + count, whole);
            let part_grad = rows(&grad, start..start + count, whole);
            let client = part.client.clone();
            let work = empty_device_contiguous_dtype(
                client.clone(),
                part.device.clone(),
                Shape::new([count * plan.scratch]),
                dtype,
            );
            let out = empty_device_contiguous_dtype(
                client.clone(),
                part.device.clone(),
                Shape::new([count, length, d]),
                dtype,
            );
            // Checkpoints S_{j·block}; the last one needs no steps after it.
            for j in 0..plan.blocks {
                let from = j * plan.block;
                let to = if j + 1 == plan.blocks {
                    from
                } else {
                    from + plan.block
                };
                let layout = (plan.scratch, states);
                advance(
                    &part,
                    &work,
                    &plan,
                    depth,
                    layout,
                    (from, to),
                    j == 0,
                    j * n + 1,
                );
            }
            // Blocks last to first; the gradient buffer in use flips with every step.
            let mut current = 0;
            for j in (0..plan.blocks).rev() {
                let (from, to) = (j * plan.block, steps.min((j + 1) * plan.block));
                backward_block_kernel::launch(
                    &client,
                    CubeCount::Static(count as u32, 1, 1),
                    CubeDim::new_1d(plan.threads as u32),
                    part.clone().into_tensor_arg(),
                    part_grad.clone().into_tensor_arg(),
                    work.clone().into_tensor_arg(),
                    out.clone().into_tensor_arg(),
                    depth as u32,
                    plan.block as u32,
                    plan.blocks as u32,
                    plan.lanes as u32,
                    from as u32,
                    to as u32,
                    current,
                    u32::from(j + 1 == plan.blocks),
                    dtype_to_storage_type(dtype),
                );
                current ^= ((to - from) % 2) as u32;
            }
            parts.push(out);
        }
        concat(parts)
    }
}
