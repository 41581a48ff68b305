//! From files to samples: a topology becomes a [`Molecule`] (selected atoms, bond graph,
//! reference structure), each trajectory is read through the selection, and trajectories are cut
//! into fixed-length samples with the Deep Signature chunking protocol.
//!
//! Samples are stored atoms-major (`[atoms, frames, 3]`, nm), the layout the model computes in.

use std::io::{Read, Seek};

use molsig_io::bonds::{BondOptions, infer_bonds};
use molsig_io::samples::{ChunkSpec, chunk_trajectory};
use molsig_io::selection::{Selection, SelectionOptions, select, select_with_positions};
use molsig_io::xtc::XtcReader;
use molsig_io::{Frame, Topology};
use serde::{Deserialize, Serialize};

use crate::align;
use crate::graph::Graph;
use crate::{Error, Result};

/// How topologies and trajectories become samples. Stored in checkpoints: prediction must read
/// new files exactly as training did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct InputOptions {
    /// Atom selection name (molsig-io's: all, heavy, protein, backbone, ca, residue-centroids).
    pub selection: String,
    /// Keep bonds between residues (peptide, disulfide). The authors' backbone graphs had none.
    pub inter_residue_bonds: bool,
    /// Frames per sample.
    pub frames: usize,
    /// Frames between sample starts (= `frames` for the authors' consecutive chunks).
    pub stride: usize,
}

impl Default for InputOptions {
    fn default() -> Self {
        Self {
            selection: "heavy".into(),
            inter_residue_bonds: true,
            frames: 100,
            stride: 100,
        }
    }
}

/// A topology read and selected: what the model sees of a molecule.
#[derive(Debug, Clone, PartialEq)]
pub struct Molecule {
    /// Name of the topology file.
    pub name: String,
    /// Bond graph over the selected points.
    pub graph: Graph,
    /// One label per selected point (`A:ALA12:CA`).
    pub labels: Vec<String>,
    /// Selected points' positions in the topology file, centred (nm): the alignment reference.
    pub reference: Vec<[f32; 3]>,
    /// How trajectory atoms become points (`None` for a molecule built from a graph alone).
    selected: Option<molsig_io::selection::Selected>,
    /// The points as atoms with residues, for writing them out (`None` likewise).
    points: Option<Topology>,
    topology_atoms: usize,
}

impl Molecule {
    /// Reads a PDB or GRO topology (by extension; PDB otherwise) and applies the selection.
    ///
    /// # Errors
    /// The reader's error, an unknown selection, or a selection whose graph has no bonds.
    pub fn read(bytes: &[u8], name: &str, options: &InputOptions) -> Result<Self> {
        let structure = if name.to_ascii_lowercase().ends_with(".gro") {
            molsig_io::gro::read_gro(bytes, name)
        } else {
            molsig_io::pdb::read_pdb(bytes, name, &molsig_io::pdb::PdbOptions::default())
        }?;
        let positions = structure.frames.first().cloned().unwrap_or_default();
        Self::from_topology(&structure.topology, &positions, name, options)
    }

    fn from_topology(
        topology: &Topology,
        positions: &Frame,
        name: &str,
        options: &InputOptions,
    ) -> Result<Self> {
        let selection: Selection = options.selection.parse()?;
        let bond_options = BondOptions {
            use_links: options.inter_residue_bonds,
            ..BondOptions::default()
        };
        let bonds = infer_bonds(topology, positions, &bond_options);
        // The same selection as the page's inspection, so a file that passes its check trains:
        // with inter-residue bonds, C-alpha-only models also link consecutive residues by
        // distance; without them (the authors' graphs) no link is added.
        let selected = if options.inter_residue_bonds {
            select_with_positions(
                topology,
                &bonds,
                positions,
                selection,
                &SelectionOptions::default(),
            )?
        } else {
            select(topology, &bonds, selection, &SelectionOptions::default())?
        };
        let graph = Graph::from_bonds(&selected.graph);
        if graph.edges.is_empty() {
            return Err(Error::Invalid(format!(
                "{name}: the {selection} selection has {} points but no bonds between them; the \
                 graph layers need bonds (try another selection)",
                selected.len()
            )));
        }
        let mut read = Frame::default();
        read.clear_with_capacity(selected.atoms.len());
        for &i in &selected.atoms {
            read.push(positions.position(i).unwrap_or([0.0; 3]));
        }
        let mut out = Frame::default();
        selected.apply(&read, &mut out)?;
        let mut reference: Vec<[f32; 3]> = (0..out.len())
            .map(|i| out.position(i).unwrap_or([0.0; 3]))
            .collect();
        align::centre(&mut reference);
        Ok(Self {
            name: name.to_owned(),
            graph,
            labels: selected.labels.clone(),
            reference,
            topology_atoms: topology.len(),
            points: Some(selected.topology(topology)),
            selected: Some(selected),
        })
    }

