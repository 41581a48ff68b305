#!/usr/bin/env python3
"""Make molsig's demo dataset: two classes of real implicit-solvent MD that differ only in dynamics.

Both classes simulate the same peptide as make_demo.py (Ace-AAKAAEAAKA-NMe, 141 atoms with
hydrogens, built from scratch by make_demo's builder, which is imported, not copied) with the
same force field (Amber ff14SB + OBC2 implicit solvent) at the same temperature (300 K). The
only difference is the Langevin friction coefficient during production:

    low_friction   1 / ps   (nearly inertial motion)
    high_friction  20 / ps  (strongly damped, more diffusive motion)

Langevin dynamics samples the same canonical ensemble whatever the friction, so the two classes
have the same equilibrium structures and the same atoms in the same order; they differ in
kinetics only (how fast and how smoothly the atoms move from frame to frame).

Every trajectory starts from its own short equilibration: one shared warm-up from the minimised
structure, then, per trajectory, its own seed for velocities and random forces and an
equilibration at a common friction (the same for both classes, so the distribution of starting
structures is the same for both), then the switch to the class's friction and the saved
production run.

Outputs (default: <repo>/web/demo/dataset/):
    peptide.pdb                  topology shared by all trajectories (end of the shared warm-up)
    low_friction_NN.xtc          production frames, one every 0.2 ps
    high_friction_NN.xtc
    manifest.csv                 topology,trajectory,label,group (paths relative to the manifest)

Usage:
    python3 make_dataset.py [--out-dir DIR] [--per-class N] [--frames N] [--seed S]
                            [--threads T] [--no-verify]

Reproducibility: seeds are fixed, but with the default --threads 2 two runs were not
bit-identical (they diverged already in the shared warm-up; probably the order of multi-threaded
force sums), so a rerun gives different, statistically equivalent trajectories. With --threads 1
two runs gave byte-identical files.

See tools/demo/README.md for the exact versions and command used for the committed files.
"""

import argparse
import csv
import glob
import io
import os
import random
import sys
import time

import numpy as np
import openmm
from openmm import app, unit

# Reuse the demo's peptide builder and run parameters (same folder as this script).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_demo as demo  # noqa: E402

# ---------------------------------------------------------------------------------------------
# Parameters of the run (recorded in tools/demo/README.md).
# ---------------------------------------------------------------------------------------------
TEMPERATURE = demo.TEMPERATURE  # 300 K
TIMESTEP = demo.TIMESTEP  # 2 fs
CLASSES = [("low_friction", 1.0 / unit.picosecond), ("high_friction", 20.0 / unit.picosecond)]
EQUILIBRATION_FRICTION = 5.0 / unit.picosecond  # common to both classes
WARMUP_STEPS = 10_000  # 20 ps shared warm-up from the minimised structure, not saved
EQUILIBRATION_STEPS = 5_000  # 10 ps per trajectory, own seed, not saved
STEPS_PER_FRAME = 100  # 0.2 ps per saved frame
DEFAULT_FRAMES = 200
DEFAULT_PER_CLASS = 10
DEFAULT_SEED = 20240611
DEFAULT_THREADS = 2


def trajectory_seed(base, class_index, k):
    """Seed of trajectory k (1-based) of class class_index (0-based): distinct and deterministic."""
    return base + 1000 * (class_index + 1) + k


def cpu():
    """CPU seconds used by this process (all threads) so far."""
    return time.process_time()


