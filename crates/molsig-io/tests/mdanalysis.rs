//! molsig-io against MDAnalysis, on MDAnalysis's own test files.
//!
//! `cargo xtask test` installs MDAnalysis and MDAnalysisTests into a throwaway venv, runs
//! `tests/mdanalysis/dump_reference.py` to write what MDAnalysis reads from each file into a
//! reference directory, and runs these tests with `MOLSIG_MDA_REFERENCE` pointing there. Each test
//! reads the very file MDAnalysis read (an absolute path into the installed package: nothing is
//! copied into this repository) and compares atom counts, names, residues, chains, altlocs,
//! serials, occupancies, B-factors, elements, every frame's coordinates, boxes, times, steps and
//! the CONECT bonds. What is compared, the tolerances and why are in `tests/mdanalysis/README.md`.
//!
//! The tests are `#[ignore]`d because they need the reference dumps; by hand:
//!
//! ```sh
//! python3 -m venv /tmp/venv-mda
//! /tmp/venv-mda/bin/pip install MDAnalysis==2.11.0 MDAnalysisTests==2.11.0
//! /tmp/venv-mda/bin/python tests/mdanalysis/dump_reference.py /tmp/mda-ref
//! MOLSIG_MDA_REFERENCE=/tmp/mda-ref cargo test -p molsig-io --test mdanalysis -- --ignored --nocapture
//! ```

#![allow(
    clippy::doc_markdown,
    reason = "MDAnalysis and MDAnalysisTests are names, not code"
)]
#![allow(
    clippy::too_many_lines,
    reason = "each comparison lists every field it checks, in one place"
)]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use molsig_io::bonds::{BondOptions, infer_bonds_with_summary};
use molsig_io::pdb::{AltlocPolicy, PdbOptions, StructureFile, read_pdb};
use molsig_io::xtc::XtcReader;
use molsig_io::{BoxVectors, Frame, gro::read_gro};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Tolerances (nm, ps). Both readers parse the same text or decode the same integers, so real
// differences are float rounding (~1e-6 nm); the bounds below are half the format's last digit,
// so any misread digit or off-by-one integer fails.

/// PDB: 3 decimals in Å, so the last digit is 1e-4 nm.
const PDB_TOLERANCE: f64 = 0.5e-4;
/// GRO: 3 decimals in nm.
const GRO_TOLERANCE: f64 = 0.5e-3;
/// XTC: coordinates are integers / precision; half a step plus f32 rounding of ~100 nm values.
fn xtc_tolerance(precision: f64) -> f64 {
    0.5 / precision + 1e-5
}
/// XTC frames of up to nine atoms store plain f32: only conversion rounding (MDAnalysis goes
/// through f32 Å) separates the two.
fn raw_tolerance(value: f64) -> f64 {
    1e-6 + 4.0 * f64::from(f32::EPSILON) * value.abs()
}
const TIME_TOLERANCE: f64 = 1e-3;
/// Boxes: relative to the largest box component (at least 1 nm).
const BOX_RELATIVE_TOLERANCE: f64 = 1e-4;

/// Mismatches shown per quantity before the rest are only counted.
const SHOWN: usize = 10;

// ---------------------------------------------------------------------------------------------
// The reference.

fn reference_dir() -> PathBuf {
    let Some(dir) = std::env::var_os("MOLSIG_MDA_REFERENCE") else {
        panic!(
            "MOLSIG_MDA_REFERENCE is not set. These tests compare molsig-io with MDAnalysis and need \
             the reference dumps written by tests/mdanalysis/dump_reference.py; run them with \
             `cargo xtask test` (or see tests/mdanalysis/README.md)."
        );
    };
    PathBuf::from(dir)
}

/// One case of the reference: its JSON and its coordinates.
struct Case {
    name: String,
    json: Value,
    /// `[frame][atom][xyz]` in nm.
    coords: Vec<f32>,
    n_atoms: usize,
    n_frames: usize,
}