    /// A molecule known only by its graph (synthetic data, benchmarks): points are labelled by
    /// index, the reference structure is empty, and it cannot read trajectory files.
    #[must_use]
    pub fn from_graph(name: &str, graph: Graph) -> Self {
        Self {
            name: name.to_owned(),
            labels: (0..graph.atoms).map(|i| i.to_string()).collect(),
            reference: Vec::new(),
            topology_atoms: graph.atoms,
            graph,
            selected: None,
            points: None,
        }
    }

    /// The same molecule with its points relabelled: point `i` of the result is point
    /// `order[i]` of this one (graph, labels and alignment reference follow). The copy is for
    /// the model only: it cannot read trajectories or write PDB.
    ///
    /// # Errors
    /// [`Error::Invalid`] when `order` is not a permutation of the points.
    pub fn permuted(&self, order: &[usize]) -> Result<Self> {
        let n = self.len();
        let mut new_index = vec![usize::MAX; n];
        for (i, &old) in order.iter().enumerate() {
            if old >= n || new_index[old] != usize::MAX {
                return Err(Error::Invalid(format!(
                    "the order is not a permutation of the {n} points (entry {i} is {old})"
                )));
            }
            new_index[old] = i;
        }
        if order.len() != n {
            return Err(Error::Invalid(format!(
                "the order has {} entries for {n} points",
                order.len()
            )));
        }
        Ok(Self {
            name: self.name.clone(),
            graph: self.graph.permuted(&new_index),
            labels: order.iter().map(|&i| self.labels[i].clone()).collect(),
            reference: if self.reference.len() == n {
                order.iter().map(|&i| self.reference[i]).collect()
            } else {
                Vec::new()
            },
            selected: None,
            points: None,
            topology_atoms: self.topology_atoms,
        })
    }

    /// Number of selected points.
    #[must_use]
    pub fn len(&self) -> usize {
        self.graph.atoms
    }

    /// True when nothing is selected (never for a value returned by [`Molecule::read`]).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Atoms per frame of the topology (what a trajectory of it must have).
    #[must_use]
    pub fn topology_atoms(&self) -> usize {
        self.topology_atoms
    }

    /// The points at `positions` (nm, one per point) as PDB text in Å, for the viewer.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a molecule built from a graph alone or a position count that does
    /// not match.
    pub fn pdb(&self, positions: &[[f32; 3]]) -> Result<String> {
        let topology = self.points.as_ref().ok_or_else(|| {
            Error::Invalid(format!(
                "{} has no atoms to write (built from a graph)",
                self.name
            ))
        })?;
        let mut frame = Frame::default();
        for &p in positions {
            frame.push(p);
        }
        Ok(molsig_io::write::pdb(topology, &frame)?)
    }

