//! XTC reader against molly (writer and independent reader) and against malformed input.
#![allow(clippy::unwrap_used)]

use std::io::Cursor;

use molly::{Magic, XTCReader, XTCWriter};
use molsig_io::xtc::XtcReader;
use molsig_io::{Error, Frame};
use proptest::prelude::*;

/// The generator the test data was made with. Not molsig-rng: the golden values below were
/// computed by xdrfile from exactly this stream, so it must stay as it is.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f32 {
        (self.next() % 1_000_000) as f32 / 1_000_000.0
    }

    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }
}

/// Realistic-looking system: a chain of bonded atoms (~0.15 nm steps) followed by water molecules
/// (O with two H at ~0.1 nm), all inside a `size` nm box.
fn system(natoms: usize, size: f32, rng: &mut Lcg) -> Vec<[f32; 3]> {
    let mut out = Vec::with_capacity(natoms);
    let chain = natoms / 3;
    let mut p = [size / 2.0; 3];
    for _ in 0..chain {
        for v in &mut p {
            *v = (*v + rng.range(-0.15, 0.15)).clamp(0.0, size);
        }
        out.push(p);
    }
    while out.len() < natoms {
        let o = [
            rng.range(0.0, size),
            rng.range(0.0, size),
            rng.range(0.0, size),
        ];
        out.push(o);
        for _ in 0..2 {
            if out.len() < natoms {
                out.push([
                    o[0] + rng.range(-0.1, 0.1),
                    o[1] + rng.range(-0.1, 0.1),
                    o[2] + rng.range(-0.1, 0.1),
                ]);
            }
        }
    }
    out
}

/// Frames for one test trajectory: the system jiggling a little from frame to frame.
fn trajectory(
    natoms: usize,
    nframes: usize,
    precision: f32,
    size: f32,
    seed: u64,
) -> Vec<molly::Frame> {
    let mut rng = Lcg(seed);
    let base = system(natoms, size, &mut rng);
    (0..nframes)
        .map(|f| {
            let positions = base
                .iter()
                .flat_map(|p| p.map(|v| v + rng.range(-0.02, 0.02)))
                .collect();
            molly::Frame {
                step: 1000 * f as u32 + 7,
                time: 2.5 * f as f32,
                boxvec: [
                    size,
                    0.0,
                    0.0,
                    0.1,
                    size + f as f32,
                    0.0,
                    0.2,
                    0.3,
                    size + 1.0,
                ],
                precision,
                positions,
            }
        })
        .collect()
}

fn write(frames: &[molly::Frame], magic: Magic) -> Vec<u8> {
    let mut w = XTCWriter::new_with_magic(Vec::new(), magic);
    for f in frames {
        w.write_frame(f).unwrap();
    }
    w.file
}

fn molly_read(bytes: &[u8]) -> Vec<molly::Frame> {
    XTCReader::new(Cursor::new(bytes))
        .read_all_frames()
        .unwrap()
        .into_vec()
}

fn open(bytes: &[u8]) -> molsig_io::Result<XtcReader<Cursor<&[u8]>>> {
    XtcReader::open(Cursor::new(bytes), "test.xtc")
}

