//! The JavaScript surface: async functions the worker calls. Errors become JS `Error`s with the
//! reader's or trainer's message (file, line or frame, byte offset); nothing panics here.
//!
//! State lives in this worker between calls: the backend (chosen once), the training dataset,
//! the current model, and the last prediction dataset. Each is behind an `Rc` so that no
//! `RefCell` borrow is held across an await (a cancel call arrives during training).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use molsig_model::checkpoint;
use molsig_model::data::Dataset;
use molsig_model::train::{Control, Event, Host};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::backend::Backend;
use crate::blob_reader::BlobReader;
use crate::inspect::{inspect as run_inspect, load_system};
use crate::session::{self, DataOptions, Loaded, SessionModel, TrainRequest, TrajectoryFile};

thread_local! {
    /// The worker's one backend, chosen once: burn's wgpu runtime cannot be initialised twice.
    static BACKEND: RefCell<Option<Backend>> = const { RefCell::new(None) };
    /// The dataset to train on.
    static TRAINING: RefCell<Option<Rc<Loaded>>> = const { RefCell::new(None) };
    /// Trajectories predicted with the current model (for explaining them).
    static PREDICTED: RefCell<Option<Rc<Dataset>>> = const { RefCell::new(None) };
    /// The trained or loaded model.
    static MODEL: RefCell<Option<Rc<SessionModel>>> = const { RefCell::new(None) };
    /// Set by `cancel`, read after every batch.
    static CANCEL: Cell<bool> = const { Cell::new(false) };
}

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

fn backend() -> Result<Backend, JsError> {
    BACKEND
        .with(|b| b.borrow().clone())
        .ok_or_else(|| JsError::new("initBackend must be called first"))
}

fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    Ok(value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
}

/// Which backend the session runs on, as the page shows it.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct BackendInfo<'a> {
    kind: &'a str,
    adapter: &'a str,
    fallback_reason: Option<&'a str>,
}

/// Chooses the compute backend once per worker and describes it. Pass the reason when the
/// page already knows WebGPU is unavailable (no `navigator.gpu`, or no adapter).
///
/// # Errors
/// Only if the description cannot be converted to a JS value.
#[wasm_bindgen(js_name = initBackend)]
pub async fn init_backend(gpu_unavailable: Option<String>) -> Result<JsValue, JsError> {
    let existing = BACKEND.with(|b| b.borrow().clone());
    let backend = if let Some(b) = existing {
        b
    } else {
        let b = Backend::pick(gpu_unavailable).await;
        BACKEND.with(|slot| *slot.borrow_mut() = Some(b.clone()));
        b
    };
    let info = BackendInfo {
        kind: backend.kind,
        adapter: &backend.adapter,
        fallback_reason: backend.fallback_reason.as_deref(),
    };
    to_js(&info)
}

/// Reads a topology (PDB/GRO bytes) and optionally an XTC `Blob` streamed from disk, applies
/// `selection`, and returns counts, per-frame radius of gyration and the first frame as PDB.
///
/// # Errors
/// Any reader error, with file name and position; also if `initBackend` was not called.
#[wasm_bindgen]
pub async fn inspect(
    topology_name: String,
    topology: Vec<u8>,
    trajectory_name: Option<String>,
    trajectory: Option<web_sys::Blob>,
    selection: String,
) -> Result<JsValue, JsError> {
    let backend = backend()?;
    let system = load_system(&topology_name, &topology, &selection)?;
    let reader = match trajectory {
        Some(blob) => Some(BlobReader::new(blob).map_err(|e| JsError::new(&e.to_string()))?),
        None => None,
    };
    let name = trajectory_name.unwrap_or_else(|| "trajectory".into());
    let result = run_inspect(&system, reader.map(|r| (name.as_str(), r)), &backend.device).await?;
    to_js(&result)
}

/// The page's trajectory table: parallel arrays of files (`Blob`s), names, labels and groups.
fn trajectory_files(
    files: &js_sys::Array,
    names: Vec<String>,
    labels: Vec<String>,
    groups: Vec<String>,
) -> Result<Vec<TrajectoryFile<BlobReader>>, JsError> {
    if files.length() as usize != names.len()
        || labels.len() != names.len()
        || groups.len() != names.len()
    {
        return Err(JsError::new(
            "files, names, labels and groups must have the same length",
        ));
    }
    names
        .into_iter()
        .zip(labels)
        .zip(groups)
        .zip(files.iter())
        .map(|(((name, label), group), file)| {
            let blob: web_sys::Blob = file
                .dyn_into()
                .map_err(|_| JsError::new(&format!("{name}: not a File or Blob")))?;
            let reader = BlobReader::new(blob).map_err(|e| JsError::new(&e.to_string()))?;
            Ok(TrajectoryFile {
                name,
                reader,
                label,
                group,
            })
        })
        .collect()
}

