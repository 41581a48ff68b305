"""Deep Signature (`reference` preset) in PyTorch on the CPU: training-epoch time; one JSON line.

Usage:
    python deep_signature_torch.py [--atoms 1241] [--frames 100] [--beads 50] [--samples 400]
        [--batch-size 16] [--epochs 1] [--threads N] [--logsig pysiglib|torch] [--profile]
    python deep_signature_torch.py --check [CASE.json]

Run by `cargo xtask bench model` (xtask/src/bench/model.rs) in the same run as
`molsig bench --model reference` (crates/molsig-cli/src/bench.rs), on the same problem:

- the same graph: a chain of `atoms` atoms (bonds i−1–i) plus a bond i−3–i for every third atom,
  kept one-directional (i < j) as the reference preset does;
- the same coordinates, bit for bit: molsig's LCG (`noise` in bench.rs), consumed atom-coordinate
  by atom-coordinate and frame by frame, a float32 random walk per coordinate starting at
  0.01·index, `samples` samples of `frames` frames; labels alternate (sample s has class s % 2);
- the same model (tools/reference/README.md is its specification; float32 here): GCN on Âᵀ
  (sparse gather + index_add_), three MinCut levels of 8M, 4M and M clusters with
  softmax(tanh(mean over frames of the assignment logits)) (level 0 on the raw sparse bond
  adjacency, later levels dense), dense_mincut_pool's normalised pooled adjacency, DenseGraphConv,
  back-mapping, L1 temporal loss against the Q-weighted (detached) pooled coordinates, 4 disjoint
  segments, depth-2 log-signatures (pySigLib, Lyndon basis, with its autograd), LSTM(256) →
  LayerNorm → Linear(256→20) + tanh → dropout 0.2 → Linear(20→1), loss
  10·BCE-with-logits(σ(logit)) + 0.01·L_tc + Σ_levels(cut + orth); Adam (lr 1e-3,
  weight_decay 5e-4, eps 1e-8), hidden width 20;
- the same schedule: one warm-up epoch, then `epochs` timed epochs, each a shuffled pass over all
  samples in mini-batches of `batch_size`, one optimiser step per batch, the batch's losses and
  probabilities read back (as molsig's loop does for its progress events and metrics).

As molsig does, the assignment logits are computed from the frame-averaged features (the mean over
frames commutes with the affine map; T times less work), and tensors are atoms-major
[batch, atoms, frames, features] so pooling is one batched matrix product.

`--threads N` sets `torch.set_num_threads(N)` and pySigLib's `n_jobs`. `--logsig torch` replaces
pySigLib by depth-2 log-signatures written in PyTorch (increments and Lévy areas, autograd through
torch), to show what the signature library costs. `--profile` prints a per-stage breakdown of one
batch (forward stages, backward, optimiser) to stderr.

`--check` verifies, before anything else, that (1) pySigLib's depth-2 `log_sig(method=2)` equals
iisignature's `logsig` and [increments, Lévy areas] by hand, and its autograd gradient equals the
gradient of that formula; (2) with CASE.json (a case from `tools/reference/deep_signature_numpy.py
--make-case`), this model in float64 reproduces the NumPy reference's outputs. Every run does (1)
on small paths before timing.

Printed (one line, flat JSON): warmup_epoch_seconds, epoch_seconds (mean of the timed epochs),
total_seconds, peak_rss_kib (getrusage ru_maxrss: the whole process, PyTorch itself included),
final_loss, versions, threads; with `--profile`, `stage_<name>` seconds and `stage_total`.
"""

import argparse
import json
import warnings
import platform
import resource
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import pysiglib
import pysiglib.torch_api as pysiglib_torch

IMPORT_RSS_KIB = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

# pySigLib copies views it is given (once per call, small here) and says so once; not an error.
warnings.filterwarnings("ignore", message="Detected a non-contiguous or view-based array")

DEPTH = 2
SEGMENTS = 4
LEVEL_FACTORS = (8, 4, 1)
HIDDEN = 20
LSTM_HIDDEN = 256
DROPOUT = 0.2
LOSS_WEIGHTS = {"classification": 10.0, "temporal": 0.01, "clustering": 1.0}
MINCUT_EPS = 1e-15
LCG_A = 6_364_136_223_846_793_005
LCG_C = 1_442_695_040_888_963_407


