//! Residue knowledge shared by bond inference and selections: which residue names are amino acids,
//! caps, nucleotides, water or ions, the heavy-atom bonds of each standard residue by atom name,
//! and covalent radii by element.
//!
//! Hydrogens are deliberately absent from the templates: naming schemes differ between force fields
//! and PDB versions (`HB2`/`HB3`, `1HB`/`2HB`, `HB1`/`HB2`, `HN`/`H`), so bond inference attaches
//! every hydrogen of a templated residue to its closest heavy atom instead.

use std::borrow::Cow;

use crate::{Atom, Residue, Topology};

/// What a residue is, as far as bonds and selections care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResidueKind {
    /// A standard amino acid or a common protonation/force-field variant; the payload is the
    /// canonical side-chain template name (`ALA`, `HIS`, `MSE`, ...).
    AminoAcid(&'static str),
    /// An N-terminal (`ACE`) or C-terminal (`NME`, `NMA`) cap.
    Cap(Cap),
    /// A DNA or RNA nucleotide; the payload is the base.
    Nucleic(Base),
    /// A water molecule.
    Water,
    /// A monatomic ion.
    Ion,
    /// Anything else (ligands, lipids, unknown residues): no template.
    Other,
}

impl ResidueKind {
    /// Amino acids and caps.
    pub(crate) fn is_protein(self) -> bool {
        matches!(self, Self::AminoAcid(_) | Self::Cap(_))
    }

    /// Residues bond inference has a template for.
    pub(crate) fn has_template(self) -> bool {
        !matches!(self, Self::Other | Self::Ion)
    }
}

/// Peptide caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cap {
    /// Acetyl (N-terminal): `CH3`–`C`(=`O`).
    Ace,
    /// N-methyl amide (C-terminal): `N`–`CH3`.
    Nme,
}

/// Nucleobases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Base {
    /// Adenine.
    A,
    /// Guanine.
    G,
    /// Cytosine.
    C,
    /// Thymine.
    T,
    /// Uracil.
    U,
}

/// Water residue names (PDB, AMBER, GROMACS, CHARMM and common model names).
const WATER: &[&str] = &[
    "HOH", "WAT", "SOL", "TIP3", "TIP4", "TIP5", "TIP3P", "TIP4P", "TIP5P", "SPC", "SPCE", "T3P",
    "T4P", "T5P", "H2O", "DOD", "OPC", "TIP",
];

/// Residue names of monatomic ions (only counted as ions when the residue has one atom).
const ION_NAMES: &[&str] = &[
    "NA", "NA+", "SOD", "K", "K+", "POT", "CL", "CL-", "CLA", "MG", "MG2", "MG+2", "CA", "CA2",
    "CAL", "CA+2", "ZN", "ZN2", "ZN+2", "LI", "LI+", "RB", "RB+", "CS", "CS+", "CES", "F", "F-",
    "BR", "BR-", "IOD", "I", "I-", "FE", "FE2", "FE3", "CU", "CU1", "CU2", "MN", "MN2", "CO",
    "CO2", "NI", "NI2", "CD", "CD2", "HG", "SR", "BA", "AL", "IB+",
];

/// Elements that, alone in a residue, are an ion whatever the residue is called.
const ION_ELEMENTS: &[&str] = &[
    "Na", "K", "Cl", "Mg", "Ca", "Zn", "Li", "Rb", "Cs", "F", "Br", "I", "Fe", "Cu", "Mn", "Co",
    "Ni", "Cd", "Hg", "Sr", "Ba", "Al",
];

/// Canonical template name for an amino-acid residue name, or `None`.
fn amino_acid(name: &str) -> Option<&'static str> {
    Some(match name {
        "ALA" => "ALA",
        "ARG" | "ARN" => "ARG",
        "ASN" => "ASN",
        "ASP" | "ASH" | "ASPH" | "ASPP" => "ASP",
        "CYS" | "CYX" | "CYM" | "CYS2" => "CYS",
        "GLN" => "GLN",
        "GLU" | "GLH" | "GLUH" | "GLUP" => "GLU",
        "GLY" => "GLY",
        "HIS" | "HID" | "HIE" | "HIP" | "HSD" | "HSE" | "HSP" | "HISA" | "HISB" | "HISD"
        | "HISE" | "HISH" => "HIS",
        "ILE" => "ILE",
        "LEU" => "LEU",
        "LYS" | "LYN" | "LYSH" => "LYS",
        "MET" => "MET",
        "MSE" => "MSE",
        "PHE" => "PHE",
        "PRO" => "PRO",
        "SER" => "SER",
        "THR" => "THR",
        "TRP" => "TRP",
        "TYR" => "TYR",
        "VAL" => "VAL",
        _ => return None,
    })
}

