//! Selections on hand-built topologies: atom sets, restricted graphs that keep chains connected,
//! centroid averaging, water/ion stripping, labels and error messages.

use molsig_io::bonds::{BondGraph, BondOptions, infer_bonds};
use molsig_io::selection::{Selected, Selection, SelectionOptions, select, select_with_positions};
use molsig_io::{Error, Frame};

mod common;

use common::{AtomSpec, System};

impl System {
    fn bonds(&self) -> BondGraph {
        infer_bonds(&self.topology, &self.frame, &BondOptions::default())
    }

    fn select(&self, selection: Selection) -> Selected {
        select(
            &self.topology,
            &self.bonds(),
            selection,
            &SelectionOptions::default(),
        )
        .expect("selects")
    }

    /// Positions of the selected atoms, as a trajectory reader would return them.
    fn read(&self, atoms: &[usize]) -> Frame {
        let mut frame = Frame {
            time: 12.5,
            step: 250,
            ..Frame::default()
        };
        for &a in atoms {
            frame.push(self.frame.position(a).expect("atom has a position"));
        }
        frame
    }
}

const NO_SHIFT: [f32; 3] = [0.0; 3];

// Ideal-geometry ALA-GLY-SER, heavy atoms only (nm).
const ALA: &[AtomSpec] = &[
    ("N", "N", [0.0000, 0.0000, 0.0000]),
    ("CA", "C", [0.1458, 0.0000, 0.0000]),
    ("C", "C", [0.2005, 0.0712, -0.1233]),
    ("O", "O", [0.1528, 0.0488, -0.2346]),
    ("CB", "C", [0.1994, -0.1432, 0.0063]),
];
const GLY: &[AtomSpec] = &[
    ("N", "N", [0.3002, 0.1565, -0.1024]),
    ("CA", "C", [0.3614, 0.2310, -0.2117]),
    ("C", "C", [0.4522, 0.1412, -0.2950]),
    ("O", "O", [0.5172, 0.0513, -0.2416]),
];
const SER: &[AtomSpec] = &[
    ("N", "N", [0.4559, 0.1663, -0.4255]),
    ("CA", "C", [0.5387, 0.0877, -0.5163]),
    ("C", "C", [0.6868, 0.1161, -0.4936]),
    ("O", "O", [0.7191, 0.2349, -0.4717]),
    ("CB", "C", [0.5011, 0.1168, -0.6617]),
    ("OG", "O", [0.5196, 0.2542, -0.6926]),
    ("OXT", "O", [0.7647, 0.0185, -0.4988]),
];

fn tripeptide(ser_shift: [f32; 3]) -> System {
    let mut s = System::default();
    s.residue_shifted("ALA", 1, "A", ALA, NO_SHIFT)
        .residue_shifted("GLY", 2, "A", GLY, NO_SHIFT)
        .residue_shifted("SER", 3, "A", SER, ser_shift);
    s
}

fn edges(selected: &Selected) -> Vec<[usize; 2]> {
    selected.graph.edges().collect()
}

#[test]
fn calpha_of_a_tripeptide_is_a_path() {
    let s = tripeptide(NO_SHIFT);
    let ca = s.select(Selection::CAlpha);
    assert_eq!(ca.atoms, vec![1, 6, 10]);
    assert_eq!(ca.groups, None);
    assert_eq!(ca.len(), 3);
    assert_eq!(ca.graph.num_atoms(), 3);
    assert_eq!(edges(&ca), vec![[0, 1], [1, 2]]);
    assert!(ca.graph.is_connected());
    assert_eq!(ca.labels, vec!["A:ALA1:CA", "A:GLY2:CA", "A:SER3:CA"]);
}

#[test]
fn backbone_keeps_residue_and_peptide_links() {
    let s = tripeptide(NO_SHIFT);
    let bb = s.select(Selection::Backbone);
    // N CA C O of each residue (OXT, CB, OG excluded).
    assert_eq!(bb.atoms, vec![0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12]);
    // Per residue N-CA, CA-C, C-O (9) plus two peptide bonds.
    assert_eq!(
        edges(&bb),
        vec![
            [0, 1],
            [1, 2],
            [2, 3],
            [2, 4],
            [4, 5],
            [5, 6],
            [6, 7],
            [6, 8],
            [8, 9],
            [9, 10],
            [10, 11]
        ]
    );
    assert!(bb.graph.is_connected());
    assert_eq!(bb.labels[4], "A:GLY2:N");
}

