//! Installs what the build and tests need, each step only when missing, pinned to versions
//! known to work together (see the design notes' toolchain facts). When a step cannot run
//! (not root, no apt), it stops and prints the exact command to run instead.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::cmd::{command, has, output, root, run};

/// Mesa's lavapipe Vulkan driver: the GPU of machines without one.
const LAVAPIPE_ICD: &str = "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json";

/// Every setup step.
pub fn all() -> Result<()> {
    system_packages()?;
    wasm_target()?;
    wasm_bindgen_cli()?;
    npm_packages()
}

fn system_packages() -> Result<()> {
    let mut missing = Vec::new();
    if !has("chromium") {
        missing.push("chromium");
    }
    if !has("chromedriver") {
        missing.push("chromium-driver");
    }
    if !Path::new(LAVAPIPE_ICD).exists() {
        missing.extend(["mesa-vulkan-drivers", "libvulkan1"]);
    }
    if missing.is_empty() {
        return Ok(());
    }
    let install = format!(
        "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {}",
        missing.join(" ")
    );
    let is_root = output(command("id").arg("-u")).is_some_and(|u| u.trim() == "0");
    if !is_root || !has("apt-get") {
        bail!("missing system packages {missing:?}; install them with:\n  sudo sh -c '{install}'");
    }
    run(command("sh").args(["-c", &install]))
}

fn wasm_target() -> Result<()> {
    rust_target("wasm32-unknown-unknown")
}

/// Adds a rustup target when it is not installed yet.
pub fn rust_target(target: &str) -> Result<()> {
    let installed =
        output(command("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == target) {
        return Ok(());
    }
    run(command("rustup").args(["target", "add", target]))
}

/// The CLI must match the `wasm-bindgen` crate in Cargo.lock exactly.
fn wasm_bindgen_cli() -> Result<()> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let version =
        lock_version(&lock, "wasm-bindgen").context("wasm-bindgen is not in Cargo.lock")?;
    let have = output(command("wasm-bindgen").arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(version.as_str()) {
        return Ok(());
    }
    // Not --locked: its lockfile names a webpki-roots release the registry index lacks.
    run(command("cargo").args(["install", "wasm-bindgen-cli", "--version", &version]))
}

fn npm_packages() -> Result<()> {
    let web = root().join("web");
    let stamp = web.join("node_modules/.package-lock.json");
    let fresh = match (
        std::fs::metadata(&stamp),
        std::fs::metadata(web.join("package-lock.json")),
    ) {
        (Ok(s), Ok(l)) => s.modified().ok() >= l.modified().ok(),
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    if !has("npm") {
        bail!("npm is missing; install Node.js 20+ (Debian: apt-get install nodejs npm)");
    }
    run(command("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&web))
}

/// The version of `package` recorded in a Cargo.lock.
pub fn lock_version(lock: &str, package: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{package}\"") {
            let v = lines
                .next()?
                .trim()
                .strip_prefix("version = \"")?
                .strip_suffix('"')?;
            return Some(v.to_owned());
        }
    }
    None
}

/// cargo-fuzz, only for the smoke-fuzz step.
pub fn cargo_fuzz() -> Result<()> {
    if output(command("cargo").args(["fuzz", "--version"])).is_some() {
        return Ok(());
    }
    run(command("cargo").args(["install", "--locked", "cargo-fuzz"]))
}

/// `MDAnalysis` for the cross-check and the benchmark, pinned; both share this venv.
pub const MDANALYSIS: [&str; 2] = ["MDAnalysis==2.11.0", "MDAnalysisTests==2.11.0"];

/// A throwaway Python venv of its own under the target dir whose `packages` build from source
/// against `build` (iisignature ships no wheels and its `setup.py` imports numpy): `build` is
/// installed first, then `packages` with `--no-build-isolation`; each only when that pinned
/// version is missing.
pub struct Venv {
    /// The venv's directory name under the target dir.
    pub name: &'static str,
    pub build: &'static [&'static str],
    pub packages: &'static [&'static str],
}

/// The `NumPy` reference of the model (`tools/reference/deep_signature_numpy.py`, run by `cargo
/// xtask test`): numpy and iisignature at the signature benchmark's pins. The same pins are in
/// `tools/reference/requirements.txt` (a unit test below keeps them equal).
pub const REFERENCE: Venv = Venv {
    name: "venv-reference",
    build: &SIGNATURE_BENCH_BUILD,
    packages: &[IISIGNATURE],
};

/// Creates `spec`'s venv and installs what is missing; returns its interpreter.
pub fn pinned_venv(spec: &Venv) -> Result<PathBuf> {
    let python = venv(spec.name)?;
    for package in spec.build {
        pip_pinned(&python, package, &[])?;
    }
    for package in spec.packages {
        pip_pinned(&python, package, &["--no-build-isolation"])?;
    }
    Ok(python)
}

/// The project's throwaway Python venv under the target dir, with `packages` installed; returns
/// its interpreter.
pub fn python_venv(packages: &[&str]) -> Result<PathBuf> {
    let python = venv("venv-mdanalysis")?;
    pip_install(&python, packages)?;
    Ok(python)
}

