//! Errors: every one says which argument is wrong and what was expected.

/// What went wrong; nothing in this crate panics on bad input.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// A buffer's length does not match the shape it was given with.
    #[error("{what}: expected {expected} values, got {got}")]
    Length {
        /// Which buffer.
        what: &'static str,
        /// Length implied by the shape.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// A shape or parameter is outside what the operation supports.
    #[error("{0}")]
    Invalid(String),
    /// The output would not fit in memory (or in `usize`).
    #[error("{what} too large: {detail}")]
    TooLarge {
        /// Which quantity.
        what: &'static str,
        /// The sizes involved.
        detail: String,
    },
    /// A path holds NaN or infinity.
    #[error("path {batch}, point {point}, channel {channel}: value {value} is not finite")]
    NotFinite {
        /// Index in the batch.
        batch: usize,
        /// Point along the path.
        point: usize,
        /// Channel.
        channel: usize,
        /// The value, widened to f64.
        value: f64,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
