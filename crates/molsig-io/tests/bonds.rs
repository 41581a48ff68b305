//! Bond inference on hand-built topologies: templates, links, disulfides, distance fallback, ions,
//! water, and the CSR invariants of `BondGraph`.

use std::collections::BTreeSet;

use molsig_io::bonds::{
    BondGraph, BondOptions, BondSummary, infer_bonds, infer_bonds_with_summary,
};
use proptest::prelude::*;

mod common;

use common::{AtomSpec, System};

impl System {
    fn infer(&self, options: &BondOptions) -> (BondGraph, BondSummary) {
        infer_bonds_with_summary(&self.topology, &self.frame, options)
    }

    /// Bonds as sorted pairs of "RESseq:ATOM" labels.
    fn named(&self, graph: &BondGraph) -> BTreeSet<(String, String)> {
        let label = |i: usize| {
            let atom = &self.topology.atoms[i];
            let residue = &self.topology.residues[atom.residue];
            format!("{}{}:{}", residue.name, residue.seq, atom.name)
        };
        graph
            .edges()
            .map(|[i, j]| {
                let (a, b) = (label(i), label(j));
                if a < b { (a, b) } else { (b, a) }
            })
            .collect()
    }
}

fn pairs(list: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    list.iter()
        .map(|&(a, b)| {
            if a < b {
                (a.to_owned(), b.to_owned())
            } else {
                (b.to_owned(), a.to_owned())
            }
        })
        .collect()
}

/// N-terminal alanine with hydrogens (old-style `1HB` methyl names), geometry from ideal internal
/// coordinates (nm).
const ALA: &[AtomSpec] = &[
    ("N", "N", [0.0000, 0.0000, 0.0000]),
    ("H1", "H", [-0.0337, -0.0476, -0.0825]),
    ("H2", "H", [-0.0337, -0.0476, 0.0825]),
    ("H3", "H", [-0.0337, 0.0952, -0.0000]),
    ("CA", "C", [0.1458, 0.0000, 0.0000]),
    ("HA", "H", [0.1822, 0.0544, 0.0871]),
    ("CB", "C", [0.1994, -0.1432, 0.0063]),
    ("1HB", "H", [0.1640, -0.1991, -0.0804]),
    ("2HB", "H", [0.3084, -0.1413, 0.0062]),
    ("3HB", "H", [0.1640, -0.1913, 0.0974]),
    ("C", "C", [0.2005, 0.0712, -0.1233]),
    ("O", "O", [0.1528, 0.0488, -0.2346]),
];

/// C-terminal glycine following `ALA` (C–N 0.133 nm).
const GLY: &[AtomSpec] = &[
    ("N", "N", [0.3002, 0.1565, -0.1024]),
    ("H", "H", [0.3343, 0.1699, -0.0083]),
    ("CA", "C", [0.3614, 0.2310, -0.2117]),
    ("HA2", "H", [0.2835, 0.2714, -0.2763]),
    ("HA3", "H", [0.4210, 0.3128, -0.1712]),
    ("C", "C", [0.4522, 0.1412, -0.2950]),
    ("O", "O", [0.5152, 0.0520, -0.2341]),
    ("OXT", "O", [0.4569, 0.1635, -0.4179]),
];

/// Ethanol, with hydrogens, as an untemplated ligand.
const ETHANOL: &[AtomSpec] = &[
    ("C1", "C", [0.0000, 0.0000, 0.0000]),
    ("C2", "C", [0.1520, 0.0000, 0.0000]),
    ("O", "O", [0.1997, 0.1348, 0.0000]),
    ("HO", "H", [0.2957, 0.1331, 0.0000]),
    ("H21", "H", [0.1884, -0.0514, 0.0890]),
    ("H22", "H", [0.1884, -0.0514, -0.0890]),
    ("H11", "H", [-0.0364, 0.0514, -0.0890]),
    ("H12", "H", [-0.0364, -0.1027, -0.0000]),
    ("H13", "H", [-0.0364, 0.0514, 0.0890]),
];