/// Creates the venv `name` under the target dir when missing; returns its interpreter.
fn venv(name: &str) -> Result<PathBuf> {
    let venv = crate::cmd::target_dir().join(name);
    let python = venv.join("bin/python");
    if !python.exists() {
        run(command("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    Ok(python)
}

fn pip_install(python: &Path, args: &[&str]) -> Result<()> {
    run(command(&python.to_string_lossy())
        .args(["-m", "pip", "install", "-q", "--disable-pip-version-check"])
        .args(args))
}

/// The version of the distribution `name` installed for `python`, if any.
fn installed(python: &Path, name: &str) -> Option<String> {
    let code = format!("import importlib.metadata as m; print(m.version({name:?}))");
    output(command(&python.to_string_lossy()).args(["-c", &code])).map(|v| v.trim().to_owned())
}

/// Installs `package` (`name==version`) unless that version is there already.
fn pip_pinned(python: &Path, package: &str, extra: &[&str]) -> Result<()> {
    let (name, version) = package
        .split_once("==")
        .with_context(|| format!("{package} is not pinned"))?;
    if installed(python, name).as_deref() == Some(version) {
        return Ok(());
    }
    let mut args = extra.to_vec();
    args.push(package);
    pip_install(python, &args)
}

/// What iisignature's source build needs in the venv first (it has no wheels; `setuptools`
/// ≥ 70.1 builds wheels without the `wheel` package).
pub const SIGNATURE_BENCH_BUILD: [&str; 2] = ["numpy==2.4.6", "setuptools==84.2.1"];
/// The references of the signature benchmark, the versions the reference data was made with.
pub const IISIGNATURE: &str = "iisignature==0.24";
pub const PYSIGLIB: &str = "pysiglib==4.0.0";
/// `pySigLib` imports `PyTorch`; pinned so the venv resolves the same way every time.
pub const TORCH: &str = "torch==2.15.0";
/// Free space below which `pySigLib` (`PyTorch` and its CUDA libraries, about 5 GB installed) is not
/// attempted.
const PYSIGLIB_MIN_FREE_GB: f64 = 8.0;

/// The venv of the signature benchmark (`cargo xtask bench` only, never `cargo xtask test`):
/// numpy, then iisignature built from source against it (`--no-build-isolation`), then `pySigLib`
/// with `PyTorch`. Returns the interpreter and, when `pySigLib` could not be installed, why: the
/// benchmark then reports pySigLib as missing instead of failing.
pub fn signature_bench_venv() -> Result<(PathBuf, Option<String>)> {
    let python = venv("venv-signature-bench")?;
    for package in SIGNATURE_BENCH_BUILD {
        pip_pinned(&python, package, &[])?;
    }
    pip_pinned(&python, IISIGNATURE, &["--no-build-isolation"])?;
    let pysiglib_version = PYSIGLIB.split_once("==").map_or("", |(_, v)| v);
    if installed(&python, "pysiglib").as_deref() == Some(pysiglib_version) {
        return Ok((python, None));
    }
    let target = crate::cmd::target_dir();
    let free_gb = output(command("df").args(["-Pk"]).arg(&target))
        .and_then(|df| {
            let kb: f64 = df.lines().nth(1)?.split_whitespace().nth(3)?.parse().ok()?;
            Some(kb / 1024.0 / 1024.0)
        })
        .unwrap_or(f64::INFINITY);
    if free_gb < PYSIGLIB_MIN_FREE_GB {
        let why = format!(
            "not installed: {PYSIGLIB} pulls in PyTorch (about 5 GB); {free_gb:.1} GB free under {}",
            target.display()
        );
        eprintln!("xtask: pySigLib {why}");
        return Ok((python, Some(why)));
    }
    if let Err(e) = pip_install(&python, &[PYSIGLIB, TORCH]) {
        let why = format!("`pip install {PYSIGLIB} {TORCH}` failed: {e:#}");
        eprintln!("xtask: pySigLib {why}");
        return Ok((python, Some(why)));
    }
    Ok((python, None))
}

#[cfg(test)]
mod tests {
    use super::{REFERENCE, lock_version};

    #[test]
    fn reference_requirements_match_the_venv() {
        let path = crate::cmd::root().join("tools/reference/requirements.txt");
        let text =
            std::fs::read_to_string(&path).expect("reading tools/reference/requirements.txt");
        let listed: Vec<&str> = text
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .filter(|l| !l.is_empty())
            .collect();
        let pinned: Vec<&str> = REFERENCE
            .build
            .iter()
            .chain(REFERENCE.packages)
            .copied()
            .collect();
        assert_eq!(
            listed,
            pinned,
            "{} and setup::REFERENCE disagree",
            path.display()
        );
    }

    #[test]
    fn reads_lockfile_versions() {
        let lock = "[[package]]\nname = \"wasm-bindgen-futures\"\nversion = \"0.4.80\"\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            lock_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(lock_version(lock, "trunk"), None);
    }
}
