//! GROMACS XTC trajectories: an indexed, bounds-checked reader.
//!
//! [`XtcReader::open`] scans the file once, reading only the fixed-size part of each frame and
//! seeking over the compressed coordinates, and builds an index of [`FrameInfo`]s. Every header
//! value is checked on the way (magic, atom counts, precision, byte counts against the atom count),
//! so trailing garbage or a corrupt header anywhere fails at `open` as "corrupt frame N at byte B".
//! A file that simply stops inside a frame (a run still writing, or killed by the queue) is the
//! common case, not an error: it opens with its complete frames and a [`Truncation`] warning
//! naming the last good frame and the byte where the data stops. [`XtcReader::read_frame`] then
//! decodes any frame by index, all atoms or a sorted subset, into a caller-owned [`Frame`], and
//! holds the decoded integers against the bounds the frame stores; a subset stops decompressing
//! after its last atom, so a selection near the start of the atom list is much cheaper than a full
//! frame.
//!
//! Both the classic format (magic 1995) and the 2023 variant with a 64-bit compressed byte count are
//! read. Frames of up to nine atoms hold plain floats; larger ones use xdrfile's `xtc3dfcoord`
//! compression, decoded here by an independent implementation that never panics on malformed input.
//!
//! ```
//! use std::io::Cursor;
//! use molsig_io::{Frame, xtc::XtcReader};
//!
//! # fn demo(bytes: &[u8]) -> molsig_io::Result<()> {
//! let mut xtc = XtcReader::open(Cursor::new(bytes), "traj.xtc")?;
//! let mut frame = Frame::default();
//! for i in 0..xtc.num_frames() {
//!     xtc.read_frame(i, Some(&[0, 1, 2]), &mut frame)?;
//!     println!("t = {} ps, first atom at {:?} nm", frame.time, frame.position(0));
//! }
//! # Ok(())
//! # }
//! ```

mod decode;
mod header;

use std::io::{Read, Seek, SeekFrom};

use crate::{Error, Frame, Result};
use decode::{Extent, Params, Sink, decompress};
use header::{HEADER_LEN, HeadFault, MAX_PRELUDE_LEN, bound_offset, parse_header, parse_prelude};

/// Where one frame lives and what its header says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameInfo {
    /// Byte offset of the frame's header in the file.
    pub offset: u64,
    /// Atom count of the frame (the same for every frame of a valid file).
    pub natoms: usize,
    /// Integration step (stored as a 32-bit signed integer in the file).
    pub step: i64,
    /// Simulation time in ps.
    pub time: f32,
    /// Magic number: 1995 (classic) or 2023 (64-bit compressed byte count).
    pub magic: i32,
}

/// A trajectory whose data stops inside a frame, after `last_good_frame + 1` complete ones: a run
/// still writing, or one killed by the queue. The reader keeps the complete frames; this says
/// what was left out, for the caller to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truncation {
    /// Index of the last complete frame; frames `0..=last_good_frame` are read.
    pub last_good_frame: usize,
    /// Byte offset where the incomplete frame starts (the end of the last complete frame).
    pub incomplete_frame_at: u64,
    /// Byte where the data stops: the file's length.
    pub data_ends_at: u64,
    /// What the incomplete frame still needed (`the frame header needs 56 bytes but only 20
    /// remain`).
    pub missing: String,
    /// File name as given to [`XtcReader::open`].
    pub source_name: String,
}

impl std::fmt::Display for Truncation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: truncated: the data stops at byte {} inside frame {} (which starts at byte {}: \
             {}); read the {} complete frames, 0 to {}",
            self.source_name,
            self.data_ends_at,
            self.last_good_frame + 1,
            self.incomplete_frame_at,
            self.missing,
            self.last_good_frame + 1,
            self.last_good_frame,
        )
    }
}

