//! The training loop's contract: progress events in order, cancellation at the next batch,
//! a clear error when the loss stops being finite, and every model training end to end.

use crate::common::{FRAMES, all_models, dataset, graph, trajectory};
use burn::tensor::Device;
use molsig_model::Error;
use molsig_model::config::TrainConfig;
use molsig_model::train::{Control, Event, Host, SampleSplit, train};

fn settings(epochs: usize) -> TrainConfig {
    TrainConfig {
        epochs,
        batch_size: 2,
        patience: None,
        ..TrainConfig::improved()
    }
}

fn split() -> SampleSplit {
    // Trajectories 0–3 (two samples each) train, 4–5 validate.
    SampleSplit {
        train: (0..8).collect(),
        validation: (8..12).collect(),
        test: Vec::new(),
    }
}

fn walks() -> Vec<Vec<f32>> {
    (0..6)
        .map(|i| trajectory(40 + i, 2 * FRAMES, 0.1 + 0.1 * (i % 2) as f32))
        .collect()
}

#[test]
fn every_model_trains_and_reports_progress_in_order() {
    let data = dataset(graph(), &walks(), FRAMES);
    let device = Device::flex();
    for config in all_models() {
        let mut events = Vec::new();
        let trained = pollster::block_on(train(
            &data,
            &split(),
            &config,
            &settings(3),
            &device,
            Host::none(),
            &mut |e| {
                events.push(e.clone());
                Control::Continue
            },
        ))
        .unwrap_or_else(|e| panic!("{}: {e}", config.name()));
        assert!(
            matches!(
                events[0],
                Event::Started {
                    batches: 4,
                    train_samples: 8,
                    ..
                }
            ),
            "{:?}",
            events[0]
        );
        let batches = events
            .iter()
            .filter(|e| matches!(e, Event::Batch { .. }))
            .count();
        let epochs: Vec<_> = events
            .iter()
            .filter_map(|e| {
                if let Event::Epoch(r) = e {
                    Some(r)
                } else {
                    None
                }
            })
            .collect();
        assert_eq!((batches, epochs.len()), (12, 3), "{}", config.name());
        for (i, r) in epochs.iter().enumerate() {
            assert_eq!(r.epoch, i + 1);
            assert!(
                r.train_loss.total.is_finite()
                    && r.validation_loss.is_some_and(|l| l.total.is_finite())
            );
            assert!(r.validation_metrics.as_ref().is_some_and(|m| m.count == 4));
        }
        // Best validation epoch kept.
        let best = epochs
            .iter()
            .min_by(|a, b| {
                a.validation_loss
                    .map(|l| l.total)
                    .partial_cmp(&b.validation_loss.map(|l| l.total))
                    .expect("finite")
            })
            .expect("epochs");
        assert_eq!(trained.selected_epoch, best.epoch, "{}", config.name());
    }
}

#[test]
fn cancelling_stops_at_the_next_batch() {
    let data = dataset(graph(), &walks(), FRAMES);
    let config = all_models().remove(0);
    let mut batches = 0;
    let result = pollster::block_on(train(
        &data,
        &split(),
        &config,
        &settings(5),
        &Device::flex(),
        Host::none(),
        &mut |e| {
            if matches!(e, Event::Batch { .. }) {
                batches += 1;
                return Control::Cancel;
            }
            Control::Continue
        },
    ));
    assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
    assert_eq!(batches, 1);
}

#[test]
fn a_non_finite_loss_stops_training_with_a_clear_message() {
    let mut walks = walks();
    walks[1][7] = f32::NAN;
    let data = dataset(graph(), &walks, FRAMES);
    let config = all_models().remove(0);
    let result = pollster::block_on(train(
        &data,
        &split(),
        &config,
        &settings(2),
        &Device::flex(),
        Host::none(),
        &mut |_| Control::Continue,
    ));
    let Err(Error::Diverged(message)) = result else {
        panic!("{result:?}")
    };
    assert!(
        message.contains("epoch 1") && message.contains("NaN"),
        "{message}"
    );
}

