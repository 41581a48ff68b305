//! molsig-wasm inside a dedicated Web Worker of headless Chromium, as the site runs it:
//! WebGPU on Chromium's software adapter, files read through the File API.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;

use burn::prelude::*;
use molsig_pipeline::inspect::{inspect, load_system};
use molsig_wasm::backend::Backend;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

thread_local! {
    static GPU: RefCell<Option<Backend>> = const { RefCell::new(None) };
}

/// The WebGPU backend, picked once: burn initialises a wgpu runtime only once per worker, so a
/// second `Backend::pick` would fall back to the CPU.
async fn webgpu() -> Backend {
    if let Some(backend) = GPU.with_borrow(Clone::clone) {
        return backend;
    }
    let backend = Backend::pick(None).await;
    GPU.set(Some(backend.clone()));
    backend
}

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
    let gpu = webgpu().await;
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

// Reference case A of `crates/molsig-signature/tests/fixtures/signatures/A_L10_C2_D4.json`
// (iisignature 0.24 and float64 autograd; a wasm test cannot read files): 10 points in R², depth 4.
/// The path, `[10, 2]`.
#[allow(clippy::unreadable_literal)] // verbatim from the JSON
const CASE_A_PATH: [f64; 20] = [
    -0.7901524999630146,
    -2.0346254818318728,
    0.6033017469247647,
    0.7442945298799118,
    -0.30968679986627135,
    0.36732137294554024,
    1.7103942914776449,
    1.0607978400658138,
    0.7076390208060754,
    0.687749388505445,
    -0.8635674537523599,
    0.9640167316735617,
    -1.6484628156748702,
    -0.3320918127686623,
    -0.4372938409341125,
    -1.7285187058460105,
    -0.11033888700145329,
    1.6434550766344018,
    -0.3401273376251148,
    -1.2076033402593367,
];
/// `outputs.sig_iisignature`: levels 1..=4, 30 values.
#[allow(clippy::unreadable_literal)] // verbatim from the JSON
const CASE_A_SIGNATURE: [f64; 30] = [
    0.45002516233789996,
    0.8270221415725363,
    0.10126132336862612,
    3.1547140224773544,
    -2.782533248959136,
    0.3419828113256145,
    0.015190047829172128,
    0.6457877872713446,
    0.12812511555233244,
    -3.2011999695663453,
    -0.6901675463128845,
    9.011418286050827,
    -5.6563174463009,
    0.09427578566783446,
    0.0017089759350613788,
    0.37523056983167186,
    -0.8350709556923968,
    -0.8876626470926645,
    0.8639007186553976,
    6.751435575992956,
    -6.416730817787801,
    2.29871803254622,
    -0.3914978269084023,
    -4.442029482977093,
    6.187988367035967,
    -9.543617352071355,
    -1.158371363127214,
    13.269938576839188,
    -5.982612781564354,
    0.01949204054036091,
];
/// `W_sig_cotangent`.
#[allow(clippy::unreadable_literal)] // verbatim from the JSON
const CASE_A_COTANGENT: [f64; 30] = [
    0.2075219942463716,
    -1.194180433278865,
    -1.0153053273187356,
    -0.3041564242951174,
    1.5527939603372813,
    0.9785915174299753,
    -0.9041840485881797,
    -1.0311515934901538,
    0.19610963513567042,
    0.031440317347125615,
    0.6703448985081325,
    0.6022007868125128,
    -0.7322824056825542,
    -0.19492793672015257,
    0.5382545534876343,
    -1.0947106469676873,
    -0.023796579894754488,
    -0.8506242135128846,
    -1.6545929743900765,
    0.819394999986694,
    -0.620178616134555,
    -2.023402771058041,
    -0.12396208050973123,
    -0.19703289180744502,
    0.4860169239109362,
    -1.2010380530929183,
    1.0604122954723727,
    -0.06746249472669676,
    0.4213601435794371,
    -0.9173695324267106,
];
/// `outputs.grad_sig_own_autograd`: ∂⟨S, W⟩/∂path.
#[allow(clippy::unreadable_literal)] // verbatim from the JSON
const CASE_A_GRADIENT: [f64; 20] = [
    -1.6148906737759452,
    -8.166574017355119,
    10.376984073791455,
    -0.18032027052067967,
    2.127146354572922,
    -7.412314329933068,
    2.1936055330247086,
    -6.914351951181608,
    -0.43066605685288906,
    18.181535768484366,
    -4.07168253782431,
    15.024338537441661,
    -7.2254614214549,
    -0.3476149708926819,
    9.922788819400388,
    -4.050811979385637,
    2.1942729928387585,
    -0.5521881877411623,
    -13.472097083720186,
    -5.581698598916072,
];

