//! molsig-pipeline: what a user runs, written once for every front end (the CLI, the wasm
//! session, the tests).
//!
//! Fourth stage of the flow (io → signature → model → **pipeline** → wasm/CLI → web). Nothing
//! here knows about disks, pages or terminals: files arrive as bytes or `Read + Seek` streams,
//! devices are chosen by the caller, and results are plain serialisable types whose TypeScript
//! declarations are generated from these definitions (ts-rs).
//!
//! The steps, in order: [`inspect`] a topology; [`plan::plan`] a job from file headers and check
//! its memory; [`dataset::load`] the labelled trajectories with the class order fixed once;
//! [`train::splits`] and [`train::train`] (events, cancel, held-out metrics, the model file's
//! record of the run); [`predict::predict`] against the model's own classes; and
//! [`explain::explain`] one trajectory for the viewer; [`transform::transform`] one trajectory
//! moved, rotated, relabelled or re-timed, for the classroom demos.
#![warn(missing_docs)]

pub mod compare;
pub mod dataset;
mod error;
pub mod explain;
pub mod gyration;
pub mod inspect;
pub mod plan;
pub mod predict;
pub mod train;
pub mod transform;

pub use error::{Error, Result};
