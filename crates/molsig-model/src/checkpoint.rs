//! Saved models: the configuration and input spec (as JSON) with the parameters (a burn record).
//!
//! Layout: the 8 bytes `MOLSIGCK`, the header's length as a little-endian u32, the header (JSON),
//! then the burnpack record. The header comes first so that a model is rebuilt with exactly the
//! shapes it was saved with, and a file from another molsig version or a truncated download is
//! refused with a message instead of loading garbage.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, DType, Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::budget::{self, ModelSize};
use crate::config::TrainConfig;
use crate::data::InputOptions;
use crate::metrics::Metrics;
use crate::model::{Model, ModelConfig};
use crate::train::EpochReport;
use crate::{Error, Result};

const MAGIC: &[u8; 8] = b"MOLSIGCK";

/// Version of the checkpoint layout; bumped when a saved model could not be read back the same.
/// Format 2 adds the record of the run (settings, history, split); format 1 files still load.
pub const FORMAT: u32 = 2;

/// The largest header accepted: a run record of thousands of epochs and trajectories is far
/// below it, and a corrupt length field cannot make the reader allocate gigabytes.
const MAX_HEADER_BYTES: u64 = 64 << 20;

/// Everything needed to rebuild a model and feed it the same inputs, and the record of the run
/// that made it (empty in format 1 files).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CheckpointHeader {
    /// Checkpoint layout version ([`FORMAT`]).
    pub format: u32,
    /// molsig version that wrote it.
    pub molsig_version: String,
    /// The model's configuration.
    pub model: ModelConfig,
    /// How files were turned into samples.
    pub input: InputOptions,
    /// Class names (index = label), in the order fixed when the training data was read.
    pub classes: Vec<String>,
    /// Selected points of the training molecule (a check on prediction inputs).
    pub atoms: usize,
    /// The epoch whose parameters were saved.
    pub selected_epoch: usize,
    /// Held-out metrics at save time, if measured: one answer per sample.
    pub test_metrics: Option<Metrics>,
    /// Held-out metrics with one answer per test trajectory, the mean of its samples' class
    /// probabilities (absent from files written before molsig recorded it).
    #[serde(default)]
    pub test_trajectory_metrics: Option<Metrics>,
    /// The training schedule used (format 2).
    #[serde(default)]
    pub training: Option<TrainConfig>,
    /// Every epoch's losses and metrics (format 2).
    #[serde(default)]
    pub history: Vec<EpochReport>,
    /// Early stopping ended training (format 2).
    #[serde(default)]
    pub stopped_early: bool,
    /// Which trajectories were trained, validated and tested on (format 2).
    #[serde(default)]
    pub split: Vec<RecordedTrajectory>,
}

/// One trajectory of a model's training data, recorded so that a later user can tell whether a
/// file was in the training set (by name, size and content hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RecordedTrajectory {
    /// File name.
    pub name: String,
    /// `train`, `validation` or `test`.
    pub part: Part,
    /// Its class.
    pub label: String,
    /// File size in bytes.
    #[ts(type = "number")]
    pub bytes: u64,
    /// xxHash3 (64-bit) of the file's bytes, hexadecimal.
    pub xxh3: String,
}

/// The part of a split a trajectory was in; `new` for data the model never saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    /// Fitted on.
    Train,
    /// Used to pick the epoch.
    Validation,
    /// Held out.
    Test,
    /// Not part of training.
    New,
}

