//! Integration tests of the PDB reader on small hand-written fixtures.

use std::fmt::Write as _;

use molsig_io::Error;
use molsig_io::element::{infer_element, is_hydrogen};
use molsig_io::pdb::{AltlocPolicy, PdbOptions, StructureFile, read_pdb};
use proptest::prelude::*;

/// A small protein fragment, a zinc ion and a water, with CRYST1, TER and CONECT records.
const SMALL: &str = "\
HEADER    TEST FIXTURE
REMARK   2 RESOLUTION. NOT APPLICABLE.
CRYST1   10.000   20.000   30.000  90.00  90.00  90.00 P 1           1
ATOM      1  N   ALA A   1      11.104   6.134  -6.504  1.00 10.50           N
ATOM      2  CA  ALA A   1      11.639   6.071  -5.147  1.00 11.00           C
ATOM      3  C   ALA A   1      13.100   5.560  -5.200  1.00 12.00           C
ATOM      4  O   ALA A   1      13.500   4.700  -4.400  1.00 13.00           O
ANISOU    4  O   ALA A   1     2406   1892   1614    198    519   -328       O
ATOM      5  N   GLY A   2      13.900   6.100  -6.100  1.00  9.00           N
ATOM      6  CA  GLY A   2      15.300   5.700  -6.300  1.00  9.00           C
TER       7      GLY A   2
HETATM    8 ZN    ZN A 101      20.000  21.000  22.000  0.50 30.00          ZN
HETATM    9  O   HOH A 201       1.000  -2.000   3.500  1.00 20.00           O
CONECT    1    2
CONECT    2    1    3
CONECT    8    6    9 9999
END
";

/// Formats an ATOM/HETATM record in the wwPDB fixed columns. `name` is the 4-column name field.
#[allow(clippy::too_many_arguments)]
fn atom_line(
    record: &str,
    serial: &str,
    name: &str,
    altloc: char,
    res: &str,
    chain: char,
    seq: &str,
    xyz: [f64; 3],
    occupancy: f64,
    element: &str,
) -> String {
    format!(
        "{record:<6}{serial:>5} {name:<4}{altloc}{res:>3} {chain}{seq:>4}    {:8.3}{:8.3}{:8.3}{occupancy:6.2}{:6.2}          {element:>2}",
        xyz[0], xyz[1], xyz[2], 15.0
    )
}

fn read(text: &str) -> StructureFile {
    read_pdb(text.as_bytes(), "test.pdb", &PdbOptions::default()).expect("valid PDB")
}

fn read_with(text: &str, altloc: AltlocPolicy) -> StructureFile {
    read_pdb(text.as_bytes(), "test.pdb", &PdbOptions { altloc }).expect("valid PDB")
}

fn line_error(text: &str) -> (usize, String) {
    match read_pdb(text.as_bytes(), "bad.pdb", &PdbOptions::default()) {
        Err(Error::Line {
            message,
            line,
            source_name,
        }) => {
            assert_eq!(source_name, "bad.pdb");
            (line, message)
        }
        other => panic!("expected a line error, got {other:?}"),
    }
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < 1e-5
}

