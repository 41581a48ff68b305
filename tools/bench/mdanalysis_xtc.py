"""Times MDAnalysis reading every frame of an XTC file; prints one JSON line.

Usage: python mdanalysis_xtc.py FILE.xtc [ROUNDS]

Run by `cargo xtask bench` (xtask/src/bench.rs) on the same file and in the same run as molsig-io,
so the two can be compared as a ratio. The reader is MDAnalysis' own XTC reader
(`MDAnalysis.coordinates.XTC.XTCReader`, libxdrfile in C underneath) used without a topology,
which is the fairest comparison: no Universe or AtomGroup bookkeeping, only decoding.

- `open_s`: opening the file, which builds MDAnalysis' frame-offset index; `refresh_offsets=True`
  makes it rebuild the index instead of loading a cached `.FILE.xtc_offsets.npz`.
- `full_fps`: frames/s of `for ts in reader: ts.positions`, the median over ROUNDS passes.
- `checksum`: sum over the frames of the first atom's x and the last atom's z, in nm, of the first
  pass (MDAnalysis works in Å), to check it saw the same coordinates as molsig-io.

MDAnalysis' XTC reader has no atom-subset decode (every frame is decompressed in full), so there is
no subset number to compare with.
"""

import json
import platform
import statistics
import sys
import time

import MDAnalysis
import numpy
from MDAnalysis.coordinates.XTC import XTCReader


def main() -> None:
    path = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3

    start = time.perf_counter()
    reader = XTCReader(path, refresh_offsets=True)
    open_s = time.perf_counter() - start

    fps = []
    checksum = 0.0
    for round_ in range(rounds):
        start = time.perf_counter()
        for ts in reader:
            pos = ts.positions
            if round_ == 0:
                checksum += (float(pos[0, 0]) + float(pos[-1, 2])) / 10.0
        fps.append(reader.n_frames / (time.perf_counter() - start))
    natoms, nframes = int(reader.n_atoms), int(reader.n_frames)
    reader.close()

    print(
        json.dumps(
            {
                "runtime": "mdanalysis",
                "natoms": natoms,
                "nframes": nframes,
                "rounds": rounds,
                "open_s": round(open_s, 6),
                "full_fps": round(statistics.median(fps), 3),
                "checksum": round(checksum, 6),
                "mdanalysis": MDAnalysis.__version__,
                "numpy": numpy.__version__,
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
