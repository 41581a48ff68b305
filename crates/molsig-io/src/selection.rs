//! Atom selections: which atoms of a topology become the points of a signature, the bond graph
//! between those points, and how to turn the positions read from a trajectory into output points.
//!
//! Water and monatomic ions are stripped by default ([`SelectionOptions`]). Every selection keeps
//! chains connected in its graph: backbone atoms keep their in-residue and peptide links,
//! Cα atoms are linked along peptide-bonded chains, residue centroids are linked whenever any of
//! their atoms are bonded.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::str::FromStr;

use crate::bonds::BondGraph;
use crate::templates::{self, ResidueKind};
use crate::{Error, Frame, Residue, Result, Topology};

/// Which atoms to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Selection {
    /// Every atom (`all`).
    All,
    /// Every non-hydrogen atom (`heavy`).
    Heavy,
    /// Atoms of amino-acid residues, variants and ACE/NME caps included (`protein`).
    Protein,
    /// `N`, `CA`, `C`, `O` of protein residues (`backbone`); caps contribute their `C`, `O`/`N`.
    Backbone,
    /// `CA` of amino-acid residues (`ca`).
    CAlpha,
    /// One point per residue: the unweighted mean of its heavy atoms (`residue-centroids`).
    ResidueCentroids,
}

impl Selection {
    /// Every selection, in documentation order.
    pub const VARIANTS: [Selection; 6] = [
        Selection::All,
        Selection::Heavy,
        Selection::Protein,
        Selection::Backbone,
        Selection::CAlpha,
        Selection::ResidueCentroids,
    ];

    /// The selection's name as parsed by [`FromStr`] and written by [`Display`](fmt::Display).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Heavy => "heavy",
            Self::Protein => "protein",
            Self::Backbone => "backbone",
            Self::CAlpha => "ca",
            Self::ResidueCentroids => "residue-centroids",
        }
    }
}

impl fmt::Display for Selection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Selection {
    type Err = Error;

    /// Parses a selection name, case-insensitively (`calpha` is accepted for `ca`).
    fn from_str(s: &str) -> Result<Self> {
        let wanted = s.trim().to_ascii_lowercase();
        if wanted == "calpha" {
            return Ok(Self::CAlpha);
        }
        Self::VARIANTS
            .into_iter()
            .find(|v| v.name() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::VARIANTS.iter().map(|v| v.name()).collect();
                Error::Mismatch {
                    message: format!(
                        "unknown selection '{s}': valid selections are {}",
                        names.join(", ")
                    ),
                }
            })
    }
}

/// Options common to every selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectionOptions {
    /// Drop water molecules and monatomic ions before selecting. Default true.
    pub strip_water_and_ions: bool,
}

impl Default for SelectionOptions {
    fn default() -> Self {
        Self {
            strip_water_and_ions: true,
        }
    }
}

/// The result of [`select`]: which atoms to read, how to turn them into output points, and the
/// graph and labels of those points.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected {
    /// Sorted indices into the topology's atoms: the atoms to read from a trajectory.
    pub atoms: Vec<usize>,
    /// For [`Selection::ResidueCentroids`]: per output point, the positions *in `atoms`* to
    /// average. `None` for the other selections, whose outputs are `atoms` themselves.
    pub groups: Option<Vec<Vec<usize>>>,
    /// Bond graph over the outputs (`len()` vertices).
    pub graph: BondGraph,
    /// One label per output: `chain:RESseq:ATOM` (`A:ALA12:CA`), or `chain:RESseq` for centroids;
    /// the chain and its colon are left out when the file has no chain identifiers.
    pub labels: Vec<String>,
}

impl Selected {
    /// Number of output points.
    #[must_use]
    pub fn len(&self) -> usize {
        self.groups.as_ref().map_or(self.atoms.len(), Vec::len)
    }

