//! The JavaScript surface: the `Session` class (one page's engine) and `parseManifest`.
//! Arguments and results are converted with serde and typed in TypeScript by the declarations
//! generated from the Rust types (`typescript.rs`); errors become JS `Error`s with the
//! pipeline's message (file, line or frame, byte offset); nothing panics here. A panic deeper
//! down is recorded by the hook that `start` installs (`fatal`), so the worker knows the
//! instance is poisoned.
//!
//! The benchmark page's entry points are a separate class, `Benchmarks`, outside the session.

use std::future::Future;
use std::pin::Pin;

use molsig_model::train::{Event, Host};
use molsig_pipeline::plan::{DataOptions, Files, TopologyFile, TrajectoryFile};
use molsig_pipeline::train::TrainRequest;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::backend::{Backend, BackendInfo};
use crate::blob_reader::BlobReader;
use crate::error::Error;
use crate::session::{Session, Source, TrajectoryEntry};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("../molsig-types.d.ts");

#[wasm_bindgen(start)]
fn start() {
    crate::fatal::install_panic_hook();
}

/// A result as a JavaScript value, through JSON text and `JSON.parse`: serde-wasm-bindgen sets
/// every array element with a call into JavaScript, which took 5 s for the 10,000 coordinates of
/// a transformed trajectory (and 1 s for a model header); the text takes milliseconds. As in any
/// JSON, a NaN or infinity arrives as `null`.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("a result could not be read back as JSON"))
}

fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| js_error(Error::Argument(format!("{what}: {e}"))))
}

#[allow(clippy::needless_pass_by_value)] // used as `map_err(js_error)`
fn js_error(e: impl Into<Error>) -> JsError {
    JsError::new(&e.into().to_string())
}

/// Seconds since the worker started.
fn now() -> f64 {
    js_sys::global()
        .unchecked_into::<web_sys::WorkerGlobalScope>()
        .performance()
        .map_or(0.0, |p| p.now() / 1000.0)
}

/// A zero-delay timeout: the worker's event loop runs (and delivers a cancel call) before
/// training goes on.
fn pause() -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(async {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let scope = js_sys::global().unchecked_into::<web_sys::WorkerGlobalScope>();
            let _ = scope.set_timeout_with_callback(&resolve);
        });
        let _ = JsFuture::from(promise).await;
    })
}

/// The training host in a worker: its clock, and the pause that lets a cancel call in.
fn browser_host() -> Host {
    Host::new(now).with_pause(pause)
}

/// Passes every training event to the page's `onEvent` callback (an event that cannot be
/// converted is dropped: progress is advisory).
fn reporter(on_event: &js_sys::Function) -> impl FnMut(&Event) + '_ {
    move |event: &Event| {
        if let Ok(value) = to_js(event) {
            let _ = on_event.call1(&JsValue::NULL, &value);
        }
    }
}

/// A topology and trajectory `Blob`s with their table rows, as the pipeline reads them.
fn files(
    topology_name: String,
    topology: Vec<u8>,
    blobs: &js_sys::Array,
    entries: JsValue,
) -> Result<Files<BlobReader>, JsError> {
    let entries: Vec<TrajectoryEntry> = from_js(entries, "trajectory entries")?;
    if blobs.length() as usize != entries.len() {
        return Err(js_error(Error::Argument(format!(
            "{} files but {} entries; give one entry per file",
            blobs.length(),
            entries.len()
        ))));
    }
    let trajectories = entries
        .into_iter()
        .zip(blobs.iter())
        .map(|(entry, blob)| {
            let blob: web_sys::Blob = blob.dyn_into().map_err(|_| {
                js_error(Error::Argument(format!(
                    "{}: not a File or Blob",
                    entry.name
                )))
            })?;
            let reader = BlobReader::new(blob).map_err(|e| JsError::new(&e.to_string()))?;
            Ok(TrajectoryFile {
                name: entry.name,
                reader,
                label: entry.label.unwrap_or_default(),
                group: entry.group.unwrap_or_default(),
                split: None,
                topology: 0,
            })
        })
        .collect::<Result<_, JsError>>()?;
    Ok(Files {
        topologies: vec![TopologyFile {
            name: topology_name,
            bytes: topology,
        }],
        trajectories,
    })
}

