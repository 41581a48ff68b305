//! What the site does with a user's files, as plain Rust (tested natively): plan a job and check
//! that it fits in memory, read trajectories into a dataset, train, predict per trajectory, and
//! explain one trajectory for the viewer. `api` wraps these for the worker.

use std::io::{Read, Seek};

use burn::tensor::Device;
use molsig_io::xtc::XtcReader;
use molsig_model::checkpoint::{self, CheckpointHeader};
use molsig_model::data::{Dataset, InputOptions, Molecule, Sample, Trajectory};
use molsig_model::interpret::{Interpretation, interpret};
use molsig_model::metrics::{Metrics, argmax};
use molsig_model::model::{Model, ModelConfig};
use molsig_model::split::grouped_split;
use molsig_model::train::{
    Control, EpochReport, Event, Host, SampleSplit, evaluate, predict, train,
};
use serde::{Deserialize, Serialize};

/// Memory a browser tab can give one job: wasm32 addresses 4 GiB, and the page, the viewer and
/// the allocator's slack need some of it.
pub const MEMORY_BUDGET: u64 = 3 << 30;

/// Errors of a session, as the page shows them.
pub type Result<T> = std::result::Result<T, String>;

/// How the files become samples (the page's "Data" settings).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataOptions {
    /// Atom selection (molsig-io's names).
    pub selection: String,
    /// Frames per sample.
    pub frames: usize,
    /// Frames between sample starts.
    pub stride: usize,
    /// Kabsch-align every frame onto the topology as it is read, once, for the models that
    /// align (Deep Signature and `GraphLSTM`); the others must get unaligned frames.
    pub align: bool,
}

impl DataOptions {
    fn input(&self) -> InputOptions {
        InputOptions {
            selection: self.selection.clone(),
            inter_residue_bonds: true,
            frames: self.frames,
            stride: self.stride,
        }
    }
}

/// One trajectory file with the user's label and group (empty strings when none).
pub struct TrajectoryFile<R> {
    /// File name.
    pub name: String,
    /// The file's bytes, streamed.
    pub reader: R,
    /// Class name; empty when unlabelled.
    pub label: String,
    /// Trajectories of one group stay on one side of every split; empty = its own group.
    pub group: String,
}

/// What a job will hold in memory, known from the file headers before any frame is decoded.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Selected points per frame.
    pub points: usize,
    /// Frames and samples of each trajectory, in input order.
    pub trajectories: Vec<PlannedTrajectory>,
    /// Bytes of the samples plus the largest trajectory while it is cut into samples.
    pub data_bytes: u64,
    /// Rough bytes of one training mini-batch's activations and gradients.
    pub training_bytes: u64,
}

/// One trajectory in a [`Plan`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedTrajectory {
    /// File name.
    pub name: String,
    /// Frames in the file.
    pub frames: usize,
    /// Samples it yields.
    pub samples: usize,
}

/// Reads the topology and every trajectory's frame index (headers only) and estimates memory.
///
/// # Errors
/// Unreadable files, an atom count that does not match the topology, or a job that would not
/// fit in [`MEMORY_BUDGET`] (the message says what to change).
pub fn plan<R: Read + Seek>(
    topology_name: &str,
    topology: &[u8],
    options: &DataOptions,
    batch_size: usize,
    files: &mut [TrajectoryFile<R>],
) -> Result<(Molecule, Plan)> {
    let molecule = Molecule::read(topology, topology_name, &options.input()).map_err(text)?;
    let points = molecule.len();
    let mut trajectories = Vec::with_capacity(files.len());
    for file in files.iter_mut() {
        let xtc = XtcReader::open(&mut file.reader, file.name.as_str()).map_err(text)?;
        if xtc.num_atoms() != molecule.topology_atoms() {
            return Err(format!(
                "{} has {} atoms per frame but the topology {topology_name} has {}; they do not \
                 belong together",
                file.name,
                xtc.num_atoms(),
                molecule.topology_atoms()
            ));
        }
        let frames = xtc.num_frames();
        let samples = if frames < options.frames || options.stride == 0 {
            0
        } else {
            (frames - options.frames) / options.stride + 1
        };
        trajectories.push(PlannedTrajectory {
            name: file.name.clone(),
            frames,
            samples,
        });
    }
    let per_sample = (points * options.frames * 3 * 4) as u64;
    let samples: u64 = trajectories.iter().map(|t| t.samples as u64).sum();
    let largest = trajectories.iter().map(|t| t.frames).max().unwrap_or(0);
    let data_bytes = samples * per_sample + (largest * points * 3 * 4) as u64;
    // Activations of the widest layers (hidden features, first-level assignments) kept for the
    // backward pass, with their gradients: a rough factor, on the safe side.
    let training_bytes = batch_size as u64 * per_sample * 64;
    let plan = Plan {
        points,
        trajectories,
        data_bytes,
        training_bytes,
    };
    let total = plan.data_bytes + plan.training_bytes;
    if total > MEMORY_BUDGET {
        return Err(format!(
            "this job needs about {} ({} of samples, {} per training batch), more than the {} a \
             browser tab can hold. Use a smaller atom selection (backbone or C-alpha), fewer \
             frames per sample, a larger stride between samples, a smaller batch, or fewer \
             trajectories.",
            gib(total),
            gib(plan.data_bytes),
            gib(plan.training_bytes),
            gib(MEMORY_BUDGET)
        ));
    }
    Ok((molecule, plan))
}

