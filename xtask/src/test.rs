//! `cargo xtask test`: every test, in the order a failure is cheapest to find. Each step runs
//! even when an earlier one failed, so one CI run reports everything; the exit code is non-zero
//! when any step failed.

use std::net::TcpListener;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::cmd::{command, root, run, target_dir};
use crate::{package, serve, setup};

/// A named test step.
type Step = (&'static str, fn() -> Result<()>);

/// Runs every test step.
pub fn all() -> Result<()> {
    setup::all()?;
    let steps: [Step; 10] = [
        ("format (cargo fmt --check)", format),
        ("native tests (CPU + wgpu on lavapipe)", native),
        ("lints (clippy -D warnings, native and wasm32)", lints),
        ("wasm tests in headless Chromium (worker, WebGPU)", wasm),
        (
            "npm package + site build (sizes, typecheck, API docs, Node tests)",
            site,
        ),
        ("browser end-to-end (Playwright, WebGPU on and off)", e2e),
        (
            "npm package in fresh apps (import map, Vite, webpack, Next.js)",
            apps,
        ),
        ("molsig-io against MDAnalysis", mdanalysis),
        ("model against NumPy (reference preset)", reference_numpy),
        (
            "smoke fuzz (readers, model file, manifest, worker requests)",
            fuzz,
        ),
    ];
    // `MOLSIG_TEST_STEPS=end-to-end,fuzz` runs only the steps whose names contain one of the words
    // (when working on one); CI runs them all.
    let only = std::env::var("MOLSIG_TEST_STEPS").ok();
    let wanted = |name: &str| {
        only.as_deref()
            .is_none_or(|words| words.split(',').any(|w| name.contains(w.trim())))
    };
    let steps: Vec<Step> = steps.into_iter().filter(|(name, _)| wanted(name)).collect();
    let mut failed = Vec::new();
    for &(name, step) in &steps {
        let start = Instant::now();
        eprintln!("\n=== {name}");
        let result = step();
        let secs = start.elapsed().as_secs_f32();
        match result {
            Ok(()) => eprintln!("=== ok: {name} ({secs:.0} s)"),
            Err(e) => {
                eprintln!("=== FAILED: {name} ({secs:.0} s): {e:#}");
                failed.push(name);
            }
        }
    }
    println!(
        "\nxtask steps: {} passed, {} failed",
        steps.len() - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        bail!("failed steps: {failed:?}");
    }
    Ok(())
}

/// The packages and features of every native cargo command here. `gpu` adds molsig-signature's
/// burn operation and its tests on lavapipe (tests/gpu.rs). Later steps select their targets
/// with these same flags, so cargo reuses the native step's build of burn instead of compiling a
/// second copy with other features (which once filled a CI machine's disk).
const NATIVE: [&str; 3] = ["--workspace", "--features", "molsig-signature/gpu"];

fn native() -> Result<()> {
    run(command("cargo").arg("test").args(NATIVE))
}

fn format() -> Result<()> {
    run(command("cargo").args(["fmt", "--all", "--check"]))
}

/// Clippy on every target of the workspace natively, and for wasm32 on every library that
/// compiles to it (all but the CLI and xtask, native by nature) and on the tests that run there
/// (molsig-wasm's; the others are native tests).
fn lints() -> Result<()> {
    let deny = ["--", "-D", "warnings"];
    run(command("cargo")
        .arg("clippy")
        .args(NATIVE)
        .arg("--all-targets")
        .args(deny))?;
    let wasm = ["clippy", "--release", "--target", "wasm32-unknown-unknown"];
    run(command("cargo")
        .args(wasm)
        .args([
            "--workspace",
            "--exclude",
            "molsig-cli",
            "--exclude",
            "xtask",
            "--lib",
        ])
        .args(deny))?;
    run(command("cargo")
        .args(wasm)
        .args(["-p", "molsig-wasm", "--tests"])
        .args(deny))
}

fn wasm() -> Result<()> {
    // Only molsig-wasm's tests run in the browser; they drive molsig-io through the File API.
    run(command("cargo")
        .args([
            "test",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "molsig-wasm",
        ])
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "600"))
}

/// The package and the site on it; the wasm sizes against their budgets (recorded in
/// BENCHMARKS.md), the site's typecheck against the package's declarations, the API reference
/// (typedoc, warnings are errors), and the package's Node tests (`molsig/signature` against the
/// reference vectors, `molsig/node` on the demo).
fn site() -> Result<()> {
    serve::build_web()?;
    let sizes = package::sizes()?;
    crate::bench::write_section("package", &package::size_table(&sizes))?;
    package::check_budgets(&sizes)?;
    run(command("npm")
        .args(["run", "-s", "check"])
        .current_dir(root().join("web")))?;
    run(command("typedoc").current_dir(package::dir()))?;
    run(command("node")
        .args(["--test", "--test-concurrency=1"])
        .arg("tests/")
        .current_dir(package::dir()))
}

