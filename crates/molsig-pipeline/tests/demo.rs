//! The shipped demo dataset (`web/demo/dataset`: two classes of `OpenMM` trajectories that differ in
//! Langevin friction) is learnt: the `improved` preset trains from the manifest and reaches a
//! held-out accuracy well above chance on trajectories it never saw, with beads that are distinct
//! groups of atoms (the authors' three-level pooling put all 67 atoms in one bead here). README
//! states the numbers.

use std::io::Cursor;
use std::path::Path;

use burn::tensor::Device;
use molsig_model::checkpoint::Part;
use molsig_model::interpret::interpret;
use molsig_model::manifest::Manifest;
use molsig_model::train::{Control, Host};
use molsig_pipeline::dataset::{Classes, load};
use molsig_pipeline::plan::{DataOptions, Files, TopologyFile, TrajectoryFile, plan};
use molsig_pipeline::train::{TrainRequest, splits, train};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/demo/dataset");

/// The manifest's files, as a front end hands them over.
fn demo_files(manifest: &Manifest) -> Files<Cursor<Vec<u8>>> {
    let read = |name: &str| std::fs::read(Path::new(DEMO).join(name)).expect("demo file");
    Files {
        topologies: vec![TopologyFile {
            name: "peptide.pdb".into(),
            bytes: read("peptide.pdb"),
        }],
        trajectories: manifest
            .entries
            .iter()
            .map(|e| TrajectoryFile {
                name: e.trajectory.clone(),
                reader: Cursor::new(read(&e.trajectory)),
                label: e.label.clone(),
                group: e.group.clone().unwrap_or_default(),
                split: e.split,
                topology: 0,
            })
            .collect(),
    }
}

#[test]
fn improved_learns_the_demo_dataset() {
    let text = std::fs::read_to_string(Path::new(DEMO).join("manifest.csv")).expect("manifest");
    let manifest = Manifest::parse(&text, "manifest.csv").expect("parse");
    let mut files = demo_files(&manifest);
    // As the CLI and the app do: the preset aligns frames, the data side carries it out.
    let options = DataOptions {
        selection: "heavy".into(),
        frames: 50,
        stride: 50,
        inter_residue_bonds: true,
        align: true,
    };
    let (molecules, plan) = plan(&mut files, &options, 16, None).expect("plan");
    let loaded = load(
        molecules,
        &plan,
        &options,
        Classes::FromLabels,
        &mut files.trajectories,
    )
    .expect("dataset");
    let dataset = &loaded.dataset;
    assert_eq!(
        (dataset.samples.len(), dataset.molecules[0].len()),
        (80, 67)
    );
    assert_eq!(dataset.classes, manifest.classes());
    let request = TrainRequest {
        model: "improved".into(),
        beads: 4,
        epochs: Some(40),
        batch_size: None,
        learning_rate: None,
        patience: Some(15),
        validation: 0.2,
        test: 0.2,
        seed: 0,
    };
    let split = splits(&loaded, &request, None).expect("split").remove(0);
    // No trajectory in two parts.
    for t in &split.test {
        assert!(!split.train.contains(t) && !split.validation.contains(t));
    }
    let device = Device::flex();
    let (model, summary) = pollster::block_on(train(
        &loaded,
        &request,
        &split,
        &device,
        Host::none(),
        &mut |_| Control::Continue,
    ))
    .expect("training");
    let header = &summary.model;
    let metrics = header.test_metrics.clone().expect("metrics");
    eprintln!(
        "demo held-out: {metrics:?}, epoch {} kept",
        header.selected_epoch
    );
    assert_eq!(metrics.count, 16);
    assert!(
        metrics.accuracy >= 0.8,
        "held-out accuracy {}",
        metrics.accuracy
    );
    // The clustering is informative on an unseen trajectory: most beads own atoms, Q is not uniform.
    let test_trajectory = summary
        .predictions
        .trajectories
        .iter()
        .position(|t| t.part == Part::Test)
        .expect("a test trajectory");
    let sample = dataset
        .samples
        .iter()
        .position(|s| s.trajectory == test_trajectory)
        .expect("its sample");
    let explained = pollster::block_on(interpret(
        &model.model,
        &header.model,
        dataset,
        sample,
        &device,
    ))
    .expect("interpretation");
    let m = explained.beads;
    let mut owned = vec![0; m];
    for row in explained.assignments.chunks(m) {
        let dominant = (0..m).max_by(|&a, &b| row[a].total_cmp(&row[b]));
        owned[dominant.expect("beads")] += 1;
    }
    eprintln!(
        "demo beads: atoms per dominant bead {owned:?}, normalised entropy {:.2}",
        explained.assignment_entropy
    );
    assert!(
        owned.iter().filter(|&&c| c > 0).count() >= 3,
        "atoms per dominant bead {owned:?}"
    );
    assert!(explained.warning.is_none(), "{:?}", explained.warning);
}