/// The summary the page shows after reading a dataset.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct DatasetSummary {
    plan: session::Plan,
    classes: Vec<String>,
    samples: usize,
}

/// Plans (memory check from the headers), then reads the training trajectories. `options` is
/// a [`DataOptions`]; `batch_size` enters the memory estimate.
///
/// # Errors
/// Unreadable or mismatched files, a job that would not fit in memory, trajectories too short.
#[wasm_bindgen(js_name = loadDataset)]
#[allow(clippy::too_many_arguments)] // the table's columns, flat for the JS side
pub fn load_dataset(
    topology_name: &str,
    topology: &[u8],
    files: &js_sys::Array,
    names: Vec<String>,
    labels: Vec<String>,
    groups: Vec<String>,
    options: JsValue,
    batch_size: usize,
) -> Result<JsValue, JsError> {
    let options: DataOptions = serde_wasm_bindgen::from_value(options)?;
    let mut files = trajectory_files(files, names, labels, groups)?;
    TRAINING.with(|t| t.borrow_mut().take());
    let (molecule, plan) = session::plan(topology_name, topology, &options, batch_size, &mut files)
        .map_err(|e| JsError::new(&e))?;
    let loaded =
        session::load(molecule, &options, None, &mut files).map_err(|e| JsError::new(&e))?;
    let summary = DatasetSummary {
        plan,
        classes: loaded.dataset.classes.clone(),
        samples: loaded.dataset.samples.len(),
    };
    TRAINING.with(|t| *t.borrow_mut() = Some(Rc::new(loaded)));
    to_js(&summary)
}

/// Seconds since the worker started.
fn now() -> f64 {
    js_sys::global()
        .unchecked_into::<web_sys::WorkerGlobalScope>()
        .performance()
        .map_or(0.0, |p| p.now() / 1000.0)
}

/// A zero-delay timeout: the worker's event loop runs (and delivers a cancel message) before
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

/// Trains on the loaded dataset. `on_event` receives every started/batch/epoch event (as
/// molsig-model's `Event`, JSON-like). Returns the training summary; the model stays in the
/// worker for prediction, explanation and saving.
///
/// # Errors
/// No dataset, training errors (including "cancelled"), evaluation errors.
#[wasm_bindgen]
pub async fn train(request: JsValue, on_event: js_sys::Function) -> Result<JsValue, JsError> {
    let request: TrainRequest = serde_wasm_bindgen::from_value(request)?;
    let backend = backend()?;
    let loaded = TRAINING
        .with(|t| t.borrow().clone())
        .ok_or_else(|| JsError::new("load a dataset before training"))?;
    CANCEL.with(|c| c.set(false));
    let mut report = |event: &Event| {
        if let Ok(value) = to_js(event) {
            let _ = on_event.call1(&JsValue::NULL, &value);
        }
        if CANCEL.with(Cell::get) {
            Control::Cancel
        } else {
            Control::Continue
        }
    };
    let host = Host::new(now).with_pause(pause);
    let (model, summary) =
        session::train_model(&loaded, &request, &backend.device, host, &mut report)
            .await
            .map_err(|e| JsError::new(&e))?;
    MODEL.with(|m| *m.borrow_mut() = Some(Rc::new(model)));
    to_js(&summary)
}

/// Asks a running `train` to stop after the current batch.
#[wasm_bindgen]
pub fn cancel() {
    CANCEL.with(|c| c.set(true));
}

fn current_model() -> Result<Rc<SessionModel>, JsError> {
    MODEL
        .with(|m| m.borrow().clone())
        .ok_or_else(|| JsError::new("train or load a model first"))
}

