//! Times reading an XTC trajectory, all atoms and atom subsets, and prints one JSON line.
//!
//! The same program runs natively and as `wasm32-wasip1` under Node's WASI
//! (`tools/bench/run-wasi.mjs`), so `cargo xtask bench` compares native and wasm on the same code
//! and the same file. Each round reads every frame three times: all atoms (`full`), the first 10 %
//! of the atoms (`protein`: the protein of a solvated system) and every 10th atom of those
//! (`ca`: CA-like). Reported frames/s are the median over the rounds, after a short warm-up that
//! lets the wasm engine tier up. `checksum` sums the first atom's x and the last atom's z over the
//! frames of a full read (nm), to check that every reader saw the same coordinates.
//!
//! ```sh
//! cargo run --release -p molsig-io --example xtc_read_bench -- FILE.xtc [ROUNDS]
//! ```

use std::error::Error;
use std::fs::File;
use std::hint::black_box;
use std::time::Instant;

use molsig_io::Frame;
use molsig_io::xtc::XtcReader;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: xtc_read_bench FILE.xtc [ROUNDS]")?;
    let rounds: usize = args.next().map_or(Ok(3), |r| r.parse())?;

    let start = Instant::now();
    let mut xtc = XtcReader::open(File::open(&path)?, path.clone())?;
    let open_s = start.elapsed().as_secs_f64();
    let (natoms, nframes) = (xtc.num_atoms(), xtc.num_frames());
    let protein: Vec<usize> = (0..natoms / 10).collect();
    let ca: Vec<usize> = (0..natoms / 10).step_by(10).collect();
    let mut frame = Frame::default();

    // Warm-up: a few full frames (page cache, and the wasm engine's optimising tier).
    for i in 0..nframes.min(50) {
        xtc.read_frame(i, None, &mut frame)?;
    }

    let mut checksum = 0.0f64;
    let mut pass = |atoms: Option<&[usize]>, sum: bool| -> Result<f64, Box<dyn Error>> {
        let start = Instant::now();
        for i in 0..nframes {
            xtc.read_frame(i, atoms, &mut frame)?;
            if sum {
                checksum += f64::from(frame.x[0]) + f64::from(frame.z[frame.len() - 1]);
            }
            black_box(&frame);
        }
        Ok(nframes as f64 / start.elapsed().as_secs_f64())
    };
    let (mut full, mut sub, mut strided) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        full.push(pass(None, round == 0)?);
        sub.push(pass(Some(&protein), false)?);
        strided.push(pass(Some(&ca), false)?);
    }

    let runtime = if cfg!(target_family = "wasm") {
        "wasm32-wasip1"
    } else {
        "native"
    };
    println!(
        "{{\"runtime\":\"{runtime}\",\"natoms\":{natoms},\"nframes\":{nframes},\"rounds\":{rounds},\
         \"open_s\":{open_s:.6},\"full_fps\":{:.3},\"protein_fps\":{:.3},\"ca_fps\":{:.3},\
         \"protein_atoms\":{},\"ca_atoms\":{},\"checksum\":{checksum:.6}}}",
        median(full),
        median(sub),
        median(strided),
        protein.len(),
        ca.len(),
    );
    Ok(())
}
