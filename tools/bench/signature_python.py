"""Times iisignature and pySigLib on molsig's signature benchmark inputs; prints one JSON line.

Usage: python signature_python.py DIR THREADS [ROUNDS]

Run by `cargo xtask bench` (xtask/src/bench.rs) in the same run as molsig, on the very inputs molsig
used: `crates/molsig-signature/examples/signature_bench.rs` writes them into DIR as raw
little-endian f64 files, with `shapes.txt` listing one shape per line
(`batch length channels depth siglen logsiglen`) and, per shape `s<i>_`:
- `path.f64`: the paths, `[batch, length, channels]`;
- `grad_sig.f64`, `grad_logsig.f64`: ∂F/∂output for the backward passes, `[batch, siglen]` and
  `[batch, logsiglen]`;
- `<runtime>_<sig|logsig>_<forward|backward>.f64`: molsig's own outputs (runtime `native`, and
  `wasm`, `wasm-simd128` when those runs wrote them).

Everything is f64: the inputs, both libraries' computations and the comparisons.

What is timed (median of ROUNDS calls after one warm-up call; the preparation of log-signature
bases, `iisignature.prepare` and `pysiglib.prepare_log_sig`, is done once, untimed):
- iisignature (single-threaded): `sig(path, D)`, `logsig(path, prepare(d, D))` (default method,
  Lyndon basis), `sigbackprop(grad, path, D)`, `logsigbackprop(grad, path, prepare(d, D))`; its
  backward functions take the path and recompute what they need, as molsig's do.
- pySigLib, with `n_jobs=1` and `n_jobs=THREADS`: `sig(path, D)`,
  `log_sig(path, D, method=2)` (method 2: the Lyndon basis, the same numbers as iisignature),
  `sig_backprop(path, sig, grad, D)` and, for the log-signature,
  `sig_backprop(path, sig, sig_to_log_sig_backprop(sig, grad, d, D, method=2), D)` — the chain its
  own PyTorch autograd runs. Its backward API takes the forward signature as an input (its autograd
  saves it), so its backward times leave the forward out: a harder target for molsig, whose
  backward takes only the path (xtask adds pySigLib's `sig` time to show the difference).

Before anything is reported, the outputs must agree: pySigLib and every molsig output file present
with iisignature, forward to 1e-9 of the largest magnitude of iisignature's output and backward to
1e-5 (iisignature 0.24 returns gradients as float32, and its depth-2 logsigbackprop loses a little
more), and every float64 gradient (molsig's) with pySigLib's to 1e-9. A disagreement exits with status 1 and says where; a benchmark of
wrong answers is worthless.

pySigLib is optional: when it cannot be imported (it pulls in PyTorch), the JSON says
`"pysiglib": "missing"` with the reason in `pysiglib_error`, and iisignature is still timed.

The printed object is flat (xtask reads it without a JSON library): times in seconds under
`s<i>.iisignature.<case>` and `s<i>.pysiglib.<n_jobs>.<case>`, case `<sig|logsig>_<forward|backward>`,
and the checks' max relative differences under `s<i>.error.<who>.<case>`.
"""

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import iisignature
import numpy

try:
    import pysiglib

    PYSIGLIB_ERROR = None
except Exception as error:  # noqa: BLE001 — any import failure means "not available"
    pysiglib = None
    PYSIGLIB_ERROR = f"{type(error).__name__}: {error}"

CASES = ("sig_forward", "logsig_forward", "sig_backward", "logsig_backward")
# Relative to the largest magnitude of the reference. iisignature 0.24 returns gradients as float32
# (and its logsigbackprop at depth 2 is off by up to ~4e-6 of the largest value, more than float32
# rounding), hence the looser BACKWARD_TOL against it; float64 gradients (molsig's, pySigLib's) are
# compared with each other to F64_BACKWARD_TOL.
FORWARD_TOL = 1e-9
BACKWARD_TOL = 1e-5
F64_BACKWARD_TOL = 1e-9


def load(path: Path, shape: tuple) -> numpy.ndarray:
    data = numpy.fromfile(path, dtype="<f8")
    expected = int(numpy.prod(shape))
    if data.size != expected:
        sys.exit(f"{path}: {data.size} values, expected {expected} for shape {shape}")
    # A contiguous array that owns its data: pySigLib copies views before every call otherwise.
    return numpy.array(data.reshape(shape), order="C", copy=True)


def median_time(call, rounds: int):
    """(median seconds over `rounds` calls after one warm-up call, the warm-up's result)."""
    result = call()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def check(what: str, got: numpy.ndarray, want: numpy.ndarray, tol: float, failures: list) -> float:
    """Max |got - want| relative to max |want|; records a failure above `tol`."""
    if got.shape != want.shape:
        failures.append(f"{what}: shape {got.shape}, expected {want.shape}")
        return float("inf")
    scale = max(float(numpy.abs(want).max()), 1e-300)
    err = float(numpy.abs(got - want).max()) / scale
    if not err <= tol:
        failures.append(f"{what}: max relative difference {err:.3g} > {tol:g}")
    return err


