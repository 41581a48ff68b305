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
    assert!(
        stderr.contains("held-out test, one answer per trajectory: accuracy")
            && stderr.contains("held-out test, one answer per sample: accuracy"),
        "{stderr}"
    );
    for f in [
        "model.molsig",
        "metrics.json",
        "history.csv",
        "predictions.csv",
        "sample-predictions.csv",
        "confusion.csv",
        "sample-confusion.csv",
        "split.json",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    assert_eq!(text(&out.join("history.csv")).lines().count(), 3);
    // 4 of 20 trajectories held out, 4 samples each.
    assert_eq!(text(&out.join("predictions.csv")).lines().count(), 1 + 4);
    assert_eq!(
        text(&out.join("sample-predictions.csv")).lines().count(),
        1 + 16
    );
    let metrics: serde_json::Value =
        serde_json::from_str(&text(&out.join("metrics.json"))).expect("metrics.json");
    assert_eq!(metrics["test"]["per_trajectory"]["count"], 4);
    assert_eq!(metrics["test"]["per_sample"]["count"], 16);
    // The trajectory confusion matrix counts the four held-out trajectories.
    let confusion = text(&out.join("confusion.csv"));
    let counted: usize = confusion
        .lines()
        .skip(1)
        .flat_map(|l| {
            l.split(',')
                .skip(1)
                .map(|v| v.parse::<usize>().expect("count"))
        })
        .sum();
    assert_eq!(counted, 4, "{confusion}");

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
    assert_eq!(table.lines().count(), 1 + 20);
    assert!(table.starts_with(
        "trajectory,label,predicted,confidence,samples,p_high_friction,p_low_friction,input_index"
    ));
    let samples = out.join("all-samples.csv");
    let run = molsig(&[
        "predict",
        "--model-file",
        model.to_str().expect("utf-8"),
        "--manifest",
        m,
        "--out",
        samples.to_str().expect("utf-8"),
        "--per-sample",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let sample_table = text(&samples);
    assert_eq!(sample_table.lines().count(), 1 + 80);
    assert!(sample_table.starts_with(
        "trajectory,start_frame,label,predicted,confidence,p_high_friction,p_low_friction"
    ));
    // A trajectory's row is the mean of its four samples' rows.
    let column = |table: &str, row: usize, col: usize| -> f64 {
        table
            .lines()
            .nth(row)
            .and_then(|l| l.split(',').nth(col))
            .expect("cell")
            .parse()
            .expect("number")
    };
    let mean: f64 = (1..=4).map(|r| column(&sample_table, r, 5)).sum::<f64>() / 4.0;
    assert!(
        (column(&table, 1, 5) - mean).abs() < 1e-6,
        "{} vs {mean}",
        column(&table, 1, 5)
    );

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
    // Four samples, and run.json: where the run's trajectories sit in the input list.
    assert_eq!(first, 4 + 1);
    let run_record: serde_json::Value =
        serde_json::from_str(&text(&features.join("run.json"))).expect("run.json");
    assert_eq!(run_record["inputs"], 1);
    assert_eq!(run_record["trajectories"][0][0], 0);
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

/// A job array's shards, merged, give exactly what one unsharded run writes: predictions byte for
/// byte, features file for file. A missing shard, an overlap and a bad `--shard` are refused by
/// name. The model is the shipped demo model, so no training is needed.
#[test]
#[allow(clippy::too_many_lines)] // one job array, its merges and its refusals
fn sharded_runs_merge_into_the_unsharded_output() {
    let out = std::env::temp_dir().join(format!("molsig-cli-shards-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).expect("scratch folder");
    let model = demo().join("../friction.molsig");
    let topology = demo().join("peptide.pdb");
    let trajectories: Vec<String> = [
        "low_friction_01",
        "high_friction_01",
        "low_friction_02",
        "high_friction_02",
        "low_friction_03",
    ]
    .iter()
    .map(|n| demo().join(format!("{n}.xtc")).display().to_string())
    .collect();
    let path = |name: &str| out.join(name).display().to_string();
    let run = |command: &str, output: &str, shard: Option<&str>, per_sample: bool| {
        let mut args = vec![
            command.to_owned(),
            "--model-file".into(),
            model.display().to_string(),
            "--topology".into(),
            topology.display().to_string(),
            "--trajectories".into(),
        ];
        args.extend(trajectories.iter().cloned());
        args.extend(["--out".into(), path(output)]);
        if let Some(s) = shard {
            args.extend(["--shard".into(), s.into()]);
        }
        if per_sample {
            args.push("--per-sample".into());
        }
        molsig(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let ok = |o: Output| assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    ok(run("predict", "all.csv", None, false));
    // Three shards, and two tasks more than there are trajectories (empty shards).
    for i in 1..=7 {
        ok(run(
            "predict",
            &format!("p{i}.csv"),
            Some(&format!("{i}/7")),
            false,
        ));
    }
    let all = text(&out.join("all.csv"));
    assert_eq!(all.lines().count(), 1 + 5, "{all}");
    assert!(
        all.lines()
            .next()
            .is_some_and(|h| h.ends_with(",input_index,inputs,model"))
    );
    let shards: Vec<String> = [3, 1, 7, 2, 5, 4, 6]
        .iter()
        .map(|i| path(&format!("p{i}.csv")))
        .collect();
    let mut merge = vec!["merge", "--out"];
    let merged = path("merged.csv");
    merge.push(&merged);
    merge.extend(shards.iter().map(String::as_str));
    ok(molsig(&merge));
    assert_eq!(text(&out.join("merged.csv")), all);

    // Shard 3 of 7 missing: its trajectory (input index 2) is named; an overlap is refused.
    let missing = molsig(&[
        "merge",
        "--out",
        &path("bad.csv"),
        &shards[1],
        &shards[3],
        &shards[4],
        &shards[5],
    ]);
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr)
            .contains("trajectories 2 of the input list are in none"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
    let twice = molsig(&["merge", "--out", &path("bad.csv"), &shards[0], &shards[0]]);
    assert!(
        String::from_utf8_lossy(&twice.stderr).contains("is in two shards"),
        "{}",
        String::from_utf8_lossy(&twice.stderr)
    );
    let bad = run("predict", "x.csv", Some("0/3"), false);
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("is not a shard: give I/N with 1 ≤ I ≤ N"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );

    // Per-sample rows merge the same way, a row per window in input order.
    ok(run("predict", "samples.csv", None, true));
    ok(run("predict", "s1.csv", Some("1/2"), true));
    ok(run("predict", "s2.csv", Some("2/2"), true));
    ok(molsig(&[
        "merge",
        "--out",
        &path("s.csv"),
        &path("s2.csv"),
        &path("s1.csv"),
    ]));
    let samples = text(&out.join("samples.csv"));
    assert_eq!(samples.lines().count(), 1 + 5 * 4, "{samples}");
    assert_eq!(text(&out.join("s.csv")), samples);

    // Features: two shards merged hold the unsharded run's files, each the same.
    ok(run("features", "features", None, false));
    ok(run("features", "f1", Some("1/2"), false));
    ok(run("features", "f2", Some("2/2"), false));
    ok(molsig(&[
        "merge",
        "--out",
        &path("f"),
        &path("f2"),
        &path("f1"),
    ]));
    let listing = |folder: &str| {
        let mut names: Vec<String> = std::fs::read_dir(out.join(folder))
            .expect(folder)
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(listing("f"), listing("features"));
    assert_eq!(listing("f").len(), 5 * 4 + 2, "{:?}", listing("f"));
    for name in listing("f") {
        assert_eq!(
            text(&out.join("f").join(&name)),
            text(&out.join("features").join(&name)),
            "{name}"
        );
    }
    let _ = std::fs::remove_dir_all(&out);
}