# ---------------------------------------------------------------------------------------------
# The problem (crates/molsig-cli/src/bench.rs)
# ---------------------------------------------------------------------------------------------


def bench_edges(n):
    """One-directional bonds (i < j): the chain i−1–i and i−3–i for i = 3, 6, 9, …"""
    edges = [(i - 1, i) for i in range(1, n)] + [(i - 3, i) for i in range(3, n, 3)]
    return sorted(set(edges))


def lcg_tables(count):
    """A_k = a^(k+1), C_k = c·Σ_{j≤k} a^j (mod 2^64): state_k = A_k·s + C_k after k+1 steps."""
    with np.errstate(over="ignore"):
        powers = np.cumprod(np.full(count, LCG_A, dtype=np.uint64), dtype=np.uint64)  # a^1..a^K
        shifted = np.concatenate([np.ones(1, dtype=np.uint64), powers[:-1]])  # a^0..a^(K−1)
        sums = np.cumsum(shifted, dtype=np.uint64) * np.uint64(LCG_C)
    return powers, sums


def bench_coordinates(n, frames, samples):
    """molsig bench's samples, bit for bit: [samples, atoms, frames, 3] float32.

    bench.rs draws, per sample, for i in 0..3n (atom-coordinate), for t in 0..frames:
    x += 0.02·noise, starting from x = 0.01·i; noise = (state >> 40)/2^24 − 0.5 after one LCG step.
    """
    per_sample = 3 * n * frames
    powers, sums = lcg_tables(per_sample)
    state = np.uint64(7)
    start = np.arange(3 * n, dtype=np.float32) * np.float32(0.01)
    out = np.empty((samples, n, frames, 3), dtype=np.float32)
    with np.errstate(over="ignore"):
        for s in range(samples):
            states = powers * state + sums  # wrapping uint64
            state = states[-1]
            noise = (states >> np.uint64(40)).astype(np.float32) / np.float32(1 << 24) - np.float32(0.5)
            steps = np.float32(0.02) * noise.reshape(3 * n, frames)  # [i, t]
            # Sequential float32 accumulation, as the Rust loop: cumsum over [x0, steps...].
            walk = np.cumsum(np.concatenate([start[:, None], steps], axis=1), axis=1, dtype=np.float32)[:, 1:]
            out[s] = walk.reshape(n, 3, frames).transpose(0, 2, 1)  # i = 3·atom + axis
    return out


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------


class SparseGraph:
    """The bond graph as COO lists: the GCN's propagation Âᵀ and the raw adjacency A (molsig's
    `Graph::to_device(one_directional = true)`)."""

    def __init__(self, n, edges, dtype=torch.float32):
        rows = torch.tensor([a for a, _ in edges], dtype=torch.long)
        cols = torch.tensor([b for _, b in edges], dtype=torch.long)
        self.n = n
        self.degree = torch.zeros(n, dtype=dtype).index_add_(0, rows, torch.ones(len(edges), dtype=dtype))
        incoming = torch.ones(n, dtype=dtype).index_add_(0, cols, torch.ones(len(edges), dtype=dtype))
        inv_sqrt = incoming.rsqrt()
        diag = torch.arange(n)
        # Propagation: atom j gathers from i < j (PyG GCNConv on the one-directional list): Âᵀ.
        self.prop_rows = torch.cat([cols, diag])
        self.prop_cols = torch.cat([rows, diag])
        self.prop_vals = torch.cat([inv_sqrt[rows] * inv_sqrt[cols], inv_sqrt * inv_sqrt])
        self.adj_rows, self.adj_cols = rows, cols

    @staticmethod
    def _spmm(rows, cols, vals, x):
        """(sparse M)·x per batch element; x: [B, n, f]."""
        gathered = x.index_select(1, cols)
        if vals is not None:
            gathered = gathered * vals[None, :, None]
        return torch.zeros_like(x).index_add_(1, rows, gathered)

    def propagate(self, x):
        return self._spmm(self.prop_rows, self.prop_cols, self.prop_vals, x)

    def adjacency(self, x):
        return self._spmm(self.adj_rows, self.adj_cols, None, x)


