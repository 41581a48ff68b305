//! The JavaScript API (wasm only): thin wrappers over the crate's functions, errors as `JsError`.
//!
//! Paths are `Float64Array`s, row-major `[batch, length, channels]`; `augments` is an array of
//! augmentation names applied in order before the signature (`[]` for none).
// wasm-bindgen takes `Vec<String>` by value; a slice is not an ABI type.
#![allow(clippy::needless_pass_by_value)]

use js_sys::Uint16Array;
use wasm_bindgen::prelude::*;

/// A `JsError` carrying the crate's message.
fn js<T>(result: crate::Result<T>) -> Result<T, JsError> {
    result.map_err(|message| JsError::new(&message))
}

/// Values in a signature of `channels`-dimensional paths at `depth`: channels¹ + … + channels^depth
/// (levels 1..=depth; the constant level 0 is left out).
#[wasm_bindgen(js_name = sigLength)]
pub fn sig_length(channels: usize, depth: usize) -> Result<usize, JsError> {
    js(crate::sig_length(channels, depth))
}

/// Values in a log-signature: the number of Lyndon words of length ≤ `depth` over `channels`
/// letters (Witt's formula).
#[wasm_bindgen(js_name = logsigLength)]
pub fn logsig_length(channels: usize, depth: usize) -> Result<usize, JsError> {
    js(crate::logsig_length(channels, depth))
}

/// Signatures of a batch of paths after `augments`: `batch × sigLength(channels', depth)` values,
/// each signature's levels 1..=depth in order, words lexicographic with channel 0 first
/// (iisignature's layout).
#[wasm_bindgen(js_name = signature)]
pub fn signature(
    data: &[f64],
    batch: usize,
    length: usize,
    channels: usize,
    depth: usize,
    augments: Vec<String>,
) -> Result<Vec<f64>, JsError> {
    let augments = js(crate::parse_augments(&augments))?;
    js(crate::signature(
        data, batch, length, channels, depth, &augments,
    ))
}

/// Gradient of ⟨signature, grad⟩ with respect to the paths: `grad` has `batch ×
/// sigLength(channels', depth)` values; the result has the paths' shape before augmentation.
#[wasm_bindgen(js_name = signatureBackward)]
pub fn signature_backward(
    data: &[f64],
    batch: usize,
    length: usize,
    channels: usize,
    depth: usize,
    augments: Vec<String>,
    grad: &[f64],
) -> Result<Vec<f64>, JsError> {
    let augments = js(crate::parse_augments(&augments))?;
    js(crate::signature_backward(
        data, batch, length, channels, depth, &augments, grad,
    ))
}

/// Log-signatures in the Lyndon basis, `batch × logsigLength(channels', depth)` values: equal to
/// `iisignature.logsig(path, iisignature.prepare(channels', depth))`.
#[wasm_bindgen(js_name = logSignature)]
pub fn log_signature(
    data: &[f64],
    batch: usize,
    length: usize,
    channels: usize,
    depth: usize,
    augments: Vec<String>,
) -> Result<Vec<f64>, JsError> {
    let augments = js(crate::parse_augments(&augments))?;
    js(crate::log_signature(
        data, batch, length, channels, depth, &augments,
    ))
}

/// log S in tensor coordinates, in the signature's layout (`batch × sigLength(channels', depth)`
/// values), as iisignature's `logsig(…, "X")`.
#[wasm_bindgen(js_name = logSignatureExpanded)]
pub fn log_signature_expanded(
    data: &[f64],
    batch: usize,
    length: usize,
    channels: usize,
    depth: usize,
    augments: Vec<String>,
) -> Result<Vec<f64>, JsError> {
    let augments = js(crate::parse_augments(&augments))?;
    js(crate::log_signature_expanded(
        data, batch, length, channels, depth, &augments,
    ))
}

/// Gradient of ⟨log-signature, grad⟩ with respect to the paths: `grad` has `batch ×
/// logsigLength(channels', depth)` values; the result has the paths' shape before augmentation.
#[wasm_bindgen(js_name = logSignatureBackward)]
pub fn log_signature_backward(
    data: &[f64],
    batch: usize,
    length: usize,
    channels: usize,
    depth: usize,
    augments: Vec<String>,
    grad: &[f64],
) -> Result<Vec<f64>, JsError> {
    let augments = js(crate::parse_augments(&augments))?;
    js(crate::log_signature_backward(
        data, batch, length, channels, depth, &augments, grad,
    ))
}

/// `[length', channels']`: a path's shape after `augments`.
#[wasm_bindgen(js_name = augmentedShape)]
pub fn augmented_shape(
    length: usize,
    channels: usize,
    augments: Vec<String>,
) -> Result<Vec<u32>, JsError> {
    let augments = js(crate::parse_augments(&augments))?;
    let (l, c) = js(crate::augmented_shape(length, channels, &augments))?;
    match (u32::try_from(l), u32::try_from(c)) {
        (Ok(l), Ok(c)) => Ok(vec![l, c]),
        _ => Err(JsError::new("augmented shape does not fit in 32 bits")),
    }
}

/// Paths after `augments` (applied in order): `batch × length' × channels'` values, with the
/// shape that `augmentedShape` gives.
#[wasm_bindgen(js_name = augment)]
pub fn augment(
    data: &[f64],
    batch: usize,
    length: usize,
    channels: usize,
    augments: Vec<String>,
) -> Result<Vec<f64>, JsError> {
    let augments = js(crate::parse_augments(&augments))?;
    js(crate::augment(data, batch, length, channels, &augments)).map(|(out, _, _)| out)
}

/// The transpose of `augment`: the gradient with respect to the paths (`batch × length ×
/// channels`, the shape before augmentation) from `grad`, the gradient with respect to the
/// augmented paths.
#[wasm_bindgen(js_name = augmentBackward)]
pub fn augment_backward(
    grad: &[f64],
    batch: usize,
    length: usize,
    channels: usize,
    augments: Vec<String>,
) -> Result<Vec<f64>, JsError> {
    let augments = js(crate::parse_augments(&augments))?;
    js(crate::augment_backward(
        grad, batch, length, channels, &augments,
    ))
}

/// The Lyndon words of the log-signature's basis, letters 0-based, in output order (by length,
/// then lexicographic).
#[wasm_bindgen(js_name = lyndonWords)]
pub fn lyndon_words(channels: usize, depth: usize) -> Result<Vec<Uint16Array>, JsError> {
    let words = js(crate::lyndon_words(channels, depth))?;
    Ok(words.iter().map(|w| Uint16Array::from(&w[..])).collect())
}

/// iisignature's labels of the log-signature's basis elements (letters 1-based): `"1"`,
/// `"[1,2]"`, `"[1,[1,2]]"`, ….
#[wasm_bindgen(js_name = lyndonLabels)]
pub fn lyndon_labels(channels: usize, depth: usize) -> Result<Vec<String>, JsError> {
    js(crate::lyndon_labels(channels, depth))
}
