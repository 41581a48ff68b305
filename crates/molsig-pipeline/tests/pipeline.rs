//! A user's job through the pipeline, natively on the CPU backend: plan and read the demo
//! dataset (files with labels), refuse a job that would not fit, train, cancel, predict per
//! trajectory, explain one trajectory for the viewer, and predict the same after a model-file
//! round trip that keeps the record of the run.

use std::io::Cursor;
use std::path::Path;

use burn::tensor::Device;
use molsig_model::checkpoint::Part;
use molsig_model::train::{Control, Event, Host};
use molsig_pipeline::compare::compare;
use molsig_pipeline::dataset::{Classes, Loaded, load};
use molsig_pipeline::explain::explain;
use molsig_pipeline::plan::{
    BROWSER_MEMORY_BUDGET, DataOptions, Files, TopologyFile, TrajectoryFile, plan,
};
use molsig_pipeline::predict::predict;
use molsig_pipeline::train::{TrainRequest, TrainSummary, TrainedModel, splits, train};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/demo/dataset");

fn options() -> DataOptions {
    DataOptions {
        selection: "heavy".into(),
        frames: 50,
        stride: 50,
        inter_residue_bonds: true,
        align: false,
    }
}

/// `count` trajectories of each class, read from disk as the page would hand them over.
fn files(count: usize) -> Files<Cursor<Vec<u8>>> {
    Files {
        topologies: vec![TopologyFile {
            name: "peptide.pdb".into(),
            bytes: topology(),
        }],
        trajectories: trajectories(count),
    }
}

fn trajectories(count: usize) -> Vec<TrajectoryFile<Cursor<Vec<u8>>>> {
    let mut out = Vec::new();
    for k in 1..=count {
        for class in ["low_friction", "high_friction"] {
            let name = format!("{class}_{k:02}.xtc");
            let bytes = std::fs::read(Path::new(DEMO).join(&name)).expect("demo file");
            out.push(TrajectoryFile {
                name,
                reader: Cursor::new(bytes),
                label: class.into(),
                group: String::new(),
                split: None,
                topology: 0,
            });
        }
    }
    out
}

fn topology() -> Vec<u8> {
    std::fs::read(Path::new(DEMO).join("peptide.pdb")).expect("demo topology")
}

fn request() -> TrainRequest {
    TrainRequest {
        model: "improved".into(),
        beads: 3,
        epochs: Some(2),
        batch_size: Some(8),
        learning_rate: Some(1e-3),
        patience: None,
        validation: 0.2,
        test: 0.2,
        seed: 0,
    }
}

/// Plans and reads `files` for training.
fn read(mut files: Files<Cursor<Vec<u8>>>, options: &DataOptions) -> Loaded {
    let (molecules, plan) = plan(&mut files, options, 8, None).expect("plans");
    load(
        molecules,
        &plan,
        options,
        Classes::FromLabels,
        &mut files.trajectories,
    )
    .expect("loads")
}

/// Trains on the one grouped split, as the page does.
fn run(
    loaded: &Loaded,
    request: &TrainRequest,
    on_event: &mut dyn FnMut(&Event) -> Control,
) -> molsig_pipeline::Result<(TrainedModel, TrainSummary)> {
    let plan = splits(loaded, request, None)?.remove(0);
    pollster::block_on(train(
        loaded,
        request,
        &plan,
        &Device::flex(),
        Host::none(),
        on_event,
    ))
}

#[test]
fn plan_counts_frames_and_samples_from_headers() {
    let mut f = files(2);
    let (molecules, plan) = plan(&mut f, &options(), 8, None).expect("plans");
    // Heavy atoms of the peptide: every ATOM record whose element is not H.
    let text = String::from_utf8(topology()).expect("utf8");
    let heavy = text
        .lines()
        .filter(|l| l.starts_with("ATOM") || l.starts_with("HETATM"))
        .filter(|l| l.get(76..78).is_some_and(|e| e.trim() != "H"))
        .count();
    assert_eq!(plan.points, heavy);
    assert_eq!(molecules[0].len(), heavy);
    assert_eq!(plan.trajectories.len(), 4);
    for t in &plan.trajectories {
        assert_eq!(t.frames, 200, "{}", t.name);
        assert_eq!(t.samples, 4, "{}", t.name);
    }
    assert_eq!(
        plan.data_bytes,
        (16 * heavy * 50 * 12 + 200 * heavy * 12) as u64
    );
}