#[test]
fn chain_break_splits_backbone_and_calpha() {
    // SER moved 1 nm away: no peptide bond, CA(2)–CA(3) far apart.
    let s = tripeptide([1.0, 0.0, 0.0]);
    let ca = s.select(Selection::CAlpha);
    assert_eq!(edges(&ca), vec![[0, 1]]);
    assert_eq!(ca.graph.components().len(), 2);
    let bb = s.select(Selection::Backbone);
    assert_eq!(bb.graph.num_bonds(), 10);
    assert_eq!(bb.graph.components().len(), 2);
}

#[test]
fn calpha_only_models_link_by_distance() {
    // A Cα trace has no peptide bonds; with positions, consecutive Cα closer than 0.42 nm link.
    let mut s = System::default();
    for (k, x) in [0.0f32, 0.38, 0.76, 2.0].into_iter().enumerate() {
        s.residue_shifted(
            "ALA",
            k as i64 + 1,
            "A",
            &[("CA", "C", [0.0; 3])],
            [x, 0.0, 0.0],
        );
    }
    let bonds = s.bonds();
    assert_eq!(bonds.num_bonds(), 0);
    let options = SelectionOptions::default();
    let without = select(&s.topology, &bonds, Selection::CAlpha, &options).expect("selects");
    assert_eq!(without.graph.num_bonds(), 0);
    let with = select_with_positions(&s.topology, &bonds, &s.frame, Selection::CAlpha, &options)
        .expect("selects");
    assert_eq!(edges(&with), vec![[0, 1], [1, 2]]);
}

#[test]
fn residue_centroids_average_heavy_atoms() {
    let mut s = System::default();
    s.residue_shifted(
        "ALA",
        7,
        "B",
        &[
            ("N", "N", [0.0, 0.0, 0.0]),
            ("H", "H", [-0.1, 0.0, 0.0]),
            ("CA", "C", [0.3, 0.0, 0.0]),
            ("C", "C", [0.3, 0.6, 0.0]),
        ],
        NO_SHIFT,
    )
    .residue_shifted(
        "GLY",
        8,
        "B",
        &[("N", "N", [0.3, 0.75, 0.0]), ("CA", "C", [0.5, 0.75, 0.9])],
        NO_SHIFT,
    )
    .residue_shifted("HOH", 9, "W", &[("O", "O", [5.0, 5.0, 5.0])], NO_SHIFT);
    let bonds = BondGraph::from_edges(7, [[0, 1], [0, 2], [2, 3], [3, 4], [4, 5]]);
    let beads = select(
        &s.topology,
        &bonds,
        Selection::ResidueCentroids,
        &SelectionOptions::default(),
    )
    .expect("selects");
    // Hydrogen 1 and the water are not read.
    assert_eq!(beads.atoms, vec![0, 2, 3, 4, 5]);
    assert_eq!(beads.groups, Some(vec![vec![0, 1, 2], vec![3, 4]]));
    assert_eq!(beads.len(), 2);
    assert_eq!(beads.labels, vec!["B:ALA7", "B:GLY8"]);
    assert_eq!(edges(&beads), vec![[0, 1]]);

    let read = s.read(&beads.atoms);
    let mut out = Frame::default();
    beads.apply(&read, &mut out).expect("applies");
    assert_eq!(out.len(), 2);
    let close = |a: f32, b: f32| (a - b).abs() < 1e-6;
    // (0 + 0.3 + 0.3) / 3, (0 + 0 + 0.6) / 3, 0
    assert!(
        close(out.x[0], 0.2) && close(out.y[0], 0.2) && close(out.z[0], 0.0),
        "{out:?}"
    );
    // (0.3 + 0.5) / 2, 0.75, 0.45
    assert!(
        close(out.x[1], 0.4) && close(out.y[1], 0.75) && close(out.z[1], 0.45),
        "{out:?}"
    );
    assert!(close(out.time, 12.5));
    assert_eq!(out.step, 250);

    // Wrong number of positions is an error, not a panic.
    let short = s.read(&beads.atoms[..2]);
    assert!(matches!(
        beads.apply(&short, &mut out),
        Err(Error::Mismatch { .. })
    ));
}

#[test]
fn atom_selections_copy_positions_through_apply() {
    let s = tripeptide(NO_SHIFT);
    let ca = s.select(Selection::CAlpha);
    let read = s.read(&ca.atoms);
    let mut out = Frame::default();
    ca.apply(&read, &mut out).expect("applies");
    assert_eq!(out.x, read.x);
    assert_eq!(out.z, vec![0.0, -0.2117, -0.5163]);
}