const CYS: &[AtomSpec] = &[
    ("N", "N", [0.0000, 0.0000, 0.0000]),
    ("CA", "C", [0.1458, 0.0000, 0.0000]),
    ("C", "C", [0.2005, 0.0712, -0.1233]),
    ("O", "O", [0.1528, 0.0488, -0.2346]),
    ("CB", "C", [0.1994, -0.1432, 0.0063]),
    ("SG", "S", [0.1477, -0.2347, 0.1536]),
];

/// The 19 bonds of ALA-GLY written out by chemistry.
fn ala_gly_expected() -> BTreeSet<(String, String)> {
    pairs(&[
        // Alanine heavy atoms.
        ("ALA1:N", "ALA1:CA"),
        ("ALA1:CA", "ALA1:C"),
        ("ALA1:C", "ALA1:O"),
        ("ALA1:CA", "ALA1:CB"),
        // Alanine hydrogens: charged N-terminus, HA, methyl.
        ("ALA1:N", "ALA1:H1"),
        ("ALA1:N", "ALA1:H2"),
        ("ALA1:N", "ALA1:H3"),
        ("ALA1:CA", "ALA1:HA"),
        ("ALA1:CB", "ALA1:1HB"),
        ("ALA1:CB", "ALA1:2HB"),
        ("ALA1:CB", "ALA1:3HB"),
        // Peptide bond.
        ("ALA1:C", "GLY2:N"),
        // Glycine heavy atoms with the C-terminal carboxylate.
        ("GLY2:N", "GLY2:CA"),
        ("GLY2:CA", "GLY2:C"),
        ("GLY2:C", "GLY2:O"),
        ("GLY2:C", "GLY2:OXT"),
        // Glycine hydrogens.
        ("GLY2:N", "GLY2:H"),
        ("GLY2:CA", "GLY2:HA2"),
        ("GLY2:CA", "GLY2:HA3"),
    ])
}

fn dipeptide() -> System {
    let mut s = System::default();
    s.residue("ALA", 1, "A", ALA).residue("GLY", 2, "A", GLY);
    s
}

#[test]
fn templates_give_exactly_the_dipeptide_bonds() {
    let s = dipeptide();
    let (graph, summary) = s.infer(&BondOptions::default());
    let expected = ala_gly_expected();
    assert_eq!(expected.len(), 19);
    assert_eq!(s.named(&graph), expected);
    assert_eq!(graph.num_atoms(), 20);
    assert_eq!(graph.num_bonds(), 19);
    assert_eq!(
        summary,
        BondSummary {
            explicit: 0,
            template: 18,
            peptide: 1,
            nucleic: 0,
            disulfide: 0,
            distance: 0
        }
    );
    assert_eq!(summary.total(), 19);
    // 20 atoms, 19 bonds, connected: a tree, as a dipeptide should be.
    assert!(graph.is_connected());
    assert_eq!(graph.neighbours(s.index(0, "CA")), &[0, 5, 6, 10]);
}

#[test]
fn infer_bonds_matches_the_summary_variant() {
    let s = dipeptide();
    let graph = infer_bonds(&s.topology, &s.frame, &BondOptions::default());
    assert_eq!(graph, s.infer(&BondOptions::default()).0);
}

#[test]
fn distance_alone_reproduces_a_well_formed_dipeptide() {
    let s = dipeptide();
    let options = BondOptions {
        use_templates: false,
        use_links: false,
        ..BondOptions::default()
    };
    let (graph, summary) = s.infer(&options);
    assert_eq!(s.named(&graph), ala_gly_expected());
    assert_eq!(summary.distance, 19);
    assert_eq!(summary.template + summary.peptide, 0);
}

