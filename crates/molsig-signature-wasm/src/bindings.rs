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

/// `output` (`"signature"`, `"logSignature"` or `"logSignatureExpanded"`) of a batch of paths
/// after `augments`: `batch ×` its length values. Signatures: levels 1..=depth, words
/// lexicographic with channel 0 first (iisignature's layout); log-signatures: the Lyndon basis,
/// equal to `iisignature.logsig(path, iisignature.prepare(channels', depth))`; expanded: log S in
/// the signature's layout (iisignature's `"X"`).
#[wasm_bindgen]
pub fn forward(
    output: &str,
    data: &[f64],
    batch: usize,
    length: usize,
    channels: usize,
    depth: usize,
    augments: Vec<String>,
) -> Result<Vec<f64>, JsError> {
    let output = js(crate::Output::parse(output))?;
    let augments = js(crate::parse_augments(&augments))?;
    let paths = crate::Batch {
        data,
        batch,
        length,
        channels,
        augments: &augments,
    };
    js(crate::forward(output, &paths, depth))
}

/// Gradient of ⟨output, grad⟩ with respect to the paths (`"signature"` or `"logSignature"`):
/// `grad` has the values `forward` gives; the result has the paths' shape before augmentation.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn backward(
    output: &str,
    data: &[f64],
    batch: usize,
    length: usize,
    channels: usize,
    depth: usize,
    augments: Vec<String>,
    grad: &[f64],
) -> Result<Vec<f64>, JsError> {
    let output = js(crate::Output::parse(output))?;
    let augments = js(crate::parse_augments(&augments))?;
    let paths = crate::Batch {
        data,
        batch,
        length,
        channels,
        augments: &augments,
    };
    js(crate::backward(output, &paths, depth, grad))
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