/// One page's molsig engine: the compute backend, the training data, the model and the last
/// predicted data. Create it with `Session.create()`.
#[wasm_bindgen(js_name = Session)]
pub struct JsSession(Session);

#[wasm_bindgen(js_class = Session)]
impl JsSession {
    /// A session on WebGPU when the browser offers an adapter, else burn's CPU backend. Pass
    /// the reason when the page already knows WebGPU is unavailable. The backend is chosen once
    /// per worker: every session of a worker shares it.
    pub async fn create(gpu_unavailable: Option<String>) -> JsSession {
        JsSession(Session::new(Backend::shared(gpu_unavailable).await))
    }

    /// Which backend the session computes on, and why.
    ///
    /// # Errors
    /// Only if the description cannot be converted.
    #[wasm_bindgen(getter, unchecked_return_type = "BackendInfo")]
    pub fn backend(&self) -> Result<JsValue, JsError> {
        to_js(&BackendInfo::of(self.0.backend()))
    }

    /// Counts, selection and per-frame radius of gyration of a topology (PDB or GRO bytes) and
    /// optionally one XTC `Blob`, streamed.
    ///
    /// # Errors
    /// A reader error, with file name and position.
    #[wasm_bindgen(unchecked_return_type = "Inspection")]
    pub async fn inspect(
        &self,
        topology_name: String,
        topology: Vec<u8>,
        trajectory_name: Option<String>,
        trajectory: Option<web_sys::Blob>,
        selection: String,
    ) -> Result<JsValue, JsError> {
        let reader = match trajectory {
            Some(blob) => Some(BlobReader::new(blob).map_err(|e| JsError::new(&e.to_string()))?),
            None => None,
        };
        let name = trajectory_name.unwrap_or_else(|| "trajectory".into());
        let inspection = self
            .0
            .inspect(
                &topology_name,
                &topology,
                reader.map(|r| (name.as_str(), r)),
                &selection,
            )
            .await
            .map_err(js_error)?;
        to_js(&inspection)
    }

    /// Plans (memory check from the headers), then reads the training trajectories: one `Blob`
    /// per entry (name, label, group).
    ///
    /// # Errors
    /// Unreadable or mismatched files, a job too large for the tab, trajectories too short.
    #[wasm_bindgen(js_name = loadDataset, unchecked_return_type = "DatasetSummary")]
    pub fn load_dataset(
        &self,
        topology_name: String,
        topology: Vec<u8>,
        #[wasm_bindgen(unchecked_param_type = "Blob[]")] files: &js_sys::Array,
        #[wasm_bindgen(unchecked_param_type = "TrajectoryEntry[]")] entries: JsValue,
        #[wasm_bindgen(unchecked_param_type = "DataOptions")] options: JsValue,
        batch_size: usize,
    ) -> Result<JsValue, JsError> {
        let options: DataOptions = from_js(options, "data options")?;
        let files = self::files(topology_name, topology, files, entries)?;
        let summary = self
            .0
            .load_dataset(files, &options, batch_size)
            .map_err(js_error)?;
        to_js(&summary)
    }

    /// Trains on the loaded dataset; `onEvent` receives every started/batch/epoch event.
    /// The model stays in the session for prediction, explanation and saving.
    ///
    /// # Errors
    /// No dataset, training errors (including "cancelled"), evaluation errors.
    #[wasm_bindgen(unchecked_return_type = "TrainSummary")]
    pub async fn train(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TrainRequest")] request: JsValue,
        #[wasm_bindgen(js_name = onEvent, unchecked_param_type = "(event: TrainEvent) => void")]
        on_event: js_sys::Function,
    ) -> Result<JsValue, JsError> {
        let request: TrainRequest = from_js(request, "training request")?;
        let summary = self
            .0
            .train(&request, browser_host(), &mut reporter(&on_event))
            .await
            .map_err(js_error)?;
        to_js(&summary)
    }

