//! molsig-wasm: the only crate that knows about JavaScript.
//!
//! Fifth stage of the flow (io → signature → model → pipeline → **wasm** → web). [`session`] is
//! one page's engine over molsig-pipeline, in plain Rust and tested natively; `api` (wasm only)
//! exposes it as the `Session` class, converting JS values with serde and typing them with the
//! TypeScript declarations generated from the Rust types ([`typescript`]). Files stream from the
//! File API (`blob_reader`); the device is WebGPU when the browser offers an adapter and burn's
//! CPU backend otherwise ([`backend`]). [`bench`] backs the benchmark page, outside the session.
//! `fatal` (wasm only) tells the worker when the instance is poisoned (a recorded panic) and
//! holds the recovery tests' real traps.
#![warn(missing_docs)]

pub mod backend;
pub mod bench;
pub mod error;
pub mod session;
pub mod typescript;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
pub mod blob_reader;
#[cfg(target_arch = "wasm32")]
mod fatal;