#[test]
fn reads_atoms_residues_and_coordinates_in_nm() {
    let s = read(SMALL);
    let t = &s.topology;
    assert_eq!(t.len(), 8);
    assert_eq!(s.frames.len(), 1);
    let names: Vec<_> = t.atoms.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["N", "CA", "C", "O", "N", "CA", "ZN", "O"]);
    let elements: Vec<_> = t.atoms.iter().map(|a| a.element.as_str()).collect();
    assert_eq!(elements, ["N", "C", "C", "O", "N", "C", "Zn", "O"]);
    assert_eq!(t.atoms[6].serial, 8);
    assert!(t.atoms[6].hetero && !t.atoms[0].hetero);
    assert!(close(t.atoms[6].occupancy, 0.5));
    assert!(close(t.atoms[6].b_factor, 30.0));
    assert_eq!(t.atoms[0].altloc, ' ');

    let residues: Vec<_> = t
        .residues
        .iter()
        .map(|r| (r.name.as_str(), r.seq, r.chain.as_str(), r.atoms.clone()))
        .collect();
    assert_eq!(
        residues,
        [
            ("ALA", 1, "A", 0..4),
            ("GLY", 2, "A", 4..6),
            ("ZN", 101, "A", 6..7),
            ("HOH", 201, "A", 7..8)
        ]
    );
    assert_eq!(t.residue_of(5).map(|r| r.name.as_str()), Some("GLY"));

    let f = &s.frames[0];
    assert_eq!(f.len(), 8);
    let p = f.position(1).expect("atom 1");
    assert!(
        close(p[0], 1.1639) && close(p[1], 0.6071) && close(p[2], -0.5147),
        "{p:?}"
    );
    let p = f.position(7).expect("atom 7");
    assert!(
        close(p[0], 0.1) && close(p[1], -0.2) && close(p[2], 0.35),
        "{p:?}"
    );
    assert_eq!(f.precision, None);
    assert!(close(f.time, 0.0) && f.step == 0);

    let rect = [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]];
    assert_eq!(t.box_vectors, Some(rect));
    assert_eq!(f.box_vectors, Some(rect));
}

#[test]
fn conect_gives_symmetric_deduplicated_bonds_and_warns_on_unknown_serials() {
    let s = read(SMALL);
    // 1-2 twice (both directions), 2-3, 8-6, 8-9; 9999 is unknown.
    assert_eq!(
        s.topology.explicit_bonds,
        vec![[0, 1], [1, 2], [5, 6], [6, 7]]
    );
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert_eq!(s.warnings[0].line, 16);
    assert!(
        s.warnings[0].message.contains("9999"),
        "{}",
        s.warnings[0].message
    );
}

#[test]
fn cryst1_triclinic_box_vectors() {
    // The primitive cell of an FCC lattice: a = b = c = 10 Å, all angles 60°.
    let text = "\
CRYST1   10.000   10.000   10.000  60.00  60.00  60.00 P 1           1
ATOM      1  C   LIG A   1       0.000   0.000   0.000  1.00  0.00           C
";
    let s = read(text);
    let v = s.topology.box_vectors.expect("box");
    let expected = [
        [1.0, 0.0, 0.0],
        [0.5, 0.866_025_4, 0.0],
        [0.5, 0.288_675_13, 0.816_496_6],
    ];
    for (row, want) in v.iter().zip(expected) {
        for (got, want) in row.iter().zip(want) {
            assert!((got - want).abs() < 1e-6, "{v:?}");
        }
    }
    assert_eq!(s.frames[0].box_vectors, Some(v));

    // A general cell: lengths and angles survive the conversion.
    let text = "\
CRYST1   50.000   60.000   70.000  80.00  95.00 105.00 P 1           1
ATOM      1  C   LIG A   1       0.000   0.000   0.000  1.00  0.00           C
";
    let v = read(text).topology.box_vectors.expect("box");
    let dot = |a: [f32; 3], b: [f32; 3]| f64::from(a[0] * b[0] + a[1] * b[1] + a[2] * b[2]);
    let len = |a: [f32; 3]| dot(a, a).sqrt();
    let angle = |a, b| (dot(a, b) / (len(a) * len(b))).acos().to_degrees();
    assert!((len(v[0]) - 5.0).abs() < 1e-5 && (len(v[1]) - 6.0).abs() < 1e-5);
    assert!((len(v[2]) - 7.0).abs() < 1e-5);
    assert!((angle(v[1], v[2]) - 80.0).abs() < 1e-3);
    assert!((angle(v[0], v[2]) - 95.0).abs() < 1e-3);
    assert!((angle(v[0], v[1]) - 105.0).abs() < 1e-3);
    assert_eq!((v[0][1], v[0][2], v[1][2]), (0.0, 0.0, 0.0));
}

