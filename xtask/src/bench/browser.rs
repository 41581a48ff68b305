//! The browser benchmark (section `browser` of BENCHMARKS.md): the site's benchmark page
//! (`web/bench.html`, `web/src/bench.ts`) in headless Chromium, in one run:
//! 1. `setup::all()` and `serve::build_web()`: the site as users get it, into `dist/`;
//! 2. `dist/` served on a free port; `web/tests/bench.mjs` opens `bench.html` with
//!    `--enable-unsafe-webgpu`, clicks "Run benchmark" and prints the page's JSON, flattened;
//! 3. the page measures signature throughput and one training epoch, each on burn's CPU backend
//!    (flex, compiled to wasm) and on WebGPU, back to back in the same worker;
//! 4. the same cases natively (`crates/molsig-wasm/examples/bench_native.rs`: flex on one pinned
//!    CPU), for the wasm / native ratio;
//! 5. the table: seconds on each device and their ratios.

use std::fmt::Write as _;
use std::net::TcpListener;
use std::time::Instant;

use anyhow::Result;

use super::{
    field, grouped, json_line, load_average, machine, number, stdout_of, version, write_section,
};
use crate::cmd::{command, root, run, target_dir};
use crate::setup::lock_version;
use crate::{serve, setup};

pub fn measure() -> Result<()> {
    let start = Instant::now();
    let load_before = load_average();
    setup::all()?;
    eprintln!("\n=== browser: building the site");
    serve::build_web()?;
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let dist = root().join("dist");
    std::thread::spawn(move || serve::serve(&listener, &dist));

    eprintln!("\n=== browser: bench.html in headless Chromium (WebGPU on SwiftShader)");
    let json = json_line(
        &stdout_of(
            command("node")
                .arg("web/tests/bench.mjs")
                .arg(format!("http://127.0.0.1:{port}/")),
        )?,
        "bench.mjs",
    )?;
    eprintln!("\n=== browser: the same cases natively (flex, one CPU)");
    let native = native_seconds(&json)?;
    let section = section(&json, &native, start.elapsed().as_secs_f64(), &load_before)?;
    eprintln!("\n{section}");
    write_section("browser", &section)
}

/// The native seconds of each case the page ran on the CPU, in the page's order: the same
/// function (`molsig_wasm::bench`) at the sizes the page reported, pinned to one CPU as the
/// page's single wasm thread.
fn native_seconds(json: &str) -> Result<Vec<Option<f64>>> {
    run(command("cargo").args([
        "build",
        "--release",
        "-q",
        "-p",
        "molsig-wasm",
        "--example",
        "bench_native",
    ]))?;
    let program = target_dir().join("release/examples/bench_native");
    let cpu = super::model::first_cpu().to_string();
    let mut seconds = Vec::new();
    let mut case = 0;
    while field(json, &format!("cases.{case}.what")).is_ok() {
        let count = |name: &str| -> Option<String> {
            let x = number(json, &format!("cases.{case}.cpu.{name}")).ok()?;
            Some(format!("{x:.0}"))
        };
        let signature = ["batch", "length", "channels", "depth", "repeats"]
            .iter()
            .map(|n| count(n))
            .collect::<Option<Vec<_>>>();
        let epoch = ["samples", "nodes", "frames", "beads"]
            .iter()
            .map(|n| count(n))
            .collect::<Option<Vec<_>>>();
        let args = match (signature, epoch) {
            (Some(sizes), _) => Some([vec!["signature".to_owned()], sizes].concat()),
            (None, Some(mut sizes)) => {
                // The page reports its samples; the generator takes samples per class.
                let samples: usize = sizes[0].parse()?;
                sizes[0] = (samples / 2).to_string();
                Some([vec!["epoch".to_owned()], sizes].concat())
            }
            (None, None) => None,
        };
        seconds.push(match args {
            Some(args) => {
                let out = stdout_of(
                    command("taskset")
                        .args(["-c", &cpu])
                        .arg(&program)
                        .args(&args),
                )?;
                Some(number(&json_line(&out, "bench_native")?, "seconds")?)
            }
            None => None,
        });
        case += 1;
    }
    Ok(seconds)
}