def bench_shape(
    i: int, shape: list, directory: Path, threads: int, rounds: int, out: dict, failures: list
) -> None:
    """Times shape `i` and checks every output; adds `s<i>.…` keys to `out`."""
    batch, length, d, depth, siglen, logsiglen = shape
    prefix = directory / f"s{i}_"
    path = load(Path(f"{prefix}path.f64"), (batch, length, d))
    grad_sig = load(Path(f"{prefix}grad_sig.f64"), (batch, siglen))
    grad_logsig = load(Path(f"{prefix}grad_logsig.f64"), (batch, logsiglen))
    name = f"({batch}, {length}, {d}, {depth})"
    key = f"s{i}."
    if iisignature.siglength(d, depth) != siglen or iisignature.logsiglength(d, depth) != logsiglen:
        failures.append(f"{name}: molsig's lengths {siglen}, {logsiglen} differ from iisignature's")
        return
    # Every output, by who computed it and case; checked once everything has run.
    outputs = {}

    prepared = iisignature.prepare(d, depth)
    calls = {
        "sig_forward": lambda: iisignature.sig(path, depth),
        "logsig_forward": lambda: iisignature.logsig(path, prepared),
        "sig_backward": lambda: iisignature.sigbackprop(grad_sig, path, depth),
        "logsig_backward": lambda: iisignature.logsigbackprop(grad_logsig, path, prepared),
    }
    outputs["iisignature"] = {}
    for case, call in calls.items():
        out[f"{key}iisignature.{case}"], outputs["iisignature"][case] = median_time(call, rounds)

    if pysiglib is not None:
        pysiglib.prepare_log_sig(d, depth, method=2, device="cpu")
        sig = pysiglib.sig(path, depth)
        for jobs in sorted({1, threads}):
            def logsig_backward(jobs=jobs):
                dsig = pysiglib.sig_to_log_sig_backprop(sig, grad_logsig, d, depth, method=2, n_jobs=jobs)
                return pysiglib.sig_backprop(path, sig, dsig, depth, n_jobs=jobs)

            calls = {
                "sig_forward": lambda jobs=jobs: pysiglib.sig(path, depth, n_jobs=jobs),
                "logsig_forward": lambda jobs=jobs: pysiglib.log_sig(path, depth, method=2, n_jobs=jobs),
                "sig_backward": lambda jobs=jobs: pysiglib.sig_backprop(path, sig, grad_sig, depth, n_jobs=jobs),
                "logsig_backward": logsig_backward,
            }
            who = outputs[f"pysiglib_{jobs}"] = {}
            for case, call in calls.items():
                out[f"{key}pysiglib.{jobs}.{case}"], who[case] = median_time(call, rounds)

    # molsig's own outputs, natively and in wasm (whichever wasm files exist).
    for runtime in ("native", "wasm", "wasm-simd128"):
        for case in CASES:
            file = Path(f"{prefix}{runtime}_{case}.f64")
            if file.exists():
                want = outputs["iisignature"][case].shape
                outputs.setdefault(f"molsig_{runtime}", {})[case] = load(file, want)
            elif runtime == "native":
                failures.append(f"{name}: no molsig output {file}")

    # Everyone against iisignature (its gradients are float32: tolerance BACKWARD_TOL), and the
    # gradients again against pySigLib's float64 ones, tightly.
    backward = [c for c in CASES if c.endswith("backward")]
    loose = {c: BACKWARD_TOL if c in backward else FORWARD_TOL for c in CASES}
    references = [("iisignature", outputs["iisignature"], loose)]
    if "pysiglib_1" in outputs:
        references.append(("pysiglib_1", outputs["pysiglib_1"], {c: F64_BACKWARD_TOL for c in backward}))
    for ref_name, reference, tolerances in references:
        for who, got in outputs.items():
            if who == ref_name or (who == "iisignature" and ref_name != "iisignature"):
                continue
            for case, value in got.items():
                if case not in tolerances:
                    continue
                out[f"{key}error.{who}.{case}.vs_{ref_name}"] = check(
                    f"{name} {who} {case} vs {ref_name}",
                    numpy.asarray(value),
                    reference[case],
                    tolerances[case],
                    failures,
                )


def main() -> None:
    directory = Path(sys.argv[1])
    threads = int(sys.argv[2])
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    shapes = [
        [int(v) for v in line.split()]
        for line in (directory / "shapes.txt").read_text().splitlines()
        if line.strip()
    ]
    # A flat object (xtask reads it without a JSON library): times in seconds under
    # `s<i>.<library>[.<n_jobs>].<sig|logsig>_<forward|backward>`, and the agreement checks' max
    # relative differences under `s<i>.error.…`.
    out = {
        "runtime": "python",
        "dtype": "float64",
        "rounds": rounds,
        "threads": threads,
        "cpus": len(os.sched_getaffinity(0)),
        "iisignature": iisignature.version(),
        "pysiglib": pysiglib.__version__ if pysiglib is not None else "missing",
        "pysiglib_error": PYSIGLIB_ERROR or "",
        "torch": sys.modules["torch"].__version__ if "torch" in sys.modules else "missing",
        "numpy": numpy.__version__,
        "python": platform.python_version(),
        "shapes": len(shapes),
    }
    failures: list = []
    for i, shape in enumerate(shapes):
        start = time.perf_counter()
        bench_shape(i, shape, directory, threads, rounds, out, failures)
        seconds = time.perf_counter() - start
        print(f"signature_python.py: shape {shape[:4]} in {seconds:.1f} s", file=sys.stderr)
    if failures:
        for failure in failures:
            print(f"signature_python.py: DISAGREEMENT: {failure}", file=sys.stderr)
        sys.exit(1)
    # The largest differences over every shape, for the report.
    # Keys are `s<i>.error.<who>.<case>.vs_<reference>`.
    errors = [(k.split(".")[3], k.split(".")[4], v) for k, v in out.items() if ".error." in k]
    out["max_error_forward"] = max((v for c, _, v in errors if c.endswith("forward")), default=0.0)
    out["max_error_backward_vs_iisignature"] = max(
        (v for c, r, v in errors if c.endswith("backward") and r == "vs_iisignature"), default=0.0
    )
    out["max_error_backward_vs_pysiglib"] = max(
        (v for c, r, v in errors if c.endswith("backward") and r == "vs_pysiglib_1"), default=-1.0
    )
    print(json.dumps(out, separators=(",", ":")))


if __name__ == "__main__":
    main()
