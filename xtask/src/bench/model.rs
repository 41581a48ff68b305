//! The model benchmark (section `model` of BENCHMARKS.md): training epochs of Deep Signature's
//! `reference` preset at GPCR size and at the web demo's size, molsig natively on the CPU against
//! the same model in `PyTorch` on the CPU, in one run:
//! 1. `cargo build --release -p molsig-cli`;
//! 2. the venv of the signature benchmark (`setup::signature_bench_venv`: numpy, iisignature,
//!    `pySigLib` with `PyTorch`); `tools/reference/deep_signature_numpy.py --make-case` writes a small
//!    random case and `tools/bench/deep_signature_torch.py --check` must reproduce the `NumPy`
//!    reference's outputs on it (and `pySigLib`'s log-signature must equal iisignature's), so the
//!    `PyTorch` side is the specified model;
//! 3. per size and thread count (1, and every CPU when there are more): `molsig bench` and
//!    `deep_signature_torch.py` on the same problem, each under `/usr/bin/time -v` for its peak RSS
//!    (or, without it, polling `/proc/<pid>/status` `VmHWM`); the 1-thread runs are pinned to one CPU
//!    with `taskset` (molsig has no thread setting: see `notes`);
//! 4. the table, with the target (at most 0.67× `PyTorch`'s epoch time, and no more peak memory)
//!    marked met or not.
//!
//! `PyTorch` never runs in `cargo xtask test`: only here.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::{
    field, grouped, json_line, load_average, machine, number, stdout_of, version, write_section,
};
use crate::cmd::{command, has, root, run, target_dir};
use crate::setup::lock_version;

/// A problem both programs build alike (see `notes`), and how many epochs are timed.
#[derive(Clone, Copy)]
struct Size {
    name: &'static str,
    atoms: usize,
    frames: usize,
    beads: usize,
    samples: usize,
    batch: usize,
    /// Timed epochs after the warm-up epoch; each side reports their mean.
    epochs: usize,
}

/// The GPCR setting of the paper (the defaults of `molsig bench`).
const GPCR: Size = Size {
    name: "GPCR",
    atoms: 1241,
    frames: 100,
    beads: 50,
    samples: 400,
    batch: 16,
    epochs: 1,
};

/// The web page's demo: its peptide's 67 heavy atoms, the page's default 50-frame samples and 4
/// beads, and the 80 samples of its 20 demo trajectories. An epoch takes about a second, so
/// several are timed.
const DEMO: Size = Size {
    name: "demo",
    atoms: 67,
    frames: 50,
    beads: 4,
    samples: 80,
    batch: 16,
    epochs: 5,
};

/// The target: molsig's epoch takes at most this fraction of `PyTorch`'s (1.5× faster).
const TARGET_TIME_RATIO: f64 = 0.67;

const GNU_TIME: &str = "/usr/bin/time";
/// Other processes' load (CPUs, on average) above which a measurement is called disturbed.
const DISTURBED: f64 = 0.2;
/// The longest wait for the machine to be idle before each measurement.
const QUIET_WAIT: Duration = Duration::from_mins(5);

/// One process's report and peak memory.
struct Run {
    json: String,
    peak_rss_kib: f64,
    /// CPUs that other processes kept busy on average while it ran (`None`: not measured).
    others: Option<f64>,
}

/// molsig and `PyTorch` on one size at one thread count.
struct Pair {
    size: Size,
    threads: usize,
    ours: Run,
    /// `None` when `PyTorch` is missing.
    theirs: Option<Run>,
}

/// Everything one run measured.
struct Numbers {
    /// Per size (GPCR first), per thread count (1 first).
    pairs: Vec<Pair>,
    /// Why `PyTorch`/`pySigLib` is missing, when it is.
    torch_missing: Option<String>,
    /// The check's report (stderr is shown live; this is the summary line).
    check: String,
    /// How peak RSS was measured.
    rss_method: &'static str,
    load_before: String,
    seconds: f64,
}

