//! The molecule's bond graph on the device, as sparse matrices.
//!
//! Bond graphs have two or three bonds per atom, so propagating features over them is a gather
//! and a scatter-add over the edge list — O(E) instead of the O(N²) of a dense adjacency, which
//! at GPCR size (1,241 atoms) would cost more than the rest of the model.

use burn::tensor::{Device, IndexingUpdateOp, Int, Tensor, TensorData};

use crate::{Error, Result};

/// A bond graph on the host: `atoms` nodes and undirected edges `[i, j]`, `i < j`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graph {
    /// Number of atoms.
    pub atoms: usize,
    /// Each bond once, smaller index first.
    pub edges: Vec<[usize; 2]>,
}

impl Graph {
    /// A graph from edges in any order or direction; duplicates and self-loops are dropped.
    ///
    /// # Errors
    /// [`Error::Invalid`] when an edge names an atom ≥ `atoms`.
    pub fn new(atoms: usize, edges: impl IntoIterator<Item = [usize; 2]>) -> Result<Self> {
        let mut list = Vec::new();
        for [a, b] in edges {
            if a >= atoms || b >= atoms {
                return Err(Error::Invalid(format!(
                    "bond {a}–{b} names an atom outside the {atoms} atoms of the graph"
                )));
            }
            if a != b {
                list.push([a.min(b), a.max(b)]);
            }
        }
        list.sort_unstable();
        list.dedup();
        Ok(Self { atoms, edges: list })
    }

    /// The graph of molsig-io's bond inference.
    #[must_use]
    pub fn from_bonds(bonds: &molsig_io::bonds::BondGraph) -> Self {
        let mut edges: Vec<[usize; 2]> = bonds.edges().map(|[a, b]| [a.min(b), a.max(b)]).collect();
        edges.sort_unstable();
        edges.dedup();
        Self {
            atoms: bonds.num_atoms(),
            edges,
        }
    }

    /// The same graph with atoms renumbered: atom `i` becomes `permutation[i]`.
    #[must_use]
    pub fn permuted(&self, permutation: &[usize]) -> Self {
        let edges = self
            .edges
            .iter()
            .map(|&[a, b]| [permutation[a], permutation[b]]);
        Self::new(self.atoms, edges).unwrap_or_else(|_| self.clone())
    }

    /// Directed entries `(row, column)` of the adjacency: both directions of every bond, or only
    /// `(i, j)` with `i < j` when `one_directional` (the authors' edge lists).
    fn entries(&self, one_directional: bool) -> Vec<(usize, usize)> {
        let mut entries = Vec::with_capacity(2 * self.edges.len());
        for &[a, b] in &self.edges {
            entries.push((a, b));
            if !one_directional {
                entries.push((b, a));
            }
        }
        entries
    }

    /// Uploads the graph: the GCN's propagation matrix and the raw adjacency.
    #[must_use]
    pub fn to_device(&self, one_directional: bool, device: &Device) -> DeviceGraph {
        let n = self.atoms;
        let entries = self.entries(one_directional);
        let mut degree = vec![0.0_f32; n];
        for &(row, _) in &entries {
            degree[row] += 1.0;
        }
        // The GCN propagates along edges: with the authors' one-directional lists (PyTorch
        // Geometric's GCNConv), atom j gathers from i < j and counts incoming edges, i.e. it
        // uses Aᵀ. Â = D̃^{-1/2} (Aᵀ + I) D̃^{-1/2}, D̃ = row sums of Aᵀ + I (= A + I when symmetric).
        let mut incoming = vec![1.0_f32; n];
        for &(_, column) in &entries {
            incoming[column] += 1.0;
        }
        let inv_sqrt: Vec<f32> = incoming.iter().map(|d| 1.0 / d.sqrt()).collect();
        let mut propagation: Vec<(usize, usize, f32)> = entries
            .iter()
            .map(|&(r, c)| (c, r, inv_sqrt[r] * inv_sqrt[c]))
            .collect();
        propagation.extend((0..n).map(|i| (i, i, inv_sqrt[i] * inv_sqrt[i])));
        let adjacency: Vec<(usize, usize, f32)> =
            entries.iter().map(|&(r, c)| (r, c, 1.0)).collect();
        DeviceGraph {
            atoms: n,
            propagation: SparseMatrix::new(n, &propagation, device),
            adjacency: SparseMatrix::new(n, &adjacency, device),
            degree: Tensor::from_data(TensorData::new(degree, [n]), device),
        }
    }
}

