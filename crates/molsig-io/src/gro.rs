//! GRO reader (GROMACS structure files): title, atom count, fixed-column atom lines, box line;
//! several frames concatenated in one file become several [`Frame`]s.
//!
//! Atom lines hold the residue number (columns 1-5), residue name (6-10), atom name (11-15), atom
//! number (16-20) and then x, y, z in nm. The coordinate fields are 8 columns wide (`%8.3f`) in
//! ordinary files; as GROMACS does, the width is taken from the distance between the decimal points
//! of the first atom line, so higher-precision files read too. Velocities, when present, are
//! ignored. GRO has no element column: elements are inferred from the atom and residue names with
//! [`infer_element`](crate::element::infer_element), the name placed in the atom-name field the way
//! a PDB writer would place it.
//!
//! [`Frame`]: crate::Frame

pub use crate::pdb::{StructureFile, Warning};

use crate::pdb::{Lines, Tally, Warnings, cols, coordinate, count_lines, parse_f64, shown, text};
use crate::{Atom, BoxVectors, Error, Frame, Residue, Result, Topology, element, hybrid36};

/// Reads a GRO file: the topology from the first frame and every frame's coordinates and box.
///
/// `source_name` is only used in errors and should be the file name as the user knows it.
/// The title line's `t=` and `step=` fields, when present, give each frame's time and step.
///
/// # Errors
/// [`Error::File`] for an empty input; [`Error::Line`] when the atom count is not an integer,
/// is zero, or promises more lines than the file has, when a residue number or coordinate does not
/// parse, when the box line is not 3 or 9 numbers, or when a later frame's atoms differ from the
/// first frame's in count or names.
pub fn read_gro(bytes: &[u8], source_name: &str) -> Result<StructureFile> {
    if bytes.trim_ascii().is_empty() {
        return Err(Error::File {
            message: "file is empty".to_owned(),
            source_name: source_name.to_owned(),
        });
    }
    let mut reader = Reader {
        source_name,
        total_lines: count_lines(bytes),
        lines: Lines::new(bytes),
        topology: Topology::default(),
        bad_atom_numbers: Tally::default(),
        blank_names: Tally::default(),
    };
    let mut frames: Vec<Frame> = Vec::new();
    while frames.is_empty() || !reader.lines.rest().trim_ascii().is_empty() {
        let frame = reader.frame(frames.len() + 1)?;
        if frames.is_empty() {
            reader.topology.box_vectors = frame.box_vectors;
        }
        frames.push(frame);
    }
    let mut warnings = Warnings::default();
    reader.bad_atom_numbers.report(&mut warnings, |example, n| {
        format!(
            "atom number (columns 16-20) \"{example}\" is not a number ({n} atoms); using the \
             atom's position in the file"
        )
    });
    reader.blank_names.report(&mut warnings, |_, n| {
        format!("atom name (columns 11-15) is blank ({n} atoms)")
    });
    Ok(StructureFile {
        topology: reader.topology,
        frames,
        warnings: warnings.finish(reader.lines.number()),
    })
}

struct Reader<'a> {
    source_name: &'a str,
    total_lines: usize,
    lines: Lines<'a>,
    topology: Topology,
    bad_atom_numbers: Tally,
    blank_names: Tally,
}

impl<'a> Reader<'a> {
    fn error(&self, line: usize, message: String) -> Error {
        Error::Line {
            message,
            line,
            source_name: self.source_name.to_owned(),
        }
    }

    /// The next line, or an error naming what was expected there.
    fn next_line(&mut self, expected: &str) -> Result<(usize, &'a [u8])> {
        self.lines.next().ok_or_else(|| {
            self.error(
                self.lines.number() + 1,
                format!("the file ends where {expected} should be"),
            )
        })
    }