/// One device's measurement of one case.
enum Measured {
    Seconds {
        seconds: f64,
        paths_per_second: Option<f64>,
    },
    /// The worker's error message.
    Failed(String),
}

impl Measured {
    /// `device` is `cpu` or `gpu`, as the page names them.
    fn read(json: &str, case: usize, device: &str) -> Result<Self> {
        let key = |name: &str| format!("cases.{case}.{device}.{name}");
        if let Ok(error) = field(json, &key("error")) {
            return Ok(Self::Failed(error));
        }
        Ok(Self::Seconds {
            seconds: number(json, &key("seconds"))?,
            paths_per_second: number(json, &key("pathsPerSecond")).ok(),
        })
    }

    fn seconds(&self) -> Option<f64> {
        match self {
            Self::Seconds { seconds, .. } => Some(*seconds),
            Self::Failed(_) => None,
        }
    }

    fn cell(&self) -> String {
        match self {
            Self::Seconds {
                seconds,
                paths_per_second: Some(rate),
            } => format!("{} ({} paths/s)", significant(*seconds), grouped(*rate)),
            Self::Seconds { seconds, .. } => significant(*seconds),
            // The worker's refusal when the browser gave it no WebGPU; the notes say why.
            Self::Failed(e) if e.starts_with("no WebGPU") => "— (no WebGPU)".to_owned(),
            Self::Failed(e) => {
                let short: String = e.chars().take(160).collect();
                format!("failed: {}", short.replace('|', "/"))
            }
        }
    }
}

/// `x` with three significant digits (seconds from 0.001 to 1000 read alike).
fn significant(x: f64) -> String {
    let decimals = if x > 0.0 {
        (2.0 - x.log10().floor()).clamp(0.0, 6.0) as usize
    } else {
        3
    };
    format!("{x:.decimals$}")
}

/// CPU seconds over WebGPU seconds; below 1 also as "WebGPU N× slower", which reads better
/// than a ratio of 0.003.
fn ratio(r: f64) -> String {
    if r < 1.0 {
        format!(
            "{}× (WebGPU {}× slower)",
            significant(r),
            significant(1.0 / r)
        )
    } else {
        format!("{}×", significant(r))
    }
}

/// The results table: one row per case the page ran, in its order, with the native seconds of
/// each (`native[case]`).
fn table(json: &str, native: &[Option<f64>]) -> Result<String> {
    let mut s = String::from(
        "| what | CPU (flex, wasm), s | WebGPU, s | CPU / WebGPU | native CPU (flex, 1 thread), s | \
         wasm / native time (training epoch: ≤ 2) |\n|---|---:|---:|---:|---:|---:|\n",
    );
    let mut case = 0;
    while let Ok(what) = field(json, &format!("cases.{case}.what")) {
        let cpu = Measured::read(json, case, "cpu")?;
        let gpu = Measured::read(json, case, "gpu")?;
        let ratio = match (cpu.seconds(), gpu.seconds()) {
            (Some(c), Some(g)) => ratio(c / g),
            _ => "—".to_owned(),
        };
        let native_seconds = native.get(case).copied().flatten();
        let native_cell = native_seconds.map_or_else(|| "—".to_owned(), significant);
        let wasm_over_native = match (cpu.seconds(), native_seconds) {
            (Some(w), Some(n)) => {
                let r = w / n;
                let verdict = if !what.starts_with("training epoch") {
                    ""
                } else if r <= 2.0 {
                    " met"
                } else {
                    " **not met**"
                };
                format!("{}×{verdict}", significant(r))
            }
            _ => "—".to_owned(),
        };
        writeln!(
            s,
            "| {what} | {} | {} | {ratio} | {native_cell} | {wasm_over_native} |",
            cpu.cell(),
            gpu.cell()
        )?;
        case += 1;
    }
    s.push('\n');
    Ok(s)
}