#[test]
fn cryst1_placeholder_and_garbage_give_no_box() {
    let atom = "ATOM      1  C   LIG A   1       0.000   0.000   0.000  1.00  0.00           C\n";
    let s = read(&format!(
        "CRYST1    1.000    1.000    1.000  90.00  90.00  90.00 P 1           1\n{atom}"
    ));
    assert_eq!(s.topology.box_vectors, None);
    assert!(s.warnings.is_empty());
    let s = read(&format!(
        "CRYST1    0.000    0.000    0.000   0.00   0.00   0.00 P 1\n{atom}"
    ));
    assert_eq!(s.topology.box_vectors, None);
    assert!(s.warnings.is_empty());
    let s = read(&format!("CRYST1   abc\n{atom}"));
    assert_eq!(s.topology.box_vectors, None);
    assert_eq!(s.warnings.len(), 1);
    assert_eq!(s.warnings[0].line, 1);
}

#[test]
fn one_cryst1_per_model_pairs_with_it_wherever_it_stands() {
    let model = |n: usize, x: f64| {
        format!(
            "MODEL {n:>8}\n{}\nENDMDL\n",
            atom_line(
                "ATOM",
                "1",
                " OW ",
                ' ',
                "SOL",
                'W',
                "1",
                [x, 0.0, 0.0],
                1.0,
                "O"
            )
        )
    };
    let cryst = |a: f64| format!("CRYST1{a:9.3}   10.000   10.000  90.00  90.00  90.00 P 1\n");
    // CRYST1 after each model.
    let text = format!(
        "{}{}{}{}",
        model(1, 1.0),
        cryst(30.0),
        model(2, 2.0),
        cryst(20.0)
    );
    let s = read(&text);
    let a: Vec<_> = s
        .frames
        .iter()
        .map(|f| f.box_vectors.expect("box")[0][0])
        .collect();
    assert!(close(a[0], 3.0) && close(a[1], 2.0), "{a:?}");
    assert!(close(s.topology.box_vectors.expect("box")[0][0], 3.0));
    // CRYST1 before each model.
    let text = format!(
        "{}{}{}{}",
        cryst(30.0),
        model(1, 1.0),
        cryst(20.0),
        model(2, 2.0)
    );
    let a: Vec<_> = read(&text)
        .frames
        .iter()
        .map(|f| f.box_vectors.expect("box")[0][0])
        .collect();
    assert!(close(a[0], 3.0) && close(a[1], 2.0), "{a:?}");
    // One CRYST1 for all models.
    let text = format!("{}{}{}", cryst(30.0), model(1, 1.0), model(2, 2.0));
    let a: Vec<_> = read(&text)
        .frames
        .iter()
        .map(|f| f.box_vectors.expect("box")[0][0])
        .collect();
    assert!(close(a[0], 3.0) && close(a[1], 3.0), "{a:?}");
}

fn two_models(second_first_name: &str) -> String {
    format!(
        "\
MODEL        1
ATOM      1  N   GLY A   1       1.000   2.000   3.000  1.00  0.00           N
ATOM      2  CA  GLY A   1       2.000   3.000   4.000  1.00  0.00           C
ENDMDL
MODEL        2
ATOM      1 {second_first_name} GLY A   1       1.500   2.500   3.500  1.00  0.00           N
ATOM      2  CA  GLY A   1       2.500   3.500   4.500  1.00  0.00           C
ENDMDL
END
"
    )
}

#[test]
fn models_become_frames() {
    let s = read(&two_models(" N  "));
    assert_eq!(s.topology.len(), 2);
    assert_eq!(s.frames.len(), 2);
    assert!(close(s.frames[0].x[0], 0.1) && close(s.frames[1].x[0], 0.15));
    assert!(close(s.frames[1].z[1], 0.45));
    assert!(s.warnings.is_empty());
}

#[test]
fn later_model_with_other_atoms_is_an_error() {
    let (line, message) = line_error(&two_models(" O  "));
    assert_eq!(line, 6);
    assert!(message.contains("MODEL 2"), "{message}");
    assert!(
        message.contains("\"O\"") && message.contains("\"N\""),
        "{message}"
    );
}

