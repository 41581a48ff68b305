//! [`Augment`] as burn tensor operations, so augmented paths stay differentiable on any device
//! (same definitions as the CPU versions in `augment.rs`).

use burn::tensor::{Int, Tensor, TensorData};

use crate::{Augment, Result};

/// Applies `augments` in order.
///
/// # Shapes
/// - `paths`: `[batch, length, channels]`
/// - output: `[batch, length', channels']`, as [`Augment::shape`] says
///
/// # Errors
/// [`Augment::Increments`] of one-point paths.
pub fn augment(paths: Tensor<3>, augments: &[Augment]) -> Result<Tensor<3>> {
    augments.iter().try_fold(paths, |x, &a| one(x, a))
}

fn one(x: Tensor<3>, augment: Augment) -> Result<Tensor<3>> {
    let [batch, length, channels] = x.dims();
    augment.shape(length, channels)?;
    let (device, dtype) = (x.device(), x.dtype());
    let index = |values: Vec<i64>| {
        let n = values.len();
        Tensor::<1, Int>::from_data(TensorData::new(values, [n]), &device)
    };
    Ok(match augment {
        Augment::Basepoint => {
            let origin = Tensor::<3>::zeros([batch, 1, channels], (&device, dtype));
            Tensor::cat(vec![origin, x], 1)
        }
        Augment::Time => {
            let scale = if length > 1 {
                1.0 / (length - 1) as f64
            } else {
                0.0
            };
            let times: Vec<f64> = (0..length).map(|t| t as f64 * scale).collect();
            let time =
                Tensor::<3>::from_data(TensorData::new(times, [1, length, 1]), (&device, dtype))
                    .expand([batch, length, 1]);
            Tensor::cat(vec![x, time], 2)
        }
        Augment::LeadLag => {
            let points = 2 * length - 1;
            let lead = index((0..points).map(|p| p.div_ceil(2) as i64).collect());
            let lag = index((0..points).map(|p| (p / 2) as i64).collect());
            Tensor::cat(vec![x.clone().select(1, lead), x.select(1, lag)], 2)
        }
        Augment::Cumsum => x.cumsum(1),
        Augment::Increments => x.clone().narrow(1, 1, length - 1) - x.narrow(1, 0, length - 1),
    })
}
