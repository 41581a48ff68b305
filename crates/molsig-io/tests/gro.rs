//! Integration tests of the GRO reader on small hand-written fixtures.

use molsig_io::Error;
use molsig_io::gro::{StructureFile, read_gro};
use proptest::prelude::*;

// The first line starts right after the quote: a `\` line continuation would eat its indentation.
const ATOMS: &str = "    1ALA      N    1   1.000   2.000   3.000
    1ALA     CA    2   1.100   2.100   3.100
    1ALA    HB1    3   1.200   2.200   3.200
    2SOL     OW    4   0.500   0.600   0.700
    2SOL    HW1    5   0.550   0.600   0.700
    3NA      NA    6   4.000   4.100   4.200
    4CL      CL    7  -0.100   0.000   4.999
    5CA      CA    8   2.000   2.000   2.000
";

const WITH_VELOCITIES: &str = "\
Peptide in water t=  10.00000 step= 5000
    8
    1ALA      N    1   1.000   2.000   3.000  0.1234 -0.5000  1.0000
    1ALA     CA    2   1.100   2.100   3.100  0.1234 -0.5000  1.0000
    1ALA    HB1    3   1.200   2.200   3.200  0.1234 -0.5000  1.0000
    2SOL     OW    4   0.500   0.600   0.700  0.1234 -0.5000  1.0000
    2SOL    HW1    5   0.550   0.600   0.700  0.1234 -0.5000  1.0000
    3NA      NA    6   4.000   4.100   4.200  0.1234 -0.5000  1.0000
    4CL      CL    7  -0.100   0.000   4.999  0.1234 -0.5000  1.0000
    5CA      CA    8   2.000   2.000   2.000  0.1234 -0.5000  1.0000
   5.00000   6.00000   7.00000
";

const HIGH_PRECISION: &str = "\
written with gmx editconf -ndec 5
8
    1ALA      N    1   1.00000   2.00000   3.00000
    1ALA     CA    2   1.10000   2.10000   3.10000
    1ALA    HB1    3   1.20000   2.20000   3.20000
    2SOL     OW    4   0.50000   0.60000   0.70000
    2SOL    HW1    5   0.55000   0.60000   0.70000
    3NA      NA    6   4.00000   4.10000   4.20000
    4CL      CL    7  -0.10000   0.00000   4.99900
    5CA      CA    8   2.00000   2.00000   2.00000
   5.00000   6.00000   7.00000
";

fn plain() -> String {
    format!("Peptide in water\n    8\n{ATOMS}   5.00000   6.00000   7.00000\n")
}

fn read(text: &str) -> StructureFile {
    read_gro(text.as_bytes(), "test.gro").expect("valid GRO")
}

fn line_error(text: &str) -> (usize, String) {
    match read_gro(text.as_bytes(), "bad.gro") {
        Err(Error::Line {
            message,
            line,
            source_name,
        }) => {
            assert_eq!(source_name, "bad.gro");
            (line, message)
        }
        other => panic!("expected a line error, got {other:?}"),
    }
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn reads_atoms_residues_elements_and_box() {
    let s = read(&plain());
    let t = &s.topology;
    assert_eq!(t.len(), 8);
    let names: Vec<_> = t.atoms.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["N", "CA", "HB1", "OW", "HW1", "NA", "CL", "CA"]);
    let elements: Vec<_> = t.atoms.iter().map(|a| a.element.as_str()).collect();
    assert_eq!(elements, ["N", "C", "H", "O", "H", "Na", "Cl", "Ca"]);
    let serials: Vec<_> = t.atoms.iter().map(|a| a.serial).collect();
    assert_eq!(serials, [1, 2, 3, 4, 5, 6, 7, 8]);
    let residues: Vec<_> = t
        .residues
        .iter()
        .map(|r| (r.seq, r.name.as_str(), r.atoms.clone()))
        .collect();
    assert_eq!(
        residues,
        [
            (1, "ALA", 0..3),
            (2, "SOL", 3..5),
            (3, "NA", 5..6),
            (4, "CL", 6..7),
            (5, "CA", 7..8)
        ]
    );
    assert!(
        t.residues
            .iter()
            .all(|r| r.chain.is_empty() && r.icode == ' ')
    );
    assert!(t.explicit_bonds.is_empty());
    let a = &t.atoms[0];
    assert!(close(a.occupancy, 1.0) && close(a.b_factor, 0.0) && a.altloc == ' ' && !a.hetero);

    assert_eq!(s.frames.len(), 1);
    let f = &s.frames[0];
    assert_eq!(f.position(1), Some([1.1, 2.1, 3.1]));
    assert_eq!(f.position(6), Some([-0.1, 0.0, 4.999]));
    assert_eq!((f.time, f.step, f.precision), (0.0, 0, None));
    let rect = [[5.0, 0.0, 0.0], [0.0, 6.0, 0.0], [0.0, 0.0, 7.0]];
    assert_eq!(f.box_vectors, Some(rect));
    assert_eq!(t.box_vectors, Some(rect));
    assert!(s.warnings.is_empty());
}

