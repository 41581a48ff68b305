#!/usr/bin/env python3
"""Make molsig's demo trajectory: a short, real implicit-solvent MD run of a capped peptide.

The peptide Ace-AAKAAEAAKA-NMe is built from scratch (no downloaded or copied structure):
heavy atoms are placed from ideal internal coordinates (Engh & Huber bond lengths and angles,
alpha-helix phi/psi = -57/-47, trans peptide bonds) with a small NeRF routine below. OpenMM
then adds hydrogens (amber14 templates, pH 7), minimises, equilibrates and runs Langevin
dynamics in OBC2 implicit solvent at 300 K. OpenMM's own XTCReporter writes the trajectory,
and the PDB topology is the first frame of that trajectory written with PDBFile.writeFile.

Outputs (default: <repo>/web/demo/):
    demo.pdb  first frame of the production run (all atoms, hydrogens included)
    demo.xtc  production frames, one per ps

Usage:
    python3 make_demo.py [--out-dir DIR] [--frames N] [--seed S] [--no-verify]

See tools/demo/README.md for the exact versions and command used for the committed files.
"""

import argparse
import io
import math
import os
import random
import sys
import time

import numpy as np
import openmm
from openmm import app, unit

# ---------------------------------------------------------------------------------------------
# Parameters of the run (recorded in tools/demo/README.md).
# ---------------------------------------------------------------------------------------------
SEQUENCE = ["ACE", "ALA", "ALA", "LYS", "ALA", "ALA", "GLU", "ALA", "ALA", "LYS", "ALA", "NME"]
PHI, PSI, OMEGA = -57.0, -47.0, 180.0  # ideal right-handed alpha helix, trans peptide bonds
TEMPERATURE = 300.0 * unit.kelvin
FRICTION = 1.0 / unit.picosecond
TIMESTEP = 2.0 * unit.femtoseconds
STEPS_PER_FRAME = 500  # 1 ps per saved frame
EQUILIBRATION_STEPS = 5_000  # 10 ps, not saved
DEFAULT_FRAMES = 200
DEFAULT_SEED = 20240607
PH = 7.0

# ---------------------------------------------------------------------------------------------
# Ideal geometry (Angstrom, degrees): Engh & Huber (1991) values.
# ---------------------------------------------------------------------------------------------
B_N_CA, B_CA_C, B_C_N, B_C_O, B_CA_CB = 1.458, 1.525, 1.329, 1.231, 1.530
B_CH3_C = 1.520  # ACE methyl carbon to carbonyl carbon
B_N_CH3 = 1.458  # NME nitrogen to methyl carbon
A_C_N_CA, A_N_CA_C, A_CA_C_N, A_O_C_N = 121.7, 111.2, 116.2, 122.7
A_C_CA_CB = 110.1
# Dihedral N-C-CA-CB that puts CB on the L side of CA (checked by chirality() below).
D_N_C_CA_CB = 122.69

# Side chains: list of (atom, (ref1, ref2, ref3), bond, angle, dihedral), placed in order.
# Rotamers: Lys mttt, Glu mt-10 (common in helices).
SIDE_CHAINS = {
    "ALA": [],
    "LYS": [
        ("CG", ("N", "CA", "CB"), 1.520, 114.1, -65.0),
        ("CD", ("CA", "CB", "CG"), 1.520, 111.3, 180.0),
        ("CE", ("CB", "CG", "CD"), 1.520, 111.3, 180.0),
        ("NZ", ("CG", "CD", "CE"), 1.489, 111.9, 180.0),
    ],
    "GLU": [
        ("CG", ("N", "CA", "CB"), 1.520, 114.1, -65.0),
        ("CD", ("CA", "CB", "CG"), 1.516, 112.6, 180.0),
        ("OE1", ("CB", "CG", "CD"), 1.249, 118.4, -10.0),
        ("OE2", ("CB", "CG", "CD"), 1.249, 118.4, 170.0),
    ],
}


def place(a, b, c, bond, angle, torsion):
    """NeRF: position of d given a, b, c with |cd| = bond, angle(b,c,d) and dihedral(a,b,c,d)."""
    angle, torsion = math.radians(angle), math.radians(torsion)
    bc = c - b
    bc /= np.linalg.norm(bc)
    n = np.cross(b - a, bc)
    n /= np.linalg.norm(n)
    m = np.cross(n, bc)
    d2 = np.array([
        -bond * math.cos(angle),
        bond * math.sin(angle) * math.cos(torsion),
        bond * math.sin(angle) * math.sin(torsion),
    ])
    return c + d2[0] * bc + d2[1] * m + d2[2] * n