fn nucleotide(name: &str) -> Option<Base> {
    // AMBER marks terminal nucleotides with a 5/3 suffix: DA5, DA3, RA5, A5.
    let core = match name.len() {
        2..=3 if name.ends_with(['5', '3']) => &name[..name.len() - 1],
        _ => name,
    };
    Some(match core {
        "DA" | "A" | "RA" | "ADE" => Base::A,
        "DG" | "G" | "RG" | "GUA" => Base::G,
        "DC" | "C" | "RC" | "CYT" => Base::C,
        "DT" | "T" | "THY" => Base::T,
        "DU" | "U" | "RU" | "URA" => Base::U,
        _ => return None,
    })
}

/// Classifies one residue of `topology`.
pub(crate) fn classify(topology: &Topology, residue: &Residue) -> ResidueKind {
    let upper = residue.name.trim().to_ascii_uppercase();
    let name = upper.as_str();
    let monatomic = residue.atoms.len() == 1;
    if monatomic && ION_NAMES.contains(&name) {
        return ResidueKind::Ion;
    }
    if WATER.contains(&name) {
        return ResidueKind::Water;
    }
    if let Some(aa) = amino_acid(name) {
        return ResidueKind::AminoAcid(aa);
    }
    match name {
        "ACE" => return ResidueKind::Cap(Cap::Ace),
        "NME" | "NMA" | "NHE" => return ResidueKind::Cap(Cap::Nme),
        _ => {}
    }
    // AMBER terminal amino acids: NALA, CALA, NHIE ...
    if name.len() == 4
        && (name.starts_with('N') || name.starts_with('C'))
        && let Some(aa) = amino_acid(&name[1..])
    {
        return ResidueKind::AminoAcid(aa);
    }
    if let Some(base) = nucleotide(name) {
        return ResidueKind::Nucleic(base);
    }
    // A lone metal or halide under an unusual residue name is still an ion.
    if monatomic {
        let element = topology
            .atoms
            .get(residue.atoms.start)
            .map_or("", |a| a.element.trim());
        if ION_ELEMENTS.iter().any(|e| e.eq_ignore_ascii_case(element)) {
            return ResidueKind::Ion;
        }
    }
    ResidueKind::Other
}

/// Atom name as the templates spell it: `*` becomes `'`, and the old phosphate names
/// `O1P`/`O2P`/`O3P` become `OP1`/`OP2`/`OP3`.
pub(crate) fn normalize_atom_name(name: &str) -> Cow<'_, str> {
    let name = name.trim();
    match name {
        "O1P" => return Cow::Borrowed("OP1"),
        "O2P" => return Cow::Borrowed("OP2"),
        "O3P" => return Cow::Borrowed("OP3"),
        _ => {}
    }
    if name.contains('*') {
        Cow::Owned(name.replace('*', "'"))
    } else {
        Cow::Borrowed(name)
    }
}

/// True for hydrogen atoms (isotopes `D`, `T` included). Uses the element; when a reader left it
/// blank, the first letter of the name (after any leading digits, as in `1HB`) decides.
pub(crate) fn is_hydrogen(atom: &Atom) -> bool {
    let element = atom.element.trim();
    if element.is_empty() {
        return atom
            .name
            .trim()
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .starts_with(['H', 'h', 'D', 'd']);
    }
    ["H", "D", "T"]
        .iter()
        .any(|h| element.eq_ignore_ascii_case(h))
}

/// True for atoms of unknown element (`X`): virtual sites such as TIP4P's `MW`, lone pairs, dummy
/// atoms. Distance rules never bond them.
pub(crate) fn is_dummy(atom: &Atom) -> bool {
    atom.element.trim().eq_ignore_ascii_case("X")
}

/// Default covalent radius (nm) for elements missing from the table.
pub(crate) const DEFAULT_COVALENT_RADIUS: f32 = 0.15;