impl CheckpointHeader {
    /// Checks every field that sizes or shapes the model before anything is built from it: the
    /// model's configuration and size ([`ModelConfig::validate`]), the class list against the
    /// model's output width, the recorded molecule and input options.
    ///
    /// # Errors
    /// [`Error::Checkpoint`] naming the field and what was expected.
    pub fn validate(&self) -> Result<ModelSize> {
        let fail = |m: String| Err(Error::Checkpoint(m));
        let size = self
            .model
            .validate(self.input.frames)
            .map_err(|e| Error::Checkpoint(format!("model: {e}")))?;
        let classes = self.classes.len();
        if !budget::CLASSES.contains(&classes) {
            return fail(format!(
                "classes lists {classes} names; expected {} to {}",
                budget::CLASSES.start(),
                budget::CLASSES.end()
            ));
        }
        if classes != self.model.classes() {
            return fail(format!(
                "classes lists {classes} names but the model ({}) was built for {}",
                self.model.name(),
                self.model.classes()
            ));
        }
        let mut seen = std::collections::HashSet::with_capacity(classes);
        if let Some(repeated) = self.classes.iter().find(|c| !seen.insert(c.as_str())) {
            return fail(format!("classes lists {repeated:?} twice"));
        }
        if !budget::ATOMS.contains(&self.atoms) {
            return fail(format!(
                "atoms is {}; expected {} to {}",
                self.atoms,
                budget::ATOMS.start(),
                budget::ATOMS.end()
            ));
        }
        if self.input.stride == 0 {
            return fail("input.stride is 0; expected at least 1".into());
        }
        Ok(size)
    }

    /// Refuses a molecule the model cannot read: a different number of selected points than
    /// the training molecule had.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the file, both counts and the selection.
    pub fn check_molecule(&self, molecule: &crate::data::Molecule) -> Result<()> {
        if molecule.len() == self.atoms {
            return Ok(());
        }
        Err(Error::Invalid(format!(
            "{} gives {} points with the {} selection, but the model was trained on {}",
            molecule.name,
            molecule.len(),
            self.input.selection,
            self.atoms
        )))
    }
}

/// Serialises a model and its header.
///
/// Async because parameters on WebGPU can only be read back asynchronously in a browser: they
/// are read one by one into a copy of the model on `host` (a CPU device, chosen by the caller),
/// which burn's record then encodes.
///
/// # Errors
/// [`Error::Checkpoint`] for a header [`CheckpointHeader::validate`] refuses, or when a parameter
/// cannot be read back or the record cannot be encoded.
pub async fn save(model: &Model, header: &CheckpointHeader, host: &Device) -> Result<Vec<u8>> {
    // A file molsig writes is one it reads back.
    header.validate()?;
    let json = serde_json::to_vec(header).map_err(|e| Error::Checkpoint(e.to_string()))?;
    let length = u32::try_from(json.len())
        .ok()
        .filter(|&l| u64::from(l) <= MAX_HEADER_BYTES)
        .ok_or_else(|| {
            Error::Checkpoint(format!(
                "the header is {} bytes, more than the {MAX_HEADER_BYTES} a molsig header can have",
                json.len()
            ))
        })?;
    let mut collect = Collect(Vec::new());
    model.visit(&mut collect);
    let mut values = Vec::with_capacity(collect.0.len());
    for tensor in collect.0 {
        values.push(
            tensor
                .into_data_async()
                .await
                .map_err(|e| Error::Checkpoint(format!("reading a parameter back: {e:?}")))?,
        );
    }
    let on_host = model
        .clone()
        .map(&mut Place(values.into_iter(), host.clone()));
    let record = on_host
        .into_record()
        .into_bytes()
        .map_err(|e| Error::Checkpoint(e.to_string()))?;
    let mut out = Vec::with_capacity(12 + json.len() + record.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&length.to_le_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(&record);
    Ok(out)
}

/// Every float parameter, flattened, in visiting order.
struct Collect(Vec<Tensor<1>>);

impl ModuleVisitor for Collect {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val();
        let n = value.shape().num_elements();
        self.0.push(value.reshape([n]));
    }
}

/// Puts values read by [`Collect`] back, in the same order, on another device.
struct Place(std::vec::IntoIter<TensorData>, Device);

impl ModuleMapper for Place {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let Some(data) = self.0.next() else {
            return param;
        };
        let device = self.1.clone();
        param.map(|value| Tensor::<1>::from_data(data, &device).reshape(value.dims()))
    }
}