def dihedral(a, b, c, d):
    b0, b1, b2 = a - b, c - b, d - c
    b1n = b1 / np.linalg.norm(b1)
    v = b0 - np.dot(b0, b1n) * b1n
    w = b2 - np.dot(b2, b1n) * b1n
    x = np.dot(v, w)
    y = np.dot(np.cross(b1n, v), w)
    return math.degrees(math.atan2(y, x))


def angle_deg(a, b, c):
    u, v = a - b, c - b
    return math.degrees(math.acos(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))))


def chirality(n, ca, c, cb):
    """Signed volume (N-CA).((C-CA)x(CB-CA)); positive for L amino acids (CORN rule)."""
    return float(np.dot(n - ca, np.cross(c - ca, cb - ca)))


def build_peptide():
    """Return residues as a list of (resname, [(atom name, xyz in Angstrom)])."""
    residues = [(name, {}) for name in SEQUENCE]
    # ACE: CH3 plays the role of a preceding CA, C is the first carbonyl carbon.
    ace = residues[0][1]
    ace["CH3"] = np.array([0.0, 0.0, 0.0])
    ace["C"] = np.array([B_CH3_C, 0.0, 0.0])
    a = math.radians(A_CA_C_N)
    # First nitrogen in the xy plane, at the CH3-C-N angle.
    first_n = ace["C"] + B_C_N * np.array([-math.cos(a), math.sin(a), 0.0])

    prev_ca, prev_c, prev_res = ace["CH3"], ace["C"], ace
    prev_n = None
    n_pos = first_n
    for name, atoms in residues[1:]:
        atoms["N"] = n_pos
        if name == "NME":
            atoms["C"] = place(prev_ca, prev_c, n_pos, B_N_CH3, A_C_N_CA, OMEGA)
            # Carbonyl O of the preceding residue: cis to the next CA across the peptide bond.
            prev_res["O"] = place(atoms["C"], n_pos, prev_c, B_C_O, A_O_C_N, 0.0)
            break
        atoms["CA"] = place(prev_ca, prev_c, n_pos, B_N_CA, A_C_N_CA, OMEGA)
        prev_res["O"] = place(atoms["CA"], n_pos, prev_c, B_C_O, A_O_C_N, 0.0)
        atoms["C"] = place(prev_c, n_pos, atoms["CA"], B_CA_C, A_N_CA_C, PHI)
        atoms["CB"] = place(atoms["N"], atoms["C"], atoms["CA"], B_CA_CB, A_C_CA_CB, D_N_C_CA_CB)
        for atom, (r1, r2, r3), bond, ang, tor in SIDE_CHAINS[name]:
            atoms[atom] = place(atoms[r1], atoms[r2], atoms[r3], bond, ang, tor)
        next_n = place(n_pos, atoms["CA"], atoms["C"], B_C_N, A_CA_C_N, PSI)
        prev_n, prev_ca, prev_c, prev_res, n_pos = n_pos, atoms["CA"], atoms["C"], atoms, next_n
    return residues


def check_geometry(residues):
    """Self-check of the builder: backbone dihedrals, bond lengths and L chirality."""
    for i in range(1, len(residues) - 1):
        prev, cur, nxt = residues[i - 1][1], residues[i][1], residues[i + 1][1]
        prev_ca = prev.get("CA", prev.get("CH3"))
        next_ca = nxt.get("CA", nxt.get("C") if residues[i + 1][0] == "NME" else None)
        phi = dihedral(prev["C"], cur["N"], cur["CA"], cur["C"])
        psi = dihedral(cur["N"], cur["CA"], cur["C"], nxt["N"])
        omega = dihedral(prev_ca, prev["C"], cur["N"], cur["CA"])
        assert abs(phi - PHI) < 1e-6 and abs(psi - PSI) < 1e-6, (i, phi, psi)
        assert abs(abs(omega) - 180.0) < 1e-6, (i, omega)
        assert abs(np.linalg.norm(cur["N"] - cur["CA"]) - B_N_CA) < 1e-9
        assert abs(angle_deg(cur["N"], cur["CA"], cur["C"]) - A_N_CA_C) < 1e-6
        assert chirality(cur["N"], cur["CA"], cur["C"], cur["CB"]) > 0, f"residue {i} is not L"
        # O trans to the next CA's side of the bond: O=C-N angle and planarity.
        assert abs(angle_deg(cur["O"], cur["C"], nxt["N"]) - A_O_C_N) < 1e-6
        assert abs(dihedral(cur["O"], cur["C"], nxt["N"], next_ca)) < 1e-6
    # No two heavy atoms closer than 2.2 A unless bonded-ish (1-2 and 1-3 distances are < 2.6 A).
    xyz = np.array([p for _, atoms in residues for p in atoms.values()])
    d = np.linalg.norm(xyz[:, None] - xyz[None], axis=-1)
    np.fill_diagonal(d, 10.0)
    assert d.min() > 1.2, f"atoms overlap: min distance {d.min():.2f} A"


