//! The operation on CubeCL (burn's wgpu backend): chunking and kernel launches.
//!
//! Each launch gets contiguous inputs of at most `binding_budget()` bytes per binding and at most
//! 65 535 paths (one workgroup each); the chunks' outputs are concatenated along the batch.

use burn::backend::TensorMetadata;
use burn::backend::cubecl::dtype_to_storage_type;
use burn::backend::ops::FloatTensorOps;
use burn::tensor::{DType, Shape};
use burn_cubecl::CubeBackend;
use burn_cubecl::kernel::{into_contiguous, slice};
use burn_cubecl::ops::numeric::empty_device_contiguous_dtype;
use burn_cubecl::tensor::CubeTensor;
use cubecl::prelude::{CubeCount, CubeDim};

use super::kernel::{MAX_THREADS, signature_backward_kernel, signature_kernel};
use super::{SignatureBackend, backward_scratch, binding_budget, checkpoint_block};
use crate::sig_len;

/// Most workgroups per dispatch dimension (WebGPU default).
const MAX_WORKGROUPS: usize = 65_535;

/// Paths per launch when one path needs `values` elements of `dtype` in its largest binding.
fn paths_per_launch(values: usize, dtype: DType) -> usize {
    (binding_budget() / (values * dtype.size()).max(1)).clamp(1, MAX_WORKGROUPS)
}

/// Threads per workgroup: the level sizes' scale, a power of two in 32..=256.
fn threads(n: usize) -> u32 {
    (n.next_power_of_two().clamp(32, MAX_THREADS as usize)) as u32
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
    if parts.len() == 1 {
        if let Some(only) = parts.pop() {
            return only;
        }
    }
    CubeBackend::float_cat(parts, 0)
}

/// Batch, length, channels of a rank-3 tensor.
fn dims3(tensor: &CubeTensor) -> [usize; 3] {
    tensor.shape().dims::<3>()
}

/// `sig_len` of an input that [`signature`](super::signature) has validated.
fn validated_len(d: usize, depth: usize) -> usize {
    sig_len(d, depth).expect("validated by signature()")
}

impl SignatureBackend for CubeBackend {
    fn signature_forward(paths: CubeTensor, depth: usize) -> CubeTensor {
        let paths = into_contiguous(paths);
        let [batch, length, d] = dims3(&paths);
        let n = validated_len(d, depth);
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
            signature_kernel::launch(
                &part.client.clone(),
                CubeCount::Static(count as u32, 1, 1),
                CubeDim::new_1d(threads(n)),
                part.into_tensor_arg(),
                out.clone().into_tensor_arg(),
                depth as u32,
                dtype_to_storage_type(dtype),
            );
            parts.push(out);
        }
        concat(parts)
    }

    fn signature_backward(paths: CubeTensor, grad: CubeTensor, depth: usize) -> CubeTensor {
        let paths = into_contiguous(paths);
        let grad = into_contiguous(grad);
        let [batch, length, d] = dims3(&paths);
        let n = validated_len(d, depth);
        let dtype = paths.dtype;
        let scratch = backward_scratch(length, n).expect("validated by signature()");
        let chunk = paths_per_launch(scratch.max(length * d), dtype);
        let threads = threads(n.max(d));
        // Threads per channel in the ∂/∂Δ reduction: a power of two, `threads / lanes` channels at
        // a time.
        let lanes = (threads as usize / d).max(1);
        let lanes = 1_u32 << lanes.ilog2();
        let mut parts = Vec::new();
        for start in (0..batch).step_by(chunk) {
            let count = chunk.min(batch - start);
            let whole = count == batch;
            let part = rows(&paths, start..start + count, whole);
            let part_grad = rows(&grad, start..start + count, whole);
            let client = part.client.clone();
            let device = part.device.clone();
            let work =
                empty_device_contiguous_dtype(client.clone(), device.clone(), Shape::new([count * scratch]), dtype);
            let out = empty_device_contiguous_dtype(
                client.clone(),
                device,
                Shape::new([count, length, d]),
                dtype,
            );
            signature_backward_kernel::launch(
                &client,
                CubeCount::Static(count as u32, 1, 1),
                CubeDim::new_1d(threads),
                part.into_tensor_arg(),
                part_grad.into_tensor_arg(),
                work.into_tensor_arg(),
                out.clone().into_tensor_arg(),
                depth as u32,
                checkpoint_block(length) as u32,
                lanes,
                dtype_to_storage_type(dtype),
            );
            parts.push(out);
        }
        concat(parts)
    }
}