#[test]
fn a_job_too_large_is_refused_before_reading() {
    let mut f = files(1);
    // A batch so large that its activations alone exceed the budget (even for one point).
    let batch = (BROWSER_MEMORY_BUDGET.bytes / (50 * 12 * 64)) as usize + 1;
    let error = plan(&mut f, &options(), batch, Some(BROWSER_MEMORY_BUDGET))
        .expect_err("refused")
        .to_string();
    assert!(
        error.contains("more than the 3.00 GiB a browser tab can hold"),
        "{error}"
    );
    assert!(error.contains("smaller atom selection"), "{error}");
}

#[test]
fn hostile_options_are_refused_by_name() {
    let refused = |options: DataOptions, batch: usize| {
        plan(&mut files(1), &options, batch, Some(BROWSER_MEMORY_BUDGET))
            .expect_err("refused")
            .to_string()
    };
    let with = |frames: usize, stride: usize| DataOptions {
        frames,
        stride,
        ..options()
    };
    for frames in [0, 1, 1_000_000_000] {
        let error = refused(with(frames, 50), 8);
        assert_eq!(
            error,
            format!("frames per sample is {frames}; expected 2 to 100000")
        );
    }
    assert!(refused(with(50, 0), 8).contains("stride between samples is 0"));
    assert!(refused(options(), 0).contains("batch size is 0"));
    // A product that does not fit 64 bits is an error, not a wrapped number under the budget.
    let error = refused(options(), usize::MAX);
    assert!(
        error.contains("one training batch's bytes overflows 64 bits"),
        "{error}"
    );
}

#[test]
fn hostile_training_requests_are_refused_by_name() {
    let loaded = read(files(3), &options());
    let refused = |request: TrainRequest| {
        splits(&loaded, &request, None)
            .expect_err("refused")
            .to_string()
    };
    let cases = [
        (
            TrainRequest {
                batch_size: Some(0),
                ..request()
            },
            "the batch size is 0; expected 1 to 65536",
        ),
        (
            TrainRequest {
                epochs: Some(0),
                ..request()
            },
            "epochs is 0; expected 1 to 100000",
        ),
        (
            TrainRequest {
                learning_rate: Some(f64::NAN),
                ..request()
            },
            "the learning rate is NaN; expected a number in (0, 1]",
        ),
        (
            TrainRequest {
                learning_rate: Some(-1.0),
                ..request()
            },
            "the learning rate is -1; expected a number in (0, 1]",
        ),
        (
            TrainRequest {
                patience: Some(0),
                ..request()
            },
            "patience is 0; expected at least 1 epoch, or none",
        ),
        (
            TrainRequest {
                validation: 1.5,
                ..request()
            },
            "the validation fraction is 1.5; expected a fraction in [0, 1)",
        ),
        (
            TrainRequest {
                validation: 0.5,
                test: 0.5,
                ..request()
            },
            "the validation and test fractions together is 1; expected less than 1, leaving \
             trajectories to train on",
        ),
    ];
    for (request, expected) in cases {
        assert_eq!(refused(request), expected);
    }
}

/// A trajectory cut short inside a frame (a run still writing, or killed by the queue) is read up
/// to its last complete frame, and the loaded data records a warning that front ends show.
/// Two trajectories, the second cut 200 bytes into its frame 100 (which starts at byte 62308,
/// see molsig-io's `xtc_damaged` tests).
fn files_one_cut() -> Files<Cursor<Vec<u8>>> {
    let mut f = files(1);
    assert_eq!(f.trajectories[1].name, "high_friction_01.xtc");
    let whole = f.trajectories[1].reader.get_ref().clone();
    f.trajectories[1].reader = Cursor::new(whole[..62_508].to_vec());
    f
}

const CUT_WARNING: &str = "high_friction_01.xtc: truncated: the data stops at byte 62508 inside \
                           frame 100 (which starts at byte 62308: the frame needs 532 bytes of \
                           coordinates but only 108 remain); read the 100 complete frames, 0 to 99";