#[test]
fn velocities_are_ignored_and_title_gives_time_and_step() {
    let s = read(WITH_VELOCITIES);
    let reference = read(&plain());
    assert_eq!(s.topology, reference.topology);
    assert_eq!(s.frames[0].x, reference.frames[0].x);
    assert_eq!(s.frames[0].z, reference.frames[0].z);
    assert!(close(s.frames[0].time, 10.0));
    assert_eq!(s.frames[0].step, 5000);
}

#[test]
fn field_width_comes_from_the_decimal_points() {
    let s = read(HIGH_PRECISION);
    let reference = read(&plain());
    assert_eq!(s.topology, reference.topology);
    assert_eq!(s.frames, reference.frames);
}

#[test]
fn triclinic_box() {
    // A rhombic dodecahedron (xy-square) with 5 nm image distance, in GROMACS' order:
    // v1(x) v2(y) v3(z) v1(y) v1(z) v2(x) v2(z) v3(x) v3(y).
    let text = plain().replace(
        "   5.00000   6.00000   7.00000",
        "   5.00000   5.00000   3.53553   0.00000   0.00000   0.00000   0.00000   2.50000   2.50000",
    );
    let v = read(&text).topology.box_vectors.expect("box");
    assert_eq!(v, [[5.0, 0.0, 0.0], [0.0, 5.0, 0.0], [2.5, 2.5, 3.53553]]);

    let text = plain().replace("   5.00000   6.00000   7.00000", " 1 2 3 4 5 6 7 8 9");
    let v = read(&text).topology.box_vectors.expect("box");
    assert_eq!(v, [[1.0, 4.0, 5.0], [6.0, 2.0, 7.0], [8.0, 9.0, 3.0]]);

    let text = plain().replace(
        "   5.00000   6.00000   7.00000",
        "   0.00000   0.00000   0.00000",
    );
    assert_eq!(read(&text).topology.box_vectors, None);
}

#[test]
fn multiple_frames() {
    let second = WITH_VELOCITIES
        .replace("t=  10.00000 step= 5000", "t=  20.00000 step= 10000")
        .replace("   1.000   2.000   3.000", "   1.500   2.500   3.500")
        .replace(
            "   5.00000   6.00000   7.00000",
            "   5.10000   6.10000   7.10000",
        );
    let text = format!("{WITH_VELOCITIES}{second}\n\n");
    let s = read(&text);
    assert_eq!(s.frames.len(), 2);
    assert!(close(s.frames[1].time, 20.0));
    assert_eq!(s.frames[1].step, 10_000);
    assert_eq!(s.frames[1].position(0), Some([1.5, 2.5, 3.5]));
    assert_eq!(s.frames[1].position(1), s.frames[0].position(1));
    assert!(close(s.frames[1].box_vectors.expect("box")[0][0], 5.1));
    assert!(close(s.topology.box_vectors.expect("box")[0][0], 5.0));
}