def logsig_pysiglib(paths, threads):
    """Depth-2 log-signatures, Lyndon basis, pySigLib with its autograd: [P, L, d] → [P, F]."""
    return pysiglib_torch.log_sig(paths.contiguous(), DEPTH, method=2, n_jobs=threads)


def logsig_torch(paths, threads=None):
    """Depth-2 log-signatures written in torch: [increments, Lévy areas A_ij (i < j, row-major)]."""
    d = paths.shape[-1]
    start = paths[:, :-1] - paths[:, :1]
    delta = paths[:, 1:] - paths[:, :-1]
    moments = start.transpose(1, 2) @ delta  # Σ_k x_i Δx_j
    i, j = torch.triu_indices(d, d, offset=1)
    areas = 0.5 * (moments[:, i, j] - moments[:, j, i])
    return torch.cat([paths[:, -1] - paths[:, 0], areas], dim=1)


class PoolLevel(nn.Module):
    def __init__(self, h, k):
        super().__init__()
        self.assign = nn.Linear(h, k)
        self.relation = nn.Linear(h, h)
        self.root = nn.Linear(h, h, bias=False)


class DeepSignature(nn.Module):
    def __init__(self, beads, frames, logsig="pysiglib", threads=1, *, hidden=HIDDEN,
                 level_factors=LEVEL_FACTORS, lstm_hidden=LSTM_HIDDEN, segments=SEGMENTS):
        super().__init__()
        d = 3 * beads
        features = d + d * (d - 1) // 2
        self.segments = segments
        self.frames_per_segment = frames // segments
        self.gcn = nn.Linear(3, hidden)
        self.levels = nn.ModuleList(PoolLevel(hidden, f * beads) for f in level_factors)
        self.backmap = nn.Linear(hidden, 3)
        self.lstm = nn.LSTM(features, lstm_hidden, batch_first=True)
        self.norm = nn.LayerNorm(lstm_hidden)
        self.head_hidden = nn.Linear(lstm_hidden, hidden)
        self.dropout = nn.Dropout(DROPOUT)
        self.head_output = nn.Linear(hidden, 1)
        self.logsig = logsig_pysiglib if logsig == "pysiglib" else logsig_torch
        self.threads = threads

    def forward(self, x, graph, stage=lambda name: None):
        """x: [B, N, T, 3] → logits [B], aux losses, and the intermediate outputs."""
        b, n, t, _ = x.shape
        stage("gcn")
        ax = graph.propagate(x.reshape(b, n, t * 3)).reshape(b, n, t, 3)
        h = torch.relu(self.gcn(ax))  # [B, N, T, h]
        a = None
        total = None
        cut = x.new_zeros(())
        orth = x.new_zeros(())
        for index, level in enumerate(self.levels):
            stage(f"level{index}")
            rows, hidden = h.shape[1], h.shape[3]
            q = torch.softmax(torch.tanh(level.assign(h.mean(dim=2))), dim=2)  # [B, rows, k]
            k = q.shape[2]
            if a is None:
                aq = graph.adjacency(q)
                degree = graph.degree.to(q.dtype)[None, :, None]
            else:
                aq = a @ q
                degree = a.sum(dim=2, keepdim=True)
            qt = q.transpose(1, 2)
            numerator = (q * aq).sum(dim=(1, 2))
            denominator = (q.square() * degree).sum(dim=(1, 2))
            cut = cut - (numerator / denominator).mean()
            qq = qt @ q
            norm = qq.square().sum(dim=(1, 2), keepdim=True).sqrt()
            eye = torch.eye(k, dtype=q.dtype)
            orth = orth + ((qq / norm - eye / k**0.5).square().sum(dim=(1, 2)).sqrt()).mean()
            pooled = (qt @ h.reshape(b, rows, t * hidden)).reshape(b, k, t, hidden)
            a = (qt @ aq) * (1.0 - eye)
            d = a.sum(dim=2).sqrt() + MINCUT_EPS  # [B, k]
            a = a / d[:, :, None] / d[:, None, :]
            aggregated = (a @ pooled.reshape(b, k, t * hidden)).reshape(b, k, t, hidden)
            h = level.relation(aggregated) + level.root(pooled)
            total = q if total is None else total @ q
        stage("backmap")
        beads = self.backmap(h)  # [B, M, T, 3]
        m = beads.shape[1]
        target = (total.detach().transpose(1, 2) @ x.reshape(b, n, t * 3)).reshape(b, m, t, 3)
        temporal = (beads - target).abs().mean()
        stage("logsig")
        path = beads.permute(0, 2, 1, 3).reshape(b, t, 3 * m)
        length = self.frames_per_segment
        segments = path[:, : self.segments * length].reshape(b * self.segments, length, 3 * m)
        logsigs = self.logsig(segments, self.threads).reshape(b, self.segments, -1)
        stage("lstm+head")
        out, _ = self.lstm(logsigs)
        z = torch.tanh(self.head_hidden(self.norm(out[:, -1])))
        logits = self.head_output(self.dropout(z))[:, 0]
        return logits, {"cut": cut, "orthogonality": orth, "temporal": temporal}, {
            "assignments": total,
            "beads": beads,
            "pooled_target": target,
            "logsignatures": logsigs,
            "logits": logits[:, None],
        }