/// Tripeptide with hydrogens on ALA, two waters (one TIP4P with a virtual site) and two ions.
fn solvated() -> System {
    let mut s = System::default();
    s.residue_shifted(
        "ALA",
        1,
        "A",
        &[
            ("N", "N", [0.0000, 0.0000, 0.0000]),
            ("H", "H", [-0.0337, 0.0952, 0.0000]),
            ("CA", "C", [0.1458, 0.0000, 0.0000]),
            ("HA", "H", [0.1822, 0.0544, 0.0871]),
            ("C", "C", [0.2005, 0.0712, -0.1233]),
            ("O", "O", [0.1528, 0.0488, -0.2346]),
            ("CB", "C", [0.1994, -0.1432, 0.0063]),
        ],
        NO_SHIFT,
    )
    .residue_shifted("GLY", 2, "A", GLY, NO_SHIFT)
    .residue_shifted("SER", 3, "A", SER, NO_SHIFT)
    .residue_shifted(
        "HOH",
        4,
        "W",
        &[
            ("O", "O", [2.0, 0.0, 0.0]),
            ("H1", "H", [2.0957, 0.0, 0.0]),
            ("H2", "H", [1.976, 0.0927, 0.0]),
        ],
        NO_SHIFT,
    )
    .residue_shifted(
        "TIP4",
        5,
        "W",
        &[
            ("OW", "O", [3.0, 0.0, 0.0]),
            ("HW1", "H", [3.0957, 0.0, 0.0]),
            ("HW2", "H", [2.976, 0.0927, 0.0]),
            ("MW", "X", [3.0107, 0.0106, 0.0]),
        ],
        NO_SHIFT,
    )
    .residue_shifted("NA", 6, "I", &[("NA", "Na", [4.0, 0.0, 0.0])], NO_SHIFT)
    .residue_shifted("CLA", 7, "I", &[("CLA", "Cl", [5.0, 0.0, 0.0])], NO_SHIFT);
    s
}

