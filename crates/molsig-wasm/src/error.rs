//! Errors of the JavaScript session; at the wasm boundary they become JS `Error`s whose message
//! keeps the pipeline's context (file, line or frame, byte offset).

/// Result alias for molsig-wasm.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can fail in a session call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The pipeline's error, unchanged.
    #[error(transparent)]
    Pipeline(#[from] molsig_pipeline::Error),
    /// A step that needs an earlier one (a dataset before training, a model before predicting).
    #[error("{0}")]
    Missing(&'static str),
    /// A named file (a model) that could not be used.
    #[error("{name}: {source}")]
    File {
        /// The file's name as the user knows it.
        name: String,
        /// Why.
        source: molsig_pipeline::Error,
    },
    /// The model's error outside the pipeline (benchmarks).
    #[error(transparent)]
    Model(#[from] molsig_model::Error),
    /// The signature operation's error (benchmarks).
    #[error(transparent)]
    Signature(molsig_signature::Error),
    /// The tensor backend failed (device lost, readback failed).
    #[error("compute backend failed: {0}")]
    Compute(String),
    /// A value from JavaScript that is not what the API takes.
    #[error("{0}")]
    Argument(String),
}
