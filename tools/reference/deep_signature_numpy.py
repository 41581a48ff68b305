"""An independent NumPy (float64) forward pass of molsig's Deep Signature model, `reference` preset.

Usage:
    python deep_signature_numpy.py CASE.json              # compare: exit 0 agree, 1 differ, 2 bad case
    python deep_signature_numpy.py --make-case OUT.json   # write a random self-test case
        [--seed N] [--segments S]

A *case* is one JSON file written by `cargo run -p molsig-model --example reference_case -- OUT.json`
(the Rust model) or by `--make-case` (this script, for testing the comparison itself). It holds the
configuration, the inputs, every parameter and the outputs of the implementation under test; this
script recomputes the outputs from the configuration, inputs and parameters, and compares. Every
tensor is `{"shape": [...], "data": [flat row-major floats]}`:

    {"version": 1,
     "config": {"batch": B, "frames": T, "atoms": N, "hidden": h, "clusters": [k0, k1, ...],
                "segments": S, "lstm_hidden": H, "classes": C,
                "loss_weights": {"classification": .., "temporal": .., "clustering": ..}},
     "inputs": {"coordinates": [B,T,N,3], "adjacency": [N,N], "labels": [B]},
     "params": {name: tensor, ...},              # names: see `expected_parameter_shapes`
     "outputs": {"assignments": [B,N,M], "beads": [B,T,M,3], "pooled_target": [B,T,M,3],
                 "logsignatures": [B,S,F], "logits": [B,C],
                 "losses": {"total", "classification", "temporal", "cut", "orthogonality"}}}

An output passes when max|case − NumPy| ≤ 1e-4 · max(1, max|NumPy|): the NumPy value is the
reference. Linear layers are y = x·W + b with W of shape [in, out]. The steps below are numbered
as in tools/reference/README.md (the specification of the preset's forward pass).

Only numpy and iisignature (for the depth-2 log-signature, Lyndon basis) are used.
"""

import argparse
import json
import sys

import iisignature
import numpy as np

TOLERANCE = 1e-4  # relative to max(1, largest magnitude of the NumPy value)
LOGSIG_DEPTH = 2
MINCUT_EPS = 1e-15  # PyTorch Geometric's dense_mincut_pool: EPS in the degree normalisation
LAYER_NORM_EPS = 1e-5
OUTPUT_NAMES = ("assignments", "beads", "pooled_target", "logsignatures", "logits")
LOSS_NAMES = ("total", "classification", "temporal", "cut", "orthogonality")
GATES = ("input", "forget", "cell", "output")


class BadCase(Exception):
    """The case file is malformed (missing field, wrong shape): exit status 2."""


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------


def logsig_channels(config: dict) -> int:
    """F: the depth-2 log-signature length of the bead path, d + d(d−1)/2 with d = 3M."""
    d = 3 * config["clusters"][-1]
    return d + d * (d - 1) // 2


def expected_parameter_shapes(config: dict) -> dict:
    """Every parameter of the model and its shape; the case must hold exactly these."""
    h, H, C = config["hidden"], config["lstm_hidden"], config["classes"]
    F = logsig_channels(config)
    shapes = {"gcn.weight": (3, h), "gcn.bias": (h,)}
    for level, k in enumerate(config["clusters"]):
        shapes[f"levels.{level}.assign.weight"] = (h, k)
        shapes[f"levels.{level}.assign.bias"] = (k,)
        shapes[f"levels.{level}.conv.relation.weight"] = (h, h)
        shapes[f"levels.{level}.conv.relation.bias"] = (h,)
        shapes[f"levels.{level}.conv.root.weight"] = (h, h)  # no bias
    shapes["backmap.weight"] = (h, 3)
    shapes["backmap.bias"] = (3,)
    for gate in GATES:
        shapes[f"lstm.{gate}.input.weight"] = (F, H)
        shapes[f"lstm.{gate}.input.bias"] = (H,)
        shapes[f"lstm.{gate}.hidden.weight"] = (H, H)
        shapes[f"lstm.{gate}.hidden.bias"] = (H,)
    shapes["norm.gamma"] = (H,)
    shapes["norm.beta"] = (H,)
    shapes["head.hidden.weight"] = (H, h)
    shapes["head.hidden.bias"] = (h,)
    shapes["head.output.weight"] = (h, C)
    shapes["head.output.bias"] = (C,)
    return shapes


# ---------------------------------------------------------------------------------------------
# The forward pass, step by step
# ---------------------------------------------------------------------------------------------


