//! Timing of the XTC reader (ignored by default; run with
//! `cargo test --release -p molsig-io --test xtc_bench -- --ignored --nocapture`).
//!
//! Writes a solvated-protein-like trajectory (10% chain, 90% water at liquid density) with molly,
//! then times the index scan, full-frame decoding, a 10% prefix subset, a 10% spread-out subset, and
//! molly's own full decoding. Set `XTC_BENCH_OUT=path.xtc` to keep the file for comparisons with
//! other readers.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::io::Cursor;
use std::time::Instant;

use molly::{Magic, XTCReader, XTCWriter};
use molsig_io::Frame;
use molsig_io::xtc::XtcReader;

struct Lcg(u64);

impl Lcg {
    fn unit(&mut self) -> f32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 11) % 1_000_000) as f32 / 1_000_000.0
    }

    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }
}

fn solvated(natoms: usize, rng: &mut Lcg) -> (Vec<[f32; 3]>, f32) {
    // ~33 waters (100 atoms) per nm^3.
    let size = (natoms as f32 / 100.0).cbrt();
    let mut out = Vec::with_capacity(natoms);
    let mut p = [size / 2.0; 3];
    for _ in 0..natoms / 10 {
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
                out.push(o.map(|v| v + rng.range(-0.1, 0.1)));
            }
        }
    }
    (out, size)
}

/// Time per frame in us: each frame is timed on its own, best of `reps` tries (short timings dodge
/// preemption on a shared machine), averaged over frames.
fn per_frame(label: &str, frames: usize, reps: usize, mut f: impl FnMut(usize)) -> f64 {
    let mut best = vec![f64::INFINITY; frames];
    for _ in 0..reps {
        for (i, b) in best.iter_mut().enumerate() {
            let t = Instant::now();
            f(i);
            *b = b.min(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    let us = best.iter().sum::<f64>() / frames as f64;
    println!("{label:<44} {us:>10.1} us/frame");
    us
}

fn bench(label: &str, bytes: &[u8]) {
    let t = Instant::now();
    let xtc = XtcReader::open(Cursor::new(bytes), label).unwrap();
    let natoms = xtc.num_atoms();
    let nframes = xtc.num_frames();
    println!(
        "\n{label}: {natoms} atoms, {nframes} frames, {:.1} MB; open (index scan) {:.1} us",
        bytes.len() as f64 / 1e6,
        t.elapsed().as_secs_f64() * 1e6
    );
    let mut xtc = xtc;
    let mut frame = Frame::default();
    let reps = (50_000_000 / (natoms * nframes)).clamp(5, 50);
    let full = per_frame("molsig full", nframes, reps, |i| {
        xtc.read_frame(i, None, &mut frame).unwrap();
        black_box(&frame);
    });
    let prefix: Vec<usize> = (0..natoms / 10).collect();
    let sub = per_frame("molsig 10% prefix subset", nframes, reps, |i| {
        xtc.read_frame(i, Some(&prefix), &mut frame).unwrap();
        black_box(&frame);
    });
    let spread: Vec<usize> = (0..natoms).step_by(10).collect();
    per_frame("molsig 10% spread subset", nframes, reps, |i| {
        xtc.read_frame(i, Some(&spread), &mut frame).unwrap();
        black_box(&frame);
    });
    let mut mframe = molly::Frame::default();
    let offsets: Vec<u64> = xtc.frames().iter().map(|f| f.offset).collect();
    let molly = per_frame("molly full", nframes, reps, |i| {
        let mut r = XTCReader::new(Cursor::new(bytes));
        r.file.set_position(offsets[i]);
        r.read_frame(&mut mframe).unwrap();
        black_box(&mframe);
    });
    println!(
        "prefix subset speed-up {:.1}x; molly/molsig {:.2}",
        full / sub,
        molly / full
    );
}

#[test]
#[ignore = "timing only"]
fn xtc_decode_timing() {
    for natoms in [20_000usize, 200_000] {
        let mut rng = Lcg(natoms as u64);
        let (base, size) = solvated(natoms, &mut rng);
        let mut w = XTCWriter::new_with_magic(Vec::new(), Magic::Xtc1995);
        let nframes = 2_000_000 / natoms;
        for f in 0..nframes {
            let positions = base
                .iter()
                .flat_map(|p| p.map(|v| v + rng.range(-0.05, 0.05)))
                .collect();
            w.write_frame(&molly::Frame {
                step: f as u32,
                time: f as f32,
                boxvec: [size, 0.0, 0.0, 0.0, size, 0.0, 0.0, 0.0, size],
                precision: 1000.0,
                positions,
            })
            .unwrap();
        }
        if let Ok(path) = std::env::var("XTC_BENCH_OUT") {
            std::fs::write(format!("{path}.{natoms}.xtc"), &w.file).unwrap();
        }
        bench(&format!("synthetic {natoms}"), &w.file);
    }
    if let Ok(path) = std::env::var("XTC_BENCH_REAL") {
        bench("real", &std::fs::read(path).unwrap());
    }
}