    /// Reads one frame (title, count, atoms, box); `frame_number` is 1-based.
    fn frame(&mut self, frame_number: usize) -> Result<Frame> {
        let (_, title) = self.next_line("the title line")?;
        let time = title_value(title, b"t=")
            .and_then(parse_f64)
            .map_or(0.0, |t| t as f32);
        let step = title_value(title, b"step=")
            .and_then(hybrid36::decimal)
            .unwrap_or(0);

        let (count_line, count_text) = self.next_line("the atom count")?;
        let count_field = count_text
            .split(u8::is_ascii_whitespace)
            .find(|t| !t.is_empty());
        let count = count_field.and_then(parse_count).ok_or_else(|| {
            self.error(
                count_line,
                format!(
                    "atom count is \"{}\", expected a non-negative integer",
                    shown(count_text.trim_ascii())
                ),
            )
        })?;
        if count == 0 {
            return Err(self.error(
                count_line,
                "atom count is 0; a GRO frame needs atoms".into(),
            ));
        }
        let remaining = self.total_lines - self.lines.number();
        if count >= remaining {
            return Err(self.error(
                count_line,
                format!(
                    "atom count is {count} but only {remaining} lines follow; {count} atom lines \
                     and a box line are needed"
                ),
            ));
        }
        if frame_number > 1 && count != self.topology.len() {
            return Err(self.error(
                count_line,
                format!(
                    "frame {frame_number} has {count} atoms but frame 1 has {}",
                    self.topology.len()
                ),
            ));
        }

        let mut frame = Frame {
            time,
            step,
            ..Frame::default()
        };
        // `count` is below the number of remaining lines, so this is bounded by the input size.
        frame.clear_with_capacity(count);
        if frame_number == 1 {
            self.topology.atoms.reserve(count);
        }
        let mut width = None;
        for index in 0..count {
            let (number, line) = self.next_line("an atom line")?;
            if line.trim_ascii().is_empty() {
                return Err(self.error(
                    number,
                    format!("atom line {} of {count} is empty", index + 1),
                ));
            }
            let w = if let Some(w) = width {
                w
            } else {
                let w = field_width(line).map_err(|m| self.error(number, m))?;
                width = Some(w);
                w
            };
            let mut position = [0.0f32; 3];
            for (k, axis) in ["x", "y", "z"].into_iter().enumerate() {
                let first = 21 + k * w;
                let value = coordinate(line, axis, first, first + w - 1)
                    .map_err(|m| self.error(number, m))?;
                position[k] = value as f32;
            }
            frame.push(position);
            if frame_number == 1 {
                self.first_frame_atom(number, line, index)?;
            } else {
                self.check_atom(number, line, index, frame_number)?;
            }
        }

        let (box_number, box_line) = self.next_line("the box line")?;
        frame.box_vectors = parse_box(box_line).map_err(|m| self.error(box_number, m))?;
        Ok(frame)
    }

    fn first_frame_atom(&mut self, number: usize, line: &[u8], index: usize) -> Result<()> {
        let res_field = cols(line, 1, 5);
        let res_number = hybrid36::decimal(res_field).ok_or_else(|| {
            self.error(
                number,
                format!(
                    "residue number (columns 1-5) is \"{}\", expected an integer",
                    shown(res_field)
                ),
            )
        })?;
        let serial_field = cols(line, 16, 20);
        let serial = hybrid36::decimal(serial_field).unwrap_or_else(|| {
            self.bad_atom_numbers.note(number, || shown(serial_field));
            index as i64 + 1
        });
        let res_name = cols(line, 6, 10).trim_ascii();
        let name = cols(line, 11, 15).trim_ascii();
        if name.is_empty() {
            self.blank_names.note(number, String::new);
        }
        push_atom(&mut self.topology, res_number, res_name, name, serial);
        Ok(())
    }

    /// Checks that atom `index` of a later frame has the first frame's atom and residue names.
    fn check_atom(
        &self,
        number: usize,
        line: &[u8],
        index: usize,
        frame_number: usize,
    ) -> Result<()> {
        let res_name = cols(line, 6, 10).trim_ascii();
        let name = cols(line, 11, 15).trim_ascii();
        let Some(atom) = self.topology.atoms.get(index) else {
            return Ok(());
        };
        let Some(residue) = self.topology.residues.get(atom.residue) else {
            return Ok(());
        };
        if String::from_utf8_lossy(name) == atom.name
            && String::from_utf8_lossy(res_name) == residue.name
        {
            return Ok(());
        }
        Err(self.error(
            number,
            format!(
                "frame {frame_number}: atom {} is \"{}\" in {} but in frame 1 it is \"{}\" in {}",
                index + 1,
                shown(name),
                shown(res_name),
                atom.name,
                residue.name
            ),
        ))
    }
}