/// Every coordinate, time, step and box equal to molly's reading, and within half a precision unit
/// (plus rounding slack) of the floats that were written.
fn check_against_molly(originals: &[molly::Frame], bytes: &[u8], magic: i32) {
    let natoms = originals[0].natoms();
    let expected = molly_read(bytes);
    assert_eq!(expected.len(), originals.len());
    let mut xtc = open(bytes).unwrap();
    assert_eq!(xtc.num_atoms(), natoms);
    assert_eq!(xtc.num_frames(), originals.len());
    assert_eq!(xtc.frames()[0].offset, 0);
    let mut frame = Frame::default();
    for (i, (orig, want)) in originals.iter().zip(&expected).enumerate() {
        let info = xtc.frames()[i];
        assert_eq!(info.magic, magic);
        assert_eq!(info.natoms, natoms);
        assert_eq!(info.step, i64::from(orig.step));
        assert_eq!(info.time.to_bits(), orig.time.to_bits());
        xtc.read_frame(i, None, &mut frame).unwrap();
        assert_eq!(frame.len(), natoms, "frame {i}");
        assert_eq!(frame.step, i64::from(want.step));
        assert_eq!(frame.time.to_bits(), want.time.to_bits());
        assert_eq!(frame.box_vectors, Some(want.boxvec_cols_2d()));
        if natoms <= 9 {
            assert_eq!(frame.precision, None);
        } else {
            assert_eq!(frame.precision, Some(orig.precision));
        }
        let tol = if natoms <= 9 {
            0.0
        } else {
            0.5 / orig.precision * 1.001 + 1e-6
        };
        for a in 0..natoms {
            let got = frame.position(a).unwrap();
            for (k, &got_k) in got.iter().enumerate() {
                let w = want.positions[3 * a + k];
                assert_eq!(
                    got_k.to_bits(),
                    w.to_bits(),
                    "frame {i} atom {a} axis {k}: {got_k} vs molly {w}"
                );
                let o = orig.positions[3 * a + k];
                let slack = tol + o.abs() * f32::EPSILON * 2.0;
                assert!(
                    (got_k - o).abs() <= slack,
                    "natoms {natoms} precision {} frame {i} atom {a} axis {k}: {} vs written {o}",
                    orig.precision,
                    got_k
                );
            }
        }
    }
}

#[test]
fn matches_molly_for_all_sizes_and_both_magics() {
    for (magic, code) in [(Magic::Xtc1995, 1995), (Magic::Xtc2023, 2023)] {
        for natoms in [1, 3, 9, 10, 11, 100, 20_000] {
            let originals = trajectory(natoms, 4, 1000.0, 6.0, natoms as u64);
            let bytes = write(&originals, magic);
            check_against_molly(&originals, &bytes, code);
        }
    }
}

#[test]
fn other_precisions_and_large_coordinates() {
    // Coarse precisions, and the "large integers" coding (a range above 2^24 on some axis).
    for (natoms, precision, size, seed) in [
        (500, 100.0, 8.0, 1),
        (300, 10.0, 3.0, 2),
        (200, 1000.0, 30_000.0, 4),
        (200, 100_000.0, 400.0, 5),
        // Fine precision: separate large integers, small-integer indices up to 56 bits.
        (300, 10_000_000.0, 2.0, 6),
    ] {
        let originals = trajectory(natoms, 2, precision, size, seed);
        for magic in [Magic::Xtc1995, Magic::Xtc2023] {
            let bytes = write(&originals, magic);
            check_against_molly(&originals, &bytes, magic as i32);
        }
    }
}

/// MSB-first bit writer for the reference-style test encoder below.
#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    bits: usize,
}

impl BitWriter {
    fn put(&mut self, value: u128, n: u32) {
        for i in (0..n).rev() {
            if self.bits.is_multiple_of(8) {
                self.bytes.push(0);
            }
            let bit = ((value >> i) & 1) as u8;
            *self.bytes.last_mut().unwrap() |= bit << (7 - self.bits % 8);
            self.bits += 1;
        }
    }
}