#[test]
fn later_model_with_fewer_or_more_atoms_is_an_error() {
    let fewer = "\
MODEL        1
ATOM      1  N   GLY A   1       1.000   2.000   3.000  1.00  0.00           N
ATOM      2  CA  GLY A   1       2.000   3.000   4.000  1.00  0.00           C
ENDMDL
MODEL        2
ATOM      1  N   GLY A   1       1.500   2.500   3.500  1.00  0.00           N
ENDMDL
";
    let (line, message) = line_error(fewer);
    assert_eq!(line, 7);
    assert!(
        message.contains("MODEL 2") && message.contains("1 atoms") && message.contains('2'),
        "{message}"
    );

    let more = fewer.replace(
        "ENDMDL\nMODEL        2\nATOM      1  N   GLY A   1       1.500   2.500   3.500  1.00  0.00           N\n",
        "ENDMDL\nMODEL        2\nATOM      1  N   GLY A   1       1.500   2.500   3.500  1.00  0.00           N\n\
ATOM      2  CA  GLY A   1       2.000   3.000   4.000  1.00  0.00           C\n\
ATOM      3  C   GLY A   1       2.000   3.000   4.000  1.00  0.00           C\n",
    );
    let (line, message) = line_error(&more);
    assert_eq!(line, 8);
    assert!(
        message.contains("more atoms than the first model"),
        "{message}"
    );
}

/// A serine whose side chain has two conformers, alternates on adjacent lines, plus one atom
/// whose alternates are grouped (all A, then all B).
fn altloc_fixture() -> String {
    let mut text = String::new();
    let rows = [
        ("1", " N  ", ' ', [0.0, 0.0, 0.0], 1.0, "N"),
        ("2", " CA ", ' ', [1.0, 0.0, 0.0], 1.0, "C"),
        ("3", " CB ", 'A', [2.0, 0.0, 0.0], 0.40, "C"),
        ("4", " CB ", 'B', [2.0, 1.0, 0.0], 0.60, "C"),
        ("5", " OG ", 'A', [3.0, 0.0, 0.0], 0.40, "O"),
        ("6", " OG ", 'B', [3.0, 1.0, 0.0], 0.60, "O"),
        ("7", " C  ", ' ', [1.0, 2.0, 0.0], 1.0, "C"),
        ("8", " O  ", 'A', [1.0, 3.0, 0.0], 0.70, "O"),
        ("9", " OXT", 'A', [1.0, 4.0, 0.0], 0.70, "O"),
        ("10", " O  ", 'B', [1.0, 3.5, 0.0], 0.30, "O"),
        ("11", " OXT", 'B', [1.0, 4.5, 0.0], 0.30, "O"),
    ];
    for (serial, name, alt, xyz, occ, el) in rows {
        let _ = writeln!(
            text,
            "{}",
            atom_line("ATOM", serial, name, alt, "SER", 'A', "5", xyz, occ, el)
        );
    }
    text.push_str("CONECT    4    6\nCONECT    5    2\nEND\n");
    text
}

#[test]
fn altloc_highest_occupancy() {
    let s = read_with(&altloc_fixture(), AltlocPolicy::HighestOccupancy);
    let t = &s.topology;
    let names: Vec<_> = t.atoms.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["N", "CA", "CB", "OG", "C", "O", "OXT"]);
    let alts: String = t.atoms.iter().map(|a| a.altloc).collect();
    assert_eq!(alts, "  BB AA");
    assert_eq!(t.residues.len(), 1);
    assert_eq!(t.residues[0].atoms, 0..7);
    let f = &s.frames[0];
    assert!(
        close(f.y[2], 0.1) && close(f.y[3], 0.1),
        "B conformer kept for CB, OG"
    );
    assert!(
        close(f.y[5], 0.3) && close(f.y[6], 0.4),
        "A conformer kept for O, OXT"
    );
    assert!(close(t.atoms[2].occupancy, 0.6));
    assert_eq!(t.atoms[2].serial, 4);
    // CONECT serials of either alternate resolve to the kept atom: 4-6 is CB-OG, 5-2 is OG-CA.
    assert_eq!(t.explicit_bonds, vec![[1, 3], [2, 3]]);
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn altloc_first() {
    let s = read_with(&altloc_fixture(), AltlocPolicy::First);
    let alts: String = s.topology.atoms.iter().map(|a| a.altloc).collect();
    assert_eq!(alts, "  AA AA");
    assert!(close(s.frames[0].y[2], 0.0) && close(s.frames[0].y[6], 0.4));
    assert_eq!(s.topology.atoms[2].serial, 3);
}

