#!/usr/bin/env python3
"""Dump MDAnalysis's reading of MDAnalysisTests' own files as a reference for molsig-io.

Usage: python dump_reference.py REFERENCE_DIR

Run by `cargo xtask test` inside a throwaway venv holding MDAnalysis and MDAnalysisTests
(pinned in xtask/src/test.rs). The data files are never copied into the molsig repository
(they are LGPL): each case records the absolute path of the file inside the installed
MDAnalysisTests package, and the Rust test (crates/molsig-io/tests/mdanalysis.rs) reads that very
file. The one exception is a gzip-compressed PDB, which is decompressed into REFERENCE_DIR (a build
directory, never the repo) because molsig-io reads plain bytes; MDAnalysis then reads the same
decompressed copy.

For every case REFERENCE_DIR gets CASE.json (metadata, per-atom topology arrays, per-frame boxes,
times, steps, bonds) and CASE.f32 (every frame's coordinates: little-endian float32, nm,
[frame][atom][xyz]). index.json lists the cases. See tests/mdanalysis/README.md.
"""

import collections
import gzip
import json
import os
import shutil
import sys
import time
import warnings

import numpy as np

T0 = time.perf_counter()

warnings.filterwarnings("ignore")  # MDAnalysis warns about missing elements, placeholder boxes...

import MDAnalysis as mda  # noqa: E402
import MDAnalysisTests  # noqa: E402
from MDAnalysis.coordinates.XTC import XTCReader  # noqa: E402
from MDAnalysis.lib.formats.libmdaxdr import XTCFile  # noqa: E402
from MDAnalysisTests import datafiles as df  # noqa: E402

ANGSTROM_PER_NM = 10.0


def nm(a):
    """MDAnalysis Å (float32) → nm, through float64, stored as little-endian float32."""
    return (np.asarray(a, dtype=np.float64) / ANGSTROM_PER_NM).astype("<f4")


def box_nm(ts):
    """MDAnalysis's box as three row vectors in nm, or None when it has none."""
    if ts.dimensions is None:
        return None
    return (np.asarray(ts.triclinic_dimensions, dtype=np.float64) / ANGSTROM_PER_NM).tolist()


def atom_lines(path):
    """The file's ATOM/HETATM lines up to the first END* line, as MDAnalysis's PDBParser reads them."""
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("END"):
                break
            if line.startswith(("ATOM", "HETATM")):
                out.append(line)
    return out


def topology_arrays(u, fmt, path):
    """Per-atom topology arrays as MDAnalysis sees them (every record, altlocs included)."""
    a = u.atoms
    top = {
        "names": [str(x) for x in a.names],
        "resnames": [str(x) for x in a.resnames],
        "resids": [int(x) for x in a.resids],
        "n_residues": int(len(u.residues)),
    }
    if fmt == "pdb":
        top["serials"] = [int(x) for x in a.ids]
        top["chain_ids"] = [str(x) for x in a.chainIDs]
        top["icodes"] = [str(x) for x in a.icodes]
        top["altlocs"] = [str(x) for x in a.altLocs]
        top["record_types"] = [str(x) for x in a.record_types]
        # MDAnalysis substitutes 0.0 / 1.0 for blank occupancy / B-factor fields (molsig: 1.0 / 0.0):
        # only record them when the file really has them on every atom line.
        lines = atom_lines(path)
        assert len(lines) == len(a), (path, len(lines), len(a))
        if all(line[54:60].strip() for line in lines):
            top["occupancies"] = [float(x) for x in a.occupancies]
        if all(line[60:66].strip() for line in lines):
            top["tempfactors"] = [float(x) for x in a.tempfactors]
        # Elements only when the file has the element column: MDAnalysis does not guess them
        # (molsig infers missing ones from the name; that is not compared).
        if hasattr(a, "elements"):
            top["elements"] = [str(x) for x in a.elements]
    return top


def bonds_of(u):
    """MDAnalysis's bonds (CONECT records only: no guessing) as sorted unique index pairs, or None."""
    if not hasattr(u, "bonds") or not hasattr(u.atoms, "bonds"):
        return None
    try:
        idx = u.bonds.indices
    except Exception:  # noqa: BLE001 - no bonds attribute
        return None
    pairs = sorted({(int(min(i, j)), int(max(i, j))) for i, j in idx})
    return [list(p) for p in pairs]