#[test]
fn later_frames_must_match_the_first() {
    let fewer = format!(
        "{}t\n7\n{}   1 1 1\n",
        plain(),
        ATOMS
            .lines()
            .take(7)
            .flat_map(|l| [l, "\n"])
            .collect::<String>()
    );
    let (line, message) = line_error(&fewer);
    assert_eq!(line, 13);
    assert_eq!(message, "frame 2 has 7 atoms but frame 1 has 8");

    let renamed = format!("{}{}", plain(), plain().replace("HB1", "HB2"));
    let (line, message) = line_error(&renamed);
    assert_eq!(line, 16);
    assert!(message.contains("frame 2: atom 3 is \"HB2\""), "{message}");
    assert!(message.contains("\"HB1\""), "{message}");
}

#[test]
fn residue_numbers_wrap_and_names_split_residues() {
    let text = "\
wrapped
4
99999SOL     OW99999   1.000   1.000   1.000
    0SOL     OW    0   1.000   1.000   1.000
    0SOL    HW1    1   1.000   1.000   1.000
    0NA      NA    2   1.000   1.000   1.000
 1 1 1
";
    let s = read(text);
    let residues: Vec<_> = s
        .topology
        .residues
        .iter()
        .map(|r| (r.seq, r.name.as_str(), r.atoms.len()))
        .collect();
    assert_eq!(residues, [(99_999, "SOL", 1), (0, "SOL", 2), (0, "NA", 1)]);
    let serials: Vec<_> = s.topology.atoms.iter().map(|a| a.serial).collect();
    assert_eq!(serials, [99_999, 0, 1, 2]);
}

#[test]
fn element_inference_from_names() {
    let text = "\
ions and a heme
7
    1HEME    FE    1   0.000   0.000   0.000
    1HEME    NA    2   0.000   0.000   0.000
    2SOD    SOD    3   0.000   0.000   0.000
    3CLA    CLA    4   0.000   0.000   0.000
    4POPC  C210    5   0.000   0.000   0.000
    4POPC  H91R    6   0.000   0.000   0.000
    5MG      MG    7   0.000   0.000   0.000
 1 1 1
";
    let elements: Vec<_> = read(text)
        .topology
        .atoms
        .iter()
        .map(|a| a.element.clone())
        .collect();
    assert_eq!(elements, ["Fe", "N", "Na", "Cl", "C", "H", "Mg"]);
}

#[test]
fn errors_name_the_line_and_the_problem() {
    match read_gro(b"  \n \n", "e.gro") {
        Err(Error::File { message, .. }) => assert_eq!(message, "file is empty"),
        other => panic!("{other:?}"),
    }
    let (line, message) = line_error("title\nabc\n");
    assert_eq!(
        (line, message.as_str()),
        (2, "atom count is \"abc\", expected a non-negative integer")
    );
    let (line, message) = line_error("title\n-3\n");
    assert_eq!(line, 2);
    assert!(message.contains("\"-3\""), "{message}");
    let (line, message) = line_error("title\n0\n 1 1 1\n");
    assert_eq!(line, 2);
    assert!(message.contains("atom count is 0"), "{message}");
    let (line, message) = line_error("title\n");
    assert_eq!(line, 2);
    assert!(message.contains("atom count"), "{message}");

    // A count far beyond the file: refused before anything is reserved.
    let (line, message) = line_error(&plain().replace("    8\n", "18446744073709551615\n"));
    assert_eq!(line, 2);
    assert!(message.contains("only 9 lines follow"), "{message}");
    let (line, message) = line_error(&plain().replace("    8\n", "    9\n"));
    assert_eq!(line, 2);
    assert!(
        message.contains("atom count is 9 but only 9 lines follow"),
        "{message}"
    );

    let (line, message) = line_error(&plain().replace("   2.100", "   2.1x0"));
    assert_eq!(line, 4);
    assert_eq!(
        message,
        "y coordinate (columns 29-36) is \"   2.1x0\", expected a number"
    );
    let (line, message) = line_error(&plain().replace("   3.200\n", "   3.2\n"));
    assert_eq!(line, 5);
    assert!(
        message.starts_with("z coordinate (columns 37-44) is cut short"),
        "{message}"
    );
    let (line, message) = line_error(&plain().replace(
        "    1ALA      N    1   1.000   2.000   3.000",
        "    1ALA      N    1",
    ));
    assert_eq!(line, 3);
    assert!(message.contains("no decimal point"), "{message}");
    let (line, message) = line_error(&plain().replace("    1ALA     CA", "    xALA     CA"));
    assert_eq!(line, 4);
    assert_eq!(
        message,
        "residue number (columns 1-5) is \"    x\", expected an integer"
    );

    let (line, message) =
        line_error(&plain().replace("   5.00000   6.00000   7.00000", "   5.0 6.0"));
    assert_eq!(line, 11);
    assert!(message.contains("2 numbers"), "{message}");
    let (line, message) = line_error(&plain().replace("   6.00000", "   six"));
    assert_eq!(line, 11);
    assert!(message.contains("\"six\""), "{message}");
}

