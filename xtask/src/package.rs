//! `cargo xtask package`: the npm package `molsig` (web/packages/molsig) from the Rust crates,
//! packed with `npm pack` into `target/npm/`. The site is built on it (`serve::build_web`).
//!
//! Steps: the two wasm modules (the engine, `molsig-wasm`; the signatures, `molsig-signature-wasm`,
//! without burn) → wasm-bindgen's web glue in `src/generated/` → binaryen's wasm-opt into `dist/`
//! → esbuild bundles each entry → tsc writes the declarations → sizes are measured against their
//! budgets → `npm pack`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::cmd::{command, output, root, run, target_dir};

/// The package folder.
pub fn dir() -> PathBuf {
    root().join("web/packages/molsig")
}

/// The entry modules bundled into `dist/` (each self-contained, ESM).
const ENTRIES: [&str; 8] = [
    "index",
    "inlined",
    "worker",
    "worker-inlined",
    "signature",
    "viewer",
    "learn",
    "node",
];

/// Size budgets of the shipped wasm, gzip bytes (issue 13: the engine at most 4 MB, the
/// signatures at most 200 KB).
pub const BUDGETS: [(&str, u64); 2] = [("molsig.wasm", 4_000_000), ("signature.wasm", 200_000)];

/// Builds the package into `dist/` and packs it; returns the tarball.
pub fn build() -> Result<PathBuf> {
    let package = dir();
    let generated = package.join("src/generated");
    let dist = package.join("dist");
    for d in [&generated, &dist] {
        if d.exists() {
            std::fs::remove_dir_all(d).with_context(|| format!("clearing {}", d.display()))?;
        }
        std::fs::create_dir_all(d)?;
    }
    // Two builds: in one, cargo would unify molsig-signature's features and put burn (`gpu`, which
    // the engine needs) into the signature module too.
    for crate_name in ["molsig-wasm", "molsig-signature-wasm"] {
        run(command("cargo").args([
            "build",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            crate_name,
        ]))?;
    }
    let wasm_dir = target_dir().join("wasm32-unknown-unknown/release");
    bindgen(&wasm_dir.join("molsig_wasm.wasm"), &generated, "engine")?;
    bindgen(
        &wasm_dir.join("molsig_signature_wasm.wasm"),
        &generated.join("signature"),
        "molsig_signature_wasm",
    )?;
    optimize(&generated.join("engine_bg.wasm"), &dist.join("molsig.wasm"))?;
    optimize(
        &generated.join("signature/molsig_signature_wasm_bg.wasm"),
        &dist.join("signature.wasm"),
    )?;
    // The inlined worker embeds the engine gzip'd (it decompresses with DecompressionStream).
    run(command("node")
        .arg("tools/package/compress.mjs")
        .arg("gzip")
        .arg(dist.join("molsig.wasm"))
        .arg(generated.join("molsig.wasm.gz")))?;
    bundle(&package, std::fs::metadata(dist.join("molsig.wasm"))?.len())?;
    declarations(&package)?;
    let tarball = tarball()?;
    let tarball_dir = tarball.parent().context("the tarball's folder")?;
    std::fs::create_dir_all(tarball_dir)?;
    run(command("npm")
        .args(["pack", "--silent", "--pack-destination"])
        .arg(tarball_dir)
        .current_dir(&package))?;
    Ok(tarball)
}

/// Where `npm pack` puts the package: `target/npm/molsig-<version>.tgz`.
pub fn tarball() -> Result<PathBuf> {
    let manifest = std::fs::read_to_string(dir().join("package.json"))?;
    let version = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("\"version\": \""))
        .and_then(|rest| rest.split('"').next())
        .context("no version in the package's package.json")?;
    Ok(target_dir()
        .join("npm")
        .join(format!("molsig-{version}.tgz")))
}

/// wasm-bindgen's `--target web` glue for `wasm` into `out` (files named `name`). The name section
/// is dropped: it is most of the module's size and only helps a debugger. The glue's own default
/// wasm path is left out: the entries pass theirs (`./molsig.wasm`, `./signature.wasm`), and a
/// bundler would otherwise look for a file the package does not ship.
fn bindgen(wasm: &Path, out: &Path, name: &str) -> Result<()> {
    run(command("wasm-bindgen")
        .args([
            "--target",
            "web",
            "--remove-name-section",
            "--remove-producers-section",
            "--omit-default-module-path",
            "--out-name",
            name,
            "--out-dir",
        ])
        .arg(out)
        .arg(wasm))
}

/// binaryen's wasm-opt (npm `binaryen`; Debian's 108 breaks the module) with the features rustc
/// emits for wasm32 here.
fn optimize(input: &Path, output: &Path) -> Result<()> {
    run(command("wasm-opt")
        .args([
            "-O1",
            "--strip-debug",
            "--strip-producers",
            "--enable-bulk-memory",
            "--enable-reference-types",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-simd",
        ])
        .arg(input)
        .arg("-o")
        .arg(output))
}

/// The package's version from its `package.json`, which must be the engine's (the workspace's):
/// the package exports it, and the page shows it and writes it into every export.
fn version(package: &Path) -> Result<String> {
    let manifest = std::fs::read_to_string(package.join("package.json"))?;
    let version = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("\"version\": \""))
        .and_then(|rest| rest.split('"').next())
        .context("package.json has no version")?;
    if version != env!("CARGO_PKG_VERSION") {
        bail!(
            "package.json says version {version} but the Rust workspace is {}: keep them equal",
            env!("CARGO_PKG_VERSION")
        );
    }
    Ok(version.to_owned())
}