#[test]
fn a_cut_trajectory_is_read_up_to_its_last_frame_with_a_warning() {
    let mut f = files_one_cut();
    let (molecules, plan) = plan(&mut f, &options(), 16, None).expect("plan");
    let frames = |counts: Vec<usize>| assert_eq!(counts, [200, 100]);
    frames(plan.trajectories.iter().map(|t| t.frames).collect());
    assert_eq!(plan.trajectories[0].warning, None);
    assert_eq!(plan.trajectories[1].warning.as_deref(), Some(CUT_WARNING));
    let loaded = load(
        molecules,
        &plan,
        &options(),
        Classes::FromLabels,
        &mut f.trajectories,
    )
    .expect("load");
    frames(
        loaded
            .dataset
            .trajectories
            .iter()
            .map(|t| t.frames)
            .collect(),
    );
    assert_eq!(loaded.files[0].warning, None);
    assert_eq!(loaded.files[1].warning.as_deref(), Some(CUT_WARNING));
}

#[test]
fn a_file_that_is_not_xtc_is_named() {
    let mut f = files(1);
    f.trajectories[1].reader = Cursor::new(topology());
    let error = plan(&mut f, &options(), 8, None)
        .expect_err("refused")
        .to_string();
    assert!(error.contains("high_friction_01.xtc"), "{error}");
    assert!(error.contains("magic"), "{error}");
}

#[test]
fn aligned_data_is_aligned_once_and_refused_by_a_model_that_cannot_align() {
    let aligned = DataOptions {
        align: true,
        ..options()
    };
    let loaded = read(files(1), &aligned);
    assert!(loaded.options.align);
    let unaligned = read(files(1), &options());
    let mut expected = unaligned.dataset.clone();
    expected.align_frames();
    assert_eq!(loaded.dataset.samples, expected.samples);
    assert_ne!(loaded.dataset.samples, unaligned.dataset.samples);

    let frame_lstm = TrainRequest {
        model: "frame-lstm".into(),
        ..request()
    };
    let error = run(&loaded, &frame_lstm, &mut |_: &Event| Control::Continue)
        .expect_err("refused")
        .to_string();
    assert!(error.contains("read the files again"), "{error}");
}