pub fn measure() -> Result<()> {
    let start = Instant::now();
    let load_before = load_average();
    let dir = target_dir().join("bench/model");
    std::fs::create_dir_all(&dir)?;
    if !has("taskset") {
        bail!(
            "taskset (util-linux) is missing: the 1-thread runs need it to pin molsig to one CPU"
        );
    }

    eprintln!("\n=== model: building molsig-cli (release)");
    run(command("cargo").args(["build", "--release", "-q", "-p", "molsig-cli"]))?;
    let molsig = target_dir().join("release/molsig");

    eprintln!("\n=== model: the PyTorch side's venv and its checks against the NumPy reference");
    let (python, torch_missing) = crate::setup::signature_bench_venv()?;
    let (check, torch_missing) = match torch_missing {
        None => check_torch(&python, &dir)?,
        missing => (String::new(), missing),
    };

    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let threads: Vec<usize> = if cpus > 1 { vec![1, cpus] } else { vec![1] };
    let rss_method = if Path::new(GNU_TIME).exists() {
        "`/usr/bin/time -v` (Maximum resident set size)"
    } else {
        "`VmHWM` of `/proc/<pid>/status`, polled every 20 ms"
    };
    let mut pairs = Vec::new();
    for size in [GPCR, DEMO] {
        let sizes = [
            ("--atoms", size.atoms),
            ("--frames", size.frames),
            ("--beads", size.beads),
            ("--samples", size.samples),
            ("--batch-size", size.batch),
            ("--epochs", size.epochs),
        ]
        .map(|(flag, value)| [flag.to_owned(), value.to_string()])
        .concat();
        for &t in &threads {
            let pin = t == 1 && cpus > 1;
            let name = size.name;
            eprintln!("\n=== model: molsig bench, {name} size, {t} thread(s)");
            let mut args: Vec<String> = vec!["bench".into()];
            args.extend(sizes.iter().cloned());
            args.extend(["--model".into(), "reference".into()]);
            let ours = measured(&dir, &molsig.to_string_lossy(), &args, pin, "molsig bench")?;
            let theirs = if torch_missing.is_none() {
                eprintln!("\n=== model: PyTorch, {name} size, {t} thread(s)");
                let mut args: Vec<String> = vec!["tools/bench/deep_signature_torch.py".into()];
                args.extend(sizes.iter().cloned());
                args.extend(["--threads".into(), t.to_string()]);
                // The per-stage profile is of the GPCR size, which the stage names describe.
                if name == GPCR.name {
                    args.push("--profile".into());
                }
                Some(measured(
                    &dir,
                    &python.to_string_lossy(),
                    &args,
                    pin,
                    "deep_signature_torch.py",
                )?)
            } else {
                None
            };
            pairs.push(Pair {
                size,
                threads: t,
                ours,
                theirs,
            });
        }
    }

    let numbers = Numbers {
        pairs,
        torch_missing,
        check,
        rss_method,
        load_before,
        seconds: start.elapsed().as_secs_f64(),
    };
    let section = section(&numbers)?;
    eprintln!("\n{section}");
    write_section("model", &section)
}

/// Makes a `NumPy` reference case and has the `PyTorch` model reproduce it: the summary line, or
/// why `PyTorch` could not be imported.
fn check_torch(python: &Path, dir: &Path) -> Result<(String, Option<String>)> {
    let case = dir.join("reference-case.json");
    run(command(&python.to_string_lossy())
        .arg("tools/reference/deep_signature_numpy.py")
        .arg("--make-case")
        .arg(&case))?;
    let out = command(&python.to_string_lossy())
        .arg("tools/bench/deep_signature_torch.py")
        .arg("--check")
        .arg(&case)
        .output()
        .context("running deep_signature_torch.py --check")?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    eprint!("{stderr}");
    if !out.status.success() {
        if stderr.contains("ModuleNotFoundError") {
            let why = format!(
                "deep_signature_torch.py could not import its modules: {}",
                stderr.lines().last().unwrap_or_default()
            );
            return Ok((String::new(), Some(why)));
        }
        bail!("deep_signature_torch.py --check failed: the PyTorch model is not the reference");
    }
    let summary = stderr
        .lines()
        .find(|l| l.contains("agrees with the NumPy reference"))
        .unwrap_or_default();
    Ok((summary.to_owned(), None))
}

