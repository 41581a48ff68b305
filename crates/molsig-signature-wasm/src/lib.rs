//! molsig-signature-wasm: the small WebAssembly module behind the npm entry `molsig/signature`.
//!
//! Path signatures, log-signatures (iisignature's Lyndon basis), augmentations and their
//! gradients in float64, straight from molsig-signature's CPU engine — no burn, no model, no
//! session, so the module stays small enough for a teaching page.
//!
//! Everything takes row-major `[batch, length, channels]` paths (a `Float64Array` in JavaScript)
//! and an optional list of augmentations, applied in order before the signature. The functions
//! here are plain Rust, tested natively; `bindings` (wasm only) exposes them to JavaScript under
//! camelCase names and turns every error into a `JsError` with the message below. Nothing panics
//! on bad input: shapes, values and sizes are checked before any work.
#![warn(missing_docs)]
// Docs here are mathematics (X_t, S(X)), not code identifiers.
#![allow(clippy::doc_markdown)]

use std::borrow::Cow;

use molsig_signature::{Augment, BackwardMode, LogSignature, Paths, Signature};

#[cfg(target_arch = "wasm32")]
mod bindings;

/// Most values one signature may have (channels¹ + … + channels^depth): 2²² float64, 32 MiB.
pub const MAX_SIGNATURE_VALUES: usize = 1 << 22;

/// Deepest signature: a Chen step costs about depth²/2 operations at one channel, so the limit
/// only matters there (at two channels, [`MAX_SIGNATURE_VALUES`] stops at depth 21).
pub const MAX_DEPTH: usize = 64;

/// Most `signature length × depth` for a log-signature. Building the Lyndon basis (the brackets'
/// expansions) and the logarithm's Horner terms take memory that grows with both: near this
/// limit about 60 MiB and a fifth of a second natively (2 channels up to depth 15, 3 up to 10,
/// 4 up to 8, 8 up to 6).
pub const MAX_LOG_SIGNATURE_WORK: usize = 2_000_000;

/// Most values any input, intermediate or output buffer may have (2²⁶ float64 = 512 MiB).
pub const MAX_VALUES: usize = 1 << 26;

/// A failed call: the message JavaScript sees as the `Error`'s message.
pub type Error = String;

/// `Result` with a message for JavaScript.
pub type Result<T> = std::result::Result<T, Error>;

/// The names JavaScript uses for the augmentations, in [`Augment`]'s order.
pub const AUGMENT_NAMES: [&str; 5] = ["basepoint", "time", "leadLag", "cumsum", "increments"];

/// Parses augmentation names (`"basepoint"`, `"time"`, `"leadLag"`, `"cumsum"`, `"increments"`).
///
/// # Errors
/// An unknown name, with the list of known ones.
pub fn parse_augments<S: AsRef<str>>(names: &[S]) -> Result<Vec<Augment>> {
    names
        .iter()
        .map(|name| match name.as_ref() {
            "basepoint" => Ok(Augment::Basepoint),
            "time" => Ok(Augment::Time),
            "leadLag" => Ok(Augment::LeadLag),
            "cumsum" => Ok(Augment::Cumsum),
            "increments" => Ok(Augment::Increments),
            other => Err(format!(
                "unknown augmentation {other:?}; expected one of {}",
                AUGMENT_NAMES.join(", ")
            )),
        })
        .collect()
}

/// `batch × length × channels`, or an error when a dimension is zero or the product too large.
fn path_values(batch: usize, length: usize, channels: usize) -> Result<usize> {
    if batch == 0 || length == 0 || channels == 0 {
        return Err(format!(
            "batch, length and channels must all be at least 1, got batch {batch}, length \
             {length}, channels {channels}"
        ));
    }
    batch
        .checked_mul(length)
        .and_then(|n| n.checked_mul(channels))
        .filter(|&n| n <= MAX_VALUES)
        .ok_or_else(|| {
            format!(
                "paths of batch {batch} × length {length} × channels {channels} are too large \
                 (at most {MAX_VALUES} values)"
            )
        })
}

