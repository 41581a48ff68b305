//! Reading tensors back to the host. Every read-back is async (WebGPU in a browser cannot block)
//! and fallible: a failed transfer or a dtype the data cannot be converted to is an error, never
//! an empty vector that later indexing would trip over.

use burn::tensor::{Element, Tensor, TensorData};

use crate::{Error, Result};

/// The tensor's values, converted to `E`, in row-major order.
///
/// # Errors
/// [`Error::Compute`] when the device cannot deliver the data or it cannot be converted.
pub async fn read_back<E: Element, const D: usize>(tensor: Tensor<D>) -> Result<Vec<E>> {
    let data = tensor
        .into_data_async()
        .await
        .map_err(|e| Error::Compute(format!("reading a result from the device: {e:?}")))?;
    values(data)
}

/// `data` as a vector of `E`, with its length checked against its shape.
fn values<E: Element>(data: TensorData) -> Result<Vec<E>> {
    let expected = data.num_elements();
    let values = data
        .try_into_vec_as::<E>()
        .map_err(|e| Error::Compute(format!("converting a result read from the device: {e:?}")))?;
    if values.len() != expected {
        return Err(Error::Compute(format!(
            "a result read from the device has {} values where its shape needs {expected}",
            values.len()
        )));
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_converted() {
        let data = TensorData::new(vec![1.5_f32, -2.0, 3.25], [3]);
        assert_eq!(
            values::<f64>(data).expect("f32 converts to f64"),
            vec![1.5, -2.0, 3.25]
        );
    }
}
