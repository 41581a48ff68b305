//! Log-signatures as burn tensor operations, so burn's autodiff differentiates them on any device.
//!
//! - Depth ≤ 2: the total increment and the Lévy areas A_ij = ½ Σ_t (y^i_t y^j_{t+1} − y^j_t y^i_{t+1}),
//!   y_t = X_t − X_0, as one batched matrix product YᵀY' — no signature at all. This is the
//!   Deep Signature case (log-signature depth 2), and it is what a GPU does best.
//! - Depth ≥ 3: the signature ([`signature`]), its truncated logarithm by Horner
//!   (R_D = 1/D, R_n = 1/n − X ⊗ R_{n+1}, log = X ⊗ R_1, tensor products as broadcast outer
//!   products), then per level the Lyndon coordinates: the log's values at the Lyndon words times
//!   the inverse of the unit-triangular bracket matrix (see [`LyndonBasis`]), a dense matrix
//!   built once per (channels, depth) on the CPU and cached. Levels with more than [`MAX_DENSE_LYNDON`] Lyndon words are refused
//!   with an error (that matrix would not fit); the CPU engine has no such limit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use burn::tensor::{Int, Tensor, TensorData};

use super::signature;
use crate::{Error, LyndonBasis, Result, logsig_len};

/// Largest number of Lyndon words of one length projected on the device (a dense square matrix).
pub const MAX_DENSE_LYNDON: usize = 2048;

/// Log-signatures in the Lyndon basis (iisignature's order), differentiable with respect to
/// `paths`; equal to [`LogSignature::forward`](crate::LogSignature::forward) up to rounding.
///
/// # Shapes
/// - `paths`: `[batch, length, channels]`
/// - output: `[batch, logsig_len(channels, depth)]`
///
/// # Errors
/// As [`signature`], or (depth ≥ 3) a level with more than [`MAX_DENSE_LYNDON`] Lyndon words.
pub fn logsignature(paths: Tensor<3>, depth: usize) -> Result<Tensor<2>> {
    let [batch, length, d] = paths.dims();
    logsig_len(d, depth)?;
    if batch == 0 || length == 0 {
        return Err(Error::Invalid(format!(
            "paths: shape [batch {batch}, length {length}, channels {d}] has a zero dimension"
        )));
    }
    if depth <= 2 {
        return Ok(levy(paths, depth));
    }
    let projection = projection(d, depth)?;
    let device = paths.device();
    let dtype = paths.dtype();
    let sig = signature(paths, depth)?; // [batch, sig_len]
    let mut x = Vec::with_capacity(depth);
    let mut offset = 0;
    for k in 1..=depth {
        let size = d.pow(k as u32);
        x.push(sig.clone().narrow(1, offset, size)); // level k: [batch, d^k]
        offset += size;
    }
    let log = logarithm(&x, depth);
    let mut coords = Vec::with_capacity(depth);
    for (level, (columns, inverse)) in log.into_iter().zip(projection.iter()) {
        let n = columns.len();
        let columns = Tensor::<1, Int>::from_data(TensorData::new(columns.clone(), [n]), &device);
        let inverse_t =
            Tensor::<2>::from_data(TensorData::new(inverse.clone(), [n, n]), (&device, dtype));
        coords.push(level.select(1, columns).matmul(inverse_t)); // [batch, n]
    }
    Ok(Tensor::cat(coords, 1))
}

/// Per level: the Lyndon words' columns and the dense projection matrix (see
/// `LyndonBasis::dense_level`).
type Projection = Arc<Vec<(Vec<i64>, Vec<f64>)>>;