/// Runs `program args` (pinned to one CPU when `pin`), returns its JSON line and peak RSS.
fn measured(dir: &Path, program: &str, args: &[String], pin: bool, what: &str) -> Result<Run> {
    let mut line: Vec<String> = Vec::new();
    // The first CPU this process may run on; `available_parallelism()` (molsig) and PyTorch's
    // OpenMP pool then both see one CPU, and only that CPU's load can disturb the run.
    let cpu = pin.then(first_cpu);
    if let Some(cpu) = cpu {
        line.extend(["taskset".into(), "-c".into(), cpu.to_string()]);
    }
    line.push(program.to_owned());
    line.extend(args.iter().cloned());
    wait_for_quiet();
    let busy_before = cpu_busy_seconds(cpu);
    let started = Instant::now();
    if Path::new(GNU_TIME).exists() {
        let report = dir.join("time.txt");
        let _ = std::fs::remove_file(&report);
        let stdout = stdout_of(
            command(GNU_TIME)
                .arg("-v")
                .arg("-o")
                .arg(&report)
                .args(&line),
        )?;
        let wall = started.elapsed().as_secs_f64();
        let busy = cpu_busy_seconds(cpu)
            .zip(busy_before)
            .map(|(after, before)| after - before);
        let text = std::fs::read_to_string(&report)
            .with_context(|| format!("reading {}", report.display()))?;
        let own = time_field(&text, "User time (seconds):")
            .zip(time_field(&text, "System time (seconds):"))
            .map(|(u, s)| u + s);
        Ok(Run {
            json: json_line(&stdout, what)?,
            peak_rss_kib: time_field(&text, "Maximum resident set size (kbytes):").with_context(
                || format!("no \"Maximum resident set size\" in {}", report.display()),
            )?,
            others: busy
                .zip(own)
                .map(|(busy, own)| ((busy - own) / wall).max(0.0)),
        })
    } else {
        let (stdout, peak) = polled(command(&line[0]).args(&line[1..]))?;
        Ok(Run {
            json: json_line(&stdout, what)?,
            peak_rss_kib: peak,
            others: None,
        })
    }
}

/// The first CPU of this process's affinity list (`taskset -cp`), or 0.
pub(super) fn first_cpu() -> usize {
    let pid = std::process::id().to_string();
    crate::cmd::output(command("taskset").args(["-cp", &pid]))
        .and_then(|out| {
            let list = out.rsplit(':').next()?.trim().to_owned();
            list.split([',', '-']).next()?.trim().parse().ok()
        })
        .unwrap_or(0)
}

/// A number of GNU time's `-v` report: `key` is the text before it, colon included.
fn time_field(report: &str, key: &str) -> Option<f64> {
    report
        .lines()
        .find_map(|l| l.trim().strip_prefix(key)?.trim().parse().ok())
}

/// CPU-seconds the whole machine (or only CPU `cpu`) has spent busy since boot (`/proc/stat`:
/// user, nice, system, irq, softirq, steal; `USER_HZ` = 100 on Linux).
fn cpu_busy_seconds(cpu: Option<usize>) -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let name = cpu.map_or_else(|| "cpu".to_owned(), |c| format!("cpu{c}"));
    stat.lines().find_map(|l| busy_of(l, &name))
}

/// The busy seconds of the `/proc/stat` line of `name` (`cpu`, `cpu0`, …); `None` for others.
fn busy_of(line: &str, name: &str) -> Option<f64> {
    let (first, rest) = line.split_once(char::is_whitespace)?;
    if first != name {
        return None;
    }
    let fields: Vec<f64> = rest
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let at = |i: usize| fields.get(i).copied().unwrap_or(0.0);
    Some((at(0) + at(1) + at(2) + at(5) + at(6) + at(7)) / 100.0)
}

/// Waits (at most `QUIET_WAIT`) until other processes use less than `DISTURBED` CPUs over 5 s.
fn wait_for_quiet() {
    let start = Instant::now();
    loop {
        let before = cpu_busy_seconds(None);
        std::thread::sleep(Duration::from_secs(5));
        let Some(load) = cpu_busy_seconds(None)
            .zip(before)
            .map(|(after, before)| (after - before) / 5.0)
        else {
            return;
        };
        if load < DISTURBED {
            return;
        }
        if start.elapsed() >= QUIET_WAIT {
            eprintln!(
                "xtask: the machine is still busy ({load:.2} CPUs) after {} s; measuring anyway",
                QUIET_WAIT.as_secs()
            );
            return;
        }
        eprintln!("xtask: waiting for the machine to be idle (other processes use {load:.2} CPUs)");
        std::thread::sleep(Duration::from_secs(25));
    }
}

/// `VmHWM: N kB` of a /proc status file.
fn vm_hwm_kib(status: &str) -> Option<f64> {
    status.lines().find_map(|l| {
        l.strip_prefix("VmHWM:")?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse()
            .ok()
    })
}

