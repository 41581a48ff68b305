//! Times signature and log-signature, forward and backward, on the benchmark shapes; prints one
//! JSON line.
//!
//! The same program runs natively and as `wasm32-wasip1` under Node's WASI
//! (`tools/bench/run-wasi.mjs`), so `cargo xtask bench` compares native and wasm on the same code and
//! the same inputs; iisignature and pySigLib (`tools/bench/signature_python.py`) read the same
//! inputs from the same files.
//!
//! ```sh
//! cargo run --release -p molsig-signature --example signature_bench -- DIR \
//!     [--rounds N] [--threads N] [--write-inputs] [--write-outputs] [--shapes 32x100x150x2,...]
//! ```
//!
//! - `DIR` holds the inputs as raw little-endian f64: `shapes.txt` (one shape a line:
//!   `batch length channels depth siglen logsiglen`), and per shape `s<i>_path.f64`
//!   (`[batch, length, channels]`), `s<i>_grad_sig.f64` and `s<i>_grad_logsig.f64` (∂F/∂output for
//!   the backward passes). `--write-inputs` makes them first (fixed seed, [`SHAPES`] or `--shapes`);
//!   without it they are read.
//! - `--write-outputs` writes molsig's single-threaded outputs as
//!   `s<i>_<runtime>_<sig|logsig>_<forward|backward>.f64` (runtime `native`, `wasm`, or
//!   `wasm-simd128` when built with `-C target-feature=+simd128`), for the Python script to check.
//! - Each case runs once to warm up (and for the outputs), then `--rounds` times (default 5); the
//!   median is reported, in seconds, as `s<i>.t<threads>.<case>`. Natively the cases run with one
//!   thread and again with `--threads` (default: every available CPU), checked to give the same
//!   numbers; in wasm with one thread only.
//! - Everything is f64. Set-up (`Signature::new`, `LogSignature::new` with its Lyndon basis,
//!   `Paths::new` with its finiteness check) is done once per shape, untimed, as the Python side
//!   prepares its bases once.

use std::error::Error;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use molsig_rng::SplitMix64;
use molsig_signature::{BackwardMode, LogSignature, Paths, Signature};

/// The issue's shapes: (batch, length, channels, depth).
pub const SHAPES: [[usize; 4]; 3] = [[32, 100, 150, 2], [32, 100, 8, 4], [128, 1000, 3, 5]];

/// The four timed operations, in report order.
pub const CASES: [&str; 4] = [
    "sig_forward",
    "sig_backward",
    "logsig_forward",
    "logsig_backward",
];

/// The inputs of one shape: paths and the two output gradients, all f64.
pub struct Inputs {
    /// (batch, length, channels, depth).
    pub shape: [usize; 4],
    /// `[batch, length, channels]`.
    pub path: Vec<f64>,
    /// `[batch, siglen]`.
    pub grad_sig: Vec<f64>,
    /// `[batch, logsiglen]`.
    pub grad_logsig: Vec<f64>,
}

impl Inputs {
    /// Random walks starting at a random point in [−1, 1)^d whose increments are uniform with
    /// variance 1/(length − 1), so every channel moves by about 1 over the path and signature
    /// level k is of order 1/k!; gradients uniform in [−1, 1). Seeded by the shape.
    ///
    /// # Errors
    /// A shape the crate rejects.
    pub fn generate(shape: [usize; 4]) -> Result<Self, Box<dyn Error>> {
        let [batch, length, d, depth] = shape;
        let mut rng = SplitMix64::new(shape.iter().fold(0x6d6f_6c73_6967, |s, &v| {
            s.wrapping_mul(31).wrapping_add(v as u64)
        }));
        let step = (3.0 / (length.max(2) - 1) as f64).sqrt();
        let mut path = Vec::with_capacity(batch * length * d);
        for _ in 0..batch {
            let mut point: Vec<f64> = (0..d).map(|_| rng.symmetric()).collect();
            for _ in 0..length {
                path.extend_from_slice(&point);
                for x in &mut point {
                    *x += step * rng.symmetric();
                }
            }
        }
        let siglen = Signature::new(d, depth)?.len();
        let logsiglen = LogSignature::new(d, depth)?.len();
        let grad_sig = (0..batch * siglen).map(|_| rng.symmetric()).collect();
        let grad_logsig = (0..batch * logsiglen).map(|_| rng.symmetric()).collect();
        Ok(Self {
            shape,
            path,
            grad_sig,
            grad_logsig,
        })
    }
}

