//! The bond graph: which atoms are covalently bonded, inferred from a topology and one frame.
//!
//! [`infer_bonds`] combines four sources, in this order, each adding only bonds not found before:
//!
//! 1. **explicit** bonds from the file (PDB `CONECT`), except those touching a monatomic ion;
//! 2. **templates** for standard residues: heavy-atom bonds by atom name for the 20 amino acids
//!    and their common variants (HID/HIE/HIP, HSD/HSE/HSP, CYX, ASH, GLH, LYN, MSE, AMBER `NALA`/
//!    `CALA` terminal names, ...), the caps ACE and NME/NMA, DNA/RNA nucleotides (old `O1P`/`O2P`
//!    and `*` names accepted) and water. Every hydrogen of a templated residue is attached to the
//!    closest heavy atom of its residue within covalent distance, which copes with all hydrogen
//!    naming schemes (`HB2`/`HB3`, `1HB`/`2HB`, `HN`, `H1`/`H2`/`H3`) without enumerating them;
//! 3. **links** between residues: peptide `C(i)–N(i+1)` and nucleic `O3'(i)–P(i+1)` for
//!    consecutive residues of the same chain closer than 0.2 nm (so chain breaks stay broken), and
//!    disulfides `SG–SG` between cysteines closer than 0.25 nm;
//! 4. **distance** fallback for residues without a template (ligands, lipids, unknown residues)
//!    and for atoms of templated residues that are still unbonded: atoms *i*, *j* are bonded when
//!    `d < r_cov(i) + r_cov(j) + tolerance`. A cell list keeps this O(n). Two hydrogens are never
//!    bonded, a hydrogen gets only its closest partner, a heavy atom gets at most
//!    [`MAX_DISTANCE_PARTNERS`] bonds through heavy partners (the nearest first), and monatomic
//!    ions, atoms of unknown
//!    element `X` (virtual sites such as TIP4P's `MW`) and (with templates on) water never take
//!    part.
//!
//! Links between residues use the minimum image when the frame (or else the topology) has a box,
//! rectangular or triclinic, so a chain that crosses the box edge stays linked. Everything else
//! uses positions as given, without periodic images: make molecules whole first
//! (`gmx trjconv -pbc mol`). Atoms without a finite position in the frame get no distance-based
//! bonds.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::templates::{self, ResidueKind};
use crate::{BoxVectors, Frame, Topology};

/// Symmetric adjacency over `n` atoms in compressed sparse row form: the neighbours of atom `i`
/// are `neighbours[offsets[i]..offsets[i + 1]]`, sorted ascending, without self loops or
/// duplicates. Every bond appears twice (once from each end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BondGraph {
    offsets: Vec<usize>,
    neighbours: Vec<usize>,
}

impl Default for BondGraph {
    fn default() -> Self {
        Self {
            offsets: vec![0],
            neighbours: Vec::new(),
        }
    }
}

impl BondGraph {
    /// Builds the graph of `n` atoms from undirected edges in any order and orientation.
    /// Duplicates are merged; self loops and edges naming an atom `>= n` are dropped.
    pub fn from_edges(n: usize, edges: impl IntoIterator<Item = [usize; 2]>) -> Self {
        let mut pairs: Vec<[usize; 2]> = edges
            .into_iter()
            .filter(|&[i, j]| i != j && i < n && j < n)
            .map(|[i, j]| if i < j { [i, j] } else { [j, i] })
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mut offsets = vec![0usize; n + 1];
        for &[i, j] in &pairs {
            offsets[i + 1] += 1;
            offsets[j + 1] += 1;
        }
        for k in 0..n {
            offsets[k + 1] += offsets[k];
        }
        let mut fill = offsets.clone();
        let mut neighbours = vec![0usize; 2 * pairs.len()];
        // Pairs are sorted by (i, j) with i < j, so every row receives its smaller neighbours
        // (in ascending order) before its larger ones (in ascending order): rows come out sorted.
        for &[i, j] in &pairs {
            neighbours[fill[i]] = j;
            fill[i] += 1;
            neighbours[fill[j]] = i;
            fill[j] += 1;
        }
        Self {
            offsets,
            neighbours,
        }
    }

