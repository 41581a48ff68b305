//! Writing structures back out, for the viewer: Mol* reads PDB text, so one frame of any
//! trajectory becomes a PDB model (coordinates converted from nm to Å here, at the edge).

use std::fmt::Write as _;

use crate::{Frame, Topology};

/// Writes `frame` (all topology atoms, nm) as PDB text with ATOM/HETATM records and CRYST1 when
/// the frame or topology has a box. Serials past 99,999 wrap, which PDB readers accept for display.
///
/// # Errors
/// [`crate::Error::Mismatch`] when the frame does not hold one position per topology atom.
pub fn pdb(topology: &Topology, frame: &Frame) -> crate::Result<String> {
    if frame.len() != topology.len() {
        return Err(crate::Error::Mismatch {
            message: format!(
                "cannot write PDB: frame has {} atoms, topology has {}",
                frame.len(),
                topology.len()
            ),
        });
    }
    let mut out = String::with_capacity(81 * (topology.len() + 2));
    if let Some(b) = frame.box_vectors.or(topology.box_vectors) {
        let [a, bb, c] = b.map(|v| (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt());
        let angle = |u: [f32; 3], v: [f32; 3], nu: f32, nv: f32| {
            let dot = u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
            if nu > 0.0 && nv > 0.0 {
                (dot / (nu * nv)).clamp(-1.0, 1.0).acos().to_degrees()
            } else {
                90.0
            }
        };
        let alpha = angle(b[1], b[2], bb, c);
        let beta = angle(b[0], b[2], a, c);
        let gamma = angle(b[0], b[1], a, bb);
        let _ = writeln!(
            out,
            "CRYST1{:9.3}{:9.3}{:9.3}{:7.2}{:7.2}{:7.2} P 1           1",
            a * 10.0,
            bb * 10.0,
            c * 10.0,
            alpha,
            beta,
            gamma
        );
    }
    for (i, atom) in topology.atoms.iter().enumerate() {
        let Some(res) = topology.residues.get(atom.residue) else {
            continue;
        };
        let record = if atom.hetero { "HETATM" } else { "ATOM  " };
        // Four-character names start in column 13, shorter ones in column 14 (PDB convention).
        let name = if atom.name.len() >= 4 {
            atom.name.clone()
        } else {
            format!(" {}", atom.name)
        };
        let chain = res.chain.chars().next().unwrap_or(' ');
        let _ = writeln!(
            out,
            "{record}{:5} {:<4} {:>3} {}{:4}{}   {:8.3}{:8.3}{:8.3}{:6.2}{:6.2}          {:>2}",
            (i + 1) % 100_000,
            name,
            truncate(&res.name, 3),
            chain,
            res.seq.rem_euclid(10_000),
            res.icode,
            frame.x[i] * 10.0,
            frame.y[i] * 10.0,
            frame.z[i] * 10.0,
            atom.occupancy,
            atom.b_factor,
            truncate(&atom.element.to_uppercase(), 2),
        );
    }
    out.push_str("END\n");
    Ok(out)
}

fn truncate(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}