fn gib(bytes: u64) -> String {
    format!("{:.2} GiB", bytes as f64 / f64::from(1u32 << 30))
}

#[allow(clippy::needless_pass_by_value)] // used as `map_err(text)`
fn text(e: impl ToString) -> String {
    e.to_string()
}

/// A dataset read from the user's files, with the options that produced it.
pub struct Loaded {
    /// Samples, trajectories, classes.
    pub dataset: Dataset,
    /// How it was read (stored in checkpoints).
    pub input: InputOptions,
    /// Every frame is Kabsch-aligned onto the topology.
    pub aligned: bool,
}

/// Reads every trajectory of a plan into a dataset, aligned if `options` say so. Classes are the
/// distinct non-empty labels, sorted; `classes` overrides them (a loaded model's), and then an
/// unknown label is an error.
///
/// # Errors
/// Reader errors (file, frame, offset) or a trajectory too short for one sample.
pub fn load<R: Read + Seek>(
    molecule: Molecule,
    options: &DataOptions,
    classes: Option<Vec<String>>,
    files: &mut [TrajectoryFile<R>],
) -> Result<Loaded> {
    let classes = classes.unwrap_or_else(|| {
        let mut c: Vec<String> = files
            .iter()
            .filter(|f| !f.label.is_empty())
            .map(|f| f.label.clone())
            .collect();
        c.sort();
        c.dedup();
        c
    });
    let mut dataset = Dataset::new(classes, options.frames);
    let m = dataset.add_molecule(molecule);
    for file in files.iter_mut() {
        let label = if file.label.is_empty() {
            None
        } else {
            Some(
                dataset
                    .classes
                    .iter()
                    .position(|c| *c == file.label)
                    .ok_or_else(|| {
                        format!(
                            "{}: label {:?} is not one of the model's classes {:?}",
                            file.name, file.label, dataset.classes
                        )
                    })?,
            )
        };
        let coordinates = dataset.molecules[m]
            .read_xtc(&mut file.reader, &file.name)
            .map_err(text)?;
        let group = if file.group.is_empty() {
            &file.name
        } else {
            &file.group
        };
        dataset
            .add_trajectory(&file.name, m, &coordinates, label, group, options.stride)
            .map_err(text)?;
    }
    if options.align {
        dataset.align_frames();
    }
    Ok(Loaded {
        dataset,
        input: options.input(),
        aligned: options.align,
    })
}

/// The page's model and training settings.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrainRequest {
    /// `improved`, `reference`, `frame-lstm`, `graph-lstm` or `graph-transformer`.
    pub model: String,
    /// Beads (coarse-grained clusters).
    pub beads: usize,
    /// Training epochs (at most; early stopping may end sooner).
    pub epochs: usize,
    /// Samples per optimiser step.
    pub batch_size: usize,
    /// Adam's learning rate.
    pub learning_rate: f64,
    /// Fractions of trajectories (groups) held out for validation and test.
    pub validation: f64,
    /// See `validation`.
    pub test: f64,
    /// Seeds the split, the initial weights and the batch order.
    pub seed: u64,
}

/// A model the session can predict with and save.
pub struct SessionModel {
    /// The parameters (on the session's device, no autodiff).
    pub model: Model,
    /// Configuration, input options, classes.
    pub header: CheckpointHeader,
}

