//! The operation on burn's flex CPU backend: the crate's CPU engine on the tensor's host memory.
//!
//! f64 tensors run the f64 engine; every other float dtype runs in f32 and is converted back. The
//! engine's backward is [`BackwardMode::Auto`] (checkpoints in f32, the inverse walk in f64).

use burn::backend::Flex;
use burn::backend::flex::FlexTensor;
use burn::tensor::{DType, Element, TensorData};

use super::SignatureBackend;
use crate::{BackwardMode, Error, Paths, Scalar, Signature};

/// `[batch, length, channels]` of a flex tensor's data.
fn dims3(data: &TensorData) -> [usize; 3] {
    let shape = data.shape();
    [shape[0], shape[1], shape[2]]
}

/// The values of `data` as `T` (a copy when the dtype differs).
fn values<T: Element>(data: TensorData) -> Vec<T> {
    data.try_into_vec_as::<T>()
        .expect("a float tensor converts to f32 and f64")
}

/// Runs `op` on the paths, or returns `nan_len` NaNs when a coordinate is not finite (the CPU
/// engine refuses those; the GPU kernels propagate them).
fn with_paths<T: Scalar>(
    data: &[T],
    dims: [usize; 3],
    nan_len: usize,
    op: impl FnOnce(&Paths<'_, T>) -> crate::Result<Vec<T>>,
) -> Vec<T> {
    let [batch, length, channels] = dims;
    match Paths::new(data, batch, length, channels) {
        Ok(paths) => op(&paths).expect("shapes validated by signature()"),
        Err(Error::NotFinite { .. }) => vec![T::from_f64(f64::NAN); nan_len],
        Err(e) => panic!("shapes validated by signature(): {e}"),
    }
}

fn forward<T: Scalar + Element>(data: TensorData, depth: usize) -> TensorData {
    let dims = dims3(&data);
    let sig = Signature::new(dims[2], depth).expect("validated by signature()");
    let n = sig.len();
    let out = with_paths(&values::<T>(data), dims, dims[0] * n, |p| sig.forward(p));
    TensorData::new(out, [dims[0], n])
}

fn backward<T: Scalar + Element>(data: TensorData, grad: TensorData, depth: usize) -> TensorData {
    let dims = dims3(&data);
    let sig = Signature::new(dims[2], depth).expect("validated by signature()");
    let grad = values::<T>(grad);
    let len = data.num_elements();
    let out = with_paths(&values::<T>(data), dims, len, |p| {
        sig.backward(p, &grad, BackwardMode::Auto)
    });
    TensorData::new(out, dims)
}

/// Converts the engine's result back to the input's dtype.
fn to_tensor(data: TensorData, dtype: DType) -> FlexTensor {
    let data = if data.dtype() == dtype {
        data
    } else {
        data.convert_dtype(dtype)
    };
    FlexTensor::from_data(data)
}

impl SignatureBackend for Flex {
    fn signature_forward(paths: FlexTensor, depth: usize) -> FlexTensor {
        let data = paths.into_data();
        let dtype = data.dtype();
        let out = if dtype == DType::F64 {
            forward::<f64>(data, depth)
        } else {
            forward::<f32>(data, depth)
        };
        to_tensor(out, dtype)
    }

    fn signature_backward(paths: FlexTensor, grad: FlexTensor, depth: usize) -> FlexTensor {
        let data = paths.into_data();
        let dtype = data.dtype();
        let out = if dtype == DType::F64 {
            backward::<f64>(data, grad.into_data(), depth)
        } else {
            backward::<f32>(data, grad.into_data(), depth)
        };
        to_tensor(out, dtype)
    }
}