#[test]
fn peptide_bond_only_when_close() {
    // GLY moved 1 nm away: a chain break, no peptide bond.
    let mut s = System::default();
    s.residue("ALA", 1, "A", ALA)
        .residue_shifted("GLY", 2, "A", GLY, [1.0, 0.0, 0.0]);
    let (graph, summary) = s.infer(&BondOptions::default());
    assert_eq!(summary.peptide, 0);
    assert_eq!(graph.num_bonds(), 18);
    assert!(!graph.has_edge(s.index(0, "C"), s.index(1, "N")));
    let components = graph.components();
    assert_eq!(components.len(), 2);
    assert_eq!(components[0], (0..12).collect::<Vec<_>>());
    assert_eq!(components[1], (12..20).collect::<Vec<_>>());

    // Slightly stretched (0.133 → ~0.19 nm) still bonds; past 0.2 nm it does not.
    for (shift, bonded) in [(0.05, true), (0.09, false)] {
        let mut s = System::default();
        s.residue("ALA", 1, "A", ALA)
            .residue_shifted("GLY", 2, "A", GLY, [shift, 0.0, 0.0]);
        let (graph, _) = s.infer(&BondOptions::default());
        assert_eq!(
            graph.has_edge(s.index(0, "C"), s.index(1, "N")),
            bonded,
            "shift {shift}"
        );
    }
}

#[test]
fn no_peptide_bond_across_chains() {
    let mut s = System::default();
    s.residue("ALA", 1, "A", ALA).residue("GLY", 2, "B", GLY);
    let (graph, summary) = s.infer(&BondOptions::default());
    assert_eq!(summary.peptide, 0);
    assert_eq!(summary.distance, 0);
    assert!(!graph.has_edge(s.index(0, "C"), s.index(1, "N")));
    assert_eq!(graph.num_bonds(), 18);
}

/// CYS reflected through the plane y = SG.y - gap/2, so the two SG are `gap` apart.
fn cystine(gap: f32) -> System {
    let plane = CYS[5].2[1] - gap / 2.0;
    let mirrored: Vec<AtomSpec> = CYS
        .iter()
        .map(|&(n, e, p)| (n, e, [p[0], 2.0 * plane - p[1], p[2]]))
        .collect();
    let mut s = System::default();
    s.residue("CYS", 10, "A", CYS)
        .residue("CYX", 42, "B", &mirrored);
    s
}

#[test]
fn disulfide_between_close_cysteines() {
    let s = cystine(0.204);
    let (graph, summary) = s.infer(&BondOptions::default());
    assert_eq!(summary.disulfide, 1);
    assert!(graph.has_edge(s.index(0, "SG"), s.index(1, "SG")));
    // 5 + 5 in-residue bonds (N-CA, CA-C, C-O, CA-CB, CB-SG) plus the disulfide.
    assert_eq!(graph.num_bonds(), 11);
    assert!(graph.is_connected());

    let s = cystine(0.35);
    let (graph, summary) = s.infer(&BondOptions::default());
    assert_eq!(summary.disulfide, 0);
    assert_eq!(graph.num_bonds(), 10);
    assert!(!graph.is_connected());
}

#[test]
fn ethanol_ligand_by_distance_and_ions_stay_alone() {
    let mut s = System::default();
    s.residue("EOH", 1, "L", ETHANOL)
        // Sodium 0.2 nm from the hydroxyl oxygen, chloride 0.15 nm from a methyl hydrogen, and a
        // calcium named like a Cα: all monatomic ions.
        .residue("NA", 2, "L", &[("NA", "Na", [0.3997, 0.1348, 0.0])])
        .residue("CL", 3, "L", &[("CL", "Cl", [-0.0364, -0.2527, 0.0])])
        .residue("CA", 4, "L", &[("CA", "Ca", [0.152, -0.15, 0.0])]);
    let (graph, summary) = s.infer(&BondOptions::default());
    let expected = pairs(&[
        ("EOH1:C1", "EOH1:C2"),
        ("EOH1:C2", "EOH1:O"),
        ("EOH1:O", "EOH1:HO"),
        ("EOH1:C1", "EOH1:H11"),
        ("EOH1:C1", "EOH1:H12"),
        ("EOH1:C1", "EOH1:H13"),
        ("EOH1:C2", "EOH1:H21"),
        ("EOH1:C2", "EOH1:H22"),
    ]);
    assert_eq!(s.named(&graph), expected);
    assert_eq!(summary.distance, 8);
    assert_eq!(summary.total(), 8);
    for ion in 9..12 {
        assert_eq!(graph.degree(ion), 0, "ion {ion} must stay unbonded");
    }
    // Heavy-atom-only ethanol: the two heavy-heavy bonds, no C1–O (1-3, 0.241 nm).
    let mut s = System::default();
    s.residue("EOH", 1, "L", &ETHANOL[..3]);
    let (graph, _) = s.infer(&BondOptions::default());
    assert_eq!(graph.edges().collect::<Vec<_>>(), vec![[0, 1], [1, 2]]);
}

