//! Errors of the browser-facing pipeline; at the wasm boundary they become JS `Error`s.

/// Result alias for molsig-wasm.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can fail between the files a user dropped and the numbers the page shows.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or does not fit the others.
    #[error(transparent)]
    Io(#[from] molsig_io::Error),
    /// The topology's file name has an extension we do not read.
    #[error("{0}: unsupported topology format, expected a .pdb or .gro file")]
    UnsupportedTopology(String),
    /// The selection name is not one we know.
    #[error("{0}")]
    Selection(String),
    /// The tensor backend failed (device lost, out of memory, readback failed).
    #[error("compute backend failed: {0}")]
    Compute(String),
}