/// A deliberately simple xtc3dfcoord encoder written from the reference `sendints`/`sendbits`: every
/// atom is a "large" atom followed by a zero run flag. It reaches the paths molly's writer does not
/// write correctly (molly 0.7 mis-orders packed triples wider than 64 bits).
fn encode_simple(ints: &[[i32; 3]], precision: f32, magic: i32) -> Vec<u8> {
    let min: [i32; 3] = std::array::from_fn(|k| ints.iter().map(|c| c[k]).min().unwrap());
    let max: [i32; 3] = std::array::from_fn(|k| ints.iter().map(|c| c[k]).max().unwrap());
    let sizes: [u64; 3] =
        std::array::from_fn(|k| (i64::from(max[k]) - i64::from(min[k]) + 1) as u64);
    let mut w = BitWriter::default();
    let large = sizes.iter().any(|&s| s > 0xff_ffff);
    let bitlen = |v: u128| 128 - v.leading_zeros();
    for c in ints {
        let d: [u128; 3] = std::array::from_fn(|k| (i64::from(c[k]) - i64::from(min[k])) as u128);
        if large {
            for k in 0..3 {
                w.put(d[k], bitlen(u128::from(sizes[k])).min(32));
            }
        } else {
            let bits = bitlen(u128::from(sizes[0] * sizes[1]) * u128::from(sizes[2]));
            let n = (d[0] * u128::from(sizes[1]) + d[1]) * u128::from(sizes[2]) + d[2];
            let full = (bits - 1) / 8;
            for i in 0..full {
                w.put((n >> (8 * i)) & 0xff, 8);
            }
            w.put(n >> (8 * full), bits - 8 * full);
        }
        w.put(0, 1);
    }
    let mut out = Vec::new();
    out.extend(magic.to_be_bytes());
    out.extend((ints.len() as i32).to_be_bytes());
    out.extend(42i32.to_be_bytes());
    out.extend(1.25f32.to_be_bytes());
    for v in [9.0f32, 0.0, 0.0, 0.0, 9.0, 0.0, 0.0, 0.0, 9.0] {
        out.extend(v.to_be_bytes());
    }
    out.extend((ints.len() as i32).to_be_bytes());
    out.extend(precision.to_be_bytes());
    for v in min.iter().chain(&max).chain(&[10]) {
        out.extend(v.to_be_bytes());
    }
    if magic == 2023 {
        out.extend((w.bytes.len() as u64).to_be_bytes());
    } else {
        out.extend((w.bytes.len() as u32).to_be_bytes());
    }
    out.extend(&w.bytes);
    out.resize(out.len().div_ceil(4) * 4, 0);
    out
}

#[test]
fn wide_and_large_integer_codings_match_a_reference_encoder() {
    let mut rng = Lcg(11);
    // Ranges near 2^24 on all axes (72-bit packed triples), moderate ranges (packed, <= 56 bits and
    // 57..=64 bits), and ranges beyond 2^24 (three separate integers, up to 32 bits each).
    for (span, natoms) in [
        ([0xff_fff0i64, 0xff_fff0, 0xff_fff0], 300),
        ([0x7f_ffff, 0x7f_ffff, 0x1f_ffff], 100),
        ([1 << 20, 1 << 20, 1 << 20], 100),
        ([3000, 3000, 3000], 50),
        ([1 << 31, 1 << 20, 5], 100),
        ([(1i64 << 32) - 4, (1 << 32) - 4, (1 << 32) - 4], 100),
        ([1, 1, 1], 12),
    ] {
        let ints: Vec<[i32; 3]> = (0..natoms)
            .map(|_| std::array::from_fn(|k| (rng.next() as i64 % span[k] - span[k] / 2) as i32))
            .collect();
        for magic in [1995, 2023] {
            let precision = 1000.0f32;
            let bytes = encode_simple(&ints, precision, magic);
            let mut xtc = open(&bytes).unwrap();
            let mut frame = Frame::default();
            xtc.read_frame(0, None, &mut frame).unwrap();
            assert_eq!((frame.step, frame.len()), (42, natoms));
            let inv = 1.0 / precision;
            for (a, c) in ints.iter().enumerate() {
                assert_eq!(
                    frame.position(a),
                    Some(c.map(|v| v as f32 * inv)),
                    "span {span:?} atom {a}"
                );
            }
            let sel: Vec<usize> = (0..natoms).step_by(3).collect();
            xtc.read_frame(0, Some(&sel), &mut frame).unwrap();
            assert_eq!(frame.len(), sel.len());
        }
    }
}