    /// True when there are no output points (never the case for a value returned by [`select`]).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The output points as a topology of their own, for writing them out (the viewer): the
    /// selected atoms with their residues, or for centroids one pseudo-atom `CEN` per residue.
    /// Explicit bonds are left out; the selection's graph holds the bonds.
    #[must_use]
    pub fn topology(&self, topology: &Topology) -> Topology {
        let sources: Vec<usize> = match &self.groups {
            None => self.atoms.clone(),
            Some(groups) => groups
                .iter()
                .map(|g| g.first().map_or(0, |&k| self.atoms[k]))
                .collect(),
        };
        let mut out = Topology {
            box_vectors: topology.box_vectors,
            ..Topology::default()
        };
        for (i, &source) in sources.iter().enumerate() {
            let atom = &topology.atoms[source];
            let same_residue = out.residues.last().is_some_and(|r: &Residue| {
                let previous = &topology.atoms[sources[i - 1]];
                previous.residue == atom.residue && r.atoms.end == i
            });
            if same_residue {
                if let Some(r) = out.residues.last_mut() {
                    r.atoms.end = i + 1;
                }
            } else {
                let residue = &topology.residues[atom.residue];
                out.residues.push(Residue {
                    atoms: i..i + 1,
                    ..residue.clone()
                });
            }
            let mut point = atom.clone();
            point.residue = out.residues.len() - 1;
            if self.groups.is_some() {
                point.name = "CEN".into();
                point.element = "C".into();
            }
            out.atoms.push(point);
        }
        out
    }

    /// Computes the output points from `read`, which holds the positions of [`Selected::atoms`] in
    /// order (what a trajectory reader returns for that subset). `out` is cleared and refilled
    /// with one position per output; centroids are the plain (unweighted) mean of their group.
    /// Time, step, box and precision are copied from `read`.
    ///
    /// # Errors
    /// [`Error::Mismatch`] when `read` does not hold exactly `atoms.len()` positions.
    pub fn apply(&self, read: &Frame, out: &mut Frame) -> Result<()> {
        if read.len() != self.atoms.len()
            || read.y.len() != read.len()
            || read.z.len() != read.len()
        {
            return Err(Error::Mismatch {
                message: format!(
                    "selection reads {} atoms but the frame holds {}",
                    self.atoms.len(),
                    read.len()
                ),
            });
        }
        out.clear_with_capacity(self.len());
        match &self.groups {
            None => {
                out.x.extend_from_slice(&read.x);
                out.y.extend_from_slice(&read.y);
                out.z.extend_from_slice(&read.z);
            }
            Some(groups) => {
                for group in groups {
                    let mut sum = [0f64; 3];
                    for &k in group {
                        sum[0] += f64::from(read.x[k]);
                        sum[1] += f64::from(read.y[k]);
                        sum[2] += f64::from(read.z[k]);
                    }
                    let count = group.len().max(1) as f64;
                    out.push(sum.map(|s| (s / count) as f32));
                }
            }
        }
        out.time = read.time;
        out.step = read.step;
        out.box_vectors = read.box_vectors;
        out.precision = read.precision;
        Ok(())
    }
}

/// Largest Cα–Cα distance (nm) that links consecutive residues in [`select_with_positions`]
/// when the full graph has no peptide bond between them (Cα-only models).
pub const CA_LINK_CUTOFF: f32 = 0.42;

/// Selects atoms of `topology` and restricts `bonds` (the full graph, e.g. from
/// [`infer_bonds`](crate::bonds::infer_bonds)) to them.
///
/// Cα atoms of consecutive residues are linked when the full graph has their peptide bond; use
/// [`select_with_positions`] to also link them by Cα–Cα distance.
///
/// # Errors
/// [`Error::Mismatch`] when the graph does not cover the topology, or when nothing is selected
/// (the message lists the file's residue names and suggests another selection).
pub fn select(
    topology: &Topology,
    bonds: &BondGraph,
    selection: Selection,
    options: &SelectionOptions,
) -> Result<Selected> {
    select_impl(topology, bonds, None, selection, options)
}

/// [`select`], additionally linking Cα atoms of consecutive same-chain residues closer than
/// [`CA_LINK_CUTOFF`] (useful for Cα-only models, which have no peptide bonds). `positions` holds
/// one position per topology atom, in nm.
///
/// # Errors
/// As [`select`].
pub fn select_with_positions(
    topology: &Topology,
    bonds: &BondGraph,
    positions: &Frame,
    selection: Selection,
    options: &SelectionOptions,
) -> Result<Selected> {
    select_impl(topology, bonds, Some(positions), selection, options)
}