/// What training produced, for the page.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrainSummary {
    /// Every epoch's losses and metrics.
    pub history: Vec<EpochReport>,
    /// The epoch whose parameters were kept.
    pub selected_epoch: usize,
    /// Early stopping ended training.
    pub stopped_early: bool,
    /// Metrics on the held-out test trajectories' samples (none when there is no test set).
    pub test_metrics: Option<Metrics>,
    /// Every trajectory's prediction, with the part of the split it was in.
    pub predictions: Vec<TrajectoryPrediction>,
    /// Class names (index = label).
    pub classes: Vec<String>,
}

/// One trajectory's prediction: the mean of its samples' class probabilities.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrajectoryPrediction {
    /// Index in the dataset.
    pub trajectory: usize,
    /// File name.
    pub name: String,
    /// `train`, `validation`, `test`, or `new` for prediction-only data.
    pub part: String,
    /// The user's label, if any.
    pub label: Option<String>,
    /// Most probable class.
    pub predicted: String,
    /// Its mean probability.
    pub confidence: f32,
    /// Mean probability of every class.
    pub probabilities: Vec<f32>,
    /// Samples averaged.
    pub samples: usize,
}

/// Trains on a loaded dataset with a grouped stratified split; the model aligns frames when the
/// data was aligned. `host` supplies the clock and the pause that lets the worker see a cancel
/// request.
///
/// # Errors
/// Missing labels, fewer than two classes, aligned data for a model that cannot align, a split
/// that cannot be made, training errors (cancelled, diverged), and evaluation errors.
pub async fn train_model(
    loaded: &Loaded,
    request: &TrainRequest,
    device: &Device,
    host: Host,
    on_event: &mut dyn FnMut(&Event) -> Control,
) -> Result<(SessionModel, TrainSummary)> {
    let dataset = &loaded.dataset;
    if let Some(t) = dataset.trajectories.iter().find(|t| t.label.is_none()) {
        return Err(format!(
            "{} has no label: give every trajectory a class, or remove it and use it for \
             prediction after training",
            t.name
        ));
    }
    if dataset.classes.len() < 2 {
        return Err(format!(
            "training needs at least two classes; the labels give {:?}",
            dataset.classes
        ));
    }
    let mut config =
        ModelConfig::named(&request.model, request.beads, dataset.classes.len()).map_err(text)?;
    config.set_alignment(loaded.aligned);
    if config.aligns_frames() != loaded.aligned {
        return Err(format!(
            "the {} model does not align frames, but these were aligned when read; read the \
             files again without alignment",
            request.model
        ));
    }
    let mut settings = config.default_training();
    settings.epochs = request.epochs;
    settings.batch_size = request.batch_size;
    settings.learning_rate = request.learning_rate;
    settings.seed = request.seed;
    let plan = grouped_split(
        &dataset.groups(),
        &dataset.trajectory_labels(),
        request.validation,
        request.test,
        request.seed,
    )
    .map_err(text)?;
    let split = SampleSplit::from_trajectories(dataset, &plan);
    let trained = Box::pin(train(
        dataset, &split, &config, &settings, device, host, on_event,
    ))
    .await
    .map_err(text)?;
    let test_metrics = if split.test.is_empty() {
        None
    } else {
        evaluate(
            &trained.model,
            &config,
            dataset,
            &split.test,
            settings.batch_size,
            device,
        )
        .await
        .map_err(text)?
        .metrics
    };
    let header = CheckpointHeader {
        format: checkpoint::FORMAT,
        molsig_version: env!("CARGO_PKG_VERSION").into(),
        model: config,
        input: loaded.input.clone(),
        classes: dataset.classes.clone(),
        atoms: dataset.molecules.first().map_or(0, Molecule::len),
        selected_epoch: trained.selected_epoch,
        test_metrics: test_metrics.clone(),
    };
    let session = SessionModel {
        model: trained.model,
        header,
    };
    let part = |t: usize| {
        let side = |ids: &[usize]| ids.contains(&t);
        if side(&plan.test) {
            "test"
        } else if side(&plan.validation) {
            "validation"
        } else {
            "train"
        }
    };
    let predictions = predict_trajectories(&session, dataset, device, part).await?;
    let summary = TrainSummary {
        history: trained.history,
        selected_epoch: trained.selected_epoch,
        stopped_early: trained.stopped_early,
        test_metrics,
        predictions,
        classes: dataset.classes.clone(),
    };
    Ok((session, summary))
}

