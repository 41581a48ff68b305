//! The fixed-size parts of an XTC frame: the 56-byte frame header and, for compressed frames, the
//! compression prelude in front of the compressed bytes. All XDR values are big-endian.
//!
//! ```text
//! header   i32 magic (1995 or 2023) | i32 natoms | i32 step | f32 time | 9 x f32 box (rows, nm)
//!          | i32 natoms again
//! <= 9 atoms:  3 * natoms x f32 (x, y, z per atom, nm)
//! otherwise:   f32 precision | 3 x i32 minint | 3 x i32 maxint | i32 smallidx
//!              | byte count (u32 for magic 1995, u64 for magic 2023)
//!              | compressed bytes, zero-padded to a multiple of 4
//! ```

use super::decode::Params;

/// Magic number of classic XTC frames.
pub(crate) const MAGIC_1995: i32 = 1995;
/// Magic number of XTC frames with a 64-bit compressed byte count (GROMACS 2023+, large systems).
pub(crate) const MAGIC_2023: i32 = 2023;
/// Bytes in the frame header, up to and including the repeated atom count.
pub(crate) const HEADER_LEN: usize = 56;
/// Frames with at most this many atoms store plain floats instead of compressed integers.
pub(crate) const MAX_RAW_ATOMS: usize = 9;
/// Bytes of compression prelude read ahead while scanning (the larger, 2023 variant).
pub(crate) const MAX_PRELUDE_LEN: usize = 40;

/// A problem in the fixed-size parts, at a byte offset relative to the start of the frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeadFault {
    /// What was wrong.
    pub(crate) message: String,
    /// Offset from the start of the frame.
    pub(crate) at: u64,
    /// True when the bytes simply ran out and every byte that is present is valid: the frame is
    /// truncated, not corrupt.
    pub(crate) incomplete: bool,
}

/// Bytes that are present but wrong.
fn fault(at: usize, message: String) -> HeadFault {
    HeadFault {
        message,
        at: at as u64,
        incomplete: false,
    }
}

/// The bytes end (at `have`) before the `need` bytes of `what`.
fn short(have: usize, need: usize, what: &str) -> HeadFault {
    HeadFault {
        message: format!("the frame {what} needs {need} bytes but only {have} remain"),
        at: have as u64,
        incomplete: true,
    }
}

/// Most compressed bytes `natoms` atoms can take: every atom costs at most 102 bits (a "large"
/// atom of three 32-bit integers plus a run flag and a 5-bit run code; a "small" one at most 72).
/// A byte count above this is a corrupt count, not a long frame.
pub(crate) fn max_compressed_len(natoms: usize) -> u64 {
    (natoms as u64).saturating_mul(102).div_ceil(8)
}

fn be4(bytes: &[u8], at: usize) -> Option<[u8; 4]> {
    bytes.get(at..)?.first_chunk::<4>().copied()
}

fn be_i32(bytes: &[u8], at: usize) -> Option<i32> {
    be4(bytes, at).map(i32::from_be_bytes)
}

fn be_f32(bytes: &[u8], at: usize) -> Option<f32> {
    be4(bytes, at).map(f32::from_be_bytes)
}

fn be_u64(bytes: &[u8], at: usize) -> Option<u64> {
    bytes
        .get(at..)?
        .first_chunk::<8>()
        .copied()
        .map(u64::from_be_bytes)
}

/// The frame header.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    /// 1995 or 2023.
    pub(crate) magic: i32,
    /// Atom count (> 0, both copies equal).
    pub(crate) natoms: usize,
    /// Integration step.
    pub(crate) step: i64,
    /// Time in ps.
    pub(crate) time: f32,
    /// Box vectors as rows, nm.
    pub(crate) box_rows: [[f32; 3]; 3],
}

impl Header {
    /// True when the coordinates are plain floats rather than compressed.
    pub(crate) fn is_raw(&self) -> bool {
        self.natoms <= MAX_RAW_ATOMS
    }

    /// Length of the compression prelude for this frame's magic.
    pub(crate) fn prelude_len(&self) -> usize {
        if self.magic == MAGIC_2023 { 40 } else { 36 }
    }
}

/// Describes a magic number that is neither 1995 nor 2023.
pub(crate) fn bad_magic_message(magic: i32) -> String {
    format!("bad magic {magic:#010x}, expected 1995 or 2023 (is this an XTC file?)")
}

