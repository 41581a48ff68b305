//! Bonds in real periodic systems and in degenerate frames: peptide links across a triclinic box
//! (`MDAnalysis`'s `adk_oplsaa`, protein atoms, as PDB and GRO), and the neighbour cap of the
//! distance fallback.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use molsig_io::bonds::{BondOptions, MAX_DISTANCE_PARTNERS, infer_bonds_with_summary};
use molsig_io::gro::read_gro;
use molsig_io::pdb::{PdbOptions, StructureFile, read_pdb};
use molsig_io::{Atom, Frame, Residue, Topology};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

/// Whether C of residue `seq` is bonded to N of residue `seq + 1`, and the peptide link count.
fn peptide_links(file: &StructureFile, seqs: &[i64]) -> (Vec<bool>, usize) {
    let (graph, summary) =
        infer_bonds_with_summary(&file.topology, &file.frames[0], &BondOptions::default());
    let atom = |seq: i64, name: &str| {
        let residue = file
            .topology
            .residues
            .iter()
            .find(|r| r.seq == seq)
            .unwrap();
        residue
            .atoms
            .clone()
            .find(|&i| file.topology.atoms[i].name == name)
            .unwrap()
    };
    let linked = seqs
        .iter()
        .map(|&s| graph.has_edge(atom(s, "C"), atom(s + 1, "N")))
        .collect();
    (linked, summary.peptide)
}

/// `tests/fixtures/adk_oplsaa_protein.{pdb,gro}`: the 3341 protein atoms (214 residues, one
/// chain) of `MDAnalysisTests`' `adk_oplsaa.pdb` / `.gro` with their box (CRYST1 80.017 80.017
/// 80.017 60 60 90; the GRO's triclinic box line). Reference, computed once with `MDAnalysis` 2.11.0
/// (`calc_bonds` of each C(i), N(i+1) pair with and without `box=u.dimensions`): all 213 links
/// are 1.33–1.34 Å under the minimum image; without it, those after residues 124, 129 and 156 are
/// 79.35, 79.62 and 79.65 Å long (minimum image 1.3352, 1.3351, 1.3347 Å in the PDB; 1.3343,
/// 1.3301, 1.3270 Å in the GRO).
#[test]
fn peptide_links_across_a_triclinic_box_use_the_minimum_image() {
    let across = [124, 129, 156];
    let pdb = read_pdb(
        &fixture("adk_oplsaa_protein.pdb"),
        "adk_oplsaa_protein.pdb",
        &PdbOptions::default(),
    )
    .unwrap();
    let gro = read_gro(&fixture("adk_oplsaa_protein.gro"), "adk_oplsaa_protein.gro").unwrap();
    for mut file in [pdb, gro] {
        assert_eq!(file.topology.len(), 3341);
        assert_eq!(file.topology.residues.len(), 214);
        assert!(file.topology.box_vectors.is_some());
        assert_eq!(peptide_links(&file, &across), (vec![true; 3], 213));
        // The same atoms without a box: the three links across it are missed.
        file.topology.box_vectors = None;
        file.frames[0].box_vectors = None;
        assert_eq!(peptide_links(&file, &across), (vec![false; 3], 210));
    }
}

/// Atoms of one untemplated residue, all of element `element`, at `positions`.
fn ligand(element: &str, positions: &[[f32; 3]]) -> (Topology, Frame) {
    let atoms = (0..positions.len())
        .map(|i| Atom {
            serial: i as i64 + 1,
            name: format!("{element}{i}"),
            element: element.to_owned(),
            residue: 0,
            altloc: ' ',
            occupancy: 1.0,
            b_factor: 0.0,
            hetero: true,
        })
        .collect();
    let topology = Topology {
        atoms,
        residues: vec![Residue {
            name: "LIG".to_owned(),
            seq: 1,
            icode: ' ',
            chain: "A".to_owned(),
            atoms: 0..positions.len(),
        }],
        explicit_bonds: Vec::new(),
        box_vectors: None,
    };
    let mut frame = Frame::default();
    for &p in positions {
        frame.push(p);
    }
    (topology, frame)
}

/// 2,000 carbons on one point would all be "bonded" (1,999,000 bonds); the cap keeps each to
/// its [`MAX_DISTANCE_PARTNERS`] nearest.
#[test]
fn colocated_atoms_get_a_bounded_number_of_bonds() {
    let n = 2000;
    let (topology, frame) = ligand("C", &vec![[1.0, 1.0, 1.0]; n]);
    let (graph, summary) = infer_bonds_with_summary(&topology, &frame, &BondOptions::default());
    let most = (0..n).map(|i| graph.degree(i)).max().unwrap();
    assert_eq!(most, MAX_DISTANCE_PARTNERS);
    assert_eq!(summary.distance, graph.num_bonds());
    assert!(
        graph.num_bonds() <= n * MAX_DISTANCE_PARTNERS / 2,
        "{}",
        graph.num_bonds()
    );
    assert!(graph.num_bonds() >= n, "{}", graph.num_bonds());
}

/// A carbon with eight carbons in bonding distance (0.140 to 0.175 nm, on axes and two
/// diagonals) bonds to the six nearest.
#[test]
fn the_cap_keeps_the_nearest_partners() {
    let s = std::f32::consts::FRAC_1_SQRT_2;
    let mut positions = vec![[0.0, 0.0, 0.0]];
    let directions = [
        [1.0, 0.0, 0.0],
        [-1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, -1.0, 0.0],
        [0.0, 0.0, 1.0],
        [0.0, 0.0, -1.0],
        [s, s, 0.0],
        [-s, -s, 0.0],
    ];
    for (k, d) in directions.iter().enumerate() {
        let r = 0.140 + 0.005 * k as f32;
        positions.push(d.map(|v| v * r));
    }
    let (topology, frame) = ligand("C", &positions);
    let (graph, _) = infer_bonds_with_summary(&topology, &frame, &BondOptions::default());
    assert_eq!(graph.neighbours(0), &[1, 2, 3, 4, 5, 6]);
}