#[test]
fn water_and_ions_are_stripped_by_default() {
    let s = solvated();
    assert_eq!(s.topology.len(), 27);
    let bonds = s.bonds();
    let strip = SelectionOptions::default();
    let keep = SelectionOptions {
        strip_water_and_ions: false,
    };

    let all = select(&s.topology, &bonds, Selection::All, &strip).expect("selects");
    assert_eq!(all.atoms, (0..18).collect::<Vec<_>>());
    assert!(all.graph.is_connected());
    assert_eq!(all.graph.num_bonds(), 17);

    let everything = select(&s.topology, &bonds, Selection::All, &keep).expect("selects");
    assert_eq!(everything.atoms, (0..27).collect::<Vec<_>>());
    // Protein, HOH, TIP4 (its MW alone), NA, CLA.
    assert_eq!(everything.graph.components().len(), 6);

    let heavy = select(&s.topology, &bonds, Selection::Heavy, &strip).expect("selects");
    assert_eq!(
        heavy.atoms,
        vec![0, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
    );
    assert!(heavy.graph.is_connected());
    assert_eq!(heavy.graph.num_bonds(), 15);

    let heavy_kept = select(&s.topology, &bonds, Selection::Heavy, &keep).expect("selects");
    // Adds O, OW, MW (element X, not a hydrogen), NA, CLA.
    assert_eq!(heavy_kept.atoms.len(), 21);

    let protein = select(&s.topology, &bonds, Selection::Protein, &keep).expect("selects");
    assert_eq!(protein.atoms, (0..18).collect::<Vec<_>>());

    let beads = select(&s.topology, &bonds, Selection::ResidueCentroids, &strip).expect("selects");
    assert_eq!(beads.len(), 3);
    assert_eq!(edges(&beads), vec![[0, 1], [1, 2]]);
    let beads_kept =
        select(&s.topology, &bonds, Selection::ResidueCentroids, &keep).expect("selects");
    assert_eq!(beads_kept.len(), 7);
    assert_eq!(beads_kept.labels[5], "I:NA6");
}

#[test]
fn caps_are_protein_and_join_the_backbone() {
    let mut s = System::default();
    s.residue_shifted(
        "ACE",
        0,
        "A",
        &[
            ("CH3", "C", [-0.2, 0.0, 0.0]),
            ("C", "C", [-0.1, 0.08, 0.0]),
            ("O", "O", [-0.1, 0.2, 0.0]),
        ],
        [0.0, 0.0, 0.0],
    )
    .residue_shifted("ALA", 1, "A", ALA, [0.033, 0.0, 0.0]);
    // Cap C at (-0.1, 0.08, 0), ALA N at (0.033, 0, 0): 0.155 nm apart, peptide-bonded.
    let bonds = s.bonds();
    assert!(bonds.has_edge(1, 3));
    let bb = s.select(Selection::Backbone);
    assert_eq!(bb.atoms, vec![1, 2, 3, 4, 5, 6]);
    assert!(bb.graph.is_connected());
    let ca = s.select(Selection::CAlpha);
    assert_eq!(ca.atoms, vec![4]);
    let protein = s.select(Selection::Protein);
    assert_eq!(protein.atoms.len(), 8);
}

#[test]
fn empty_selection_explains_itself() {
    let mut s = System::default();
    s.residue_shifted(
        "LIG",
        1,
        "L",
        &[("C1", "C", [0.0; 3]), ("C2", "C", [0.15, 0.0, 0.0])],
        NO_SHIFT,
    )
    .residue_shifted("HOH", 2, "W", &[("O", "O", [1.0, 0.0, 0.0])], NO_SHIFT);
    let bonds = s.bonds();
    let err = select(
        &s.topology,
        &bonds,
        Selection::Protein,
        &SelectionOptions::default(),
    )
    .expect_err("no protein");
    assert!(matches!(err, Error::Mismatch { .. }));
    assert_eq!(
        err.to_string(),
        "selection 'protein' matched no atoms: this file has residues LIG, HOH; try 'heavy' or 'all'"
    );

    let mut water = System::default();
    water.residue_shifted("HOH", 1, "W", &[("O", "O", [0.0; 3])], NO_SHIFT);
    let err = select(
        &water.topology,
        &water.bonds(),
        Selection::All,
        &SelectionOptions::default(),
    )
    .expect_err("only water");
    let message = err.to_string();
    assert!(
        message.starts_with("selection 'all' matched no atoms: this file has residues HOH;"),
        "{message}"
    );
    assert!(message.contains("only water and ions"), "{message}");

    // A graph that does not cover the topology is refused.
    let err = select(
        &s.topology,
        &BondGraph::from_edges(2, []),
        Selection::All,
        &SelectionOptions::default(),
    )
    .expect_err("size mismatch");
    assert!(
        err.to_string()
            .contains("bond graph has 2 atoms but the topology has 3")
    );
}

#[test]
fn selection_names_round_trip() {
    for selection in Selection::VARIANTS {
        assert_eq!(
            selection.to_string().parse::<Selection>().expect("parses"),
            selection
        );
    }
    assert_eq!(
        "CA".parse::<Selection>().expect("parses"),
        Selection::CAlpha
    );
    assert_eq!(
        " Residue-Centroids ".parse::<Selection>().expect("parses"),
        Selection::ResidueCentroids
    );
    let names: Vec<String> = Selection::VARIANTS
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        names,
        [
            "all",
            "heavy",
            "protein",
            "backbone",
            "ca",
            "residue-centroids"
        ]
    );
    let err = "sidechain".parse::<Selection>().expect_err("unknown");
    assert_eq!(
        err.to_string(),
        "unknown selection 'sidechain': valid selections are all, heavy, protein, backbone, ca, residue-centroids"
    );
}

#[test]
fn labels_without_chain_or_with_insertion_code() {
    let mut s = System::default();
    s.residue_shifted("GLY", 52, "", GLY, NO_SHIFT);
    s.topology.residues[0].icode = 'A';
    let ca = s.select(Selection::CAlpha);
    assert_eq!(ca.labels, vec!["GLY52A:CA"]);
}

#[test]
fn selected_points_become_a_topology_for_the_viewer() {
    let s = tripeptide(NO_SHIFT);
    let ca = s.select(Selection::CAlpha);
    let t = ca.topology(&s.topology);
    let names: Vec<(&str, &str, i64)> = t
        .atoms
        .iter()
        .map(|a| {
            let r = &t.residues[a.residue];
            (a.name.as_str(), r.name.as_str(), r.seq)
        })
        .collect();
    assert_eq!(
        names,
        vec![("CA", "ALA", 1), ("CA", "GLY", 2), ("CA", "SER", 3)]
    );
    assert_eq!(
        t.residues
            .iter()
            .map(|r| r.atoms.clone())
            .collect::<Vec<_>>(),
        vec![0..1, 1..2, 2..3]
    );
    let bb = s.select(Selection::Backbone).topology(&s.topology);
    assert_eq!(bb.len(), 12);
    assert_eq!(bb.residues.len(), 3);
    assert_eq!(bb.residues[1].atoms, 4..8);
    assert!(bb.atoms[4..8].iter().all(|a| a.residue == 1));
    let centroids = s.select(Selection::ResidueCentroids).topology(&s.topology);
    assert_eq!(centroids.len(), 3);
    assert!(centroids.atoms.iter().all(|a| a.name == "CEN"));
    assert_eq!(centroids.residues[2].name, "SER");
}