/// A square sparse matrix in coordinate form.
#[derive(Debug, Clone)]
pub struct SparseMatrix {
    size: usize,
    rows: Tensor<1, Int>,
    columns: Tensor<1, Int>,
    values: Tensor<3>,
}

impl SparseMatrix {
    fn new(size: usize, entries: &[(usize, usize, f32)], device: &Device) -> Self {
        let e = entries.len();
        let index = |f: fn(&(usize, usize, f32)) -> usize| {
            let v: Vec<i64> = entries.iter().map(|x| f(x) as i64).collect();
            Tensor::<1, Int>::from_data(TensorData::new(v, [e]), device)
        };
        let values: Vec<f32> = entries.iter().map(|x| x.2).collect();
        Self {
            size,
            rows: index(|x| x.0),
            columns: index(|x| x.1),
            values: Tensor::from_data(TensorData::new(values, [1, e, 1]), device),
        }
    }

    /// `self · x` for each batch element.
    ///
    /// # Shapes
    /// - `x`: `[batch, size, features]`
    /// - output: `[batch, size, features]`
    #[must_use]
    pub fn matmul(&self, x: Tensor<3>) -> Tensor<3> {
        debug_assert_eq!(x.dims()[1], self.size);
        let zeros = x.zeros_like();
        let gathered = x.select(1, self.columns.clone()) * self.values.clone(); // [batch, E, features]
        zeros.select_assign(1, self.rows.clone(), gathered, IndexingUpdateOp::Add)
    }
}

/// A [`Graph`] on the device.
#[derive(Debug, Clone)]
pub struct DeviceGraph {
    /// Number of atoms.
    pub atoms: usize,
    /// Â = D̃^{-1/2}(Aᵀ + I)D̃^{-1/2}, the GCN's propagation (Aᵀ = A for symmetric graphs).
    pub propagation: SparseMatrix,
    /// A, the bond adjacency (MinCut's first level).
    pub adjacency: SparseMatrix,
    /// Row sums of A: `[atoms]`.
    pub degree: Tensor<1>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dense(m: &SparseMatrix, n: usize, device: &Device) -> Vec<f32> {
        let eye: Vec<f32> = (0..n * n)
            .map(|k| if k / n == k % n { 1.0 } else { 0.0 })
            .collect();
        let x = Tensor::<3>::from_data(TensorData::new(eye, [1, n, n]), device);
        m.matmul(x)
            .into_data()
            .convert::<f32>()
            .try_to_vec::<f32>()
            .unwrap_or_default()
    }

    #[test]
    fn propagation_is_the_normalised_adjacency_with_self_loops() {
        let device = Device::flex();
        // A path 0–1–2: degrees with self-loops 2, 3, 2.
        let g = Graph::new(3, [[1, 0], [1, 2], [2, 1]]).expect("valid graph");
        assert_eq!(g.edges, vec![[0, 1], [1, 2]]);
        let d = g.to_device(false, &device);
        let p = dense(&d.propagation, 3, &device);
        let s6 = 1.0 / 6.0_f32.sqrt();
        let expected = [0.5, s6, 0.0, s6, 1.0 / 3.0, s6, 0.0, s6, 0.5];
        for (a, b) in p.iter().zip(expected) {
            assert!((a - b).abs() < 1e-6, "{p:?}");
        }
        let a = dense(&d.adjacency, 3, &device);
        assert_eq!(a, [0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
        // One direction only: A_01 = A_12 = 1, row sums 1, 1, 0; the GCN gathers along the
        // edges (Aᵀ + I, in-degrees + 1 = 1, 2, 2).
        let one = g.to_device(true, &device);
        let h = 0.5_f32.sqrt();
        let expected = [1.0, 0.0, 0.0, h, 0.5, 0.0, 0.0, 0.5, 0.5];
        for (a, b) in dense(&one.propagation, 3, &device).iter().zip(expected) {
            assert!((a - b).abs() < 1e-6);
        }
        assert_eq!(
            dense(&one.adjacency, 3, &device),
            [0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]
        );
        let degree = one
            .degree
            .into_data()
            .try_to_vec::<f32>()
            .unwrap_or_default();
        assert_eq!(degree, [1.0, 1.0, 0.0]);
    }

    #[test]
    fn bad_edges_are_refused() {
        let e = Graph::new(2, [[0, 2]]).expect_err("atom 2 of 2");
        assert!(e.to_string().contains("bond 0–2"), "{e}");
    }
}