def make_system(seed, threads):
    """Build the peptide, add hydrogens, minimise. Returns (topology, system, positions, platform,
    properties)."""
    residues = demo.build_peptide()
    demo.check_geometry(residues)
    heavy = app.PDBFile(io.StringIO(demo.heavy_atom_pdb(residues)))
    print(f"built {heavy.topology.getNumAtoms()} heavy atoms, "
          f"{heavy.topology.getNumResidues()} residues", flush=True)

    platform = openmm.Platform.getPlatformByName("CPU")
    properties = {"Threads": str(threads), "DeterministicForces": "true"}
    for key, value in properties.items():
        platform.setPropertyDefaultValue(key, value)

    forcefield = app.ForceField("amber14-all.xml", "implicit/obc2.xml")
    modeller = app.Modeller(heavy.topology, heavy.positions)
    random.seed(seed)  # addHydrogens starts new hydrogens from random offsets
    modeller.addHydrogens(forcefield, pH=demo.PH, platform=platform)
    topology = modeller.topology
    print(f"with hydrogens: {topology.getNumAtoms()} atoms", flush=True)
    system = forcefield.createSystem(topology, nonbondedMethod=app.NoCutoff,
                                     constraints=app.HBonds)
    return topology, system, modeller.positions, platform, properties


def new_simulation(topology, system, platform, properties, friction, seed):
    integrator = openmm.LangevinMiddleIntegrator(TEMPERATURE, friction, TIMESTEP)
    integrator.setRandomNumberSeed(seed)  # read when the Context is created
    return app.Simulation(topology, system, integrator, platform, properties)


def temperature_of(simulation, system):
    """Instantaneous kinetic temperature (K), with constraints and no removed COM motion."""
    state = simulation.context.getState(getEnergy=True)
    dof = 3 * system.getNumParticles() - system.getNumConstraints()
    ke = state.getKineticEnergy().value_in_unit(unit.kilojoule_per_mole)
    return 2 * ke / (dof * unit.MOLAR_GAS_CONSTANT_R.value_in_unit(
        unit.kilojoule_per_mole / unit.kelvin))