#[test]
fn distance_fallback_can_be_switched_off() {
    let mut s = System::default();
    s.residue("EOH", 1, "L", ETHANOL);
    let options = BondOptions {
        use_distance_fallback: false,
        ..BondOptions::default()
    };
    let (graph, summary) = s.infer(&options);
    assert_eq!(graph.num_bonds(), 0);
    assert_eq!(summary, BondSummary::default());
}

#[test]
fn explicit_bonds_come_first_and_skip_ions() {
    let mut s = System::default();
    s.residue("EOH", 1, "L", ETHANOL)
        .residue("ZN", 2, "L", &[("ZN", "Zn", [5.0, 5.0, 5.0])]);
    // CONECT C1–C2 (stated twice) and a coordination "bond" O–Zn, which is dropped.
    s.topology.explicit_bonds = vec![[0, 1], [0, 1], [2, 9]];
    let (graph, summary) = s.infer(&BondOptions::default());
    assert_eq!(summary.explicit, 1);
    assert_eq!(summary.distance, 7);
    assert_eq!(graph.num_bonds(), 8);
    assert_eq!(graph.degree(9), 0);

    // Explicit bonds alone, whatever the distance.
    let options = BondOptions {
        use_templates: false,
        use_links: false,
        use_distance_fallback: false,
        ..BondOptions::default()
    };
    s.topology.explicit_bonds = vec![[0, 8], [3, 4]];
    let (graph, summary) = s.infer(&options);
    assert_eq!(graph.edges().collect::<Vec<_>>(), vec![[0, 8], [3, 4]]);
    assert_eq!(summary.explicit, 2);
}

#[test]
fn water_templates_and_virtual_sites() {
    let mut s = System::default();
    s.residue(
        "HOH",
        1,
        "W",
        &[
            ("O", "O", [0.0, 0.0, 0.0]),
            ("H1", "H", [0.0957, 0.0, 0.0]),
            ("H2", "H", [-0.024, 0.0927, 0.0]),
        ],
    )
    .residue(
        "SOL",
        2,
        "W",
        &[
            ("OW", "O", [1.0, 0.0, 0.0]),
            ("HW1", "H", [1.0957, 0.0, 0.0]),
            ("HW2", "H", [0.976, 0.0927, 0.0]),
            // TIP4P virtual site, 0.015 nm from the oxygen: not an atom to bond.
            ("MW", "X", [1.0107, 0.0106, 0.0]),
        ],
    );
    let (graph, summary) = s.infer(&BondOptions::default());
    assert_eq!(
        graph.edges().collect::<Vec<_>>(),
        vec![[0, 1], [0, 2], [3, 4], [3, 5]]
    );
    assert_eq!(summary.template, 4);
    assert_eq!(graph.degree(6), 0);

    // By distance alone the waters come out the same, and the virtual site still stays alone.
    let options = BondOptions {
        use_templates: false,
        ..BondOptions::default()
    };
    let (graph, summary) = s.infer(&options);
    assert_eq!(
        graph.edges().collect::<Vec<_>>(),
        vec![[0, 1], [0, 2], [3, 4], [3, 5]]
    );
    assert_eq!(summary.distance, 4);
}