/// Checks that `data` holds `batch × length × channels` finite values.
fn check_paths(data: &[f64], batch: usize, length: usize, channels: usize) -> Result<()> {
    let expected = path_values(batch, length, channels)?;
    if data.len() != expected {
        return Err(if batch == 1 {
            format!(
                "path has {} values, but length {length} × channels {channels} needs {expected}",
                data.len()
            )
        } else {
            format!(
                "paths have {} values, but batch {batch} × length {length} × channels {channels} \
                 needs {expected}",
                data.len()
            )
        });
    }
    // Shape-checked above, so this only reports a NaN or infinity (with its position).
    Paths::new(data, batch, length, channels)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// `(length, channels)` after `augments`, checking that every intermediate size fits.
fn shape_after(
    augments: &[Augment],
    batch: usize,
    length: usize,
    channels: usize,
) -> Result<(usize, usize)> {
    let (mut l, mut c) = (length, channels);
    path_values(batch, l, c)?;
    for a in augments {
        (l, c) = a
            .shape(l, c)
            .map_err(|e| format!("augmentation {}: {e}", augment_name(*a)))?;
        path_values(batch, l, c)
            .map_err(|e| format!("after augmentation {}: {e}", augment_name(*a)))?;
    }
    Ok((l, c))
}

fn augment_name(a: Augment) -> &'static str {
    match a {
        Augment::Basepoint => AUGMENT_NAMES[0],
        Augment::Time => AUGMENT_NAMES[1],
        Augment::LeadLag => AUGMENT_NAMES[2],
        Augment::Cumsum => AUGMENT_NAMES[3],
        Augment::Increments => AUGMENT_NAMES[4],
    }
}

/// Shape `(length, channels)` of a path after `augments`.
///
/// # Errors
/// A zero dimension, increments of a one-point path, or a size over [`MAX_VALUES`].
pub fn augmented_shape(
    length: usize,
    channels: usize,
    augments: &[Augment],
) -> Result<(usize, usize)> {
    shape_after(augments, 1, length, channels)
}

/// The checked paths after `augments`, with their `(length, channels)`.
fn prepare<'a>(
    data: &'a [f64],
    batch: usize,
    length: usize,
    channels: usize,
    augments: &[Augment],
) -> Result<(Cow<'a, [f64]>, usize, usize)> {
    check_paths(data, batch, length, channels)?;
    if augments.is_empty() {
        return Ok((Cow::Borrowed(data), length, channels));
    }
    shape_after(augments, batch, length, channels)?;
    let (out, l, c) =
        Augment::apply_all(augments, data, batch, length, channels).map_err(|e| e.to_string())?;
    Ok((Cow::Owned(out), l, c))
}

/// Augments a batch of paths: `augments` applied in order.
///
/// Returns the new data, row-major `[batch, length', channels']`, with `(length', channels')`
/// as [`augmented_shape`] says.
///
/// # Errors
/// A data length that does not match the shape, a non-finite value, or as [`augmented_shape`].
pub fn augment(
    data: &[f64],
    batch: usize,
    length: usize,
    channels: usize,
    augments: &[Augment],
) -> Result<(Vec<f64>, usize, usize)> {
    let (out, l, c) = prepare(data, batch, length, channels, augments)?;
    Ok((out.into_owned(), l, c))
}

/// The transpose of [`augment`]: ∂ℓ/∂paths from ∂ℓ/∂(augmented paths). `length` and `channels`
/// are the shape *before* augmentation; `grad` has the augmented shape.
///
/// # Errors
/// A gradient whose length does not match the augmented shape, or as [`augmented_shape`].
pub fn augment_backward(
    grad: &[f64],
    batch: usize,
    length: usize,
    channels: usize,
    augments: &[Augment],
) -> Result<Vec<f64>> {
    let (l, c) = shape_after(augments, batch, length, channels)?;
    let expected = batch * l * c;
    if grad.len() != expected {
        return Err(format!(
            "gradient has {} values, but the augmented paths (batch {batch} × length {l} × \
             channels {c}) need {expected}",
            grad.len()
        ));
    }
    Augment::backward_all(augments, grad, batch, length, channels).map_err(|e| e.to_string())
}

/// Values in a signature of `channels`-dimensional paths at `depth`:
/// channels¹ + … + channels^depth.
///
/// # Errors
/// Zero channels or depth, a depth over [`MAX_DEPTH`], or more than [`MAX_SIGNATURE_VALUES`].
pub fn sig_length(channels: usize, depth: usize) -> Result<usize> {
    if channels == 0 || depth == 0 {
        return Err(format!(
            "a signature needs channels ≥ 1 and depth ≥ 1, got channels {channels}, depth {depth}"
        ));
    }
    if depth > MAX_DEPTH {
        return Err(format!(
            "depth {depth} is more than the {MAX_DEPTH} supported here"
        ));
    }
    match molsig_signature::sig_len(channels, depth) {
        Ok(n) if n <= MAX_SIGNATURE_VALUES => Ok(n),
        // Too many values, or more than fit in `usize`.
        _ => Err(format!(
            "a signature of {channels} channels at depth {depth} has more than the \
             {MAX_SIGNATURE_VALUES} values supported here; lower the depth"
        )),
    }
}