fn write_f64(path: &Path, values: &[f64]) -> Result<(), Box<dyn Error>> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(path, bytes).map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(())
}

fn read_f64(path: &Path, expected: usize) -> Result<Vec<f64>, Box<dyn Error>> {
    let bytes = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    if bytes.len() != expected * 8 {
        return Err(format!(
            "{}: {} bytes, expected {expected} f64",
            path.display(),
            bytes.len()
        )
        .into());
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().unwrap_or_default()))
        .collect())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Seconds of the median of `rounds` calls after one warm-up call, and the warm-up's output.
fn time<F>(rounds: usize, mut call: F) -> Result<(f64, Vec<f64>), Box<dyn Error>>
where
    F: FnMut() -> molsig_signature::Result<Vec<f64>>,
{
    let output = call()?;
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        black_box(call()?);
        times.push(start.elapsed().as_secs_f64());
    }
    Ok((median(times), output))
}

/// One timed case: its name, the median seconds, and its output.
pub type Timed = (&'static str, f64, Vec<f64>);

/// Every case of one shape with `threads` threads.
///
/// # Errors
/// Whatever the crate reports.
pub fn run_cases(
    inputs: &Inputs,
    threads: usize,
    rounds: usize,
) -> Result<Vec<Timed>, Box<dyn Error>> {
    let [batch, length, d, depth] = inputs.shape;
    let paths = Paths::new(&inputs.path, batch, length, d)?;
    let sig = Signature::new(d, depth)?.with_threads(threads);
    let logsig = LogSignature::new(d, depth)?.with_threads(threads);
    let mode = BackwardMode::Auto;
    let mut out = Vec::with_capacity(CASES.len());
    for case in CASES {
        let (seconds, output) = match case {
            "sig_forward" => time(rounds, || sig.forward(&paths))?,
            "sig_backward" => time(rounds, || sig.backward(&paths, &inputs.grad_sig, mode))?,
            "logsig_forward" => time(rounds, || logsig.forward(&paths))?,
            _ => time(rounds, || {
                logsig.backward(&paths, &inputs.grad_logsig, mode)
            })?,
        };
        out.push((case, seconds, output));
    }
    Ok(out)
}

struct Options {
    dir: PathBuf,
    rounds: usize,
    threads: usize,
    write_inputs: bool,
    write_outputs: bool,
    shapes: Vec<[usize; 4]>,
}

fn parse_shape(text: &str) -> Result<[usize; 4], Box<dyn Error>> {
    let v: Vec<usize> = text
        .split('x')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("shape {text:?}: {e}"))?;
    <[usize; 4]>::try_from(v).map_err(|_| format!("shape {text:?} is not BxLxDxDEPTH").into())
}

fn options() -> Result<Options, Box<dyn Error>> {
    let usage = "usage: signature_bench DIR [--rounds N] [--threads N] [--write-inputs] \
                 [--write-outputs] [--shapes BxLxDxDEPTH,...]";
    let mut args = std::env::args().skip(1);
    let mut o = Options {
        dir: args.next().ok_or(usage)?.into(),
        rounds: 5,
        threads: std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        write_inputs: false,
        write_outputs: false,
        shapes: SHAPES.to_vec(),
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--rounds" => o.rounds = value()?.parse()?,
            "--threads" => o.threads = value()?.parse()?,
            "--write-inputs" => o.write_inputs = true,
            "--write-outputs" => o.write_outputs = true,
            "--shapes" => {
                o.shapes = value()?
                    .split(',')
                    .map(parse_shape)
                    .collect::<Result<_, _>>()?;
            }
            _ => return Err(format!("unknown argument {arg:?}; {usage}").into()),
        }
    }
    if cfg!(target_family = "wasm") {
        o.threads = 1;
    }
    Ok(o)
}