/// Predicts every trajectory of `dataset` (frames aligned already if the model aligns).
///
/// # Errors
/// A molecule the model cannot read, or the forward pass.
pub async fn predict_trajectories(
    session: &SessionModel,
    dataset: &Dataset,
    device: &Device,
    part: impl Fn(usize) -> &'static str,
) -> Result<Vec<TrajectoryPrediction>> {
    for molecule in &dataset.molecules {
        session.header.check_molecule(molecule).map_err(text)?;
    }
    let samples: Vec<usize> = (0..dataset.samples.len()).collect();
    let p = predict(
        &session.model,
        &session.header.model,
        dataset,
        &samples,
        16,
        device,
    )
    .await
    .map_err(text)?;
    let classes = &session.header.classes;
    let k = classes.len();
    let mut sums = vec![vec![0f32; k]; dataset.trajectories.len()];
    let mut counts = vec![0usize; dataset.trajectories.len()];
    for (row, sample) in p.chunks(k).zip(&dataset.samples) {
        counts[sample.trajectory] += 1;
        for (s, v) in sums[sample.trajectory].iter_mut().zip(row) {
            *s += v;
        }
    }
    Ok(dataset
        .trajectories
        .iter()
        .enumerate()
        .map(|(t, trajectory)| {
            let n = counts[t].max(1) as f32;
            let probabilities: Vec<f32> = sums[t].iter().map(|s| s / n).collect();
            let best = argmax(&probabilities);
            TrajectoryPrediction {
                trajectory: t,
                name: trajectory.name.clone(),
                part: part(t).into(),
                label: trajectory.label.map(|l| dataset.classes[l].clone()),
                predicted: classes[best].clone(),
                confidence: probabilities[best],
                probabilities,
                samples: counts[t],
            }
        })
        .collect())
}

/// One trajectory explained, ready for the viewer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// Trajectory name.
    pub name: String,
    /// First frame of the explained sample as PDB text (the selected points only, Å).
    pub pdb: String,
    /// One label per point (`A:ALA12:CA`).
    pub point_labels: Vec<String>,
    /// Beads' positions at every frame of the sample, `[frames, beads, 3]` in Å: the
    /// membership-weighted mean of the points (the interpretation's bead paths), in the same
    /// frame as `pdb`.
    pub bead_positions: Vec<f32>,
    /// Frame numbers of the sample in its trajectory.
    pub first_frame: usize,
    /// The model's interpretation (assignments, couplings, attributions, warning).
    #[serde(flatten)]
    pub interpretation: Interpretation,
}

/// Explains the first sample of trajectory `trajectory` (aligned first if the model aligns).
///
/// # Errors
/// No such trajectory or sample, or the interpretation's forward/backward pass.
pub async fn explain(
    session: &SessionModel,
    dataset: &Dataset,
    trajectory: usize,
    device: &Device,
) -> Result<Explanation> {
    let sample = dataset
        .samples
        .iter()
        .position(|s| s.trajectory == trajectory)
        .ok_or_else(|| format!("trajectory {trajectory} has no samples"))?;
    // A dataset of that one sample: aligning it (as the model expects) costs nothing extra, and
    // re-aligning an already aligned sample leaves it as it is.
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
    if session.header.model.aligns_frames() {
        single.align_frames();
    }
    let dataset = &single;
    let sample = 0;
    let interpretation = Box::pin(interpret(
        &session.model,
        &session.header.model,
        dataset,
        sample,
        device,
    ))
    .await
    .map_err(text)?;
    let s = &dataset.samples[sample];
    let molecule = &dataset.molecules[dataset.molecule_of(sample)];
    let (n, t) = (molecule.len(), dataset.frames);
    let first: Vec<[f32; 3]> = (0..n)
        .map(|i| {
            let k = i * t * 3;
            [s.coordinates[k], s.coordinates[k + 1], s.coordinates[k + 2]]
        })
        .collect();
    // The interpretation's bead paths are in nm; the viewer's PDB is in Å.
    let bead_positions = interpretation.bead_paths.iter().map(|v| v * 10.0).collect();
    Ok(Explanation {
        name: dataset.trajectories[0].name.clone(),
        pdb: molecule.pdb(&first).map_err(text)?,
        point_labels: molecule.labels.clone(),
        bead_positions,
        first_frame: s.start_frame,
        interpretation,
    })
}
