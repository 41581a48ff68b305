//! Writes the XTC trajectory the XTC reading benchmarks use (`cargo xtask bench`, `benches/xtc.rs`).
//!
//! A solvated-protein-like system in a cubic 6.51 nm box, laid out the way GROMACS writes one: a
//! compact "protein" first (10 % of the atoms: a chain of bonded atoms 0.10–0.15 nm apart, folded
//! into a sphere of radius 2 nm), then water as O, H, H triplets with TIP3P geometry (O–H 0.09572
//! nm, H–O–H 104.52°) on a jittered lattice at liquid density. From frame to frame the protein atoms
//! fluctuate about their positions, and every water molecule takes a small random step, turns a
//! little and is wrapped back into the box as a whole. 25,546 atoms × 500 frames 10 ps apart,
//! precision 1000 (0.001 nm): 57 MB, written with molly's `XTCWriter`. A fixed seed makes every
//! run write the same bytes.
//!
//! ```sh
//! cargo run --release -p molsig-io --example write_bench_xtc -- target/bench/bench.xtc
//! # a ~1 GB file and a matching GRO topology, for the browser's large-file test:
//! cargo run --release -p molsig-io --example write_bench_xtc -- big.xtc --frames 9000 --gro big.gro
//! ```

use molsig_rng::SplitMix64;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

/// Frames written unless `--frames` says otherwise.
pub const NFRAMES: usize = 500;
/// XTC precision: coordinates are stored as multiples of 1/1000 nm.
pub const PRECISION: f32 = 1000.0;
/// Water lattice points per box edge.
const GRID: usize = 21;
/// Lattice spacing in nm: about 33 waters per nm³, liquid density.
const SPACING: f32 = 0.31;
/// Radius of the protein blob in nm; the lattice leaves a shell of 0.25 nm around it free.
const PROTEIN_RADIUS: f32 = 2.0;
const OH: f32 = 0.095_72;
const HOH_DEGREES: f32 = 104.52;
const SEED: u64 = 0x6d6f_6c73_6967_0001;

/// What [`write`] wrote.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    /// Atoms per frame.
    pub natoms: usize,
    /// Atoms of the protein, which come first.
    pub protein_atoms: usize,
    /// Frames.
    pub nframes: usize,
    /// File size in bytes.
    pub bytes: u64,
}

/// Approximately standard normal (Irwin–Hall: four uniforms, rescaled to unit variance).
fn normal(rng: &mut SplitMix64) -> f32 {
    let s: f32 = (0..4).map(|_| rng.uniform() as f32).sum();
    (s - 2.0) * 3.0_f32.sqrt()
}

/// A random direction.
fn unit(rng: &mut SplitMix64) -> [f32; 3] {
    loop {
        let v = [normal(rng), normal(rng), normal(rng)];
        let n = norm(v);
        if n > 1e-3 {
            return v.map(|c| c / n);
        }
    }
}