/// Appends one atom of the first frame, starting a residue when the number or name changes.
fn push_atom(topology: &mut Topology, res_number: i64, res_name: &[u8], name: &[u8], serial: i64) {
    let index = topology.atoms.len();
    let same_residue = topology
        .residues
        .last()
        .is_some_and(|r| r.seq == res_number && r.name.as_bytes() == res_name);
    if !same_residue {
        topology.residues.push(Residue {
            name: text(res_name),
            seq: res_number,
            icode: ' ',
            chain: String::new(),
            atoms: index..index,
        });
    }
    let residue = topology.residues.len() - 1;
    if let Some(r) = topology.residues.last_mut() {
        r.atoms.end = index + 1;
    }
    let (field, len) = element::pdb_style_field(name);
    topology.atoms.push(Atom {
        serial,
        name: text(name),
        element: element::infer(&field[..len], res_name).to_owned(),
        residue,
        altloc: ' ',
        occupancy: 1.0,
        b_factor: 0.0,
        hetero: false,
    });
}

/// Width of the coordinate fields: the distance between the first two decimal points after
/// column 20, checked against the third (as GROMACS reads GRO files).
fn field_width(line: &[u8]) -> Result<usize, String> {
    let tail = line.get(20..).unwrap_or_default();
    let dots: Vec<usize> = tail
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'.')
        .map(|(i, _)| i)
        .take(3)
        .collect();
    let what = |axis: &str| {
        format!(
            "{axis} coordinate has no decimal point in \"{}\" (from column 21); GRO coordinates \
             are fixed-point numbers like \"   1.234\"",
            shown(tail.trim_ascii_end())
        )
    };
    let (Some(&p1), Some(&p2)) = (dots.first(), dots.get(1)) else {
        return Err(what(if dots.is_empty() { "x" } else { "y" }));
    };
    let Some(&p3) = dots.get(2) else {
        return Err(what("z"));
    };
    let width = p2 - p1;
    if p3 - p2 != width {
        return Err(format!(
            "the decimal points of x, y and z are at columns {}, {} and {}, not evenly spaced; \
             GRO coordinates are fixed-width fields",
            p1 + 21,
            p2 + 21,
            p3 + 21
        ));
    }
    if !(4..=40).contains(&width) {
        return Err(format!(
            "the decimal points of x, y and z are {width} columns apart; GRO coordinate fields \
             are at least 4 columns wide"
        ));
    }
    Ok(width)
}

/// Parses the atom count: decimal digits, saturating at `usize::MAX` (the caller compares it
/// against the lines actually present before using it).
fn parse_count(field: &[u8]) -> Option<usize> {
    let digits = field.strip_prefix(b"+").unwrap_or(field);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0usize, |n, &d| {
        n.saturating_mul(10).saturating_add(usize::from(d - b'0'))
    }))
}