    /// Number of atoms (vertices).
    #[must_use]
    pub fn num_atoms(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Number of bonds (undirected edges).
    #[must_use]
    pub fn num_bonds(&self) -> usize {
        self.neighbours.len() / 2
    }

    /// Sorted neighbours of atom `i` (empty when `i` is out of range).
    #[must_use]
    pub fn neighbours(&self, i: usize) -> &[usize] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.neighbours[a..b],
            _ => &[],
        }
    }

    /// Number of bonds of atom `i`.
    #[must_use]
    pub fn degree(&self, i: usize) -> usize {
        self.neighbours(i).len()
    }

    /// True when atoms `i` and `j` are bonded.
    #[must_use]
    pub fn has_edge(&self, i: usize, j: usize) -> bool {
        self.neighbours(i).binary_search(&j).is_ok()
    }

    /// Every bond once, as `[i, j]` with `i < j`, sorted.
    pub fn edges(&self) -> impl Iterator<Item = [usize; 2]> + '_ {
        (0..self.num_atoms()).flat_map(move |i| {
            self.neighbours(i)
                .iter()
                .filter(move |&&j| j > i)
                .map(move |&j| [i, j])
        })
    }

    /// The raw CSR arrays `(offsets, neighbours)`; `offsets.len() == num_atoms() + 1`.
    #[must_use]
    pub fn csr(&self) -> (&[usize], &[usize]) {
        (&self.offsets, &self.neighbours)
    }

    /// Connected components, each sorted ascending, ordered by their smallest atom.
    /// Isolated atoms are components of one.
    #[must_use]
    pub fn components(&self) -> Vec<Vec<usize>> {
        let n = self.num_atoms();
        let mut seen = vec![false; n];
        let mut components = Vec::new();
        let mut stack = Vec::new();
        for start in 0..n {
            if seen[start] {
                continue;
            }
            seen[start] = true;
            stack.push(start);
            let mut component = Vec::new();
            while let Some(i) = stack.pop() {
                component.push(i);
                for &j in self.neighbours(i) {
                    if !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
            component.sort_unstable();
            components.push(component);
        }
        components
    }

    /// True when the graph has at most one component (an empty graph counts as connected).
    #[must_use]
    pub fn is_connected(&self) -> bool {
        self.components().len() <= 1
    }

    /// The subgraph induced by `keep`, renumbered so that vertex `k` is atom `keep[k]`.
    /// Atoms out of range are kept as isolated vertices; a repeated atom keeps its first position.
    #[must_use]
    pub fn subgraph(&self, keep: &[usize]) -> Self {
        let mut position: HashMap<usize, usize> = HashMap::with_capacity(keep.len());
        for (k, &atom) in keep.iter().enumerate() {
            position.entry(atom).or_insert(k);
        }
        let edges = keep.iter().enumerate().flat_map(|(k, &atom)| {
            let position = &position;
            self.neighbours(atom)
                .iter()
                .filter_map(move |j| position.get(j).map(|&l| [k, l]))
        });
        Self::from_edges(keep.len(), edges)
    }
}

/// Which sources [`infer_bonds_with_summary`] may use, and its distance tolerance.
#[allow(
    clippy::struct_excessive_bools,
    reason = "one independent switch per bond source"
)]
#[derive(Debug, Clone, PartialEq)]
pub struct BondOptions {
    /// Use bonds stated by the file (PDB `CONECT`). Default true.
    pub use_explicit: bool,
    /// Use residue templates (by-name bonds and hydrogen attachment for standard residues).
    /// Default true. When false, every residue except monatomic ions goes to the distance fallback.
    pub use_templates: bool,
    /// Use inter-residue links: peptide, nucleic-acid backbone, disulfides. Default true.
    pub use_links: bool,
    /// Use the covalent-radius distance fallback. Default true.
    pub use_distance_fallback: bool,
    /// Slack added to the sum of covalent radii, in nm. Default 0.045.
    pub tolerance: f32,
}

impl Default for BondOptions {
    fn default() -> Self {
        Self {
            use_explicit: true,
            use_templates: true,
            use_links: true,
            use_distance_fallback: true,
            tolerance: 0.045,
        }
    }
}