def sigmoid(x):
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(x):
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def linear(x, p, name, bias=True):
    """y = x·W + b over the last axis (W: [in, out])."""
    y = x @ p[f"{name}.weight"]
    return y + p[f"{name}.bias"] if bias else y


def gcn_normalise(A):
    """Step 1: Â = D^-1/2 (A + I) D^-1/2, D = diag(row sums of A + I). A may be non-symmetric
    (the reference preset's one-directional bond list); row sums are used on both sides."""
    A_hat = A + np.eye(A.shape[0])
    d_inv_sqrt = 1.0 / np.sqrt(A_hat.sum(axis=1))
    return d_inv_sqrt[:, None] * A_hat * d_inv_sqrt[None, :]


def mincut_level(H, A_l, p, level):
    """Step 3, one pooling level.

    H: [B,T,n,h] node features; A_l: [B,n,n] adjacency of this level.
    Returns Q [B,n,k], the pooled features after the dense graph convolution [B,T,k,h], the next
    adjacency A' [B,k,k], and this level's cut and orthogonality losses (means over the batch).
    """
    # Soft assignment from the time-averaged assignment scores.
    S = linear(H, p, f"levels.{level}.assign")  # [B,T,n,k]
    S_bar = np.tanh(S.mean(axis=1))  # [B,n,k]
    Q = softmax(S_bar, axis=-1)  # [B,n,k]
    k = Q.shape[-1]
    Qt = np.swapaxes(Q, 1, 2)  # [B,k,n]

    # MinCut loss: −Tr(Qᵀ A Q) / Tr(Qᵀ D Q), D = diag(row sums of A_l).
    QtAQ = Qt @ A_l @ Q  # [B,k,k]
    D_l = A_l.sum(axis=2)  # [B,n] (diagonal of D_l)
    cut_num = np.trace(QtAQ, axis1=1, axis2=2)
    cut_den = np.einsum("bnk,bn,bnk->b", Q, D_l, Q)  # Tr(Qᵀ D Q)
    cut = np.mean(-cut_num / cut_den)

    # Orthogonality loss: ‖ QᵀQ/‖QᵀQ‖_F − I_k/√k ‖_F.
    QtQ = Qt @ Q
    QtQ_norm = np.linalg.norm(QtQ, axis=(1, 2), keepdims=True)
    orth = np.mean(np.linalg.norm(QtQ / QtQ_norm - np.eye(k) / np.sqrt(k), axis=(1, 2)))

    # Pooled features per frame: H' = Qᵀ H.
    H_pooled = np.einsum("bnk,btnh->btkh", Q, H)  # [B,T,k,h]

    # Pooled adjacency, as PyTorch Geometric's dense_mincut_pool: zero diagonal, then
    # A'_ij / ((√d_i + eps)(√d_j + eps)) with d the row sums.
    A_next = QtAQ.copy()
    idx = np.arange(k)
    A_next[:, idx, idx] = 0.0
    d_sqrt = np.sqrt(A_next.sum(axis=2)) + MINCUT_EPS  # [B,k]
    A_next = A_next / d_sqrt[:, :, None] / d_sqrt[:, None, :]

    # Dense graph convolution (PyG DenseGraphConv, aggr add), no activation:
    # H = (A' H') W_relation + b_relation + H' W_root.
    aggregated = np.einsum("bij,btjh->btih", A_next, H_pooled)
    H_new = linear(aggregated, p, f"levels.{level}.conv.relation") + linear(
        H_pooled, p, f"levels.{level}.conv.root", bias=False
    )
    return Q, H_new, A_next, cut, orth


def logsignatures(path, segments):
    """Step 7: depth-2 log-signatures (iisignature, Lyndon basis) of S disjoint segments.

    path: [B,T,d]. Segment s = frames [s·L, s·L + L), L = T // S; trailing frames are dropped and
    so is the increment between consecutive segments (the authors' quirk). Returns [B,S,F].
    """
    B, T, d = path.shape
    L = T // segments
    pieces = path[:, : segments * L].reshape(B, segments, L, d)
    prepared = iisignature.prepare(d, LOGSIG_DEPTH)
    return np.asarray(iisignature.logsig(np.ascontiguousarray(pieces), prepared), dtype=np.float64)


