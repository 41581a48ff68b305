//! A job's plan, from file headers alone: the molecules, each trajectory's frames and samples,
//! and the memory the job will take, checked against a budget before any frame is decoded.
//!
//! Memory is counted in `u64`: wasm32 has a 32-bit `usize`, and a job's bytes can exceed it.

use std::io::{Read, Seek};

use molsig_io::xtc::XtcReader;
use molsig_model::data::{InputOptions, Molecule};
use molsig_model::manifest::Split;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A limit on a job's memory, and who sets it (for the message when a job exceeds it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryBudget {
    /// Bytes.
    pub bytes: u64,
    /// Completes "more than the N GiB …": who can hold only that much.
    pub holder: &'static str,
}

/// Memory a browser tab can give one job: wasm32 addresses 4 GiB, and the page, the viewer and
/// the allocator's slack need some of it.
pub const BROWSER_MEMORY_BUDGET: MemoryBudget = MemoryBudget {
    bytes: 3 << 30,
    holder: "a browser tab can hold",
};

/// Fewest frames per sample: a path of one point has no increments.
pub const MIN_FRAMES: usize = 2;
/// Most frames per sample: far beyond any real window (a sample's path is one signature input)
/// and low enough that per-sample sizes stay well inside 32-bit indexing.
pub const MAX_FRAMES: usize = 100_000;

/// How the files become samples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DataOptions {
    /// Atom selection (molsig-io's names: all, heavy, protein, backbone, ca, residue-centroids).
    pub selection: String,
    /// Frames per sample.
    pub frames: usize,
    /// Frames between sample starts.
    pub stride: usize,
    /// Keep bonds between residues (peptide, disulfide); the authors' backbone graphs had none.
    #[serde(default = "yes")]
    #[ts(as = "Option<bool>", optional)]
    pub inter_residue_bonds: bool,
    /// Kabsch-align every frame onto the topology as it is read, once, for the models that
    /// align (Deep Signature and `GraphLSTM`); the others must get unaligned frames.
    pub align: bool,
}

fn yes() -> bool {
    true
}

impl DataOptions {
    /// The model-side input options (stored in the model file).
    #[must_use]
    pub fn input(&self) -> InputOptions {
        InputOptions {
            selection: self.selection.clone(),
            inter_residue_bonds: self.inter_residue_bonds,
            frames: self.frames,
            stride: self.stride,
        }
    }

    /// Checks the sample shape: a path needs at least two frames, and samples at least one frame
    /// between their starts.
    ///
    /// # Errors
    /// [`Error::Input`] naming the option and what was expected.
    pub fn validate(&self) -> Result<()> {
        if !(MIN_FRAMES..=MAX_FRAMES).contains(&self.frames) {
            return Err(Error::Input(format!(
                "frames per sample is {}; expected {MIN_FRAMES} to {MAX_FRAMES}",
                self.frames
            )));
        }
        if self.stride == 0 {
            return Err(Error::Input(
                "the stride between samples is 0; expected at least 1 frame".into(),
            ));
        }
        Ok(())
    }

    /// The options a saved model's inputs must be read with.
    #[must_use]
    pub fn of_model(input: &InputOptions, align: bool) -> Self {
        Self {
            selection: input.selection.clone(),
            frames: input.frames,
            stride: input.stride,
            inter_residue_bonds: input.inter_residue_bonds,
            align,
        }
    }
}

/// A topology file (PDB or GRO) held in memory: topologies are small.
#[derive(Debug, Clone)]
pub struct TopologyFile {
    /// File name (its extension picks the reader).
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// One trajectory file with the user's label, group and fixed split (empty strings when none).
pub struct TrajectoryFile<R> {
    /// File name.
    pub name: String,
    /// The file's bytes, streamed.
    pub reader: R,
    /// Class name; empty when unlabelled.
    pub label: String,
    /// Trajectories of one group stay on one side of every split; empty = its own group.
    pub group: String,
    /// The part of the split a manifest fixed for it, if any.
    pub split: Option<Split>,
    /// Index of its topology in [`Files::topologies`].
    pub topology: usize,
}

/// What a job reads: topologies, and trajectories that each name theirs.
pub struct Files<R> {
    /// Distinct topologies.
    pub topologies: Vec<TopologyFile>,
    /// Trajectories, in the user's order.
    pub trajectories: Vec<TrajectoryFile<R>>,
}

/// What a job will hold in memory, known from the file headers before any frame is decoded.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Selected points per frame (of the first topology).
    pub points: usize,
    /// Frames and samples of each trajectory, in input order.
    pub trajectories: Vec<PlannedTrajectory>,
    /// Bytes of the samples plus the largest trajectory while it is cut into samples.
    #[ts(type = "number")]
    pub data_bytes: u64,
    /// Rough bytes of one training mini-batch's activations and gradients.
    #[ts(type = "number")]
    pub training_bytes: u64,
}

