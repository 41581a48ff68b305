//! Hand-built topologies shared by the bond and selection tests: residues of named atoms at
//! given positions (nm), one frame.
// Each test binary uses a different part of this module.
#![allow(dead_code)]

use molsig_io::{Atom, Frame, Residue, Topology};

pub type AtomSpec = (&'static str, &'static str, [f32; 3]);

/// Topology plus one frame, built residue by residue.
#[derive(Default)]
pub struct System {
    pub topology: Topology,
    pub frame: Frame,
}

impl System {
    pub fn residue(&mut self, name: &str, seq: i64, chain: &str, atoms: &[AtomSpec]) -> &mut Self {
        self.residue_shifted(name, seq, chain, atoms, [0.0; 3])
    }

    pub fn residue_shifted(
        &mut self,
        name: &str,
        seq: i64,
        chain: &str,
        atoms: &[AtomSpec],
        shift: [f32; 3],
    ) -> &mut Self {
        let start = self.topology.atoms.len();
        let index = self.topology.residues.len();
        for &(atom_name, element, p) in atoms {
            self.topology.atoms.push(Atom {
                serial: self.topology.atoms.len() as i64 + 1,
                name: atom_name.to_owned(),
                element: element.to_owned(),
                residue: index,
                altloc: ' ',
                occupancy: 1.0,
                b_factor: 0.0,
                hetero: false,
            });
            self.frame
                .push([p[0] + shift[0], p[1] + shift[1], p[2] + shift[2]]);
        }
        self.topology.residues.push(Residue {
            name: name.to_owned(),
            seq,
            icode: ' ',
            chain: chain.to_owned(),
            atoms: start..self.topology.atoms.len(),
        });
        self
    }

    pub fn index(&self, residue: usize, name: &str) -> usize {
        let r = &self.topology.residues[residue];
        r.atoms
            .clone()
            .find(|&i| self.topology.atoms[i].name == name)
            .expect("atom exists")
    }
}
