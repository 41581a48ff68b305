//! The signature benchmark (section `signature` of BENCHMARKS.md): molsig-signature against
//! iisignature and pySigLib on identical f64 inputs, in one run:
//! 1. `examples/signature_bench.rs` natively writes the inputs (fixed seed) into
//!    `<target>/bench/signature/`, times every case with one thread and with every CPU, and writes
//!    its outputs;
//! 2. the same program as `wasm32-wasip1` under Node's WASI reads those inputs and times one thread
//!    (with simd128, as the web build: `.cargo/config.toml` sets it for both wasm targets);
//! 3. criterion (`benches/signature.rs`): native times, one thread and every CPU;
//! 4. `tools/bench/signature_python.py` in its own venv (`setup::signature_bench_venv`) times
//!    iisignature and pySigLib (`n_jobs` 1 and every CPU) on the same files, and fails unless every
//!    library's outputs, molsig's native and wasm ones included, agree;
//! 5. the table, with each target marked met or not.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};

use super::{
    WASI_TARGET, criterion_median_ns, field, json_line, load_average, machine, number, stdout_of,
    version, write_section,
};
use crate::cmd::{command, root, run, target_dir};
use crate::setup::{IISIGNATURE, PYSIGLIB, lock_version};

/// Timed calls per case and per library after a warm-up call; each reports the median.
const ROUNDS: &str = "7";

/// The timed cases: JSON key, what the table calls it.
const CASES: [(&str, &str); 4] = [
    ("sig_forward", "signature, forward"),
    ("sig_backward", "signature, backward"),
    ("logsig_forward", "log-signature, forward"),
    ("logsig_backward", "log-signature, backward"),
];

/// The targets of the issue.
const FASTER_THAN_PYSIGLIB: f64 = 1.0;
const FASTER_THAN_IISIGNATURE: f64 = 3.0;
const WASM_OVER_NATIVE_AT_MOST: f64 = 2.0;

/// Everything one run measured.
struct Numbers {
    /// (batch, length, channels, depth), as `shapes.txt` lists them.
    shapes: Vec<[usize; 4]>,
    /// The "every CPU" thread count, for molsig and pySigLib alike.
    threads: usize,
    /// Criterion medians in seconds: `[shape][case][one thread, every CPU]`.
    criterion: Vec<[[f64; 2]; 4]>,
    /// `signature_bench`'s JSON: native and wasm.
    native: String,
    wasm: String,
    /// `signature_python.py`'s JSON.
    python: String,
    /// Why pySigLib is missing, when it is.
    pysiglib_missing: Option<String>,
    /// `gpu_bench`'s JSON, or why it did not run.
    gpu: std::result::Result<String, String>,
    /// /proc/loadavg's first three fields when the run started (other work on the machine).
    load_before: String,
    seconds: f64,
}

impl Numbers {
    fn example(json: &str, shape: usize, threads: usize, case: &str) -> Result<f64> {
        number(json, &format!("s{shape}.t{threads}.{case}"))
    }

    fn iisignature(&self, shape: usize, case: &str) -> Result<f64> {
        number(&self.python, &format!("s{shape}.iisignature.{case}"))
    }

    /// pySigLib's seconds with `jobs` threads; `None` when it is missing.
    fn pysiglib(&self, shape: usize, jobs: usize, case: &str) -> Result<Option<f64>> {
        if self.pysiglib_missing.is_some() {
            return Ok(None);
        }
        number(&self.python, &format!("s{shape}.pysiglib.{jobs}.{case}")).map(Some)
    }
}