/// The current model as a `.molsig` checkpoint.
///
/// # Errors
/// No model, or a parameter that cannot be read back.
#[wasm_bindgen(js_name = saveModel)]
pub async fn save_model() -> Result<Vec<u8>, JsError> {
    let model = current_model()?;
    checkpoint::save(&model.model, &model.header)
        .await
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Loads a `.molsig` checkpoint as the current model and returns its header (classes, model
/// configuration, input options, held-out metrics at save time).
///
/// # Errors
/// Not a molsig checkpoint, a newer format, truncation, or shapes that do not fit the config.
#[wasm_bindgen(js_name = loadModel)]
pub fn load_model(name: &str, bytes: &[u8]) -> Result<JsValue, JsError> {
    let backend = backend()?;
    let (header, model) = checkpoint::load(bytes, &backend.device)
        .map_err(|e| JsError::new(&format!("{name}: {e}")))?;
    let info = to_js(&header)?;
    MODEL.with(|m| *m.borrow_mut() = Some(Rc::new(SessionModel { model, header })));
    Ok(info)
}

/// Predicts new trajectories with the current model, reading them exactly as its training data
/// was read. Labels are optional (empty strings); given ones must be the model's classes.
///
/// # Errors
/// No model, files that do not fit the model (atom count), reader errors.
#[wasm_bindgen]
pub async fn predict(
    topology_name: String,
    topology: Vec<u8>,
    files: js_sys::Array,
    names: Vec<String>,
    labels: Vec<String>,
) -> Result<JsValue, JsError> {
    let backend = backend()?;
    let model = current_model()?;
    let input = &model.header.input;
    let options = DataOptions {
        selection: input.selection.clone(),
        frames: input.frames,
        stride: input.stride,
        align: model.header.model.aligns_frames(),
    };
    let groups = vec![String::new(); names.len()];
    let mut files = trajectory_files(&files, names, labels, groups)?;
    let (molecule, _) = session::plan(&topology_name, &topology, &options, 16, &mut files)
        .map_err(|e| JsError::new(&e))?;
    model
        .header
        .check_molecule(&molecule)
        .map_err(|e| JsError::new(&e.to_string()))?;
    let loaded = session::load(
        molecule,
        &options,
        Some(model.header.classes.clone()),
        &mut files,
    )
    .map_err(|e| JsError::new(&e))?;
    let predictions =
        session::predict_trajectories(&model, &loaded.dataset, &backend.device, |_| "new")
            .await
            .map_err(|e| JsError::new(&e))?;
    PREDICTED.with(|p| *p.borrow_mut() = Some(Rc::new(loaded.dataset)));
    to_js(&predictions)
}

/// Explains trajectory `index` of the training data (`source` = "training") or of the last
/// prediction ("new"): bead memberships, bead positions, couplings, attributions, and the
/// first frame as PDB for the viewer.
///
/// # Errors
/// No model or data, an index out of range, or the interpretation pass.
#[wasm_bindgen]
pub async fn explain(source: String, index: usize) -> Result<JsValue, JsError> {
    let backend = backend()?;
    let model = current_model()?;
    let missing = || JsError::new("no trajectories to explain");
    let explanation = if source == "new" {
        let dataset = PREDICTED.with(|p| p.borrow().clone()).ok_or_else(missing)?;
        session::explain(&model, &dataset, index, &backend.device).await
    } else {
        let loaded = TRAINING.with(|t| t.borrow().clone()).ok_or_else(missing)?;
        session::explain(&model, &loaded.dataset, index, &backend.device).await
    }
    .map_err(|e| JsError::new(&e))?;
    to_js(&explanation)
}

/// Parses a manifest (CSV or JSON: topology, trajectory, label, group, split) into its entries.
///
/// # Errors
/// The manifest's error, with the line and column.
#[wasm_bindgen(js_name = parseManifest)]
pub fn parse_manifest(text: &str, name: &str) -> Result<JsValue, JsError> {
    let manifest = molsig_model::manifest::Manifest::parse(text, name)
        .map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&manifest.entries)
}

/// The device a benchmark runs on: the session's WebGPU device, or burn's CPU backend.
fn bench_device(gpu: bool) -> Result<burn::tensor::Device, JsError> {
    if !gpu {
        return Ok(burn::tensor::Device::flex());
    }
    let backend = backend()?;
    if backend.kind != "WebGPU" {
        return Err(JsError::new(&format!(
            "no WebGPU here: {}",
            backend.fallback_reason.as_deref().unwrap_or("CPU backend")
        )));
    }
    Ok(backend.device)
}

/// Benchmark page: mean seconds and paths per second of the signature of `batch` random-walk
/// paths (`length` points, `channels` channels) at `depth`, on WebGPU (`gpu`) or the CPU.
///
/// # Errors
/// No WebGPU when asked for it, or the signature's errors.
#[wasm_bindgen(js_name = benchSignature)]
pub async fn bench_signature(
    gpu: bool,
    batch: usize,
    length: usize,
    channels: usize,
    depth: usize,
    repeats: usize,
) -> Result<JsValue, JsError> {
    let device = bench_device(gpu)?;
    let run = crate::bench::signature(&device, (batch, length, channels, depth), repeats, now)
        .await
        .map_err(|e| JsError::new(&e))?;
    to_js(&run)
}

/// Benchmark page: seconds of a training epoch on synthetic graphs, on WebGPU or the CPU.
///
/// # Errors
/// No WebGPU when asked for it, or training errors.
#[wasm_bindgen(js_name = benchEpoch)]
pub async fn bench_epoch(
    gpu: bool,
    per_class: usize,
    nodes: usize,
    frames: usize,
    beads: usize,
) -> Result<JsValue, JsError> {
    let device = bench_device(gpu)?;
    let run = crate::bench::epoch(&device, per_class, nodes, frames, beads, now)
        .await
        .map_err(|e| JsError::new(&e))?;
    to_js(&run)
}