#[test]
fn nucleotides_accept_old_names_and_link_o3_to_p() {
    // Positions 1 nm apart so only names can bond them, except the O3'–P link (0.16 nm).
    let far = |k: usize| [k as f32, 0.0, 0.0];
    let names = [
        ("P", "P"),
        ("O1P", "O"),
        ("O2P", "O"),
        ("O5*", "O"),
        ("C5*", "C"),
        ("C4*", "C"),
        ("O4*", "O"),
        ("C3*", "C"),
        ("O3*", "O"),
        ("C2*", "C"),
        ("C1*", "C"),
        ("N9", "N"),
    ];
    let first: Vec<AtomSpec> = names
        .iter()
        .enumerate()
        .map(|(k, &(n, e))| (n, e, far(k)))
        .collect();
    let o3 = far(8);
    let second: Vec<AtomSpec> = vec![
        ("P", "P", [o3[0], 0.16, 0.0]),
        ("OP1", "O", [o3[0], 5.0, 0.0]),
    ];
    let mut s = System::default();
    s.residue("DA", 1, "A", &first)
        .residue("DT", 2, "A", &second);
    let (graph, summary) = s.infer(&BondOptions::default());
    let expected = pairs(&[
        ("DA1:P", "DA1:O1P"),
        ("DA1:P", "DA1:O2P"),
        ("DA1:P", "DA1:O5*"),
        ("DA1:O5*", "DA1:C5*"),
        ("DA1:C5*", "DA1:C4*"),
        ("DA1:C4*", "DA1:O4*"),
        ("DA1:C4*", "DA1:C3*"),
        ("DA1:C3*", "DA1:O3*"),
        ("DA1:C3*", "DA1:C2*"),
        ("DA1:C2*", "DA1:C1*"),
        ("DA1:C1*", "DA1:O4*"),
        ("DA1:C1*", "DA1:N9"),
        ("DA1:O3*", "DT2:P"),
        ("DT2:P", "DT2:OP1"),
    ]);
    assert_eq!(s.named(&graph), expected);
    assert_eq!(summary.nucleic, 1);
    assert_eq!(summary.template, 13);
}

/// A simple cubic lattice of untemplated carbons, 0.15 nm apart and centred on the origin (so cells
/// on both sides of zero are used): each atom bonds to its 6 axis neighbours (0.15 < 0.197 nm) and
/// to none of the diagonal ones (0.212 nm), so the cell list must find exactly 3·L²·(L−1) bonds.
fn lattice(side: usize) -> System {
    let mut atoms = Vec::with_capacity(side * side * side);
    let half = side as f32 * 0.075;
    for i in 0..side {
        for j in 0..side {
            for k in 0..side {
                atoms.push([i, j, k].map(|c| c as f32 * 0.15 - half));
            }
        }
    }
    let mut s = System::default();
    let specs: Vec<AtomSpec> = atoms.iter().map(|&p| ("C", "C", p)).collect();
    s.residue("LAT", 1, "X", &specs);
    s
}

#[test]
fn cell_list_finds_every_lattice_bond() {
    for side in [1, 2, 5, 14] {
        let s = lattice(side);
        let (graph, summary) = s.infer(&BondOptions::default());
        assert_eq!(
            graph.num_bonds(),
            3 * side * side * (side - 1),
            "side {side}"
        );
        assert_eq!(summary.distance, graph.num_bonds());
        assert!(graph.is_connected());
        // Corner atoms have 3 neighbours, interior atoms 6.
        if side > 2 {
            assert_eq!(graph.degree(0), 3);
            let centre = (side / 2) * side * side + (side / 2) * side + side / 2;
            assert_eq!(graph.degree(centre), 6);
        }
    }
}

#[test]
fn far_apart_molecules_and_non_finite_positions() {
    // Copies 1 μm apart force the sparse cell index; a NaN atom gets no distance bonds.
    let mut s = System::default();
    s.residue("EOH", 1, "L", ETHANOL)
        .residue_shifted("EOH", 2, "L", ETHANOL, [1000.0, -500.0, 0.0])
        .residue_shifted("EOH", 3, "L", ETHANOL, [-1.0e9, 0.0, 3.0e9])
        .residue(
            "UNK",
            4,
            "L",
            &[
                ("C", "C", [f32::NAN, 0.0, 0.0]),
                ("O", "O", [50.0, 50.0, 50.0]),
                ("N", "N", [50.14, 50.0, 50.0]),
            ],
        );
    let (graph, summary) = s.infer(&BondOptions::default());
    // The third copy sits where f32 spacing (~64–256 nm) merges atoms into one point, so only the
    // first two are checked exactly.
    assert_eq!(graph.subgraph(&(0..18).collect::<Vec<_>>()).num_bonds(), 16);
    assert!(summary.distance >= 16);
    assert_eq!(graph.degree(27), 0);
    assert_eq!(graph.neighbours(28), &[29]);
}