pub fn measure() -> Result<()> {
    let start = Instant::now();
    let load_before = load_average();
    let dir = target_dir().join("bench/signature");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir)?;
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let threads_arg = threads.to_string();

    eprintln!("\n=== signature: signature_bench, native (writes the inputs)");
    let native = json_line(
        &stdout_of(
            command("cargo")
                .args([
                    "run",
                    "--release",
                    "-q",
                    "-p",
                    "molsig-signature",
                    "--example",
                    "signature_bench",
                    "--",
                ])
                .arg(&dir)
                .args(["--write-inputs", "--write-outputs", "--rounds", ROUNDS])
                .args(["--threads", &threads_arg]),
        )?,
        "native signature_bench",
    )?;
    let shapes = read_shapes(&dir)?;

    eprintln!("\n=== signature: signature_bench, {WASI_TARGET} under Node's WASI");
    crate::setup::rust_target(WASI_TARGET)?;
    let wasm = wasm_run(&dir)?;

    eprintln!("\n=== signature: criterion, native");
    run(command("cargo")
        .args(["bench", "-p", "molsig-signature", "--bench", "signature"])
        .env("MOLSIG_BENCH_THREADS", &threads_arg))?;
    let mut criterion = Vec::new();
    for &[batch, length, d, depth] in &shapes {
        let group = format!("signature_{batch}x{length}x{d}x{depth}");
        let mut cases = [[f64::NAN; 2]; 4];
        for (k, (case, _)) in CASES.iter().enumerate() {
            cases[k][0] = criterion_median_ns(&group, &format!("{case}_1t"))? / 1e9;
            cases[k][1] = if threads > 1 {
                criterion_median_ns(&group, &format!("{case}_{threads}t"))? / 1e9
            } else {
                cases[k][0]
            };
        }
        criterion.push(cases);
    }

    eprintln!("\n=== signature: iisignature and pySigLib (checks every output first)");
    let (python, mut pysiglib_missing) = crate::setup::signature_bench_venv()?;
    let python = json_line(
        &stdout_of(
            command(&python.to_string_lossy())
                .arg("tools/bench/signature_python.py")
                .arg(&dir)
                .arg(&threads_arg)
                .arg(ROUNDS),
        )?,
        "signature_python.py",
    )?;
    if pysiglib_missing.is_none() && field(&python, "pysiglib")? == "missing" {
        pysiglib_missing = Some(format!(
            "installed but not importable: {}",
            field(&python, "pysiglib_error")?
        ));
    }

    eprintln!("\n=== signature: gpu_bench, the burn operation on wgpu");
    let gpu = gpu_run();

    let numbers = Numbers {
        shapes,
        threads,
        criterion,
        native,
        wasm,
        python,
        pysiglib_missing,
        gpu,
        load_before,
        seconds: start.elapsed().as_secs_f64(),
    };
    let section = section(&numbers)?;
    eprintln!("\n{section}");
    write_section("signature", &section)
}

/// `gpu_bench`'s JSON line, or why it did not run (no adapter is not an error of the benchmark).
fn gpu_run() -> std::result::Result<String, String> {
    stdout_of(command("cargo").args([
        "run",
        "--release",
        "-q",
        "-p",
        "molsig-signature",
        "--features",
        "gpu",
        "--example",
        "gpu_bench",
        "--",
        "--rounds",
        "1",
    ]))
    .and_then(|out| json_line(&out, "gpu_bench"))
    .map_err(|e| format!("{e:#}"))
}

/// Builds `signature_bench` for wasm and runs it on `dir`.
fn wasm_run(dir: &Path) -> Result<String> {
    run(command("cargo").args([
        "build",
        "--release",
        "--target",
        WASI_TARGET,
        "-p",
        "molsig-signature",
        "--example",
        "signature_bench",
    ]))?;
    let wasm_file = target_dir()
        .join(WASI_TARGET)
        .join("release/examples/signature_bench.wasm");
    json_line(
        &stdout_of(
            command("node")
                .args(["--no-warnings", "tools/bench/run-wasi.mjs"])
                .arg(&wasm_file)
                .arg(dir)
                .args(["--rounds", ROUNDS, "--write-outputs"]),
        )?,
        "wasm signature_bench",
    )
}

fn read_shapes(dir: &Path) -> Result<Vec<[usize; 4]>> {
    let path = dir.join("shapes.txt");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: Vec<usize> = line
                .split_whitespace()
                .take(4)
                .map(str::parse)
                .collect::<Result<_, _>>()
                .with_context(|| format!("{}: {line:?}", path.display()))?;
            <[usize; 4]>::try_from(v)
                .ok()
                .with_context(|| format!("{}: {line:?}", path.display()))
        })
        .collect()
}

/// Seconds as milliseconds with three significant digits or so.
fn ms(seconds: f64) -> String {
    let ms = seconds * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 10.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.2}")
    }
}