/// Values in a log-signature (Lyndon words of length ≤ `depth` over `channels` letters).
///
/// # Errors
/// As [`sig_length`] (the log-signature is computed through the signature), or a signature
/// length × depth over [`MAX_LOG_SIGNATURE_WORK`].
pub fn logsig_length(channels: usize, depth: usize) -> Result<usize> {
    let n = sig_length(channels, depth)?;
    if n.saturating_mul(depth) > MAX_LOG_SIGNATURE_WORK {
        return Err(format!(
            "a log-signature of {channels} channels at depth {depth} needs more memory than \
             supported here (signature length {n} × depth {depth} is over \
             {MAX_LOG_SIGNATURE_WORK}); lower the depth"
        ));
    }
    molsig_signature::logsig_len(channels, depth).map_err(|e| e.to_string())
}

/// `batch × per_item` output values, or an error naming `what`.
fn check_output(batch: usize, per_item: usize, what: &str) -> Result<()> {
    batch
        .checked_mul(per_item)
        .filter(|&n| n <= MAX_VALUES)
        .map(|_| ())
        .ok_or_else(|| {
            format!(
                "{batch} {what}s of {per_item} values are too large (at most {MAX_VALUES} values)"
            )
        })
}

/// Checks that `grad` holds `per_item` values for each of `batch` outputs.
fn check_grad(grad: &[f64], batch: usize, per_item: usize, what: &str) -> Result<()> {
    let expected = batch * per_item;
    if grad.len() == expected {
        Ok(())
    } else {
        Err(format!(
            "gradient has {} values, but batch {batch} × {what} length {per_item} needs {expected}",
            grad.len()
        ))
    }
}

/// What a call computes from the paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// Signatures: `[batch, sig_length(channels', depth)]`, levels 1..=depth, words in
    /// lexicographic order with channel 0 first (iisignature's layout).
    Signature,
    /// Log-signatures in the Lyndon basis: `[batch, logsig_length(channels', depth)]`, equal to
    /// `iisignature.logsig(path, iisignature.prepare(channels', depth))` (its default method).
    LogSignature,
    /// log S in tensor coordinates (the signature's layout), as iisignature's `logsig(…, "X")`.
    LogSignatureExpanded,
}

impl Output {
    /// The JavaScript name: `signature`, `logSignature` or `logSignatureExpanded`.
    ///
    /// # Errors
    /// An unknown name.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "signature" => Ok(Self::Signature),
            "logSignature" => Ok(Self::LogSignature),
            "logSignatureExpanded" => Ok(Self::LogSignatureExpanded),
            other => Err(format!(
                "unknown output {other:?}; expected signature, logSignature or logSignatureExpanded"
            )),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Signature => "signature",
            Self::LogSignature => "log-signature",
            Self::LogSignatureExpanded => "expanded log-signature",
        }
    }

    /// Values per path.
    fn len(self, channels: usize, depth: usize) -> Result<usize> {
        match self {
            Self::LogSignature => logsig_length(channels, depth),
            Self::Signature | Self::LogSignatureExpanded => sig_length(channels, depth),
        }
    }
}

/// A batch of paths as JavaScript gives them: row-major `[batch, length, channels]` values and
/// the augmentations applied, in order, before the signature.
#[derive(Clone, Copy, Debug)]
pub struct Batch<'a> {
    /// `batch × length × channels` values.
    pub data: &'a [f64],
    /// Number of paths.
    pub batch: usize,
    /// Points per path.
    pub length: usize,
    /// Dimensions of each point.
    pub channels: usize,
    /// Applied in order before the signature.
    pub augments: &'a [Augment],
}

/// `output` of every path of `paths` (after its augmentations) at `depth`: `[batch, len]`.
///
/// # Errors
/// A bad shape, a non-finite value, a bad depth, or an output too large.
pub fn forward(output: Output, paths: &Batch<'_>, depth: usize) -> Result<Vec<f64>> {
    let augmented = augmented(paths)?;
    let c = augmented.channels;
    check_output(paths.batch, output.len(c, depth)?, output.name())?;
    let augmented = augmented.paths()?;
    let values = match output {
        Output::Signature => Signature::new(c, depth).and_then(|s| s.forward(&augmented)),
        Output::LogSignature => LogSignature::new(c, depth).and_then(|s| s.forward(&augmented)),
        Output::LogSignatureExpanded => {
            LogSignature::new(c, depth).and_then(|s| s.expanded(&augmented))
        }
    };
    values.map_err(|e| e.to_string())
}

