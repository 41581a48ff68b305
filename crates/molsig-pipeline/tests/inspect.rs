//! The inspection natively on the bundled demo (real `OpenMM` output): counts from the
//! files, radius of gyration against a plain loop over an independent read (molly), and the
//! CPU and wgpu (lavapipe in CI) backends agreeing.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Cursor;

use burn::prelude::Device;
use molsig_pipeline::inspect::{Inspection, inspect, load_system};

const PDB: &[u8] = include_bytes!("../../../web/demo/demo.pdb");
const XTC: &[u8] = include_bytes!("../../../web/demo/demo.xtc");

fn run(selection: &str, device: &Device) -> Inspection {
    let system = load_system("demo.pdb", PDB, selection).expect("topology");
    pollster::block_on(inspect(
        &system,
        Some(("demo.xtc", Cursor::new(XTC))),
        device,
    ))
    .expect("inspect")
}

/// CA radius of gyration of every frame, from molly's reader and a textbook loop.
fn reference_ca_rg() -> Vec<f64> {
    let text = String::from_utf8_lossy(PDB);
    let ca: Vec<usize> = text
        .lines()
        .filter(|l| l.starts_with("ATOM") || l.starts_with("HETATM"))
        .enumerate()
        .filter(|(_, l)| l.get(12..16).map(str::trim) == Some("CA"))
        .map(|(i, _)| i)
        .collect();
    let frames = molly::XTCReader::new(Cursor::new(XTC))
        .read_all_frames()
        .expect("molly");
    frames
        .iter()
        .map(|f| {
            let p: Vec<[f64; 3]> = ca
                .iter()
                .map(|&i| [0, 1, 2].map(|k| f64::from(f.positions[3 * i + k])))
                .collect();
            let n = p.len() as f64;
            let c = [0, 1, 2].map(|k| p.iter().map(|q| q[k]).sum::<f64>() / n);
            (p.iter()
                .map(|q| (0..3).map(|k| (q[k] - c[k]).powi(2)).sum::<f64>())
                .sum::<f64>()
                / n)
                .sqrt()
        })
        .collect()
}

#[test]
fn demo_counts_and_gyration_match_independent_reads() {
    let got = run("ca", &Device::flex());
    let atoms = String::from_utf8_lossy(PDB)
        .lines()
        .filter(|l| l.starts_with("ATOM") || l.starts_with("HETATM"))
        .count();
    assert_eq!(got.atoms, atoms);
    assert_eq!(got.residues, 12);
    assert_eq!(got.selected, 10, "Ace-AAKAAEAAKA-NMe has ten CA atoms");
    assert_eq!(got.selected_bonds, 9, "CA trace of one chain is a path");
    let reference = reference_ca_rg();
    assert_eq!(got.frames, reference.len());
    for (g, r) in got.radius_of_gyration.iter().zip(&reference) {
        assert!((f64::from(*g) - r).abs() < 1e-5, "{g} vs {r}");
    }
    assert!(
        got.first_frame_pdb
            .lines()
            .filter(|l| l.starts_with("ATOM") || l.starts_with("HETATM"))
            .count()
            == atoms
    );
}

#[test]
fn wgpu_agrees_with_cpu() {
    let (device, setup) = Device::wgpu_options()
        .init_with_setup()
        .expect("a wgpu adapter (lavapipe in CI)");
    println!("wgpu adapter: {}", setup.adapter.get_info().name);
    let gpu = run("backbone", &device);
    let cpu = run("backbone", &Device::flex());
    assert_eq!(gpu.selected, cpu.selected);
    for (g, c) in gpu.radius_of_gyration.iter().zip(&cpu.radius_of_gyration) {
        assert!((g - c).abs() < 1e-5, "{g} vs {c}");
    }
}

#[test]
fn mismatched_files_name_both_counts() {
    let system = load_system("demo.pdb", PDB, "all").expect("topology");
    let mut small = Vec::new();
    let mut w = molly::XTCWriter::new(&mut small);
    let frame = molly::Frame {
        positions: vec![0.5; 30],
        ..molly::Frame::default()
    };
    w.write_frame(&frame).expect("write");
    let err = pollster::block_on(inspect(
        &system,
        Some(("other.xtc", Cursor::new(&small[..]))),
        &Device::flex(),
    ))
    .expect_err("mismatch");
    let msg = err.to_string();
    assert!(
        msg.contains("other.xtc has 10 atoms") && msg.contains(&system.topology.len().to_string()),
        "{msg}"
    );
}

/// What the page's inspection reports about a selection is what training reads: the same
/// points and the same bonds, so a file that passes the check trains.
#[test]
fn inspection_and_training_select_the_same_graph() {
    use molsig_model::data::{InputOptions, Molecule};
    for selection in ["all", "heavy", "backbone", "ca", "residue-centroids"] {
        let system = load_system("demo.pdb", PDB, selection).expect("topology");
        let options = InputOptions {
            selection: selection.into(),
            ..InputOptions::default()
        };
        let molecule = Molecule::read(PDB, "demo.pdb", &options).expect("training reads it");
        assert_eq!(molecule.len(), system.selected.len(), "{selection}");
        assert_eq!(
            molecule.graph.edges.len(),
            system.selected.graph.num_bonds(),
            "{selection}"
        );
    }
}

/// A trajectory cut short inside a frame is inspected up to its last complete frame, with the
/// reader's warning: the same radius of gyration as the whole file's first frames.
#[test]
fn a_cut_trajectory_is_inspected_up_to_its_last_frame_with_a_warning() {
    let whole = run("ca", &Device::flex());
    let system = load_system("demo.pdb", PDB, "ca").expect("topology");
    let cut = pollster::block_on(inspect(
        &system,
        Some(("demo.xtc", Cursor::new(&XTC[..XTC.len() / 2]))),
        &Device::flex(),
    ))
    .expect("a cut file is read");
    assert!(
        cut.frames > 0 && cut.frames < whole.frames,
        "{}",
        cut.frames
    );
    for (c, w) in cut.radius_of_gyration.iter().zip(&whole.radius_of_gyration) {
        assert!((c - w).abs() < 1e-6, "{c} vs {w}");
    }
    assert_eq!(cut.radius_of_gyration.len(), cut.frames);
    let warning = cut.warnings.last().map_or("", String::as_str);
    assert!(
        warning.starts_with("demo.xtc: truncated: the data stops at byte")
            && warning.ends_with(&format!(
                "read the {} complete frames, 0 to {}",
                cut.frames,
                cut.frames - 1
            )),
        "{warning}"
    );
    assert_eq!(cut.warnings.len(), whole.warnings.len() + 1);
}
