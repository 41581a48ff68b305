//! molsig-wasm: the only crate that knows about JavaScript.
//!
//! Last Rust stage of the flow (io → signature → model → **wasm** → web). The pipeline itself
//! ([`inspect`], [`session`], [`gyration`], [`backend`]) is plain Rust and tested natively; `api` and
//! `blob_reader` wrap it for a Web Worker: files stream from the File API, the device is WebGPU
//! when the browser offers an adapter and burn's CPU backend otherwise.
#![warn(missing_docs)]

pub mod backend;
pub mod bench;
pub mod error;
pub mod gyration;
pub mod inspect;
pub mod session;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
pub mod blob_reader;