/// ∂⟨output, grad⟩/∂paths: `grad` is `[batch, len]` as [`forward`] gives; the result has the
/// paths' shape *before* augmentation (the augmentations' transposes are applied).
///
/// # Errors
/// As [`forward`], a gradient of the wrong length, or the expanded log-signature (which has no
/// backward here).
pub fn backward(output: Output, paths: &Batch<'_>, depth: usize, grad: &[f64]) -> Result<Vec<f64>> {
    let augmented = augmented(paths)?;
    let c = augmented.channels;
    check_grad(grad, paths.batch, output.len(c, depth)?, output.name())?;
    let augmented = augmented.paths()?;
    let mode = BackwardMode::Auto;
    let grad = match output {
        Output::Signature => {
            Signature::new(c, depth).and_then(|s| s.backward(&augmented, grad, mode))
        }
        Output::LogSignature => {
            LogSignature::new(c, depth).and_then(|s| s.backward(&augmented, grad, mode))
        }
        Output::LogSignatureExpanded => {
            return Err("the expanded log-signature has no backward here; use logSignature".into());
        }
    }
    .map_err(|e| e.to_string())?;
    let Batch {
        batch,
        length,
        channels,
        augments,
        ..
    } = *paths;
    Augment::backward_all(augments, &grad, batch, length, channels).map_err(|e| e.to_string())
}

/// The batch's paths after its augmentations, with their `(batch, length, channels)`.
struct Augmented<'a> {
    data: Cow<'a, [f64]>,
    batch: usize,
    length: usize,
    channels: usize,
}

impl Augmented<'_> {
    /// The checked paths, as the signature engine takes them.
    fn paths(&self) -> Result<Paths<'_, f64>> {
        Paths::new(&self.data, self.batch, self.length, self.channels).map_err(|e| e.to_string())
    }
}

/// `paths` checked and augmented.
fn augmented<'a>(paths: &Batch<'a>) -> Result<Augmented<'a>> {
    let Batch {
        data,
        batch,
        length,
        channels,
        augments,
    } = *paths;
    let (data, length, channels) = prepare(data, batch, length, channels, augments)?;
    Ok(Augmented {
        data,
        batch,
        length,
        channels,
    })
}

/// The Lyndon words of the log-signature's basis, letters 0-based, in output order (by length,
/// then lexicographic).
///
/// # Errors
/// As [`logsig_length`].
pub fn lyndon_words(channels: usize, depth: usize) -> Result<Vec<Vec<u16>>> {
    logsig_length(channels, depth)?;
    let basis = LogSignature::new(channels, depth).map_err(|e| e.to_string())?;
    Ok(basis.basis().words().to_vec())
}