/// Checks the fixed-size parts of the frame at the start of `head` (all of it, or the first
/// [`HEADER_LEN`] + [`MAX_PRELUDE_LEN`] bytes) against the `remaining` bytes of the file, and
/// returns its header and byte length. A fault is `incomplete` when the file ends inside the
/// frame with every byte present valid.
fn scan_frame(
    head: &[u8],
    remaining: u64,
    expect_natoms: Option<usize>,
) -> std::result::Result<(header::Header, u64), HeadFault> {
    let header = parse_header(head, expect_natoms)?;
    let (payload_at, payload_len) = if header.is_raw() {
        (HEADER_LEN as u64, header.natoms as u64 * 12)
    } else {
        let prelude = parse_prelude(&header, head.get(HEADER_LEN..).unwrap_or_default())?;
        (
            (HEADER_LEN + header.prelude_len()) as u64,
            prelude.padded_len(),
        )
    };
    let available = remaining.saturating_sub(payload_at);
    if payload_len > available {
        return Err(HeadFault {
            message: format!(
                "the frame needs {payload_len} bytes of coordinates but only {available} remain"
            ),
            at: remaining,
            incomplete: true,
        });
    }
    Ok((header, payload_at + payload_len))
}

/// Reader of an XTC trajectory with a frame index, for random access to frames and atom subsets.
///
/// Works on any `Read + Seek`: a file, or `std::io::Cursor<&[u8]>` for bytes already in memory
/// (tests, wasm). The XTC data must start at byte 0 of the reader.
pub struct XtcReader<R: Read + Seek> {
    reader: R,
    source_name: String,
    natoms: usize,
    frames: Vec<FrameInfo>,
    /// Byte length of each frame (header, prelude, compressed bytes, padding).
    lengths: Vec<u64>,
    /// Set when the data stops inside the frame after the last indexed one.
    truncation: Option<Truncation>,
    /// Bytes of the frame being decoded; capacity bounded by the largest validated frame length.
    scratch: Vec<u8>,
}

impl<R: Read + Seek> std::fmt::Debug for XtcReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XtcReader")
            .field("source_name", &self.source_name)
            .field("natoms", &self.natoms)
            .field("frames", &self.frames.len())
            .finish_non_exhaustive()
    }
}

impl<R: Read + Seek> XtcReader<R> {
    /// Scans the whole trajectory once (headers only, payloads are skipped by seeking) and builds
    /// the frame index. `source_name` names the file in errors.
    ///
    /// A file whose data stops inside a frame after at least one complete frame (a run still
    /// writing, or one killed by the queue) opens with its complete frames and a [`Truncation`]
    /// warning, available from [`Self::truncation`]. The distinction is principled: when every byte
    /// present is a valid start of the next frame and the file simply ends, the frame is
    /// truncated; when a byte present is wrong, the frame is corrupt, wherever it is.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] (with frame index and byte offset) for a bad magic number, an atom count
    /// that is not positive or differs between the two header copies or between frames, an invalid
    /// precision or compression prelude, or a byte count no frame of that many atoms can have.
    /// [`Error::Truncated`] when the data stops inside frame 0 (no complete frame),
    /// [`Error::File`] for an empty file, [`Error::Io`] when the reader fails.
    pub fn open(mut reader: R, source_name: impl Into<String>) -> Result<Self> {
        let source_name = source_name.into();
        let io = |error, offset| Error::Io {
            error,
            offset,
            source_name: source_name.clone(),
        };
        let file_len = reader.seek(SeekFrom::End(0)).map_err(|e| io(e, 0))?;
        if file_len == 0 {
            return Err(Error::File {
                message: "empty file: no XTC frames".to_owned(),
                source_name,
            });
        }
        let mut frames: Vec<FrameInfo> = Vec::new();
        let mut lengths = Vec::new();
        let mut truncation = None;
        let mut buf = [0u8; HEADER_LEN + MAX_PRELUDE_LEN];
        let mut offset = 0u64;
        while offset < file_len {
            let index = frames.len();
            let remaining = file_len - offset;
            let want = buf
                .len()
                .min(usize::try_from(remaining).unwrap_or(usize::MAX));
            let head = &mut buf[..want];
            reader
                .seek(SeekFrom::Start(offset))
                .and_then(|_| reader.read_exact(head))
                .map_err(|e| io(e, offset))?;
            let expect_natoms = frames.first().map(|f| f.natoms);
            match scan_frame(&buf[..want], remaining, expect_natoms) {
                Ok((header, length)) => {
                    frames.push(FrameInfo {
                        offset,
                        natoms: header.natoms,
                        step: header.step,
                        time: header.time,
                        magic: header.magic,
                    });
                    lengths.push(length);
                    offset += length;
                }
                Err(fault) if fault.incomplete => {
                    let Some(last_good_frame) = index.checked_sub(1) else {
                        return Err(Error::Truncated {
                            message: fault.message,
                            frame: index,
                            offset: file_len,
                            source_name,
                        });
                    };
                    truncation = Some(Truncation {
                        last_good_frame,
                        incomplete_frame_at: offset,
                        data_ends_at: file_len,
                        missing: fault.message,
                        source_name: source_name.clone(),
                    });
                    break;
                }
                Err(fault) => {
                    let message = if index > 0 && fault.at == 0 {
                        format!(
                            "{}; {remaining} bytes from here to the end of the file",
                            fault.message
                        )
                    } else {
                        fault.message
                    };
                    return Err(Error::Corrupt {
                        message,
                        frame: index,
                        offset: offset + fault.at,
                        source_name,
                    });
                }
            }
        }
        let natoms = frames.first().map_or(0, |f| f.natoms);
        Ok(Self {
            reader,
            source_name,
            natoms,
            frames,
            lengths,
            truncation,
            scratch: Vec::new(),
        })
    }