impl Case {
    fn load(name: &str) -> Self {
        let dir = reference_dir();
        let path = dir.join(format!("{name}.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e}; rerun tests/mdanalysis/dump_reference.py",
                path.display()
            )
        });
        let json: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()));
        let n_atoms = usize_of(&json["n_atoms"]);
        let n_frames = usize_of(&json["n_frames"]);
        let coords_path = dir.join(str_of(&json["coordinates"]));
        let bytes = std::fs::read(&coords_path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", coords_path.display()));
        assert_eq!(
            bytes.len(),
            n_frames * n_atoms * 12,
            "{}: expected {n_frames} frames x {n_atoms} atoms x 3 f32",
            coords_path.display()
        );
        let coords = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        Case {
            name: name.to_owned(),
            json,
            coords,
            n_atoms,
            n_frames,
        }
    }

    /// MDAnalysis's position of `atom` in `frame`, nm.
    fn position(&self, frame: usize, atom: usize) -> [f64; 3] {
        let at = (frame * self.n_atoms + atom) * 3;
        [
            f64::from(self.coords[at]),
            f64::from(self.coords[at + 1]),
            f64::from(self.coords[at + 2]),
        ]
    }

    fn file(&self, key: &str) -> PathBuf {
        PathBuf::from(str_of(&self.json["files"][key]))
    }

    fn note(&self) -> &str {
        self.json["note"].as_str().unwrap_or("")
    }

    fn box_of(&self, frame: usize) -> Option<[[f64; 3]; 3]> {
        let b = &self.json["boxes"][frame];
        if b.is_null() {
            return None;
        }
        let mut out = [[0.0; 3]; 3];
        for (r, row) in out.iter_mut().enumerate() {
            for (c, v) in row.iter_mut().enumerate() {
                *v = f64_of(&b[r][c]);
            }
        }
        Some(out)
    }
}

fn usize_of(v: &Value) -> usize {
    v.as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or_else(|| panic!("expected a count, got {v}"))
}

fn i64_of(v: &Value) -> i64 {
    v.as_i64()
        .unwrap_or_else(|| panic!("expected an integer, got {v}"))
}

fn f64_of(v: &Value) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("expected a number, got {v}"))
}

fn str_of(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("expected an array, got {v}"))
        .iter()
        .map(|s| str_of(s).to_owned())
        .collect()
}

fn indices(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap_or_else(|| panic!("expected an array, got {v}"))
        .iter()
        .map(usize_of)
        .collect()
}

