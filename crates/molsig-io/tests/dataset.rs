//! The bundled two-class demo dataset (`web/demo/dataset/`, made by `tools/demo/make_dataset.py`)
//! reads as its README says: one 141-atom topology, 20 trajectories of 200 frames 0.2 ps apart,
//! listed in the manifest with their class and group.

use std::io::Cursor;
use std::path::PathBuf;

use molsig_io::Frame;
use molsig_io::pdb::{PdbOptions, read_pdb};
use molsig_io::xtc::XtcReader;

#[test]
fn every_manifest_row_reads() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web/demo/dataset");
    let manifest = std::fs::read_to_string(dir.join("manifest.csv")).expect("manifest");
    let mut lines = manifest.lines();
    assert_eq!(lines.next(), Some("topology,trajectory,label,group"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 20);
    for label in ["low_friction", "high_friction"] {
        assert_eq!(rows.iter().filter(|r| r[2] == label).count(), 10, "{label}");
    }
    let pdb = std::fs::read(dir.join("peptide.pdb")).expect("pdb");
    let topology = read_pdb(&pdb, "peptide.pdb", &PdbOptions::default())
        .expect("topology")
        .topology;
    assert_eq!(topology.atoms.len(), 141);
    for row in &rows {
        let [topology_file, trajectory, label, group] = row[..] else {
            panic!("row {row:?}")
        };
        assert_eq!(topology_file, "peptide.pdb");
        assert!(
            trajectory.starts_with(label) && group == trajectory.trim_end_matches(".xtc"),
            "{row:?}"
        );
        let bytes = std::fs::read(dir.join(trajectory)).expect("xtc");
        let mut reader = XtcReader::open(Cursor::new(bytes), trajectory).expect("open");
        assert_eq!(
            (reader.num_atoms(), reader.num_frames()),
            (141, 200),
            "{trajectory}"
        );
        let mut frame = Frame::default();
        let mut times = Vec::new();
        for i in [0, 1, 199] {
            reader.read_frame(i, None, &mut frame).expect("frame");
            assert!(
                frame
                    .x
                    .iter()
                    .chain(&frame.y)
                    .chain(&frame.z)
                    .all(|v| v.is_finite())
            );
            times.push(frame.time);
        }
        assert!(
            (times[1] - times[0] - 0.2).abs() < 1e-3,
            "{trajectory}: {times:?}"
        );
        assert!(
            (times[2] - times[0] - 199.0 * 0.2).abs() < 1e-2,
            "{trajectory}: {times:?}"
        );
    }
}