    /// The warning for a file that stops inside a frame after complete ones: `None` when the
    /// file ends exactly after its last frame.
    #[must_use]
    pub fn truncation(&self) -> Option<&Truncation> {
        self.truncation.as_ref()
    }

    /// Atoms per frame.
    #[must_use]
    pub fn num_atoms(&self) -> usize {
        self.natoms
    }

    /// Frames in the trajectory.
    #[must_use]
    pub fn num_frames(&self) -> usize {
        self.frames.len()
    }

    /// The frame index built by [`Self::open`].
    #[must_use]
    pub fn frames(&self) -> &[FrameInfo] {
        &self.frames
    }

    /// The name given to [`Self::open`].
    #[must_use]
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// Gives the underlying reader back.
    pub fn into_inner(self) -> R {
        self.reader
    }

    /// Decodes frame `index` into `out`, keeping only the atoms listed in `atoms` (strictly
    /// increasing indices; `None` keeps all). `out` is refilled in place: its coordinates hold the
    /// selected atoms in order (nm), and `time`, `step`, `box_vectors` (rows; `None` when the file
    /// stores an all-zero box) and `precision` (`None` for frames of up to nine atoms, which are
    /// stored uncompressed) are set. Decompression stops after the last selected atom.
    ///
    /// On error `out` holds no coordinates.
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] for an out-of-range frame index or an atom list that is not strictly
    /// increasing or names an atom past the end; [`Error::Corrupt`] when the frame's data is corrupt
    /// (including decoded coordinates outside the bounds the frame stores);
    /// [`Error::Io`] when the reader fails.
    pub fn read_frame(
        &mut self,
        index: usize,
        atoms: Option<&[usize]>,
        out: &mut Frame,
    ) -> Result<()> {
        let result = self.read_frame_inner(index, atoms, out);
        if result.is_err() {
            out.clear_with_capacity(0);
        }
        result
    }

    fn read_frame_inner(
        &mut self,
        index: usize,
        atoms: Option<&[usize]>,
        out: &mut Frame,
    ) -> Result<()> {
        let (Some(info), Some(&length)) = (self.frames.get(index), self.lengths.get(index)) else {
            return Err(Error::Mismatch {
                message: format!(
                    "frame {index} requested but {} has {} frames",
                    self.source_name,
                    self.frames.len()
                ),
            });
        };
        let info = *info;
        if let Some(sel) = atoms {
            check_selection(sel, self.natoms, &self.source_name)?;
        }
        let bad = |offset: u64, message: String| Error::Corrupt {
            message,
            frame: index,
            offset: info.offset + offset,
            source_name: self.source_name.clone(),
        };
        let len = usize::try_from(length)
            .map_err(|_| bad(0, format!("frame of {length} bytes does not fit in memory")))?;
        // Every byte is overwritten by the read; resizing only zero-fills growth beyond the last frame.
        self.scratch
            .reserve_exact(len.saturating_sub(self.scratch.len()));
        self.scratch.resize(len, 0);
        self.reader
            .seek(SeekFrom::Start(info.offset))
            .and_then(|_| self.reader.read_exact(&mut self.scratch))
            .map_err(|error| Error::Io {
                error,
                offset: info.offset,
                source_name: self.source_name.clone(),
            })?;
        let bytes = self.scratch.as_slice();
        let header = parse_header(bytes, None).map_err(|f| bad(f.at, f.message))?;
        if header.natoms != info.natoms {
            return Err(bad(
                4,
                format!(
                    "frame now has {} atoms but had {} when the file was opened",
                    header.natoms, info.natoms
                ),
            ));
        }
        out.time = header.time;
        out.step = header.step;
        out.box_vectors = (header.box_rows != [[0.0; 3]; 3]).then_some(header.box_rows);
        decode_coordinates(bytes, &header, atoms, out).map_err(|(at, message)| bad(at, message))
    }
}