/// Files that molly 0.7's writer encodes wrongly (it mis-orders packed triples wider than 64 bits).
/// Where the wrong bits still decode inside the frame's stored bounds, the values are what
/// xdrfile's C decoder (through mdtraj) reads, pinning down 72-bit packed large atoms and
/// small-integer indices above 56 bits against the reference implementation. Where the decoded
/// extent contradicts the stored `minint`/`maxint` (which a correct writer sets to the exact
/// extremes), xdrfile silently returns coordinates outside the frame's own bounds; molsig reports
/// the frame as corrupt at the bound's byte.
#[test]
fn wide_packed_numbers_match_xdrfile_or_are_reported_corrupt() {
    type Golden = (f64, [f32; 3], [f32; 3], [f32; 3]);
    // Ok: xdrfile's values; Err: the byte offset of the contradicted bound.
    type Expected = [Result<Golden, u64>; 2];
    let cases: [(usize, f32, f32, u64, Expected); 2] = [
        (
            300,
            13_000_000.0,
            2.0,
            6,
            [
                // x decodes up to 25267184 but maxint x (byte 72) is 25270896.
                Err(72),
                Ok((
                    951.383_819_099,
                    [1.062_490_9, 0.894_822_6, 1.014_716_4],
                    [1.049_447_3, 1.082_814_6, 1.019_237_2],
                    [1.612_217_9, 1.601_740_4, 1.384_667_6],
                )),
            ],
        ),
        (
            200,
            1_000_000.0,
            16.0,
            3,
            // x decodes from 174333 but minint x (byte 60 of each frame) is 170650, and from
            // 176727 against 183119 in frame 1 (which starts at byte 1704).
            [Err(60), Err(1704 + 60)],
        ),
    ];
    for (natoms, precision, size, seed, golden) in cases {
        let bytes = write(
            &trajectory(natoms, 2, precision, size, seed),
            Magic::Xtc1995,
        );
        let mut xtc = open(&bytes).unwrap();
        let mut f = Frame::default();
        for (i, expected) in golden.iter().enumerate() {
            let read = xtc.read_frame(i, None, &mut f);
            let (sum, first, atom24, last) = match (expected, read) {
                (Ok(golden), Ok(())) => golden,
                (
                    Err(at),
                    Err(Error::Corrupt {
                        frame,
                        offset,
                        message,
                        ..
                    }),
                ) => {
                    assert_eq!((frame, offset), (i, *at), "{message}");
                    assert!(message.starts_with("decoded x spans"), "{message}");
                    continue;
                }
                (_, read) => panic!("precision {precision} frame {i}: {read:?}"),
            };
            let total: f64 = (0..f.len())
                .flat_map(|a| f.position(a).unwrap())
                .map(f64::from)
                .sum();
            assert!(
                (total - sum).abs() < 1e-6,
                "precision {precision} frame {i}: sum {total}"
            );
            assert_eq!(f.position(0), Some(*first));
            assert_eq!(f.position(24), Some(*atom24));
            assert_eq!(f.position(natoms - 1), Some(*last));
        }
    }
}

#[test]
fn identical_atoms_and_dense_water() {
    // All atoms in one spot (sizeint 1 on every axis) and tightly packed water (long runs).
    let same = molly::Frame {
        step: 1,
        time: 0.5,
        boxvec: [3.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 3.0],
        precision: 1000.0,
        positions: [1.0f32, 2.0, 3.0].repeat(64),
    };
    check_against_molly(
        std::slice::from_ref(&same),
        &write(std::slice::from_ref(&same), Magic::Xtc1995),
        1995,
    );
    let mut rng = Lcg(9);
    let mut positions = Vec::new();
    for i in 0..3000 {
        let base = [
            (i % 15) as f32 * 0.3,
            ((i / 15) % 15) as f32 * 0.3,
            (i / 225) as f32 * 0.3,
        ];
        positions.extend(base.map(|v| v + rng.range(-0.005, 0.005)));
    }
    let dense = molly::Frame { positions, ..same };
    check_against_molly(
        std::slice::from_ref(&dense),
        &write(std::slice::from_ref(&dense), Magic::Xtc1995),
        1995,
    );
}