def losses(logits, aux, labels):
    p = torch.sigmoid(logits)  # the authors' double sigmoid
    classification = (F.softplus(p) - p * labels).mean()
    w = LOSS_WEIGHTS
    total = (
        w["classification"] * classification
        + w["temporal"] * aux["temporal"]
        + w["clustering"] * (aux["cut"] + aux["orthogonality"])
    )
    return total, classification


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------


def check_logsig(threads):
    """pySigLib's depth-2 log_sig(method=2) = [increments, Lévy areas] (and iisignature's logsig),
    forward and gradient, in float64."""
    gen = torch.Generator().manual_seed(12345)
    for d in (2, 3, 6, 12):
        pysiglib.prepare_log_sig(d, DEPTH, method=2, device="cpu")
        paths = torch.randn(5, 7, d, generator=gen, dtype=torch.float64)
        ours = logsig_torch(paths)
        theirs = logsig_pysiglib(paths, threads)
        error = (ours - theirs).abs().max().item()
        if not error <= 1e-12 * max(1.0, ours.abs().max().item()):
            raise AssertionError(f"pySigLib log_sig ≠ [increments, Lévy areas] for d = {d}: {error:.3e}")
        try:
            import iisignature

            ii = iisignature.logsig(paths.numpy(), iisignature.prepare(d, DEPTH))
            error = np.abs(ii - theirs.numpy()).max()
            if not error <= 1e-12 * max(1.0, np.abs(ii).max()):
                raise AssertionError(f"pySigLib log_sig ≠ iisignature logsig for d = {d}: {error:.3e}")
        except ImportError:
            pass
        weights = torch.randn(theirs.shape, generator=gen, dtype=torch.float64)
        grads = []
        for fn in (logsig_torch, logsig_pysiglib):
            p = paths.clone().requires_grad_()
            (fn(p, threads) * weights).sum().backward()
            grads.append(p.grad)
        error = (grads[0] - grads[1]).abs().max().item()
        if not error <= 1e-10 * max(1.0, grads[0].abs().max().item()):
            raise AssertionError(f"pySigLib log_sig gradient ≠ the formula's for d = {d}: {error:.3e}")


