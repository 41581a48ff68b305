//! Coordinates of one moment of a trajectory, structure-of-arrays in nm.

use crate::topology::BoxVectors;

/// One frame: positions of the selected atoms (`SoA`, nm) plus the frame's metadata.
///
/// Readers refill a caller-owned `Frame`, so a long trajectory streams through one allocation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frame {
    /// x coordinates in nm, one per (selected) atom.
    pub x: Vec<f32>,
    /// y coordinates in nm.
    pub y: Vec<f32>,
    /// z coordinates in nm.
    pub z: Vec<f32>,
    /// Simulation time in ps (0 for formats without time).
    pub time: f32,
    /// Integration step (0 for formats without steps).
    pub step: i64,
    /// Periodic box, in nm, when the format stores one.
    pub box_vectors: Option<BoxVectors>,
    /// XTC compression precision (1/nm); `None` for formats that store floats directly.
    pub precision: Option<f32>,
}

impl Frame {
    /// Number of atoms held.
    #[must_use]
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// True when the frame holds no atoms.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// Clears the coordinates and makes room for `n` atoms, keeping the allocation.
    pub fn clear_with_capacity(&mut self, n: usize) {
        for axis in [&mut self.x, &mut self.y, &mut self.z] {
            axis.clear();
            axis.reserve(n);
        }
    }

    /// Appends one position.
    pub fn push(&mut self, p: [f32; 3]) {
        self.x.push(p[0]);
        self.y.push(p[1]);
        self.z.push(p[2]);
    }

    /// Position of atom `i`, if present.
    #[must_use]
    pub fn position(&self, i: usize) -> Option<[f32; 3]> {
        Some([*self.x.get(i)?, *self.y.get(i)?, *self.z.get(i)?])
    }
}