#[test]
fn altloc_only() {
    let s = read_with(&altloc_fixture(), AltlocPolicy::Only('B'));
    let alts: String = s.topology.atoms.iter().map(|a| a.altloc).collect();
    assert_eq!(alts, "  BB BB");
    assert!(close(s.frames[0].y[5], 0.35) && close(s.frames[0].y[6], 0.45));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);

    // No atom has a 'C' alternate: each keeps its first, and one warning counts them.
    let s = read_with(&altloc_fixture(), AltlocPolicy::Only('C'));
    let alts: String = s.topology.atoms.iter().map(|a| a.altloc).collect();
    assert_eq!(alts, "  AA AA");
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert!(
        s.warnings[0].message.contains("4 atoms"),
        "{}",
        s.warnings[0].message
    );
}

#[test]
fn altlocs_in_later_models() {
    let body = altloc_fixture()
        .replace("END\n", "")
        .replace("CONECT    4    6\nCONECT    5    2\n", "");
    let text = format!("MODEL        1\n{body}ENDMDL\nMODEL        2\n{body}ENDMDL\n");
    for policy in [
        AltlocPolicy::First,
        AltlocPolicy::HighestOccupancy,
        AltlocPolicy::Only('B'),
    ] {
        let s = read_with(&text, policy);
        assert_eq!(s.frames.len(), 2);
        assert_eq!(s.frames[0], s.frames[1], "{policy:?}");
    }
}

#[test]
fn alternates_far_apart_are_one_atom_at_the_first_place() {
    // All A conformers of two residues, then all B conformers (some writers group them so).
    let mut text = String::new();
    let rows = [
        ("1", " CB ", 'A', "6", 0.5, [1.0, 0.0, 0.0]),
        ("2", " CB ", 'A', "7", 0.5, [2.0, 0.0, 0.0]),
        ("3", " CB ", 'B', "6", 0.5, [1.0, 1.0, 0.0]),
        ("4", " CB ", 'B', "7", 0.6, [2.0, 1.0, 0.0]),
    ];
    for (serial, name, alt, seq, occ, xyz) in rows {
        let _ = writeln!(
            text,
            "{}",
            atom_line("ATOM", serial, name, alt, "LEU", 'A', seq, xyz, occ, "C")
        );
    }
    let s = read(&text);
    assert_eq!(s.topology.len(), 2);
    assert_eq!(s.topology.residues.len(), 2);
    let alts: String = s.topology.atoms.iter().map(|a| a.altloc).collect();
    assert_eq!(alts, "AB");
    assert!(close(s.frames[0].y[0], 0.0) && close(s.frames[0].y[1], 0.1));
    assert_eq!(s.topology.atoms[1].serial, 4);
}

#[test]
fn warnings_are_capped() {
    let mut text = String::from(
        "ATOM      1  C   LIG A   1       0.000   0.000   0.000  1.00  0.00           C\n",
    );
    for k in 0..150 {
        let _ = writeln!(text, "CONECT    1{:>5}", 1000 + k);
    }
    let s = read(&text);
    assert_eq!(s.warnings.len(), 101);
    assert_eq!(s.warnings[100].message, "50 more warnings not shown");
    assert!(s.warnings.windows(2).all(|w| w[0].line <= w[1].line));
}