/// The projection for `d` channels at `depth`, built on first use and kept for the process: a
/// training loop calls [`logsignature`] every batch, and building the basis costs far more than
/// the projection itself. Sizes are checked (Witt's formula) before anything is built.
fn projection(d: usize, depth: usize) -> Result<Projection> {
    static CACHE: OnceLock<Mutex<HashMap<(usize, usize), Projection>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    let cached = cache
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&(d, depth))
        .cloned();
    if let Some(projection) = cached {
        return Ok(projection);
    }
    let mut shorter = 0;
    for k in 1..=depth {
        let up_to_k = logsig_len(d, k)?;
        let words = up_to_k - shorter;
        shorter = up_to_k;
        if words > MAX_DENSE_LYNDON {
            return Err(Error::TooLarge {
                what: "log-signature on the device",
                detail: format!(
                    "{words} Lyndon words of length {k} (at most {MAX_DENSE_LYNDON}); use the CPU engine"
                ),
            });
        }
    }
    let basis = LyndonBasis::new(d, depth)?;
    let levels = (1..=depth)
        .map(|k| {
            let (columns, matrix) = basis.dense_level(k);
            (columns.into_iter().map(|c| c as i64).collect(), matrix)
        })
        .collect();
    let projection = Arc::new(levels);
    cache
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert((d, depth), Arc::clone(&projection));
    Ok(projection)
}

/// Increments and (depth 2) Lévy areas in Lyndon order (i < j).
fn levy(paths: Tensor<3>, depth: usize) -> Tensor<2> {
    let [batch, length, d] = paths.dims();
    let start = paths.clone().narrow(1, 0, 1); // [batch, 1, d]
    let increment = (paths.clone().narrow(1, length - 1, 1) - start.clone()).reshape([batch, d]);
    if depth == 1 || d == 1 {
        return increment;
    }
    let pairs: Vec<i64> = (0..d)
        .flat_map(|i| (i + 1..d).map(move |j| (i * d + j) as i64))
        .collect();
    let n_pairs = pairs.len();
    if length < 3 {
        let zeros = Tensor::<2>::zeros([batch, n_pairs], (&paths.device(), paths.dtype()));
        return Tensor::cat(vec![increment, zeros], 1);
    }
    let y = paths - start; // y_t = X_t − X_0
    let now = y.clone().narrow(1, 0, length - 1).swap_dims(1, 2); // [batch, d, L−1]
    let next = y.narrow(1, 1, length - 1); // [batch, L−1, d]
    let m = now.matmul(next); // Σ_t y_t^i y_{t+1}^j: [batch, d, d]
    let areas = (m.clone() - m.swap_dims(1, 2))
        .mul_scalar(0.5)
        .reshape([batch, d * d]);
    let pairs = Tensor::<1, Int>::from_data(TensorData::new(pairs, [n_pairs]), &areas.device());
    Tensor::cat(vec![increment, areas.select(1, pairs)], 1)
}

/// A truncated series: a scalar level 0 and tensor levels 1.. .
struct Series {
    scalar: f64,
    levels: Vec<Tensor<2>>,
}

/// Levels 1..=depth of log(1 + X), X given by its levels 1..=depth (`[batch, d^k]` each).
fn logarithm(x: &[Tensor<2>], depth: usize) -> Vec<Tensor<2>> {
    let mut r = Series {
        scalar: 1.0 / depth as f64,
        levels: Vec::new(),
    };
    for n in (1..depth).rev() {
        let levels = times(x, &r, depth - n)
            .into_iter()
            .map(Tensor::neg)
            .collect();
        r = Series {
            scalar: 1.0 / n as f64,
            levels,
        };
    }
    times(x, &r, depth)
}

/// Levels 1..=top of X ⊗ R (X has no level 0; R's levels above its length are zero).
fn times(x: &[Tensor<2>], r: &Series, top: usize) -> Vec<Tensor<2>> {
    (1..=top)
        .map(|k| {
            let scalar_term = x[k - 1].clone().mul_scalar(r.scalar);
            (1..k)
                .filter_map(|i| {
                    r.levels
                        .get(k - i - 1)
                        .map(|rj| outer(x[i - 1].clone(), rj.clone()))
                })
                .fold(scalar_term, |sum, term| sum + term)
        })
        .collect()
}

/// `[batch, p] ⊗ [batch, q]` → `[batch, p·q]`, word index a·q + b (lexicographic).
fn outer(a: Tensor<2>, b: Tensor<2>) -> Tensor<2> {
    let [batch, p] = a.dims();
    let q = b.dims()[1];
    (a.unsqueeze_dim::<3>(2) * b.unsqueeze_dim::<3>(1)).reshape([batch, p * q])
}