#[test]
fn subsets_equal_the_same_atoms_of_a_full_read() {
    for natoms in [3, 9, 10, 100, 20_000] {
        let originals = trajectory(natoms, 3, 1000.0, 6.0, 77 + natoms as u64);
        let bytes = write(&originals, Magic::Xtc1995);
        let mut xtc = open(&bytes).unwrap();
        let mut rng = Lcg(natoms as u64);
        let mut full = Frame::default();
        let mut part = Frame::default();
        let selections: Vec<Vec<usize>> = vec![
            vec![],
            vec![0],
            vec![natoms - 1],
            (0..=natoms / 10).collect(),
            (0..natoms).step_by(7).collect(),
            (0..natoms)
                .filter(|_| rng.next().is_multiple_of(3))
                .collect(),
            (0..natoms).collect(),
        ];
        // Read frames out of order to exercise seeking.
        for i in (0..xtc.num_frames()).rev() {
            xtc.read_frame(i, None, &mut full).unwrap();
            for sel in &selections {
                xtc.read_frame(i, Some(sel), &mut part).unwrap();
                assert_eq!(part.len(), sel.len());
                assert_eq!(
                    (part.time, part.step, part.box_vectors, part.precision),
                    (full.time, full.step, full.box_vectors, full.precision)
                );
                for (j, &a) in sel.iter().enumerate() {
                    assert_eq!(
                        part.position(j),
                        full.position(a),
                        "natoms {natoms} frame {i} atom {a}"
                    );
                }
            }
        }
    }
}

#[test]
fn bad_selections_and_frame_indices_are_mismatches() {
    let bytes = write(&trajectory(20, 2, 1000.0, 3.0, 1), Magic::Xtc1995);
    let mut xtc = open(&bytes).unwrap();
    let mut f = Frame::default();
    for sel in [&[3usize, 2][..], &[1, 1], &[0, 20], &[25]] {
        let e = xtc.read_frame(0, Some(sel), &mut f).unwrap_err();
        assert!(matches!(e, Error::Mismatch { .. }), "{sel:?}: {e}");
        assert!(f.is_empty());
    }
    assert!(matches!(
        xtc.read_frame(2, None, &mut f),
        Err(Error::Mismatch { .. })
    ));
    xtc.read_frame(1, Some(&[0, 19]), &mut f).unwrap();
    assert_eq!(f.len(), 2);
}

/// The `Error::Corrupt` of a failed open, as (message, frame, offset).
fn frame_error(bytes: &[u8]) -> (String, usize, u64) {
    match open(bytes) {
        Err(Error::Corrupt {
            message,
            frame,
            offset,
            source_name,
        }) => {
            assert_eq!(source_name, "test.xtc");
            (message, frame, offset)
        }
        Err(other) => panic!("expected a corrupt frame, got {other}"),
        Ok(_) => panic!("expected an error"),
    }
}

/// The `Error::Truncated` of a file that stops inside its first frame, as (message, offset).
fn truncated_error(bytes: &[u8]) -> (String, u64) {
    match open(bytes) {
        Err(Error::Truncated {
            message,
            frame: 0,
            offset,
            ..
        }) => (message, offset),
        Err(other) => panic!("expected truncation inside frame 0, got {other}"),
        Ok(_) => panic!("expected an error"),
    }
}

#[test]
fn empty_file() {
    let error = open(&[]).err().unwrap();
    assert_eq!(error.to_string(), "test.xtc: empty file: no XTC frames");
}

#[test]
fn wrong_magic() {
    let mut bytes = write(&trajectory(20, 1, 1000.0, 3.0, 1), Magic::Xtc1995);
    bytes[..4].copy_from_slice(&0x1234_5678i32.to_be_bytes());
    let (msg, frame, offset) = frame_error(&bytes);
    assert_eq!(
        msg,
        "bad magic 0x12345678, expected 1995 or 2023 (is this an XTC file?)"
    );
    assert_eq!((frame, offset), (0, 0));
    let (msg, ..) =
        frame_error(b"hello, this is a text file and not a trajectory at all...........");
    assert!(msg.starts_with("bad magic"), "{msg}");
}