fn select_impl(
    topology: &Topology,
    bonds: &BondGraph,
    positions: Option<&Frame>,
    selection: Selection,
    options: &SelectionOptions,
) -> Result<Selected> {
    if bonds.num_atoms() != topology.len() {
        return Err(Error::Mismatch {
            message: format!(
                "bond graph has {} atoms but the topology has {}",
                bonds.num_atoms(),
                topology.len()
            ),
        });
    }
    let kinds: Vec<ResidueKind> = topology
        .residues
        .iter()
        .map(|r| templates::classify(topology, r))
        .collect();
    let stripped = |kind: ResidueKind| {
        options.strip_water_and_ions && matches!(kind, ResidueKind::Water | ResidueKind::Ion)
    };
    let selected = if selection == Selection::ResidueCentroids {
        centroids(topology, bonds, &kinds, &stripped)
    } else {
        let mut atoms = Vec::new();
        for (residue, &kind) in topology.residues.iter().zip(&kinds) {
            if stripped(kind) {
                continue;
            }
            for i in residue.atoms.clone() {
                if let Some(atom) = topology.atoms.get(i)
                    && keeps(selection, kind, &atom.name, templates::is_hydrogen(atom))
                {
                    atoms.push(i);
                }
            }
        }
        atoms.sort_unstable();
        atoms.dedup();
        atom_selection(topology, bonds, positions, &kinds, selection, atoms)
    };
    if selected.is_empty() {
        return Err(empty_selection_error(topology, &kinds, selection, options));
    }
    Ok(selected)
}

/// Whether an atom (name, hydrogen flag) of a residue of `kind` belongs to `selection`.
fn keeps(selection: Selection, kind: ResidueKind, name: &str, hydrogen: bool) -> bool {
    let name = name.trim();
    match selection {
        Selection::All | Selection::ResidueCentroids => true,
        Selection::Heavy => !hydrogen,
        Selection::Protein => kind.is_protein(),
        Selection::Backbone => match kind {
            ResidueKind::AminoAcid(_) => matches!(name, "N" | "CA" | "C" | "O"),
            ResidueKind::Cap(_) => matches!(name, "N" | "C" | "O"),
            _ => false,
        },
        Selection::CAlpha => matches!(kind, ResidueKind::AminoAcid(_)) && name == "CA",
    }
}

fn atom_selection(
    topology: &Topology,
    bonds: &BondGraph,
    positions: Option<&Frame>,
    kinds: &[ResidueKind],
    selection: Selection,
    atoms: Vec<usize>,
) -> Selected {
    let index: BTreeMap<usize, usize> = atoms.iter().enumerate().map(|(k, &a)| (a, k)).collect();
    let mut edges: Vec<[usize; 2]> = bonds.subgraph(&atoms).edges().collect();
    let local = |residue: &Residue, name: &str| {
        templates::find_atom(topology, residue, name).and_then(|a| index.get(&a).copied())
    };
    match selection {
        Selection::Backbone => {
            for (residue, kind) in topology.residues.iter().zip(kinds) {
                if !kind.is_protein() {
                    continue;
                }
                for (x, y) in [("N", "CA"), ("CA", "C"), ("C", "O")] {
                    if let (Some(i), Some(j)) = (local(residue, x), local(residue, y)) {
                        edges.push([i, j]);
                    }
                }
            }
        }
        Selection::CAlpha => {
            for r in 1..topology.residues.len() {
                let (prev, next) = (&topology.residues[r - 1], &topology.residues[r]);
                if prev.chain != next.chain
                    || !matches!(kinds[r - 1], ResidueKind::AminoAcid(_))
                    || !matches!(kinds[r], ResidueKind::AminoAcid(_))
                {
                    continue;
                }
                let (Some(ca_prev), Some(ca_next)) = (
                    templates::find_atom(topology, prev, "CA"),
                    templates::find_atom(topology, next, "CA"),
                ) else {
                    continue;
                };
                let peptide = matches!(
                    (templates::find_atom(topology, prev, "C"), templates::find_atom(topology, next, "N")),
                    (Some(c), Some(n)) if bonds.has_edge(c, n)
                );
                let close = positions.is_some_and(|frame| {
                    match (frame.position(ca_prev), frame.position(ca_next)) {
                        (Some(p), Some(q)) => {
                            let d2: f32 = (0..3).map(|k| (p[k] - q[k]) * (p[k] - q[k])).sum();
                            d2 < CA_LINK_CUTOFF * CA_LINK_CUTOFF
                        }
                        _ => false,
                    }
                });
                if (peptide || close)
                    && let (Some(&i), Some(&j)) = (index.get(&ca_prev), index.get(&ca_next))
                {
                    edges.push([i, j]);
                }
            }
        }
        _ => {}
    }
    let labels = atoms
        .iter()
        .map(|&a| {
            let atom = &topology.atoms[a];
            let residue = topology.residues.get(atom.residue);
            format!(
                "{}:{}",
                residue.map_or_else(String::new, residue_label),
                atom.name.trim()
            )
        })
        .collect();
    let graph = BondGraph::from_edges(atoms.len(), edges);
    Selected {
        atoms,
        groups: None,
        graph,
        labels,
    }
}

