//! A first look at dropped files: topology + trajectory bytes → counts, the selection (made as
//! training makes it), radius of gyration on the chosen burn device, and the first frame as PDB
//! for the viewer.
//!
//! Frames stream through one caller-owned buffer in batches, so only the selected atoms of one
//! batch are ever in memory, whatever the trajectory's size.

use std::io::{Read, Seek};

use burn::prelude::*;
use molsig_io::bonds::{BondGraph, BondOptions};
use molsig_io::selection::{Selected, Selection, SelectionOptions};
use molsig_io::xtc::XtcReader;
use molsig_io::{Frame, Topology, gro, pdb};
use serde::Serialize;

use crate::gyration::{frames_to_tensor, radius_of_gyration};
use crate::{Error, Result};

/// Frames packed into one tensor per burn call: large enough to amortise dispatch, small
/// enough (≈ 256 × 2k atoms × 12 B = 6 MB) to stay far below WebGPU's binding limits.
const BATCH_FRAMES: usize = 256;

/// A parsed topology with its bond graph and the user's selection applied.
pub struct System {
    /// Atoms, residues, explicit bonds.
    pub topology: Topology,
    /// Models found in the topology file (at least one).
    pub models: Vec<Frame>,
    /// Bond graph over all atoms.
    pub bonds: BondGraph,
    /// The selected atoms (or residue centroids) and their graph.
    pub selected: Selected,
    /// The selection's name.
    pub selection: Selection,
    /// Reader warnings, each with its line.
    pub warnings: Vec<String>,
}

/// What the page shows after loading files.
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    /// Atoms in the topology.
    pub atoms: usize,
    /// Residues in the topology.
    pub residues: usize,
    /// Bonds in the inferred graph over all atoms.
    pub bonds: usize,
    /// Selection name (`backbone`, …).
    pub selection: String,
    /// Number of selected atoms (or beads, for residue centroids).
    pub selected: usize,
    /// Bonds of the graph restricted to the selection.
    pub selected_bonds: usize,
    /// Frames in the trajectory (models of the topology when no trajectory was given).
    pub frames: usize,
    /// Time of the first and last frame, ps.
    pub time_range: [f32; 2],
    /// Radius of gyration of the selection in every frame, nm, computed with burn.
    pub radius_of_gyration: Vec<f32>,
    /// Warnings from the readers: skipped CONECT entries, a trajectory cut short inside a frame.
    pub warnings: Vec<String>,
    /// The first frame (all atoms) as PDB text, for the viewer.
    pub first_frame_pdb: String,
}

/// Parses a PDB or GRO topology, infers bonds and applies `selection`.
///
/// # Errors
/// Unknown extension, unreadable file, or a selection that matches nothing.
pub fn load_system(name: &str, bytes: &[u8], selection: &str) -> Result<System> {
    let selection: Selection = selection.parse()?;
    let extension = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let file = match extension.as_deref() {
        Some("pdb" | "ent") => pdb::read_pdb(bytes, name, &pdb::PdbOptions::default())?,
        Some("gro") => gro::read_gro(bytes, name)?,
        _ => return Err(Error::UnsupportedTopology(name.to_owned())),
    };
    let first = file.frames.first().ok_or_else(|| molsig_io::Error::File {
        message: "no coordinates".into(),
        source_name: name.to_owned(),
    })?;
    let bonds = molsig_io::bonds::infer_bonds(&file.topology, first, &BondOptions::default());
    // Positions let CA-only models link consecutive residues by distance, as in training
    // (`Molecule::read` with inter-residue bonds, the default).
    let selected = molsig_io::selection::select_with_positions(
        &file.topology,
        &bonds,
        first,
        selection,
        &SelectionOptions::default(),
    )?;
    let warnings = file
        .warnings
        .iter()
        .map(|w| format!("{name}:{}: {}", w.line, w.message))
        .collect();
    Ok(System {
        topology: file.topology,
        models: file.frames,
        bonds,
        selected,
        selection,
        warnings,
    })
}

/// Streams every frame of `trajectory` (or the topology's models when `None`) through the
/// selection and computes the radius of gyration on `device`.
///
/// # Errors
/// Unreadable trajectory, atom-count mismatch with the topology, or a backend failure.
pub async fn inspect<R: Read + Seek>(
    system: &System,
    trajectory: Option<(&str, R)>,
    device: &Device,
) -> Result<Inspection> {
    let mut rg = Vec::new();
    let mut batch: Vec<Frame> = Vec::with_capacity(BATCH_FRAMES);
    let mut first_full = None;
    let mut times = [0.0f32; 2];
    let mut warnings = system.warnings.clone();
    let frames = if let Some((name, reader)) = trajectory {
        let mut xtc = XtcReader::open(reader, name)?;
        if xtc.num_atoms() != system.topology.len() {
            return Err(molsig_io::Error::Mismatch {
                message: format!(
                    "{name} has {} atoms per frame but the topology has {}: are these files from the same system?",
                    xtc.num_atoms(),
                    system.topology.len()
                ),
            }
            .into());
        }
        if let Some(truncation) = xtc.truncation() {
            warnings.push(truncation.to_string());
        }
        let mut full = Frame::default();
        xtc.read_frame(0, None, &mut full)?;
        first_full = Some(full);
        let mut read = Frame::default();
        for i in 0..xtc.num_frames() {
            xtc.read_frame(i, Some(&system.selected.atoms), &mut read)?;
            push_selected(system, &read, &mut batch)?;
            if i == 0 {
                times[0] = read.time;
            }
            times[1] = read.time;
            if batch.len() == BATCH_FRAMES {
                rg.extend(gyration_batch(&batch, device).await?);
                batch.clear();
            }
        }
        xtc.num_frames()
    } else {
        let mut read = Frame::default();
        for model in &system.models {
            read.clear_with_capacity(system.selected.atoms.len());
            for &a in &system.selected.atoms {
                read.push(model.position(a).unwrap_or_default());
            }
            push_selected(system, &read, &mut batch)?;
        }
        system.models.len()
    };
    if !batch.is_empty() {
        rg.extend(gyration_batch(&batch, device).await?);
    }
    let first = first_full
        .as_ref()
        .or(system.models.first())
        .ok_or_else(|| Error::Compute("no frames".into()))?;
    Ok(Inspection {
        atoms: system.topology.len(),
        residues: system.topology.residues.len(),
        bonds: system.bonds.num_bonds(),
        selection: system.selection.to_string(),
        selected: system.selected.len(),
        selected_bonds: system.selected.graph.num_bonds(),
        frames,
        time_range: times,
        radius_of_gyration: rg,
        warnings,
        first_frame_pdb: molsig_io::write::pdb(&system.topology, first)?,
    })
}

fn push_selected(system: &System, read: &Frame, batch: &mut Vec<Frame>) -> Result<()> {
    let mut out = Frame::default();
    system.selected.apply(read, &mut out)?;
    batch.push(out);
    Ok(())
}

async fn gyration_batch(batch: &[Frame], device: &Device) -> Result<Vec<f32>> {
    let rg = radius_of_gyration(frames_to_tensor(batch, device));
    let data = rg
        .into_data_async()
        .await
        .map_err(|e| Error::Compute(format!("{e:?}")))?;
    data.try_to_vec::<f32>()
        .map_err(|e| Error::Compute(format!("{e:?}")))
}