def lstm_last_hidden(x, p):
    """Step 8: a one-layer LSTM over the sequence x [B,S,F] with h0 = c0 = 0; the last h [B,H]."""
    B, S, _ = x.shape
    H = p["lstm.input.hidden.weight"].shape[0]
    h = np.zeros((B, H))
    c = np.zeros((B, H))

    def gate(name, x_s, h):
        return linear(x_s, p, f"lstm.{name}.input") + linear(h, p, f"lstm.{name}.hidden")

    for s in range(S):
        x_s = x[:, s]
        i = sigmoid(gate("input", x_s, h))
        f = sigmoid(gate("forget", x_s, h))
        g = np.tanh(gate("cell", x_s, h))
        o = sigmoid(gate("output", x_s, h))
        c = f * c + i * g
        h = o * np.tanh(c)
    return h


def forward(config, inputs, p):
    """The whole forward pass; returns the outputs in the case file's layout."""
    X = inputs["coordinates"]  # [B,T,N,3]
    A = inputs["adjacency"]  # [N,N]
    y = inputs["labels"]  # [B]
    B = X.shape[0]

    # Step 1: normalised adjacency for the first GCN.
    A_hat = gcn_normalise(A.T)  # PyG GCNConv on the one-directional list: j gathers from i < j

    # Step 2: per-frame GCN, H = relu(Â X W + b): [B,T,N,h].
    H = np.maximum(linear(np.einsum("ij,btjc->btic", A_hat, X), p, "gcn"), 0.0)

    # Step 3: MinCut pooling levels. Level 0 pools on the raw adjacency A (not Â).
    A_l = np.broadcast_to(A, (B,) + A.shape).copy()
    Q_total = None
    cut_total = 0.0
    orth_total = 0.0
    for level in range(len(config["clusters"])):
        Q, H, A_l, cut, orth = mincut_level(H, A_l, p, level)
        Q_total = Q if Q_total is None else Q_total @ Q  # [B,N,k]
        cut_total += cut
        orth_total += orth

    # Step 4: back-mapping of the beads to coordinates: [B,T,M,3].
    beads = linear(H, p, "backmap")

    # Step 5: pooled target P = Q_totalᵀ X per frame (a weighted sum), and the temporal loss.
    pooled_target = np.einsum("bnm,btnc->btmc", Q_total, X)
    temporal = np.mean(np.abs(beads - pooled_target))

    # Step 6: the bead path, [B,T,3M], channel 3m + axis (row-major flattening).
    Bb, T, M, _ = beads.shape
    path = beads.reshape(Bb, T, 3 * M)

    # Step 7: log-signatures of the segments: [B,S,F].
    logsigs = logsignatures(path, config["segments"])

    # Step 8: LSTM over the segments, last hidden state [B,H].
    h = lstm_last_hidden(logsigs, p)

    # Step 9: LayerNorm (biased variance over the last axis).
    mean = h.mean(axis=-1, keepdims=True)
    var = h.var(axis=-1, keepdims=True)
    normed = (h - mean) / np.sqrt(var + LAYER_NORM_EPS) * p["norm.gamma"] + p["norm.beta"]

    # Step 10: head (dropout is the identity here).
    z = np.tanh(linear(normed, p, "head.hidden"))
    logits = linear(z, p, "head.output")  # [B,C]

    # Step 11: losses. The authors' double sigmoid: BCE-with-logits applied to p = σ(logits).
    if logits.shape[1] != 1:
        raise BadCase(f"classes = {logits.shape[1]}: the classification loss is defined for 1 class")
    prob = sigmoid(logits[:, 0])
    classification = np.mean(softplus(prob) - prob * y)
    w = config["loss_weights"]
    total = (
        w["classification"] * classification
        + w["temporal"] * temporal
        + w["clustering"] * (cut_total + orth_total)
    )
    return {
        "assignments": Q_total,
        "beads": beads,
        "pooled_target": pooled_target,
        "logsignatures": logsigs,
        "logits": logits,
        "losses": {
            "total": float(total),
            "classification": float(classification),
            "temporal": float(temporal),
            "cut": float(cut_total),
            "orthogonality": float(orth_total),
        },
    }


# ---------------------------------------------------------------------------------------------
# The log-signature convention, checked by hand
# ---------------------------------------------------------------------------------------------


def logsig_depth2_by_hand(path):
    """Depth-2 log-signature of a piecewise-linear path [L,d]: [increment, Lévy areas A_ij for
    i < j in lexicographic order], A_ij = ½ Σ_k ((x_i − x_i(0)) Δx_j − (x_j − x_j(0)) Δx_i) with
    x taken at the start of piece k. These are the coefficients on e_i and on [e_i, e_j] =
    e_i e_j − e_j e_i, the Lyndon basis at depth 2."""
    start = path[:-1] - path[0]  # [L−1,d]
    delta = np.diff(path, axis=0)  # [L−1,d]
    moments = start.T @ delta  # Σ_k x_i Δx_j
    areas = 0.5 * (moments - moments.T)
    i, j = np.triu_indices(path.shape[1], k=1)  # row-major: (0,1), (0,2), ..., (1,2), ...
    return np.concatenate([path[-1] - path[0], areas[i, j]])