#[test]
fn natoms_fields_disagree() {
    let mut bytes = write(&trajectory(20, 2, 1000.0, 3.0, 1), Magic::Xtc1995);
    bytes[52..56].copy_from_slice(&21i32.to_be_bytes());
    let (msg, frame, offset) = frame_error(&bytes);
    assert!(msg.contains("20") && msg.contains("21"), "{msg}");
    assert_eq!((frame, offset), (0, 52));
}

#[test]
fn frames_with_different_atom_counts() {
    let mut bytes = write(&trajectory(20, 2, 1000.0, 3.0, 1), Magic::Xtc1995);
    let first_len = bytes.len();
    bytes.extend(write(&trajectory(30, 1, 1000.0, 3.0, 1), Magic::Xtc1995));
    let (msg, frame, offset) = frame_error(&bytes);
    assert_eq!(msg, "frame has 30 atoms but frame 0 has 20");
    assert_eq!((frame, offset), (2, first_len as u64 + 4));
    // Checked as soon as the count is there, so a short frame of another system is corrupt too.
    let (msg, frame, _) = frame_error(&bytes[..first_len + 10]);
    assert_eq!(
        (msg.as_str(), frame),
        ("frame has 30 atoms but frame 0 has 20", 2)
    );
}

#[test]
fn absurd_atom_count_fails_without_allocating() {
    for magic in [Magic::Xtc1995, Magic::Xtc2023] {
        let mut bytes = write(&trajectory(20, 1, 1000.0, 3.0, 1), magic);
        for at in [4, 52] {
            bytes[at..at + 4].copy_from_slice(&0x7fff_ffffi32.to_be_bytes());
        }
        let (msg, frame, _) = frame_error(&bytes);
        assert!(msg.contains("2147483647 atoms"), "{msg}");
        assert_eq!(frame, 0);
    }
    // Raw (<= 9 atoms) counts that are negative or zero.
    for natoms in [0i32, -1, i32::MIN] {
        let mut bytes = write(&trajectory(3, 1, 1000.0, 3.0, 1), Magic::Xtc1995);
        for at in [4, 52] {
            bytes[at..at + 4].copy_from_slice(&natoms.to_be_bytes());
        }
        let (msg, ..) = frame_error(&bytes);
        assert!(msg.contains("must be positive"), "{msg}");
    }
}

#[test]
fn bad_precision() {
    for p in [0.0f32, -1000.0, f32::NAN, f32::INFINITY] {
        let mut bytes = write(&trajectory(20, 1, 1000.0, 3.0, 1), Magic::Xtc1995);
        bytes[56..60].copy_from_slice(&p.to_be_bytes());
        let (msg, frame, offset) = frame_error(&bytes);
        assert!(msg.contains("invalid precision"), "{msg}");
        assert_eq!((frame, offset), (0, 56));
    }
}

/// A byte count no frame of its atoms can have is a corrupt field, not a frame cut short.
#[test]
fn impossible_byte_count_is_corrupt() {
    for (magic, width) in [(Magic::Xtc1995, 4), (Magic::Xtc2023, 8)] {
        let mut bytes = write(&trajectory(20, 3, 1000.0, 3.0, 1), magic);
        bytes[88..88 + width].fill(0x7f);
        let (msg, frame, offset) = frame_error(&bytes);
        assert!(
            msg.ends_with("compressed bytes but its 20 atoms take at most 255"),
            "{msg}"
        );
        assert_eq!((frame, offset), (0, 88 + width as u64 - 4));
    }
}

