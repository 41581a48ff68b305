//! `cargo xtask bench`: benchmarks against reference implementations measured in the same run;
//! results go to BENCHMARKS.md as numbers and ratios.
//!
//! BENCHMARKS.md is shared: each benchmark owns the text between `<!-- NAME:start -->` and
//! `<!-- NAME:end -->` and rewrites only that, so other benchmarks' sections (and anything written
//! by hand outside the markers) survive.
//!
//! XTC reading (section `xtc`), every step on one file written at bench time:
//! 1. `examples/write_bench_xtc.rs` writes `<target>/bench/bench.xtc` (25,546 atoms × 500 frames);
//! 2. criterion (`benches/xtc.rs`): native frames/s, full decode and two atom subsets;
//! 3. `examples/xtc_read_bench.rs`, the same program natively and as `wasm32-wasip1` under Node's
//!    WASI (`tools/bench/run-wasi.mjs`): native vs wasm on the same code;
//! 4. `MDAnalysis` (`tools/bench/mdanalysis_xtc.py`, in the venv `cargo xtask test` uses);
//! 5. the readers must agree on the file (atoms, frames, a coordinate checksum), then the table.
//!
//! Signatures (section `signature`, `bench/signature.rs`): molsig-signature against iisignature and
//! pySigLib on the same inputs, natively (criterion and `examples/signature_bench.rs`) and in wasm.
//!
//! Model training (section `model`, `bench/model.rs`): one epoch of Deep Signature's `reference`
//! preset at GPCR size, molsig (burn flex, CPU) against the same model in `PyTorch` with `pySigLib`.
//!
//! Browser (section `browser`, `bench/browser.rs`): the site's benchmark page in headless
//! Chromium, signature throughput and a training epoch on WebGPU and on the CPU (wasm).
//!
//! Accuracy (section `accuracy`, `bench/accuracy.rs`): molsig's models and simple baselines on
//! `OpenMM` datasets of graded difficulty, grouped cross-validation over several seeds. Only run
//! when named: its first run simulates the data.
//!
//! `cargo xtask bench xtc`, `cargo xtask bench signature`, `cargo xtask bench model`,
//! `cargo xtask bench browser` or `cargo xtask bench accuracy` runs one of them.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

mod accuracy;
mod browser;
mod model;
mod signature;

use crate::cmd::{command, output, root, run, target_dir};
use crate::setup::lock_version;

/// Passes over the file per reader in the same-program comparisons; each reports the median.
const ROUNDS: &str = "5";
const WASI_TARGET: &str = "wasm32-wasip1";