#[test]
fn unlabelled_or_mismatched_data_is_refused() {
    let mut data = dataset(graph(), &walks(), FRAMES);
    data.trajectories[0].label = None;
    let config = all_models().remove(0);
    let result = pollster::block_on(train(
        &data,
        &split(),
        &config,
        &settings(1),
        &Device::flex(),
        Host::none(),
        &mut |_| Control::Continue,
    ));
    assert!(
        result
            .as_ref()
            .is_err_and(|e| e.to_string().contains("has no label")),
        "{result:?}"
    );
}

#[test]
fn molecules_of_different_sizes_share_mini_batches() {
    use molsig_model::data::Molecule;
    use molsig_model::graph::Graph;
    let mut data = dataset(graph(), &walks(), FRAMES);
    // A second, smaller molecule: a 7-atom ring.
    let ring = Graph::new(7, (0..7).map(|i| [i, (i + 1) % 7])).expect("ring");
    let m = data.add_molecule(Molecule::from_graph("ring", ring));
    let mut rng = molsig_rng::SplitMix64::new(5);
    for i in 0..4 {
        let coords: Vec<f32> = (0..2 * FRAMES * 7 * 3).map(|_| rng.noise()).collect();
        data.add_trajectory(
            &format!("ring{i}"),
            m,
            &coords,
            Some(i % 2),
            &format!("r{i}"),
            FRAMES,
        )
        .expect("ring trajectory");
    }
    // Interleave the molecules so every batch of 4 holds both.
    let ring_samples: Vec<usize> = (12..20).collect();
    let split = SampleSplit {
        train: (0..8)
            .zip(ring_samples.iter().copied())
            .flat_map(|(a, b)| [a, b])
            .collect(),
        validation: vec![8, 9],
        test: Vec::new(),
    };
    let mut settings = settings(2);
    settings.batch_size = 4;
    for config in all_models() {
        let trained = pollster::block_on(train(
            &data,
            &split,
            &config,
            &settings,
            &Device::flex(),
            Host::none(),
            &mut |_| Control::Continue,
        ))
        .unwrap_or_else(|e| panic!("{}: {e}", config.name()));
        assert!(
            trained
                .history
                .iter()
                .all(|r| r.train_loss.total.is_finite()),
            "{}",
            config.name()
        );
        assert_eq!(
            trained.history[0].train_metrics.as_ref().map(|m| m.count),
            Some(16)
        );
    }
}

#[test]
fn the_synthetic_benchmark_becomes_a_trainable_dataset() {
    use molsig_model::data::Dataset;
    use molsig_model::synthetic::{GeneRegulatoryConfig, gene_regulatory};
    let config = GeneRegulatoryConfig {
        nodes: 12,
        frames: FRAMES,
        ..GeneRegulatoryConfig::default()
    };
    let samples = gene_regulatory(&config, 3).expect("samples");
    let data = Dataset::from_synthetic(&samples).expect("dataset");
    assert_eq!(
        (data.samples.len(), data.molecules.len(), data.frames),
        (6, 6, FRAMES)
    );
    // Pairs (same graph and start, different dynamics) share a group.
    assert_eq!(
        data.groups(),
        ["pair0", "pair0", "pair1", "pair1", "pair2", "pair2"]
    );
    assert_eq!(data.trajectory_labels(), [0, 1, 0, 1, 0, 1]);
    // Node values are the x coordinates.
    assert!(data.samples[1].coordinates[0].to_bits() == samples[1].values[0].to_bits());
    assert_eq!(data.samples[1].coordinates[1..3], [0.0, 0.0]);
    let split = SampleSplit {
        train: (0..4).collect(),
        validation: vec![4, 5],
        test: Vec::new(),
    };
    let trained = pollster::block_on(train(
        &data,
        &split,
        &all_models().remove(0),
        &settings(2),
        &Device::flex(),
        Host::none(),
        &mut |_| Control::Continue,
    ))
    .expect("training");
    assert_eq!(trained.history.len(), 2);
}