/// iisignature's labels of the basis elements, letters 1-based: `1`, `[1,2]`, `[1,[1,2]]`, ….
///
/// # Errors
/// As [`logsig_length`].
pub fn lyndon_labels(channels: usize, depth: usize) -> Result<Vec<String>> {
    logsig_length(channels, depth)?;
    let basis = LogSignature::new(channels, depth).map_err(|e| e.to_string())?;
    Ok(basis.basis().labels())
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = std::result::Result<(), Error>;

    /// [`forward`] with the batch's fields as arguments.
    fn run(
        output: Output,
        data: &[f64],
        batch: usize,
        length: usize,
        channels: usize,
        depth: usize,
        augments: &[Augment],
    ) -> Result<Vec<f64>> {
        let paths = Batch {
            data,
            batch,
            length,
            channels,
            augments,
        };
        forward(output, &paths, depth)
    }

    /// [`backward`] with the batch's fields as arguments.
    #[allow(clippy::too_many_arguments)]
    fn gradient(
        output: Output,
        data: &[f64],
        batch: usize,
        length: usize,
        channels: usize,
        depth: usize,
        augments: &[Augment],
        grad: &[f64],
    ) -> Result<Vec<f64>> {
        let paths = Batch {
            data,
            batch,
            length,
            channels,
            augments,
        };
        backward(output, &paths, depth, grad)
    }

    /// A small deterministic path: `[length, channels]`.
    fn path(length: usize, channels: usize) -> Vec<f64> {
        (0..length * channels)
            .map(|i| ((i * 7 + 3) % 11) as f64 / 5.0 - 1.0)
            .collect()
    }

    #[test]
    fn bad_shapes_name_the_mismatch() {
        let err = run(Output::Signature, &[0.0; 30], 1, 10, 4, 2, &[]).err();
        assert_eq!(
            err.as_deref(),
            Some("path has 30 values, but length 10 × channels 4 needs 40")
        );
        let err = run(Output::Signature, &[0.0; 30], 2, 10, 4, 2, &[])
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("batch 2 × length 10 × channels 4 needs 80"),
            "{err}"
        );
        let err = run(Output::Signature, &[], 1, 0, 4, 2, &[])
            .err()
            .unwrap_or_default();
        assert!(err.contains("length 0"), "{err}");
        let err = run(Output::Signature, &path(3, 2), 1, 3, 2, 0, &[])
            .err()
            .unwrap_or_default();
        assert!(err.contains("depth 0"), "{err}");
        let err = run(Output::Signature, &[0.0, f64::NAN], 1, 1, 2, 2, &[])
            .err()
            .unwrap_or_default();
        assert!(err.contains("not finite"), "{err}");
        let err = sig_length(100, 10).err().unwrap_or_default();
        assert!(err.contains("lower the depth"), "{err}");
        let err = sig_length(1, 65).err().unwrap_or_default();
        assert!(err.contains("depth 65"), "{err}");
        assert_eq!(sig_length(2, 21), Ok(4_194_302));
        assert_eq!(logsig_length(2, 15), Ok(4720));
        let err = run(Output::LogSignature, &path(2, 2), 1, 2, 2, 16, &[])
            .err()
            .unwrap_or_default();
        assert!(err.contains("lower the depth"), "{err}");
        let err = lyndon_words(3, 11).err().unwrap_or_default();
        assert!(err.contains("lower the depth"), "{err}");
        let err = parse_augments(&["lead-lag"]).err().unwrap_or_default();
        assert!(err.contains("leadLag"), "{err}");
        let err = augment(&path(1, 2), 1, 1, 2, &[Augment::Increments])
            .err()
            .unwrap_or_default();
        assert!(err.contains("increments"), "{err}");
    }

    #[test]
    fn bad_gradients_name_the_mismatch() {
        let x = path(5, 3);
        let err = gradient(Output::Signature, &x, 1, 5, 3, 2, &[], &[0.0; 5])
            .err()
            .unwrap_or_default();
        assert!(err.contains("gradient has 5 values"), "{err}");
        assert!(err.contains("needs 12"), "{err}");
        let err = gradient(Output::LogSignature, &x, 1, 5, 3, 3, &[], &[0.0; 5])
            .err()
            .unwrap_or_default();
        assert!(err.contains("needs 14"), "{err}");
        let err = augment_backward(&[0.0; 3], 1, 5, 3, &[Augment::Time])
            .err()
            .unwrap_or_default();
        assert!(err.contains("need 20"), "{err}");
    }

    #[test]
    fn lengths_and_basis() -> TestResult {
        assert_eq!(sig_length(2, 3)?, 14);
        assert_eq!(logsig_length(2, 4)?, 8);
        assert_eq!(
            lyndon_words(2, 3)?,
            [vec![0], vec![1], vec![0, 1], vec![0, 0, 1], vec![0, 1, 1]]
        );
        assert_eq!(
            lyndon_labels(2, 3)?,
            ["1", "2", "[1,2]", "[1,[1,2]]", "[[1,2],2]"]
        );
        Ok(())
    }

    #[test]
    fn augmentations_change_the_shape_and_transpose() -> TestResult {
        let augments = parse_augments(&["basepoint", "time", "leadLag", "cumsum", "increments"])?;
        let (l, c) = augmented_shape(4, 2, &augments)?;
        assert_eq!((l, c), (8, 6));
        let x = path(8, 2); // batch 2 of [4, 2]
        let (y, l2, c2) = augment(&x, 2, 4, 2, &augments)?;
        assert_eq!((y.len(), l2, c2), (2 * 8 * 6, 8, 6));
        // ⟨A x, g⟩ = ⟨x, Aᵀ g⟩.
        let g: Vec<f64> = (0..y.len()).map(|i| (i % 5) as f64 - 2.0).collect();
        let back = augment_backward(&g, 2, 4, 2, &augments)?;
        // Time adds a constant channel, so compare the linear part: A(x) − A(0).
        let (y0, _, _) = augment(&[0.0; 16], 2, 4, 2, &augments)?;
        let lhs: f64 = y
            .iter()
            .zip(&y0)
            .zip(&g)
            .map(|((a, b), g)| (a - b) * g)
            .sum();
        let rhs: f64 = x.iter().zip(&back).map(|(a, b)| a * b).sum();
        assert!((lhs - rhs).abs() < 1e-12, "{lhs} vs {rhs}");
        Ok(())
    }

    #[test]
    fn level_one_is_the_increment_and_reversal_negates_it() -> TestResult {
        let x = path(6, 3);
        let sig = run(Output::Signature, &x, 1, 6, 3, 3, &[])?;
        let reversed: Vec<f64> = x.chunks_exact(3).rev().flatten().copied().collect();
        let rev = run(Output::Signature, &reversed, 1, 6, 3, 3, &[])?;
        for k in 0..3 {
            let increment = x[15 + k] - x[k];
            assert!((sig[k] - increment).abs() < 1e-12);
            assert!((rev[k] + increment).abs() < 1e-12);
        }
        Ok(())
    }

    #[test]
    fn gradients_match_finite_differences_through_augmentations() -> TestResult {
        let augments = [Augment::Basepoint, Augment::Time, Augment::LeadLag];
        let x = path(4, 2);
        let (_, c) = augmented_shape(4, 2, &augments)?;
        for log in [false, true] {
            let forward = |x: &[f64]| {
                if log {
                    run(Output::LogSignature, x, 1, 4, 2, 3, &augments)
                } else {
                    run(Output::Signature, x, 1, 4, 2, 3, &augments)
                }
            };
            let out = forward(&x)?;
            let w: Vec<f64> = (0..out.len()).map(|i| (i % 7) as f64 / 3.0 - 1.0).collect();
            assert_eq!(
                out.len(),
                if log {
                    logsig_length(c, 3)?
                } else {
                    sig_length(c, 3)?
                }
            );
            let grad = if log {
                gradient(Output::LogSignature, &x, 1, 4, 2, 3, &augments, &w)?
            } else {
                gradient(Output::Signature, &x, 1, 4, 2, 3, &augments, &w)?
            };
            let eps = 1e-6;
            for i in 0..x.len() {
                let (mut plus, mut minus) = (x.clone(), x.clone());
                plus[i] += eps;
                minus[i] -= eps;
                let dot = |v: &[f64]| v.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>();
                let fd = (dot(&forward(&plus)?) - dot(&forward(&minus)?)) / (2.0 * eps);
                assert!(
                    (grad[i] - fd).abs() < 1e-6 * fd.abs().max(1.0),
                    "log {log} [{i}]: {} vs {fd}",
                    grad[i]
                );
            }
        }
        Ok(())
    }

    #[test]
    fn one_point_paths_have_zero_outputs_and_gradients() -> TestResult {
        let x = [0.5, -1.0, 2.0];
        for depth in 1..=3 {
            let n = logsig_length(3, depth)?;
            assert!(
                run(Output::LogSignature, &x, 1, 1, 3, depth, &[])?
                    .iter()
                    .all(|&v| v == 0.0)
            );
            let grad = gradient(Output::LogSignature, &x, 1, 1, 3, depth, &[], &vec![1.0; n])?;
            assert_eq!(grad, [0.0; 3]);
            let n = sig_length(3, depth)?;
            assert!(
                run(Output::Signature, &x, 1, 1, 3, depth, &[])?
                    .iter()
                    .all(|&v| v == 0.0)
            );
            let grad = gradient(Output::Signature, &x, 1, 1, 3, depth, &[], &vec![1.0; n])?;
            assert_eq!(grad, [0.0; 3]);
        }
        Ok(())
    }

    #[test]
    fn expanded_log_signature_level_one_is_the_increment() -> TestResult {
        let x = path(5, 2);
        let expanded = run(Output::LogSignatureExpanded, &x, 1, 5, 2, 2, &[])?;
        let lyndon = run(Output::LogSignature, &x, 1, 5, 2, 2, &[])?;
        assert_eq!(expanded.len(), 6);
        // Level 2 of log S is antisymmetric, and its (0, 1) entry is the Lévy area.
        assert!((expanded[3] + expanded[4]).abs() < 1e-12);
        assert!((expanded[3] - lyndon[2]).abs() < 1e-12);
        assert!((expanded[0] - lyndon[0]).abs() < 1e-12);
        Ok(())
    }
}
