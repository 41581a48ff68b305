//! One engine behind both front ends: the `molsig` binary and the JavaScript session
//! (molsig-wasm's `Session`, driven natively here) give the same per-sample probabilities and
//! per-trajectory answers on the same model and files, each loads the other's model file, and
//! a prediction manifest with a single class is labelled correctly in every output.

use std::fmt::Write as _;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use molsig_model::checkpoint::Part;
use molsig_model::train::Host;
use molsig_pipeline::plan::{DataOptions, Files, TopologyFile, TrajectoryFile};
use molsig_pipeline::predict::Predictions;
use molsig_pipeline::train::TrainRequest;
use molsig_wasm::backend::Backend;
use molsig_wasm::session::Session;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/demo/dataset");
const TRAINING: [&str; 6] = [
    "low_friction_01.xtc",
    "low_friction_02.xtc",
    "low_friction_03.xtc",
    "high_friction_01.xtc",
    "high_friction_02.xtc",
    "high_friction_03.xtc",
];
/// Trajectories of one class only, none of them trained on.
const LOW_ONLY: [&str; 3] = [
    "low_friction_07.xtc",
    "low_friction_08.xtc",
    "low_friction_09.xtc",
];

fn demo(name: &str) -> PathBuf {
    Path::new(DEMO).join(name)
}

fn label(name: &str) -> &str {
    name.strip_suffix(".xtc")
        .and_then(|n| n.rsplit_once('_'))
        .map_or("", |(class, _)| class)
}

fn workdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("work dir");
    dir
}

/// A manifest of demo trajectories with their labels (absolute paths).
fn manifest(dir: &Path, name: &str, trajectories: &[&str]) -> PathBuf {
    let mut text = String::from("topology,trajectory,label\n");
    for t in trajectories {
        let _ = writeln!(
            text,
            "{},{},{}",
            demo("peptide.pdb").display(),
            demo(t).display(),
            label(t)
        );
    }
    let path = dir.join(name);
    std::fs::write(&path, text).expect("manifest");
    path
}

