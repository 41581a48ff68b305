//! One error type for every reader. Each variant names the source (file name as the caller gave it)
//! and where in it things went wrong: a line for text formats, a frame and byte offset for XTC (told
//! apart: bytes present but wrong are [`Error::Corrupt`], data that simply stops is
//! [`Error::Truncated`] or, after complete frames, a warning).

/// Result alias for molsig-io.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while reading molecular files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A line of a text format (PDB, GRO) could not be parsed.
    #[error("{source_name}:{line}: {message}")]
    Line {
        /// What was wrong and what was expected.
        message: String,
        /// 1-based line number.
        line: usize,
        /// File name as given by the caller.
        source_name: String,
    },
    /// A text file is malformed as a whole (empty, no atoms, inconsistent models).
    #[error("{source_name}: {message}")]
    File {
        /// What was wrong and what was expected.
        message: String,
        /// File name as given by the caller.
        source_name: String,
    },
    /// An XTC frame's bytes are present but wrong: a bad magic number, an impossible header, or
    /// compressed data that does not decode (out of its frame's stored bounds).
    #[error("{source_name}: corrupt frame {frame} at byte {offset}: {message}")]
    Corrupt {
        /// What was wrong and what was expected.
        message: String,
        /// 0-based frame index.
        frame: usize,
        /// Byte offset of the problem inside the file.
        offset: u64,
        /// File name as given by the caller.
        source_name: String,
    },
    /// An XTC file stops inside its first frame, so there is no complete frame to read. (A file
    /// that stops inside a later frame opens with a [`crate::xtc::Truncation`] warning instead.)
    #[error(
        "{source_name}: no complete frame: the data stops at byte {offset} inside frame {frame}: {message}"
    )]
    Truncated {
        /// What the incomplete frame still needed.
        message: String,
        /// 0-based index of the incomplete frame.
        frame: usize,
        /// Where the data stops (the file's length).
        offset: u64,
        /// File name as given by the caller.
        source_name: String,
    },
    /// Topology and trajectory disagree (atom count), or a selection does not fit the topology.
    #[error("{message}")]
    Mismatch {
        /// Both sides' numbers and names.
        message: String,
    },
    /// The underlying reader failed (disk, File API).
    #[error("{source_name}: read failed at byte {offset}: {error}")]
    Io {
        /// The I/O error.
        error: std::io::Error,
        /// Byte offset of the read.
        offset: u64,
        /// File name as given by the caller.
        source_name: String,
    },
}