/// Decodes the coordinates of the frame in `bytes` (header already parsed) into `out`: the selected
/// atoms, or all. Errors carry the offset inside the frame.
fn decode_coordinates(
    bytes: &[u8],
    header: &header::Header,
    atoms: Option<&[usize]>,
    out: &mut Frame,
) -> std::result::Result<(), (u64, String)> {
    let natoms = header.natoms;
    let wanted = atoms.map_or(natoms, <[usize]>::len);
    let stop = match atoms {
        Some(sel) => sel.last().map_or(0, |&last| last + 1),
        None => natoms,
    };
    let rest = bytes.get(HEADER_LEN..).unwrap_or_default();
    let truncated = |at: usize, need: u64| {
        (
            at as u64,
            format!("truncated: frame needs {need} bytes of coordinates"),
        )
    };
    if header.is_raw() {
        out.precision = None;
        out.clear_with_capacity(wanted);
        let floats = rest
            .get(..natoms * 12)
            .ok_or_else(|| truncated(HEADER_LEN, natoms as u64 * 12))?;
        let mut sink = RawSink::new(out, atoms);
        for (i, xyz) in floats.chunks_exact(12).take(stop).enumerate() {
            let f = |k: usize| {
                xyz.get(4 * k..)
                    .and_then(<[u8]>::first_chunk::<4>)
                    .map_or(f32::NAN, |b| f32::from_be_bytes(*b))
            };
            sink.put(i, [f(0), f(1), f(2)]);
        }
        return Ok(());
    }
    let prelude = parse_prelude(header, rest).map_err(|f| (f.at, f.message))?;
    out.precision = Some(prelude.precision);
    let data_at = HEADER_LEN + header.prelude_len();
    let data = usize::try_from(prelude.nbytes)
        .ok()
        .and_then(|n| bytes.get(data_at..data_at.checked_add(n)?))
        .ok_or_else(|| truncated(data_at, prelude.nbytes))?;
    // Reserve what the data can plausibly hold; a frame that compresses better grows as it decodes.
    out.clear_with_capacity(wanted.min(data.len().saturating_add(16)));
    let batch = Batch::new(1.0 / prelude.precision);
    let extent = match atoms {
        None => decompress(
            &prelude.params,
            data,
            natoms,
            stop,
            &mut AllSink { out, batch },
        ),
        Some(sel) => decompress(
            &prelude.params,
            data,
            natoms,
            stop,
            &mut SubsetSink {
                out,
                batch,
                sel,
                next: 0,
            },
        ),
    }
    .map_err(|f| (data_at as u64 + f.at, f.message))?;
    check_extent(&prelude.params, &extent, stop == natoms)
}

/// Holds the decoded values' extent against the frame's stored `minint`/`maxint`: inside them
/// always, and reaching them when the whole frame was decoded (writers store the exact extremes).
/// Errors name the stored bound that disagrees, at its offset in the frame.
fn check_extent(
    params: &Params,
    extent: &Extent,
    whole: bool,
) -> std::result::Result<(), (u64, String)> {
    const AXES: [char; 3] = ['x', 'y', 'z'];
    for (k, axis) in AXES.into_iter().enumerate() {
        let (lo, hi) = (extent.lo[k], extent.hi[k]);
        if lo > hi {
            return Ok(()); // Nothing decoded.
        }
        let (min, max) = (params.minint[k], params.maxint[k]);
        let problem = if lo < min || (whole && lo > min) {
            Some(false)
        } else if hi > max || (whole && hi < max) {
            Some(true)
        } else {
            None
        };
        if let Some(is_max) = problem {
            return Err((
                bound_offset(k, is_max),
                format!(
                    "decoded {axis} spans [{lo}, {hi}] but the frame stores {axis} bounds [{min}, {max}] \
                     (integers in units of 1/precision nm){}",
                    if whole {
                        ", which must be the exact extremes"
                    } else {
                        ""
                    }
                ),
            ));
        }
    }
    Ok(())
}

