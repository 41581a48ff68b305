//! molsig-model: Deep Signature (ICLR 2025) in burn, its baselines, datasets and training.
//!
//! Third stage of the flow (io → signature → **model** → pipeline → wasm/CLI). Everything here
//! is generic over the burn device the caller passes; nothing reads files from disk. What a user
//! runs end to end (plan, read, split, train, predict, explain) is molsig-pipeline's job.
#![warn(missing_docs)]
// Docs here are mathematics (x_i, A_ij), not code identifiers.
#![allow(clippy::doc_markdown)]

mod align;
pub mod baselines;
pub mod budget;
pub mod checkpoint;
pub mod coarse_grain;
pub mod config;
pub mod data;
pub mod deep_signature;
mod error;
pub mod graph;
pub mod interpret;
pub mod layers;
pub mod manifest;
pub mod metrics;
pub mod model;
mod readback;
pub mod split;
pub mod synthetic;
pub mod train;

pub use error::{Error, Result};
