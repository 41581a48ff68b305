//! Labelled trajectories read into a dataset, with the class order fixed once
//! ([`class_order`]) and every file's size and content hash recorded for the model file, with a
//! warning for a trajectory read only up to its last complete frame.

use std::io::{Read, Seek, SeekFrom};

use molsig_model::data::{Dataset, Molecule};
use molsig_model::manifest::{Split, class_order};
use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

use crate::plan::{DataOptions, Plan, TrajectoryFile};
use crate::{Error, Result};

/// Where a dataset's class list comes from.
#[derive(Debug, Clone)]
pub enum Classes {
    /// The distinct labels of the files, in molsig's one [`class_order`] (training).
    FromLabels,
    /// A model's classes (prediction): a label outside them is kept as the user wrote it and
    /// reported as unknown, never re-indexed.
    OfModel(Vec<String>),
}

/// A file's identity as recorded in a model: size and a fast content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FileRecord {
    /// File name.
    pub name: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub bytes: u64,
    /// xxHash3 (64-bit) of the bytes, hexadecimal.
    pub xxh3: String,
    /// What reading it left out, for the user to see: a trajectory cut short inside a frame
    /// names its last complete frame and the byte where its data stops.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub warning: Option<String>,
}

/// A dataset read from the user's files, with what the model file records about them.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Samples, trajectories, classes (frames aligned when `options.align`).
    pub dataset: Dataset,
    /// How it was read.
    pub options: DataOptions,
    /// One per trajectory: name, size, hash (empty for generated data).
    pub files: Vec<FileRecord>,
    /// One per trajectory: the label as the user gave it (empty when none).
    pub labels: Vec<String>,
    /// One per trajectory: the split a manifest fixed, if any.
    pub splits: Vec<Option<Split>>,
}

impl Loaded {
    /// A dataset built in memory (the synthetic benchmark): no files, labels from its classes.
    #[must_use]
    pub fn generated(dataset: Dataset, options: DataOptions) -> Self {
        let labels = dataset
            .trajectories
            .iter()
            .map(|t| {
                t.label
                    .and_then(|l| dataset.classes.get(l).cloned())
                    .unwrap_or_default()
            })
            .collect();
        let count = dataset.trajectories.len();
        Self {
            dataset,
            options,
            files: Vec::new(),
            labels,
            splits: vec![None; count],
        }
    }
}

/// Size and xxHash3 of a stream, which is left at its start.
///
/// # Errors
/// The stream cannot be read or rewound.
pub fn hash<R: Read + Seek>(reader: &mut R, name: &str) -> Result<FileRecord> {
    let fail = |e: std::io::Error| Error::Input(format!("{name}: cannot read the file: {e}"));
    reader.seek(SeekFrom::Start(0)).map_err(fail)?;
    let mut hasher = Xxh3::new();
    let mut buffer = vec![0_u8; 1 << 20];
    let mut bytes = 0_u64;
    loop {
        let n = reader.read(&mut buffer).map_err(fail)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        bytes += n as u64;
    }
    reader.seek(SeekFrom::Start(0)).map_err(fail)?;
    Ok(FileRecord {
        name: name.to_owned(),
        bytes,
        xxh3: format!("{:016x}", hasher.digest()),
        warning: None,
    })
}

/// Reads every trajectory into a dataset (molecules and plan from [`crate::plan::plan`] over the
/// same files), aligned if `options` say so.
///
/// # Errors
/// Reader errors (file, frame, offset), or a trajectory too short for one sample.
pub fn load<R: Read + Seek>(
    molecules: Vec<Molecule>,
    plan: &Plan,
    options: &DataOptions,
    classes: Classes,
    files: &mut [TrajectoryFile<R>],
) -> Result<Loaded> {
    let classes = match classes {
        Classes::FromLabels => class_order(files.iter().map(|f| f.label.as_str())),
        Classes::OfModel(classes) => classes,
    };
    let mut dataset = Dataset::new(classes, options.frames);
    for molecule in molecules {
        dataset.add_molecule(molecule);
    }
    if plan.trajectories.len() != files.len() {
        return Err(Error::Input(format!(
            "the plan covers {} trajectories but {} were given",
            plan.trajectories.len(),
            files.len()
        )));
    }
    let mut records = Vec::with_capacity(files.len());
    for (file, planned) in files.iter_mut().zip(&plan.trajectories) {
        let mut record = hash(&mut file.reader, &file.name)?;
        // The plan's header scan found any truncation; the reader below keeps the complete frames.
        record.warning.clone_from(&planned.warning);
        records.push(record);
        let label = dataset.classes.iter().position(|c| *c == file.label);
        let molecule = dataset
            .molecules
            .get(file.topology)
            .ok_or_else(|| Error::Input(format!("{}: its topology is missing", file.name)))?;
        let read = molecule.read_xtc(&mut file.reader, &file.name)?;
        let group = if file.group.is_empty() {
            &file.name
        } else {
            &file.group
        };
        dataset.add_trajectory(
            &file.name,
            file.topology,
            &read.coordinates,
            label,
            group,
            options.stride,
        )?;
        if let Some(added) = dataset.trajectories.last_mut() {
            added.times_ps = read.times_ps;
        }
    }
    if options.align {
        dataset.align_frames();
    }
    Ok(Loaded {
        dataset,
        options: options.clone(),
        files: records,
        labels: files.iter().map(|f| f.label.clone()).collect(),
        splits: files.iter().map(|f| f.split).collect(),
    })
}