/// 27,000 atoms through the distance fallback: exact bond count on a lattice (the cell list must
/// neither miss neighbours across cells nor double-count them).
#[test]
fn large_lattice_bond_count() {
    let s = lattice(30);
    let (graph, _) = s.infer(&BondOptions::default());
    assert_eq!(graph.num_bonds(), 3 * 30 * 30 * 29);
}

#[test]
fn graph_basics() {
    let g = BondGraph::from_edges(5, [[1, 0], [0, 1], [2, 2], [3, 1], [4, 9], [3, 4]]);
    assert_eq!(g.num_atoms(), 5);
    assert_eq!(g.num_bonds(), 3);
    assert_eq!(g.neighbours(1), &[0, 3]);
    assert_eq!(g.neighbours(2), &[] as &[usize]);
    assert_eq!(g.neighbours(99), &[] as &[usize]);
    assert_eq!(g.edges().collect::<Vec<_>>(), vec![[0, 1], [1, 3], [3, 4]]);
    assert_eq!(g.components(), vec![vec![0, 1, 3, 4], vec![2]]);
    assert!(!g.is_connected());
    assert_eq!(g.csr().0, &[0, 1, 3, 3, 5, 6]);
    let sub = g.subgraph(&[4, 3, 1]);
    assert_eq!(sub.edges().collect::<Vec<_>>(), vec![[0, 1], [1, 2]]);
    assert!(BondGraph::default().is_connected());
    assert_eq!(BondGraph::default().num_atoms(), 0);
}

proptest! {
    #[test]
    fn csr_invariants(n in 0usize..40, raw in proptest::collection::vec((0usize..45, 0usize..45), 0..120)) {
        let edges: Vec<[usize; 2]> = raw.iter().map(|&(i, j)| [i, j]).collect();
        let g = BondGraph::from_edges(n, edges.iter().copied());
        let expected: BTreeSet<[usize; 2]> = edges
            .iter()
            .filter(|&&[i, j]| i != j && i < n && j < n)
            .map(|&[i, j]| [i.min(j), i.max(j)])
            .collect();
        let (offsets, neighbours) = g.csr();
        prop_assert_eq!(offsets.len(), n + 1);
        prop_assert_eq!(offsets[0], 0);
        prop_assert_eq!(offsets[n], neighbours.len());
        prop_assert!(offsets.windows(2).all(|w| w[0] <= w[1]));
        prop_assert_eq!(g.num_atoms(), n);
        prop_assert_eq!(g.num_bonds(), expected.len());
        for i in 0..n {
            let row = g.neighbours(i);
            prop_assert!(row.windows(2).all(|w| w[0] < w[1]), "row {} not strictly sorted", i);
            for &j in row {
                prop_assert!(j != i && j < n);
                prop_assert!(g.neighbours(j).contains(&i), "asymmetric {} {}", i, j);
            }
        }
        let listed: Vec<[usize; 2]> = g.edges().collect();
        prop_assert!(listed.iter().all(|&[i, j]| i < j));
        prop_assert_eq!(listed, expected.iter().copied().collect::<Vec<_>>());
        // Components partition the atoms and no edge crosses two of them.
        let components = g.components();
        let mut label = vec![usize::MAX; n];
        for (c, members) in components.iter().enumerate() {
            for &a in members {
                prop_assert_eq!(label[a], usize::MAX);
                label[a] = c;
            }
        }
        prop_assert!(label.iter().all(|&l| l != usize::MAX));
        prop_assert!(expected.iter().all(|&[i, j]| label[i] == label[j]));
        prop_assert_eq!(g.is_connected(), components.len() <= 1);
        // Rebuilding from the edges gives the same graph.
        prop_assert_eq!(BondGraph::from_edges(n, g.edges()), g);
    }
}
