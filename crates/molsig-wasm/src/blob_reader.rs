//! `Read + Seek` over a browser `Blob` (a dropped `File`), so a trajectory of any size streams
//! through molsig-io without being loaded whole. Uses `FileReaderSync`, which exists only in
//! workers: the worker owns the wasm module, the page never calls this.

use std::io::{self, Read, Seek, SeekFrom};

use web_sys::{Blob, FileReaderSync};

/// Smallest slice fetched per File API call: one call then serves many consecutive frames of a
/// typical system (≈100 KB each), both in the frame-index scan and while decoding. A frame larger
/// than this is fetched whole, in one call.
const MIN_FETCH: u64 = 4 << 20;

/// A seekable reader over a `Blob`, caching the last slice fetched.
pub struct BlobReader {
    blob: Blob,
    reader: FileReaderSync,
    len: u64,
    pos: u64,
    window_start: u64,
    window: Vec<u8>,
}

impl BlobReader {
    /// Wraps `blob`.
    ///
    /// # Errors
    /// When `FileReaderSync` is unavailable (called outside a worker).
    pub fn new(blob: Blob) -> io::Result<Self> {
        let reader = FileReaderSync::new().map_err(|e| {
            io::Error::other(format!(
                "FileReaderSync unavailable (not in a worker?): {e:?}"
            ))
        })?;
        let len = blob.size() as u64;
        Ok(Self {
            blob,
            reader,
            len,
            pos: 0,
            window_start: 0,
            window: Vec::new(),
        })
    }

    fn fill(&mut self, wanted: usize) -> io::Result<()> {
        let end = (self.pos + MIN_FETCH.max(wanted as u64)).min(self.len);
        let slice = self
            .blob
            .slice_with_f64_and_f64(self.pos as f64, end as f64)
            .map_err(|e| io::Error::other(format!("Blob.slice failed: {e:?}")))?;
        let buffer = self
            .reader
            .read_as_array_buffer(&slice)
            .map_err(|e| io::Error::other(format!("reading the file failed: {e:?}")))?;
        self.window = js_sys::Uint8Array::new(&buffer).to_vec();
        self.window_start = self.pos;
        Ok(())
    }
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let in_window = self.pos >= self.window_start
            && self.pos < self.window_start + self.window.len() as u64;
        if !in_window {
            self.fill(buf.len())?;
        }
        let offset = (self.pos - self.window_start) as usize;
        let available = &self.window[offset..];
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for BlobReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = target.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            )
        })?;
        Ok(self.pos)
    }
}