fn centroids(
    topology: &Topology,
    bonds: &BondGraph,
    kinds: &[ResidueKind],
    stripped: &impl Fn(ResidueKind) -> bool,
) -> Selected {
    let mut atoms = Vec::new();
    let mut groups = Vec::new();
    let mut labels = Vec::new();
    // Residue index → bead index.
    let mut bead_of_residue = vec![None; topology.residues.len()];
    for (r, (residue, &kind)) in topology.residues.iter().zip(kinds).enumerate() {
        if stripped(kind) || residue.atoms.is_empty() {
            continue;
        }
        let members: Vec<usize> = residue
            .atoms
            .clone()
            .filter(|&i| i < topology.len())
            .collect();
        let heavy: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| !templates::is_hydrogen(&topology.atoms[i]))
            .collect();
        let chosen = if heavy.is_empty() { members } else { heavy };
        if chosen.is_empty() {
            continue;
        }
        bead_of_residue[r] = Some(groups.len());
        groups.push(chosen);
        labels.push(residue_label(residue));
    }
    for group in &groups {
        atoms.extend_from_slice(group);
    }
    atoms.sort_unstable();
    atoms.dedup();
    let index: BTreeMap<usize, usize> = atoms.iter().enumerate().map(|(k, &a)| (a, k)).collect();
    let groups: Vec<Vec<usize>> = groups
        .into_iter()
        .map(|g| g.iter().filter_map(|a| index.get(a).copied()).collect())
        .collect();
    let bead_of_atom = |a: usize| {
        topology
            .atoms
            .get(a)
            .and_then(|atom| bead_of_residue.get(atom.residue).copied().flatten())
    };
    let mut edges = Vec::new();
    for [i, j] in bonds.edges() {
        if let (Some(bi), Some(bj)) = (bead_of_atom(i), bead_of_atom(j))
            && bi != bj
        {
            edges.push([bi, bj]);
        }
    }
    let graph = BondGraph::from_edges(groups.len(), edges);
    Selected {
        atoms,
        groups: Some(groups),
        graph,
        labels,
    }
}

fn residue_label(residue: &Residue) -> String {
    let chain = residue.chain.trim();
    let icode = if residue.icode == ' ' {
        String::new()
    } else {
        residue.icode.to_string()
    };
    let core = format!("{}{}{icode}", residue.name.trim(), residue.seq);
    if chain.is_empty() {
        core
    } else {
        format!("{chain}:{core}")
    }
}

/// How many residue names an empty-selection error lists.
const SHOWN: usize = 12;

fn empty_selection_error(
    topology: &Topology,
    kinds: &[ResidueKind],
    selection: Selection,
    options: &SelectionOptions,
) -> Error {
    if topology.is_empty() {
        return Error::Mismatch {
            message: format!("selection '{selection}' matched no atoms: the topology has no atoms"),
        };
    }
    let mut names: Vec<&str> = Vec::new();
    for residue in &topology.residues {
        let name = residue.name.trim();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let mut listed = names
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        let _ = write!(listed, " and {} more", names.len() - SHOWN);
    }
    let only_water_and_ions = options.strip_water_and_ions
        && kinds
            .iter()
            .all(|k| matches!(k, ResidueKind::Water | ResidueKind::Ion));
    let hint = if only_water_and_ions {
        "it holds only water and ions, which are stripped; keep water and ions to select them"
            .to_owned()
    } else {
        let alternatives: Vec<String> = [Selection::Heavy, Selection::All]
            .into_iter()
            .filter(|&s| s != selection)
            .map(|s| format!("'{s}'"))
            .collect();
        format!("try {}", alternatives.join(" or "))
    };
    Error::Mismatch {
        message: format!(
            "selection '{selection}' matched no atoms: this file has residues {listed}; {hint}"
        ),
    }
}