/// Single-bond covalent radius in nm (Cordero et al. 2008), [`DEFAULT_COVALENT_RADIUS`] when unknown.
pub(crate) fn covalent_radius(atom: &Atom) -> f32 {
    if is_hydrogen(atom) {
        return 0.031;
    }
    let e = atom.element.trim();
    let eq = |s: &str| e.eq_ignore_ascii_case(s);
    if eq("C") {
        0.076
    } else if eq("N") {
        0.071
    } else if eq("O") {
        0.066
    } else if eq("S") {
        0.105
    } else if eq("P") {
        0.107
    } else if eq("F") {
        0.057
    } else if eq("Cl") {
        0.102
    } else if eq("Br") {
        0.120
    } else if eq("I") {
        0.139
    } else if eq("Se") {
        0.120
    } else if eq("B") {
        0.084
    } else if eq("Si") {
        0.111
    } else if eq("Fe") {
        0.132
    } else if eq("Zn") {
        0.122
    } else if eq("Mg") {
        0.141
    } else if eq("Cu") {
        0.132
    } else if eq("Mn") {
        0.139
    } else if eq("Co") {
        0.126
    } else if eq("Ni") {
        0.124
    } else {
        DEFAULT_COVALENT_RADIUS
    }
}

type Pairs = &'static [(&'static str, &'static str)];

/// Backbone of every amino acid, including C-terminal oxygens under their several names
/// (PDB `OXT`, CHARMM `OT1`/`OT2`, GROMACS `OC1`/`OC2`, GROMOS `O1`/`O2`).
const BACKBONE: Pairs = &[
    ("N", "CA"),
    ("CA", "C"),
    ("C", "O"),
    ("C", "OXT"),
    ("C", "OT1"),
    ("C", "OT2"),
    ("C", "OC1"),
    ("C", "OC2"),
    ("C", "O1"),
    ("C", "O2"),
];

const PHE_RING: Pairs = &[
    ("CA", "CB"),
    ("CB", "CG"),
    ("CG", "CD1"),
    ("CG", "CD2"),
    ("CD1", "CE1"),
    ("CD2", "CE2"),
    ("CE1", "CZ"),
    ("CE2", "CZ"),
];

fn side_chain(aa: &str) -> Pairs {
    match aa {
        "ALA" => &[("CA", "CB")],
        "ARG" => &[
            ("CA", "CB"),
            ("CB", "CG"),
            ("CG", "CD"),
            ("CD", "NE"),
            ("NE", "CZ"),
            ("CZ", "NH1"),
            ("CZ", "NH2"),
        ],
        "ASN" => &[("CA", "CB"), ("CB", "CG"), ("CG", "OD1"), ("CG", "ND2")],
        "ASP" => &[("CA", "CB"), ("CB", "CG"), ("CG", "OD1"), ("CG", "OD2")],
        "CYS" => &[("CA", "CB"), ("CB", "SG")],
        "GLN" => &[
            ("CA", "CB"),
            ("CB", "CG"),
            ("CG", "CD"),
            ("CD", "OE1"),
            ("CD", "NE2"),
        ],
        "GLU" => &[
            ("CA", "CB"),
            ("CB", "CG"),
            ("CG", "CD"),
            ("CD", "OE1"),
            ("CD", "OE2"),
        ],
        "HIS" => &[
            ("CA", "CB"),
            ("CB", "CG"),
            ("CG", "ND1"),
            ("CG", "CD2"),
            ("ND1", "CE1"),
            ("CD2", "NE2"),
            ("CE1", "NE2"),
        ],
        // CHARMM and GROMOS call ILE's delta carbon CD.
        "ILE" => &[
            ("CA", "CB"),
            ("CB", "CG1"),
            ("CB", "CG2"),
            ("CG1", "CD1"),
            ("CG1", "CD"),
        ],
        "LEU" => &[("CA", "CB"), ("CB", "CG"), ("CG", "CD1"), ("CG", "CD2")],
        "LYS" => &[
            ("CA", "CB"),
            ("CB", "CG"),
            ("CG", "CD"),
            ("CD", "CE"),
            ("CE", "NZ"),
        ],
        "MET" => &[("CA", "CB"), ("CB", "CG"), ("CG", "SD"), ("SD", "CE")],
        "MSE" => &[("CA", "CB"), ("CB", "CG"), ("CG", "SE"), ("SE", "CE")],
        "PHE" => PHE_RING,
        "PRO" => &[("CA", "CB"), ("CB", "CG"), ("CG", "CD"), ("CD", "N")],
        "SER" => &[("CA", "CB"), ("CB", "OG")],
        "THR" => &[("CA", "CB"), ("CB", "OG1"), ("CB", "CG2")],
        "TRP" => &[
            ("CA", "CB"),
            ("CB", "CG"),
            ("CG", "CD1"),
            ("CG", "CD2"),
            ("CD1", "NE1"),
            ("NE1", "CE2"),
            ("CD2", "CE2"),
            ("CD2", "CE3"),
            ("CE2", "CZ2"),
            ("CE3", "CZ3"),
            ("CZ2", "CH2"),
            ("CZ3", "CH2"),
        ],
        "TYR" => &[
            ("CA", "CB"),
            ("CB", "CG"),
            ("CG", "CD1"),
            ("CG", "CD2"),
            ("CD1", "CE1"),
            ("CD2", "CE2"),
            ("CE1", "CZ"),
            ("CE2", "CZ"),
            ("CZ", "OH"),
        ],
        "VAL" => &[("CA", "CB"), ("CB", "CG1"), ("CB", "CG2")],
        _ => &[],
    }
}