/// Case A's log-signature (iisignature, Lyndon basis), its cotangent V and ∂⟨logsig, V⟩/∂X (pySigLib autograd, f64).
#[allow(clippy::unreadable_literal)] // verbatim from the JSON
const CASE_A_LOGSIG: [f64; 8] = [
    0.45002516233789996,
    0.8270221415725363,
    2.9686236357182447,
    -0.05010499835770116,
    -4.480058997994817,
    0.28316194572463255,
    -0.048789748820406834,
    3.8022593214850904,
];
#[allow(clippy::unreadable_literal)] // verbatim from the JSON
const CASE_A_LOGSIG_COTANGENT: [f64; 8] = [
    0.6609566849082463,
    0.3689096085975171,
    -0.5027975888722611,
    -0.3449365457282202,
    0.03128888442446898,
    -0.7731772354923965,
    0.606810213833536,
    -1.7157160762327024,
];
#[allow(clippy::unreadable_literal)] // verbatim from the JSON
const CASE_A_LOGSIG_GRADIENT: [f64; 20] = [
    -0.75486828104202,
    3.9489432131936844,
    -4.091113570426822,
    -0.33744697368365406,
    -1.3359686414355352,
    4.3912478762457745,
    -1.270587081431013,
    4.175377868231346,
    0.8064302736722988,
    -10.332516679048618,
    1.5876801821680724,
    -6.453919573972408,
    1.965770203273891,
    -0.462231090075818,
    -3.32847439385388,
    0.6536531223325595,
    -0.6084598310607774,
    0.20416691789167984,
    7.029591140135786,
    4.212725318885455,
];

fn f32_tensor<const D: usize>(values: &[f64], shape: [usize; D], device: &Device) -> Tensor<D> {
    let values: Vec<f32> = values.iter().map(|&v| v as f32).collect();
    Tensor::from_data(TensorData::new(values, shape), device)
}

async fn read<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    let data = tensor.into_data_async().await.expect("read back");
    data.try_to_vec::<f32>().expect("f32")
}

fn assert_close(what: &str, got: &[f32], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let scale = want.iter().fold(0.0_f64, |m, w| m.max(w.abs()));
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let err = (f64::from(g) - w).abs();
        assert!(
            err <= 1e-4 * w.abs().max(1e-2 * scale),
            "{what}[{i}]: got {g}, want {w}"
        );
    }
}

/// The differentiable signature on the browser's WebGPU device (molsig's kernels compiled to
/// WGSL): iisignature's values for case A, and its gradient through burn's autodiff.
#[wasm_bindgen_test]
async fn signature_on_webgpu_matches_reference() {
    let gpu = webgpu().await;
    assert_eq!(gpu.kind, "WebGPU", "fallback: {:?}", gpu.fallback_reason);
    let device = gpu.device.autodiff();
    let path = f32_tensor(&CASE_A_PATH, [1, 10, 2], &device).require_grad();
    let signature = molsig_signature::gpu::signature(path.clone(), 4).expect("signature");
    let loss = (signature.clone() * f32_tensor(&CASE_A_COTANGENT, [1, 30], &device)).sum();
    let grads = loss.backward();
    assert_close(
        "signature",
        &read(signature.detach()).await,
        &CASE_A_SIGNATURE,
    );
    let gradient = path.grad(&grads).expect("gradient");
    assert_close("gradient", &read(gradient).await, &CASE_A_GRADIENT);

    let path = f32_tensor(&CASE_A_PATH, [1, 10, 2], &device).require_grad();
    let logsig = molsig_signature::gpu::logsignature(path.clone(), 4).expect("log-signature");
    let loss = (logsig.clone() * f32_tensor(&CASE_A_LOGSIG_COTANGENT, [1, 8], &device)).sum();
    let grads = loss.backward();
    assert_close(
        "log-signature",
        &read(logsig.detach()).await,
        &CASE_A_LOGSIG,
    );
    let gradient = path.grad(&grads).expect("gradient");
    assert_close(
        "log-signature gradient",
        &read(gradient).await,
        &CASE_A_LOGSIG_GRADIENT,
    );
}