#[test]
fn velocities_on_some_lines_only_and_odd_lines() {
    // Velocities on some lines only, trailing spaces, a left-aligned count and a box whose
    // values are too wide for %10.5f and run together.
    let text = "\
partial velocities
2
    1DOPC   NC3    1   7.956  12.408   4.949   0.100   0.200   0.300  \n    1DOPC   PO4    2   7.736  12.290   4.671
40000.0000040000.0000040000.00000
";
    let s = read(text);
    assert_eq!(s.frames[0].position(1), Some([7.736, 12.29, 4.671]));
    assert_eq!(
        s.topology.box_vectors,
        Some([
            [40000.0, 0.0, 0.0],
            [0.0, 40000.0, 0.0],
            [0.0, 0.0, 40000.0]
        ])
    );

    let (line, message) =
        line_error("t\n2\n    1SOL     OW    1   0.126   1.624   1.679\n\n 1 1 1\n");
    assert_eq!((line, message.as_str()), (4, "atom line 2 of 2 is empty"));

    let blank = read("t\n1\n    1SOL           1   0.126   1.624   1.679\n 1 1 1\n");
    assert_eq!(blank.topology.atoms[0].name, "");
    assert_eq!(blank.warnings.len(), 1);
    assert!(
        blank.warnings[0].message.contains("blank"),
        "{:?}",
        blank.warnings
    );
}

#[test]
fn crlf_and_non_utf8() {
    let crlf = plain().replace('\n', "\r\n");
    assert_eq!(read(&crlf), read(&plain()));
    let mut bytes = plain().into_bytes();
    bytes[0] = 0xFF; // title
    let at = plain().find("HB1").expect("fixture");
    bytes[at + 2] = 0xE9;
    let s = read_gro(&bytes, "latin1.gro").expect("readable");
    assert_eq!(s.topology.atoms[2].name, "HB\u{FFFD}");
    assert_eq!(s.topology.atoms[2].element, "H");
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = read_gro(&bytes, "fuzz.gro");
    }

    #[test]
    fn gro_shaped_noise_never_panics(
        count in 0usize..12,
        lines in proptest::collection::vec("[ -~]{0,70}", 0..14),
    ) {
        let text = format!("title t= 1 step= 2\n{count}\n{}", lines.join("\n"));
        let _ = read_gro(text.as_bytes(), "fuzz.gro");
    }

    #[test]
    fn truncated_lines_never_panic(cuts in proptest::collection::vec(0usize..80, 1..20), seed in 0usize..1000) {
        let source = format!("{WITH_VELOCITIES}{HIGH_PRECISION}");
        let mut lines: Vec<String> = source.lines().map(str::to_owned).collect();
        for (k, cut) in cuts.iter().enumerate() {
            let n = lines.len();
            let line = &mut lines[(seed + k * 5) % n];
            let keep = (*cut).min(line.len());
            line.truncate(keep);
        }
        let _ = read_gro(lines.join("\n").as_bytes(), "cut.gro");
    }

    #[test]
    fn byte_mutations_never_panic(edits in proptest::collection::vec((0usize..2000, any::<u8>()), 1..20)) {
        let mut bytes = format!("{WITH_VELOCITIES}{}", plain()).into_bytes();
        let n = bytes.len();
        for (at, b) in edits {
            bytes[at % n] = b;
        }
        let _ = read_gro(&bytes, "mut.gro");
    }
}