/// Parses the box line: 3 numbers (rectangular) or 9 (triclinic, in the GRO order
/// v1(x) v2(y) v3(z) v1(y) v1(z) v2(x) v2(z) v3(x) v3(y)). An all-zero box means no box.
///
/// GROMACS writes `%10.5f`, so values of 10,000 nm or more run together
/// (`40000.0000040000.00000`): a token with several decimal points is split 5 digits after each.
fn parse_box(line: &[u8]) -> Result<Option<BoxVectors>, String> {
    let mut values = [0.0f32; 9];
    let mut n = 0;
    for token in line
        .split(u8::is_ascii_whitespace)
        .filter(|t| !t.is_empty())
    {
        let several_numbers = token.iter().filter(|&&b| b == b'.').nth(1).is_some();
        let mut rest = token;
        while !rest.is_empty() {
            let number = if several_numbers {
                // Up to and including the 5 decimals after the next decimal point.
                let end = rest
                    .iter()
                    .position(|&b| b == b'.')
                    .map_or(rest.len(), |p| p + 6);
                &rest[..end.min(rest.len())]
            } else {
                rest
            };
            rest = &rest[number.len()..];
            let value = parse_f64(number).ok_or_else(|| {
                format!(
                    "box value {} is \"{}\", expected a number",
                    n + 1,
                    shown(number)
                )
            })?;
            if n == 9 {
                return Err("box line has more than 9 numbers, expected 3 or 9".to_owned());
            }
            values[n] = value as f32;
            n += 1;
        }
    }
    let v = values;
    let vectors = match n {
        3 => [[v[0], 0.0, 0.0], [0.0, v[1], 0.0], [0.0, 0.0, v[2]]],
        9 => [[v[0], v[3], v[4]], [v[5], v[1], v[6]], [v[7], v[8], v[2]]],
        _ => {
            return Err(format!(
                "box line \"{}\" has {n} numbers, expected 3 (rectangular) or 9 (triclinic)",
                shown(line.trim_ascii())
            ));
        }
    };
    Ok(if v.iter().all(|&x| x == 0.0) {
        None
    } else {
        Some(vectors)
    })
}

/// The token after `key` (`t=`, `step=`) in a title, when `key` starts a word.
fn title_value<'a>(title: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut from = 0;
    while let Some(found) = title.get(from..)?.windows(key.len()).position(|w| w == key) {
        let at = from + found;
        if at == 0 || title[at - 1].is_ascii_whitespace() {
            let rest = title[at + key.len()..].trim_ascii_start();
            let end = rest
                .iter()
                .position(u8::is_ascii_whitespace)
                .unwrap_or(rest.len());
            return Some(&rest[..end]);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_fields() {
        let t = b"Generated by trjconv : Protein t=  12.50000 step= 6250";
        assert_eq!(title_value(t, b"t="), Some(&b"12.50000"[..]));
        assert_eq!(title_value(t, b"step="), Some(&b"6250"[..]));
        assert_eq!(title_value(b"weight=3 t=1", b"t="), Some(&b"1"[..]));
        assert_eq!(title_value(b"t=", b"t="), Some(&b""[..]));
        assert_eq!(title_value(b"no time", b"t="), None);
        assert_eq!(title_value(b"", b"t="), None);
    }

    #[test]
    fn widths() {
        assert_eq!(
            field_width(b"    1SOL     OW    1   0.126   1.624   1.679"),
            Ok(8)
        );
        assert_eq!(
            field_width(b"    1SOL     OW    1   0.12600   1.62400   1.67900"),
            Ok(10)
        );
        assert!(field_width(b"    1SOL     OW    1   0126   1624   1679").is_err());
        assert!(field_width(b"    1SOL     OW    1   0.126   1.624 1.679").is_err());
        assert!(field_width(b"short").is_err());
        assert!(field_width(b"    1SOL     OW    1 ...").is_err());
    }

    #[test]
    fn boxes() {
        assert_eq!(
            parse_box(b"   1.00000   2.00000   3.00000"),
            Ok(Some([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]]))
        );
        assert_eq!(parse_box(b"0 0 0"), Ok(None));
        assert!(parse_box(b"1 2").is_err());
        assert!(parse_box(b"1 2 x").is_err());
        assert!(parse_box(b"1 2 3 4 5 6 7 8 9 10").is_err());
        assert!(parse_box(b"").is_err());
        // Values too wide for %10.5f run together.
        assert_eq!(
            parse_box(b"40000.0000040000.00000-1234.56789"),
            Ok(Some([
                [40000.0, 0.0, 0.0],
                [0.0, 40000.0, 0.0],
                [0.0, 0.0, -1_234.567_9]
            ]))
        );
        assert!(parse_box(b"1.0.0 2 3").is_err());
    }
}