#[test]
fn hybrid36_serials_and_residue_numbers() {
    let mut text = String::new();
    for (serial, seq, x) in [
        ("99998", "9999", 1.0),
        ("99999", "9999", 2.0),
        ("A0000", "A000", 3.0),
        ("A0001", "A000", 4.0),
    ] {
        let _ = writeln!(
            text,
            "{}",
            atom_line(
                "HETATM",
                serial,
                " OW ",
                ' ',
                "HOH",
                'W',
                seq,
                [x, 0.0, 0.0],
                1.0,
                "O"
            )
        );
    }
    text.push_str("CONECT99999A0000\nCONECTA0001A0000\n");
    let s = read(&text);
    let serials: Vec<_> = s.topology.atoms.iter().map(|a| a.serial).collect();
    assert_eq!(serials, [99_998, 99_999, 100_000, 100_001]);
    let seqs: Vec<_> = s.topology.residues.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, [9_999, 10_000]);
    assert_eq!(s.topology.explicit_bonds, vec![[1, 2], [2, 3]]);
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn overflowing_and_repeated_serials_still_read_with_warnings() {
    let mut text = String::new();
    for (serial, seq) in [
        ("99999", "1"),
        ("*****", "2"),
        ("*****", "3"),
        ("    1", "4"),
        ("    1", "5"),
    ] {
        let _ = writeln!(
            text,
            "{}",
            atom_line(
                "ATOM", serial, " C  ", ' ', "LIG", 'A', seq, [0.0; 3], 1.0, "C"
            )
        );
    }
    text.push_str("CONECT99999    1\n");
    let s = read(&text);
    assert_eq!(s.topology.len(), 5);
    assert_eq!(s.topology.residues.len(), 5);
    // A repeated serial names the last atom that has it.
    assert_eq!(s.topology.explicit_bonds, vec![[0, 4]]);
    let messages: Vec<_> = s
        .warnings
        .iter()
        .map(|w| (w.line, w.message.as_str()))
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|(l, m)| *l == 2 && m.contains("*****") && m.contains("2 records"))
    );
    assert!(
        messages
            .iter()
            .any(|(l, m)| *l == 5 && m.contains("serial 1 ") && m.contains("last atom"))
    );
}

#[test]
fn residue_boundaries_follow_chain_number_icode_and_name() {
    let mut text = String::new();
    let rows = [
        ('A', "10", ' ', "ALA"),
        ('A', "10", ' ', "ALA"),
        ('A', "10", 'A', "ALA"), // insertion code
        ('B', "10", 'A', "ALA"), // chain
        ('B', "10", 'A', "GLY"), // name
        ('B', "11", 'A', "GLY"), // number
    ];
    let push = |text: &mut String, (chain, seq, icode, res): (char, &str, char, &str)| {
        let line = atom_line(
            "ATOM", "1", " CA ", ' ', res, chain, seq, [0.0; 3], 1.0, "C",
        );
        let mut bytes = line.into_bytes();
        bytes[26] = icode as u8;
        text.push_str(std::str::from_utf8(&bytes).expect("ascii"));
        text.push('\n');
    };
    for row in rows {
        push(&mut text, row);
    }
    // TER does not split a residue: only the four fields do.
    text.push_str("TER\n");
    push(&mut text, ('B', "11", 'A', "GLY"));
    let s = read(&text);
    let res: Vec<_> = s
        .topology
        .residues
        .iter()
        .map(|r| {
            (
                r.chain.as_str(),
                r.seq,
                r.icode,
                r.name.as_str(),
                r.atoms.len(),
            )
        })
        .collect();
    assert_eq!(
        res,
        [
            ("A", 10, ' ', "ALA", 2),
            ("A", 10, 'A', "ALA", 1),
            ("B", 10, 'A', "ALA", 1),
            ("B", 10, 'A', "GLY", 1),
            ("B", 11, 'A', "GLY", 2),
        ]
    );
}

