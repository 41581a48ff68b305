#!/usr/bin/env python3
"""Make the accuracy benchmark's datasets: real implicit-solvent MD of one peptide, in tasks of
graded difficulty whose two classes differ in one physical setting only.

Every task simulates the demo's peptide (Ace-AAKAAEAAKA-NMe, 141 atoms, Amber ff14SB + OBC2;
built by tools/demo/make_demo.py and set up by tools/demo/make_dataset.py, both imported, not
copied). The classes:

    temperature-large   300 K          vs 400 K           (how fast: easy)
    temperature-small   300 K          vs 330 K           (how fast: hard)
    friction            1 / ps         vs 20 / ps         (how smoothly)
    restraint           free           vs a harmonic restraint on residue 6's phi at -60 deg
                                          (which motion: one dihedral stops exploring)

Starts are paired across classes. Start k is the shared warm-up followed by its own
equilibration at 300 K and friction 5 / ps (seed from k); from that one structure, each class
draws its own velocities and random forces, equilibrates in its own setting, then runs the
saved production. Both classes of a pair share the manifest's `group` (`start_k`), so grouped
cross-validation keeps a start's two trajectories together and no test structure was seen in
training.

Outputs, per task, in <out>/<task>/: peptide.pdb, <class>_NN.xtc, manifest.csv
(topology,trajectory,label,group) and settings.json (what made it). A task whose folder already
holds a complete manifest for the same settings is left alone, so a rerun only makes what is
missing.

Usage:
    python3 make_tasks.py --out DIR [--tasks a,b,...] [--per-class N] [--frames N]
                          [--seed S] [--threads T]
"""

import argparse
import csv
import json
import os
import sys
import time

import openmm
from openmm import app, unit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "demo"))
import make_dataset as dataset  # noqa: E402

KELVIN = unit.kelvin
PER_PS = unit.picosecond ** -1
BASE_TEMPERATURE = 300.0 * KELVIN
BASE_FRICTION = 1.0 * PER_PS
START_FRICTION = dataset.EQUILIBRATION_FRICTION  # 5 / ps, for the shared starts
START_STEPS = 5_000  # 10 ps from the warm-up to start k
CLASS_STEPS = 2_500  # 5 ps in the class's own setting before saving
RESTRAINT_RESIDUE = 6  # 0-based: GLU7, the middle of the chain (ACE is residue 0)
RESTRAINT_ANGLE = -60.0  # degrees
RESTRAINT_K = 200.0  # kJ/mol/rad^2

# task → ((label, temperature, friction, restrained), (label, ...))
TASKS = {
    "temperature-large": (("300K", 300.0, 1.0, False), ("400K", 400.0, 1.0, False)),
    "temperature-small": (("300K", 300.0, 1.0, False), ("330K", 330.0, 1.0, False)),
    "friction": (("low_friction", 300.0, 1.0, False), ("high_friction", 300.0, 20.0, False)),
    "restraint": (("free", 300.0, 1.0, False), ("restrained", 300.0, 1.0, True)),
}


def phi_atoms(topology, residue):
    """Atom indices of residue `residue`'s phi: C(i-1), N(i), CA(i), C(i)."""
    residues = list(topology.residues())
    def atom(r, name):
        return next(a.index for a in residues[r].atoms() if a.name == name)
    return (atom(residue - 1, "C"), atom(residue, "N"), atom(residue, "CA"), atom(residue, "C"))


def restrained(system, topology):
    """A copy of `system` with a harmonic restraint on the chosen phi (periodic distance)."""
    copy = openmm.XmlSerializer.deserialize(openmm.XmlSerializer.serialize(system))
    force = openmm.CustomTorsionForce(
        "0.5*k*d^2; d = min(dt, 2*pi - dt); dt = abs(theta - theta0); pi = 3.141592653589793")
    force.addGlobalParameter("k", RESTRAINT_K)
    force.addGlobalParameter("theta0", RESTRAINT_ANGLE * 3.141592653589793 / 180.0)
    force.addTorsion(*phi_atoms(topology, RESTRAINT_RESIDUE), [])
    copy.addForce(force)
    return copy


def settings_of(task, per_class, frames, seed):
    return {
        "task": task,
        "classes": [dict(label=l, temperature_K=t, friction_per_ps=g, restrained_phi=r)
                    for (l, t, g, r) in TASKS[task]],
        "restraint": dict(residue=RESTRAINT_RESIDUE, angle_deg=RESTRAINT_ANGLE,
                          k_kJ_per_mol_rad2=RESTRAINT_K),
        "per_class": per_class, "frames": frames, "frame_ps": 0.2, "seed": seed,
        "start_steps": START_STEPS, "class_steps": CLASS_STEPS,
        "openmm": openmm.__version__,
    }


