//! Errors of molsig-model.

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value outside what the operation supports.
    #[error("{0}")]
    Invalid(String),
    /// A file that cannot be read or used: the reader's error, with the file and its line, or
    /// frame and byte offset.
    #[error(transparent)]
    Io(#[from] molsig_io::Error),
    /// A file that cannot be opened (the message names it).
    #[error("{0}")]
    Input(String),
    /// Training produced a non-finite loss or parameter.
    #[error("{0}")]
    Diverged(String),
    /// The tensor backend failed to deliver a result (device lost, readback or conversion).
    #[error("compute backend failed: {0}")]
    Compute(String),
    /// The job was cancelled by the caller.
    #[error("cancelled")]
    Cancelled,
    /// A checkpoint that cannot be loaded here (version, shapes, corrupt bytes).
    #[error("checkpoint: {0}")]
    Checkpoint(String),
    /// A dataset manifest (CSV or JSON) that cannot be used, with the 1-based file line where
    /// known: e.g. "manifest.csv line 4: missing label (expected columns …)".
    #[error(
        "{source_name}{}: {message}",
        .line.map_or_else(String::new, |line| format!(" line {line}"))
    )]
    Manifest {
        /// The manifest's name as the user knows it (usually its file name).
        source_name: String,
        /// 1-based line in the file, counting comment and blank lines; `None` when the problem
        /// is not on one line (an empty file, or a JSON entry's value).
        line: Option<usize>,
        /// What is wrong, and what was expected.
        message: String,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