/// How many bonds each source contributed; a bond is credited to the first source that found it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BondSummary {
    /// From the file (PDB `CONECT`).
    pub explicit: usize,
    /// From residue templates, including hydrogens attached to their closest heavy atom.
    pub template: usize,
    /// Peptide bonds `C(i)–N(i+1)` between residues.
    pub peptide: usize,
    /// Nucleic-acid backbone bonds `O3'(i)–P(i+1)` between residues.
    pub nucleic: usize,
    /// Disulfide bonds `SG–SG`.
    pub disulfide: usize,
    /// From the covalent-radius distance fallback.
    pub distance: usize,
}

impl BondSummary {
    /// Total number of bonds.
    #[must_use]
    pub fn total(&self) -> usize {
        self.explicit + self.template + self.peptide + self.nucleic + self.disulfide + self.distance
    }
}

/// Largest peptide C–N or nucleic O3'–P distance accepted as a link, in nm.
pub const LINK_CUTOFF: f32 = 0.2;
/// Largest SG–SG distance accepted as a disulfide, in nm.
pub const DISULFIDE_CUTOFF: f32 = 0.25;
/// Most bonds the distance fallback lets a heavy atom reach through heavy-atom partners (the
/// nearest win; hydrogens attach afterwards). Six covers octahedral metal centres; without a cap,
/// atoms piled on one point (a broken frame, a zeroed selection) would all bond to each other,
/// n² / 2 bonds.
pub const MAX_DISTANCE_PARTNERS: usize = 6;

/// Infers the bond graph of `topology` using the coordinates in `positions` (one per topology
/// atom, nm). See the [module documentation](self) for the rules.
#[must_use]
pub fn infer_bonds(topology: &Topology, positions: &Frame, options: &BondOptions) -> BondGraph {
    infer_bonds_with_summary(topology, positions, options).0
}

/// [`infer_bonds`], also reporting how many bonds each source produced.
#[must_use]
pub fn infer_bonds_with_summary(
    topology: &Topology,
    positions: &Frame,
    options: &BondOptions,
) -> (BondGraph, BondSummary) {
    let n = topology.len();
    let kinds: Vec<ResidueKind> = topology
        .residues
        .iter()
        .map(|r| templates::classify(topology, r))
        .collect();
    let kind_of = |atom: usize| {
        topology
            .atoms
            .get(atom)
            .and_then(|a| kinds.get(a.residue))
            .copied()
            .unwrap_or(ResidueKind::Other)
    };
    let pos = |i: usize| {
        positions
            .position(i)
            .filter(|p| p.iter().all(|c| c.is_finite()))
    };
    let cell = positions
        .box_vectors
        .or(topology.box_vectors)
        .and_then(Periodic::new);
    let mut b = Builder {
        n,
        pairs: FastSet::default(),
        degree: vec![0; n],
    };
    let mut summary = BondSummary::default();

    if options.use_explicit {
        for &[i, j] in &topology.explicit_bonds {
            if kind_of(i) != ResidueKind::Ion && kind_of(j) != ResidueKind::Ion && b.add(i, j) {
                summary.explicit += 1;
            }
        }
    }

    if options.use_templates {
        for (residue, &kind) in topology.residues.iter().zip(&kinds) {
            summary.template += template_residue(topology, residue, kind, &pos, options, &mut b);
        }
    }

    if options.use_links {
        let (peptide, nucleic) = links(topology, &kinds, &pos, cell.as_ref(), &mut b);
        summary.peptide = peptide;
        summary.nucleic = nucleic;
        summary.disulfide = disulfides(topology, &kinds, &pos, &mut b);
    }

    if options.use_distance_fallback {
        summary.distance = distance_fallback(topology, &kind_of, &pos, options, &mut b);
    }

    (BondGraph::from_edges(n, b.pairs), summary)
}

/// Bonds found so far, with per-atom degree for "is it bonded yet" checks.
struct Builder {
    n: usize,
    pairs: FastSet<[usize; 2]>,
    degree: Vec<u32>,
}

