//! PDB reader: fixed-column ATOM/HETATM records (wwPDB format v3.3), models, alternate locations,
//! CONECT bonds and the CRYST1 unit cell.
//!
//! Coordinates are converted from Å to nm on the way in. Every model becomes one [`Frame`]; the
//! topology comes from the first model, and later models must list the same atoms in the same
//! order. The reader works on bytes, so non-UTF-8 input, CR-LF line endings and truncated lines are
//! all fine; it never panics, and problems that do not prevent reading (an unparsable serial, a
//! CONECT to a missing atom) become [`Warning`]s instead of errors.
//!
//! * Files without MODEL records are one frame. Atoms that follow an END record start another
//!   frame, as in the multi-frame PDB files VMD writes.
//! * A residue starts whenever chain, residue number, insertion code or residue name (columns
//!   18-21, so 4-letter CHARMM names work) changes from one atom to the next.
//! * Alternate locations: records with a non-blank altLoc that share chain, residue number,
//!   insertion code and atom name are one atom; [`AltlocPolicy`] picks the record that gives its
//!   coordinates, altLoc, serial, occupancy and B-factor, and the atom sits where the first of
//!   them was. CONECT records naming any of the alternates' serials bond the kept atom.
//! * Serials and residue numbers past 99,999 / 9,999 are decoded from hybrid-36. Serials that
//!   do not parse (`*****`) or repeat (wrapped numbering) do not stop reading: the atoms keep
//!   their file order and a warning says so; CONECT records cannot name an unparsable serial,
//!   and a repeated one names the last atom that has it.
//! * CRYST1 gives the box (a along x, b in the xy plane) of the models that follow it; when
//!   there is exactly one CRYST1 per model, the k-th belongs to the k-th model wherever it stands.
//!   The 1 Å cube (or zero lengths) that marks structures without a crystal cell gives none.
//! * Blank element columns are filled by [`infer_element`](crate::element::infer_element).

use std::collections::HashMap;
use std::fmt;

use crate::{Atom, BoxVectors, Error, Frame, Residue, Result, Topology, element, hybrid36};

/// A structure file read whole: topology, one frame per model, and the warnings met on the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StructureFile {
    /// Atoms, residues, explicit bonds and unit cell (from the first model).
    pub topology: Topology,
    /// Coordinates in nm: one frame per model (PDB) or per concatenated frame (GRO).
    pub frames: Vec<Frame>,
    /// Problems that did not prevent reading, in line order.
    pub warnings: Vec<Warning>,
}

/// A problem that did not prevent reading, such as a CONECT record naming a missing atom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// 1-based line number the warning is about.
    pub line: usize,
    /// What was odd and what the reader did about it.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Which alternate location to keep when a PDB file gives several for one atom (records with a
/// non-blank altLoc sharing chain, residue number, insertion code and atom name).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AltlocPolicy {
    /// The first alternate in file order.
    First,
    /// The alternate with the highest occupancy; the first one on ties.
    #[default]
    HighestOccupancy,
    /// The alternate with this indicator. Atoms without one keep their first alternate, and a
    /// warning counts them.
    Only(char),
}

/// Options for [`read_pdb`].
#[derive(Debug, Clone, Default)]
pub struct PdbOptions {
    /// Which alternate location to keep.
    pub altloc: AltlocPolicy,
}

/// Reads a PDB file: all models, CONECT bonds and CRYST1 box.
///
/// `source_name` is only used in errors and should be the file name as the user knows it.
///
/// # Errors
/// [`Error::File`] when the input is empty or has no ATOM/HETATM records; [`Error::Line`] when a
/// coordinate does not parse or is cut short, or when a later model differs from the first in
/// atom count, names or residues.
pub fn read_pdb(bytes: &[u8], source_name: &str, options: &PdbOptions) -> Result<StructureFile> {
    if bytes.trim_ascii().is_empty() {
        return Err(Error::File {
            message: "file is empty".to_owned(),
            source_name: source_name.to_owned(),
        });
    }
    let mut reader = Reader::new(source_name, options.altloc, bytes.len());
    let mut last_line = 0;
    for (number, line) in Lines::new(bytes) {
        last_line = number;
        reader.line(number, line)?;
    }
    reader.close_model(last_line)?;
    reader.finish()
}

// ---------------------------------------------------------------------------------------------
// Helpers shared with the GRO reader.

/// Lines of a byte buffer with 1-based numbers, without the `\n` and a trailing `\r`.
pub(crate) struct Lines<'a> {
    rest: &'a [u8],
    number: usize,
    done: bool,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Lines {
            rest: bytes,
            number: 0,
            done: bytes.is_empty(),
        }
    }

    /// Number of the last line returned (0 before the first).
    pub(crate) fn number(&self) -> usize {
        self.number
    }

    /// The input not yet returned.
    pub(crate) fn rest(&self) -> &'a [u8] {
        if self.done { &[] } else { self.rest }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let line = if let Some(end) = find_newline(self.rest) {
            let line = &self.rest[..end];
            self.rest = &self.rest[end + 1..];
            self.done = self.rest.is_empty();
            line
        } else {
            self.done = true;
            self.rest
        };
        self.number += 1;
        Some((self.number, line.strip_suffix(b"\r").unwrap_or(line)))
    }
}

