//! Saved models: the configuration and input spec (as JSON) with the parameters (a burn record).
//!
//! Layout: the 8 bytes `MOLSIGCK`, the header's length as a little-endian u32, the header (JSON),
//! then the burnpack record. The header comes first so that a model is rebuilt with exactly the
//! shapes it was saved with, and a file from another molsig version or a truncated download is
//! refused with a message instead of loading garbage.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

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
const MAX_HEADER_BYTES: usize = 64 << 20;

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
    /// Held-out metrics at save time, if measured.
    pub test_metrics: Option<Metrics>,
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
/// [`Error::Checkpoint`] when a parameter cannot be read back or the record cannot be encoded.
pub async fn save(model: &Model, header: &CheckpointHeader, host: &Device) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(header).map_err(|e| Error::Checkpoint(e.to_string()))?;
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
    out.extend_from_slice(&u32::try_from(json.len()).unwrap_or(u32::MAX).to_le_bytes());
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

/// Reads only the header (cheap; for `inspect`).
///
/// # Errors
/// [`Error::Checkpoint`] for a file that is not a molsig model or is from another format.
pub fn read_header(bytes: &[u8]) -> Result<(CheckpointHeader, &[u8])> {
    let fail = |m: String| Err(Error::Checkpoint(m));
    let (Some(magic), Some(length)) = (bytes.get(..8), bytes.get(8..12)) else {
        return fail("not a molsig model file (shorter than its 12-byte preamble)".into());
    };
    if magic != MAGIC {
        return fail("not a molsig model file (it does not start with MOLSIGCK)".into());
    }
    let mut field = [0_u8; 4];
    field.copy_from_slice(length);
    let length = u32::from_le_bytes(field) as usize;
    if length > MAX_HEADER_BYTES {
        return fail(format!(
            "its header length field says {length} bytes, more than the {MAX_HEADER_BYTES} a \
             molsig header can have (a corrupt file?)"
        ));
    }
    let Some(json) = 12_usize
        .checked_add(length)
        .and_then(|end| bytes.get(12..end))
    else {
        return fail(format!(
            "the file is truncated: its header says {length} bytes but only {} follow",
            bytes.len() - 12
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
    Ok((header, &bytes[12 + length..]))
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
        .map_err(|e| Error::Checkpoint(format!("its configuration is invalid here: {e}")))?;
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(record.to_vec()))
        .map_err(|e| Error::Checkpoint(format!("parameters unreadable: {e}")))?;
    let model = model
        .try_load_record(record)
        .map_err(|e| Error::Checkpoint(format!("parameters do not fit the model: {e}")))?;
    Ok((header, model))
}