impl Builder {
    /// Adds a bond; false when it was already there or invalid.
    fn add(&mut self, i: usize, j: usize) -> bool {
        if i == j || i >= self.n || j >= self.n {
            return false;
        }
        let key = if i < j { [i, j] } else { [j, i] };
        if self.pairs.insert(key) {
            self.degree[i] += 1;
            self.degree[j] += 1;
            true
        } else {
            false
        }
    }

    fn contains(&self, i: usize, j: usize) -> bool {
        self.pairs.contains(&if i < j { [i, j] } else { [j, i] })
    }
}

fn dist2(a: [f32; 3], b: [f32; 3]) -> f32 {
    let d = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
}

/// Template bonds of one residue plus hydrogen attachment; returns the number of new bonds.
fn template_residue(
    topology: &Topology,
    residue: &crate::Residue,
    kind: ResidueKind,
    pos: &impl Fn(usize) -> Option<[f32; 3]>,
    options: &BondOptions,
    b: &mut Builder,
) -> usize {
    if !kind.has_template() {
        return 0;
    }
    let mut added = 0;
    for pairs in templates::template_bonds(kind) {
        for &(x, y) in pairs {
            if let (Some(i), Some(j)) = (
                templates::find_atom(topology, residue, x),
                templates::find_atom(topology, residue, y),
            ) && b.add(i, j)
            {
                added += 1;
            }
        }
    }
    // Hydrogens: closest heavy atom of the residue within covalent distance.
    for h in residue.atoms.clone() {
        let Some(atom) = topology.atoms.get(h) else {
            continue;
        };
        if !templates::is_hydrogen(atom) || b.degree[h] > 0 {
            continue;
        }
        let Some(ph) = pos(h) else { continue };
        let rh = templates::covalent_radius(atom);
        let mut best: Option<(usize, f32)> = None;
        for x in residue.atoms.clone() {
            let Some(heavy) = topology.atoms.get(x) else {
                continue;
            };
            if templates::is_hydrogen(heavy) || templates::is_dummy(heavy) {
                continue;
            }
            let Some(px) = pos(x) else { continue };
            let d2 = dist2(ph, px);
            let cutoff = rh + templates::covalent_radius(heavy) + options.tolerance;
            if d2 < cutoff * cutoff && best.is_none_or(|(_, bd)| d2 < bd) {
                best = Some((x, d2));
            }
        }
        if let Some((x, _)) = best
            && b.add(h, x)
        {
            added += 1;
        }
    }
    added
}

/// A periodic cell (box vectors as rows, nm) for minimum-image distances.
struct Periodic {
    rows: [[f64; 3]; 3],
    /// Inverse of `rows`: a displacement `d` has fractional coordinates `d * inverse`.
    inverse: [[f64; 3]; 3],
}

impl Periodic {
    /// `None` for a degenerate box (zero volume or non-finite values).
    fn new(cell: BoxVectors) -> Option<Self> {
        let r = cell.map(|row| row.map(f64::from));
        let cofactor = |i: usize, j: usize| {
            let (i1, i2, j1, j2) = ((i + 1) % 3, (i + 2) % 3, (j + 1) % 3, (j + 2) % 3);
            r[i1][j1] * r[i2][j2] - r[i1][j2] * r[i2][j1]
        };
        let det = (0..3).map(|j| r[0][j] * cofactor(0, j)).sum::<f64>();
        if !det.is_finite() || det.abs() < 1e-9 {
            return None;
        }
        // inverse[j][i] = cofactor(i, j) / det (the adjugate is the transposed cofactor matrix).
        let inverse = std::array::from_fn(|j| std::array::from_fn(|i| cofactor(i, j) / det));
        Some(Self { rows: r, inverse })
    }

    /// Squared distance from `a` to the nearest periodic image of `b`: the displacement is
    /// wrapped into the cell, then the 27 neighbouring images are compared, which is exact for
    /// triclinic cells however skewed GROMACS allows them.
    fn dist2(&self, a: [f32; 3], b: [f32; 3]) -> f32 {
        let d: [f64; 3] = std::array::from_fn(|k| f64::from(b[k]) - f64::from(a[k]));
        let frac: [f64; 3] = std::array::from_fn(|i| {
            let f = (0..3).map(|k| d[k] * self.inverse[k][i]).sum::<f64>();
            f - f.round()
        });
        let mut best = f64::INFINITY;
        for n in 0..27 {
            let shift = [
                f64::from(n % 3) - 1.0,
                f64::from(n / 3 % 3) - 1.0,
                f64::from(n / 9) - 1.0,
            ];
            let image: [f64; 3] = std::array::from_fn(|k| {
                (0..3)
                    .map(|i| (frac[i] + shift[i]) * self.rows[i][k])
                    .sum::<f64>()
            });
            best = best.min(image.iter().map(|v| v * v).sum());
        }
        best as f32
    }
}