fn norm(v: [f32; 3]) -> f32 {
    (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt()
}

fn add(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

fn scale(a: [f32; 3], s: f32) -> [f32; 3] {
    a.map(|c| c * s)
}

fn cross(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn dot(a: [f32; 3], b: [f32; 3]) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Rotates `v` by `angle` (radians) about the unit vector `axis` (Rodrigues' formula).
fn rotate(v: [f32; 3], axis: [f32; 3], angle: f32) -> [f32; 3] {
    let (s, c) = angle.sin_cos();
    let k = cross(axis, v);
    let d = dot(axis, v) * (1.0 - c);
    [
        v[0] * c + k[0] * s + axis[0] * d,
        v[1] * c + k[1] * s + axis[1] * d,
        v[2] * c + k[2] * s + axis[2] * d,
    ]
}

/// One rigid water: oxygen position and the two O→H vectors.
struct Water {
    o: [f32; 3],
    h1: [f32; 3],
    h2: [f32; 3],
}

/// Box edge in nm.
fn box_len() -> f32 {
    GRID as f32 * SPACING
}

/// The starting configuration: protein chain, then waters.
fn build(rng: &mut SplitMix64) -> (Vec<[f32; 3]>, Vec<Water>) {
    let l = box_len();
    let center = [l / 2.0; 3];
    let half_angle = HOH_DEGREES.to_radians() / 2.0;
    let mut waters = Vec::new();
    for i in 0..GRID {
        for j in 0..GRID {
            for k in 0..GRID {
                let o = [i, j, k].map(|n| (n as f32 + 0.5) * SPACING + rng.range(-0.04, 0.04));
                let r = norm(add(o, scale(center, -1.0)));
                if r < PROTEIN_RADIUS + 0.25 {
                    continue;
                }
                // The H–O–H plane: a random bisector and a random direction perpendicular to it.
                let bisector = unit(rng);
                let other = unit(rng);
                let across = cross(bisector, other);
                let across = scale(across, 1.0 / norm(across).max(1e-6));
                let along = scale(bisector, OH * half_angle.cos());
                let side = scale(across, OH * half_angle.sin());
                waters.push(Water {
                    o,
                    h1: add(along, side),
                    h2: add(along, scale(side, -1.0)),
                });
            }
        }
    }
    // The protein is a tenth of the system, as in a typical solvated globular protein.
    let protein_atoms = waters.len() * 3 / 9;
    let mut protein = Vec::with_capacity(protein_atoms);
    let mut p = center;
    for _ in 0..protein_atoms {
        protein.push(p);
        // A bonded step; steps leaving the sphere are retried, then pulled toward the center.
        let mut next = None;
        for _ in 0..20 {
            let q = add(p, scale(unit(rng), rng.range(0.10, 0.153)));
            if norm(add(q, scale(center, -1.0))) < PROTEIN_RADIUS {
                next = Some(q);
                break;
            }
        }
        p = next.unwrap_or_else(|| {
            let inward = add(center, scale(p, -1.0));
            add(p, scale(inward, 0.12 / norm(inward).max(1e-6)))
        });
    }
    (protein, waters)
}

/// Writes the benchmark trajectory to `path`.
///
/// # Errors
///
/// When the file cannot be created or written.
pub fn write(path: &Path, nframes: usize, gro: Option<&Path>) -> std::io::Result<Summary> {
    let mut rng = SplitMix64::new(SEED);
    let (protein, mut waters) = build(&mut rng);
    let natoms = protein.len() + 3 * waters.len();
    let l = box_len();
    let mut displacement = vec![[0.0f32; 3]; protein.len()];
    let mut writer = molly::XTCWriter::new(BufWriter::new(File::create(path)?));
    let protein_atoms = protein.len();
    let mut frame = molly::Frame {
        step: 0,
        time: 0.0,
        boxvec: [l, 0.0, 0.0, 0.0, l, 0.0, 0.0, 0.0, l],
        precision: PRECISION,
        positions: Vec::with_capacity(3 * natoms),
    };
    for f in 0..nframes {
        frame.step = 5000 * f as u32;
        frame.time = 10.0 * f as f32;
        frame.positions.clear();
        // Protein: each atom fluctuates about its place (an Ornstein–Uhlenbeck walk, rms ≈ 0.03 nm).
        for (p, d) in protein.iter().zip(&mut displacement) {
            for c in d.iter_mut() {
                *c = 0.95 * *c + 0.01 * normal(&mut rng);
            }
            frame.positions.extend(add(*p, *d));
        }
        // Water: a random step of the whole molecule, a small turn, and wrapping into the box.
        for w in &mut waters {
            for k in 0..3 {
                w.o[k] += 0.03 * normal(&mut rng);
                if w.o[k] < 0.0 {
                    w.o[k] += l;
                } else if w.o[k] >= l {
                    w.o[k] -= l;
                }
            }
            let axis = unit(&mut rng);
            let angle = 0.15 * normal(&mut rng);
            w.h1 = rotate(w.h1, axis, angle);
            w.h2 = rotate(w.h2, axis, angle);
            frame.positions.extend(w.o);
            frame.positions.extend(add(w.o, w.h1));
            frame.positions.extend(add(w.o, w.h2));
        }
        if f == 0
            && let Some(gro) = gro
        {
            write_gro(gro, &frame, protein_atoms)?;
        }
        writer.write_frame(&frame)?;
    }
    writer.file.flush()?;
    Ok(Summary {
        natoms,
        protein_atoms: protein.len(),
        nframes,
        bytes: std::fs::metadata(path)?.len(),
    })
}

/// A GRO topology of `frame`: the protein as a C-alpha trace (one ALA residue per atom), then
/// SOL waters (OW, HW1, HW2), so molsig can read the XTC against it.
fn write_gro(path: &Path, frame: &molly::Frame, protein_atoms: usize) -> std::io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    let natoms = frame.positions.len() / 3;
    writeln!(out, "molsig benchmark system t= 0.00000 step= 0")?;
    writeln!(out, "{natoms:5}")?;
    for (i, p) in frame.positions.chunks_exact(3).enumerate() {
        let (resnr, resname, name) = if i < protein_atoms {
            (i + 1, "ALA", "CA")
        } else {
            let w = (i - protein_atoms) / 3;
            (
                protein_atoms + w + 1,
                "SOL",
                ["OW", "HW1", "HW2"][(i - protein_atoms) % 3],
            )
        };
        writeln!(
            out,
            "{:5}{resname:<5}{name:>5}{:5}{:8.3}{:8.3}{:8.3}",
            resnr % 100_000,
            (i + 1) % 100_000,
            p[0],
            p[1],
            p[2]
        )?;
    }
    let l = frame.boxvec[0];
    writeln!(out, "{l:10.5}{l:10.5}{l:10.5}")?;
    out.flush()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usage = "usage: write_bench_xtc OUT.xtc [--frames N] [--gro OUT.gro]";
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().ok_or(usage)?;
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let nframes = option("--frames")
        .map_or(Ok(NFRAMES), |n| n.parse())
        .map_err(|_| usage)?;
    let gro = option("--gro").map(Path::new);
    let start = Instant::now();
    let s = write(Path::new(&path), nframes, gro)?;
    eprintln!(
        "wrote {}: {} atoms ({} protein, {} waters) × {} frames, {:.1} MB, in {:.1} s",
        Path::new(&path).display(),
        s.natoms,
        s.protein_atoms,
        (s.natoms - s.protein_atoms) / 3,
        s.nframes,
        s.bytes as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
