//! The `molsig` binary end to end on the shipped demo dataset: train writes a model and reports,
//! predict and features read the model back, inspect describes every kind of file, and a bad
//! file gives a message naming it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn molsig(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_molsig"))
        .args(args)
        .output()
        .expect("run molsig")
}

fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web/demo/dataset")
}

fn text(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
#[allow(clippy::too_many_lines)] // one end-to-end session
fn train_predict_features_inspect_on_the_demo() {
    let out = std::env::temp_dir().join(format!("molsig-cli-test-{}", std::process::id()));
    let manifest = demo().join("manifest.csv");
    let m = manifest.to_str().expect("utf-8");
    let o = out.to_str().expect("utf-8");
    let run = molsig(&[
        "train",
        "--manifest",
        m,
        "--beads",
        "2",
        "--frames",
        "50",
        "--epochs",
        "2",
        "--out",
        o,
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("held-out test: accuracy"), "{stderr}");
    for f in [
        "model.molsig",
        "metrics.json",
        "history.csv",
        "predictions.csv",
        "confusion.csv",
        "split.json",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    assert_eq!(text(&out.join("history.csv")).lines().count(), 3);
    // 4 of 20 trajectories held out, 4 samples each.
    assert_eq!(text(&out.join("predictions.csv")).lines().count(), 17);

    let model = out.join("model.molsig");
    let pred = out.join("all.csv");
    let run = molsig(&[
        "predict",
        "--model-file",
        model.to_str().expect("utf-8"),
        "--manifest",
        m,
        "--out",
        pred.to_str().expect("utf-8"),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let table = text(&pred);
    assert_eq!(table.lines().count(), 81);
    assert!(table.starts_with(
        "trajectory,start_frame,label,predicted,confidence,p_high_friction,p_low_friction"
    ));

    let features = out.join("features");
    let run = molsig(&[
        "features",
        "--model-file",
        model.to_str().expect("utf-8"),
        "--topology",
        demo().join("peptide.pdb").to_str().expect("utf-8"),
        "--trajectories",
        demo().join("low_friction_01.xtc").to_str().expect("utf-8"),
        "--out",
        features.to_str().expect("utf-8"),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let first = std::fs::read_dir(&features)
        .expect("features")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json"))
        })
        .count();
    assert_eq!(first, 4);
    let json: serde_json::Value = serde_json::from_str(&text(&features.join(format!(
            "{}-0.json",
            demo()
                .join("low_friction_01.xtc")
                .display()
                .to_string()
                .replace(['/', '\\'], "_")
        ))))
    .expect("json");
    assert_eq!(json["points"], 67);
    assert_eq!(json["assignments"].as_array().map(Vec::len), Some(67 * 2));
    assert_eq!(text(&features.join("assignments.csv")).lines().count(), 68);

    let run = molsig(&[
        "inspect",
        model.to_str().expect("utf-8"),
        demo().join("peptide.pdb").to_str().expect("utf-8"),
        demo().join("high_friction_02.xtc").to_str().expect("utf-8"),
        m,
    ]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("XTC: 141 atoms, 200 frames"), "{stdout}");
    assert!(stdout.contains("heavy: 67 points"), "{stdout}");
    assert!(stdout.contains("manifest: 20 entries"), "{stdout}");
    assert!(stdout.contains("\"selected_epoch\""), "{stdout}");

    // A trajectory that does not belong to the topology.
    let bad = out.join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "topology,trajectory,label\n{},{},a\n{},{},b\n",
            demo().join("peptide.pdb").display(),
            manifest.display(),
            demo().join("peptide.pdb").display(),
            manifest.display()
        ),
    )
    .expect("write");
    let run = molsig(&[
        "train",
        "--manifest",
        bad.to_str().expect("utf-8"),
        "--out",
        o,
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        !run.status.success() && stderr.contains("manifest.csv"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&out).ok();
}