fn molsig(args: &[&str]) {
    let output = Command::new(env!("CARGO_BIN_EXE_molsig"))
        .args(args)
        .output()
        .expect("runs molsig");
    assert!(
        output.status.success(),
        "molsig {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The same files as the page hands them to the session (names as the CLI reports them).
fn files(trajectories: &[&str]) -> Files<Cursor<Vec<u8>>> {
    Files {
        topologies: vec![TopologyFile {
            name: "peptide.pdb".into(),
            bytes: std::fs::read(demo("peptide.pdb")).expect("topology"),
        }],
        trajectories: trajectories
            .iter()
            .map(|t| TrajectoryFile {
                name: demo(t).display().to_string(),
                reader: Cursor::new(std::fs::read(demo(t)).expect("trajectory")),
                label: label(t).into(),
                group: String::new(),
                split: None,
                topology: 0,
            })
            .collect(),
    }
}

fn session() -> Session {
    Session::new(Backend::cpu("the test runs on the CPU".into()))
}

/// `molsig predict --out path.json`'s rows.
fn cli_samples(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).expect("predictions");
    serde_json::from_str(&text).expect("json")
}

/// The CLI's per-sample rows equal the session's predictions: names, labels, classes, and
/// probabilities to 1e-6; and the per-trajectory answers (mean of samples) agree.
fn assert_same(cli: &[serde_json::Value], session: &Predictions) {
    assert_eq!(cli.len(), session.samples.len());
    for (row, sample) in cli.iter().zip(&session.samples) {
        assert_eq!(row["name"], sample.name.as_str());
        assert_eq!(row["startFrame"], sample.start_frame);
        assert_eq!(row["label"].as_str(), sample.label.as_deref());
        assert_eq!(row["predicted"], sample.predicted.as_str());
        let p: Vec<f64> = row["probabilities"]
            .as_array()
            .expect("probabilities")
            .iter()
            .map(|v| v.as_f64().expect("number"))
            .collect();
        assert_eq!(p.len(), sample.probabilities.len());
        for (a, b) in p.iter().zip(&sample.probabilities) {
            assert!(
                (a - f64::from(*b)).abs() <= 1e-6,
                "{}: {a} vs {b}",
                sample.name
            );
        }
    }
    for t in &session.trajectories {
        let rows: Vec<&serde_json::Value> = cli
            .iter()
            .filter(|r| r["name"] == t.name.as_str())
            .collect();
        let k = session.classes.len();
        let mean: Vec<f64> = (0..k)
            .map(|c| {
                rows.iter()
                    .map(|r| r["probabilities"][c].as_f64().expect("number"))
                    .sum::<f64>()
                    / rows.len() as f64
            })
            .collect();
        let best = (0..k)
            .max_by(|&a, &b| mean[a].total_cmp(&mean[b]))
            .expect("classes");
        assert_eq!(session.classes[best], t.predicted, "{}", t.name);
        assert_eq!(rows.len(), t.samples);
    }
}

/// `molsig predict`'s default rows, one per trajectory, equal the session's trajectory answers:
/// the mean of the samples' probabilities to 1e-6, the class, the sample count.
fn assert_same_trajectories(cli: &[serde_json::Value], session: &Predictions) {
    assert_eq!(cli.len(), session.trajectories.len());
    for (row, t) in cli.iter().zip(&session.trajectories) {
        assert_eq!(row["name"], t.name.as_str());
        assert_eq!(row["predicted"], t.predicted.as_str());
        assert_eq!(row["samples"], t.samples);
        for (c, p) in t.probabilities.iter().enumerate() {
            let got = row["probabilities"][c].as_f64().expect("number");
            assert!(
                (got - f64::from(*p)).abs() <= 1e-6,
                "{}: {got} vs {p}",
                t.name
            );
        }
    }
}

#[test]
#[allow(clippy::too_many_lines)] // one story: each side trains, the other loads and predicts
fn cli_and_session_agree_and_read_each_others_models() {
    let dir = workdir("engine");
    let train = manifest(&dir, "train.csv", &TRAINING);
    let low_only = manifest(&dir, "low_only.csv", &LOW_ONLY);
    let run = dir.join("run");
    let (train, low_only, run_dir) = (
        train.display().to_string(),
        low_only.display().to_string(),
        run.display().to_string(),
    );
    molsig(&[
        "train",
        "--manifest",
        &train,
        "--beads",
        "2",
        "--frames",
        "50",
        "--epochs",
        "2",
        "--out",
        &run_dir,
    ]);
    let cli_model = run.join("model.molsig");
    let (json, csv) = (dir.join("low.json"), dir.join("low.csv"));
    for out in [&json, &csv] {
        molsig(&[
            "predict",
            "--model-file",
            &cli_model.display().to_string(),
            "--manifest",
            &low_only,
            "--out",
            &out.display().to_string(),
            "--per-sample",
        ]);
    }
    let by_trajectory = dir.join("low-trajectories.json");
    molsig(&[
        "predict",
        "--model-file",
        &cli_model.display().to_string(),
        "--manifest",
        &low_only,
        "--out",
        &by_trajectory.display().to_string(),
    ]);

    // The one-class manifest is labelled with its own class in both outputs.
    let rows = cli_samples(&json);
    assert_eq!(rows.len(), 12, "three trajectories of four samples");
    assert!(
        rows.iter().all(|r| r["label"] == "low_friction"),
        "{rows:?}"
    );
    let table = std::fs::read_to_string(&csv).expect("csv");
    let mut lines = table.lines();
    assert_eq!(
        lines.next(),
        Some(
            "trajectory,start_frame,label,predicted,confidence,p_high_friction,p_low_friction,\
             input_index,inputs,model"
        )
    );
    for line in lines {
        assert_eq!(line.split(',').nth(2), Some("low_friction"), "{line}");
    }

    // The session loads the CLI's model and predicts the same.
    let page = session();
    let header = page
        .load_model("model.molsig", &std::fs::read(&cli_model).expect("model"))
        .expect("the session loads the CLI's model");
    assert_eq!(header.classes, ["high_friction", "low_friction"]);
    assert_eq!(header.history.len(), 2, "the file records its run");
    let predictions = pollster::block_on(page.predict(files(&LOW_ONLY))).expect("predicts");
    for t in &predictions.trajectories {
        assert_eq!(t.label.as_deref(), Some("low_friction"));
        assert!(t.label_known);
        assert_eq!((t.part, t.seen_in_training), (Part::New, None));
    }
    assert_same(&rows, &predictions);
    assert_same_trajectories(&cli_samples(&by_trajectory), &predictions);

    // The CLI loads the session's model and predicts the same as the session.
    let options = DataOptions {
        selection: "heavy".into(),
        frames: 50,
        stride: 50,
        inter_residue_bonds: true,
        align: true,
    };
    page.load_dataset(files(&TRAINING), &options, 8)
        .expect("reads");
    let request = TrainRequest {
        model: "improved".into(),
        beads: 2,
        epochs: Some(2),
        batch_size: None,
        learning_rate: None,
        patience: None,
        validation: 0.2,
        test: 0.2,
        seed: 1,
    };
    let summary =
        pollster::block_on(page.train(&request, Host::none(), &mut |_| {})).expect("trains");
    assert_eq!(summary.model.split.len(), TRAINING.len());
    let page_model = dir.join("page.molsig");
    std::fs::write(
        &page_model,
        pollster::block_on(page.save_model()).expect("saves"),
    )
    .expect("writes");
    let from_page = dir.join("from_page.json");
    molsig(&[
        "predict",
        "--model-file",
        &page_model.display().to_string(),
        "--manifest",
        &low_only,
        "--out",
        &from_page.display().to_string(),
        "--per-sample",
    ]);
    let again = pollster::block_on(page.predict(files(&LOW_ONLY))).expect("predicts");
    assert_same(&cli_samples(&from_page), &again);

    // A training file is recognised by its size and content, whatever its name.
    let seen = pollster::block_on(page.predict(files(&TRAINING[..1]))).expect("predicts");
    assert!(seen.trajectories[0].seen_in_training.is_some());
}