/// Peptide and nucleic backbone links between consecutive residues of one chain; distances use
/// the minimum image when there is a `cell`, so a chain that crosses the box stays linked.
fn links(
    topology: &Topology,
    kinds: &[ResidueKind],
    pos: &impl Fn(usize) -> Option<[f32; 3]>,
    cell: Option<&Periodic>,
    b: &mut Builder,
) -> (usize, usize) {
    let (mut peptide, mut nucleic) = (0, 0);
    let close = |i: usize, j: usize| match (pos(i), pos(j)) {
        (Some(p), Some(q)) => {
            cell.map_or_else(|| dist2(p, q), |c| c.dist2(p, q)) < LINK_CUTOFF * LINK_CUTOFF
        }
        _ => false,
    };
    for r in 1..topology.residues.len() {
        let (prev, next) = (&topology.residues[r - 1], &topology.residues[r]);
        if prev.chain != next.chain {
            continue;
        }
        let (from, to, counter) = match (kinds[r - 1], kinds[r]) {
            (a, c) if a.is_protein() && c.is_protein() => ("C", "N", &mut peptide),
            (ResidueKind::Nucleic(_), ResidueKind::Nucleic(_)) => ("O3'", "P", &mut nucleic),
            _ => continue,
        };
        if let (Some(i), Some(j)) = (
            templates::find_atom(topology, prev, from),
            templates::find_atom(topology, next, to),
        ) && close(i, j)
            && b.add(i, j)
        {
            *counter += 1;
        }
    }
    (peptide, nucleic)
}

/// SG–SG bonds between cysteines (any chain) closer than [`DISULFIDE_CUTOFF`].
fn disulfides(
    topology: &Topology,
    kinds: &[ResidueKind],
    pos: &impl Fn(usize) -> Option<[f32; 3]>,
    b: &mut Builder,
) -> usize {
    let mut sulfurs = Vec::new();
    for (residue, &kind) in topology.residues.iter().zip(kinds) {
        if kind == ResidueKind::AminoAcid("CYS")
            && let Some(sg) = templates::find_atom(topology, residue, "SG")
            && let Some(p) = pos(sg)
        {
            sulfurs.push((sg, p));
        }
    }
    let grid = Grid::build(DISULFIDE_CUTOFF, sulfurs);
    let mut added = 0;
    let mut candidates = Vec::new();
    for &(i, p) in grid.entries() {
        grid.for_each_near(p, |j, q| candidates.push((j, q)));
        for (j, q) in candidates.drain(..) {
            if j > i && dist2(p, q) < DISULFIDE_CUTOFF * DISULFIDE_CUTOFF && b.add(i, j) {
                added += 1;
            }
        }
    }
    added
}