/// Reads only the header (cheap; for `inspect`), checked with [`CheckpointHeader::validate`];
/// returns it with the bytes of the record that follows.
///
/// # Errors
/// [`Error::Checkpoint`] for a file that is not a molsig model, is truncated, is from another
/// format, or whose header describes a model that cannot be built.
pub fn read_header(bytes: &[u8]) -> Result<(CheckpointHeader, &[u8])> {
    let fail = |m: String| Err(Error::Checkpoint(m));
    let Some((preamble, rest)) = bytes.split_at_checked(12) else {
        return fail("not a molsig model file (shorter than its 12-byte preamble)".into());
    };
    let (magic, length) = preamble.split_at(8);
    if magic != MAGIC {
        return fail("not a molsig model file (it does not start with MOLSIGCK)".into());
    }
    let mut field = [0_u8; 4];
    field.copy_from_slice(length);
    let length = u32::from_le_bytes(field);
    // Compared as u64: on wasm32 a usize could not hold every sum with the preamble.
    if u64::from(length) > MAX_HEADER_BYTES {
        return fail(format!(
            "its header length field says {length} bytes, more than the {MAX_HEADER_BYTES} a \
             molsig header can have (a corrupt file?)"
        ));
    }
    let Some((json, record)) = rest.split_at_checked(length as usize) else {
        return fail(format!(
            "the file is truncated: its header length field says {length} bytes but only {} \
             follow",
            rest.len()
        ));
    };
    let header: CheckpointHeader = serde_json::from_slice(json)
        .map_err(|e| Error::Checkpoint(format!("unreadable header: {e}")))?;
    if header.format == 0 || header.format > FORMAT {
        return fail(format!(
            "written by molsig {} in checkpoint format {}; this molsig ({}) reads formats 1 to {FORMAT}",
            header.molsig_version,
            header.format,
            env!("CARGO_PKG_VERSION")
        ));
    }
    header.validate()?;
    Ok((header, record))
}

/// Rebuilds a saved model on `device`.
///
/// # Errors
/// [`Error::Checkpoint`] for a bad header, or parameters whose shapes do not match the
/// configuration (a corrupted or hand-edited file).
pub fn load(bytes: &[u8], device: &Device) -> Result<(CheckpointHeader, Model)> {
    let (header, record) = read_header(bytes)?;
    let model = header
        .model
        .init(header.input.frames, device)
        .map_err(|e| Error::Checkpoint(format!("model: {e}")))?;
    // Shared: the check and the record read the same bytes without a second copy.
    let record = Bytes::from_bytes_vec(record.to_vec()).shared();
    check_parameter_types(record.clone())?;
    let record = ModuleRecord::from_bytes(record)
        .map_err(|e| Error::Checkpoint(format!("parameters unreadable: {e}")))?
        // The model's own float type, so a device with another default still gets one dtype.
        .cast_to_module_dtype();
    let model = model
        .try_load_record(record)
        .map_err(|e| Error::Checkpoint(format!("parameters do not fit the model: {e}")))?;
    Ok((header, model))
}

/// Refuses a record with a parameter that is not stored as f32 (what molsig writes). burn
/// checks names and shapes when it applies a record, but converts whatever type the file claims
/// and panics on one it cannot (an integer or quantized tensor where a float parameter is).
fn check_parameter_types(record: Bytes) -> Result<()> {
    let unreadable = |e: burn_pack::Error| Error::Checkpoint(format!("parameters unreadable: {e}"));
    let tensors = burn_pack::Reader::from_bytes(record)
        .map_err(unreadable)?
        .into_tensors()
        .map_err(unreadable)?;
    match tensors.iter().find(|t| t.dtype != DType::F32) {
        Some(t) => Err(Error::Checkpoint(format!(
            "parameter {} is stored as {:?}; expected F32",
            t.name, t.dtype
        ))),
        None => Ok(()),
    }
}
