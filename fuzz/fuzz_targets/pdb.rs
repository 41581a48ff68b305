//! Any bytes into the PDB reader: errors are fine, panics and runaway allocations are not.
#![no_main]
use libfuzzer_sys::fuzz_target;
use molsig_io::pdb::{AltlocPolicy, PdbOptions, read_pdb};

fuzz_target!(|data: &[u8]| {
    for altloc in [AltlocPolicy::First, AltlocPolicy::HighestOccupancy] {
        if let Ok(file) = read_pdb(data, "fuzz.pdb", &PdbOptions { altloc }) {
            // Everything downstream of a successful read must hold up too.
            if let Some(frame) = file.frames.first() {
                let graph =
                    molsig_io::bonds::infer_bonds(&file.topology, frame, &Default::default());
                let _ = molsig_io::selection::select(
                    &file.topology,
                    &graph,
                    molsig_io::selection::Selection::Backbone,
                    &Default::default(),
                );
            }
        }
    }
});
