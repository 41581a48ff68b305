//! XTC decoding speed: one frame per iteration, so criterion's throughput reads as frames/s.
//!
//! Reads the file named by `MOLSIG_BENCH_XTC` (`cargo xtask bench` sets it to the trajectory that
//! `examples/write_bench_xtc.rs` writes); without it, writes that trajectory once into the system
//! temporary directory and reuses it. Three cases, each cycling through every frame in order:
//! - `full`: all atoms;
//! - `protein_10pct`: the first 10 % of the atoms (the protein of a solvated system);
//! - `ca_strided`: every 10th atom of that first 10 % (CA-like).
//!
//! Run with `cargo bench -p molsig-io --bench xtc`; `cargo xtask bench` runs it and puts the
//! numbers, next to `MDAnalysis` and wasm measured in the same run, into BENCHMARKS.md.

use std::fs::File;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use molsig_io::Frame;
use molsig_io::xtc::XtcReader;

// The generator is an example; only its `write` is needed here.
#[allow(dead_code)]
#[path = "../examples/write_bench_xtc.rs"]
mod write_bench_xtc;

/// The trajectory to read: `MOLSIG_BENCH_XTC`, or one written on first use.
fn bench_file() -> PathBuf {
    if let Some(path) = std::env::var_os("MOLSIG_BENCH_XTC") {
        return path.into();
    }
    let path = std::env::temp_dir().join("molsig-bench-xtc-v1.xtc");
    if !path.exists() {
        let partial = path.with_extension("xtc.partial");
        eprintln!("MOLSIG_BENCH_XTC unset: writing {}", path.display());
        write_bench_xtc::write(&partial, write_bench_xtc::NFRAMES, None)
            .expect("writing the benchmark trajectory");
        std::fs::rename(&partial, &path).expect("renaming the benchmark trajectory");
    }
    path
}

fn xtc_read(c: &mut Criterion) {
    let path = bench_file();
    let file = File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut xtc = XtcReader::open(file, path.display().to_string()).expect("opening the XTC");
    let (natoms, nframes) = (xtc.num_atoms(), xtc.num_frames());
    eprintln!("{}: {natoms} atoms × {nframes} frames", path.display());
    let protein: Vec<usize> = (0..natoms / 10).collect();
    let ca: Vec<usize> = (0..natoms / 10).step_by(10).collect();
    let mut frame = Frame::default();

    let mut group = c.benchmark_group("xtc_read");
    group
        .throughput(Throughput::Elements(1))
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    let cases: [(&str, Option<&[usize]>); 3] = [
        ("full", None),
        ("protein_10pct", Some(&protein)),
        ("ca_strided", Some(&ca)),
    ];
    for (name, atoms) in cases {
        let mut next = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                xtc.read_frame(next, atoms, &mut frame)
                    .expect("decoding a frame");
                next = (next + 1) % nframes;
                black_box(&frame);
            });
        });
    }
    group.finish();
}

criterion_group!(benches, xtc_read);
criterion_main!(benches);