def heavy_atom_pdb(residues):
    """PDB text (ATOM records, standard columns) of the built heavy atoms."""
    lines = []
    serial = 0
    for resnum, (name, atoms) in enumerate(residues, start=1):
        record = "HETATM" if name in ("ACE", "NME") else "ATOM  "
        order = ["CH3", "N", "CA", "C", "O", "CB"]
        names = sorted(atoms, key=lambda a: (order.index(a) if a in order else len(order)))
        for atom in names:
            xyz = atoms[atom]
            serial += 1
            element = atom[0]
            padded = f" {atom:<3s}" if len(atom) < 4 else atom
            lines.append(
                f"{record}{serial:5d} {padded:4s} {name:3s} A{resnum:4d}    "
                f"{xyz[0]:8.3f}{xyz[1]:8.3f}{xyz[2]:8.3f}  1.00  0.00          {element:>2s}"
            )
    lines.append("TER")
    lines.append("END")
    return "\n".join(lines) + "\n"


class FirstFrameXTCReporter(app.XTCReporter):
    """OpenMM's XTCReporter that also writes its first reported frame as a PDB topology."""

    def __init__(self, xtc_path, interval, pdb_path):
        super().__init__(xtc_path, interval)
        self._pdb_path = pdb_path
        self._pdb_written = False
        self.frames = 0

    def report(self, simulation, state):
        if not self._pdb_written:
            with open(self._pdb_path, "w") as f:
                app.PDBFile.writeFile(simulation.topology, state.getPositions(), f)
            self._pdb_written = True
        super().report(simulation, state)
        self.frames += 1


def make(out_dir, frames, seed):
    os.makedirs(out_dir, exist_ok=True)
    pdb_path = os.path.join(out_dir, "demo.pdb")
    xtc_path = os.path.join(out_dir, "demo.xtc")
    for path in (pdb_path, xtc_path):
        if os.path.exists(path):
            os.remove(path)  # XTCReporter refuses to overwrite

    residues = build_peptide()
    check_geometry(residues)
    heavy = app.PDBFile(io.StringIO(heavy_atom_pdb(residues)))
    print(f"built {heavy.topology.getNumAtoms()} heavy atoms, "
          f"{heavy.topology.getNumResidues()} residues", flush=True)

    # CPU platform, one thread, deterministic force summation: for every Context made here,
    # including the one Modeller.addHydrogens uses to relax the new hydrogens.
    platform = openmm.Platform.getPlatformByName("CPU")
    properties = {"Threads": "1", "DeterministicForces": "true"}
    for key, value in properties.items():
        platform.setPropertyDefaultValue(key, value)

    forcefield = app.ForceField("amber14-all.xml", "implicit/obc2.xml")
    modeller = app.Modeller(heavy.topology, heavy.positions)
    # addHydrogens starts the new hydrogens from positions drawn with Python's random module.
    random.seed(seed)
    modeller.addHydrogens(forcefield, pH=PH, platform=platform)
    topology = modeller.topology
    print(f"with hydrogens: {topology.getNumAtoms()} atoms", flush=True)

    system = forcefield.createSystem(
        topology, nonbondedMethod=app.NoCutoff, constraints=app.HBonds
    )
    integrator = openmm.LangevinMiddleIntegrator(TEMPERATURE, FRICTION, TIMESTEP)
    integrator.setRandomNumberSeed(seed)
    simulation = app.Simulation(topology, system, integrator, platform, properties)
    simulation.context.setPositions(modeller.positions)

    e0 = simulation.context.getState(getEnergy=True).getPotentialEnergy()
    simulation.minimizeEnergy()
    e1 = simulation.context.getState(getEnergy=True).getPotentialEnergy()
    print(f"energy {e0.value_in_unit(unit.kilojoule_per_mole):.1f} -> "
          f"{e1.value_in_unit(unit.kilojoule_per_mole):.1f} kJ/mol after minimisation", flush=True)

    simulation.context.setVelocitiesToTemperature(TEMPERATURE, seed)
    t0 = time.time()
    simulation.step(EQUILIBRATION_STEPS)
    print(f"equilibrated {EQUILIBRATION_STEPS} steps in {time.time() - t0:.1f} s", flush=True)

    # Production: time restarts at 0; frame k of the XTC is at (k + 1) ps.
    simulation.currentStep = 0
    simulation.context.setTime(0.0)
    reporter = FirstFrameXTCReporter(xtc_path, STEPS_PER_FRAME, pdb_path)
    simulation.reporters.append(reporter)
    simulation.reporters.append(app.StateDataReporter(
        sys.stdout, 50 * STEPS_PER_FRAME, step=True, time=True, potentialEnergy=True,
        temperature=True, speed=True,
    ))
    t0 = time.time()
    simulation.step(frames * STEPS_PER_FRAME)
    print(f"production {frames * STEPS_PER_FRAME} steps in {time.time() - t0:.1f} s, "
          f"{reporter.frames} frames", flush=True)
    return pdb_path, xtc_path


