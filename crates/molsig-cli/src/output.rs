//! Files the CLI writes: CSV for tables, JSON where structure matters.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use burn::tensor::Device;
use molsig_model::checkpoint::CheckpointHeader;
use molsig_model::data::Dataset;
use molsig_model::model::Model;
use molsig_model::train::EpochReport;

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// One row per epoch.
pub fn write_history(path: &Path, history: &[EpochReport]) -> Result<()> {
    let mut s = String::from(
        "epoch,seconds,train_loss,train_classification,temporal,cut,orthogonality,train_accuracy,validation_loss,validation_accuracy,validation_balanced_accuracy,best_epoch\n",
    );
    let opt = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v}"));
    for r in history {
        let l = &r.train_loss;
        let _ = writeln!(
            s,
            "{},{:.3},{},{},{},{},{},{},{},{},{},{}",
            r.epoch,
            r.seconds,
            l.total,
            l.classification,
            l.temporal,
            l.cut,
            l.orthogonality,
            opt(r.train_metrics.as_ref().map(|m| m.accuracy)),
            opt(r.validation_loss.map(|v| v.total)),
            opt(r.validation_metrics.as_ref().map(|m| m.accuracy)),
            opt(r.validation_metrics.as_ref().map(|m| m.balanced_accuracy)),
            r.best_epoch
        );
    }
    write(path, &s)
}

/// Per-sample predictions as CSV (or JSON when the path ends in `.json`).
pub fn write_predictions(
    path: &Path,
    dataset: &Dataset,
    samples: &[usize],
    probabilities: &[f32],
    classes: &[String],
) -> Result<()> {
    let k = classes.len();
    let rows: Vec<serde_json::Value> = samples
        .iter()
        .enumerate()
        .map(|(row, &s)| {
            let sample = &dataset.samples[s];
            let trajectory = &dataset.trajectories[sample.trajectory];
            let p = &probabilities[row * k..(row + 1) * k];
            let best = (0..k).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(0);
            serde_json::json!({
                "trajectory": trajectory.name,
                "start_frame": sample.start_frame,
                "label": trajectory.label.map(|l| classes[l].clone()),
                "predicted": classes[best],
                "confidence": p[best],
                "probabilities": p,
            })
        })
        .collect();
    if path.extension().is_some_and(|e| e == "json") {
        return write(path, &serde_json::to_string_pretty(&rows)?);
    }
    let mut s = format!(
        "trajectory,start_frame,label,predicted,confidence,{}\n",
        classes
            .iter()
            .map(|c| format!("p_{c}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    for (row, r) in rows.iter().enumerate() {
        let p = &probabilities[row * k..(row + 1) * k];
        let _ = writeln!(
            s,
            "{},{},{},{},{},{}",
            r["trajectory"].as_str().unwrap_or(""),
            r["start_frame"],
            r["label"].as_str().unwrap_or(""),
            r["predicted"].as_str().unwrap_or(""),
            r["confidence"],
            p.iter().map(f32::to_string).collect::<Vec<_>>().join(",")
        );
    }
    write(path, &s)
}

/// `molsig features`: per sample a JSON interpretation (assignments, bead paths, couplings,
/// attributions), plus `assignments.csv` of the first sample for quick plotting.
pub fn write_features(
    folder: &Path,
    model: &Model,
    header: &CheckpointHeader,
    dataset: &Dataset,
    device: &Device,
) -> Result<()> {
    std::fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    for s in 0..dataset.samples.len() {
        let i = pollster::block_on(molsig_model::interpret::interpret(
            model,
            &header.model,
            dataset,
            s,
            device,
        ))?;
        if let Some(w) = &i.warning {
            eprintln!("sample {s}: {w}");
        }
        let sample = &dataset.samples[s];
        let stem = format!(
            "{}-{}",
            dataset.trajectories[sample.trajectory]
                .name
                .replace(['/', '\\'], "_"),
            sample.start_frame
        );
        write(
            &folder.join(format!("{stem}.json")),
            &serde_json::to_string(&i)?,
        )?;
        if s == 0 && i.beads > 0 {
            let labels = &dataset.molecules[dataset.molecule_of(s)].labels;
            let mut csv = format!(
                "point,{}\n",
                (0..i.beads)
                    .map(|b| format!("bead{b}"))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            for p in 0..i.points {
                let row = &i.assignments[p * i.beads..(p + 1) * i.beads];
                let _ = writeln!(
                    csv,
                    "{},{}",
                    labels.get(p).map_or("", String::as_str),
                    row.iter().map(f32::to_string).collect::<Vec<_>>().join(",")
                );
            }
            write(&folder.join("assignments.csv"), &csv)?;
        }
    }
    eprintln!(
        "wrote features of {} samples to {}",
        dataset.samples.len(),
        folder.display()
    );
    Ok(())
}