fn shape_name([batch, length, d, depth]: [usize; 4]) -> String {
    format!("({batch}, {length}, {d}, {depth})")
}

/// One ratio against its target: the cell and whether it is met.
fn verdict(value: f64, met: bool) -> (String, bool) {
    let cell = if met {
        format!("{value:.2}× met")
    } else {
        format!("**{value:.2}× not met**")
    };
    (cell, met)
}

/// Counts, per target, the cases that meet it, and names those that do not.
#[derive(Default)]
struct Tally {
    met: usize,
    total: usize,
    missed: Vec<String>,
}

impl Tally {
    fn add(&mut self, met: bool, case: impl FnOnce() -> String) {
        self.total += 1;
        if met {
            self.met += 1;
        } else {
            self.missed.push(case());
        }
    }

    fn describe(&self) -> String {
        if self.total == 0 {
            "not measured".into()
        } else if self.missed.is_empty() {
            format!("met on all {} cases", self.total)
        } else {
            format!(
                "**met on {} of {} cases**; not met: {}",
                self.met,
                self.total,
                self.missed.join("; ")
            )
        }
    }
}

fn section(n: &Numbers) -> Result<String> {
    let mut s = String::new();
    s.push_str("## Signatures\n\n");
    write!(
        s,
        "Measured {} by `cargo xtask bench` (`cargo xtask bench signature` runs this section alone) in {:.0} s; \
         every run rewrites this section (edit `xtask/src/bench/signature.rs`, not the text between \
         the markers). Times are milliseconds per call on the whole batch, f64 throughout; shapes \
         are (batch, length, channels d, depth). \"{t} threads\" is every CPU of this machine, for \
         molsig (`with_threads({t})`) and pySigLib (`n_jobs={t}`) alike; iisignature is \
         single-threaded.\n\n",
        version("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        n.seconds,
        t = n.threads,
    )?;
    if let Some(why) = &n.pysiglib_missing {
        write!(
            s,
            "**pySigLib is missing from this run** ({why}); its columns are empty and its \
             targets unmeasured.\n\n"
        )?;
    }
    let (times, tallies) = tables(n)?;
    s.push_str(&times);
    s.push_str(&summary(n, &tallies));
    s.push_str(&gpu_table(n)?);
    s.push_str(&notes(n)?);
    Ok(s)
}

/// Times of the burn operations on wgpu, or why there are none.
fn gpu_table(n: &Numbers) -> Result<String> {
    let json = match &n.gpu {
        Ok(json) => json,
        Err(why) => return Ok(format!("**GPU.** Not measured in this run: {why}\n\n")),
    };
    let adapter = field(json, "adapter")?;
    let software = adapter.contains("Cpu") || adapter.to_lowercase().contains("llvmpipe");
    let mut s = format!(
        "**GPU** (`examples/gpu_bench.rs`: `gpu::signature` and `gpu::logsignature` on burn's wgpu \
         device, f32, the same inputs, one timed call after a warm-up; adapter: {adapter}){}.\n\n\
         | shape | signature, forward | signature, forward + backward (autodiff) | log-signature, \
         forward | log-signature, forward + backward | largest error vs the CPU engine in f32 (of \
         the largest value) |\n|---|---:|---:|---:|---:|---:|\n",
        if software {
            " — Mesa's lavapipe, a CPU rasteriser: a functional check that the GPU code path runs and \
             agrees with the CPU engine, not a GPU performance figure"
        } else {
            ""
        }
    );
    for (i, &shape) in n.shapes.iter().enumerate() {
        let t = |key: &str| number(json, &format!("s{i}.{key}")).map(ms);
        writeln!(
            s,
            "| {} | {} | {} | {} | {} | {:.1e} |",
            shape_name(shape),
            t("sig_forward")?,
            t("sig_backward")?,
            t("logsig_forward")?,
            t("logsig_backward")?,
            number(json, &format!("s{i}.error"))?,
        )?;
    }
    s.push('\n');
    Ok(s)
}

/// The times table, the ratios table, and the tallies for the summary.
fn tables(n: &Numbers) -> Result<(String, [Tally; 4])> {
    let t = n.threads;
    let missing = || "missing".to_owned();
    let mut times = format!(
        "| shape | operation | molsig 1 thread | molsig {t} threads | iisignature | pySigLib 1 thread \
         | pySigLib {t} threads | molsig native 1 thread (`signature_bench`) | molsig wasm (same \
         program) |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|\n"
    );
    let mut ratios = format!(
        "| shape | operation | pySigLib / molsig, 1 thread (> 1) | pySigLib / molsig, {t} threads (> 1) \
         | iisignature / molsig 1 thread (≥ 3) | wasm / native time, 1 thread (≤ 2) |\n\
         |---|---|---|---|---|---|\n"
    );
    let mut tallies: [Tally; 4] = Default::default();
    for (i, &shape) in n.shapes.iter().enumerate() {
        let name = shape_name(shape);
        for (k, &(case, what)) in CASES.iter().enumerate() {
            let [one, many] = n.criterion[i][k];
            let ii = n.iisignature(i, case)?;
            let ps1 = n.pysiglib(i, 1, case)?;
            let psn = n.pysiglib(i, t, case)?;
            let native = Numbers::example(&n.native, i, 1, case)?;
            let wasm = Numbers::example(&n.wasm, i, 1, case)?;
            writeln!(
                times,
                "| {name} | {what} | {} | {} | {} | {} | {} | {} | {} |",
                ms(one),
                ms(many),
                ms(ii),
                ps1.map_or_else(missing, ms),
                psn.map_or_else(missing, ms),
                ms(native),
                ms(wasm),
            )?;

            let label = || format!("{name} {what}");
            // pySigLib's backward takes its forward signature as an input; with the time of that
            // `sig` call added (what molsig's and iisignature's backward recompute), for
            // information.
            let with_forward = |jobs: usize| -> Result<Option<f64>> {
                if case.ends_with("backward") {
                    Ok(n.pysiglib(i, jobs, case)?
                        .zip(n.pysiglib(i, jobs, "sig_forward")?)
                        .map(|(b, f)| b + f))
                } else {
                    Ok(None)
                }
            };
            let mut ps_cells = Vec::new();
            for (slot, (ps, mine, jobs)) in [(ps1, one, 1), (psn, many, t)].into_iter().enumerate()
            {
                let cell = if let Some(ps) = ps {
                    let (mut cell, met) = verdict(ps / mine, ps / mine > FASTER_THAN_PYSIGLIB);
                    tallies[slot].add(met, label);
                    if let Some(full) = with_forward(jobs)? {
                        write!(cell, " ({:.2}× with its forward)", full / mine)?;
                    }
                    cell
                } else {
                    "—".to_owned()
                };
                ps_cells.push(cell);
            }
            let (ii_cell, met) = verdict(ii / one, ii / one >= FASTER_THAN_IISIGNATURE);
            tallies[2].add(met, label);
            let (wasm_cell, met) =
                verdict(wasm / native, wasm / native <= WASM_OVER_NATIVE_AT_MOST);
            tallies[3].add(met, label);
            writeln!(
                ratios,
                "| {name} | {what} | {} | {} | {ii_cell} | {wasm_cell} |",
                ps_cells[0], ps_cells[1],
            )?;
        }
    }
    Ok((format!("{times}\n{ratios}\n"), tallies))
}

fn summary(n: &Numbers, tallies: &[Tally; 4]) -> String {
    let t = n.threads;
    format!(
        "**Targets.**\n\
         - faster than pySigLib on the CPU at 1 thread: {}\n\
         - faster than pySigLib on the CPU at {t} threads: {}\n\
         - at least 3× faster than iisignature (molsig on 1 thread): {}\n\
         - wasm (1 thread, simd128, as the web build) within 2× of native 1 thread (AVX2), same program: {}\n\n",
        tallies[0].describe(),
        tallies[1].describe(),
        tallies[2].describe(),
        tallies[3].describe(),
    )
}

fn notes(n: &Numbers) -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap_or_default();
    let criterion = lock_version(&lock, "criterion").unwrap_or_else(|| "?".into());
    let py = &n.python;
    let agreement = format!(
        "Before any time was reported, every output was checked: molsig (native and wasm) \
         and pySigLib against iisignature, largest difference {:.1e} of the largest value forward and \
         {:.1e} backward (iisignature returns gradients as float32), and molsig's gradients against \
         pySigLib's float64 ones, {}.",
        number(py, "max_error_forward")?,
        number(py, "max_error_backward_vs_iisignature")?,
        match number(py, "max_error_backward_vs_pysiglib")? {
            e if e < 0.0 => "not checked (pySigLib missing)".to_owned(),
            e => format!("largest difference {e:.1e}"),
        },
    );
    Ok(format!(
        "**How.**\n\
         - Inputs: written at bench time by `crates/molsig-signature/examples/signature_bench.rs` \
         (fixed seed) as raw little-endian f64 into `target/bench/signature/`, and read from there by \
         the wasm run and the Python script, so every library computes on the same numbers: random walks \
         from a random start in [−1, 1)^d with uniform increments scaled so that each channel moves by \
         about 1 over the path, and uniform gradients in [−1, 1). {agreement}\n\
         - molsig, criterion (`crates/molsig-signature/benches/signature.rs`): one call on the whole batch \
         per iteration, 10 samples over 3 s after 1 s of warm-up, the median; `BackwardMode::Auto` (in f64: \
         the walk back with S ⊗ exp(−Δ)). Its backward takes the path and the output gradient and recomputes \
         the signature itself. `cargo bench -p molsig-signature --bench signature` runs it alone. These two \
         columns are the ones the targets use.\n\
         - molsig, `signature_bench`: the same calls, one warm-up then {ROUNDS} timed calls, the median; built \
         natively and for `{WASI_TARGET}` (release profile, default features, simd128 as the web build: \
         `.cargo/config.toml`) and run under Node's WASI (`tools/bench/run-wasi.mjs`); the wasm / native ratio \
         compares the two builds of this one program (natively the hot loops use AVX2's four f64 lanes, \
         wasm SIMD has two). Node and Chromium share V8.\n\
         - iisignature {ii} (`tools/bench/signature_python.py`): `sig(path, D)`, `logsig(path, prepare(d, D))` \
         (default method, Lyndon basis), `sigbackprop`, `logsigbackprop` on the whole batch array, one warm-up \
         then {ROUNDS} calls, the median; `prepare` is done once, untimed. Its backward also recomputes from \
         the path.\n\
         - pySigLib {ps}: `sig(path, D, n_jobs=…)`, `log_sig(path, D, method=2, n_jobs=…)` (method 2: Lyndon \
         basis, the numbers of iisignature; `prepare_log_sig(d, D, method=2)` once, untimed), backward \
         `sig_backprop(path, sig, grad, D)` and, for the log-signature, `sig_backprop(path, sig, \
         sig_to_log_sig_backprop(sig, grad, d, D, method=2), D)` — the chain its PyTorch autograd runs. Its \
         backward API takes the forward signature as an input (autograd saves it), so its backward times leave \
         that forward out, which makes the backward targets harder for molsig; the ratio with the forward \
         added (the time of its `sig` call) is shown in parentheses. numpy float64 arrays, contiguous and owning their data.\n\
         - The venv (`target/venv-signature-bench`, made by `cargo xtask bench` only, never by `cargo xtask \
         test`): numpy, then `pip install --no-build-isolation {IISIGNATURE}`, then {PYSIGLIB} (with \
         PyTorch, about 5 GB; when that cannot be installed, the table says pySigLib is missing). \
         Absolute numbers vary between machines and with load; the ratios, measured back to back in one run, \
         are what to compare.\n\n\
         **Machine.** {}; load average {} when the run started. On a loaded machine the thread-count \
         comparisons suffer first: a second thread may find no free CPU.\n\n\
         **Versions.** molsig-signature {} ({}, criterion {criterion}); Node {} (V8 {}); iisignature {ii}, \
         pySigLib {ps} (PyTorch {}), numpy {}, Python {}.\n",
        machine(),
        n.load_before,
        env!("CARGO_PKG_VERSION"),
        version("rustc", &["--version"]),
        version("node", &["--version"]),
        version("node", &["-p", "process.versions.v8"]),
        field(py, "torch")?,
        field(py, "numpy")?,
        field(py, "python")?,
        ii = field(py, "iisignature")?,
        ps = field(py, "pysiglib")?,
    ))
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::{CASES, Numbers, Tally, gpu_table, ms, tables, verdict};

    /// One shape: molsig takes 0.01 s per case on one thread (0.005 s on two), wasm 0.03 s,
    /// iisignature 0.05 s, pySigLib `pysiglib` s (or is missing).
    fn numbers(pysiglib: Option<f64>) -> Numbers {
        let example = |threads: &[usize], seconds: f64| {
            let mut json = String::from("{\"runtime\":\"x\"");
            for t in threads {
                for (case, _) in CASES {
                    let _ = write!(json, ",\"s0.t{t}.{case}\":{seconds}");
                }
            }
            json + "}"
        };
        let mut python = String::from("{\"runtime\":\"python\"");
        for (case, _) in CASES {
            let _ = write!(python, ",\"s0.iisignature.{case}\":0.05");
            if let Some(p) = pysiglib {
                let _ = write!(
                    python,
                    ",\"s0.pysiglib.1.{case}\":{p},\"s0.pysiglib.2.{case}\":{p}"
                );
            }
        }
        python.push('}');
        Numbers {
            shapes: vec![[32, 100, 8, 4]],
            threads: 2,
            criterion: vec![[[0.01, 0.005]; 4]],
            native: example(&[1, 2], 0.01),
            wasm: example(&[1], 0.03),
            python,
            pysiglib_missing: pysiglib.is_none().then(|| "no PyTorch".to_owned()),
            gpu: Err("no adapter".to_owned()),
            load_before: String::new(),
            seconds: 1.0,
        }
    }

    #[test]
    fn gpu_table_says_when_the_adapter_is_a_cpu() {
        let mut n = numbers(Some(0.02));
        assert_eq!(
            gpu_table(&n).expect("table"),
            "**GPU.** Not measured in this run: no adapter\n\n"
        );
        n.gpu = Ok(
            "{\"adapter\":\"llvmpipe (LLVM 15.0.6, 256 bits) (Cpu)\",\"s0.sig_forward\":0.5,\
                    \"s0.sig_backward\":1.5,\"s0.logsig_forward\":0.6,\"s0.logsig_backward\":1.7,\
                    \"s0.error\":2e-6}"
                .to_owned(),
        );
        let text = gpu_table(&n).expect("table");
        assert!(text.contains("a functional check"), "{text}");
        assert!(
            text.contains("| (32, 100, 8, 4) | 500 | 1500 | 600 | 1700 | 2.0e-6 |"),
            "{text}"
        );
    }

    #[test]
    fn tables_mark_each_target() {
        let (text, tallies) = tables(&numbers(Some(0.02))).expect("tables");
        assert!(text.contains("| (32, 100, 8, 4) | signature, forward | 10.0 | 5.00 | 50.0 | 20.0 | 20.0 | 10.0 | 30.0 |"), "{text}");
        assert!(
            text.contains("| 2.00× met | 4.00× met | 5.00× met | **3.00× not met** |"),
            "{text}"
        );
        // Backward rows add pySigLib's forward for information.
        assert!(
            text.contains("2.00× met (4.00× with its forward)"),
            "{text}"
        );
        assert_eq!(
            [
                tallies[0].met,
                tallies[1].met,
                tallies[2].met,
                tallies[3].met
            ],
            [4, 4, 4, 0]
        );
    }

    #[test]
    fn tables_without_pysiglib() {
        let (text, tallies) = tables(&numbers(None)).expect("tables");
        assert!(text.contains("| 50.0 | missing | missing |"), "{text}");
        assert!(text.contains("| — | — | 5.00× met |"), "{text}");
        assert_eq!(
            (tallies[0].total, tallies[0].describe()),
            (0, "not measured".to_owned())
        );
    }

    #[test]
    fn milliseconds_keep_about_three_digits() {
        assert_eq!(ms(0.123_456), "123");
        assert_eq!(ms(0.012_345), "12.3");
        assert_eq!(ms(0.001_234_5), "1.23");
    }

    #[test]
    fn verdicts_and_tallies() {
        assert_eq!(verdict(3.456, true).0, "3.46× met");
        assert_eq!(verdict(0.5, false).0, "**0.50× not met**");
        let mut t = Tally::default();
        t.add(true, || "a".into());
        t.add(false, || "b".into());
        assert_eq!(t.describe(), "**met on 1 of 2 cases**; not met: b");
    }
}
