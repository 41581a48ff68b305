//! molsig-model: Deep Signature (ICLR 2025) in burn, its baselines, datasets and training.
//!
//! Work in progress (issue 4). So far: [`synthetic`], the seeded generator of the paper's first
//! benchmark (gene-regulatory dynamics on random graphs, degradation vs dimerisation).
#![warn(missing_docs)]
// Docs here are mathematics (x_i, A_ij), not code identifiers.
#![allow(clippy::doc_markdown)]

mod align;
pub mod checkpoint;
pub mod config;
pub mod data;
pub mod deep_signature;
mod error;
pub mod graph;
pub mod interpret;
pub mod manifest;
pub mod metrics;
pub mod model;
mod rng;
pub mod split;
pub mod synthetic;
pub mod train;

pub use error::{Error, Result};