#[test]
fn trailing_garbage_is_a_corrupt_frame() {
    let mut bytes = write(&trajectory(20, 2, 1000.0, 3.0, 1), Magic::Xtc1995);
    let end = bytes.len() as u64;
    bytes.extend(b"garbage!");
    let (msg, frame, offset) = frame_error(&bytes);
    assert_eq!(
        msg,
        "bad magic 0x67617262, expected 1995 or 2023 (is this an XTC file?); 8 bytes from here \
         to the end of the file"
    );
    assert_eq!((frame, offset), (2, end));
    // Two bytes that cannot start a magic number: corrupt; two that can: truncated.
    bytes.truncate(end as usize + 2);
    let (msg, ..) = frame_error(&bytes);
    assert_eq!(
        msg,
        "bad magic: the bytes [67, 61] cannot start 1995 or 2023 (is this an XTC file?); 2 bytes \
         from here to the end of the file"
    );
    bytes[end as usize..].fill(0);
    let xtc = open(&bytes).unwrap();
    assert_eq!(xtc.num_frames(), 2);
    assert_eq!(xtc.truncation().unwrap().data_ends_at, end + 2);
}

/// Cutting a file anywhere: at 0 an empty file, inside frame 0 an error, at a boundary a clean
/// file, inside frame k >= 1 the k complete frames and a warning at the right bytes.
#[test]
fn every_cut_point_is_a_clean_end_or_a_truncation() {
    for (natoms, magic) in [
        (12, Magic::Xtc1995),
        (12, Magic::Xtc2023),
        (4, Magic::Xtc1995),
    ] {
        let bytes = write(&trajectory(natoms, 3, 1000.0, 3.0, 5), magic);
        let xtc = open(&bytes).unwrap();
        assert!(xtc.truncation().is_none());
        let mut boundaries: Vec<u64> = xtc.frames().iter().map(|f| f.offset).collect();
        boundaries.push(bytes.len() as u64);
        for cut in 1..bytes.len() as u64 {
            let complete = boundaries.iter().filter(|&&b| b > 0 && b <= cut).count();
            let bytes = &bytes[..cut as usize];
            if complete == 0 {
                let (message, offset) = truncated_error(bytes);
                assert_eq!(offset, cut, "cut {cut}: {message}");
                continue;
            }
            let mut xtc = open(bytes).unwrap_or_else(|e| panic!("cut {cut}: {e}"));
            assert_eq!(xtc.num_frames(), complete, "cut {cut}");
            match xtc.truncation() {
                None => assert!(boundaries.contains(&cut), "cut {cut}"),
                Some(t) => {
                    assert_eq!(t.last_good_frame, complete - 1, "cut {cut}");
                    assert_eq!(t.incomplete_frame_at, boundaries[complete], "cut {cut}");
                    assert_eq!(t.data_ends_at, cut, "cut {cut}");
                }
            }
            let mut frame = Frame::default();
            xtc.read_frame(complete - 1, None, &mut frame).unwrap();
            assert_eq!(frame.len(), natoms);
        }
    }
}

#[test]
fn truncated_message_names_the_sizes() {
    // Two frames of the same length (one written twice).
    let one = write(&trajectory(100, 1, 1000.0, 3.0, 5), Magic::Xtc1995);
    let bytes = [one.clone(), one].concat();
    let frame_len = bytes.len() / 2;
    let payload = frame_len - 92;
    let (msg, offset) = truncated_error(&bytes[..frame_len - 10]);
    assert_eq!(
        msg,
        format!(
            "the frame needs {payload} bytes of coordinates but only {} remain",
            payload - 10
        )
    );
    assert_eq!(offset, frame_len as u64 - 10);
    let cut = 2 * frame_len - 10;
    let xtc = XtcReader::open(Cursor::new(&bytes[..cut]), "run.xtc").unwrap();
    assert_eq!(
        xtc.truncation().unwrap().to_string(),
        format!(
            "run.xtc: truncated: the data stops at byte {cut} inside frame 1 (which starts at \
             byte {frame_len}: the frame needs {payload} bytes of coordinates but only {} \
             remain); read the 1 complete frames, 0 to 0",
            payload - 10
        )
    );
}