    /// Grouped `folds`-fold cross-validation on the loaded dataset: one model per fold, each
    /// tested on trajectories it never saw; `onEvent` receives every fold's events (each fold
    /// begins with `started`). The last fold's model stays in the session.
    ///
    /// # Errors
    /// No dataset, too few groups per class for `folds`, training errors (including
    /// "cancelled").
    #[wasm_bindgen(js_name = crossValidate, unchecked_return_type = "CrossValidated")]
    pub async fn cross_validate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TrainRequest")] request: JsValue,
        folds: usize,
        #[wasm_bindgen(js_name = onEvent, unchecked_param_type = "(event: TrainEvent) => void")]
        on_event: js_sys::Function,
    ) -> Result<JsValue, JsError> {
        let request: TrainRequest = from_js(request, "training request")?;
        let run = self
            .0
            .cross_validate(&request, folds, browser_host(), &mut reporter(&on_event))
            .await
            .map_err(js_error)?;
        to_js(&run)
    }

    /// Asks a running `train` or `crossValidate` to stop after the current batch.
    pub fn cancel(&self) {
        self.0.cancel();
    }

    /// The current model as a `.molsig` file.
    ///
    /// # Errors
    /// No model, or a parameter that cannot be read back.
    #[wasm_bindgen(js_name = saveModel)]
    pub async fn save_model(&self) -> Result<Vec<u8>, JsError> {
        self.0.save_model().await.map_err(js_error)
    }

    /// Loads a `.molsig` file as the current model and returns its header: classes,
    /// configuration, input options and the record of its run (settings, history, metrics,
    /// split).
    ///
    /// # Errors
    /// Not a molsig model, a newer format, truncation, shapes that do not fit the config.
    #[wasm_bindgen(js_name = loadModel, unchecked_return_type = "CheckpointHeader")]
    pub fn load_model(&self, name: &str, bytes: &[u8]) -> Result<JsValue, JsError> {
        let header = self.0.load_model(name, bytes).map_err(js_error)?;
        to_js(&header)
    }

    /// Predicts trajectories with the current model, reading them as its training data was
    /// read. Labels are optional; ones the model does not know are reported as such.
    ///
    /// # Errors
    /// No model, files that do not fit the model, reader errors.
    #[wasm_bindgen(unchecked_return_type = "Predictions")]
    pub async fn predict(
        &self,
        topology_name: String,
        topology: Vec<u8>,
        #[wasm_bindgen(unchecked_param_type = "Blob[]")] files: js_sys::Array,
        #[wasm_bindgen(unchecked_param_type = "TrajectoryEntry[]")] entries: JsValue,
    ) -> Result<JsValue, JsError> {
        let files = self::files(topology_name, topology, &files, entries)?;
        let predictions = self.0.predict(files).await.map_err(js_error)?;
        to_js(&predictions)
    }

    /// Explains sample `sample` (from 0) of trajectory `index` of the training data
    /// (`"training"`) or of the last prediction (`"new"`): bead memberships and positions,
    /// couplings, attributions, the sample's frames and times, and its first frame as PDB for the
    /// viewer.
    ///
    /// # Errors
    /// No model or data, an index out of range, or the interpretation pass.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub async fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Source")] source: JsValue,
        index: usize,
        sample: usize,
    ) -> Result<JsValue, JsError> {
        let source: Source = from_js(source, "source")?;
        let explanation = self
            .0
            .explain(source, index, sample)
            .await
            .map_err(js_error)?;
        to_js(&explanation)
    }

    /// Per-class summaries of the labelled training data with the current model: each class's
    /// mean bead couplings, and per atom the evidence for the class and what separates it from
    /// the others.
    ///
    /// # Errors
    /// No model or training data, data that does not fit the model, a class without samples.
    #[wasm_bindgen(unchecked_return_type = "ClassComparison")]
    pub async fn compare(&self) -> Result<JsValue, JsError> {
        let comparison = self.0.compare().await.map_err(js_error)?;
        to_js(&comparison)
    }

    /// Transforms the first sample of trajectory `index` of the training data or of the last
    /// prediction (moved, rotated, relabelled, re-timed, reversed or noised) and runs the model
    /// on the copy: coordinates, Q, bead paths and class probabilities.
    ///
    /// # Errors
    /// No model or data, an index out of range, a bad transform, or the forward pass.
    #[wasm_bindgen(unchecked_return_type = "Transformed")]
    pub async fn transform(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Source")] source: JsValue,
        index: usize,
        #[wasm_bindgen(unchecked_param_type = "Transform")] change: JsValue,
    ) -> Result<JsValue, JsError> {
        let source: Source = from_js(source, "source")?;
        let change = from_js(change, "transform")?;
        let view = self
            .0
            .transform(source, index, &change)
            .await
            .map_err(js_error)?;
        to_js(&view)
    }
}