def check_reference(path):
    """This model in float64 against a NumPy reference case (deep_signature_numpy.py --make-case)."""
    with open(path, encoding="utf-8") as f:
        case = json.load(f)
    c = case["config"]
    tensor = lambda o: torch.tensor(o["data"], dtype=torch.float64).reshape(o["shape"])  # noqa: E731
    p = {k: tensor(v) for k, v in case["params"].items()}
    x = tensor(case["inputs"]["coordinates"]).permute(0, 2, 1, 3).contiguous()  # [B,N,T,3]
    A = tensor(case["inputs"]["adjacency"])
    labels = tensor(case["inputs"]["labels"])
    edges = [(int(i), int(j)) for i, j in zip(*np.nonzero(A.numpy()))]
    if any(i >= j for i, j in edges):
        raise ValueError("the case's adjacency is not one-directional (i < j)")
    graph = SparseGraph(c["atoms"], edges, torch.float64)
    beads = c["clusters"][-1]
    if any(k % beads for k in c["clusters"]):
        raise ValueError(f"clusters {c['clusters']} are not multiples of the last")
    model = DeepSignature(
        beads,
        c["frames"],
        hidden=c["hidden"],
        level_factors=tuple(k // beads for k in c["clusters"]),
        lstm_hidden=c["lstm_hidden"],
        segments=c["segments"],
    ).double().eval()

    def linear(module, name, bias=True):
        module.weight.data = p[f"{name}.weight"].T.contiguous()
        if bias:
            module.bias.data = p[f"{name}.bias"]

    linear(model.gcn, "gcn")
    for index, level in enumerate(model.levels):
        linear(level.assign, f"levels.{index}.assign")
        linear(level.relation, f"levels.{index}.conv.relation")
        linear(level.root, f"levels.{index}.conv.root", bias=False)
    linear(model.backmap, "backmap")
    gates = ("input", "forget", "cell", "output")  # PyTorch's order: i, f, g, o
    model.lstm.weight_ih_l0.data = torch.cat([p[f"lstm.{g}.input.weight"].T for g in gates])
    model.lstm.weight_hh_l0.data = torch.cat([p[f"lstm.{g}.hidden.weight"].T for g in gates])
    model.lstm.bias_ih_l0.data = torch.cat([p[f"lstm.{g}.input.bias"] for g in gates])
    model.lstm.bias_hh_l0.data = torch.cat([p[f"lstm.{g}.hidden.bias"] for g in gates])
    model.norm.weight.data, model.norm.bias.data = p["norm.gamma"], p["norm.beta"]
    linear(model.head_hidden, "head.hidden")
    linear(model.head_output, "head.output")
    d = 3 * beads
    pysiglib.prepare_log_sig(d, DEPTH, method=2, device="cpu")
    with torch.no_grad():
        logits, aux, outs = model(x, graph)
        total, classification = losses(logits, aux, labels)
    ours = {
        "assignments": outs["assignments"],
        "beads": outs["beads"].permute(0, 2, 1, 3),  # the case's [B,T,M,3]
        "pooled_target": outs["pooled_target"].permute(0, 2, 1, 3),
        "logsignatures": outs["logsignatures"],
        "logits": outs["logits"],
    }
    scalars = {
        "total": total,
        "classification": classification,
        "temporal": aux["temporal"],
        "cut": aux["cut"],
        "orthogonality": aux["orthogonality"],
    }
    worst = 0.0
    for name, value in ours.items():
        ref = tensor(case["outputs"][name])
        diff = (value - ref).abs().max().item() / max(1.0, ref.abs().max().item())
        worst = max(worst, diff)
        print(f"  {name:<15} {list(ref.shape)!s:<18} rel diff {diff:.2e}", file=sys.stderr)
    for name, value in scalars.items():
        ref = case["outputs"]["losses"][name]
        diff = abs(value.item() - ref) / max(1.0, abs(ref))
        worst = max(worst, diff)
        print(f"  losses.{name:<8} {'':<18} rel diff {diff:.2e}", file=sys.stderr)
    if not worst <= 1e-9:
        raise AssertionError(f"the PyTorch model differs from the NumPy reference: {worst:.2e}")
    print(f"{path}: the PyTorch model agrees with the NumPy reference (worst {worst:.1e})", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------


def profile_batch(model, graph, optimiser, x, y):
    """Seconds per stage of one batch: each forward stage, backward, optimiser step."""
    marks = []

    def stage(name):
        marks.append((name, time.perf_counter()))

    optimiser.zero_grad(set_to_none=True)
    logits, aux, _ = model(x, graph, stage)
    total, _ = losses(logits, aux, y)
    stage("backward")
    total.backward()
    stage("optimiser")
    optimiser.step()
    stage("end")
    return {a[0]: b[1] - a[1] for a, b in zip(marks, marks[1:])}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--atoms", type=int, default=1241)
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--beads", type=int, default=50)
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=1, help="timed epochs, after one warm-up epoch")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads and pySigLib n_jobs")
    parser.add_argument("--logsig", choices=("pysiglib", "torch"), default="pysiglib")
    parser.add_argument("--profile", action="store_true", help="per-stage times of a few batches to stderr")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", nargs="?", const="", metavar="CASE", help="run the checks and exit")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    check_logsig(args.threads)
    if args.check is not None:
        if args.check:
            check_reference(args.check)
        print("checks passed", file=sys.stderr)
        return 0

    start = time.perf_counter()
    torch.manual_seed(args.seed)
    n, t = args.atoms, args.frames
    graph = SparseGraph(n, bench_edges(n))
    coordinates = torch.from_numpy(bench_coordinates(n, t, args.samples))  # [S, N, T, 3]
    labels = torch.tensor([s % 2 for s in range(args.samples)], dtype=torch.float32)
    data_seconds = time.perf_counter() - start

    d = 3 * args.beads
    pysiglib.prepare_log_sig(d, DEPTH, method=2, device="cpu")
    model = DeepSignature(args.beads, t, args.logsig, args.threads)
    model.train()
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=5e-4, eps=1e-8)
    rng = np.random.default_rng(args.seed)

    stages = {}
    if args.profile:
        for i in range(3):
            idx = torch.from_numpy(rng.permutation(args.samples)[: args.batch_size])
            times = profile_batch(model, graph, optimiser, coordinates[idx], labels[idx])
            if i > 0:  # the first batch warms up
                for k, v in times.items():
                    stages[k] = stages.get(k, 0.0) + v / 2
        total = sum(stages.values())
        print("per-stage seconds, mean of 2 batches after 1 warm-up batch:", file=sys.stderr)
        for k, v in stages.items():
            print(f"  {k:<10} {v:8.3f} s  {100 * v / total:5.1f} %", file=sys.stderr)

    setup_seconds = time.perf_counter() - start
    epoch_seconds = []
    last_loss = None
    for epoch in range(args.epochs + 1):
        epoch_start = time.perf_counter()
        order = torch.from_numpy(rng.permutation(args.samples))
        probabilities = []
        epoch_loss = 0.0
        for chunk in order.split(args.batch_size):
            x, y = coordinates[chunk], labels[chunk]
            optimiser.zero_grad(set_to_none=True)
            logits, aux, _ = model(x, graph)
            total, classification = losses(logits, aux, y)
            # Read back what molsig's loop reads: probabilities and the loss terms.
            probabilities.append(torch.sigmoid(logits.detach()))
            report = torch.stack(
                [total, classification, aux["temporal"], aux["cut"], aux["orthogonality"]]
            ).detach().tolist()
            if not np.isfinite(report[0]):
                raise RuntimeError(f"training diverged at epoch {epoch}: {report}")
            epoch_loss += report[0] * len(chunk) / args.samples
            total.backward()
            optimiser.step()
        torch.cat(probabilities).tolist()
        epoch_seconds.append(time.perf_counter() - epoch_start)
        last_loss = epoch_loss
        print(f"epoch {epoch} ({'warm-up' if epoch == 0 else 'timed'}): {epoch_seconds[-1]:.2f} s, loss {epoch_loss:.4f}", file=sys.stderr)

    timed = epoch_seconds[1:]
    print(
        json.dumps(
            {
                "implementation": f"pytorch+{args.logsig}",
                "atoms": n,
                "frames": t,
                "beads": args.beads,
                "samples": args.samples,
                "batch_size": args.batch_size,
                "threads": args.threads,
                "parameters": sum(p.numel() for p in model.parameters()),
                "data_seconds": data_seconds,
                "setup_seconds": setup_seconds,
                "warmup_epoch_seconds": epoch_seconds[0],
                "epoch_seconds": sum(timed) / max(1, len(timed)),
                "total_seconds": time.perf_counter() - start,
                "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "import_rss_kib": IMPORT_RSS_KIB,
                "final_loss": last_loss,
                "torch": torch.__version__,
                "pysiglib": pysiglib.__version__,
                "numpy": np.__version__,
                "python": platform.python_version(),
                "torch_blas": "mkl" if torch.backends.mkl.is_available() else "other",
                **{f"stage_{k}": v for k, v in stages.items()},
                **({"stage_total": sum(stages.values())} if stages else {}),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