/// Checks that `sel` is strictly increasing and inside `0..natoms`.
fn check_selection(sel: &[usize], natoms: usize, source_name: &str) -> Result<()> {
    if let Some(w) = sel.windows(2).position(|w| w[0] >= w[1]) {
        return Err(Error::Mismatch {
            message: format!(
                "atom selection must be strictly increasing, but entry {} ({}) follows {}",
                w + 1,
                sel[w + 1],
                sel[w]
            ),
        });
    }
    if let Some(&last) = sel.last()
        && last >= natoms
    {
        return Err(Error::Mismatch {
            message: format!(
                "atom selection names atom {last} but {source_name} has {natoms} atoms"
            ),
        });
    }
    Ok(())
}

/// Atoms per batch of integer coordinates converted to nm in one go.
const BATCH: usize = 64;

/// A small stack buffer of decoded integer coordinates: the hot loop writes into fixed arrays and
/// the conversion and `Vec` appends happen once per [`BATCH`] atoms (vectorisable).
struct Batch {
    x: [i32; BATCH],
    y: [i32; BATCH],
    z: [i32; BATCH],
    n: usize,
    inv: f32,
}

impl Batch {
    fn new(inv: f32) -> Self {
        Self {
            x: [0; BATCH],
            y: [0; BATCH],
            z: [0; BATCH],
            n: 0,
            inv,
        }
    }

    // Measured: forcing the inlining of this hot-loop helper is worth 10-20% per frame.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn push(&mut self, out: &mut Frame, c: [i32; 3]) {
        let i = self.n % BATCH;
        self.x[i] = c[0];
        self.y[i] = c[1];
        self.z[i] = c[2];
        self.n = i + 1;
        if self.n == BATCH {
            self.flush(out);
        }
    }

    #[inline(never)]
    fn flush(&mut self, out: &mut Frame) {
        let n = self.n.min(BATCH);
        let inv = self.inv;
        for (dst, src) in [
            (&mut out.x, &self.x),
            (&mut out.y, &self.y),
            (&mut out.z, &self.z),
        ] {
            dst.extend(src[..n].iter().map(|&v| v as f32 * inv));
        }
        self.n = 0;
    }
}

/// Keeps every atom.
struct AllSink<'a> {
    out: &'a mut Frame,
    batch: Batch,
}

impl Sink for AllSink<'_> {
    // Measured: forcing the inlining of this hot-loop helper is worth 10-20% per frame.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn put(&mut self, _atom: usize, c: [i32; 3]) {
        self.batch.push(self.out, c);
    }

    fn finish(&mut self) {
        self.batch.flush(self.out);
    }
}

/// Keeps the atoms listed in a strictly increasing selection.
struct SubsetSink<'a> {
    out: &'a mut Frame,
    batch: Batch,
    sel: &'a [usize],
    next: usize,
}

impl Sink for SubsetSink<'_> {
    // Measured: forcing the inlining of this hot-loop helper is worth 10-20% per frame.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn put(&mut self, atom: usize, c: [i32; 3]) {
        if self.sel.get(self.next) == Some(&atom) {
            self.next += 1;
            self.batch.push(self.out, c);
        }
    }

    fn finish(&mut self) {
        self.batch.flush(self.out);
    }
}

/// Keeps the selected atoms of an uncompressed frame.
struct RawSink<'a> {
    out: &'a mut Frame,
    sel: Option<&'a [usize]>,
    next: usize,
}

impl<'a> RawSink<'a> {
    fn new(out: &'a mut Frame, sel: Option<&'a [usize]>) -> Self {
        Self { out, sel, next: 0 }
    }

    fn put(&mut self, atom: usize, p: [f32; 3]) {
        match self.sel {
            None => self.out.push(p),
            Some(sel) if sel.get(self.next) == Some(&atom) => {
                self.next += 1;
                self.out.push(p);
            }
            Some(_) => {}
        }
    }
}
