//! Errors of the pipeline: the readers' and the model's errors pass through unchanged (file,
//! line or frame, byte offset), and the pipeline adds its own about files that do not fit.

/// What went wrong between the user's files and the answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read (file, line or frame, byte offset).
    #[error(transparent)]
    Io(#[from] molsig_io::Error),
    /// The model, training or a checkpoint failed.
    #[error(transparent)]
    Model(#[from] molsig_model::Error),
    /// Files or labels that do not fit the job (the message names the file and what to change).
    #[error("{0}")]
    Input(String),
    /// A job that would not fit in the memory budget (the message says what to change).
    #[error("{0}")]
    TooLarge(String),
    /// The topology's file name has an extension we do not read.
    #[error("{0}: unsupported topology format, expected a .pdb or .gro file")]
    UnsupportedTopology(String),
    /// The tensor backend failed (device lost, out of memory, readback failed).
    #[error("compute backend failed: {0}")]
    Compute(String),
}

impl Error {
    /// Training or prediction was cancelled by the caller.
    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        matches!(self, Self::Model(molsig_model::Error::Cancelled))
    }
}

/// `Result` with the pipeline's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