/// What the WebGPU column stands for: a software adapter, a real one, or none.
fn adapter_note(json: &str) -> Result<String> {
    if field(json, "backend.kind")? != "WebGPU" {
        return Ok(format!(
            "**No WebGPU in this run** ({}): only the CPU column was measured.\n\n",
            field(json, "backend.fallbackReason")?
        ));
    }
    let adapter = field(json, "backend.adapter")?;
    let lower = adapter.to_lowercase();
    if ["swiftshader", "llvmpipe", "lavapipe", "software"]
        .iter()
        .any(|s| lower.contains(s))
    {
        Ok(format!(
            "**The WebGPU column is a software adapter** ({adapter}): without a GPU, \
             `--enable-unsafe-webgpu` gives Chromium's SwiftShader, which runs the WebGPU shaders on \
             this machine's CPU, in Chromium's GPU process, beside the worker. These numbers show how \
             the WebGPU code path does on that software path; they say nothing about a real GPU. \
             Chrome without the flag offers no adapter here, and the app then uses the CPU column's \
             backend.\n\n"
        ))
    } else {
        Ok(format!("WebGPU adapter: {adapter}.\n\n"))
    }
}

fn section(json: &str, native: &[Option<f64>], seconds: f64, load_before: &str) -> Result<String> {
    let date = field(json, "date")?;
    let mut s = String::from("## Browser: WebGPU and CPU (wasm)\n\n");
    write!(
        s,
        "Measured {} UTC by `cargo xtask bench` (`cargo xtask bench browser` runs this section \
         alone) in {seconds:.0} s, of which the page ran {:.0} s; every run rewrites this section \
         (edit `xtask/src/bench/browser.rs`, not the text between the markers). The site's \
         benchmark page `bench.html` in headless Chromium; the ratio is CPU seconds over WebGPU \
         seconds, measured one after the other in the same run: above 1, WebGPU is faster.\n\n",
        date.get(..16).unwrap_or(&date).replace('T', " "),
        number(json, "totalSeconds")?,
    )?;
    s.push_str(&adapter_note(json)?);
    s.push_str(&table(json, native)?);
    s.push_str(&notes(json, load_before)?);
    Ok(s)
}

fn notes(json: &str, load_before: &str) -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap_or_default();
    let burn = lock_version(&lock, "burn").unwrap_or_else(|| "?".into());
    // The first epoch compiles the shaders (WebGPU) and fills caches; shown for information.
    let mut first_epochs = Vec::new();
    let mut case = 0;
    while field(json, &format!("cases.{case}.what")).is_ok() {
        for (device, name) in [("cpu", "CPU"), ("gpu", "WebGPU")] {
            if let Ok(warm) = number(json, &format!("cases.{case}.{device}.warmUpSeconds")) {
                first_epochs.push(format!("{name} {} s", significant(warm)));
            }
        }
        case += 1;
    }
    let first_epochs = if first_epochs.is_empty() {
        String::new()
    } else {
        format!(" (the first epoch took {})", first_epochs.join(", "))
    };
    Ok(format!(
        "**How.**\n\
         - The page (`web/src/bench.ts`) sends each case to the app's compute engine (the npm \
         package's `benchmarkSignature` and `benchmarkEpoch`, in its worker \
         `web/packages/molsig/src/serve-worker.ts`; molsig-wasm's `Benchmarks`, \
         `crates/molsig-wasm/src/bench.rs`), first on the CPU, then on WebGPU; the worker times \
         with `performance.now`.\n\
         - Signatures: `molsig_signature::gpu::signature` (burn's operation, f32) on deterministic \
         random walks of the shape given; one warm-up call, then 5 timed calls, the mean, each \
         including the read-back of the result into wasm memory.\n\
         - Training: Deep Signature's `improved` preset, trained for two epochs on synthetic \
         gene-regulatory graphs (`molsig_model::synthetic`) in batches of 8; the table shows the \
         second epoch{first_epochs}.\n\
         - CPU: burn's flex backend compiled to `wasm32-unknown-unknown` with simd128, as the app \
         uses it when there is no WebGPU; one thread (the wasm build has no threads).\n\
         - Native: the same functions (`molsig_wasm::bench`) at the sizes the page reported, built \
         for x86-64 (release; flex with its `simd` and `rayon` features) and run with \
         `taskset -c` on one CPU, so flex's thread pool has one thread, as the page's worker. \
         The wasm / native target (issue 17) is on the training epoch.\n\
         - `web/tests/bench.mjs` drives `/usr/bin/chromium` through playwright-core; open \
         `bench.html` on `cargo xtask serve` to run the same page in any browser.\n\n\
         **Machine.** {}; load average {load_before} when the run started.\n\n\
         **Versions.** {} (user agent: {}); burn {burn}; molsig {}.\n",
        machine(),
        version("chromium", &["--version"]),
        field(json, "userAgent")?,
        env!("CARGO_PKG_VERSION"),
    ))
}