def altloc_selections(top):
    """Which MDAnalysis atoms molsig's AltlocPolicy variants must keep, and in which order.

    MDAnalysis keeps every altloc record as its own atom. An 'altloc group' is the set of records
    with a non-blank altloc sharing (chain, resid, icode, atom name); molsig keeps one atom per
    group, at the place of the group's first record, with the chosen record's altloc, serial,
    occupancy, B-factor and coordinates. Records with a blank altloc are always kept. Per group:
      first              – the group's first record in file order;
      highest_occupancy  – the record with the highest occupancy, the first one on ties;
      only_X             – the record whose altloc is X, else the group's first record.
    Returns ({policy: [MDAnalysis index of each molsig atom]}, [molsig atom index of each MDAnalysis
    record] (the same for every policy; used to map CONECT bonds), summary counts).
    """
    groups = collections.OrderedDict()
    group_of = {}
    for i, alt in enumerate(top["altlocs"]):
        if alt:
            key = (top["chain_ids"][i], top["resids"][i], top["icodes"][i], top["names"][i])
            groups.setdefault(key, []).append(i)
            group_of[i] = key
    occ = top["occupancies"]
    letters = sorted({top["altlocs"][i] for g in groups.values() for i in g})
    choosers = {
        "first": lambda g: g[0],
        "highest_occupancy": lambda g: max(g, key=lambda i: (occ[i], -i)),
    }
    for letter in letters:
        choosers[f"only_{letter}"] = lambda g, c=letter: next((i for i in g if top["altlocs"][i] == c), g[0])

    def keep(choose):
        out = []
        for i in range(len(top["altlocs"])):
            if i not in group_of:
                out.append(i)
            elif groups[group_of[i]][0] == i:
                out.append(choose(groups[group_of[i]]))
        return out

    sel = {name: keep(choose) for name, choose in choosers.items()}
    record_to_atom, n = [], -1
    firsts = {}
    for i in range(len(top["altlocs"])):
        if i not in group_of or groups[group_of[i]][0] == i:
            n += 1
            firsts[i] = n
        record_to_atom.append(firsts[groups[group_of[i]][0]] if i in group_of else n)
    info = {
        "groups": len(groups),
        "letters": letters,
        "groups_without_every_letter": sum(1 for g in groups.values() if len(g) != len(letters)),
        "groups_where_highest_is_not_first": sum(1 for g in groups.values() if choosers["highest_occupancy"](g) != g[0]),
        "groups_whose_first_letter_is_not_the_files_first_letter": sum(
            1 for g in groups.values() if top["altlocs"][g[0]] != letters[0]
        ),
    }
    return sel, record_to_atom, info


def xtc_raw(path):
    """Per-frame precision from MDAnalysis's own libxdrfile binding (the public Timestep lacks it)."""
    precisions = []
    with XTCFile(path) as f:
        n_atoms = f.n_atoms
        for frame in f:
            precisions.append(float(frame.prec) if n_atoms > 9 else None)  # ≤ 9 atoms: stored uncompressed
    return precisions


def write_frames(out_dir, name, frames_xyz):
    path = os.path.join(out_dir, f"{name}.f32")
    with open(path, "wb") as f:
        for xyz in frames_xyz:
            f.write(nm(xyz).tobytes())
    return os.path.basename(path)


def dump_structure(out_dir, name, path, fmt, note, altlocs=False):
    """A PDB or GRO file read as a Universe: topology, bonds and every frame (PDB models)."""
    u = mda.Universe(path, format=fmt.upper())
    top = topology_arrays(u, fmt, path)
    boxes, xyz = [], []
    for ts in u.trajectory:
        xyz.append(ts.positions.copy())
        boxes.append(box_nm(ts))
    case = {
        "name": name,
        "kind": fmt,
        "note": note,
        "files": {"structure": path},
        "n_atoms": int(len(u.atoms)),
        "n_frames": len(xyz),
        "topology": top,
        "bonds": bonds_of(u) if fmt == "pdb" else None,
        "coordinates": write_frames(out_dir, name, xyz),
        "boxes": boxes,
        # MDAnalysis invents PDB times (frame * 1 ps) and reads no time from GRO: not compared.
        "times": None,
        "steps": None,
        "precisions": None,
    }
    if altlocs:
        case["altloc_selections"], case["altloc_record_to_atom"], case["altloc_info"] = altloc_selections(top)
    return case