/// One trajectory in a [`Plan`].
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct PlannedTrajectory {
    /// File name.
    pub name: String,
    /// Frames in the file.
    pub frames: usize,
    /// Samples it yields.
    pub samples: usize,
    /// What reading it will leave out: a file cut short inside a frame names its last complete
    /// frame and the byte where its data stops.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub warning: Option<String>,
}

/// Samples a trajectory of `frames` frames yields (options already validated: stride ≥ 1).
fn samples_of(frames: usize, options: &DataOptions) -> usize {
    if frames < options.frames {
        0
    } else {
        (frames - options.frames) / options.stride + 1
    }
}

/// The product of `factors` as bytes, or an error naming what overflowed: a job that large can
/// never fit, and on wasm32 an unchecked product would wrap and pass the budget.
fn product(what: &str, factors: &[u64]) -> Result<u64> {
    factors
        .iter()
        .try_fold(1_u64, |total, &f| total.checked_mul(f))
        .ok_or_else(|| {
            Error::TooLarge(format!(
                "{what} overflows 64 bits; the job cannot fit in memory"
            ))
        })
}

fn sum(what: &str, a: u64, b: u64) -> Result<u64> {
    a.checked_add(b).ok_or_else(|| {
        Error::TooLarge(format!(
            "{what} overflows 64 bits; the job cannot fit in memory"
        ))
    })
}

/// Reads every topology and every trajectory's frame index (headers only) and estimates memory.
///
/// # Errors
/// Invalid options, unreadable files, a trajectory whose atom count does not match its topology,
/// or a job larger than `budget` (the message says what to change).
pub fn plan<R: Read + Seek>(
    files: &mut Files<R>,
    options: &DataOptions,
    batch_size: usize,
    budget: Option<MemoryBudget>,
) -> Result<(Vec<Molecule>, Plan)> {
    options.validate()?;
    if batch_size == 0 {
        return Err(Error::Input(
            "the batch size is 0; expected at least 1 sample".into(),
        ));
    }
    let input = options.input();
    let molecules = files
        .topologies
        .iter()
        .map(|t| Molecule::read(&t.bytes, &t.name, &input))
        .collect::<Result<Vec<_>, _>>()?;
    let mut trajectories = Vec::with_capacity(files.trajectories.len());
    let (mut data_bytes, mut largest, mut widest) = (0_u64, 0_u64, 0_u64);
    for file in &mut files.trajectories {
        let molecule = molecules
            .get(file.topology)
            .ok_or_else(|| Error::Input(format!("{}: its topology is missing", file.name)))?;
        let xtc = XtcReader::open(&mut file.reader, file.name.as_str())?;
        if xtc.num_atoms() != molecule.topology_atoms() {
            return Err(Error::Input(format!(
                "{} has {} atoms per frame but the topology {} has {}; they do not belong together",
                file.name,
                xtc.num_atoms(),
                molecule.name,
                molecule.topology_atoms()
            )));
        }
        let frames = xtc.num_frames();
        let samples = samples_of(frames, options);
        let point_bytes = product("a frame's bytes", &[molecule.len() as u64, 3, 4])?;
        let file_samples = product(
            &format!("the samples of {}", file.name),
            &[samples as u64, options.frames as u64, point_bytes],
        )?;
        data_bytes = sum("the samples' bytes", data_bytes, file_samples)?;
        largest = largest.max(product(
            &format!("the frames of {}", file.name),
            &[frames as u64, point_bytes],
        )?);
        widest = widest.max(point_bytes);
        trajectories.push(PlannedTrajectory {
            name: file.name.clone(),
            frames,
            samples,
            warning: xtc.truncation().map(ToString::to_string),
        });
    }
    // Activations of the widest layers (hidden features, first-level assignments) kept for the
    // backward pass, with their gradients: a rough factor, on the safe side.
    let training_bytes = product(
        "one training batch's bytes",
        &[batch_size as u64, options.frames as u64, widest, 64],
    )?;
    let plan = Plan {
        points: molecules.first().map_or(0, Molecule::len),
        trajectories,
        data_bytes: sum("the data's bytes", data_bytes, largest)?,
        training_bytes,
    };
    let total = sum("the job's bytes", plan.data_bytes, plan.training_bytes)?;
    if let Some(budget) = budget.filter(|b| total > b.bytes) {
        return Err(Error::TooLarge(format!(
            "this job needs about {} ({} of samples, {} per training batch), more than the {} {}. \
             Use a smaller atom selection (backbone or C-alpha), fewer frames per \
             sample, a larger stride between samples, a smaller batch, or fewer trajectories.",
            gib(total),
            gib(plan.data_bytes),
            gib(plan.training_bytes),
            gib(budget.bytes),
            budget.holder
        )));
    }
    Ok((molecules, plan))
}

fn gib(bytes: u64) -> String {
    format!("{:.2} GiB", bytes as f64 / f64::from(1_u32 << 30))
}
