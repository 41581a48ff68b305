//! A real trajectory (`web/demo/dataset/high_friction_01.xtc`: 141 atoms, 200 frames, written by
//! `MDAnalysis` through xdrfile) cut short and damaged as real runs are: a file still being written
//! or killed by the queue keeps its complete frames with a warning; bytes that are present but
//! wrong are a corrupt frame, named with its byte.
#![allow(clippy::unwrap_used)]

use std::io::Cursor;
use std::path::PathBuf;

use molsig_io::xtc::{Truncation, XtcReader};
use molsig_io::{Error, Frame};

/// The file's bytes and its frame offsets as read from the file itself.
fn demo() -> (Vec<u8>, Vec<u64>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../web/demo/dataset/high_friction_01.xtc");
    let bytes = std::fs::read(&path).unwrap();
    let offsets = open(&bytes)
        .unwrap()
        .frames()
        .iter()
        .map(|f| f.offset)
        .collect();
    (bytes, offsets)
}

fn open(bytes: &[u8]) -> molsig_io::Result<XtcReader<Cursor<&[u8]>>> {
    XtcReader::open(Cursor::new(bytes), "high_friction_01.xtc")
}

#[test]
fn the_file_is_what_the_tests_assume() {
    let (bytes, offsets) = demo();
    assert_eq!(bytes.len(), 124_292);
    assert_eq!(offsets.len(), 200);
    assert_eq!(&offsets[..5], &[0, 624, 1248, 1868, 2488]);
    assert_eq!((offsets[100], offsets[101]), (62_308, 62_932));
}

/// Cuts inside frame 100: in its magic number, header, compression header and compressed data,
/// and exactly at its start. `MDAnalysis` 2.11.0 (`Universe("peptide.pdb", cut)`, iterating the
/// trajectory) delivers frames 0 to 99 for each of these cuts, as molsig does; the numbers were
/// computed once with it and are written here.
#[test]
fn a_file_cut_inside_a_frame_keeps_its_complete_frames() {
    let (bytes, offsets) = demo();
    let start = offsets[100];
    // (cut, what the incomplete frame still needed); MDAnalysis frames: 100 for every cut.
    let cuts = [
        (
            start + 1,
            "the frame header needs 56 bytes but only 1 remain",
        ),
        (
            start + 20,
            "the frame header needs 56 bytes but only 20 remain",
        ),
        (
            start + 70,
            "the frame compression header needs 36 bytes but only 14 remain",
        ),
        (
            start + 200,
            "the frame needs 532 bytes of coordinates but only 108 remain",
        ),
    ];
    let mut whole = open(&bytes).unwrap();
    let (mut want, mut got) = (Frame::default(), Frame::default());
    whole.read_frame(99, None, &mut want).unwrap();
    for (cut, missing) in cuts {
        let mut xtc = open(&bytes[..cut as usize]).unwrap();
        assert_eq!(xtc.num_frames(), 100, "cut at {cut}");
        assert_eq!(
            xtc.truncation(),
            Some(&Truncation {
                last_good_frame: 99,
                incomplete_frame_at: start,
                data_ends_at: cut,
                missing: missing.to_owned(),
                source_name: "high_friction_01.xtc".to_owned(),
            })
        );
        xtc.read_frame(99, None, &mut got).unwrap();
        assert_eq!((got.x.clone(), got.time), (want.x.clone(), want.time));
    }
    let at_boundary = open(&bytes[..start as usize]).unwrap();
    assert_eq!(at_boundary.num_frames(), 100);
    assert_eq!(at_boundary.truncation(), None);
    let message = open(&bytes[..start as usize + 200])
        .unwrap()
        .truncation()
        .unwrap()
        .to_string();
    assert_eq!(
        message,
        "high_friction_01.xtc: truncated: the data stops at byte 62508 inside frame 100 (which \
         starts at byte 62308: the frame needs 532 bytes of coordinates but only 108 remain); \
         read the 100 complete frames, 0 to 99"
    );
}

#[test]
fn a_file_cut_inside_its_first_frame_is_an_error() {
    let (bytes, _) = demo();
    let error = open(&bytes[..300]).err().unwrap();
    assert_eq!(
        error.to_string(),
        "high_friction_01.xtc: no complete frame: the data stops at byte 300 inside frame 0: the \
         frame needs 532 bytes of coordinates but only 208 remain"
    );
}

/// A flipped bit in frame 4's magic number, in a file of 10 frames: a corrupt frame with its
/// byte, not "trailing garbage" and not a truncation.
#[test]
fn a_flipped_magic_number_in_mid_file_is_a_corrupt_frame() {
    let (bytes, offsets) = demo();
    let mut ten = bytes[..offsets[10] as usize].to_vec();
    let at = offsets[4] as usize;
    ten[at + 2] ^= 0x10;
    let error = open(&ten).err().unwrap();
    assert!(
        matches!(
            error,
            Error::Corrupt {
                frame: 4,
                offset: 2488,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "high_friction_01.xtc: corrupt frame 4 at byte 2488: bad magic 0x000017cb, expected \
             1995 or 2023 (is this an XTC file?); {} bytes from here to the end of the file",
            offsets[10] - offsets[4]
        )
    );
}

/// Every single-bit flip of every stored bound (`minint`, `maxint`, bytes 60..84 of the frame)
/// of frame 4 is reported, at open or as a corrupt frame 4 (at a bound's byte or in the
/// compressed data). Checking only that decoded values lie inside the bounds misses the flips of
/// bits 2, 3, 5, 6 and 7 of `minint` x (byte 63), which lower it by 4 to 128 units and shift every
/// x by 0.04 to 1.28 Å without an error: those decode inside the bounds but no longer reach the
/// stored maximum, so they are reported at the bound left unreached (`maxint` x, byte 72).
#[test]
fn every_flipped_bound_bit_is_a_corrupt_frame() {
    let (bytes, offsets) = demo();
    let start = offsets[4];
    let mut frame = Frame::default();
    for byte in 60..84 {
        for bit in 0..8 {
            let mut damaged = bytes.clone();
            damaged[(start + byte) as usize] ^= 1 << bit;
            let Ok(mut xtc) = open(&damaged) else {
                continue;
            };
            match xtc.read_frame(4, None, &mut frame) {
                Err(Error::Corrupt {
                    frame: 4,
                    offset,
                    message,
                    ..
                }) => {
                    assert!(offset >= start + 60 && offset <= offsets[5], "{offset}");
                    if byte == 63 && [2, 3, 5, 6, 7].contains(&bit) {
                        assert_eq!(offset, start + 72, "{message}");
                        assert!(message.starts_with("decoded x spans"), "{message}");
                    }
                }
                other => panic!("bit {bit} of byte {byte}: {other:?}"),
            }
            xtc.read_frame(3, None, &mut frame).unwrap();
        }
    }
}
