//! molsig-model: Deep Signature (ICLR 2025) in burn, its baselines, datasets and training.
//!
//! Work in progress (issue 4). So far: [`synthetic`], the seeded generator of the paper's first
//! benchmark (gene-regulatory dynamics on random graphs, degradation vs dimerisation).
#![warn(missing_docs)]
// Docs here are mathematics (x_i, A_ij), not code identifiers.
#![allow(clippy::doc_markdown)]

mod error;
pub mod synthetic;

pub use error::{Error, Result};