fn e2e() -> Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let dist = root().join("dist");
    std::thread::spawn(move || serve::serve(&listener, &dist));
    let artifacts = target_dir().join("e2e-artifacts");
    // A ~1 GB trajectory proves streaming from the File API; written here, deleted after.
    let large = target_dir().join("e2e-large");
    std::fs::create_dir_all(&large)?;
    let gro = large.join("large.gro");
    crate::bench::write_trajectory(
        &large.join("large.xtc"),
        &[
            "--frames".as_ref(),
            "9000".as_ref(),
            "--gro".as_ref(),
            gro.as_os_str(),
        ],
    )?;
    // The first-load measurement (web/tests/load.mjs) writes its section; none from an old run.
    let page_load = artifacts.join("page-load.md");
    let _ = std::fs::remove_file(&page_load);
    let result = run(command("node")
        .arg("web/tests/e2e.mjs")
        .arg(format!("http://127.0.0.1:{port}/"))
        .env("MOLSIG_E2E_ARTIFACTS", &artifacts)
        .env("MOLSIG_E2E_LARGE", &large));
    std::fs::remove_dir_all(&large)?;
    if let Ok(section) = std::fs::read_to_string(&page_load) {
        crate::bench::write_section("page-load", &section)?;
    }
    result
}

/// The packed package in fresh apps made outside the source tree (web/tests/package.mjs): each
/// installs the tarball, builds, and is driven in Chromium under a strict policy, offline after
/// load; its probabilities must equal the CLI's on the model it saved, its signatures the
/// reference vectors.
fn apps() -> Result<()> {
    let tarball = package::tarball()?;
    if !tarball.exists() {
        package::build()?;
    }
    // The CLI that checks the apps' models, as the native step built it for its own tests: a
    // plain `cargo build --bin` would leave out the dev-dependencies' features and rebuild burn.
    run(command("cargo").arg("test").args(NATIVE).arg("--no-run"))?;
    run(command("node")
        .arg("web/tests/package.mjs")
        .arg(&tarball)
        .env("MOLSIG_CLI", target_dir().join("debug/molsig")))
}

fn mdanalysis() -> Result<()> {
    let python = setup::python_venv(&setup::MDANALYSIS)?;
    let reference = target_dir().join("mdanalysis-reference");
    run(command(&python.to_string_lossy())
        .arg("tests/mdanalysis/dump_reference.py")
        .arg(&reference))?;
    run(command("cargo")
        .arg("test")
        .args(NATIVE)
        .args(["--test", "mdanalysis", "--", "--ignored", "--nocapture"])
        .env("MOLSIG_MDA_REFERENCE", &reference))
}

/// The `reference` preset's forward pass (outputs, log-signatures, losses) against an independent
/// `NumPy` implementation: the Rust example writes one case (config, inputs, parameters, its
/// outputs), `tools/reference/deep_signature_numpy.py` recomputes it in float64 and fails on a
/// difference above 1e-4 of the output's scale (see tools/reference/README.md).
fn reference_numpy() -> Result<()> {
    let python = setup::pinned_venv(&setup::REFERENCE)?;
    let case = target_dir().join("reference-case.json");
    // A stale case from an earlier run must not be checked in place of a new one.
    match std::fs::remove_file(&case) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
        _ => {}
    }
    // `cargo run -p molsig-model` would unify features over molsig-model alone and rebuild burn.
    run(command("cargo")
        .arg("build")
        .args(NATIVE)
        .args(["--example", "reference_case"]))?;
    let example = target_dir().join("debug/examples/reference_case");
    run(command(&example.to_string_lossy()).arg(&case))?;
    run(command(&python.to_string_lossy())
        .arg("tools/reference/deep_signature_numpy.py")
        .arg(&case))
}

fn fuzz() -> Result<()> {
    crate::setup::cargo_fuzz()?;
    // Model-file seeds are written by this molsig, so they always match its format; built
    // with the native step's flags so cargo reuses its build of burn (see `reference_numpy`).
    let model_seeds = target_dir().join("fuzz-seeds").join("model_file");
    run(command("cargo")
        .arg("build")
        .args(NATIVE)
        .args(["--example", "fuzz_seeds"]))?;
    let example = target_dir().join("debug/examples/fuzz_seeds");
    run(command(&example.to_string_lossy()).arg(&model_seeds))?;
    let demo = root().join("web/demo");
    let targets = [
        ("pdb", demo.clone()),
        ("gro", demo.clone()),
        ("xtc", demo),
        ("model_file", model_seeds),
        ("manifest", root().join("fuzz/seeds/manifest")),
        ("request", root().join("fuzz/seeds/request")),
    ];
    for (target, seeds) in targets {
        let corpus = target_dir().join("fuzz-corpus").join(target);
        std::fs::create_dir_all(&corpus)?;
        run(command("cargo")
            // No sanitizer: the code is safe Rust, so ASan finds little, and building burn
            // without it keeps this step fast from a cold cache.
            .args([
                "fuzz",
                "run",
                "--fuzz-dir",
                "fuzz",
                "--sanitizer",
                "none",
                target,
            ])
            // The first directory collects the corpus; the second seeds it.
            .arg(corpus)
            .arg(seeds)
            .args([
                "--",
                "-max_total_time=20",
                "-rss_limit_mb=2048",
                "-malloc_limit_mb=1024",
            ])
            // cargo-fuzz needs nightly flags; the stable compiler accepts them under bootstrap.
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_TARGET_DIR", target_dir().join("fuzz")))?;
    }
    Ok(())
}