def verify(pdb_path, xtc_path, frames):
    """Load PDB + XTC back with an independent reader (mdtraj) and print sanity numbers."""
    try:
        import mdtraj as md
    except ImportError:
        print("mdtraj not installed; skipping verification", flush=True)
        return
    traj = md.load(xtc_path, top=pdb_path)
    pdb = md.load(pdb_path)
    print(f"verify: {traj.n_frames} frames, {traj.n_atoms} atoms, "
          f"{traj.topology.n_residues} residues, {traj.topology.n_bonds} bonds (mdtraj {md.__version__})")
    assert traj.n_frames == frames, traj.n_frames
    assert traj.n_atoms == pdb.n_atoms
    print(f"verify: time {traj.time[0]:.1f} .. {traj.time[-1]:.1f} ps, "
          f"dt {traj.timestep:.2f} ps, box {traj.unitcell_vectors is not None}")
    diff0 = np.abs(traj.xyz[0] - pdb.xyz[0]).max()
    print(f"verify: |xtc frame 0 - pdb| max {diff0:.4f} nm")
    assert diff0 < 0.0015
    step = np.linalg.norm(np.diff(traj.xyz, axis=0), axis=-1)  # per-atom displacement per ps
    print(f"verify: per-frame displacement mean {step.mean():.3f} nm, max {step.max():.3f} nm, "
          f"min over frames of mean {step.mean(axis=1).min():.3f} nm")
    assert step.mean(axis=1).min() > 0.01
    heavy = traj.topology.select("element != H")
    ca = traj.topology.select("name CA")
    rmsd = md.rmsd(traj, traj, 0, atom_indices=heavy)
    rmsd_ca = md.rmsd(traj, traj, 0, atom_indices=ca)
    rg = md.compute_rg(traj)
    extent = traj.xyz.max(axis=1) - traj.xyz.min(axis=1)
    print(f"verify: heavy-atom RMSD to frame 0 (fitted) mean {rmsd.mean():.3f}, "
          f"max {rmsd.max():.3f} nm; CA RMSD max {rmsd_ca.max():.3f} nm")
    print(f"verify: Rg {rg.min():.3f} .. {rg.max():.3f} nm; "
          f"max extent {extent.max():.3f} nm")
    assert rmsd.max() < 1.0 and extent.max() < 5.0
    # Covalent bonds stay intact in every frame.
    bonds = np.array([[a.index, b.index] for a, b in traj.topology.bonds])
    lengths = md.compute_distances(traj, bonds)
    print(f"verify: bond lengths {lengths.min():.3f} .. {lengths.max():.3f} nm over all frames")
    assert lengths.max() < 0.2
    ss = md.compute_dssp(traj, simplified=True)
    helix = (ss == "H").mean(axis=1)
    print(f"verify: DSSP helix fraction first {helix[0]:.2f}, mean {helix.mean():.2f}, "
          f"last {helix[-1]:.2f}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.normpath(os.path.join(here, "..", "..", "web", "demo"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out-dir", default=default_out)
    parser.add_argument("--frames", type=int, default=DEFAULT_FRAMES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--no-verify", action="store_true")
    args = parser.parse_args()
    print(f"OpenMM {openmm.__version__}, NumPy {np.__version__}, Python {sys.version.split()[0]}",
          flush=True)
    pdb_path, xtc_path = make(args.out_dir, args.frames, args.seed)
    for path in (pdb_path, xtc_path):
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")
    if not args.no_verify:
        verify(pdb_path, xtc_path, args.frames)


if __name__ == "__main__":
    main()
