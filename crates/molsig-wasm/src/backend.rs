//! Picking the compute device: WebGPU (or Vulkan/Metal natively) when an adapter exists,
//! otherwise burn's pure-Rust CPU backend (`flex`), saying why.

use burn::prelude::*;

/// The device every computation of a session runs on, and how it was chosen.
#[derive(Clone, Debug)]
pub struct Backend {
    /// The burn device.
    pub device: Device,
    /// `"WebGPU"` or `"CPU"`, for the user.
    pub kind: &'static str,
    /// Adapter name reported by the driver (`"SwiftShader"`, `"llvmpipe"`, …) or `"flex"`.
    pub adapter: String,
    /// Why the GPU is not used, when it is not.
    pub fallback_reason: Option<String>,
}

impl Backend {
    /// The CPU backend, with the reason the GPU was not taken.
    #[must_use]
    pub fn cpu(reason: String) -> Self {
        Self {
            device: Device::flex(),
            kind: "CPU",
            adapter: "flex".into(),
            fallback_reason: Some(reason),
        }
    }

    /// Tries the GPU first unless the caller already knows there is none (`gpu_unavailable`).
    pub async fn pick(gpu_unavailable: Option<String>) -> Self {
        if let Some(reason) = gpu_unavailable {
            return Self::cpu(reason);
        }
        match Device::wgpu_options().init_with_setup_async().await {
            Ok((device, setup)) => {
                let info = setup.adapter.get_info();
                Self {
                    device,
                    kind: "WebGPU",
                    adapter: info.name,
                    fallback_reason: None,
                }
            }
            Err(e) => Self::cpu(format!("no usable GPU adapter: {e}")),
        }
    }
}

/// A backend as the page shows it.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct BackendInfo {
    /// `"WebGPU"` or `"CPU"`.
    pub kind: String,
    /// The adapter's name (empty where the browser hides it).
    pub adapter: String,
    /// Why the GPU is not used, when it is not.
    pub fallback_reason: Option<String>,
}

impl BackendInfo {
    /// The description of `backend`.
    #[must_use]
    pub fn of(backend: &Backend) -> Self {
        Self {
            kind: backend.kind.into(),
            adapter: backend.adapter.clone(),
            fallback_reason: backend.fallback_reason.clone(),
        }
    }
}

#[cfg(target_arch = "wasm32")]
thread_local! {
    /// The worker's one backend: burn's wgpu runtime cannot be initialised twice.
    static SHARED: std::cell::RefCell<Option<Backend>> = const { std::cell::RefCell::new(None) };
}

#[cfg(target_arch = "wasm32")]
impl Backend {
    /// The worker's backend, picked by the first call ([`Backend::pick`]) and shared after.
    pub async fn shared(gpu_unavailable: Option<String>) -> Self {
        if let Some(backend) = SHARED.with(|b| b.borrow().clone()) {
            return backend;
        }
        let backend = Self::pick(gpu_unavailable).await;
        SHARED.with(|slot| *slot.borrow_mut() = Some(backend.clone()));
        backend
    }
}