#[test]
#[allow(clippy::too_many_lines)] // one session, step by step, as the page drives it
fn train_predict_explain_and_reload() {
    let device = Device::flex();
    let loaded = read(files(5), &options());
    assert_eq!(loaded.dataset.classes, ["high_friction", "low_friction"]);
    assert_eq!(loaded.dataset.samples.len(), 40);

    let mut batches = 0;
    let mut cancel_after_one = |e: &Event| {
        if matches!(e, Event::Batch { .. }) {
            batches += 1;
            return Control::Cancel;
        }
        Control::Continue
    };
    let error = run(&loaded, &request(), &mut cancel_after_one).expect_err("cancelled");
    assert_eq!(batches, 1);
    assert!(error.is_cancelled(), "{error}");

    let mut epochs = 0;
    let (model, summary) = run(&loaded, &request(), &mut |e: &Event| {
        if matches!(e, Event::Epoch(_)) {
            epochs += 1;
        }
        Control::Continue
    })
    .expect("trains");
    assert_eq!(epochs, 2);
    let header = &summary.model;
    assert_eq!(header.history.len(), 2);
    assert_eq!(header.training.as_ref().map(|t| t.epochs), Some(2));
    let trajectories = &summary.predictions.trajectories;
    assert_eq!(trajectories.len(), 10);
    assert_eq!(summary.predictions.samples.len(), 40);
    let parts: Vec<Part> = trajectories.iter().map(|p| p.part).collect();
    assert_eq!(
        parts.iter().filter(|&&p| p == Part::Test).count(),
        2,
        "{parts:?}"
    );
    assert_eq!(
        header.test_metrics.as_ref().map(|m| m.count),
        Some(8),
        "two test trajectories of four samples"
    );
    // The split is recorded with each file's size and content hash (xxh3 of the bytes, checked
    // against the hash of the file read again here).
    assert_eq!(header.split.len(), 10);
    for (record, p) in header.split.iter().zip(trajectories) {
        assert_eq!((&record.name, record.part), (&p.name, p.part));
        let bytes = std::fs::read(Path::new(DEMO).join(&record.name)).expect("demo file");
        assert_eq!(record.bytes, bytes.len() as u64);
        assert_eq!(
            record.xxh3,
            format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes))
        );
        assert_eq!(p.seen_in_training, Some(p.part), "{}", p.name);
    }
    for p in trajectories {
        assert_eq!(p.samples, 4);
        let total: f32 = p.probabilities.iter().sum();
        assert!((total - 1.0).abs() < 1e-5, "{p:?}");
        assert!(p.confidence >= 0.5);
        assert_eq!(p.label.as_deref(), Some(&p.name[..p.name.len() - 7]));
        assert!(p.label_known);
    }

    // Explanation: memberships sum to one per point, bead positions are membership-weighted
    // means of the first frame's points (Å), and the PDB holds the selected points.
    let e = pollster::block_on(explain(&model, &loaded.dataset, 3, 0, &device)).expect("explains");
    // Data read for another model (the page keeps its data when a model file is loaded) is
    // refused by name, not fed to a forward pass of the wrong shape.
    let backbone = read(
        files(1),
        &DataOptions {
            selection: "backbone".into(),
            ..options()
        },
    );
    let error = pollster::block_on(explain(&model, &backbone.dataset, 0, 0, &device))
        .expect_err("other points")
        .to_string();
    assert!(
        error.contains("was read as 44 points per frame, but the model takes 67"),
        "{error}"
    );
    let shorter = read(
        files(1),
        &DataOptions {
            frames: 40,
            ..options()
        },
    );
    let error = pollster::block_on(explain(&model, &shorter.dataset, 0, 0, &device))
        .expect_err("other frames")
        .to_string();
    assert!(
        error.contains("samples of 40 frames, but the model takes 50"),
        "{error}"
    );
    let error = pollster::block_on(explain(&model, &loaded.dataset, 10, 0, &device))
        .expect_err("no trajectory 10")
        .to_string();
    assert!(
        error.contains("trajectory 10 does not exist; there are 10"),
        "{error}"
    );
    // Any sample can be explained, with its frames' times as the file records them: an XTC
    // frame header holds the time as a big-endian f32 at byte 12, and the demo saves frames at a
    // fixed interval.
    let name = &loaded.dataset.trajectories[3].name;
    let bytes = std::fs::read(Path::new(DEMO).join(name)).expect("demo file");
    let t0 = f32::from_be_bytes(bytes[12..16].try_into().expect("4 bytes"));
    assert_eq!((e.sample, e.samples, e.first_frame), (0, 4, 0));
    assert_eq!(e.times_ps.len(), 50);
    assert!(
        (e.times_ps[0] - t0).abs() < 1e-6,
        "{} vs {t0}",
        e.times_ps[0]
    );
    let dt = e.times_ps[1] - e.times_ps[0];
    assert!(dt > 0.0, "time step {dt}");
    for pair in e.times_ps.windows(2) {
        assert!((pair[1] - pair[0] - dt).abs() < 1e-3 * dt, "{pair:?}");
    }
    // An explanation is a function of the sample alone: dropout stays off in the attribution's
    // gradient pass, so asking twice gives the same attributions.
    let again = pollster::block_on(explain(&model, &loaded.dataset, 3, 0, &device)).expect("again");
    assert_eq!(
        again.interpretation.attributions,
        e.interpretation.attributions
    );
    let third =
        pollster::block_on(explain(&model, &loaded.dataset, 3, 2, &device)).expect("sample 3");
    assert_eq!((third.sample, third.first_frame), (2, 100));
    assert!((third.times_ps[0] - (t0 + 100.0 * dt)).abs() < 1e-3 * dt * 100.0);
    assert_ne!(third.coordinates, e.coordinates);
    let error = pollster::block_on(explain(&model, &loaded.dataset, 3, 4, &device))
        .expect_err("no sample 5")
        .to_string();
    assert!(
        error.contains(&format!("{name} has 4 samples; there is no sample 5")),
        "{error}"
    );
    let (n, m) = (e.interpretation.points, e.interpretation.beads);
    assert_eq!(m, 3);
    let is_atom = |l: &&str| l.starts_with("ATOM") || l.starts_with("HETATM");
    assert_eq!(e.pdb.lines().filter(is_atom).count(), n);
    for i in 0..n {
        let row: f32 = e.interpretation.assignments[i * m..(i + 1) * m]
            .iter()
            .sum();
        assert!((row - 1.0).abs() < 1e-4, "point {i}: {row}");
    }
    let atoms: Vec<[f32; 3]> = e
        .pdb
        .lines()
        .filter(is_atom)
        .map(|l| {
            let c = |r: std::ops::Range<usize>| l[r].trim().parse::<f32>().expect("coordinate");
            [c(30..38), c(38..46), c(46..54)]
        })
        .collect();
    let q = &e.interpretation.assignments;
    for b in 0..m {
        let w: f32 = (0..n).map(|i| q[i * m + b]).sum();
        for axis in 0..3 {
            let expected: f32 = atoms
                .iter()
                .enumerate()
                .map(|(i, a)| q[i * m + b] * a[axis])
                .sum::<f32>()
                / w;
            let got = e.bead_positions[b * 3 + axis];
            assert!(
                (got - expected).abs() < 2e-2,
                "bead {b} axis {axis}: {got} vs {expected}"
            );
        }
    }

    // Per-class summaries. Each class's mean couplings are the mean of the explanations of its
    // samples, and with two classes the evidence for one is the negative of the evidence for the
    // other, so both classes' separations are the same map.
    let comparison =
        pollster::block_on(compare(&model, &loaded.dataset, &device)).expect("compares");
    assert_eq!((comparison.points, comparison.beads), (n, m));
    let names: Vec<&str> = comparison
        .classes
        .iter()
        .map(|c| c.class.as_str())
        .collect();
    assert_eq!(names, model.header.classes);
    for (label, class) in comparison.classes.iter().enumerate() {
        assert_eq!(
            (class.trajectories, class.samples),
            (5, 20),
            "{}",
            class.class
        );
        let mut mean = vec![0.0_f32; m * m];
        for (t, trajectory) in loaded.dataset.trajectories.iter().enumerate() {
            if trajectory.label != Some(label) {
                continue;
            }
            for k in 0..4 {
                let e = pollster::block_on(explain(&model, &loaded.dataset, t, k, &device))
                    .expect("explains");
                for (a, b) in mean.iter_mut().zip(&e.interpretation.couplings) {
                    *a += b / 20.0;
                }
            }
        }
        for (got, want) in class.couplings.iter().zip(&mean) {
            assert!(
                (got - want).abs() <= 1e-4 * want.abs().max(1e-3),
                "{}: {got} vs {want}",
                class.class
            );
        }
    }
    let [first, second] = &comparison.classes[..] else {
        panic!("two classes")
    };
    let scale = first.separation.iter().fold(0.0_f32, |a, v| a.max(v.abs()));
    assert!(scale > 0.0);
    for (a, b) in first.separation.iter().zip(&second.separation) {
        assert!((a - b).abs() <= 1e-3 * scale, "{a} vs {b}");
    }

    // The data's classes are matched to the model's by name: the same data with its class list
    // reversed gives the same summaries, and a class the model lacks is refused by name (the
    // fuzzer found the index overflow this guards).
    let mut reversed = loaded.dataset.clone();
    reversed.classes.reverse();
    for t in &mut reversed.trajectories {
        t.label = t.label.map(|l| 1 - l);
    }
    let again = pollster::block_on(compare(&model, &reversed, &device)).expect("compares");
    for (a, b) in again.classes.iter().zip(&comparison.classes) {
        assert_eq!(
            (&a.class, &a.couplings, &a.separation),
            (&b.class, &b.couplings, &b.separation)
        );
    }
    let mut unknown = loaded.dataset.clone();
    unknown.classes.push("unknown".into());
    unknown.trajectories[0].label = Some(2);
    let error = pollster::block_on(compare(&model, &unknown, &device))
        .expect_err("a class the model lacks")
        .to_string();
    assert!(
        error.contains("is labelled \"unknown\", which is not one of the model's classes"),
        "{error}"
    );

    // Save, load, predict the same trajectories: the same probabilities, and the run's record.
    let bytes = pollster::block_on(model.save(&device)).expect("saves");
    let reloaded = TrainedModel::load(&bytes, &device).expect("loads");
    assert_eq!(&reloaded.header, header);
    let again =
        pollster::block_on(predict(&reloaded, &loaded, &device, |_| Part::New)).expect("predicts");
    for (a, b) in trajectories.iter().zip(&again.trajectories) {
        assert_eq!(a.predicted, b.predicted);
        for (x, y) in a.probabilities.iter().zip(&b.probabilities) {
            assert!((x - y).abs() < 1e-6, "{} {x} vs {y}", a.name);
        }
    }
    // A trajectory cut short is predicted from its complete frames, and its row says so.
    let cut = read(files_one_cut(), &options());
    let cut =
        pollster::block_on(predict(&reloaded, &cut, &device, |_| Part::New)).expect("predicts");
    let rows: Vec<(usize, Option<&str>)> = cut
        .trajectories
        .iter()
        .map(|p| (p.samples, p.warning.as_deref()))
        .collect();
    assert_eq!(rows, [(4, None), (2, Some(CUT_WARNING))]);
}
