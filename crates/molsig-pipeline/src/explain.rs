//! One sample of a trajectory explained for the viewer: its bead memberships, bead paths,
//! couplings and attributions, its frames and their times, with the first frame as PDB text.

use burn::tensor::Device;
use molsig_model::data::{Dataset, Sample, Trajectory};
use molsig_model::interpret::{Interpretation, interpret};
use serde::Serialize;

use crate::train::TrainedModel;
use crate::{Error, Result};

/// One trajectory explained, ready for the viewer.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// Trajectory name.
    pub name: String,
    /// First frame of the explained sample as PDB text (the selected points only, Å).
    pub pdb: String,
    /// One label per point (`A:ALA12:CA`).
    pub point_labels: Vec<String>,
    /// Every frame of the sample, `[frames, points, 3]` in Å, in the frame of `pdb` (aligned
    /// when the model aligns): the molecule as it moves.
    pub coordinates: Vec<f32>,
    /// Beads' positions at every frame of the sample, `[frames, beads, 3]` in Å: the
    /// membership-weighted mean of the points (the interpretation's bead paths), in the same
    /// frame as `pdb`.
    pub bead_positions: Vec<f32>,
    /// Frame numbers of the sample in its trajectory.
    pub first_frame: usize,
    /// Which of the trajectory's samples this is (from 0), and how many it has.
    pub sample: usize,
    /// Samples cut from the trajectory.
    pub samples: usize,
    /// Each frame's time in the trajectory file, ps (empty when the data has no times).
    pub times_ps: Vec<f32>,
    /// The model's interpretation (assignments, couplings, attributions, warning).
    #[serde(flatten)]
    pub interpretation: Interpretation,
}

/// Explains sample `nth` (from 0) of trajectory `trajectory` (aligned first if the model
/// aligns).
///
/// # Errors
/// No such trajectory or sample, data that does not fit the model (points per frame, frames per
/// sample), or the interpretation's forward/backward pass.
pub async fn explain(
    model: &TrainedModel,
    dataset: &Dataset,
    trajectory: usize,
    nth: usize,
    device: &Device,
) -> Result<Explanation> {
    let sample = sample_of(model, dataset, trajectory, nth)?;
    let samples = dataset
        .samples
        .iter()
        .filter(|s| s.trajectory == trajectory)
        .count();
    let of = &dataset.trajectories[trajectory];
    let start = dataset.samples[sample].start_frame;
    let times_ps = of
        .times_ps
        .get(start..start + dataset.frames)
        .map(<[f32]>::to_vec)
        .unwrap_or_default();
    let single = single_sample(model, dataset, sample);
    let dataset = &single;
    let sample = 0;
    let interpretation = Box::pin(interpret(
        &model.model,
        &model.header.model,
        dataset,
        sample,
        device,
    ))
    .await?;
    let s = &dataset.samples[sample];
    let molecule = &dataset.molecules[dataset.molecule_of(sample)];
    let (n, t) = (molecule.len(), dataset.frames);
    let first: Vec<[f32; 3]> = (0..n)
        .map(|i| {
            let k = i * t * 3;
            [s.coordinates[k], s.coordinates[k + 1], s.coordinates[k + 2]]
        })
        .collect();
    // Atom-major nm → frame-major Å, as the viewer draws frames.
    let coordinates = (0..t)
        .flat_map(|f| (0..n).flat_map(move |i| (0..3).map(move |k| (i * t + f) * 3 + k)))
        .map(|at| s.coordinates[at] * 10.0)
        .collect();
    // The interpretation's bead paths are in nm; the viewer's PDB is in Å.
    let bead_positions = interpretation.bead_paths.iter().map(|v| v * 10.0).collect();
    Ok(Explanation {
        name: dataset.trajectories[0].name.clone(),
        pdb: molecule.pdb(&first)?,
        point_labels: molecule.labels.clone(),
        coordinates,
        bead_positions,
        first_frame: s.start_frame,
        sample: nth,
        samples,
        times_ps,
        interpretation,
    })
}

/// A dataset of one sample, aligned as the model expects: copying one sample costs little, and
/// re-aligning an already aligned sample leaves it as it is.
pub(crate) fn single_sample(model: &TrainedModel, dataset: &Dataset, sample: usize) -> Dataset {
    let trajectory = dataset.samples[sample].trajectory;
    let mut single = Dataset::new(dataset.classes.clone(), dataset.frames);
    let m = single.add_molecule(dataset.molecules[dataset.molecule_of(sample)].clone());
    single.trajectories.push(Trajectory {
        molecule: m,
        ..dataset.trajectories[trajectory].clone()
    });
    single.samples.push(Sample {
        trajectory: 0,
        ..dataset.samples[sample].clone()
    });
    if model.header.model.aligns_frames() {
        single.align_frames();
    }
    single
}

/// Sample `nth` (from 0) of trajectory `trajectory`, after checking that the data fits `model`
/// (points per frame, frames per sample).
///
/// # Errors
/// No such trajectory, data read for another model, or no such sample.
pub(crate) fn sample_of(
    model: &TrainedModel,
    dataset: &Dataset,
    trajectory: usize,
    nth: usize,
) -> Result<usize> {
    let header = &model.header;
    let of = dataset.trajectories.get(trajectory).ok_or_else(|| {
        Error::Input(format!(
            "trajectory {trajectory} does not exist; there are {}",
            dataset.trajectories.len()
        ))
    })?;
    // The data may have been read for another model (the page keeps its training data when a
    // model file is loaded): check it fits this one, as `predict` does.
    let points = dataset.molecules[of.molecule].len();
    if points != header.atoms {
        return Err(Error::Input(format!(
            "{} was read as {points} points per frame, but the model takes {}; read the data \
             again with the model's settings",
            of.name, header.atoms
        )));
    }
    if dataset.frames != header.input.frames {
        return Err(Error::Input(format!(
            "{} was read in samples of {} frames, but the model takes {}; read the data again \
             with the model's settings",
            of.name, dataset.frames, header.input.frames
        )));
    }
    let mut own =
        (0..dataset.samples.len()).filter(|&s| dataset.samples[s].trajectory == trajectory);
    let count = own.clone().count();
    own.nth(nth).ok_or_else(|| {
        Error::Input(format!(
            "{} has {count} samples; there is no sample {}",
            of.name,
            nth + 1
        ))
    })
}