#[test]
fn corrupt_payload_errors_or_decodes_but_never_panics() {
    let bytes = write(&trajectory(300, 1, 1000.0, 3.0, 8), Magic::Xtc1995);
    let mut frame = Frame::default();
    let mut errors = 0;
    for at in 92..bytes.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[at] ^= flip;
            let mut xtc = open(&b).unwrap();
            match xtc.read_frame(0, None, &mut frame) {
                Ok(()) => assert_eq!(frame.len(), 300),
                Err(Error::Corrupt {
                    frame: 0, offset, ..
                }) => {
                    errors += 1;
                    // In the compressed data, or at the stored bound it contradicts.
                    assert!(offset >= 60 && offset <= bytes.len() as u64, "{offset}");
                }
                Err(e) => panic!("{e}"),
            }
        }
    }
    assert!(errors > 0, "some corruption must be detected");
}

/// A real GROMACS trajectory (from the `MDAnalysis` test set, shipped inside molly's crate package):
/// checked against molly when the package source is present.
#[test]
fn real_gromacs_file_matches_molly() {
    let home = std::env::var("CARGO_HOME").map_or_else(
        |_| std::path::PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo"),
        std::path::PathBuf::from,
    );
    let Some(path) = std::fs::read_dir(home.join("registry/src"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|d| d.path().join("molly-0.7.0/tests/adk_oplsaa.xtc"))
        .find(|p| p.exists())
    else {
        eprintln!("adk_oplsaa.xtc not found; skipping");
        return;
    };
    let bytes = std::fs::read(&path).unwrap();
    let expected = molly_read(&bytes);
    // Through a real file this time, not a cursor.
    let mut xtc = XtcReader::open(std::fs::File::open(&path).unwrap(), "adk_oplsaa.xtc").unwrap();
    assert_eq!(xtc.num_frames(), expected.len());
    let mut frame = Frame::default();
    for (i, want) in expected.iter().enumerate() {
        xtc.read_frame(i, None, &mut frame).unwrap();
        assert_eq!(frame.len(), want.natoms());
        assert_eq!(frame.step, i64::from(want.step));
        let got: Vec<f32> = (0..frame.len())
            .flat_map(|a| frame.position(a).unwrap())
            .collect();
        assert_eq!(got, want.positions, "frame {i}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(mut xtc) = open(&bytes) {
            let mut f = Frame::default();
            for i in 0..xtc.num_frames() {
                let _ = xtc.read_frame(i, None, &mut f);
            }
        }
    }

    #[test]
    fn corrupted_valid_files_never_panic(
        natoms in prop_oneof![Just(5usize), Just(12), Just(64)],
        magic_2023 in any::<bool>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        do_cut in any::<bool>(),
    ) {
        let magic = if magic_2023 { Magic::Xtc2023 } else { Magic::Xtc1995 };
        let mut bytes = write(&trajectory(natoms, 2, 1000.0, 3.0, natoms as u64), magic);
        for (at, v) in &edits {
            let i = at.index(bytes.len());
            bytes[i] = *v;
        }
        if do_cut {
            bytes.truncate(cut.index(bytes.len()));
        }
        if let Ok(mut xtc) = open(&bytes) {
            let mut f = Frame::default();
            for i in 0..xtc.num_frames() {
                let _ = xtc.read_frame(i, None, &mut f);
                let _ = xtc.read_frame(i, Some(&[1, 3]), &mut f);
            }
        }
    }

    #[test]
    fn corrupted_compression_prelude_never_panics(
        field in 0usize..8,
        value in prop_oneof![any::<i32>(), -2i32..80, Just(i32::MIN), Just(i32::MAX)],
        natoms in prop_oneof![Just(10usize), Just(100)],
    ) {
        let mut bytes = write(&trajectory(natoms, 1, 1000.0, 3.0, 3), Magic::Xtc1995);
        let at = 56 + 4 * field;
        bytes[at..at + 4].copy_from_slice(&value.to_be_bytes());
        if let Ok(mut xtc) = open(&bytes) {
            let mut f = Frame::default();
            let _ = xtc.read_frame(0, None, &mut f);
        }
    }
}
