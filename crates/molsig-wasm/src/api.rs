//! The JavaScript surface: a handful of async functions the worker calls. Errors become JS
//! `Error`s with the reader's message (file, line or frame, byte offset); nothing panics here.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::backend::Backend;
use crate::blob_reader::BlobReader;
use crate::inspect::{inspect as run_inspect, load_system};

thread_local! {
    /// The worker's one backend, chosen once: burn's wgpu runtime cannot be initialised twice.
    static BACKEND: RefCell<Option<Backend>> = const { RefCell::new(None) };
}

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
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
    Ok(serde_wasm_bindgen::to_value(&info)?)
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
    let backend = BACKEND
        .with(|b| b.borrow().clone())
        .ok_or_else(|| JsError::new("initBackend must be called before inspect"))?;
    let system = load_system(&topology_name, &topology, &selection)?;
    let reader = match trajectory {
        Some(blob) => Some(BlobReader::new(blob).map_err(|e| JsError::new(&e.to_string()))?),
        None => None,
    };
    let name = trajectory_name.unwrap_or_else(|| "trajectory".into());
    let result = run_inspect(&system, reader.map(|r| (name.as_str(), r)), &backend.device).await?;
    Ok(serde_wasm_bindgen::to_value(&result)?)
}
