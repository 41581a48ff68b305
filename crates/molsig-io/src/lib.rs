//! molsig-io: molecular-dynamics files in, clean frames out.
//!
//! The first stage of molsig's one-way flow (io → signature → model → wasm → web). It reads
//! topologies (PDB, GRO) and trajectories (multi-model PDB, XTC) from bytes or any `Read + Seek`,
//! builds the bond graph, applies atom selections, and cuts trajectories into fixed-length samples.
//! Units are nm and ps throughout; Å appears only at the viewer.
//!
//! Nothing here panics on bad input: every reader returns an [`Error`] naming the file and the
//! line, or the frame and byte offset, and no allocation is sized by an unchecked header value.
#![warn(missing_docs)]

pub mod bonds;
pub mod element;
mod error;
mod frame;
pub mod gro;
mod hybrid36;
pub mod pdb;
pub mod samples;
pub mod selection;
mod templates;
mod topology;
pub mod write;
pub mod xtc;

pub use error::{Error, Result};
pub use frame::Frame;
pub use topology::{Atom, BoxVectors, Residue, Topology};