/// Writes fresh inputs for `shapes` into `dir`, with `shapes.txt`.
fn write_inputs(dir: &Path, shapes: &[[usize; 4]]) -> Result<Vec<Inputs>, Box<dyn Error>> {
    std::fs::create_dir_all(dir)?;
    let mut list = String::new();
    let mut all = Vec::new();
    for (i, &shape) in shapes.iter().enumerate() {
        let inputs = Inputs::generate(shape)?;
        let [batch, length, d, depth] = shape;
        writeln!(
            list,
            "{batch} {length} {d} {depth} {} {}",
            inputs.grad_sig.len() / batch,
            inputs.grad_logsig.len() / batch
        )?;
        write_f64(&dir.join(format!("s{i}_path.f64")), &inputs.path)?;
        write_f64(&dir.join(format!("s{i}_grad_sig.f64")), &inputs.grad_sig)?;
        write_f64(
            &dir.join(format!("s{i}_grad_logsig.f64")),
            &inputs.grad_logsig,
        )?;
        all.push(inputs);
    }
    std::fs::write(dir.join("shapes.txt"), list)?;
    Ok(all)
}

/// Reads the inputs `write_inputs` wrote.
fn read_inputs(dir: &Path) -> Result<Vec<Inputs>, Box<dyn Error>> {
    let list = std::fs::read_to_string(dir.join("shapes.txt"))
        .map_err(|e| format!("reading {}/shapes.txt: {e}", dir.display()))?;
    let mut all = Vec::new();
    for (i, line) in list.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let v: Vec<usize> = line
            .split_whitespace()
            .map(str::parse)
            .collect::<Result<_, _>>()?;
        let &[batch, length, d, depth, siglen, logsiglen] = v.as_slice() else {
            return Err(format!("shapes.txt line {line:?}").into());
        };
        all.push(Inputs {
            shape: [batch, length, d, depth],
            path: read_f64(&dir.join(format!("s{i}_path.f64")), batch * length * d)?,
            grad_sig: read_f64(&dir.join(format!("s{i}_grad_sig.f64")), batch * siglen)?,
            grad_logsig: read_f64(
                &dir.join(format!("s{i}_grad_logsig.f64")),
                batch * logsiglen,
            )?,
        });
    }
    Ok(all)
}

/// Largest |a − b| relative to the largest |b|.
fn relative_difference(a: &[f64], b: &[f64]) -> f64 {
    let scale = b
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    if a.len() != b.len() {
        return f64::INFINITY;
    }
    a.iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
        / scale
}

fn main() -> Result<(), Box<dyn Error>> {
    let o = options()?;
    let runtime = if cfg!(target_feature = "simd128") {
        "wasm-simd128"
    } else if cfg!(target_family = "wasm") {
        "wasm"
    } else {
        "native"
    };
    let all = if o.write_inputs {
        write_inputs(&o.dir, &o.shapes)?
    } else {
        read_inputs(&o.dir)?
    };
    let mut json = format!(
        "{{\"runtime\":\"{runtime}\",\"rounds\":{},\"threads\":{},\"shapes\":{}",
        o.rounds,
        o.threads,
        all.len()
    );
    let mut threads_differ = 0.0f64;
    for (i, inputs) in all.iter().enumerate() {
        let start = Instant::now();
        let single = run_cases(inputs, 1, o.rounds)?;
        for (case, seconds, output) in &single {
            write!(json, ",\"s{i}.t1.{case}\":{seconds:.9}")?;
            if o.write_outputs {
                write_f64(&o.dir.join(format!("s{i}_{runtime}_{case}.f64")), output)?;
            }
        }
        if o.threads > 1 {
            for ((case, seconds, output), (_, _, one)) in
                run_cases(inputs, o.threads, o.rounds)?.iter().zip(&single)
            {
                write!(json, ",\"s{i}.t{}.{case}\":{seconds:.9}", o.threads)?;
                threads_differ = threads_differ.max(relative_difference(output, one));
            }
        }
        eprintln!(
            "signature_bench ({runtime}): shape {:?} in {:.1} s",
            inputs.shape,
            start.elapsed().as_secs_f64()
        );
    }
    // Each path is computed by one thread in the same order whatever the thread count.
    if threads_differ > 0.0 {
        return Err(format!(
            "{} threads differ from one by {threads_differ:e} (relative)",
            o.threads
        )
        .into());
    }
    json.push('}');
    println!("{json}");
    Ok(())
}
