//! molsig-wasm inside a dedicated Web Worker of headless Chromium, as the site runs it:
//! WebGPU on Chromium's software adapter, files read through the File API.
#![cfg(target_arch = "wasm32")]

use molsig_wasm::backend::Backend;
use molsig_wasm::inspect::{inspect, load_system};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const PDB: &[u8] = include_bytes!("../../../web/demo/demo.pdb");
const XTC: &[u8] = include_bytes!("../../../web/demo/demo.xtc");

fn blob(bytes: &[u8]) -> web_sys::Blob {
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    web_sys::Blob::new_with_u8_array_sequence(&array).expect("blob")
}

/// The same trajectory, streamed from a Blob, gives the same numbers on WebGPU and on the CPU,
/// and the same frame count as an in-memory read.
#[wasm_bindgen_test]
async fn webgpu_and_cpu_agree_on_a_streamed_trajectory() {
    let gpu = Backend::pick(None).await;
    assert_eq!(gpu.kind, "WebGPU", "fallback: {:?}", gpu.fallback_reason);
    let cpu = Backend::cpu("test".into());
    let system = load_system("demo.pdb", PDB, "backbone").expect("topology");

    let streamed = molsig_wasm::blob_reader::BlobReader::new(blob(XTC)).expect("reader");
    let on_gpu = inspect(&system, Some(("demo.xtc", streamed)), &gpu.device)
        .await
        .expect("gpu");
    let in_memory = std::io::Cursor::new(XTC);
    let on_cpu = inspect(&system, Some(("demo.xtc", in_memory)), &cpu.device)
        .await
        .expect("cpu");

    assert!(on_gpu.frames > 10);
    assert_eq!(on_gpu.frames, on_cpu.frames);
    assert_eq!(on_gpu.radius_of_gyration.len(), on_gpu.frames);
    for (g, c) in on_gpu
        .radius_of_gyration
        .iter()
        .zip(&on_cpu.radius_of_gyration)
    {
        assert!((g - c).abs() < 1e-4 * c.max(1.0), "{g} vs {c}");
    }
}

/// Garbage bytes give a reader error naming the file, not a trap.
#[wasm_bindgen_test]
async fn garbage_trajectory_is_an_error() {
    let cpu = Backend::cpu("test".into());
    let system = load_system("demo.pdb", PDB, "ca").expect("topology");
    let reader =
        molsig_wasm::blob_reader::BlobReader::new(blob(b"not an xtc file, just some bytes"))
            .expect("reader");
    let err = inspect(&system, Some(("junk.xtc", reader)), &cpu.device)
        .await
        .expect_err("must fail");
    assert!(err.to_string().contains("junk.xtc"), "{err}");
}
