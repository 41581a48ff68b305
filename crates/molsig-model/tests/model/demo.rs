//! The shipped demo dataset (`web/demo/dataset`: two classes of `OpenMM` trajectories that differ in
//! Langevin friction) is learnt: the `improved` preset trains from the manifest and reaches a
//! held-out accuracy well above chance on trajectories it never saw, with beads that are distinct
//! groups of atoms (the authors' three-level pooling put all 67 atoms in one bead here). README
//! states the numbers.

use std::path::PathBuf;

use burn::tensor::Device;
use molsig_model::config::TrainConfig;
use molsig_model::data::{Dataset, InputOptions};
use molsig_model::interpret::interpret;
use molsig_model::manifest::Manifest;
use molsig_model::model::ModelConfig;
use molsig_model::split::grouped_split;
use molsig_model::train::{Control, Host, SampleSplit, evaluate, train};

#[test]
fn improved_learns_the_demo_dataset() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web/demo/dataset");
    let text = std::fs::read_to_string(dir.join("manifest.csv")).expect("manifest");
    let manifest = Manifest::parse(&text, "manifest.csv").expect("parse");
    let options = InputOptions {
        selection: "heavy".into(),
        frames: 50,
        stride: 50,
        ..InputOptions::default()
    };
    let mut dataset = Dataset::from_manifest(&manifest, &dir, &options).expect("dataset");
    assert_eq!(
        (dataset.samples.len(), dataset.molecules[0].len()),
        (80, 67)
    );
    let labels = manifest.label_indices().expect("labels");
    let plan = grouped_split(&manifest.groups(), &labels, 0.2, 0.2, 0).expect("split");
    let split = SampleSplit::from_trajectories(&dataset, &plan);
    // No trajectory in two parts.
    for s in &split.test {
        let t = dataset.samples[*s].trajectory;
        assert!(
            split
                .train
                .iter()
                .chain(&split.validation)
                .all(|o| dataset.samples[*o].trajectory != t)
        );
    }
    let config = ModelConfig::named("improved", 4, 2).expect("config");
    // As the CLI and the app do: the preset aligns frames, the data side carries it out.
    if config.aligns_frames() {
        dataset.align_frames();
    }
    let mut settings = TrainConfig::improved();
    settings.epochs = 40;
    settings.patience = Some(15);
    let device = Device::flex();
    let trained = pollster::block_on(train(
        &dataset,
        &split,
        &config,
        &settings,
        &device,
        Host::none(),
        &mut |_| Control::Continue,
    ))
    .expect("training");
    let test = pollster::block_on(evaluate(
        &trained.model,
        &config,
        &dataset,
        &split.test,
        16,
        &device,
    ))
    .expect("evaluation");
    let metrics = test.metrics.expect("metrics");
    eprintln!(
        "demo held-out: {metrics:?}, epoch {} kept",
        trained.selected_epoch
    );
    assert_eq!(metrics.count, 16);
    assert!(
        metrics.accuracy >= 0.8,
        "held-out accuracy {}",
        metrics.accuracy
    );
    // The clustering is informative on an unseen trajectory: most beads own atoms, Q is not uniform.
    let sample = split.test[0];
    let explained = pollster::block_on(interpret(
        &trained.model,
        &config,
        &dataset,
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