/// Position of the first `\n`, eight bytes at a time.
fn find_newline(s: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const NEWLINES: u64 = ONES * b'\n' as u64;
    let chunks = s.chunks_exact(8);
    let tail_start = s.len() - chunks.remainder().len();
    for (k, chunk) in chunks.enumerate() {
        let Ok(bytes) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let x = u64::from_le_bytes(bytes) ^ NEWLINES;
        // The lowest flagged byte is exactly the first zero byte of `x`.
        let zeros = x.wrapping_sub(ONES) & !x & HIGHS;
        if zeros != 0 {
            return Some(k * 8 + (zeros.trailing_zeros() / 8) as usize);
        }
    }
    s[tail_start..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|p| tail_start + p)
}

/// Number of lines [`Lines`] yields for `bytes`.
#[allow(
    clippy::naive_bytecount,
    reason = "no dependency for one pass over the input"
)]
pub(crate) fn count_lines(bytes: &[u8]) -> usize {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    newlines + usize::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}

/// Columns `first..=last` (1-based, as in the format specifications) of a line, clipped to the
/// line's length.
#[inline]
pub(crate) fn cols(line: &[u8], first: usize, last: usize) -> &[u8] {
    let len = line.len();
    &line[(first - 1).min(len)..last.min(len)]
}

const POW10: [f64; 19] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18,
];

/// Parses a decimal number with optional surrounding spaces. Plain fixed-point numbers (what PDB
/// and GRO writers produce) take a fast exact path; anything else goes through the standard
/// parser. Infinities and NaN are rejected.
pub(crate) fn parse_f64(field: &[u8]) -> Option<f64> {
    let t = field.trim_ascii();
    let (negative, digits) = match t.split_first()? {
        (b'-', rest) => (true, rest),
        (b'+', rest) => (false, rest),
        _ => (false, t),
    };
    let mut mantissa: u64 = 0;
    let mut point = None;
    for (i, &b) in digits.iter().enumerate() {
        let d = b.wrapping_sub(b'0');
        if d < 10 {
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
        } else if b == b'.' && point.is_none() {
            point = Some(i);
        } else {
            return parse_f64_slow(t);
        }
    }
    let n_digits = digits.len() - usize::from(point.is_some());
    if n_digits == 0 || n_digits > 15 {
        return parse_f64_slow(t);
    }
    let decimals = point.map_or(0, |p| digits.len() - p - 1);
    // Both operands are exact, so the division is correctly rounded, like `str::parse`.
    let value = mantissa as f64 / POW10[decimals];
    Some(if negative { -value } else { value })
}