fn read_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// `' '` (molsig's "none") as MDAnalysis's empty string.
fn char_field(c: char) -> String {
    if c == ' ' {
        String::new()
    } else {
        c.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Collecting mismatches: every check runs, then the test fails once listing them all.

#[derive(Default)]
struct Report {
    /// (quantity, mismatch count, first mismatches).
    failures: Vec<(String, usize, String)>,
    /// Largest coordinate deviation seen and where.
    max_dev: f64,
    max_dev_at: String,
    notes: Vec<String>,
}

impl Report {
    fn mismatch(&mut self, quantity: &str, message: impl FnOnce() -> String) {
        if let Some(entry) = self.failures.iter_mut().find(|(q, _, _)| q == quantity) {
            entry.1 += 1;
            if entry.1 <= SHOWN {
                let _ = writeln!(entry.2, "    {}", message());
            }
        } else {
            self.failures
                .push((quantity.to_owned(), 1, format!("    {}\n", message())));
        }
    }

    #[allow(
        clippy::needless_pass_by_value,
        reason = "called with owned and borrowed values alike"
    )]
    fn check_eq<T: PartialEq + std::fmt::Debug>(
        &mut self,
        quantity: &str,
        what: impl FnOnce() -> String,
        molsig: T,
        mda: T,
    ) {
        if molsig != mda {
            self.mismatch(quantity, || {
                format!("{}: molsig {molsig:?}, MDAnalysis {mda:?}", what())
            });
        }
    }

    fn check_close(
        &mut self,
        quantity: &str,
        what: impl FnOnce() -> String,
        molsig: f64,
        mda: f64,
        tolerance: f64,
    ) {
        let dev = (molsig - mda).abs();
        if dev.is_nan() || dev > tolerance {
            self.mismatch(quantity, || {
                format!(
                    "{}: molsig {molsig}, MDAnalysis {mda} (|diff| {dev:.3e} > {tolerance:.1e})",
                    what()
                )
            });
        }
    }

    /// Compares one frame's coordinates; `atoms[k]` is the MDAnalysis atom molsig's atom `k` is.
    fn coordinates(
        &mut self,
        quantity: &str,
        case: &Case,
        frame_index: usize,
        frame: &Frame,
        atoms: &[usize],
        tolerance: &dyn Fn(f64) -> f64,
    ) {
        if frame.len() != atoms.len() {
            self.mismatch(quantity, || {
                format!(
                    "frame {frame_index}: molsig {} atoms, expected {}",
                    frame.len(),
                    atoms.len()
                )
            });
            return;
        }
        for (k, &a) in atoms.iter().enumerate() {
            let mine = frame.position(k).expect("checked length");
            let theirs = case.position(frame_index, a);
            for axis in 0..3 {
                let (m, t) = (f64::from(mine[axis]), theirs[axis]);
                let dev = (m - t).abs();
                if dev > self.max_dev || dev.is_nan() {
                    self.max_dev = dev;
                    self.max_dev_at = format!(
                        "frame {frame_index} atom {k} axis {}",
                        ["x", "y", "z"][axis]
                    );
                }
                let tol = tolerance(t);
                if dev.is_nan() || dev > tol {
                    self.mismatch(quantity, || {
                        format!(
                            "frame {frame_index}, atom {k} (MDAnalysis atom {a}), {}: molsig {m} nm, \
                             MDAnalysis {t} nm (|diff| {dev:.3e} > {tol:.1e})",
                            ["x", "y", "z"][axis]
                        )
                    });
                }
            }
        }
    }

    fn boxes(&mut self, what: &str, molsig: Option<BoxVectors>, mda: Option<[[f64; 3]; 3]>) {
        match (molsig, mda) {
            (None, None) => {}
            (Some(m), Some(t)) => {
                let scale = t.iter().flatten().fold(1.0f64, |acc, v| acc.max(v.abs()));
                let tol = BOX_RELATIVE_TOLERANCE * scale;
                for r in 0..3 {
                    for c in 0..3 {
                        self.check_close(
                            "box",
                            || format!("{what}, box vector {r} component {c}"),
                            f64::from(m[r][c]),
                            t[r][c],
                            tol,
                        );
                    }
                }
            }
            (m, t) => self.mismatch("box", || format!("{what}: molsig {m:?}, MDAnalysis {t:?}")),
        }
    }

    /// Prints the summary and panics if anything differed.
    fn finish(self, case: &Case, summary: &str) {
        let at = if self.max_dev_at.is_empty() {
            "all equal".to_owned()
        } else {
            self.max_dev_at.clone()
        };
        println!(
            "{}: {summary}; max coordinate |diff| {:.2e} nm ({at})",
            case.name, self.max_dev
        );
        for note in &self.notes {
            println!("    note: {note}");
        }
        if self.failures.is_empty() {
            return;
        }
        let mut text = format!("{} ({}) differs from MDAnalysis:\n", case.name, case.note());
        for (quantity, count, shown) in &self.failures {
            let _ = writeln!(
                text,
                "  {quantity}: {count} mismatches{}",
                if *count > SHOWN {
                    format!(" (first {SHOWN})")
                } else {
                    String::new()
                }
            );
            text.push_str(shown);
        }
        panic!("{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// PDB and GRO.

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Pdb,
    Gro,
}

/// Reads the case's structure file with molsig and compares it with MDAnalysis.
///
/// `selection`: which of MDAnalysis's atoms (it keeps every altloc record) molsig must report, in
/// molsig's order, from the reference's `altloc_selections`; `None` for all of them in file order.
fn compare_structure(name: &str, format: Format, policy: Option<(&str, AltlocPolicy)>) {
    let case = Case::load(name);
    let path = case.file("structure");
    let bytes = read_bytes(&path);
    let source = path.display().to_string();
    let result = match format {
        Format::Pdb => {
            let options = PdbOptions {
                altloc: policy.map_or(AltlocPolicy::default(), |p| p.1),
            };
            read_pdb(&bytes, &source, &options)
        }
        Format::Gro => read_gro(&bytes, &source),
    };
    let file: StructureFile =
        result.unwrap_or_else(|e| panic!("{name}: molsig-io cannot read {source}: {e}"));
    let mut report = Report::default();
    for w in &file.warnings {
        report.notes.push(format!("molsig warning: {w}"));
    }

    let (atoms, record_to_atom) = match policy {
        Some((key, _)) => (
            indices(&case.json["altloc_selections"][key]),
            indices(&case.json["altloc_record_to_atom"]),
        ),
        None => ((0..case.n_atoms).collect(), (0..case.n_atoms).collect()),
    };
    let top = &file.topology;
    let reference = &case.json["topology"];

    // Atom and residue counts.
    report.check_eq("atom count", || "atoms".to_owned(), top.len(), atoms.len());
    if top.len() == atoms.len() {
        compare_atoms(&mut report, &case, &file, &atoms, format);
    }
    let mut residues_seen = BTreeSet::new();
    let mda_residue_count = usize_of(&reference["n_residues"]);
    residues_seen.extend(top.atoms.iter().map(|a| a.residue));
    report.check_eq(
        "residue count",
        || "residues".to_owned(),
        top.residues.len(),
        mda_residue_count,
    );
    report.check_eq(
        "residue count",
        || "residues holding atoms".to_owned(),
        residues_seen.len(),
        mda_residue_count,
    );

    // Frames: coordinates and boxes (times: MDAnalysis invents PDB times and reads no GRO time).
    report.check_eq(
        "frame count",
        || "frames".to_owned(),
        file.frames.len(),
        case.n_frames,
    );
    let tolerance = if format == Format::Pdb {
        PDB_TOLERANCE
    } else {
        GRO_TOLERANCE
    };
    for (f, frame) in file.frames.iter().enumerate().take(case.n_frames) {
        report.coordinates("coordinates", &case, f, frame, &atoms, &|_| tolerance);
        report.boxes(&format!("frame {f}"), frame.box_vectors, case.box_of(f));
        report.check_eq("precision", || format!("frame {f}"), frame.precision, None);
    }
    report.boxes(
        "topology (CRYST1 / GRO box line)",
        top.box_vectors,
        case.box_of(0),
    );

    // Bonds: MDAnalysis's come from CONECT records only (it guesses none unless asked), like
    // molsig's explicit_bonds. Each MDAnalysis record maps to the molsig atom it became.
    let mut bond_summary = String::new();
    if format == Format::Pdb {
        let molsig: BTreeSet<[usize; 2]> = top.explicit_bonds.iter().copied().collect();
        report.check_eq(
            "explicit bonds",
            || "duplicate bonds in explicit_bonds".to_owned(),
            molsig.len(),
            top.explicit_bonds.len(),
        );
        let mut mda_raw = 0;
        let expected: BTreeSet<[usize; 2]> = match case.json["bonds"].as_array() {
            None => BTreeSet::new(),
            Some(list) => {
                mda_raw = list.len();
                list.iter()
                    .map(|b| {
                        (
                            record_to_atom[usize_of(&b[0])],
                            record_to_atom[usize_of(&b[1])],
                        )
                    })
                    .filter(|(i, j)| i != j)
                    .map(|(i, j)| [i.min(j), i.max(j)])
                    .collect()
            }
        };
        for b in expected.difference(&molsig) {
            report.mismatch("explicit bonds", || {
                format!(
                    "bond {b:?} ({}) is in MDAnalysis's CONECT bonds, not in molsig's",
                    describe_bond(top, *b)
                )
            });
        }
        for b in molsig.difference(&expected) {
            report.mismatch("explicit bonds", || {
                format!(
                    "bond {b:?} ({}) is in molsig's CONECT bonds, not in MDAnalysis's",
                    describe_bond(top, *b)
                )
            });
        }
        bond_summary = format!(
            "; CONECT bonds: MDAnalysis {mda_raw}, molsig {}",
            molsig.len()
        );
        if !molsig.is_empty() && !file.frames.is_empty() {
            bond_summary.push_str(&bond_graph_check(&mut report, &file));
        }
    }

    let summary = format!(
        "{} atoms{}, {} residues, {} frames{bond_summary}",
        top.len(),
        policy.map_or(String::new(), |(key, _)| format!(
            " (altloc policy {key}, MDAnalysis keeps {} records)",
            case.n_atoms
        )),
        top.residues.len(),
        file.frames.len(),
    );
    report.finish(&case, &summary);
}

/// Per-atom topology fields.
fn compare_atoms(
    report: &mut Report,
    case: &Case,
    file: &StructureFile,
    atoms: &[usize],
    format: Format,
) {
    let reference = &case.json["topology"];
    let names = strings(&reference["names"]);
    let resnames = strings(&reference["resnames"]);
    let resids: Vec<i64> = reference["resids"]
        .as_array()
        .expect("resids")
        .iter()
        .map(i64_of)
        .collect();
    let optional_strings = |key: &str| reference.get(key).map(strings);
    let optional_f32 = |key: &str| {
        reference.get(key).map(|v| {
            v.as_array()
                .expect("array")
                .iter()
                .map(|x| f64_of(x) as f32)
                .collect::<Vec<f32>>()
        })
    };
    let chains = optional_strings("chain_ids");
    let icodes = optional_strings("icodes");
    let altlocs = optional_strings("altlocs");
    let record_types = optional_strings("record_types");
    let elements = optional_strings("elements");
    let occupancies = optional_f32("occupancies");
    let tempfactors = optional_f32("tempfactors");
    let serials: Option<Vec<i64>> = reference
        .get("serials")
        .map(|v| v.as_array().expect("serials").iter().map(i64_of).collect());
    // Residue numbers are written in 4 (PDB) or 5 (GRO) columns and wrap; MDAnalysis unwraps them
    // with a heuristic, molsig keeps them as written. A difference that is a multiple of the wrap
    // cannot come from misreading the field.
    let wrap = if format == Format::Pdb {
        10_000
    } else {
        100_000
    };
    let mut unwrapped = 0usize;

    let top = &file.topology;
    for (k, &a) in atoms.iter().enumerate() {
        let atom = &top.atoms[k];
        let Some(residue) = top.residue_of(k) else {
            report.mismatch("residue index", || {
                format!("atom {k}: residue {} out of range", atom.residue)
            });
            continue;
        };
        let at = || format!("atom {k} (MDAnalysis atom {a}, serial {})", atom.serial);
        report.check_eq("names", at, atom.name.as_str(), names[a].as_str());
        report.check_eq("resnames", at, residue.name.as_str(), resnames[a].as_str());
        if residue.seq != resids[a] {
            if (resids[a] - residue.seq) % wrap == 0
                && (0..wrap).contains(&residue.seq)
                && resids[a] >= wrap
            {
                unwrapped += 1;
            } else {
                report.check_eq("resids", at, residue.seq, resids[a]);
            }
        }
        if !residue.atoms.contains(&k) {
            report.mismatch("residue ranges", || {
                format!("{}: residue {:?} does not hold it", at(), residue.atoms)
            });
        }
        if let Some(v) = &chains {
            report.check_eq("chain ids", at, residue.chain.as_str(), v[a].as_str());
        }
        if let Some(v) = &icodes {
            report.check_eq(
                "insertion codes",
                at,
                char_field(residue.icode),
                v[a].clone(),
            );
        }
        if let Some(v) = &altlocs {
            report.check_eq("altlocs", at, char_field(atom.altloc), v[a].clone());
        }
        if let Some(v) = &record_types {
            report.check_eq(
                "record types",
                at,
                if atom.hetero { "HETATM" } else { "ATOM" },
                v[a].as_str(),
            );
        }
        if let Some(v) = &serials {
            report.check_eq("serials", at, atom.serial, v[a]);
        }
        if let Some(v) = &occupancies {
            report.check_close(
                "occupancies",
                at,
                f64::from(atom.occupancy),
                f64::from(v[a]),
                1e-6,
            );
        }
        if let Some(v) = &tempfactors {
            report.check_close(
                "B-factors",
                at,
                f64::from(atom.b_factor),
                f64::from(v[a]),
                1e-6,
            );
        }
        // MDAnalysis only has elements read from the element column (blank: none, not guessed).
        if let Some(v) = &elements
            && !v[a].is_empty()
        {
            report.check_eq("elements", at, atom.element.as_str(), v[a].as_str());
        }
    }
    if unwrapped > 0 {
        report.notes.push(format!(
            "{unwrapped} atoms have residue numbers that MDAnalysis unwrapped past {} (molsig keeps \
             them as written; they agree modulo {wrap})",
            wrap - 1
        ));
    }
}

fn describe_bond(top: &molsig_io::Topology, [i, j]: [usize; 2]) -> String {
    let one = |k: usize| {
        top.atoms.get(k).map_or_else(
            || format!("atom {k}?"),
            |a| {
                let r = top
                    .residue_of(k)
                    .map_or(String::new(), |r| format!("{}{}{}", r.name, r.seq, r.chain));
                format!("{} {r} serial {}", a.name, a.serial)
            },
        )
    };
    format!("{} - {}", one(i), one(j))
}

/// The bond graph built from the explicit bonds alone holds only them, and the full inferred graph
/// holds every one of them (monatomic ions excepted, which `infer_bonds` drops by design).
fn bond_graph_check(report: &mut Report, file: &StructureFile) -> String {
    let top = &file.topology;
    let explicit_only = BondOptions {
        use_explicit: true,
        use_templates: false,
        use_links: false,
        use_distance_fallback: false,
        ..BondOptions::default()
    };
    let (only, only_summary) = infer_bonds_with_summary(top, &file.frames[0], &explicit_only);
    let explicit: BTreeSet<[usize; 2]> = top.explicit_bonds.iter().copied().collect();
    for e in only.edges() {
        if !explicit.contains(&e) {
            report.mismatch("bond graph", || {
                format!("explicit-only graph has bond {e:?}, not a CONECT bond")
            });
        }
    }
    let (full, summary) = infer_bonds_with_summary(top, &file.frames[0], &BondOptions::default());
    for e in only.edges() {
        if !full.has_edge(e[0], e[1]) {
            report.mismatch("bond graph", || {
                format!(
                    "CONECT bond {e:?} ({}) is missing from the inferred graph",
                    describe_bond(top, e)
                )
            });
        }
    }
    report.check_eq(
        "bond graph",
        || "BondGraph::num_bonds vs BondSummary::total".to_owned(),
        full.num_bonds(),
        summary.total(),
    );
    format!(
        "; inferred graph {} bonds ({} of the CONECT bonds kept, ions excepted; {summary:?})",
        full.num_bonds(),
        only_summary.explicit
    )
}

// ---------------------------------------------------------------------------------------------
// XTC.

fn compare_xtc(name: &str) {
    let case = Case::load(name);
    let path = case.file("trajectory");
    let source = path.display().to_string();
    let file = File::open(&path).unwrap_or_else(|e| panic!("cannot open {source}: {e}"));
    let mut xtc = XtcReader::open(BufReader::new(file), source.clone())
        .unwrap_or_else(|e| panic!("{name}: molsig-io cannot open {source}: {e}"));
    let mut report = Report::default();
    report.check_eq(
        "atom count",
        || "atoms".to_owned(),
        xtc.num_atoms(),
        case.n_atoms,
    );
    report.check_eq(
        "frame count",
        || "frames".to_owned(),
        xtc.num_frames(),
        case.n_frames,
    );

    let precisions: Vec<Option<f64>> = case.json["precisions"]
        .as_array()
        .expect("precisions")
        .iter()
        .map(Value::as_f64)
        .collect();
    let tolerance_of = |f: usize| -> Box<dyn Fn(f64) -> f64> {
        match precisions[f] {
            Some(p) => Box::new(move |_| xtc_tolerance(p)),
            None => Box::new(raw_tolerance),
        }
    };
    let all: Vec<usize> = (0..case.n_atoms).collect();
    let mut frame = Frame::default();
    let n_frames = xtc.num_frames().min(case.n_frames);
    for (f, &precision) in precisions.iter().enumerate().take(n_frames) {
        if let Err(e) = xtc.read_frame(f, None, &mut frame) {
            report.mismatch("read_frame", || format!("frame {f}: {e}"));
            continue;
        }
        report.coordinates("coordinates", &case, f, &frame, &all, &*tolerance_of(f));
        report.check_close(
            "times",
            || format!("frame {f}"),
            f64::from(frame.time),
            f64_of(&case.json["times"][f]),
            TIME_TOLERANCE,
        );
        report.check_eq(
            "steps",
            || format!("frame {f}"),
            frame.step,
            i64_of(&case.json["steps"][f]),
        );
        report.check_eq(
            "precision",
            || format!("frame {f}"),
            frame.precision.map(f64::from),
            precision,
        );
        report.boxes(&format!("frame {f}"), frame.box_vectors, case.box_of(f));
    }

    // Random access with an atom subset: frames backwards, every 7th atom and the last one.
    let mut subset: Vec<usize> = (0..case.n_atoms).step_by(7).collect();
    if subset.last() != Some(&(case.n_atoms - 1)) {
        subset.push(case.n_atoms - 1);
    }
    for f in (0..n_frames).rev() {
        if let Err(e) = xtc.read_frame(f, Some(&subset), &mut frame) {
            report.mismatch("read_frame with a subset", || format!("frame {f}: {e}"));
            continue;
        }
        report.coordinates(
            "coordinates read with an atom subset",
            &case,
            f,
            &frame,
            &subset,
            &*tolerance_of(f),
        );
    }

    // The topology the trajectory goes with (molsig's reading of it) has as many atoms.
    let mut topology_summary = String::new();
    if let Some(topology_case) = case.json["topology_case"].as_str() {
        let top_case = Case::load(topology_case);
        let top_path = top_case.file("structure");
        let bytes = read_bytes(&top_path);
        let top_source = top_path.display().to_string();
        let read = if top_case.json["kind"] == "gro" {
            read_gro(&bytes, &top_source)
        } else {
            read_pdb(&bytes, &top_source, &PdbOptions::default())
        };
        match read {
            Ok(structure) => {
                report.check_eq(
                    "topology atom count",
                    || format!("{top_source} vs {source}"),
                    structure.topology.len(),
                    xtc.num_atoms(),
                );
                let _ = write!(
                    topology_summary,
                    "; topology {} has {} atoms",
                    topology_case,
                    structure.topology.len()
                );
            }
            Err(e) => report.mismatch("topology", || {
                format!("molsig-io cannot read {top_source}: {e}")
            }),
        }
    }

    let summary = format!(
        "{} atoms x {} frames, precision {:?}, times {:?}..{:?} ps{topology_summary}",
        xtc.num_atoms(),
        xtc.num_frames(),
        precisions.first().copied().flatten(),
        case.json["times"].get(0).and_then(Value::as_f64),
        case.json["times"]
            .get(n_frames.saturating_sub(1))
            .and_then(Value::as_f64),
    );
    report.finish(&case, &summary);
}

// ---------------------------------------------------------------------------------------------
// The cases (names match dump_reference.py).

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn pdb_conect_1hvr() {
    compare_structure("pdb_conect_1hvr", Format::Pdb, None);
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn pdb_altloc_conect_4e43_highest_occupancy() {
    assert_eq!(AltlocPolicy::default(), AltlocPolicy::HighestOccupancy);
    compare_structure(
        "pdb_altloc_conect_4e43",
        Format::Pdb,
        Some(("highest_occupancy", AltlocPolicy::HighestOccupancy)),
    );
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn pdb_altloc_conect_4e43_first() {
    compare_structure(
        "pdb_altloc_conect_4e43",
        Format::Pdb,
        Some(("first", AltlocPolicy::First)),
    );
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn pdb_altloc_conect_4e43_only_b() {
    compare_structure(
        "pdb_altloc_conect_4e43",
        Format::Pdb,
        Some(("only_B", AltlocPolicy::Only('B'))),
    );
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn pdb_altloc_conect_19hc_highest_occupancy() {
    compare_structure(
        "pdb_altloc_conect_19hc",
        Format::Pdb,
        Some(("highest_occupancy", AltlocPolicy::HighestOccupancy)),
    );
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn pdb_altloc_conect_19hc_first() {
    compare_structure(
        "pdb_altloc_conect_19hc",
        Format::Pdb,
        Some(("first", AltlocPolicy::First)),
    );
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn pdb_altloc_conect_19hc_only_a() {
    compare_structure(
        "pdb_altloc_conect_19hc",
        Format::Pdb,
        Some(("only_A", AltlocPolicy::Only('A'))),
    );
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn pdb_altloc_conect_19hc_only_b() {
    compare_structure(
        "pdb_altloc_conect_19hc",
        Format::Pdb,
        Some(("only_B", AltlocPolicy::Only('B'))),
    );
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn pdb_conect_to_ter() {
    compare_structure("pdb_conect_to_ter", Format::Pdb, None);
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn pdb_single_conect() {
    compare_structure("pdb_single_conect", Format::Pdb, None);
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn pdb_multimodel_nmr() {
    compare_structure("pdb_multimodel_nmr", Format::Pdb, None);
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn pdb_adk() {
    compare_structure("pdb_adk", Format::Pdb, None);
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn pdb_cobrotoxin() {
    compare_structure("pdb_cobrotoxin", Format::Pdb, None);
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn pdb_coordinates_topology() {
    compare_structure("pdb_coordinates_topology", Format::Pdb, None);
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn gro_adk() {
    compare_structure("gro_adk", Format::Gro, None);
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn gro_velocities() {
    compare_structure("gro_velocities", Format::Gro, None);
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn gro_residwrap() {
    compare_structure("gro_residwrap", Format::Gro, None);
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn gro_residwrap_0base() {
    compare_structure("gro_residwrap_0base", Format::Gro, None);
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn gro_sameresid_diffresname() {
    compare_structure("gro_sameresid_diffresname", Format::Gro, None);
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn gro_incomplete_vels() {
    compare_structure("gro_incomplete_vels", Format::Gro, None);
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn gro_widebox() {
    compare_structure("gro_widebox", Format::Gro, None);
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn gro_huge_box() {
    compare_structure("gro_huge_box", Format::Gro, None);
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn xtc_adk() {
    compare_xtc("xtc_adk");
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn xtc_cobrotoxin() {
    compare_xtc("xtc_cobrotoxin");
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn xtc_yiip_lipids() {
    compare_xtc("xtc_yiip_lipids");
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn xtc_aux_edr() {
    compare_xtc("xtc_aux_edr");
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn xtc_random_walk() {
    compare_xtc("xtc_random_walk");
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn xtc_10_atoms() {
    compare_xtc("xtc_10_atoms");
}

#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn xtc_5_atoms() {
    compare_xtc("xtc_5_atoms");
}

/// Every case the reference lists has a test above, so a case added to the dump is not silently
/// skipped here.
#[test]
#[ignore = "needs MDAnalysis reference dumps: run by cargo xtask test"]
fn every_reference_case_is_tested() {
    let index_path = reference_dir().join("index.json");
    let index: Value = serde_json::from_str(
        &std::fs::read_to_string(&index_path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", index_path.display())),
    )
    .expect("index.json is JSON");
    let tested = include_str!("mdanalysis.rs");
    let listed = strings(&index["cases"]);
    for case in &listed {
        assert!(
            tested.contains(&format!("\"{case}\",")) || tested.contains(&format!("(\"{case}\")")),
            "reference case {case} has no test in tests/mdanalysis.rs"
        );
    }
    println!(
        "MDAnalysis {} reference: {} cases",
        str_of(&index["mdanalysis_version"]),
        listed.len()
    );
}