/// Covalent-radius bonds for untemplated residues and still-unbonded atoms.
fn distance_fallback(
    topology: &Topology,
    kind_of: &impl Fn(usize) -> ResidueKind,
    pos: &impl Fn(usize) -> Option<[f32; 3]>,
    options: &BondOptions,
    b: &mut Builder,
) -> usize {
    let n = topology.len();
    let tol = options.tolerance.max(0.0);
    let eligible = |i: usize| {
        let kind = kind_of(i);
        kind != ResidueKind::Ion && !(options.use_templates && kind == ResidueKind::Water)
    };
    let mut grid_atoms = Vec::new();
    let mut in_set = vec![false; n];
    let mut max_radius: f32 = 0.0;
    for (i, atom) in topology.atoms.iter().enumerate() {
        if !eligible(i) || templates::is_dummy(atom) {
            continue;
        }
        let Some(p) = pos(i) else { continue };
        let r = templates::covalent_radius(atom);
        max_radius = max_radius.max(r);
        grid_atoms.push((i, p, r));
        in_set[i] = !options.use_templates || !kind_of(i).has_template() || b.degree[i] == 0;
    }
    if !in_set.iter().any(|&s| s) {
        return 0;
    }
    let mut radius = vec![0f32; n];
    let mut hydrogen = vec![false; n];
    for &(i, _, r) in &grid_atoms {
        radius[i] = r;
        hydrogen[i] = templates::is_hydrogen(&topology.atoms[i]);
    }
    let grid = Grid::build(
        2.0 * max_radius + tol,
        grid_atoms.iter().map(|&(i, p, _)| (i, p)),
    );
    let mut added = 0;
    // Closest heavy partner per unbonded hydrogen, added after the scan.
    let mut best_for_h: FastMap<usize, (usize, f32)> = FastMap::default();
    // Heavy-atom pairs within bonding distance: each atom's nearest few, bonded nearest first.
    let mut heavy_pairs: Vec<(f32, usize, usize)> = Vec::new();
    let mut nearest: Vec<(f32, usize, usize)> = Vec::new();
    let mut candidates = Vec::new();
    for &(i, p) in grid.entries() {
        if !in_set[i] {
            continue;
        }
        let ri = radius[i];
        grid.for_each_near(p, |j, q| candidates.push((j, q)));
        for (j, q) in candidates.drain(..) {
            if j == i || (in_set[j] && j < i) || (hydrogen[i] && hydrogen[j]) {
                continue;
            }
            let cutoff = ri + radius[j] + tol;
            let d2 = dist2(p, q);
            if d2 >= cutoff * cutoff || b.contains(i, j) {
                continue;
            }
            if !hydrogen[i] && !hydrogen[j] {
                nearest.push((d2, i, j));
                continue;
            }
            let (h, x) = if hydrogen[i] { (i, j) } else { (j, i) };
            if b.degree[h] > 0 {
                continue;
            }
            let entry = best_for_h.entry(h).or_insert((x, d2));
            if d2 < entry.1 {
                *entry = (x, d2);
            }
        }
        nearest.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
        heavy_pairs.extend(nearest.drain(..).take(MAX_DISTANCE_PARTNERS));
    }
    heavy_pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    let cap = MAX_DISTANCE_PARTNERS as u32;
    for (_, i, j) in heavy_pairs {
        if b.degree[i] < cap && b.degree[j] < cap && b.add(i, j) {
            added += 1;
        }
    }
    for (h, (x, _)) in best_for_h {
        if b.add(h, x) {
            added += 1;
        }
    }
    added
}

/// Cell list: atoms sorted by cubic cell, with neighbour lookups over the 27 surrounding cells.
/// Cells are indexed densely when the occupied bounding box is compact (the normal case, and
/// cache-friendly), through a hash map of cell ranges when atoms are spread far apart.
struct Grid {
    inv_cell: f32,
    /// Atom index and position, sorted by cell.
    entries: Vec<(usize, [f32; 3])>,
    cells: Cells,
}

enum Cells {
    /// `start[c]..start[c + 1]` of `entries` for linear cell index `c` of the bounding box.
    Dense {
        min: [i32; 3],
        dims: [usize; 3],
        start: Vec<usize>,
    },
    /// Occupied cells only.
    Sparse(FastMap<[i32; 3], (usize, usize)>),
}