/// Sugar–phosphate backbone, shared by DNA and RNA (`O2'` only exists in RNA; `OP3` only on a
/// 5'-phosphate).
const SUGAR_PHOSPHATE: Pairs = &[
    ("P", "OP1"),
    ("P", "OP2"),
    ("P", "OP3"),
    ("P", "O5'"),
    ("O5'", "C5'"),
    ("C5'", "C4'"),
    ("C4'", "O4'"),
    ("C4'", "C3'"),
    ("C3'", "O3'"),
    ("C3'", "C2'"),
    ("C2'", "C1'"),
    ("C1'", "O4'"),
    ("C2'", "O2'"),
];

const PURINE: Pairs = &[
    ("C1'", "N9"),
    ("N9", "C8"),
    ("C8", "N7"),
    ("N7", "C5"),
    ("C5", "C6"),
    ("C6", "N1"),
    ("N1", "C2"),
    ("C2", "N3"),
    ("N3", "C4"),
    ("C4", "C5"),
    ("C4", "N9"),
];

const PYRIMIDINE: Pairs = &[
    ("C1'", "N1"),
    ("N1", "C2"),
    ("C2", "O2"),
    ("C2", "N3"),
    ("N3", "C4"),
    ("C4", "C5"),
    ("C5", "C6"),
    ("C6", "N1"),
];

fn base_substituents(base: Base) -> Pairs {
    match base {
        Base::A => &[("C6", "N6")],
        Base::G => &[("C6", "O6"), ("C2", "N2")],
        Base::C => &[("C4", "N4")],
        // Thymine's methyl: C7 today, C5M in old PDB files.
        Base::T => &[("C4", "O4"), ("C5", "C7"), ("C5", "C5M")],
        Base::U => &[("C4", "O4")],
    }
}

const WATER_BONDS: Pairs = &[
    ("O", "H1"),
    ("O", "H2"),
    ("OW", "HW1"),
    ("OW", "HW2"),
    ("OH2", "H1"),
    ("OH2", "H2"),
];

/// The by-name bonds of a residue kind, as slices to be concatenated (all empty for ions and
/// untemplated residues).
pub(crate) fn template_bonds(kind: ResidueKind) -> [Pairs; 3] {
    match kind {
        ResidueKind::AminoAcid(aa) => [BACKBONE, side_chain(aa), &[]],
        ResidueKind::Cap(Cap::Ace) => [&[("CH3", "C"), ("CA", "C"), ("C", "O")], &[], &[]],
        ResidueKind::Cap(Cap::Nme) => [&[("N", "CH3"), ("N", "C"), ("N", "CA")], &[], &[]],
        ResidueKind::Nucleic(base) => [
            SUGAR_PHOSPHATE,
            match base {
                Base::A | Base::G => PURINE,
                Base::C | Base::T | Base::U => PYRIMIDINE,
            },
            base_substituents(base),
        ],
        ResidueKind::Water => [WATER_BONDS, &[], &[]],
        ResidueKind::Ion | ResidueKind::Other => [&[], &[], &[]],
    }
}

/// Index of the first atom of `residue` whose normalised name is `name`.
pub(crate) fn find_atom(topology: &Topology, residue: &Residue, name: &str) -> Option<usize> {
    residue.atoms.clone().find(|&i| {
        topology
            .atoms
            .get(i)
            .is_some_and(|a| normalize_atom_name(&a.name) == name)
    })
}