def complete(folder, settings):
    """The folder already holds this task with these settings, every file present."""
    try:
        with open(os.path.join(folder, "settings.json")) as f:
            if json.load(f) != settings:
                return False
        with open(os.path.join(folder, "manifest.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, ValueError):
        return False
    need = 2 * settings["per_class"]
    return len(rows) == need and all(
        os.path.exists(os.path.join(folder, r["trajectory"])) for r in rows)


def make_task(task, folder, per_class, frames, seed, threads):
    settings = settings_of(task, per_class, frames, seed)
    if complete(folder, settings):
        print(f"{task}: complete in {folder}", flush=True)
        return
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.endswith((".xtc", ".csv", ".json", ".pdb")):
            os.remove(os.path.join(folder, name))
    wall0 = time.time()
    topology, system, positions, platform, properties = dataset.make_system(seed, threads)
    systems = {False: system, True: restrained(system, topology)}

    sim = dataset.new_simulation(topology, system, platform, properties, START_FRICTION, seed)
    sim.context.setPositions(positions)
    sim.minimizeEnergy()
    sim.context.setVelocitiesToTemperature(BASE_TEMPERATURE, seed)
    sim.step(dataset.WARMUP_STEPS)
    warm = sim.context.getState(getPositions=True).getPositions()
    pdb = os.path.join(folder, "peptide.pdb")
    with open(pdb, "w") as f:
        app.PDBFile.writeFile(topology, warm, f)
    del sim

    rows = []
    for k in range(1, per_class + 1):
        start_seed = seed + 100_000 + k
        sim = dataset.new_simulation(topology, system, platform, properties, START_FRICTION,
                                     start_seed)
        sim.context.setPositions(warm)
        sim.context.setVelocitiesToTemperature(BASE_TEMPERATURE, start_seed)
        sim.step(START_STEPS)
        start = sim.context.getState(getPositions=True).getPositions()
        del sim
        for ci, (label, temperature, friction, restrain) in enumerate(TASKS[task]):
            tseed = dataset.trajectory_seed(seed, ci, k)
            w = time.time()
            integrator = openmm.LangevinMiddleIntegrator(
                temperature * KELVIN, friction * PER_PS, dataset.TIMESTEP)
            integrator.setRandomNumberSeed(tseed)
            sim = app.Simulation(topology, systems[restrain], integrator, platform, properties)
            sim.context.setPositions(start)
            sim.context.setVelocitiesToTemperature(temperature * KELVIN, tseed)
            sim.step(CLASS_STEPS)
            sim.currentStep = 0
            sim.context.setTime(0.0)
            name = f"{label}_{k:02d}.xtc"
            sim.reporters.append(app.XTCReporter(os.path.join(folder, name),
                                                 dataset.STEPS_PER_FRAME))
            sim.step(frames * dataset.STEPS_PER_FRAME)
            kinetic = dataset.temperature_of(sim, systems[restrain])
            del sim  # flush and close the XTC
            rows.append(("peptide.pdb", name, label, f"start_{k:02d}"))
            print(f"{task} [{len(rows)}/{2 * per_class}] {name}: T {kinetic:.0f} K at the end, "
                  f"{time.time() - w:.1f} s", flush=True)

    with open(os.path.join(folder, "manifest.csv"), "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["topology", "trajectory", "label", "group"])
        writer.writerows(rows)
    # Written last: its presence with these settings marks the task complete.
    with open(os.path.join(folder, "settings.json"), "w") as f:
        json.dump(settings, f, indent=2)
    print(f"{task}: {2 * per_class} trajectories in {time.time() - wall0:.0f} s", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="folder for the tasks (outside the source tree)")
    parser.add_argument("--tasks", default=",".join(TASKS),
                        help="comma-separated tasks (default: all: %(default)s)")
    parser.add_argument("--per-class", type=int, default=20)
    parser.add_argument("--frames", type=int, default=100,
                        help="saved frames per trajectory, 0.2 ps apart (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--threads", type=int, default=1,
                        help="OpenMM CPU threads (1 gives bit-identical reruns)")
    args = parser.parse_args()
    tasks = [t for t in args.tasks.split(",") if t]
    unknown = [t for t in tasks if t not in TASKS]
    if unknown:
        parser.error(f"unknown task(s) {', '.join(unknown)}; known: {', '.join(TASKS)}")
    if args.per_class < 2 or args.frames < 11:
        parser.error("--per-class must be at least 2 and --frames at least 11")
    for task in tasks:
        make_task(task, os.path.join(args.out, task), args.per_class, args.frames, args.seed,
                  args.threads)


if __name__ == "__main__":
    main()
