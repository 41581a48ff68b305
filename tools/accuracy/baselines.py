#!/usr/bin/env python3
"""Simple baselines of the accuracy benchmark, on exactly the folds molsig used; prints one JSON line.

Usage: python baselines.py MANIFEST RUN_DIR FOLDS FRAMES STRIDE

MANIFEST is a task's manifest.csv (topology,trajectory,label,group). RUN_DIR is a molsig
cross-validation run on it (`molsig train --folds FOLDS --out RUN_DIR`): its
`fold<k>-split.json` files say which trajectories each fold trained on (train and validation)
and tested on, so the baselines see the same splits as the learned models.

Every trajectory is cut as molsig cuts it, into samples of FRAMES frames every STRIDE frames.
Each baseline turns a sample into features of its C-alpha atoms, fits scikit-learn's
StandardScaler + LogisticRegression (L2, C = 1) on the training samples, and predicts the test
samples; a trajectory's answer is the mean of its samples' class probabilities, as in molsig.

    step       the mean displacement of a C-alpha between consecutive frames (one number: a
               thermometer)
    rmsf-rg    per-C-alpha RMSF after superposing the sample's frames on its first, and the mean
               and sd of the radius of gyration
    logsig     the depth-2 log-signature (iisignature, Lyndon basis) of the lead-lag transform of
               the C-alpha-C-alpha distances over the sample

The JSON line is flat: `<baseline>.trajectory` and `<baseline>.sample`, each the mean over the
folds of the test accuracy per trajectory and per sample.
"""

import csv
import json
import os
import sys

import iisignature
import mdtraj as md
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def windows(n_frames, frames, stride):
    return [(s, s + frames) for s in range(0, n_frames - frames + 1, stride)]


def step(ca):
    return [np.linalg.norm(np.diff(ca.xyz, axis=0), axis=-1).mean()]


def rmsf_rg(ca):
    fitted = ca.superpose(ca, 0)
    rmsf = np.sqrt(((fitted.xyz - fitted.xyz.mean(axis=0)) ** 2).sum(-1).mean(0))
    rg = md.compute_rg(ca)
    return [*rmsf, rg.mean(), rg.std()]


def lead_lag(path):
    """(L, c) -> (2L - 1, 2c): the lead and the lag channels, one moving at a time."""
    doubled = np.repeat(path, 2, axis=0)
    return np.concatenate([doubled[1:], doubled[:-1]], axis=1)


def logsig(ca, prepared):
    pairs = [(i, j) for i in range(ca.n_atoms) for j in range(i + 1, ca.n_atoms)]
    distances = md.compute_distances(ca, pairs)
    return iisignature.logsig(lead_lag(distances), prepared)


def main():
    manifest, run_dir, folds, frames, stride = sys.argv[1:6]
    folds, frames, stride = int(folds), int(frames), int(stride)
    base = os.path.dirname(os.path.abspath(manifest))
    with open(manifest, newline="") as f:
        rows = list(csv.DictReader(f))
    classes = sorted({r["label"] for r in rows})
    label_of = {os.path.basename(r["trajectory"]): classes.index(r["label"]) for r in rows}

    features = {"step": {}, "rmsf-rg": {}, "logsig": {}}
    prepared = None
    for r in rows:
        traj = md.load(os.path.join(base, r["trajectory"]), top=os.path.join(base, r["topology"]))
        ca = traj.atom_slice(traj.topology.select("name CA"))
        if prepared is None:
            channels = 2 * ca.n_atoms * (ca.n_atoms - 1) // 2
            prepared = iisignature.prepare(channels, 2)
        name = os.path.basename(r["trajectory"])
        for key in features:
            features[key][name] = []
        for a, b in windows(ca.n_frames, frames, stride):
            part = ca[a:b]
            features["step"][name].append(step(part))
            features["rmsf-rg"][name].append(rmsf_rg(part))
            features["logsig"][name].append(logsig(part, prepared))

    result = {key: {"trajectory": [], "sample": []} for key in features}
    for k in range(1, folds + 1):
        with open(os.path.join(run_dir, f"fold{k}-split.json")) as f:
            _, recorded = json.load(f)
        train = [t["name"] for t in recorded if t["part"] in ("train", "validation")]
        test = [t["name"] for t in recorded if t["part"] == "test"]
        for key, of in features.items():
            x = np.array([v for n in train for v in of[n]])
            y = np.array([label_of[n] for n in train for _ in of[n]])
            model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000))
            model.fit(x, y)
            right_samples, samples, right_trajectories = 0, 0, 0
            for n in test:
                p = model.predict_proba(np.array(of[n]))
                truth = list(model.classes_).index(label_of[n])
                right_samples += int((p.argmax(1) == truth).sum())
                samples += len(p)
                right_trajectories += int(p.mean(0).argmax() == truth)
            result[key]["trajectory"].append(right_trajectories / len(test))
            result[key]["sample"].append(right_samples / samples)
    # Flat, for xtask's reader: the mean over folds of each baseline's test accuracy.
    print(json.dumps({f"{key}.{unit}": float(np.mean(v)) for key, units in result.items()
                      for unit, v in units.items()}))


if __name__ == "__main__":
    main()