    /// Reads every frame of an XTC trajectory through the selection.
    ///
    /// # Errors
    /// The reader's error (with the frame and offset), or an atom count that does not match the
    /// topology.
    pub fn read_xtc<R: Read + Seek>(&self, reader: R, name: &str) -> Result<ReadTrajectory> {
        let Some(selected) = &self.selected else {
            return Err(Error::Invalid(format!(
                "{}: a molecule built from a graph alone cannot read {name}",
                self.name
            )));
        };
        let mut xtc = XtcReader::open(reader, name)?;
        if xtc.num_atoms() != self.topology_atoms {
            return Err(Error::Invalid(format!(
                "{name} has {} atoms per frame but the topology {} has {}; they do not belong \
                 together",
                xtc.num_atoms(),
                self.name,
                self.topology_atoms
            )));
        }
        let mut read = Frame::default();
        let mut out = Frame::default();
        let mut coordinates = Vec::with_capacity(xtc.num_frames() * self.len() * 3);
        let mut times_ps = Vec::with_capacity(xtc.num_frames());
        for f in 0..xtc.num_frames() {
            xtc.read_frame(f, Some(&selected.atoms), &mut read)?;
            selected.apply(&read, &mut out)?;
            for i in 0..out.len() {
                coordinates.extend_from_slice(&[out.x[i], out.y[i], out.z[i]]);
            }
            times_ps.push(read.time);
        }
        Ok(ReadTrajectory {
            coordinates,
            times_ps,
        })
    }
}

/// A trajectory read through a molecule's selection.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadTrajectory {
    /// `[frames, points, 3]`, nm.
    pub coordinates: Vec<f32>,
    /// Each frame's time as the file records it, ps.
    pub times_ps: Vec<f32>,
}

/// One trajectory of a dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    /// File name.
    pub name: String,
    /// Class index, when known.
    pub label: Option<usize>,
    /// Group for splitting (trajectories of one group never straddle train and test).
    pub group: String,
    /// Index of its molecule in [`Dataset::molecules`].
    pub molecule: usize,
    /// Number of frames read.
    pub frames: usize,
    /// Each frame's time, ps, when the file records one (empty for generated data).
    pub times_ps: Vec<f32>,
}

/// One sample: a chunk of a trajectory, atoms-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Index into [`Dataset::trajectories`].
    pub trajectory: usize,
    /// First frame of the chunk.
    pub start_frame: usize,
    /// Coordinates `[points, frames, 3]`, nm.
    pub coordinates: Vec<f32>,
}

/// Molecules, trajectories and the samples cut from them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    /// Distinct topologies.
    pub molecules: Vec<Molecule>,
    /// Trajectories, in the order added.
    pub trajectories: Vec<Trajectory>,
    /// Samples, grouped by trajectory in order.
    pub samples: Vec<Sample>,
    /// Class names (index = label).
    pub classes: Vec<String>,
    /// Frames per sample.
    pub frames: usize,
}

impl Dataset {
    /// An empty dataset with these classes.
    #[must_use]
    pub fn new(classes: Vec<String>, frames: usize) -> Self {
        Self {
            classes,
            frames,
            ..Self::default()
        }
    }

    /// Adds a molecule and returns its index.
    pub fn add_molecule(&mut self, molecule: Molecule) -> usize {
        self.molecules.push(molecule);
        self.molecules.len() - 1
    }

    /// Adds a trajectory given as `[frames, points, 3]` coordinates of `molecule`, cut into
    /// samples of [`Dataset::frames`] frames every `stride` frames.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the coordinates do not fit the molecule or are too short for one
    /// sample, or the label is not a class index.
    pub fn add_trajectory(
        &mut self,
        name: &str,
        molecule: usize,
        coordinates: &[f32],
        label: Option<usize>,
        group: &str,
        stride: usize,
    ) -> Result<()> {
        let points = self.molecules.get(molecule).map_or(0, Molecule::len);
        if points == 0 || !coordinates.len().is_multiple_of(points * 3) {
            return Err(Error::Invalid(format!(
                "{name}: {} coordinates are not whole frames of {points} points",
                coordinates.len()
            )));
        }
        if let Some(l) = label.filter(|&l| l >= self.classes.len()) {
            return Err(Error::Invalid(format!(
                "{name}: label {l} but only {} classes",
                self.classes.len()
            )));
        }
        let total = coordinates.len() / (points * 3);
        let chunks = chunk_trajectory(
            self.trajectories.len(),
            total,
            &ChunkSpec::Length {
                frames: self.frames,
                stride,
            },
        )
        .map_err(|e| Error::Input(format!("{name}: {e}")))?;
        for chunk in chunks {
            let mut sample = vec![0.0_f32; points * self.frames * 3];
            for (t, frame) in chunk.frames().enumerate() {
                for i in 0..points {
                    let from = (frame * points + i) * 3;
                    let to = (i * self.frames + t) * 3;
                    sample[to..to + 3].copy_from_slice(&coordinates[from..from + 3]);
                }
            }
            self.samples.push(Sample {
                trajectory: self.trajectories.len(),
                start_frame: chunk.start_frame,
                coordinates: sample,
            });
        }
        self.trajectories.push(Trajectory {
            name: name.to_owned(),
            label,
            group: group.to_owned(),
            molecule,
            frames: total,
            times_ps: Vec::new(),
        });
        Ok(())
    }