def check_logsig_convention():
    """iisignature's depth-2 logsig must be [increment, Lévy areas] in the order above; d = 12
    covers letters past 9 (where iisignature.basis prints '?')."""
    rng = np.random.default_rng(12345)
    for d in (2, 3, 6, 12):
        path = rng.normal(size=(7, d))
        ours = logsig_depth2_by_hand(path)
        theirs = iisignature.logsig(path, iisignature.prepare(d, LOGSIG_DEPTH))
        error = np.max(np.abs(ours - theirs))
        if not error <= 1e-12 * max(1.0, np.max(np.abs(ours))):
            raise AssertionError(
                f"iisignature depth-2 logsig ≠ [increment, Lévy areas] for d = {d}: max diff {error:.3e}"
            )
    basis = iisignature.basis(iisignature.prepare(3, LOGSIG_DEPTH))
    if tuple(basis) != ("1", "2", "3", "[1,2]", "[1,3]", "[2,3]"):
        raise AssertionError(f"unexpected iisignature basis for d = 3: {basis}")


# ---------------------------------------------------------------------------------------------
# Case files
# ---------------------------------------------------------------------------------------------


def tensor_to_json(array):
    array = np.asarray(array, dtype=np.float64)
    return {"shape": list(array.shape), "data": array.reshape(-1).tolist()}


def tensor_from_json(obj, what, shape=None):
    try:
        array = np.asarray(obj["data"], dtype=np.float64).reshape(tuple(obj["shape"]))
    except (KeyError, TypeError, ValueError) as error:
        raise BadCase(f"{what}: not a tensor {{shape, data}} ({error})") from None
    if shape is not None and array.shape != tuple(shape):
        raise BadCase(f"{what}: shape {list(array.shape)}, expected {list(shape)}")
    return array


def load_case(path):
    with open(path, encoding="utf-8") as f:
        case = json.load(f)
    if case.get("version") != 1:
        raise BadCase(f"version {case.get('version')!r}, expected 1")
    try:
        config = case["config"]
        B, T, N = config["batch"], config["frames"], config["atoms"]
        for key in ("hidden", "clusters", "segments", "lstm_hidden", "classes", "loss_weights"):
            config[key]  # noqa: B018 — presence check
        if not 1 <= config["segments"] <= T:
            raise BadCase(f"segments = {config['segments']} must be in 1..=frames ({T})")
        inputs = {
            name: tensor_from_json(case["inputs"][name], f"inputs.{name}", shape)
            for name, shape in (("coordinates", (B, T, N, 3)), ("adjacency", (N, N)), ("labels", (B,)))
        }
        shapes = expected_parameter_shapes(config)
        given = case["params"]
        missing = sorted(set(shapes) - set(given))
        unexpected = sorted(set(given) - set(shapes))
        if missing or unexpected:
            raise BadCase(f"parameters: missing {missing}, unexpected {unexpected}")
        params = {
            name: tensor_from_json(given[name], f"params.{name}", shape) for name, shape in shapes.items()
        }
        outputs = case["outputs"]
    except KeyError as error:
        raise BadCase(f"missing field {error}") from None
    return config, inputs, params, outputs


# ---------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------


def compare(outputs, expected):
    """Prints one row per output; returns True when every output is within tolerance.

    expected: our (NumPy) outputs, the reference; outputs: the case's."""
    missing = object()
    rows = []
    for name in OUTPUT_NAMES:
        rows.append((name, outputs.get(name, missing), expected[name]))
    losses = outputs.get("losses", {})
    for name in LOSS_NAMES:
        rows.append((f"losses.{name}", losses.get(name, missing), expected["losses"][name]))

    print(
        f"{'output':<22} {'shape':<14} {'max|numpy|':>11} {'max abs diff':>13} {'rel diff':>10} "
        f"{'limit':>10}  ok"
    )
    all_ok = True
    for name, theirs, ours in rows:
        ours = np.asarray(ours, dtype=np.float64)
        shape = "x".join(map(str, ours.shape)) or "scalar"
        if theirs is missing:
            print(f"{name:<22} {shape:<14} missing from the case")
            all_ok = False
            continue
        try:
            # A null (serde_json's NaN) becomes NaN and fails below.
            theirs = (
                tensor_from_json(theirs, name, ours.shape)
                if isinstance(theirs, dict)
                else np.float64(np.nan if theirs is None else theirs)
            )
        except (BadCase, TypeError, ValueError) as error:
            print(f"{name:<22} {shape:<14} {error}")
            all_ok = False
            continue
        scale = float(np.max(np.abs(ours))) if ours.size else 0.0
        diff = float(np.max(np.abs(theirs - ours))) if ours.size else 0.0
        if not np.all(np.isfinite(theirs)):
            diff = float("inf")  # non-finite values never pass
        limit = TOLERANCE * max(1.0, scale)
        ok = diff <= limit
        all_ok &= ok
        rel = diff / scale if scale > 0 else diff
        print(
            f"{name:<22} {shape:<14} {scale:>11.4e} {diff:>13.4e} {rel:>10.2e} {limit:>10.2e}  "
            f"{'ok' if ok else 'FAIL'}"
        )
    return all_ok