/// Parses a manifest (CSV or JSON: topology, trajectory, label, group, split) into its entries.
///
/// # Errors
/// The manifest's error, with the line and column.
#[wasm_bindgen(js_name = parseManifest, unchecked_return_type = "ManifestEntry[]")]
pub fn parse_manifest(text: &str, name: &str) -> Result<JsValue, JsError> {
    let manifest = molsig_model::manifest::Manifest::parse(text, name)
        .map_err(|e| js_error(molsig_pipeline::Error::from(e)))?;
    to_js(&manifest.entries)
}

/// The benchmark page's measurements (not part of the session API): signature throughput and
/// one training epoch, on WebGPU or the CPU.
#[wasm_bindgen]
pub struct Benchmarks(Backend);

#[wasm_bindgen]
impl Benchmarks {
    /// Measurements on the worker's shared backend (see `Session.create`).
    pub async fn create(gpu_unavailable: Option<String>) -> Benchmarks {
        Benchmarks(Backend::shared(gpu_unavailable).await)
    }

    fn device(&self, gpu: bool) -> Result<burn::tensor::Device, JsError> {
        if !gpu {
            return Ok(burn::tensor::Device::flex());
        }
        if self.0.kind != "WebGPU" {
            return Err(JsError::new(&format!(
                "no WebGPU here: {}",
                self.0.fallback_reason.as_deref().unwrap_or("CPU backend")
            )));
        }
        Ok(self.0.device.clone())
    }

    /// Mean seconds and paths per second of the signature of `batch` random-walk paths
    /// (`length` points, `channels` channels) at `depth`, on WebGPU (`gpu`) or the CPU.
    ///
    /// # Errors
    /// No WebGPU when asked for it, or the signature's errors.
    #[wasm_bindgen(unchecked_return_type = "SignatureRun")]
    pub async fn signature(
        &self,
        gpu: bool,
        batch: usize,
        length: usize,
        channels: usize,
        depth: usize,
        repeats: usize,
    ) -> Result<JsValue, JsError> {
        let device = self.device(gpu)?;
        let run = crate::bench::signature(&device, (batch, length, channels, depth), repeats, now)
            .await
            .map_err(js_error)?;
        to_js(&run)
    }

    /// Seconds of a training epoch on synthetic graphs, on WebGPU or the CPU.
    ///
    /// # Errors
    /// No WebGPU when asked for it, or training errors.
    #[wasm_bindgen(unchecked_return_type = "EpochRun")]
    pub async fn epoch(
        &self,
        gpu: bool,
        per_class: usize,
        nodes: usize,
        frames: usize,
        beads: usize,
    ) -> Result<JsValue, JsError> {
        let device = self.device(gpu)?;
        let run = crate::bench::epoch(&device, per_class, nodes, frames, beads, now)
            .await
            .map_err(js_error)?;
        to_js(&run)
    }
}