/// Exponents, long mantissas and anything else unusual: the standard parser, finite values only.
#[cold]
fn parse_f64_slow(t: &[u8]) -> Option<f64> {
    std::str::from_utf8(t)
        .ok()?
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// Text of a field for messages: lossy UTF-8, quoted by the caller.
pub(crate) fn shown(field: &[u8]) -> String {
    String::from_utf8_lossy(field).into_owned()
}

/// Trimmed, lossily decoded text of a field, as kept in names.
pub(crate) fn text(field: &[u8]) -> String {
    String::from_utf8_lossy(field.trim_ascii()).into_owned()
}

/// A byte as a char: ASCII as itself, anything else as U+FFFD.
pub(crate) fn byte_char(b: u8) -> char {
    if b.is_ascii() {
        char::from(b)
    } else {
        char::REPLACEMENT_CHARACTER
    }
}

/// Parses the coordinate in columns `first..=last`, or says exactly what is wrong with it.
pub(crate) fn coordinate(
    line: &[u8],
    axis: &str,
    first: usize,
    last: usize,
) -> Result<f64, String> {
    if line.len() < last {
        let field = cols(line, first, last);
        return Err(if field.trim_ascii().is_empty() {
            format!(
                "{axis} coordinate (columns {first}-{last}) is missing: the line ends at column {}",
                line.len()
            )
        } else {
            format!(
                "{axis} coordinate (columns {first}-{last}) is cut short: the line ends at column {} \
                 after \"{}\"",
                line.len(),
                shown(field)
            )
        });
    }
    let field = cols(line, first, last);
    parse_f64(field).ok_or_else(|| {
        format!(
            "{axis} coordinate (columns {first}-{last}) is \"{}\", expected a number",
            shown(field)
        )
    })
}

/// Collects warnings, keeping at most [`MAX_WARNINGS`] and counting the rest.
#[derive(Default)]
pub(crate) struct Warnings {
    list: Vec<Warning>,
    suppressed: usize,
}

/// Individual warnings kept per file; the rest are counted in one summary warning.
const MAX_WARNINGS: usize = 100;

impl Warnings {
    pub(crate) fn push(&mut self, line: usize, message: impl FnOnce() -> String) {
        if self.list.len() < MAX_WARNINGS {
            self.list.push(Warning {
                line,
                message: message(),
            });
        } else {
            self.suppressed += 1;
        }
    }

    /// Warnings in line order, plus a summary of the suppressed ones.
    pub(crate) fn finish(mut self, last_line: usize) -> Vec<Warning> {
        self.list.sort_by_key(|w| w.line);
        if self.suppressed > 0 {
            self.list.push(Warning {
                line: last_line,
                message: format!("{} more warnings not shown", self.suppressed),
            });
        }
        self.list
    }
}

/// A recurring problem reported once, with its first occurrence and a count.
#[derive(Default)]
pub(crate) struct Tally {
    first_line: usize,
    example: String,
    count: usize,
}

impl Tally {
    pub(crate) fn note(&mut self, line: usize, example: impl FnOnce() -> String) {
        if self.count == 0 {
            self.first_line = line;
            self.example = example();
        }
        self.count += 1;
    }

    /// Emits one warning if anything was noted: `describe(example, count)`.
    pub(crate) fn report(
        self,
        warnings: &mut Warnings,
        describe: impl FnOnce(&str, usize) -> String,
    ) {
        if self.count > 0 {
            warnings.push(self.first_line, || describe(&self.example, self.count));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The PDB reader proper.

/// Raw residue identity of an ATOM/HETATM record: chain, resSeq, iCode, resName columns.
#[derive(Clone, Copy, PartialEq, Eq)]
struct ResKey {
    chain: u8,
    seq: [u8; 4],
    icode: u8,
    name: [u8; 4],
}

/// Identity of an alternate-location group: chain, resSeq, iCode and atom-name columns.
type AltKey = [u8; 10];

fn alt_key(record: &AtomRecord<'_>) -> AltKey {
    let k = &record.key;
    let n = &record.name;
    [
        k.chain, k.seq[0], k.seq[1], k.seq[2], k.seq[3], k.icode, n[0], n[1], n[2], n[3],
    ]
}

/// Whether a new alternate replaces the kept one under `policy`.
fn replaces(
    policy: AltlocPolicy,
    kept_altloc: u8,
    kept_occupancy: f32,
    altloc: u8,
    occupancy: f32,
) -> bool {
    match policy {
        AltlocPolicy::First => false,
        AltlocPolicy::HighestOccupancy => occupancy > kept_occupancy,
        AltlocPolicy::Only(c) => byte_char(altloc) == c && byte_char(kept_altloc) != c,
    }
}

/// `N` columns starting at `first` (1-based), padded with spaces.
fn fixed<const N: usize>(line: &[u8], first: usize) -> [u8; N] {
    let mut out = [b' '; N];
    let field = cols(line, first, first + N - 1);
    out[..field.len()].copy_from_slice(field);
    out
}

/// Column `c` (1-based), or a space past the end of the line.
fn col(line: &[u8], c: usize) -> u8 {
    line.get(c - 1).copied().unwrap_or(b' ')
}

/// One ATOM/HETATM record, borrowed from its line.
struct AtomRecord<'a> {
    hetero: bool,
    serial: &'a [u8],
    name: [u8; 4],
    altloc: u8,
    key: ResKey,
    position: [f32; 3],
    occupancy: Option<Result<f32, &'a [u8]>>,
    b_factor: Option<Result<f32, &'a [u8]>>,
    element: &'a [u8],
}

impl<'a> AtomRecord<'a> {
    fn parse(line: &'a [u8], hetero: bool) -> Result<Self, String> {
        let x = coordinate(line, "x", 31, 38)?;
        let y = coordinate(line, "y", 39, 46)?;
        let z = coordinate(line, "z", 47, 54)?;
        let optional = |first, last| {
            let field = cols(line, first, last);
            if field.trim_ascii().is_empty() {
                None
            } else {
                Some(parse_f64(field).map(|v| v as f32).ok_or(field))
            }
        };
        Ok(AtomRecord {
            hetero,
            serial: cols(line, 7, 11),
            name: fixed(line, 13),
            altloc: col(line, 17),
            key: ResKey {
                chain: col(line, 22),
                seq: fixed(line, 23),
                icode: col(line, 27),
                // resName is columns 18-20; CHARMM-style 4-letter names also use column 21.
                name: fixed(line, 18),
            },
            // Å → nm.
            position: [(x / 10.0) as f32, (y / 10.0) as f32, (z / 10.0) as f32],
            occupancy: optional(55, 60),
            b_factor: optional(61, 66),
            element: cols(line, 77, 78),
        })
    }
}

/// The model being read.
struct Model {
    /// 1-based position among the models read so far, empty ones included.
    ordinal: usize,
    /// Number from the MODEL record, if there was one.
    number: Option<i64>,
    /// Line of the MODEL record, or of the first atom for implicit models.
    line: usize,
    explicit: bool,
    frame: Frame,
    /// For models after the first: altloc and occupancy of the alternate kept for each atom.
    kept: Vec<(u8, f32)>,
}

impl Model {
    fn describe(&self) -> String {
        match (self.explicit, self.number) {
            (true, Some(n)) => format!("MODEL {n} (line {})", self.line),
            (true, None) => format!(
                "model {} (MODEL record at line {})",
                self.ordinal, self.line
            ),
            (false, _) => format!("model {} (starting at line {})", self.ordinal, self.line),
        }
    }
}

struct Reader<'a> {
    source_name: &'a str,
    policy: AltlocPolicy,
    /// Byte length of the input, to bound reservations.
    input_len: usize,
    topology: Topology,
    /// Raw residue identity of each topology residue.
    res_keys: Vec<ResKey>,
    /// Raw name field of each topology atom.
    name_keys: Vec<[u8; 4]>,
    /// (serial, atom index, line) of every record of the first model, alternates included.
    serials: Vec<(i64, usize, usize)>,
    /// (atom index, line) of first-model atoms read with an alternate-location indicator.
    altloc_lines: Vec<(usize, usize)>,
    topology_done: bool,
    frames: Vec<Frame>,
    model: Option<Model>,
    models_seen: usize,
    /// Alternate-location groups of the current model: (chain, resSeq, iCode, name) of every
    /// atom read with a non-blank altLoc → its atom index.
    alt_groups: HashMap<AltKey, usize>,
    current_box: Option<BoxVectors>,
    /// The cell of every CRYST1 record in file order (`None` for placeholders).
    crysts: Vec<Option<BoxVectors>>,
    conect: Vec<(usize, &'a [u8])>,
    last_line: usize,
    warnings: Warnings,
    bad_serials: Tally,
    bad_occupancy: Tally,
    bad_b_factor: Tally,
    bad_res_seq: Tally,
    blank_names: Tally,
}

impl<'a> Reader<'a> {
    fn new(source_name: &'a str, policy: AltlocPolicy, input_len: usize) -> Self {
        Reader {
            source_name,
            policy,
            input_len,
            topology: Topology::default(),
            res_keys: Vec::new(),
            name_keys: Vec::new(),
            serials: Vec::new(),
            altloc_lines: Vec::new(),
            topology_done: false,
            frames: Vec::new(),
            model: None,
            models_seen: 0,
            alt_groups: HashMap::new(),
            current_box: None,
            crysts: Vec::new(),
            conect: Vec::new(),
            last_line: 0,
            warnings: Warnings::default(),
            bad_serials: Tally::default(),
            bad_occupancy: Tally::default(),
            bad_b_factor: Tally::default(),
            bad_res_seq: Tally::default(),
            blank_names: Tally::default(),
        }
    }

    fn error(&self, line: usize, message: String) -> Error {
        Error::Line {
            message,
            line,
            source_name: self.source_name.to_owned(),
        }
    }

    fn line(&mut self, number: usize, line: &'a [u8]) -> Result<()> {
        self.last_line = number;
        let record: [u8; 6] = fixed(line, 1);
        match &record {
            b"ATOM  " | b"HETATM" => {
                let record = AtomRecord::parse(line, record[0] == b'H')
                    .map_err(|message| self.error(number, message))?;
                self.atom(number, &record)?;
            }
            b"MODEL " => {
                self.close_model(number)?;
                self.open_model(
                    number,
                    true,
                    hybrid36::decimal(line.get(6..).unwrap_or_default()),
                );
            }
            b"ENDMDL" | b"END   " => self.close_model(number)?,
            b"CONECT" => self.conect.push((number, line)),
            b"CRYST1" => self.cryst1(number, line),
            _ => {}
        }
        Ok(())
    }

    fn open_model(&mut self, line: usize, explicit: bool, number: Option<i64>) {
        self.models_seen += 1;
        self.model = Some(Model {
            ordinal: self.models_seen,
            number,
            line,
            explicit,
            frame: Frame::default(),
            kept: Vec::new(),
        });
        self.alt_groups.clear();
    }

    fn close_model(&mut self, line: usize) -> Result<()> {
        let Some(model) = self.model.take() else {
            return Ok(());
        };
        let n = model.frame.len();
        if n == 0 {
            if model.explicit {
                self.warnings.push(model.line, || {
                    format!("{} has no atoms; skipped", model.describe())
                });
            }
            return Ok(());
        }
        if self.topology_done {
            if n != self.topology.len() {
                return Err(self.error(
                    line,
                    format!(
                        "{} has {n} atoms but the first model has {}",
                        model.describe(),
                        self.topology.len()
                    ),
                ));
            }
        } else {
            self.topology_done = true;
            self.topology.box_vectors = self.current_box;
        }
        let mut frame = model.frame;
        frame.box_vectors = self.current_box;
        self.frames.push(frame);
        Ok(())
    }

    fn atom(&mut self, line: usize, record: &AtomRecord<'_>) -> Result<()> {
        if self.model.is_none() {
            self.open_model(line, false, None);
        }
        // Reserve at a model's first atom (not at MODEL, so runs of empty models cost nothing).
        if let Some(model) = self.model.as_mut()
            && model.frame.is_empty()
        {
            if self.topology_done {
                // Bounded by atoms already read, hence by the input size.
                model.frame.clear_with_capacity(self.topology.len());
                model.kept.reserve(self.topology.len());
            } else {
                // Typical atom lines are 81 bytes: an estimate bounded by the input size.
                let estimate = (self.input_len / 81).min(1 << 20);
                model.frame.clear_with_capacity(estimate);
                self.topology.atoms.reserve(estimate);
                self.name_keys.reserve(estimate);
            }
        }
        let occupancy = match record.occupancy {
            None => 1.0,
            Some(Ok(v)) => v,
            Some(Err(field)) => {
                self.bad_occupancy.note(line, || shown(field));
                1.0
            }
        };
        if self.topology_done {
            self.later_model_atom(line, record, occupancy)
        } else {
            self.first_model_atom(line, record, occupancy);
            Ok(())
        }
    }

    fn b_factor(&mut self, line: usize, record: &AtomRecord<'_>) -> f32 {
        match record.b_factor {
            None => 0.0,
            Some(Ok(v)) => v,
            Some(Err(field)) => {
                self.bad_b_factor.note(line, || shown(field));
                0.0
            }
        }
    }

    fn replaces(&self, kept_altloc: u8, kept_occupancy: f32, altloc: u8, occupancy: f32) -> bool {
        replaces(self.policy, kept_altloc, kept_occupancy, altloc, occupancy)
    }

    fn set_position(&mut self, i: usize, [x, y, z]: [f32; 3]) {
        if let Some(model) = self.model.as_mut()
            && i < model.frame.len()
        {
            model.frame.x[i] = x;
            model.frame.y[i] = y;
            model.frame.z[i] = z;
        }
    }

    fn first_model_atom(&mut self, line: usize, record: &AtomRecord<'_>, occupancy: f32) {
        let index = self.topology.atoms.len();

        // Serial: hybrid-36, or the previous one plus one when unreadable (only CONECT uses it).
        let serial = hybrid36::decode(record.serial, 5);
        if serial.is_none() {
            self.bad_serials.note(line, || shown(record.serial));
        }

        // Another alternate location of an atom already read?
        let alt_key = (record.altloc != b' ').then(|| alt_key(record));
        if let Some(&i) = alt_key.as_ref().and_then(|k| self.alt_groups.get(k)) {
            if let Some(s) = serial {
                self.serials.push((s, i, line));
            }
            let atom = &self.topology.atoms[i];
            let kept_altloc = u8::try_from(atom.altloc).unwrap_or(b'?');
            if self.replaces(kept_altloc, atom.occupancy, record.altloc, occupancy) {
                let b_factor = self.b_factor(line, record);
                let atom = &mut self.topology.atoms[i];
                atom.altloc = byte_char(record.altloc);
                atom.occupancy = occupancy;
                atom.b_factor = b_factor;
                atom.hetero = record.hetero;
                if let Some(s) = serial {
                    atom.serial = s;
                }
                self.set_position(i, record.position);
            }
            return;
        }
        if let Some(key) = alt_key {
            self.alt_groups.insert(key, index);
            self.altloc_lines.push((index, line));
        }
        if let Some(s) = serial {
            self.serials.push((s, index, line));
        }

        if self.res_keys.last() != Some(&record.key) {
            let seq = hybrid36::decode(&record.key.seq, 4).unwrap_or_else(|| {
                self.bad_res_seq.note(line, || shown(&record.key.seq));
                self.topology.residues.last().map_or(0, |r| r.seq)
            });
            let chain = if record.key.chain == b' ' {
                String::new()
            } else {
                text(&[record.key.chain])
            };
            self.topology.residues.push(Residue {
                name: text(&record.key.name),
                seq,
                icode: byte_char(record.key.icode),
                chain,
                atoms: index..index,
            });
            self.res_keys.push(record.key);
        }
        let residue = self.topology.residues.len() - 1;
        if let Some(r) = self.topology.residues.last_mut() {
            r.atoms.end = index + 1;
        }
        let element = element::normalise_column(record.element).unwrap_or_else(|| {
            element::infer(&record.name, record.key.name.trim_ascii()).to_owned()
        });
        let serial =
            serial.unwrap_or_else(|| self.topology.atoms.last().map_or(1, |a| a.serial + 1));
        let b_factor = self.b_factor(line, record);
        self.topology.atoms.push(Atom {
            serial,
            name: text(&record.name),
            element,
            residue,
            altloc: byte_char(record.altloc),
            occupancy,
            b_factor,
            hetero: record.hetero,
        });
        if record.name.trim_ascii().is_empty() {
            self.blank_names.note(line, String::new);
        }
        self.name_keys.push(record.name);
        if let Some(model) = self.model.as_mut() {
            model.frame.push(record.position);
        }
    }

    fn later_model_atom(
        &mut self,
        line: usize,
        record: &AtomRecord<'_>,
        occupancy: f32,
    ) -> Result<()> {
        let policy = self.policy;
        let Some(model) = self.model.as_mut() else {
            return Ok(());
        };
        let next = model.frame.len();

        // Another alternate location of an atom already placed in this model?
        let alt_key = (record.altloc != b' ').then(|| alt_key(record));
        if let Some(&i) = alt_key.as_ref().and_then(|k| self.alt_groups.get(k)) {
            let (kept_altloc, kept_occupancy) = model.kept[i];
            if replaces(
                policy,
                kept_altloc,
                kept_occupancy,
                record.altloc,
                occupancy,
            ) {
                model.kept[i] = (record.altloc, occupancy);
                let [x, y, z] = record.position;
                model.frame.x[i] = x;
                model.frame.y[i] = y;
                model.frame.z[i] = z;
            }
            return Ok(());
        }

        let Some(atom) = self.topology.atoms.get(next) else {
            let message = format!(
                "{} has more atoms than the first model ({}): extra atom {}",
                model.describe(),
                self.topology.len(),
                describe_record(record)
            );
            return Err(self.error(line, message));
        };
        if self.name_keys[next] != record.name || self.res_keys[atom.residue] != record.key {
            let residue = &self.topology.residues[atom.residue];
            let message = format!(
                "{}: atom {} is {} but in the first model it is \"{}\" in {}",
                model.describe(),
                next + 1,
                describe_record(record),
                atom.name,
                describe_residue(residue),
            );
            return Err(self.error(line, message));
        }
        if let Some(key) = alt_key {
            self.alt_groups.insert(key, next);
        }
        model.kept.push((record.altloc, occupancy));
        model.frame.push(record.position);
        Ok(())
    }

    fn cryst1(&mut self, line: usize, text_line: &[u8]) {
        let cell = self.parse_cryst1(line, text_line);
        self.crysts.push(cell);
        self.current_box = cell;
    }

    /// The box of a CRYST1 record; `None` (with a warning unless it is a placeholder) when the
    /// record holds no usable cell.
    fn parse_cryst1(&mut self, line: usize, text_line: &[u8]) -> Option<BoxVectors> {
        let field = |first, last| parse_f64(cols(text_line, first, last));
        let angle = |first, last| {
            let f = cols(text_line, first, last);
            if f.trim_ascii().is_empty() {
                Some(90.0)
            } else {
                parse_f64(f)
            }
        };
        let (Some(a), Some(b), Some(c), Some(alpha), Some(beta), Some(gamma)) = (
            field(7, 15),
            field(16, 24),
            field(25, 33),
            angle(34, 40),
            angle(41, 47),
            angle(48, 54),
        ) else {
            self.warnings.push(line, || {
                format!(
                    "CRYST1 record \"{}\" does not hold three lengths and three angles; no unit \
                     cell",
                    shown(text_line.trim_ascii_end())
                )
            });
            return None;
        };
        // Placeholders for structures without a crystal cell (NMR, cryo-EM, some MD writers):
        // the wwPDB 1 Å cube, or zero lengths.
        #[allow(clippy::float_cmp, reason = "placeholders are written exactly")]
        let placeholder = (a == 1.0 && b == 1.0 && c == 1.0) || (a == 0.0 && b == 0.0 && c == 0.0);
        if placeholder {
            return None;
        }
        let cell = box_from_cell(a, b, c, alpha, beta, gamma);
        if cell.is_none() {
            self.warnings.push(line, || {
                format!(
                    "CRYST1 cell a={a} b={b} c={c} alpha={alpha} beta={beta} gamma={gamma} is not a \
                     valid cell; no unit cell"
                )
            });
        }
        cell
    }

    fn finish(mut self) -> Result<StructureFile> {
        if self.frames.is_empty() {
            return Err(Error::File {
                message: "no ATOM or HETATM records".to_owned(),
                source_name: self.source_name.to_owned(),
            });
        }
        self.resolve_conect();
        // One CRYST1 per model: the k-th is the k-th model's cell, before or after its MODEL.
        if self.frames.len() > 1 && self.crysts.len() == self.frames.len() {
            for (frame, cell) in self.frames.iter_mut().zip(&self.crysts) {
                frame.box_vectors = *cell;
            }
            self.topology.box_vectors = self.crysts[0];
        }

        if let AltlocPolicy::Only(c) = self.policy {
            let mut without = Tally::default();
            for &(i, line) in &self.altloc_lines {
                if let Some(atom) = self.topology.atoms.get(i)
                    && atom.altloc != c
                {
                    without.note(line, || atom.name.clone());
                }
            }
            without.report(&mut self.warnings, |example, n| {
                format!(
                    "{n} atoms (first \"{example}\") have alternate locations but none is '{c}'; \
                     they keep their first alternate"
                )
            });
        }
        let Reader {
            bad_serials,
            bad_occupancy,
            bad_b_factor,
            bad_res_seq,
            blank_names,
            mut warnings,
            ..
        } = self;
        bad_serials.report(&mut warnings, |example, n| {
            format!(
                "atom serial (columns 7-11) \"{example}\" is not a number ({n} records like this); \
                 atoms are read in file order, but CONECT records cannot refer to them"
            )
        });
        bad_occupancy.report(&mut warnings, |example, n| {
            format!(
                "occupancy (columns 55-60) \"{example}\" is not a number ({n} records); using 1.0"
            )
        });
        bad_b_factor.report(&mut warnings, |example, n| {
            format!(
                "temperature factor (columns 61-66) \"{example}\" is not a number ({n} records); \
                 using 0.0"
            )
        });
        blank_names.report(&mut warnings, |_, n| {
            format!("atom name (columns 13-16) is blank ({n} atoms)")
        });
        bad_res_seq.report(&mut warnings, |example, n| {
            format!(
                "residue number (columns 23-26) \"{example}\" is not a number ({n} residues); \
                 using the previous residue's number"
            )
        });
        Ok(StructureFile {
            topology: self.topology,
            frames: self.frames,
            warnings: warnings.finish(self.last_line),
        })
    }

    /// Turns the stored CONECT records into bonds between atom indices.
    fn resolve_conect(&mut self) {
        let increasing = self.serials.windows(2).all(|w| w[0].0 < w[1].0);
        if increasing && self.conect.is_empty() {
            return;
        }
        let mut map: HashMap<i64, usize> = HashMap::with_capacity(self.serials.len());
        let mut repeated = Tally::default();
        for &(serial, index, line) in &self.serials {
            if let Some(previous) = map.insert(serial, index)
                && previous != index
            {
                repeated.note(line, || serial.to_string());
            }
        }
        repeated.report(&mut self.warnings, |example, n| {
            format!(
                "atom serial {example} is used by more than one atom ({n} repeats); atoms are read \
                 in file order, and CONECT records naming a repeated serial bond its last atom"
            )
        });

        let mut bonds = Vec::new();
        for &(line, text_line) in &self.conect {
            let resolve = |field: &[u8], warnings: &mut Warnings| -> Option<usize> {
                let Some(serial) = hybrid36::decode(field, 5) else {
                    warnings.push(line, || {
                        format!(
                            "CONECT serial \"{}\" is not a number; skipped",
                            shown(field)
                        )
                    });
                    return None;
                };
                match map.get(&serial) {
                    None => {
                        warnings.push(line, || {
                            format!(
                                "CONECT refers to atom serial {serial}, which no ATOM/HETATM \
                                 record of the first model has; skipped"
                            )
                        });
                        None
                    }
                    Some(&i) => Some(i),
                }
            };
            let Some(origin) = resolve(cols(text_line, 7, 11), &mut self.warnings) else {
                continue;
            };
            // Columns 12-16, 17-21, 22-26, 27-31 in the standard; some writers put more.
            let end = text_line.trim_ascii_end().len();
            for first in (12..=end).step_by(5) {
                let field = cols(text_line, first, first + 4);
                if field.trim_ascii().is_empty() {
                    continue;
                }
                if let Some(other) = resolve(field, &mut self.warnings)
                    && other != origin
                {
                    bonds.push([origin.min(other), origin.max(other)]);
                }
            }
        }
        bonds.sort_unstable();
        bonds.dedup();
        self.topology.explicit_bonds = bonds;
    }
}

fn describe_residue(r: &Residue) -> String {
    let chain = if r.chain.is_empty() {
        String::new()
    } else {
        format!(" chain {}", r.chain)
    };
    let icode = if r.icode == ' ' {
        String::new()
    } else {
        r.icode.to_string()
    };
    format!("{} {}{icode}{chain}", r.name, r.seq)
}

fn describe_record(record: &AtomRecord<'_>) -> String {
    let chain = if record.key.chain == b' ' {
        String::new()
    } else {
        format!(" chain {}", byte_char(record.key.chain))
    };
    let icode = if record.key.icode == b' ' {
        String::new()
    } else {
        byte_char(record.key.icode).to_string()
    };
    format!(
        "\"{}\" in {} {}{icode}{chain}",
        shown(record.name.trim_ascii()),
        shown(record.key.name.trim_ascii()),
        shown(record.key.seq.trim_ascii()),
    )
}

/// Box vectors (rows, nm) of a cell given by lengths in Å and angles in degrees: `a` along x,
/// `b` in the xy plane. `None` when the cell is degenerate.
pub(crate) fn box_from_cell(
    a: f64,
    b: f64,
    c: f64,
    alpha: f64,
    beta: f64,
    gamma: f64,
) -> Option<BoxVectors> {
    if !(a > 0.0 && b > 0.0 && c > 0.0) {
        return None;
    }
    // Exact right angles give exact zeros, so rectangular cells have no off-diagonal noise.
    #[allow(
        clippy::float_cmp,
        reason = "exactly 90 degrees is the common, exact case"
    )]
    let right = |deg: f64| deg == 90.0;
    let cos = |deg: f64| {
        if right(deg) {
            0.0
        } else {
            deg.to_radians().cos()
        }
    };
    let (cos_a, cos_b, cos_g) = (cos(alpha), cos(beta), cos(gamma));
    let sin_g = if right(gamma) {
        1.0
    } else {
        gamma.to_radians().sin()
    };
    if sin_g.abs() < 1e-6 {
        return None;
    }
    let cx = c * cos_b;
    let cy = c * (cos_a - cos_b * cos_g) / sin_g;
    let cz2 = c * c - cx * cx - cy * cy;
    if cz2.is_nan() || cz2 <= 0.0 {
        return None;
    }
    let nm = |v: f64| (v / 10.0) as f32;
    Some([
        [nm(a), 0.0, 0.0],
        [nm(b * cos_g), nm(b * sin_g), 0.0],
        [nm(cx), nm(cy), nm(cz2.sqrt())],
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_strip_endings() {
        let lines: Vec<_> = Lines::new(b"a\r\nb\n\nc").collect();
        assert_eq!(lines, vec![(1, &b"a"[..]), (2, b"b"), (3, b""), (4, b"c")]);
        assert_eq!(Lines::new(b"a\n").count(), 1);
        assert_eq!(Lines::new(b"").count(), 0);
        assert_eq!(Lines::new(b"\n").count(), 1);
        for s in [&b"a\r\nb\n\nc"[..], b"a\n", b"", b"\n", b"x\ny\n"] {
            assert_eq!(count_lines(s), Lines::new(s).count());
        }
    }

    #[test]
    fn newline_search_matches_naive() {
        let text = b"0123456789abcdef\nxy\n\n0123456\n01234567\n012345678";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let s = &text[start..end];
                assert_eq!(find_newline(s), s.iter().position(|&b| b == b'\n'), "{s:?}");
            }
        }
        // Bytes just below and above '\n' and high bytes do not confuse the word trick.
        let tricky = [0x09, 0x0b, 0x8a, 0x0a, 0xff, 0x0a, 0x00, 0x0b, 0x0a];
        for start in 0..tricky.len() {
            let s = &tricky[start..];
            assert_eq!(find_newline(s), s.iter().position(|&b| b == b'\n'));
        }
    }

    #[test]
    fn columns_clip() {
        assert_eq!(cols(b"abcdef", 2, 4), b"bcd");
        assert_eq!(cols(b"abc", 2, 6), b"bc");
        assert_eq!(cols(b"abc", 5, 8), b"");
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_f64(b"  12.345"), Some(12.345));
        assert_eq!(parse_f64(b"-0.500"), Some(-0.5));
        assert_eq!(parse_f64(b"+3"), Some(3.0));
        assert_eq!(parse_f64(b"7."), Some(7.0));
        assert_eq!(parse_f64(b".25"), Some(0.25));
        assert_eq!(parse_f64(b"1.5e2"), Some(150.0));
        assert_eq!(
            parse_f64(b"12345678901234567.5"),
            Some(12_345_678_901_234_567.5)
        );
        for bad in [
            &b""[..],
            b"   ",
            b"-",
            b".",
            b"1.2.3",
            b"12.3a5",
            b"nan",
            b"inf",
            b"\xff",
            b"1 2",
        ] {
            assert_eq!(parse_f64(bad), None, "{bad:?}");
        }
        // The fast path agrees with the standard parser.
        for s in [
            "123.456",
            "-999.999",
            "0.001",
            "38.123",
            "-0.000",
            "9999.9999",
        ] {
            assert_eq!(parse_f64(s.as_bytes()), s.parse().ok());
        }
    }

    #[test]
    fn rectangular_cell() {
        let v = box_from_cell(10.0, 20.0, 30.0, 90.0, 90.0, 90.0).expect("valid");
        assert_eq!(v, [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]]);
        assert!(box_from_cell(0.0, 1.0, 1.0, 90.0, 90.0, 90.0).is_none());
        assert!(box_from_cell(1.0, 1.0, 1.0, 90.0, 90.0, 0.0).is_none());
        assert!(box_from_cell(1.0, 1.0, 1.0, 10.0, 170.0, 90.0).is_none());
        assert!(box_from_cell(f64::NAN, 1.0, 1.0, 90.0, 90.0, 90.0).is_none());
    }
}
