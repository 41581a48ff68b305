//! The static part of a system: atoms, residues, bonds, unit cell. Coordinates live in [`Frame`]s.
//!
//! [`Frame`]: crate::Frame

/// One atom as read from a topology file.
#[derive(Debug, Clone, PartialEq)]
pub struct Atom {
    /// Serial number as written in the file (decoded from hybrid-36 for PDB).
    pub serial: i64,
    /// Atom name, trimmed (`CA`, `OG1`).
    pub name: String,
    /// Element symbol, capitalised (`C`, `Fe`); inferred from the name when the file leaves it blank.
    pub element: String,
    /// Index into [`Topology::residues`].
    pub residue: usize,
    /// Alternate-location indicator kept for this atom (`' '` when none).
    pub altloc: char,
    /// Occupancy (1.0 when the format has none).
    pub occupancy: f32,
    /// B-factor (0.0 when the format has none).
    pub b_factor: f32,
    /// True for PDB HETATM records.
    pub hetero: bool,
}

/// A residue: a contiguous run of atoms sharing chain, number, insertion code and name.
#[derive(Debug, Clone, PartialEq)]
pub struct Residue {
    /// Residue name, trimmed (`ALA`, `HOH`).
    pub name: String,
    /// Residue number as written (decoded from hybrid-36 for PDB).
    pub seq: i64,
    /// Insertion code (`' '` when none).
    pub icode: char,
    /// Chain identifier (PDB) or empty (GRO).
    pub chain: String,
    /// Atoms of this residue: `atoms.start..atoms.end` index [`Topology::atoms`].
    pub atoms: std::ops::Range<usize>,
}

/// Periodic box as three box vectors (rows), in nm.
pub type BoxVectors = [[f32; 3]; 3];

/// Atoms, residues and explicit bonds of one molecular system.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Topology {
    /// Atoms in file order.
    pub atoms: Vec<Atom>,
    /// Residues in file order; every atom belongs to exactly one.
    pub residues: Vec<Residue>,
    /// Bonds stated by the file (PDB CONECT), as pairs of atom indices with `i < j`, deduplicated.
    pub explicit_bonds: Vec<[usize; 2]>,
    /// Unit cell from CRYST1 or the GRO box line, in nm.
    pub box_vectors: Option<BoxVectors>,
}

impl Topology {
    /// Number of atoms.
    #[must_use]
    pub fn len(&self) -> usize {
        self.atoms.len()
    }

    /// True when there are no atoms.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.atoms.is_empty()
    }

    /// The residue an atom belongs to.
    #[must_use]
    pub fn residue_of(&self, atom: usize) -> Option<&Residue> {
        self.atoms
            .get(atom)
            .and_then(|a| self.residues.get(a.residue))
    }
}