/// Runs every benchmark, or only the one named (`xtc`, `signature`, `model`, `browser`,
/// `accuracy`). The accuracy benchmark simulates its data on a first run (hours on a small
/// machine), so it runs only when named.
pub fn run_named(only: Option<&str>) -> Result<()> {
    let start = Instant::now();
    match only {
        None => {
            xtc()?;
            signature::measure()?;
            model::measure()?;
            browser::measure()?;
        }
        Some("xtc") => xtc()?,
        Some("signature") => signature::measure()?,
        Some("model") => model::measure()?,
        Some("browser") => browser::measure()?,
        Some("accuracy") => accuracy::measure()?,
        Some(other) => {
            bail!("unknown benchmark {other:?}: xtc, signature, model, browser or accuracy")
        }
    }
    eprintln!(
        "xtask bench: done in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Runs `c` and returns its stdout (its stderr goes to ours), failing when it fails.
fn stdout_of(c: &mut Command) -> Result<String> {
    let shown = format!("{c:?}");
    eprintln!("xtask> {shown}");
    let out = c
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("could not start {shown}"))?;
    if !out.status.success() {
        bail!("command failed ({}): {shown}", out.status);
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The value of `key` in a flat JSON object (numbers and strings without escapes), as text.
fn field(json: &str, key: &str) -> Result<String> {
    let quoted = format!("\"{key}\"");
    // The key is the quoted name followed by a colon (the same text may also be a value).
    let rest = json
        .match_indices(&quoted)
        .find_map(|(at, _)| json[at + quoted.len()..].trim_start().strip_prefix(':'))
        .with_context(|| format!("no {key:?} in {json}"))?
        .trim_start();
    let value = if let Some(s) = rest.strip_prefix('"') {
        s.split('"').next().unwrap_or_default()
    } else {
        rest.split([',', '}']).next().unwrap_or_default().trim()
    };
    Ok(value.to_owned())
}

fn number(json: &str, key: &str) -> Result<f64> {
    let text = field(json, key)?;
    text.parse()
        .with_context(|| format!("{key} is {text:?}, not a number"))
}

/// The last line of `stdout` that looks like a JSON object.
fn json_line(stdout: &str, what: &str) -> Result<String> {
    stdout
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('{'))
        .map(str::to_owned)
        .with_context(|| format!("{what} printed no JSON line: {stdout:?}"))
}

/// The median time per iteration of a criterion case, in ns.
fn criterion_median_ns(group: &str, case: &str) -> Result<f64> {
    let path = target_dir()
        .join("criterion")
        .join(group)
        .join(case)
        .join("new/estimates.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let median = text
        .find("\"median\"")
        .with_context(|| format!("no median in {}", path.display()))?;
    number(&text[median..], "point_estimate")
}

/// Frames/s of a criterion case: one frame per iteration, so 1e9 / median ns.
fn criterion_fps(case: &str) -> Result<f64> {
    Ok(1e9 / criterion_median_ns("xtc_read", case)?)
}

/// What one run of `xtc_read_bench` or the `MDAnalysis` script reported.
struct Reading {
    json: String,
    full: f64,
    open_s: f64,
    checksum: f64,
}

impl Reading {
    fn parse(stdout: &str, what: &str) -> Result<Self> {
        let json = json_line(stdout, what)?;
        Ok(Self {
            full: number(&json, "full_fps")?,
            open_s: number(&json, "open_s")?,
            checksum: number(&json, "checksum")?,
            json,
        })
    }

    fn get(&self, key: &str) -> Result<f64> {
        number(&self.json, key)
    }
}

/// Writes the synthetic solvated-protein trajectory (`examples/write_bench_xtc.rs`) to `path`;
/// `options` go to the generator (`--frames N`, `--gro PATH`).
pub fn write_trajectory(path: &Path, options: &[&std::ffi::OsStr]) -> Result<()> {
    run(command("cargo")
        .args([
            "run",
            "--release",
            "-q",
            "-p",
            "molsig-io",
            "--example",
            "write_bench_xtc",
            "--",
        ])
        .arg(path)
        .args(options))
}

fn xtc() -> Result<()> {
    let start = Instant::now();
    let dir = target_dir().join("bench");
    std::fs::create_dir_all(&dir)?;
    let xtc = dir.join("bench.xtc");

    eprintln!("\n=== XTC: writing the benchmark trajectory");
    write_trajectory(&xtc, &[])?;
    let bytes = std::fs::metadata(&xtc)?.len();
    let mut numbers = measure_xtc(&xtc)?;
    numbers.bytes = bytes;
    check_agreement(&numbers)?;
    numbers.seconds = start.elapsed().as_secs_f64();
    let section = xtc_section(&numbers)?;
    eprintln!("\n{section}");
    write_section("xtc", &section)
}

/// Every reader's numbers on the file `xtc`.
fn measure_xtc(xtc: &Path) -> Result<XtcNumbers> {
    eprintln!("\n=== XTC: criterion, native");
    run(command("cargo")
        .args(["bench", "-p", "molsig-io", "--bench", "xtc"])
        .env("MOLSIG_BENCH_XTC", xtc))?;
    let crit_full = criterion_fps("full")?;
    let crit_protein = criterion_fps("protein_10pct")?;
    let crit_ca = criterion_fps("ca_strided")?;

    eprintln!("\n=== XTC: xtc_read_bench, native and {WASI_TARGET} under Node's WASI");
    let native = Reading::parse(
        &stdout_of(
            command("cargo")
                .args([
                    "run",
                    "--release",
                    "-q",
                    "-p",
                    "molsig-io",
                    "--example",
                    "xtc_read_bench",
                    "--",
                ])
                .arg(xtc)
                .arg(ROUNDS),
        )?,
        "native xtc_read_bench",
    )?;
    crate::setup::rust_target(WASI_TARGET)?;
    run(command("cargo").args([
        "build",
        "--release",
        "--target",
        WASI_TARGET,
        "-p",
        "molsig-io",
        "--example",
        "xtc_read_bench",
    ]))?;
    let wasm_file = target_dir()
        .join(WASI_TARGET)
        .join("release/examples/xtc_read_bench.wasm");
    let wasm = Reading::parse(
        &stdout_of(
            command("node")
                .args(["--no-warnings", "tools/bench/run-wasi.mjs"])
                .arg(&wasm_file)
                .arg(xtc)
                .arg(ROUNDS),
        )?,
        "wasm xtc_read_bench",
    )?;

    eprintln!("\n=== XTC: MDAnalysis");
    let python = crate::setup::python_venv(&crate::setup::MDANALYSIS)?;
    let mda = Reading::parse(
        &stdout_of(
            command(&python.to_string_lossy())
                .arg("tools/bench/mdanalysis_xtc.py")
                .arg(xtc)
                .arg(ROUNDS),
        )?,
        "MDAnalysis script",
    )?;

    Ok(XtcNumbers {
        bytes: 0,
        crit: [crit_full, crit_protein, crit_ca],
        native,
        wasm,
        mda,
        seconds: 0.0,
    })
}

/// Numbers are only comparable when every reader read the same coordinates.
fn check_agreement(n: &XtcNumbers) -> Result<()> {
    let native = &n.native;
    for (name, r) in [("wasm", &n.wasm), ("MDAnalysis", &n.mda)] {
        for key in ["natoms", "nframes"] {
            let (theirs, ours) = (field(&r.json, key)?, field(&native.json, key)?);
            if theirs != ours {
                bail!("{name} read {key} = {theirs} but molsig-io native read {ours}");
            }
        }
        if (r.checksum - native.checksum).abs() > 1e-6 * native.checksum.abs().max(1.0) {
            bail!(
                "{name} coordinate checksum {} differs from molsig-io native {}",
                r.checksum,
                native.checksum
            );
        }
    }
    Ok(())
}

struct XtcNumbers {
    bytes: u64,
    /// Criterion frames/s: full, protein, CA-like.
    crit: [f64; 3],
    native: Reading,
    wasm: Reading,
    mda: Reading,
    seconds: f64,
}

/// `1234567.8` as `1,234,568`.
fn grouped(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 { format!("-{out}") } else { out }
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let nproc = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    format!("{cpu}, {nproc} logical CPUs available (load average {load} at the end of the run)")
}

/// /proc/loadavg's first three fields (other work on the machine), or nothing off Linux.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn version(program: &str, args: &[&str]) -> String {
    output(command(program).args(args)).map_or_else(|| "unknown".into(), |v| v.trim().to_owned())
}

/// The three decodes every molsig-io reader runs: what the table calls them, and their JSON key.
const CASES: [(&str, &str); 3] = [
    ("all atoms", "full_fps"),
    ("protein (first 10 %)", "protein_fps"),
    ("CA-like (every 10th protein atom)", "ca_fps"),
];

/// What a ratio should be.
#[derive(Clone, Copy)]
enum Target {
    /// Faster: above 1.
    Faster,
    /// At least half as fast (within 2×).
    WithinTwice,
    /// Shown for information.
    None,
}

impl Target {
    fn describe(self, value: f64) -> [&'static str; 2] {
        let verdict = |ok: bool| if ok { "met" } else { "**not met**" };
        match self {
            Self::Faster => ["> 1", verdict(value > 1.0)],
            Self::WithinTwice => ["≥ 0.5 (within 2×)", verdict(value >= 0.5)],
            Self::None => ["", ""],
        }
    }
}

fn xtc_section(n: &XtcNumbers) -> Result<String> {
    let mut s = String::new();
    s.push_str("## XTC reading\n\n");
    write!(
        s,
        "Measured {} by `cargo xtask bench` in {:.0} s; every run rewrites this section (edit \
         `xtask/src/bench.rs`, not the text between the markers).\n\n",
        version("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        n.seconds
    )?;
    s.push_str(&xtc_file(n)?);
    s.push_str(&xtc_tables(n)?);
    s.push_str(&xtc_notes(n)?);
    Ok(s)
}

fn xtc_file(n: &XtcNumbers) -> Result<String> {
    Ok(format!(
        "**File.** Written at bench time by `crates/molsig-io/examples/write_bench_xtc.rs` (fixed seed): \
         {} atoms × {} frames, {:.1} MB, precision 1000, a solvated-protein-like layout: a compact {}-atom \
         chain (the \"protein\", 10 % of the atoms, first in the file), then water as O, H, H triplets with \
         rigid TIP3P geometry at liquid density, every molecule moving a little each frame. All readers read \
         this one file in this run and agree on it: the same atom and frame counts, and the sum over the frames \
         of the first atom's x and the last atom's z is {:.4} nm (molsig-io native), {:.4} nm (wasm) and {:.4} nm \
         (MDAnalysis).\n\n",
        grouped(n.native.get("natoms")?),
        grouped(n.native.get("nframes")?),
        n.bytes as f64 / 1e6,
        grouped(n.native.get("protein_atoms")?),
        n.native.checksum,
        n.wasm.checksum,
        n.mda.checksum,
    ))
}

fn xtc_tables(n: &XtcNumbers) -> Result<String> {
    let (nat, was, mda) = (&n.native, &n.wasm, &n.mda);
    let counts = [
        nat.get("natoms")?,
        nat.get("protein_atoms")?,
        nat.get("ca_atoms")?,
    ];
    let ms = |s: f64| format!("{:.1} ms", s * 1e3);
    let fps = |r: &Reading| -> Result<[f64; 3]> {
        Ok([r.get(CASES[0].1)?, r.get(CASES[1].1)?, r.get(CASES[2].1)?])
    };
    let (c, nf, wf) = (n.crit, fps(nat)?, fps(was)?);

    let mut s = String::new();
    s.push_str("| reader | atoms decoded per frame | frames/s | open (frame index) |\n");
    s.push_str("|---|---|---:|---:|\n");
    let readers = [
        ("molsig-io native, criterion", c, String::new()),
        ("molsig-io native, `xtc_read_bench`", nf, ms(nat.open_s)),
        (
            "molsig-io wasm (Node WASI), `xtc_read_bench`",
            wf,
            ms(was.open_s),
        ),
    ];
    for (reader, values, open) in &readers {
        for (k, (case, _)) in CASES.iter().enumerate() {
            let open = if k == 0 { open.as_str() } else { "" };
            writeln!(
                s,
                "| {reader} | {case}: {} | {} | {open} |",
                grouped(counts[k]),
                grouped(values[k])
            )?;
        }
    }
    write!(
        s,
        "| MDAnalysis `XTCReader` | all atoms: {} (it has no subset decode) | {} | {} (offsets rebuilt) |\n\n",
        grouped(counts[0]),
        grouped(mda.full),
        ms(mda.open_s)
    )?;

    let ratios = [
        (
            "molsig-io native / MDAnalysis, all atoms (criterion)",
            c[0] / mda.full,
            Target::Faster,
        ),
        (
            "molsig-io native / MDAnalysis, all atoms (`xtc_read_bench`)",
            nf[0] / mda.full,
            Target::Faster,
        ),
        (
            "wasm / native, all atoms (same program)",
            wf[0] / nf[0],
            Target::WithinTwice,
        ),
        (
            "wasm / native, protein subset (same program)",
            wf[1] / nf[1],
            Target::WithinTwice,
        ),
        (
            "wasm / native, CA-like subset (same program)",
            wf[2] / nf[2],
            Target::WithinTwice,
        ),
        (
            "protein subset / all atoms, native (criterion)",
            c[1] / c[0],
            Target::Faster,
        ),
        (
            "CA-like subset / all atoms, native (criterion)",
            c[2] / c[0],
            Target::Faster,
        ),
        (
            "protein subset / all atoms, wasm",
            wf[1] / wf[0],
            Target::Faster,
        ),
        (
            "molsig-io wasm / MDAnalysis, all atoms",
            wf[0] / mda.full,
            Target::None,
        ),
    ];
    s.push_str("| ratio | value | target | |\n|---|---:|---|---|\n");
    for (what, value, target) in ratios {
        let [goal, verdict] = target.describe(value);
        writeln!(s, "| {what} | {value:.2}× | {goal} | {verdict} |")?;
    }
    s.push('\n');
    Ok(s)
}

fn xtc_notes(n: &XtcNumbers) -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap_or_default();
    let criterion = lock_version(&lock, "criterion").unwrap_or_else(|| "?".into());
    Ok(format!(
        "**How.**\n\
         - criterion (`crates/molsig-io/benches/xtc.rs`): one frame per iteration, cycling through the frames in \
         file order, 10 samples over 4 s after 1 s of warm-up; the median. `cargo bench -p molsig-io --bench xtc` \
         runs it alone (on `MOLSIG_BENCH_XTC`, or on a file it writes to the temporary directory).\n\
         - `xtc_read_bench` (`crates/molsig-io/examples/xtc_read_bench.rs`): opens the file (the open column: \
         molsig-io reads every frame header and builds its index), reads 50 frames to warm up, then {ROUNDS} rounds \
         of three passes over every frame (all atoms, protein, CA-like); the median per case. The very same source \
         is built for x86-64 and for `{WASI_TARGET}` (release profile; default wasm features, no SIMD, as for the \
         web build) and the wasm runs under Node's WASI (`tools/bench/run-wasi.mjs`), reading the file through \
         WASI. Node and Chromium share V8, so the wasm numbers stand for the browser's; the web app reads files \
         through the File API instead, which is not measured here.\n\
         - MDAnalysis (`tools/bench/mdanalysis_xtc.py`): `MDAnalysis.coordinates.XTC.XTCReader(path, \
         refresh_offsets=True)` without a topology (decoding only, no Universe bookkeeping); `for ts in reader: \
         ts.positions`, {ROUNDS} passes, the median. Its open column is opening including the rebuild of its \
         frame-offset index, timed apart from the reading.\n\
         - Every reader reads the same freshly written file from the page cache: decoding is measured, not the \
         disk. Absolute numbers vary between machines and with load; the ratios, measured back to back in one \
         run, are what to compare.\n\n\
         **Machine.** {}.\n\n\
         **Versions.** molsig-io {} ({}, criterion {criterion}); Node {} (V8 {}); MDAnalysis {} (numpy {}, \
         Python {}).\n",
        machine(),
        env!("CARGO_PKG_VERSION"),
        version("rustc", &["--version"]),
        version("node", &["--version"]),
        version("node", &["-p", "process.versions.v8"]),
        field(&n.mda.json, "mdanalysis")?,
        field(&n.mda.json, "numpy")?,
        field(&n.mda.json, "python")?,
    ))
}

const HEADER: &str = "# Benchmarks\n\n\
Written by `cargo xtask bench` (`xtask/src/bench.rs`). Every comparison is a ratio of numbers measured in the same run \
on the same machine. Each benchmark owns the text between its `<!-- NAME:start -->` and `<!-- NAME:end -->` markers and \
rewrites only that; everything outside the markers is kept.\n";

/// Replaces the `name` section of BENCHMARKS.md with `body` (appending it when absent).
pub(crate) fn write_section(name: &str, body: &str) -> Result<()> {
    let path = root().join("BENCHMARKS.md");
    let doc = match std::fs::read_to_string(&path) {
        Ok(doc) => doc,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => HEADER.to_owned(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let doc = replace_section(&doc, name, body);
    std::fs::write(&path, doc).with_context(|| format!("writing {}", path.display()))?;
    eprintln!(
        "xtask bench: wrote the {name:?} section of {}",
        display(&path)
    );
    Ok(())
}

fn display(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

fn replace_section(doc: &str, name: &str, body: &str) -> String {
    let (start, end) = (
        format!("<!-- {name}:start -->"),
        format!("<!-- {name}:end -->"),
    );
    let section = format!("{start}\n{}\n{end}", body.trim_end());
    if let Some(a) = doc.find(&start)
        && let Some(b) = doc[a..].find(&end)
    {
        return format!("{}{section}{}", &doc[..a], &doc[a + b + end.len()..]);
    }
    format!("{}\n\n{section}\n", doc.trim_end())
}

#[cfg(test)]
mod tests {
    use super::{field, grouped, replace_section};

    #[test]
    fn sections_are_replaced_in_place_or_appended() {
        let doc = "# B\n\n<!-- a:start -->\nold a\n<!-- a:end -->\n\n<!-- xtc:start -->\nold\n<!-- xtc:end -->\ntail\n";
        let new = replace_section(doc, "xtc", "new\n");
        assert_eq!(
            new,
            "# B\n\n<!-- a:start -->\nold a\n<!-- a:end -->\n\n<!-- xtc:start -->\nnew\n<!-- xtc:end -->\ntail\n"
        );
        assert_eq!(
            replace_section("# B\n", "m", "x"),
            "# B\n\n<!-- m:start -->\nx\n<!-- m:end -->\n"
        );
    }

    #[test]
    fn flat_json_fields() {
        let json = r#"{"runtime": "native","full_fps":3519.5, "n":7, "native": "x"}"#;
        assert_eq!(field(json, "runtime").ok().as_deref(), Some("native"));
        assert_eq!(field(json, "native").ok().as_deref(), Some("x"));
        assert_eq!(field(json, "full_fps").ok().as_deref(), Some("3519.5"));
        assert_eq!(field(json, "n").ok().as_deref(), Some("7"));
        assert!(field(json, "missing").is_err());
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(grouped(1_234_567.8), "1,234,568");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(1000.0), "1,000");
    }
}