#[cfg(test)]
mod tests {
    use super::{adapter_note, ratio, significant, table};

    /// The flat JSON `bench.mjs` prints: a signature on both devices, an epoch whose WebGPU run
    /// was refused, and a failure.
    const JSON: &str = "{\"date\":\"2026-11-24T10:58:01.123Z\",\"userAgent\":\"Mozilla/5.0 HeadlessChrome/142\",\
        \"backend.kind\":\"WebGPU\",\"backend.adapter\":\"google swiftshader\",\"backend.fallbackReason\":null,\
        \"totalSeconds\":120.5,\
        \"cases.0.what\":\"signature, batch 64\",\"cases.0.cpu.batch\":64,\"cases.0.cpu.seconds\":0.0123,\
        \"cases.0.cpu.pathsPerSecond\":5203.25,\"cases.0.gpu.batch\":64,\"cases.0.gpu.seconds\":0.041,\
        \"cases.0.gpu.pathsPerSecond\":1561,\
        \"cases.1.what\":\"training epoch\",\"cases.1.cpu.warmUpSeconds\":3.5,\"cases.1.cpu.seconds\":2.25,\
        \"cases.1.gpu.error\":\"no WebGPU here: CPU backend\",\
        \"cases.2.what\":\"signature, huge\",\"cases.2.cpu.error\":\"out of memory | bad\",\
        \"cases.2.gpu.seconds\":1.5}";

    #[test]
    fn table_has_a_row_per_case_with_ratios() {
        let text = table(JSON, &[Some(0.01), Some(1.0), None]).expect("table");
        assert!(
            text.contains(
                "| signature, batch 64 | 0.0123 (5,203 paths/s) | 0.0410 (1,561 paths/s) | 0.300× (WebGPU 3.33× slower) | 0.0100 | 1.23× |"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "| training epoch | 2.25 | — (no WebGPU) | — | 1.00 | 2.25× **not met** |"
            ),
            "{text}"
        );
        assert!(
            text.contains("| signature, huge | failed: out of memory / bad | 1.50 | — | — | — |"),
            "{text}"
        );
        let met = table(JSON, &[None, Some(1.5), None]).expect("table");
        assert!(
            met.contains("| training epoch | 2.25 | — (no WebGPU) | — | 1.50 | 1.50× met |"),
            "{met}"
        );
        assert_eq!(text.lines().count(), 6, "{text}");
    }

    #[test]
    fn software_adapters_are_called_so() {
        assert!(
            adapter_note(JSON)
                .expect("note")
                .contains("software adapter** (google swiftshader)")
        );
        let real = JSON.replace("google swiftshader", "nvidia ampere");
        assert_eq!(
            adapter_note(&real).expect("note"),
            "WebGPU adapter: nvidia ampere.\n\n"
        );
        let cpu = "{\"backend.kind\":\"CPU\",\"backend.fallbackReason\":\"no adapter\"}";
        assert!(
            adapter_note(cpu)
                .expect("note")
                .starts_with("**No WebGPU in this run** (no adapter)")
        );
    }

    #[test]
    fn three_significant_digits() {
        assert_eq!(significant(0.012_345), "0.0123");
        assert_eq!(significant(2.25), "2.25");
        assert_eq!(significant(123.4), "123");
        assert_eq!(significant(1234.4), "1234");
        assert_eq!(ratio(2.5), "2.50×");
        assert_eq!(ratio(0.003_24), "0.00324× (WebGPU 309× slower)");
    }
}