    /// The label of a sample (its trajectory's).
    #[must_use]
    pub fn label(&self, sample: usize) -> Option<usize> {
        self.samples
            .get(sample)
            .and_then(|s| self.trajectories.get(s.trajectory))
            .and_then(|t| t.label)
    }

    /// The molecule of a sample.
    #[must_use]
    pub fn molecule_of(&self, sample: usize) -> usize {
        self.samples
            .get(sample)
            .and_then(|s| self.trajectories.get(s.trajectory))
            .map_or(0, |t| t.molecule)
    }

    /// Centres every frame of every sample and superposes it onto its molecule's reference
    /// (Kabsch), making rotations of the input invisible to the model.
    pub fn align_frames(&mut self) {
        for sample in &mut self.samples {
            let Some(molecule) = self
                .trajectories
                .get(sample.trajectory)
                .and_then(|t| self.molecules.get(t.molecule))
            else {
                continue;
            };
            let n = molecule.len();
            let t = self.frames;
            let mut frame = vec![[0.0_f32; 3]; n];
            for f in 0..t {
                for (i, p) in frame.iter_mut().enumerate() {
                    let at = (i * t + f) * 3;
                    p.copy_from_slice(&sample.coordinates[at..at + 3]);
                }
                align::centre(&mut frame);
                if molecule.reference.len() == n {
                    align::superpose(&mut frame, &molecule.reference);
                }
                for (i, p) in frame.iter().enumerate() {
                    let at = (i * t + f) * 3;
                    sample.coordinates[at..at + 3].copy_from_slice(p);
                }
            }
        }
    }
}

impl Dataset {
    /// The paper's synthetic benchmark as a dataset: one molecule per random graph, each node's
    /// value as its x coordinate (y = z = 0), one sample per trajectory. Sample pairs that share a
    /// graph and initial state share a group, so a pair never straddles train and test.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an empty list or graphs without edges.
    pub fn from_synthetic(samples: &[crate::synthetic::GraphSample]) -> Result<Self> {
        let frames = samples
            .first()
            .ok_or_else(|| Error::Invalid("no synthetic samples".into()))?
            .frames;
        let mut dataset = Self::new(vec!["degradation".into(), "dimerisation".into()], frames);
        for (k, s) in samples.iter().enumerate() {
            let graph = Graph::new(s.nodes, s.edges.iter().map(|&(a, b)| [a, b]))?;
            if graph.edges.is_empty() {
                return Err(Error::Invalid(format!("synthetic graph {k} has no edges")));
            }
            let m = dataset.add_molecule(Molecule::from_graph(&format!("graph{k}"), graph));
            let coordinates: Vec<f32> = s.values.iter().flat_map(|&v| [v, 0.0, 0.0]).collect();
            dataset.add_trajectory(
                &format!("sample{k}"),
                m,
                &coordinates,
                Some(s.label),
                &format!("pair{}", k / 2),
                frames,
            )?;
        }
        Ok(dataset)
    }

    /// Each trajectory's group, for grouped splits.
    #[must_use]
    pub fn groups(&self) -> Vec<String> {
        self.trajectories.iter().map(|t| t.group.clone()).collect()
    }

    /// Each trajectory's label (0 where unknown).
    #[must_use]
    pub fn trajectory_labels(&self) -> Vec<usize> {
        self.trajectories
            .iter()
            .map(|t| t.label.unwrap_or(0))
            .collect()
    }
}