impl Grid {
    /// Builds the cell list with cells of edge `cell` (nm), at least the largest cutoff queried.
    fn build(cell: f32, atoms: impl IntoIterator<Item = (usize, [f32; 3])>) -> Self {
        let inv_cell = 1.0 / cell.max(1e-3);
        // `as` saturates, so absurd coordinates share edge cells; distances are checked anyway.
        let key = |p: [f32; 3]| p.map(|c| (c * inv_cell).floor() as i32);
        let mut keyed: Vec<([i32; 3], usize, [f32; 3])> =
            atoms.into_iter().map(|(i, p)| (key(p), i, p)).collect();
        let mut min = [i32::MAX; 3];
        let mut max = [i32::MIN; 3];
        for (k, _, _) in &keyed {
            for axis in 0..3 {
                min[axis] = min[axis].min(k[axis]);
                max[axis] = max[axis].max(k[axis]);
            }
        }
        let dims = if keyed.is_empty() {
            [0; 3]
        } else {
            [0, 1, 2].map(|a| (i64::from(max[a]) - i64::from(min[a]) + 1) as usize)
        };
        let total = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
        let dense_limit = 4 * keyed.len() + 64;
        match total {
            Some(total) if total <= dense_limit => {
                let linear = |k: [i32; 3]| {
                    let o = [0, 1, 2].map(|a| (i64::from(k[a]) - i64::from(min[a])) as usize);
                    (o[0] * dims[1] + o[1]) * dims[2] + o[2]
                };
                let mut start = vec![0usize; total + 1];
                for (k, _, _) in &keyed {
                    start[linear(*k) + 1] += 1;
                }
                for c in 0..total {
                    start[c + 1] += start[c];
                }
                let mut fill = start.clone();
                let mut entries = vec![(0usize, [0f32; 3]); keyed.len()];
                for &(k, i, p) in &keyed {
                    let c = linear(k);
                    entries[fill[c]] = (i, p);
                    fill[c] += 1;
                }
                Self {
                    inv_cell,
                    entries,
                    cells: Cells::Dense { min, dims, start },
                }
            }
            _ => {
                keyed.sort_unstable_by_key(|&(k, i, _)| (k, i));
                let mut ranges = FastMap::default();
                let mut begin = 0;
                for end in 1..=keyed.len() {
                    if end == keyed.len() || keyed[end].0 != keyed[begin].0 {
                        ranges.insert(keyed[begin].0, (begin, end));
                        begin = end;
                    }
                }
                let entries = keyed.into_iter().map(|(_, i, p)| (i, p)).collect();
                Self {
                    inv_cell,
                    entries,
                    cells: Cells::Sparse(ranges),
                }
            }
        }
    }

    /// Every atom (index, position), in cell order: iterating this keeps neighbour lookups local.
    fn entries(&self) -> &[(usize, [f32; 3])] {
        &self.entries
    }

    fn cell(&self, k: [i64; 3]) -> &[(usize, [f32; 3])] {
        let range = match &self.cells {
            Cells::Dense { min, dims, start } => {
                let mut o = [0usize; 3];
                for a in 0..3 {
                    let offset = k[a] - i64::from(min[a]);
                    if offset < 0 || offset as usize >= dims[a] {
                        return &[];
                    }
                    o[a] = offset as usize;
                }
                let c = (o[0] * dims[1] + o[1]) * dims[2] + o[2];
                start[c]..start[c + 1]
            }
            Cells::Sparse(ranges) => {
                let (Ok(x), Ok(y), Ok(z)) = (
                    i32::try_from(k[0]),
                    i32::try_from(k[1]),
                    i32::try_from(k[2]),
                ) else {
                    return &[];
                };
                match ranges.get(&[x, y, z]) {
                    Some(&(a, b)) => a..b,
                    None => return &[],
                }
            }
        };
        &self.entries[range]
    }

    /// Calls `f` with every atom (index, position) in the 27 cells around `p`: a superset of the
    /// atoms within one cell length of `p`.
    fn for_each_near(&self, p: [f32; 3], mut f: impl FnMut(usize, [f32; 3])) {
        let [x, y, z] = p.map(|c| i64::from((c * self.inv_cell).floor() as i32));
        for dx in -1..=1 {
            for dy in -1..=1 {
                for dz in -1..=1 {
                    for &(j, q) in self.cell([x + dx, y + dy, z + dz]) {
                        f(j, q);
                    }
                }
            }
        }
    }
}

/// Multiply-rotate hasher (the rustc/Firefox "Fx" hash) for integer keys: the pair set and the
/// cell list hash millions of small keys, where the default `SipHash` dominates the run time.
/// Keys come from the caller's own file, so hash flooding is not a concern.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl FxHasher {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // The last multiply leaves the low bits (the bucket index) blind to high input bits, such
        // as the second coordinate of a cell key; rotating the well-mixed high bits down fixes it.
        self.0.rotate_left(26)
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
type FastSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;