/// Parses and checks the header at the start of `bytes`. Every field that is present is checked
/// (the magic number even when only part of it is there), so a fault marked `incomplete` means the
/// bytes are a valid start of a header that stops early. `expect_natoms` is frame 0's atom count
/// for the frames after it.
pub(crate) fn parse_header(
    bytes: &[u8],
    expect_natoms: Option<usize>,
) -> Result<Header, HeadFault> {
    let Some(magic) = be_i32(bytes, 0) else {
        let starts_a_magic = [MAGIC_1995, MAGIC_2023]
            .iter()
            .any(|m| m.to_be_bytes().starts_with(bytes));
        return Err(if starts_a_magic {
            short(bytes.len(), HEADER_LEN, "header")
        } else {
            fault(
                0,
                format!(
                    "bad magic: the bytes {bytes:02x?} cannot start 1995 or 2023 (is this an XTC file?)"
                ),
            )
        });
    };
    if magic != MAGIC_1995 && magic != MAGIC_2023 {
        return Err(fault(0, bad_magic_message(magic)));
    }
    if let Some(natoms) = be_i32(bytes, 4) {
        if natoms <= 0 {
            return Err(fault(
                4,
                format!("invalid atom count {natoms}, must be positive"),
            ));
        }
        if let Some(first) = expect_natoms
            && first != natoms as usize
        {
            return Err(fault(
                4,
                format!("frame has {natoms} atoms but frame 0 has {first}"),
            ));
        }
    }
    if bytes.len() < HEADER_LEN {
        return Err(short(bytes.len(), HEADER_LEN, "header"));
    }
    let int = |at| be_i32(bytes, at).ok_or_else(|| short(bytes.len(), HEADER_LEN, "header"));
    let float = |at| be_f32(bytes, at).ok_or_else(|| short(bytes.len(), HEADER_LEN, "header"));
    let natoms = int(4)?;
    let step = int(8)?;
    let time = float(12)?;
    let mut box_rows = [[0f32; 3]; 3];
    for (i, row) in box_rows.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = float(16 + 4 * (3 * i + j))?;
        }
    }
    let natoms_again = int(52)?;
    if natoms != natoms_again {
        return Err(fault(
            52,
            format!("atom count {natoms} in the header but {natoms_again} before the coordinates"),
        ));
    }
    Ok(Header {
        magic,
        natoms: natoms as usize,
        step: i64::from(step),
        time,
        box_rows,
    })
}

/// The compression prelude of a frame with more than [`MAX_RAW_ATOMS`] atoms.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Prelude {
    /// Coordinates were stored as `round(x * precision)`.
    pub(crate) precision: f32,
    /// Validated integer ranges and small-integer index.
    pub(crate) params: Params,
    /// Compressed bytes that follow (before padding).
    pub(crate) nbytes: u64,
}

impl Prelude {
    /// Compressed bytes plus XDR padding to a multiple of four.
    pub(crate) fn padded_len(&self) -> u64 {
        self.nbytes.div_ceil(4).saturating_mul(4)
    }
}

/// Byte offset, inside the frame, of `minint[axis]` (or `maxint[axis]` when `max`).
pub(crate) fn bound_offset(axis: usize, max: bool) -> u64 {
    (HEADER_LEN + 4 + 12 * usize::from(max) + 4 * axis) as u64
}