#[test]
fn elements_inferred_when_columns_are_blank_or_missing() {
    // Lines end after the temperature factor or even after the coordinates.
    let text = "\
ATOM      1  CA  ALA A   1       0.000   0.000   0.000  1.00  0.00
ATOM      2 1HB  ALA A   1       0.000   0.000   0.000
ATOM      3 HB21 LIG A   2       0.000   0.000   0.000  1.00  0.00
HETATM    4 CA    CA A   3       0.000   0.000   0.000  1.00  0.00
HETATM    5 NA    NA A   4       0.000   0.000   0.000  1.00  0.00
HETATM    6 CL    CL A   5       0.000   0.000   0.000  1.00  0.00
HETATM    7 FE   HEM A   6       0.000   0.000   0.000  1.00  0.00
HETATM    8  NA  HEM A   6       0.000   0.000   0.000  1.00  0.00
HETATM    9 MG    MG A   7       0.000   0.000   0.000  1.00  0.00
";
    let s = read(text);
    let elements: Vec<_> = s
        .topology
        .atoms
        .iter()
        .map(|a| a.element.as_str())
        .collect();
    assert_eq!(elements, ["C", "H", "H", "Ca", "Na", "Cl", "Fe", "N", "Mg"]);
    assert!(close(s.topology.atoms[1].occupancy, 1.0));
    assert!(close(s.topology.atoms[1].b_factor, 0.0));
    assert!(is_hydrogen(&s.topology.atoms[1].element));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn element_inference_api() {
    assert_eq!(infer_element(" CA ", "ALA"), "C");
    assert_eq!(infer_element("CA  ", "CA"), "Ca");
    assert_eq!(infer_element("FE  ", "HEM"), "Fe");
    assert_eq!(infer_element("ZN  ", "ZN"), "Zn");
    assert_eq!(infer_element("K   ", "K"), "K");
    assert_eq!(infer_element("1HB ", "ALA"), "H");
    assert_eq!(infer_element(" HB2", "ALA"), "H");
    assert_eq!(infer_element("HG21", "THR"), "H");
    assert_eq!(infer_element(" OG1", "THR"), "O");
    assert!(is_hydrogen("H") && !is_hydrogen("Hg"));
}

#[test]
fn element_column_is_capitalised() {
    let text = "HETATM    1 FE   HEM A   1       0.000   0.000   0.000  1.00  0.00          FE\n";
    assert_eq!(read(text).topology.atoms[0].element, "Fe");
}

#[test]
fn bad_coordinate_names_line_column_and_text() {
    let text = "\
REMARK nothing
ATOM      1  N   GLY A   1       1.000   2.000   3.000  1.00  0.00           N
ATOM      2  CA  GLY A   1      12.3a5   3.000   4.000  1.00  0.00           C
";
    let (line, message) = line_error(text);
    assert_eq!(line, 3);
    assert_eq!(
        message,
        "x coordinate (columns 31-38) is \"  12.3a5\", expected a number"
    );

    let short = "ATOM      1  N   GLY A   1       1.000   2.000   3.0\n";
    let (line, message) = line_error(short);
    assert_eq!(line, 1);
    assert!(
        message.starts_with("z coordinate (columns 47-54) is cut short"),
        "{message}"
    );
    let shorter = "ATOM      1  N   GLY A   1       1.000\n";
    let (_, message) = line_error(shorter);
    assert!(
        message.starts_with("y coordinate (columns 39-46) is missing"),
        "{message}"
    );
}

#[test]
fn empty_and_atomless_files_are_file_errors() {
    for text in ["", "  \n\n", "HEADER    NOTHING\nEND\n"] {
        match read_pdb(text.as_bytes(), "e.pdb", &PdbOptions::default()) {
            Err(Error::File {
                source_name,
                message,
            }) => {
                assert_eq!(source_name, "e.pdb");
                assert!(
                    message.contains("empty") || message.contains("no ATOM"),
                    "{message}"
                );
            }
            other => panic!("expected a file error, got {other:?}"),
        }
    }
}

#[test]
fn crlf_and_non_utf8_input() {
    let crlf = SMALL.replace('\n', "\r\n");
    let s = read(&crlf);
    assert_eq!(s.topology, read(SMALL).topology);
    assert_eq!(s.frames, read(SMALL).frames);

    let mut bytes = SMALL.as_bytes().to_vec();
    let at = SMALL.find(" CA  ALA").expect("fixture") + 1;
    bytes[at] = 0xC3; // a lone lead byte inside the atom name
    let s = read_pdb(&bytes, "latin.pdb", &PdbOptions::default()).expect("still readable");
    assert_eq!(s.topology.atoms[1].name, "\u{FFFD}A");
}

#[test]
fn frames_separated_by_end_without_model_records() {
    let frame = |x: f64| {
        atom_line(
            "ATOM",
            "1",
            " CA ",
            ' ',
            "GLY",
            'A',
            "1",
            [x, 0.0, 0.0],
            1.0,
            "C",
        )
    };
    let text = format!(
        "CRYST1   10.000   10.000   10.000  90.00  90.00  90.00 P 1\n{}\nEND\n\
         CRYST1   20.000   10.000   10.000  90.00  90.00  90.00 P 1\n{}\nEND\n",
        frame(1.0),
        frame(2.0)
    );
    let s = read(&text);
    assert_eq!(s.frames.len(), 2);
    assert!(close(s.frames[1].x[0], 0.2));
    assert!(close(s.frames[0].box_vectors.expect("box")[0][0], 1.0));
    assert!(close(s.frames[1].box_vectors.expect("box")[0][0], 2.0));
    assert!(close(s.topology.box_vectors.expect("box")[0][0], 1.0));
}

#[test]
fn twenty_thousand_atoms_parse_quickly() {
    let mut text = String::with_capacity(20_000 * 82);
    for i in 0..20_000u32 {
        let serial = (i + 1).to_string();
        let seq = (i / 10 + 1).to_string();
        let xyz = [f64::from(i % 100), f64::from(i / 100), -f64::from(i % 7)];
        let _ = writeln!(
            text,
            "{}",
            atom_line(
                "ATOM", &serial, " CA ", ' ', "ALA", 'A', &seq, xyz, 1.0, "C"
            )
        );
    }
    let mut elapsed = std::time::Duration::MAX;
    let mut s = StructureFile::default();
    for _ in 0..5 {
        let start = std::time::Instant::now();
        s = read(&text);
        elapsed = elapsed.min(start.elapsed());
    }
    eprintln!("20,000-atom PDB read in {elapsed:?} (best of 5)");
    assert_eq!(s.topology.len(), 20_000);
    assert_eq!(s.topology.residues.len(), 2_000);
    assert!(close(s.frames[0].y[19_999], 19.9));
    // Generous bound for unoptimised CI builds; release builds take a few ms.
    assert!(elapsed.as_secs_f64() < 2.0, "{elapsed:?}");
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = read_pdb(&bytes, "fuzz.pdb", &PdbOptions::default());
    }

    #[test]
    fn arbitrary_record_lines_never_panic(
        lines in proptest::collection::vec(
            (prop::sample::select(vec!["ATOM  ", "HETATM", "MODEL ", "ENDMDL", "CONECT", "CRYST1", "TER   ", "END   "]),
             "[ -~]{0,80}"),
            0..40),
        policy in prop_oneof![Just(AltlocPolicy::First), Just(AltlocPolicy::HighestOccupancy), Just(AltlocPolicy::Only('B'))],
    ) {
        let text: String = lines.iter().flat_map(|(r, rest)| [*r, rest.as_str(), "\n"]).collect();
        let _ = read_pdb(text.as_bytes(), "fuzz.pdb", &PdbOptions { altloc: policy });
    }

    #[test]
    fn truncated_lines_never_panic(cuts in proptest::collection::vec(0usize..90, 1..30), seed in 0usize..1000) {
        let source = format!("{SMALL}{}", altloc_fixture());
        let mut lines: Vec<String> = source.lines().map(str::to_owned).collect();
        for (k, cut) in cuts.iter().enumerate() {
            let n = lines.len();
            let line = &mut lines[(seed + k * 7) % n];
            let keep = (*cut).min(line.len());
            line.truncate(keep);
        }
        let text = lines.join("\n");
        for policy in [AltlocPolicy::First, AltlocPolicy::HighestOccupancy, AltlocPolicy::Only('A')] {
            let _ = read_pdb(text.as_bytes(), "cut.pdb", &PdbOptions { altloc: policy });
        }
    }

    #[test]
    fn byte_mutations_never_panic(edits in proptest::collection::vec((0usize..4000, any::<u8>()), 1..20)) {
        let mut bytes = format!("{}{}", two_models(" N  "), SMALL).into_bytes();
        let n = bytes.len();
        for (at, b) in edits {
            bytes[at % n] = b;
        }
        let _ = read_pdb(&bytes, "mut.pdb", &PdbOptions::default());
    }
}
