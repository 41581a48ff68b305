//! molsig-signature: path signatures and log-signatures, exact and differentiable.
//!
//! The second stage of molsig's flow (io → **signature** → model → wasm → web). Deep Signature
//! describes a coarse-grained trajectory by the signature of its bead path (ICLR 2025, §2.6 of
//! `shared/design/deep-signature.md`): the iterated integrals of a piecewise-linear path in R^d up
//! to depth D, computed with Chen's identity, S(X) = exp(Δ₁) ⊗ exp(Δ₂) ⊗ … ⊗ exp(Δ_{L−1}).
//!
//! # Layout
//! A batch of paths is row-major `[batch, length, channels]`. A signature is levels 1..=D
//! concatenated (the level-0 term, always 1, is left out), each level's words in lexicographic order
//! with channel 0 first — the layout of iisignature, pySigLib and esig. Log-signatures use the
//! Lyndon basis in iisignature's order (Lyndon words by length, then lexicographically), so
//! [`LogSignature::forward`] equals `iisignature.logsig(path, prepare(d, D))` element for element.
//!
//! # Precision
//! Everything is generic over [`Scalar`] (f32, f64). Gradients are exact reverse-mode derivatives of
//! the forward computation, not finite differences.
#![warn(missing_docs)]
// Docs here are mathematics (X_t, S_{t+1}, R_n), not code identifiers.
#![allow(clippy::doc_markdown)]
// The hot path is force-inlined into its AVX2 copy on purpose (see `simd`).
#![allow(clippy::inline_always)]

mod augment;
mod error;
#[cfg(feature = "gpu")]
pub mod gpu;
mod lanes;
mod logsig;
mod lyndon;
mod parallel;
mod paths;
mod scalar;
mod signature;
mod simd;
mod tensor;

pub use augment::Augment;
pub use error::{Error, Result};
pub use logsig::LogSignature;
pub use lyndon::LyndonBasis;
pub use paths::Paths;
pub use scalar::Scalar;
pub use signature::{BackwardMode, Signature};
pub use tensor::{logsig_len, sig_len};