/// Parses and checks the compression prelude that follows `header`; `bytes` starts right after the
/// header. Offsets in faults are relative to the start of the frame. As in [`parse_header`], the
/// fields present are checked before a short prelude is reported as `incomplete`.
pub(crate) fn parse_prelude(header: &Header, bytes: &[u8]) -> Result<Prelude, HeadFault> {
    let len = header.prelude_len();
    let short = || {
        let mut f = short(bytes.len(), len, "compression header");
        f.at += HEADER_LEN as u64;
        f
    };
    let int = |at| be_i32(bytes, at).ok_or_else(short);
    let precision = be_f32(bytes, 0).ok_or_else(short)?;
    if !(precision.is_finite() && precision > 0.0) {
        return Err(fault(
            HEADER_LEN,
            format!("invalid precision {precision}, must be positive and finite"),
        ));
    }
    let minint = [int(4)?, int(8)?, int(12)?];
    let maxint = [int(16)?, int(20)?, int(24)?];
    let smallidx = int(28)?;
    let params =
        Params::new(minint, maxint, smallidx).map_err(|message| fault(HEADER_LEN + 4, message))?;
    let nbytes = if header.magic == MAGIC_2023 {
        be_u64(bytes, 32).ok_or_else(short)?
    } else {
        u64::from(be_i32(bytes, 32).ok_or_else(short)? as u32)
    };
    // Every atom costs at least two bits (a one-bit large integer plus the run flag), so a byte count
    // this small cannot hold this many atoms; this also bounds allocations by the file size.
    if (header.natoms as u64) > nbytes.saturating_mul(4) {
        return Err(fault(
            HEADER_LEN + len - 4,
            format!(
                "frame claims {} atoms but its {nbytes} compressed bytes can hold at most {}",
                header.natoms,
                nbytes.saturating_mul(4)
            ),
        ));
    }
    // And at most 102 bits: a larger count is a corrupt field, which must not pass for a frame
    // cut short by the end of the file.
    let most = max_compressed_len(header.natoms);
    if nbytes > most {
        return Err(fault(
            HEADER_LEN + len - 4,
            format!(
                "frame claims {nbytes} compressed bytes but its {} atoms take at most {most}",
                header.natoms
            ),
        ));
    }
    Ok(Prelude {
        precision,
        params,
        nbytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_bytes(magic: i32, natoms: i32, natoms_again: i32) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend(magic.to_be_bytes());
        b.extend(natoms.to_be_bytes());
        b.extend(7i32.to_be_bytes());
        b.extend(1.5f32.to_be_bytes());
        for v in 1..=9 {
            b.extend((v as f32).to_be_bytes());
        }
        b.extend(natoms_again.to_be_bytes());
        b
    }

    #[test]
    fn parses_header_fields() {
        let h = parse_header(&header_bytes(1995, 12, 12), None).expect("valid");
        assert_eq!(h.natoms, 12);
        assert_eq!(h.step, 7);
        assert!((h.time - 1.5).abs() < f32::EPSILON);
        assert_eq!(
            h.box_rows,
            [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]
        );
        assert_eq!(h.prelude_len(), 36);
        assert_eq!(
            parse_header(&header_bytes(2023, 1, 1), None)
                .expect("valid")
                .prelude_len(),
            40
        );
    }

    #[test]
    fn rejects_bad_headers() {
        let e = parse_header(&header_bytes(0x1234_5678, 12, 12), None).expect_err("magic");
        assert!(e.message.contains("0x12345678"), "{}", e.message);
        assert!(parse_header(&header_bytes(1995, 12, 13), None).is_err());
        assert!(parse_header(&header_bytes(1995, 0, 0), None).is_err());
        assert!(parse_header(&header_bytes(1995, -3, -3), None).is_err());
        let full = header_bytes(1995, 12, 12);
        for cut in 0..HEADER_LEN {
            let e = parse_header(&full[..cut], None).expect_err("short");
            assert!(e.incomplete, "cut at {cut}: {}", e.message);
            assert_eq!(e.at, cut as u64);
        }
        // Present bytes are checked even when the header is short: such a frame is corrupt.
        let wrong_count = header_bytes(1995, 13, 13);
        let e = parse_header(&wrong_count[..10], Some(12)).expect_err("count");
        assert!(!e.incomplete);
        assert_eq!(
            (e.message.as_str(), e.at),
            ("frame has 13 atoms but frame 0 has 12", 4)
        );
        assert!(parse_header(&header_bytes(1995, 0, 0)[..8], None).is_err_and(|e| !e.incomplete));
        for (bytes, incomplete) in [
            (&[0u8][..], true),
            (&[0, 0, 7][..], true),
            (&[0, 0, 7, 0xcb][..], true),
            (&[0, 0, 7, 0xe7, 0][..], true),
            (&[0, 0, 8][..], false),
            (&[0x67][..], false),
        ] {
            let e = parse_header(bytes, None).expect_err("short");
            assert_eq!(e.incomplete, incomplete, "{bytes:?}: {}", e.message);
        }
    }

    #[test]
    fn prelude_bounds_atoms_by_bytes() {
        let h = parse_header(&header_bytes(1995, 0x7fff_ffff, 0x7fff_ffff), None)
            .expect("valid header");
        let mut p = Vec::new();
        p.extend(1000f32.to_be_bytes());
        for v in [0i32, 0, 0, 100, 100, 100, 10, 64] {
            p.extend(v.to_be_bytes());
        }
        let e = parse_prelude(&h, &p).expect_err("absurd natoms");
        assert!(e.message.contains("can hold at most 256"), "{}", e.message);
        for cut in 0..p.len() {
            let e = parse_prelude(&h, &p[..cut]).expect_err("short");
            assert!(e.incomplete, "cut at {cut}: {}", e.message);
            assert_eq!(e.at, (HEADER_LEN + cut) as u64);
        }
    }

    #[test]
    fn prelude_bounds_bytes_by_atoms() {
        let h = parse_header(&header_bytes(1995, 100, 100), None).expect("valid header");
        let prelude = |nbytes: i32| {
            let mut p = Vec::new();
            p.extend(1000f32.to_be_bytes());
            for v in [0i32, 0, 0, 100, 100, 100, 10, nbytes] {
                p.extend(v.to_be_bytes());
            }
            parse_prelude(&h, &p)
        };
        assert_eq!(max_compressed_len(100), 1275);
        assert!(prelude(1275).is_ok());
        let e = prelude(1276).expect_err("too many bytes");
        assert!(!e.incomplete);
        assert_eq!(e.at, 88);
        assert_eq!(
            e.message,
            "frame claims 1276 compressed bytes but its 100 atoms take at most 1275"
        );
        // A short prelude whose present fields are wrong is corrupt, not truncated.
        let mut p = Vec::new();
        p.extend((-1f32).to_be_bytes());
        assert!(parse_prelude(&h, &p).is_err_and(|e| !e.incomplete));
    }
}