# ---------------------------------------------------------------------------------------------
# Self-test cases
# ---------------------------------------------------------------------------------------------


def make_case(seed=0, segments=3):
    """A random case: small sizes, random weights and inputs, outputs from this script."""
    rng = np.random.default_rng(seed)
    config = {
        "batch": 2,
        "frames": 12,
        "atoms": 9,
        "hidden": 5,
        "clusters": [8, 4, 2],
        "segments": segments,
        "lstm_hidden": 6,
        "classes": 1,
        "loss_weights": {"classification": 10.0, "temporal": 0.01, "clustering": 1.0},
    }
    B, T, N = config["batch"], config["frames"], config["atoms"]

    # A one-directional bond list (A_ij = 1 for bonded i < j only), like the authors': a chain
    # plus a few extra bonds.
    A = np.zeros((N, N))
    for i in range(N - 1):
        A[i, i + 1] = 1.0
    for i, j in ((0, 4), (2, 7), (3, 8)):
        A[i, j] = 1.0
    inputs = {
        # A random walk per atom, so frames are correlated like a trajectory.
        "coordinates": rng.normal(size=(1, 1, N, 3)) * 2.0
        + np.cumsum(rng.normal(scale=0.3, size=(B, T, N, 3)), axis=1),
        "adjacency": A,
        "labels": rng.integers(0, 2, size=B).astype(np.float64),
    }
    params = {}
    for name, shape in expected_parameter_shapes(config).items():
        if name == "norm.gamma":
            params[name] = 1.0 + 0.1 * rng.normal(size=shape)
        elif len(shape) == 2:  # weights: a Glorot-like scale keeps the activations unsaturated
            params[name] = rng.normal(size=shape) / np.sqrt(shape[0])
        else:
            params[name] = 0.1 * rng.normal(size=shape)
    outputs = forward(config, inputs, params)
    return {
        "version": 1,
        "config": config,
        "inputs": {k: tensor_to_json(v) for k, v in inputs.items()},
        "params": {k: tensor_to_json(v) for k, v in params.items()},
        "outputs": {
            **{k: tensor_to_json(outputs[k]) for k in OUTPUT_NAMES},
            "losses": outputs["losses"],
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("case", nargs="?", help="case JSON file to check")
    parser.add_argument("--make-case", metavar="OUT", help="write a random self-test case to OUT")
    parser.add_argument("--seed", type=int, default=0, help="random seed for --make-case")
    parser.add_argument("--segments", type=int, default=3, help="segments for --make-case (T = 12)")
    args = parser.parse_args()
    if (args.case is None) == (args.make_case is None):
        parser.error("give either a CASE file or --make-case OUT")

    check_logsig_convention()

    if args.make_case:
        case = make_case(args.seed, args.segments)
        with open(args.make_case, "w", encoding="utf-8") as f:
            json.dump(case, f)
        print(f"wrote {args.make_case}")
        return 0

    try:
        config, inputs, params, outputs = load_case(args.case)
        expected = forward(config, inputs, params)
    except BadCase as error:
        print(f"{args.case}: bad case: {error}", file=sys.stderr)
        return 2
    c = config
    print(
        f"{args.case}: B={c['batch']} T={c['frames']} N={c['atoms']} h={c['hidden']} "
        f"clusters={c['clusters']} S={c['segments']} H={c['lstm_hidden']} C={c['classes']}; "
        f"tolerance {TOLERANCE:g} · max(1, max|numpy|)"
    )
    if compare(outputs, expected):
        print("all outputs agree with NumPy")
        return 0
    print("outputs differ from NumPy", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