def dump_xtc(out_dir, name, path, note, topology_case=None):
    """An XTC read with MDAnalysis's XTCReader (no topology needed): every frame."""
    reader = XTCReader(path)
    boxes, xyz, times, steps = [], [], [], []
    for ts in reader:
        xyz.append(ts.positions.copy())
        boxes.append(box_nm(ts))
        times.append(float(ts.time))
        steps.append(int(ts.data["step"]))
    n_atoms = int(reader.n_atoms)
    reader.close()
    return {
        "name": name,
        "kind": "xtc",
        "note": note,
        "files": {"trajectory": path},
        "topology_case": topology_case,
        "n_atoms": n_atoms,
        "n_frames": len(xyz),
        "topology": None,
        "bonds": None,
        "coordinates": write_frames(out_dir, name, xyz),
        "boxes": boxes,
        "times": times,
        "steps": steps,
        "precisions": xtc_raw(path),
    }


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: dump_reference.py REFERENCE_DIR")
    out_dir = os.path.abspath(sys.argv[1])
    if os.path.isdir(out_dir) and os.listdir(out_dir):
        if not os.path.exists(os.path.join(out_dir, "index.json")):
            sys.exit(f"{out_dir} is not empty and holds no index.json: not a reference dir, not touching it")
        shutil.rmtree(out_dir)
    os.makedirs(out_dir, exist_ok=True)

    # 19hc.pdb.gz (MDAnalysisTests' PDB_rama) is the one file with altlocs whose highest-occupancy
    # record is not always the first; molsig reads plain bytes, so decompress it (outside the repo).
    hc19 = os.path.join(out_dir, "19hc.pdb")
    with gzip.open(df.PDB_rama, "rb") as src, open(hc19, "wb") as dst:
        shutil.copyfileobj(src, dst)

    # (case name, builder, args)
    cases = [
        ("pdb_conect_1hvr", dump_structure, (df.CONECT, "pdb", "MDAnalysisTests CONECT: 1HVR with 68 CONECT records, elements, hydrogens")),
        ("pdb_altloc_conect_4e43", dump_structure, (df.PDB_full, "pdb", "MDAnalysisTests PDB_full: 4E43, altlocs A/B on 34 atoms, 84 CONECT records, HETATM waters"), {"altlocs": True}),
        ("pdb_altloc_conect_19hc", dump_structure, (hc19, "pdb", "MDAnalysisTests PDB_rama (19hc.pdb.gz, decompressed): 2 chains, 77 altloc groups (6 where B has the higher occupancy), 884 CONECT, FE, monoclinic CRYST1"), {"altlocs": True}),
        ("pdb_conect_to_ter", dump_structure, (df.PDB_conect2TER, "pdb", "MDAnalysisTests PDB_conect2TER: a CONECT record naming a TER serial (MDAnalysis issue 936), no occupancy/B-factor columns")),
        ("pdb_single_conect", dump_structure, (df.PDB_singleconect, "pdb", "MDAnalysisTests PDB_singleconect: a CONECT record with no partner (MDAnalysis issue 937)")),
        ("pdb_multimodel_nmr", dump_structure, (df.PDB_multiframe, "pdb", "MDAnalysisTests PDB_multiframe: NMR ensemble, 24 MODELs of 392 atoms, 1 Å placeholder CRYST1")),
        ("pdb_adk", dump_structure, (df.PDB, "pdb", "MDAnalysisTests PDB: adk_oplsaa.pdb, 47681 atoms, triclinic CRYST1, 4-digit residue numbers wrap past 9999")),
        ("pdb_cobrotoxin", dump_structure, (df.PDB_sub_sol, "pdb", "MDAnalysisTests PDB_sub_sol: cobrotoxin.pdb, 19385 atoms, topology of cobrotoxin.xtc")),
        ("pdb_coordinates_topology", dump_structure, (df.COORDINATES_TOPOLOGY, "pdb", "MDAnalysisTests COORDINATES_TOPOLOGY: 5 CA atoms, bare MODEL line, topology of coordinates/test.xtc")),
        ("gro_adk", dump_structure, (df.GRO, "gro", "MDAnalysisTests GRO: adk_oplsaa.gro, 47681 atoms, triclinic box (9 values)")),
        ("gro_velocities", dump_structure, (df.GRO_velocity, "gro", "MDAnalysisTests GRO_velocity: 6 atoms, 5-character residue name, velocity columns")),
        ("gro_residwrap", dump_structure, (df.GRO_residwrap, "gro", "MDAnalysisTests GRO_residwrap: residue numbers wrap from 99999 to 0")),
        ("gro_residwrap_0base", dump_structure, (df.GRO_residwrap_0base, "gro", "MDAnalysisTests GRO_residwrap_0base: residue numbers start at 0 and wrap")),
        ("gro_sameresid_diffresname", dump_structure, (df.GRO_sameresid_diffresname, "gro", "MDAnalysisTests GRO_sameresid_diffresname: two residues sharing a number, told apart by name")),
        ("gro_incomplete_vels", dump_structure, (df.GRO_incomplete_vels, "gro", "MDAnalysisTests GRO_incomplete_vels: velocities on some lines only, left-aligned atom count")),
        ("gro_widebox", dump_structure, (df.two_water_gro_widebox, "gro", "MDAnalysisTests two_water_gro_widebox: box line with wider than usual fields (MDAnalysis issue 548)")),
        ("gro_huge_box", dump_structure, (df.GRO_huge_box, "gro", "MDAnalysisTests GRO_huge_box: box values of 40000 nm written without separating spaces")),
        ("xtc_adk", dump_xtc, (df.XTC, "MDAnalysisTests XTC: adk_oplsaa.xtc, 47681 atoms, 10 frames, triclinic box", "gro_adk")),
        ("xtc_cobrotoxin", dump_xtc, (df.XTC_sub_sol, "MDAnalysisTests XTC_sub_sol: cobrotoxin.xtc, 19385 atoms, 3 frames", "pdb_cobrotoxin")),
        ("xtc_yiip_lipids", dump_xtc, (df.XTC_MEMPROT, "MDAnalysisTests XTC_MEMPROT: YiiP_lipids.xtc, 43480 atoms, 5 frames, steps up to 4e7")),
        ("xtc_aux_edr", dump_xtc, (df.AUX_EDR_XTC, "MDAnalysisTests AUX_EDR_XTC: aux_edr.xtc, 33876 atoms, 4 frames, times 0.02 ps apart")),
        ("xtc_random_walk", dump_xtc, (df.RANDOM_WALK, "MDAnalysisTests RANDOM_WALK: xyz_random_walk.xtc, 100 atoms, 100 frames")),
        ("xtc_10_atoms", dump_xtc, (df.XTC_multi_frame, "MDAnalysisTests XTC_multi_frame: 10 atoms (the smallest compressed XTC), 10 frames")),
        ("xtc_5_atoms", dump_xtc, (df.COORDINATES_XTC, "MDAnalysisTests COORDINATES_XTC: coordinates/test.xtc, 5 atoms (≤ 9: stored as plain floats), 5 frames, triclinic box", "pdb_coordinates_topology")),
    ]

    index = {
        "mdanalysis_version": mda.__version__,
        "mdanalysistests_version": getattr(MDAnalysisTests, "__version__", "unknown"),
        "mdanalysistests_data": os.path.dirname(df.PDB),
        "units": "nm, ps",
        "cases": [],
    }
    for entry in cases:
        name, build, args = entry[:3]
        kwargs = entry[3] if len(entry) > 3 else {}
        t = time.perf_counter()
        case = build(out_dir, name, *args, **kwargs)
        with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
            json.dump(case, f, separators=(",", ":"))
        index["cases"].append(name)
        print(f"{name}: {case['n_atoms']} atoms, {case['n_frames']} frames ({time.perf_counter() - t:.2f} s)")

    with open(os.path.join(out_dir, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
    size = sum(os.path.getsize(os.path.join(out_dir, p)) for p in os.listdir(out_dir))
    print(
        f"MDAnalysis {mda.__version__} reference for {len(cases)} cases in {out_dir} "
        f"({size / 1e6:.1f} MB, {time.perf_counter() - T0:.1f} s)"
    )


if __name__ == "__main__":
    main()