def make(out_dir, per_class, frames, seed, threads):
    os.makedirs(out_dir, exist_ok=True)
    # XTCReporter refuses to overwrite: remove what an earlier run left.
    old = glob.glob(os.path.join(out_dir, "*.xtc")) + [
        os.path.join(out_dir, name) for name in ("peptide.pdb", "manifest.csv")]
    for path in old:
        if os.path.exists(path):
            os.remove(path)

    cpu0, wall0 = cpu(), time.time()
    topology, system, positions, platform, properties = make_system(seed, threads)

    # Shared start: minimise, then warm up (not saved). Its end state is the topology PDB.
    sim = new_simulation(topology, system, platform, properties, EQUILIBRATION_FRICTION, seed)
    sim.context.setPositions(positions)
    e0 = sim.context.getState(getEnergy=True).getPotentialEnergy()
    sim.minimizeEnergy()
    e1 = sim.context.getState(getEnergy=True).getPotentialEnergy()
    print(f"energy {e0.value_in_unit(unit.kilojoule_per_mole):.1f} -> "
          f"{e1.value_in_unit(unit.kilojoule_per_mole):.1f} kJ/mol after minimisation", flush=True)
    sim.context.setVelocitiesToTemperature(TEMPERATURE, seed)
    c, w = cpu(), time.time()
    sim.step(WARMUP_STEPS)
    start = sim.context.getState(getPositions=True).getPositions()
    print(f"shared warm-up {WARMUP_STEPS} steps: {time.time() - w:.1f} s wall, "
          f"{cpu() - c:.1f} s CPU, T = {temperature_of(sim, system):.0f} K", flush=True)
    pdb_path = os.path.join(out_dir, "peptide.pdb")
    with open(pdb_path, "w") as f:
        app.PDBFile.writeFile(topology, start, f)
    del sim

    rows = []
    n_total = per_class * len(CLASSES)
    done = 0
    # Interleave the classes (low 01, high 01, low 02, ...) so an interrupted run stays balanced.
    for k in range(1, per_class + 1):
        for ci, (label, friction) in enumerate(CLASSES):
            name = f"{label}_{k:02d}"
            tseed = trajectory_seed(seed, ci, k)
            c, w = cpu(), time.time()
            sim = new_simulation(topology, system, platform, properties,
                                 EQUILIBRATION_FRICTION, tseed)
            sim.context.setPositions(start)
            sim.context.setVelocitiesToTemperature(TEMPERATURE, tseed)
            sim.step(EQUILIBRATION_STEPS)
            # Production at the class friction; time restarts at 0, frame j is at (j+1)*0.2 ps.
            sim.integrator.setFriction(friction)
            assert abs(sim.integrator.getFriction().value_in_unit(unit.picosecond ** -1)
                       - friction.value_in_unit(unit.picosecond ** -1)) < 1e-12
            sim.currentStep = 0
            sim.context.setTime(0.0)
            xtc_path = os.path.join(out_dir, f"{name}.xtc")
            sim.reporters.append(app.XTCReporter(xtc_path, STEPS_PER_FRAME))
            temps = []
            for _ in range(4):
                sim.step(frames * STEPS_PER_FRAME // 4)
                temps.append(temperature_of(sim, system))
            rest = frames * STEPS_PER_FRAME - 4 * (frames * STEPS_PER_FRAME // 4)
            if rest:
                sim.step(rest)
            del sim  # flush and close the XTC
            done += 1
            rows.append((os.path.basename(pdb_path), os.path.basename(xtc_path), label, name))
            print(f"[{done}/{n_total}] {name}: seed {tseed}, friction "
                  f"{friction.value_in_unit(unit.picosecond ** -1):g}/ps, "
                  f"T {' '.join(f'{t:.0f}' for t in temps)} K, "
                  f"{time.time() - w:.1f} s wall, {cpu() - c:.1f} s CPU, "
                  f"{os.path.getsize(xtc_path)} bytes", flush=True)

    manifest = os.path.join(out_dir, "manifest.csv")
    with open(manifest, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["topology", "trajectory", "label", "group"])
        # Sorted by label then name: all low_friction rows, then all high_friction rows.
        order = {label: i for i, (label, _) in enumerate(CLASSES)}
        writer.writerows(sorted(rows, key=lambda r: (order[r[2]], r[3])))
    print(f"generation: {time.time() - wall0:.1f} s wall, {cpu() - cpu0:.1f} s CPU "
          f"({threads} threads)", flush=True)
    return manifest


def verify(manifest, frames):
    """Read every trajectory back with mdtraj (an independent reader); check counts and sanity,
    and compare simple dynamical and structural numbers between the classes."""
    try:
        import mdtraj as md
    except ImportError:
        print("mdtraj not installed; skipping verification", flush=True)
        return
    base = os.path.dirname(manifest)
    with open(manifest, newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and list(rows[0]) == ["topology", "trajectory", "label", "group"], rows[:1]
    groups = [r["group"] for r in rows]
    assert len(set(groups)) == len(groups), "group names must be unique per trajectory"
    print(f"verify: {len(rows)} trajectories in {os.path.basename(manifest)} (mdtraj {md.__version__})")

    per_class = {}
    n_atoms = None
    for r in rows:
        top = os.path.join(base, r["topology"])
        traj = md.load(os.path.join(base, r["trajectory"]), top=top)
        if n_atoms is None:
            n_atoms = md.load(top).n_atoms
        assert traj.n_frames == frames, (r["trajectory"], traj.n_frames)
        assert traj.n_atoms == n_atoms, (r["trajectory"], traj.n_atoms)
        dt = np.diff(traj.time)
        assert np.allclose(dt, dt[0], atol=1e-3) and abs(dt[0] - 0.2) < 1e-3, dt[:3]
        bonds = np.array([[a.index, b.index] for a, b in traj.topology.bonds])
        lengths = md.compute_distances(traj, bonds)
        assert 0.09 < lengths.min() and lengths.max() < 0.2, (lengths.min(), lengths.max())
        # Dynamics: RMS over atoms of the displacement between consecutive frames (0.2 ps),
        # raw (includes overall translation/rotation) and after superposing each frame on the
        # previous one (heavy atoms; internal motion only); and at lag 10 frames (2 ps).
        heavy = traj.topology.select("element != H")
        rms1 = np.sqrt((np.diff(traj.xyz, axis=0) ** 2).sum(-1).mean(-1))
        rms10 = np.sqrt(((traj.xyz[10:] - traj.xyz[:-10]) ** 2).sum(-1).mean(-1))
        fitted = np.array([md.rmsd(traj[i + 1], traj[i], 0, atom_indices=heavy)[0]
                           for i in range(traj.n_frames - 1)])
        # Structure: radius of gyration and helix fraction.
        rg = md.compute_rg(traj)
        helix = (md.compute_dssp(traj, simplified=True) == "H").mean()
        s = dict(rms1=rms1.mean(), rms10=rms10.mean(), fit1=fitted.mean(), rg=rg.mean(),
                 helix=helix)
        per_class.setdefault(r["label"], []).append(s)
        print(f"verify: {r['trajectory']}: {traj.n_frames} frames, {traj.n_atoms} atoms, "
              f"t {traj.time[0]:.1f}..{traj.time[-1]:.1f} ps, bonds {lengths.min():.3f}.."
              f"{lengths.max():.3f} nm, RMS step {s['rms1']:.4f} nm (fitted heavy "
              f"{s['fit1']:.4f}), lag-2ps {s['rms10']:.3f} nm, Rg {s['rg']:.3f} nm, "
              f"helix {helix:.2f}", flush=True)

    print("verify: per class, mean (min..max over trajectories):")
    keys = [("rms1", "RMS displacement per frame (0.2 ps), nm"),
            ("fit1", "heavy-atom RMSD frame-to-frame, fitted, nm"),
            ("rms10", "RMS displacement at lag 2 ps, nm"),
            ("rg", "radius of gyration, nm"),
            ("helix", "DSSP helix fraction")]
    for key, text in keys:
        parts = []
        for label, stats in per_class.items():
            v = np.array([s[key] for s in stats])
            parts.append(f"{label} {v.mean():.4f} ({v.min():.4f}..{v.max():.4f})")
        print(f"  {text}: " + "; ".join(parts))
    lo = np.array([s["rms1"] for s in per_class["low_friction"]])
    hi = np.array([s["rms1"] for s in per_class["high_friction"]])
    print(f"verify: RMS step ratio low/high = {lo.mean() / hi.mean():.2f}; every low_friction "
          f"trajectory moves more per frame than every high_friction one: {lo.min() > hi.max()}")
    assert lo.mean() > hi.mean(), "friction had no effect on the dynamics"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.normpath(os.path.join(here, "..", "..", "web", "demo", "dataset"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out-dir", default=default_out,
                        help="output folder (default: %(default)s)")
    parser.add_argument("--per-class", type=int, default=DEFAULT_PER_CLASS,
                        help="trajectories per class (default: %(default)s)")
    parser.add_argument("--frames", type=int, default=DEFAULT_FRAMES,
                        help="saved frames per trajectory, 0.2 ps apart (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help="base seed; trajectory seeds derive from it (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                        help="OpenMM CPU platform threads (default: %(default)s); only 1 thread "
                             "gives bit-identical reruns")
    parser.add_argument("--no-verify", action="store_true",
                        help="skip reading the files back with mdtraj")
    args = parser.parse_args()
    if args.frames < 11:
        parser.error("--frames must be at least 11")
    print(f"OpenMM {openmm.__version__}, NumPy {np.__version__}, Python {sys.version.split()[0]}",
          flush=True)
    manifest = make(args.out_dir, args.per_class, args.frames, args.seed, args.threads)
    total = 0
    for path in sorted(glob.glob(os.path.join(args.out_dir, "*"))):
        total += os.path.getsize(path)
    print(f"wrote {manifest} and {2 * args.per_class} trajectories; {total} bytes in "
          f"{args.out_dir}", flush=True)
    if not args.no_verify:
        verify(manifest, args.frames)


if __name__ == "__main__":
    main()