/// Runs `c` (stderr shown), polling its `VmHWM` until it exits: stdout and the largest value.
fn polled(c: &mut Command) -> Result<(String, f64)> {
    let shown = format!("{c:?}");
    eprintln!("xtask> {shown}");
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("could not start {shown}"))?;
    let mut stdout = child.stdout.take().context("no stdout pipe")?;
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).map(|_| s)
    });
    let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut peak = 0.0_f64;
    let status = loop {
        if let Some(hwm) = std::fs::read_to_string(&status_file)
            .ok()
            .as_deref()
            .and_then(vm_hwm_kib)
        {
            peak = peak.max(hwm);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = reader
        .join()
        .map_err(|_| anyhow::anyhow!("the stdout reader panicked"))??;
    if !status.success() {
        bail!("command failed ({status}): {shown}");
    }
    Ok((stdout, peak))
}

fn threads(t: usize) -> String {
    if t == 1 {
        "1 thread".to_owned()
    } else {
        format!("{t} threads")
    }
}

fn load(others: Option<f64>) -> String {
    match others {
        None => "not measured".to_owned(),
        Some(x) if x >= DISTURBED => format!("**{x:.2} CPUs (disturbed)**"),
        Some(x) => format!("{x:.2} CPUs"),
    }
}

fn mib(kib: f64) -> String {
    format!("{:.0} MiB", kib / 1024.0)
}

/// Three significant digits: the demo's epochs take a fraction of a second.
fn seconds(s: f64) -> String {
    let decimals = if s >= 100.0 {
        0
    } else if s >= 10.0 {
        1
    } else if s >= 1.0 {
        2
    } else {
        3
    };
    format!("{s:.decimals$}")
}

/// molsig's epoch time over `PyTorch`'s (below 1: molsig faster).
fn time_ratio(pair: &Pair) -> Result<Option<f64>> {
    let Some(theirs) = &pair.theirs else {
        return Ok(None);
    };
    Ok(Some(
        number(&pair.ours.json, "epoch_seconds")? / number(&theirs.json, "epoch_seconds")?,
    ))
}

/// "GPCR size (1,241 atoms, 100 frames, 50 beads, 400 samples, batch 16)".
fn describe(size: Size) -> String {
    format!(
        "{} size ({} atoms, {} frames per sample, {} beads, {} samples in batches of {}: {} \
         optimiser steps per epoch, {} timed epoch(s) after a warm-up epoch)",
        size.name,
        grouped(size.atoms as f64),
        size.frames,
        size.beads,
        size.samples,
        size.batch,
        size.samples.div_ceil(size.batch),
        size.epochs,
    )
}

fn section(n: &Numbers) -> Result<String> {
    let mut s = String::new();
    s.push_str("## Model training epoch\n\n");
    write!(
        s,
        "Measured {} by `cargo xtask bench` (`cargo xtask bench model` runs this section alone) in \
         {:.0} s; every run rewrites this section (edit `xtask/src/bench/model.rs`, not the text \
         between the markers). A training epoch of Deep Signature's `reference` preset on the \
         CPU, float32, at two sizes: the paper's {} and the web page's {}; molsig (burn's flex \
         backend) against the same model in PyTorch with pySigLib's log-signature, same data, \
         same run.\n\n",
        version("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        n.seconds,
        describe(GPCR),
        describe(DEMO),
    )?;
    if let Some(why) = &n.torch_missing {
        write!(
            s,
            "**PyTorch is missing from this run** ({why}); only molsig was timed and the target is \
             unmeasured.\n\n"
        )?;
    }
    s.push_str(&table(n)?);
    s.push_str(&verdicts(n)?);
    s.push_str(&stages(n)?);
    s.push_str(&notes(n));
    Ok(s)
}

fn table(n: &Numbers) -> Result<String> {
    let mut s = String::from(
        "| size | implementation | threads | epoch (s) | warm-up epoch (s) | peak RSS | other \
         processes' load during the run | molsig / PyTorch, epoch time (target ≤ 0.67) |\n\
         |---|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for pair in &n.pairs {
        let (t, ours, theirs, size) = (pair.threads, &pair.ours, &pair.theirs, pair.size.name);
        let cell = match time_ratio(pair)? {
            Some(r) if r <= TARGET_TIME_RATIO => format!("{r:.2}× (met)"),
            Some(r) => format!("**{r:.2}× (not met)**"),
            None => "—".to_owned(),
        };
        writeln!(
            s,
            "| {size} | molsig (burn flex) | {t} | {} | {} | {} | {} | {cell} |",
            seconds(number(&ours.json, "epoch_seconds")?),
            seconds(number(&ours.json, "warmup_epoch_seconds")?),
            mib(ours.peak_rss_kib),
            load(ours.others),
        )?;
        if let Some(theirs) = theirs {
            writeln!(
                s,
                "| {size} | PyTorch + pySigLib | {t} | {} | {} | {} (after `import torch`: {}) | {} | |",
                seconds(number(&theirs.json, "epoch_seconds")?),
                seconds(number(&theirs.json, "warmup_epoch_seconds")?),
                mib(theirs.peak_rss_kib),
                mib(number(&theirs.json, "import_rss_kib")?),
                load(theirs.others),
            )?;
        }
    }
    s.push('\n');
    Ok(s)
}

fn verdicts(n: &Numbers) -> Result<String> {
    let mut lines = Vec::new();
    for pair in &n.pairs {
        let Some(r) = time_ratio(pair)? else { continue };
        let (ours, theirs) = (&pair.ours, &pair.theirs);
        let disturbed = [Some(ours), theirs.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|r| r.others)
            .fold(0.0_f64, f64::max);
        let caveat = if disturbed >= DISTURBED {
            format!(
                " — **disturbed**: other processes kept {disturbed:.2} CPUs busy on average during \
                 one of these runs, so this ratio says little"
            )
        } else {
            String::new()
        };
        let mem = theirs.as_ref().map_or(String::new(), |p| {
            let met = if ours.peak_rss_kib <= p.peak_rss_kib {
                "met"
            } else {
                "**not met**"
            };
            format!(
                "; peak RSS {} for molsig, {} for PyTorch ({met})",
                mib(ours.peak_rss_kib),
                mib(p.peak_rss_kib)
            )
        });
        let speed = if r <= TARGET_TIME_RATIO {
            format!(
                "molsig's epoch takes {r:.2}× PyTorch's, {:.2}× faster (met)",
                1.0 / r
            )
        } else if r < 1.0 {
            format!(
                "**molsig's epoch takes {r:.2}× PyTorch's: {:.2}× faster, short of 1.5× (not met)**",
                1.0 / r
            )
        } else {
            format!(
                "**molsig is slower than PyTorch: its epoch takes {r:.2}× PyTorch's (not met)**"
            )
        };
        lines.push(format!(
            "- {} size, {}: {speed}{mem}{caveat}.",
            pair.size.name,
            threads(pair.threads)
        ));
    }
    if lines.is_empty() {
        return Ok(String::new());
    }
    Ok(format!(
        "**Target: a training epoch in at most 0.67× PyTorch's time on the CPU (1.5× faster), with \
         peak RSS no higher.**\n{}\n\n",
        lines.join("\n")
    ))
}

/// `PyTorch`'s per-stage split of one batch (its `--profile`), at each thread count.
fn stages(n: &Numbers) -> Result<String> {
    const STAGES: [(&str, &str); 9] = [
        ("gcn", "GCN (sparse propagation, linear, ReLU)"),
        ("level0", "MinCut level 0 (1,241 → 400 clusters)"),
        ("level1", "MinCut level 1 (400 → 200)"),
        ("level2", "MinCut level 2 (200 → 50)"),
        ("backmap", "back-mapping and L_tc"),
        ("logsig", "log-signatures (pySigLib)"),
        ("lstm+head", "LSTM, LayerNorm, head"),
        ("backward", "backward (all stages)"),
        ("optimiser", "Adam step"),
    ];
    let measured: Vec<(usize, &Run)> = n
        .pairs
        .iter()
        .filter(|p| p.size.name == GPCR.name)
        .filter_map(|p| p.theirs.as_ref().map(|r| (p.threads, r)))
        .collect();
    if measured.is_empty() {
        return Ok(String::new());
    }
    let mut s = String::from(
        "**Where PyTorch's time goes** at GPCR size (`deep_signature_torch.py --profile`: wall \
         time of each stage of one batch of 16, the mean of two batches after a warm-up batch; forward stages \
         separately, backward as a whole):\n\n| stage |",
    );
    for (t, _) in &measured {
        write!(s, " {} |", threads(*t))?;
    }
    s.push_str("\n|---|");
    s.push_str(&"---:|".repeat(measured.len()));
    s.push('\n');
    for (key, name) in STAGES {
        write!(s, "| {name} |")?;
        for (_, p) in &measured {
            let v = number(&p.json, &format!("stage_{key}"))?;
            let total = number(&p.json, "stage_total")?;
            write!(s, " {:.3} s ({:.0} %) |", v, 100.0 * v / total)?;
        }
        s.push('\n');
    }
    s.push('\n');
    Ok(s)
}

fn notes(n: &Numbers) -> String {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap_or_default();
    let burn = lock_version(&lock, "burn").unwrap_or_else(|| "?".into());
    let py = n.pairs.iter().find_map(|p| p.theirs.as_ref());
    let get = |key: &str| {
        py.map_or_else(
            || "—".to_owned(),
            |p| field(&p.json, key).unwrap_or_default(),
        )
    };
    let flex_threads = flex_features(&lock);
    format!(
        "**What is compared.**\n\
         - The same problem on both sides: `molsig bench` (`crates/molsig-cli/src/bench.rs`) builds a \
         chain of N atoms (bonds i−1–i) with a bond i−3–i at every third atom ({edges} bonds at GPCR \
         size), kept one-directional \
         (i < j) as the reference preset does, and the samples, each atom \
         coordinate a float32 random walk from its LCG; labels alternate. `tools/bench/deep_signature_torch.py` \
         rebuilds exactly that, bit for bit (the same LCG, jumped ahead with numpy).\n\
         - The same model: the `reference` preset as `tools/reference/README.md` specifies it — GCN on Âᵀ \
         (sparse: gather and scatter-add over the bonds, as molsig), MinCut levels of 8M, 4M and \
         M clusters for M beads (400, 200 and 50 at GPCR size) with softmax(tanh(frame-mean logits)), level 0 on the sparse bond adjacency, \
         `dense_mincut_pool`'s pooled adjacency, DenseGraphConv, back-mapping and the L1 temporal loss \
         against the detached Q-pooled coordinates, 4 disjoint segments (of 25 frames at GPCR size), depth-2 \
         log-signatures of the 3M-channel bead path (11,325 features each at GPCR size), LSTM(256) → LayerNorm → \
         Linear(256→20) + tanh → dropout 0.2 → Linear(20→1), loss 10·BCE-with-logits(σ(logit)) + \
         0.01·L_tc + Σ(cut + orth), Adam (lr 1e-3, weight decay 5e-4, eps 1e-8); {params} parameters \
         (PyTorch's count, GPCR size). {check}\n\
         - The same schedule: one warm-up epoch (not in the ratio), then the timed epochs, their mean; \
         every epoch a shuffled pass over all samples, one backward pass and one Adam step per \
         batch, the batch's losses and probabilities read back (molsig's loop does it for its progress \
         events and metrics; the script does the same).\n\
         - PyTorch: float32 tensors, `torch.set_num_threads(threads)` (OpenMP/MKL), pySigLib's \
         `log_sig(…, method=2, n_jobs=threads)` with its autograd (`Sig` then `SigToLogSig`), \
         `nn.LSTM`, `torch.optim.Adam`; eager mode, no `torch.compile`. Its peak RSS includes PyTorch \
         itself, shown apart (`import torch` and pySigLib before any tensor).\n\
         - molsig has no thread setting. {flex_threads} molsig-signature's log-signature spreads the batch \
         over `available_parallelism()` threads. The 1-thread rows run both programs under `taskset -c` \
         on one CPU (`available_parallelism()` follows the affinity mask; PyTorch also gets \
         `--threads 1`); the other rows run unpinned.\n\
         - molsig's CLI asks glibc's malloc to keep freed memory in the heap \
         (`crates/molsig-cli/src/allocator.rs`: `M_MMAP_MAX` 0, no trimming); PyTorch's CPU \
         allocator runs on the same glibc malloc with its defaults.\n\
         - No GPU here: the GPU epoch (burn's wgpu on Vulkan, against the authors' published \
         ≈4.4 s per epoch on one GPU) is measured by `tools/device/gpu-bench.sh` on a machine \
         with one, not by this benchmark.\n\
         - Peak RSS: {rss}, the whole process (for both: the samples held in memory included: {data_mib:.0} MiB at GPCR size).\n\
         - The ratio is molsig's timed-epoch seconds over PyTorch's at the same size and thread count: \
         below 1, molsig is faster. Both programs ran back to back on the same machine, molsig first at each \
         thread count. Before each run xtask waits (up to {quiet} s) until other processes use less \
         than {DISTURBED} CPUs; \"other processes' load\" is the machine's busy CPU time during the run \
         (`/proc/stat`; for a pinned run, only its CPU's) minus the run's own (user + system), per \
         second of the run: a run with more \
         than {DISTURBED} CPUs of it shared the machine, and a thread count that finds its CPUs taken \
         suffers most (PyTorch's OpenMP threads wait for each other).\n\n\
         **Machine.** {}; load average {} when the run started.\n\n\
         **Versions.** molsig {} ({}, burn {burn}); PyTorch {} ({} BLAS), pySigLib {}, numpy {}, \
         Python {}.\n",
        machine(),
        n.load_before,
        env!("CARGO_PKG_VERSION"),
        version("rustc", &["--version"]),
        get("torch"),
        get("torch_blas"),
        get("pysiglib"),
        get("numpy"),
        get("python"),
        edges = grouped(((GPCR.atoms - 1) + (GPCR.atoms - 1) / 3) as f64),
        params = get("parameters"),
        check = if n.check.is_empty() {
            String::new()
        } else {
            format!(
                "Checked in this run: on a random case of `tools/reference/deep_signature_numpy.py \
                 --make-case`, the PyTorch model in float64 reproduces the NumPy reference's outputs \
                 and losses (worst relative difference {}), and pySigLib's depth-2 log-signature equals \
                 iisignature's and [increments, Lévy areas], forward and gradient.",
                n.check
                    .rsplit("worst ")
                    .next()
                    .unwrap_or_default()
                    .trim_end_matches(')')
            )
        },
        rss = n.rss_method,
        quiet = QUIET_WAIT.as_secs(),
        data_mib = (GPCR.samples * GPCR.atoms * GPCR.frames * 3 * 4) as f64 / (1024.0 * 1024.0),
    )
}

/// What Cargo.lock says about burn-flex's threads: it depends on rayon only with its `rayon`
/// feature.
fn flex_features(lock: &str) -> String {
    let deps = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"burn-flex\""))
        .unwrap_or_default();
    if deps.contains("\"rayon") {
        "burn's flex backend is built with its `rayon` feature here (Cargo.lock), so its operations \
         use rayon's pool, one thread per CPU of the affinity mask."
            .to_owned()
    } else {
        "burn's flex backend is built without its `rayon` feature here (Cargo.lock: burn-flex depends \
         on no rayon, and gemm on none either), so every burn operation — matrix products included — \
         runs on the calling thread, whatever the thread count;"
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::{
        DEMO, GPCR, Numbers, Pair, Run, busy_of, flex_features, section, time_field, vm_hwm_kib,
    };

    fn run(json: &str, kib: f64) -> Run {
        Run {
            json: json.to_owned(),
            peak_rss_kib: kib,
            others: Some(0.05),
        }
    }

    fn numbers(torch: bool) -> Numbers {
        let ours = |s: f64| {
            run(
                &format!(
                    "{{\"model\":\"deep-signature (reference)\",\"warmup_epoch_seconds\":{s},\"epoch_seconds\":{s}}}"
                ),
                1024.0 * 800.0,
            )
        };
        let theirs = |s: f64| {
            let mut json = format!(
                "{{\"epoch_seconds\":{s},\"warmup_epoch_seconds\":{s},\"import_rss_kib\":512000,\
                 \"parameters\":11700000,\"torch\":\"2.15.0\",\"torch_blas\":\"mkl\",\
                 \"pysiglib\":\"4.0.0\",\"numpy\":\"2.4.6\",\"python\":\"3.11.7\",\"stage_total\":2.0"
            );
            for k in [
                "gcn",
                "level0",
                "level1",
                "level2",
                "backmap",
                "logsig",
                "lstm+head",
                "backward",
                "optimiser",
            ] {
                let _ = write!(json, ",\"stage_{k}\":0.2");
            }
            json.push('}');
            run(&json, 1024.0 * 1500.0)
        };
        let pair = |size, threads, (o, t): (f64, f64)| Pair {
            size,
            threads,
            ours: ours(o),
            theirs: torch.then(|| theirs(t)),
        };
        Numbers {
            pairs: vec![
                pair(GPCR, 1, (40.0, 80.0)),
                pair(GPCR, 2, (30.0, 20.0)),
                pair(DEMO, 1, (1.0, 1.2)),
                pair(DEMO, 2, (0.5, 0.4)),
            ],
            torch_missing: (!torch).then(|| "no PyTorch".to_owned()),
            check: "x.json: the PyTorch model agrees with the NumPy reference (worst 3.3e-15)"
                .to_owned(),
            rss_method: "test",
            load_before: "0.00 0.00 0.00".to_owned(),
            seconds: 1.0,
        }
    }

    #[test]
    fn the_section_marks_the_target_per_thread_count() {
        let s = section(&numbers(true)).expect("section");
        assert!(
            s.contains(
                "| GPCR | molsig (burn flex) | 1 | 40.0 | 40.0 | 800 MiB | 0.05 CPUs | 0.50× (met) |"
            ),
            "{s}"
        );
        assert!(s.contains("| GPCR | PyTorch + pySigLib | 1 | 80.0 | 80.0 | 1500 MiB (after `import torch`: 500 MiB) | 0.05 CPUs | |"), "{s}");
        assert!(
            s.contains("| GPCR | molsig (burn flex) | 2 | 30.0 | 30.0 | 800 MiB | 0.05 CPUs | **1.50× (not met)** |"),
            "{s}"
        );
        assert!(
            s.contains("| demo | molsig (burn flex) | 1 | 1.00 | 1.00 | 800 MiB | 0.05 CPUs | **0.83× (not met)** |"),
            "{s}"
        );
        assert!(
            s.contains(
                "- GPCR size, 1 thread: molsig's epoch takes 0.50× PyTorch's, 2.00× faster (met); \
                 peak RSS 800 MiB for molsig, 1500 MiB for PyTorch (met)."
            ),
            "{s}"
        );
        assert!(
            s.contains(
                "- GPCR size, 2 threads: **molsig is slower than PyTorch: its epoch takes 1.50× PyTorch's (not met)**"
            ),
            "{s}"
        );
        assert!(
            s.contains("- demo size, 1 thread: **molsig's epoch takes 0.83× PyTorch's: 1.20× faster, short of 1.5× (not met)**"),
            "{s}"
        );
        assert!(
            s.contains("| demo | PyTorch + pySigLib | 2 | 0.400 | 0.400 |"),
            "{s}"
        );
        assert!(s.contains("the web page's demo size (67 atoms,"), "{s}");
        assert!(
            s.contains("| Adam step | 0.200 s (10 %) | 0.200 s (10 %) |"),
            "{s}"
        );
        assert!(s.contains("(worst relative difference 3.3e-15)"), "{s}");
        assert!(!s.contains("**disturbed**"), "{s}");
    }

    #[test]
    fn disturbed_runs_are_marked() {
        let mut n = numbers(true);
        n.pairs[1].theirs.as_mut().expect("pytorch").others = Some(0.9);
        let s = section(&n).expect("section");
        assert!(s.contains("| **0.90 CPUs (disturbed)** |"), "{s}");
        assert!(
            s.contains("PyTorch (met) — **disturbed**: other processes kept 0.90 CPUs"),
            "{s}"
        );
    }

    #[test]
    fn the_section_without_pytorch() {
        let s = section(&numbers(false)).expect("section");
        assert!(
            s.contains("**PyTorch is missing from this run** (no PyTorch)"),
            "{s}"
        );
        assert!(
            s.contains("| GPCR | molsig (burn flex) | 1 | 40.0 | 40.0 | 800 MiB | 0.05 CPUs | — |"),
            "{s}"
        );
        assert!(!s.contains("Where PyTorch's time goes"), "{s}");
    }

    #[test]
    fn peak_memory_reports_are_read() {
        let time = "\tCommand being timed: \"x\"\n\tMaximum resident set size (kbytes): 218208\n";
        let key = "Maximum resident set size (kbytes):";
        assert_eq!(time_field(time, key), Some(218_208.0));
        assert_eq!(time_field("nothing", key), None);
        let line = "cpu  2681693 223167 313787 1926563 16475 0 2160 3250 0 0";
        let busy = busy_of(line, "cpu");
        assert!((busy.expect("busy") - 32_240.57).abs() < 1e-6);
        assert_eq!(busy_of(line, "cpu0"), None);
        assert_eq!(busy_of("cpu1 100 0 100 5 0 0 0 0 0 0", "cpu1"), Some(2.0));
        let status = "Name:\tmolsig\nVmPeak:\t  900 kB\nVmHWM:\t   12345 kB\nVmRSS:\t 100 kB\n";
        assert_eq!(vm_hwm_kib(status), Some(12_345.0));
    }

    #[test]
    fn flex_threads_are_read_from_the_lockfile() {
        let without = "[[package]]\nname = \"burn-flex\"\nversion = \"0.22.1\"\ndependencies = [\n \"gemm\",\n]\n\n[[package]]\nname = \"rayon\"\n";
        assert!(flex_features(without).contains("without its `rayon` feature"));
        let with =
            "[[package]]\nname = \"burn-flex\"\ndependencies = [\n \"gemm\",\n \"rayon\",\n]\n";
        assert!(flex_features(with).contains("with its `rayon` feature"));
    }
}