/// esbuild: one self-contained ESM file per entry. `new URL('…', import.meta.url)` is left as
/// written, so an app's bundler finds the worker and the wasm beside the entry.
fn bundle(package: &Path, wasm_bytes: u64) -> Result<()> {
    let mut c = command("esbuild");
    c.args(ENTRIES.map(|e| format!("src/{e}.ts")))
        .args([
            "--bundle",
            "--format=esm",
            "--target=es2022",
            "--platform=neutral",
            "--external:node:*",
            "--loader:.gz=base64",
            "--log-level=warning",
            "--outdir=dist",
        ])
        .arg(format!("--define:MOLSIG_WASM_BYTES={wasm_bytes}"))
        .arg(format!("--define:MOLSIG_VERSION=\"{}\"", version(package)?))
        .current_dir(package);
    run(&mut c)
}

/// tsc's declarations for every entry, and the generated ones they refer to.
fn declarations(package: &Path) -> Result<()> {
    run(command("tsc").args(["-p", "."]).current_dir(package))?;
    let generated = package.join("dist/generated");
    std::fs::create_dir_all(generated.join("signature"))?;
    for file in ["engine.d.ts", "signature/molsig_signature_wasm.d.ts"] {
        let from = package.join("src/generated").join(file);
        std::fs::copy(&from, generated.join(file))
            .with_context(|| format!("copying {}", from.display()))?;
    }
    Ok(())
}

/// Raw, gzip and brotli bytes of each shipped file, as `(file, [raw, gzip, brotli])`.
pub fn sizes() -> Result<Vec<(String, [u64; 3])>> {
    let dist = dir().join("dist");
    let mut files: Vec<PathBuf> = ["molsig.wasm", "signature.wasm"]
        .iter()
        .map(|f| dist.join(f))
        .collect();
    files.extend(ENTRIES.map(|e| dist.join(format!("{e}.js"))));
    let lines = output(
        command("node")
            .arg("tools/package/compress.mjs")
            .arg("sizes")
            .args(&files),
    )
    .context("measuring the package's sizes")?;
    let mut out = Vec::new();
    for line in lines.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [name, raw, gzip, brotli] = fields[..] else {
            bail!("unexpected size line {line:?}");
        };
        out.push((
            name.to_owned(),
            [raw.parse()?, gzip.parse()?, brotli.parse()?],
        ));
    }
    Ok(out)
}

/// Fails when a shipped wasm is over its gzip budget.
pub fn check_budgets(sizes: &[(String, [u64; 3])]) -> Result<()> {
    for (file, budget) in BUDGETS {
        let gzip = sizes
            .iter()
            .find(|(f, _)| f == file)
            .map(|(_, s)| s[1])
            .context(format!("{file} was not measured"))?;
        if gzip > budget {
            bail!("{file} is {gzip} bytes gzip, over its budget of {budget}");
        }
    }
    Ok(())
}

/// The "package" section of BENCHMARKS.md: every shipped file's size and the budgets.
pub fn size_table(sizes: &[(String, [u64; 3])]) -> String {
    let mb = |b: u64| format!("{:.2} MB", b as f64 / 1e6);
    let kb = |b: u64| format!("{:.1} KB", b as f64 / 1e3);
    let human = |b: u64| if b >= 1_000_000 { mb(b) } else { kb(b) };
    let mut s = String::from(
        "## npm package size\n\n\
         Measured by `cargo xtask test` (package step) after wasm-opt, without the name section; \
         `cargo xtask test` fails when a wasm is over its gzip budget (`xtask/src/package.rs`).\n\n\
         | file | raw | gzip | brotli | gzip budget |\n|---|---|---|---|---|\n",
    );
    for (file, [raw, gzip, brotli]) in sizes {
        let budget = BUDGETS
            .iter()
            .find(|(f, _)| f == file)
            .map_or_else(|| "—".to_owned(), |(_, b)| human(*b));
        let _ = writeln!(
            s,
            "| `{file}` | {} | {} | {} | {budget} |",
            human(*raw),
            human(*gzip),
            human(*brotli)
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{check_budgets, size_table};

    fn sizes(engine_gzip: u64) -> Vec<(String, [u64; 3])> {
        vec![
            ("molsig.wasm".into(), [17_500_000, engine_gzip, 2_200_000]),
            ("signature.wasm".into(), [174_015, 67_362, 55_487]),
        ]
    }

    #[test]
    fn a_wasm_over_its_gzip_budget_fails_the_check() {
        assert!(check_budgets(&sizes(4_000_000)).is_ok());
        let err = check_budgets(&sizes(4_000_001))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("molsig.wasm is 4000001 bytes gzip, over its budget of 4000000")
        );
        assert!(
            check_budgets(&sizes(1)[1..]).is_err(),
            "an unmeasured wasm fails"
        );
    }

    #[test]
    fn the_table_shows_each_size_and_budget() {
        let table = size_table(&sizes(3_544_904));
        assert!(
            table.contains("| `molsig.wasm` | 17.50 MB | 3.54 MB | 2.20 MB | 4.00 MB |"),
            "{table}"
        );
        assert!(
            table.contains("| `signature.wasm` | 174.0 KB | 67.4 KB | 55.5 KB | 200.0 KB |"),
            "{table}"
        );
    }
}
