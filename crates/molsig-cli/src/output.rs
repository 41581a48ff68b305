//! Files the CLI writes: CSV for tables, JSON where structure matters.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use burn::tensor::Device;
use molsig_model::checkpoint::Part;
use molsig_model::data::Dataset;
use molsig_model::split::SplitPlan;
use molsig_model::train::EpochReport;
use molsig_pipeline::predict::Predictions;
use molsig_pipeline::train::{TrainSummary, TrainedModel};

use crate::shard::{RUN_RECORD, RunRecord};

pub fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// Everything one training run writes into `folder`, each name after `prefix` (`fold2-` with
/// `--folds`): the model file, `history.csv`, `split.json`, `metrics.json`, and with a test set
/// `predictions.csv` and `confusion.csv` (one answer per test trajectory), and
/// `sample-predictions.csv` and `sample-confusion.csv` (one per test sample).
pub fn write_run(
    folder: &Path,
    prefix: &str,
    plan: &SplitPlan,
    model: &[u8],
    summary: &TrainSummary,
) -> Result<()> {
    let name = |file: &str| folder.join(format!("{prefix}{file}"));
    let header = &summary.model;
    std::fs::write(name("model.molsig"), model)
        .with_context(|| format!("writing {}", name("model.molsig").display()))?;
    write_history(&name("history.csv"), &header.history)?;
    write(
        &name("split.json"),
        &serde_json::to_string_pretty(&(plan, &header.split))?,
    )?;
    let metrics = serde_json::json!({
        "model": header.model,
        "train": header.training,
        "selected_epoch": header.selected_epoch,
        "stopped_early": header.stopped_early,
        "test": {
            "per_trajectory": header.test_trajectory_metrics,
            "per_sample": header.test_metrics,
        },
        "last_epoch": header.history.last(),
    });
    write(
        &name("metrics.json"),
        &serde_json::to_string_pretty(&metrics)?,
    )?;
    if !plan.test.is_empty() {
        let count = summary.predictions.trajectories.len();
        let place = Place {
            indices: (0..count).collect(),
            inputs: count,
            model: model_hash(model)?,
        };
        for (file, rows) in [
            ("predictions.csv", Rows::PerTrajectory),
            ("sample-predictions.csv", Rows::PerSample),
        ] {
            write_predictions(
                &name(file),
                &summary.predictions,
                Some(Part::Test),
                &place,
                rows,
            )?;
        }
    }
    if let Some(m) = &header.test_trajectory_metrics {
        write(&name("confusion.csv"), &m.confusion_csv(&header.classes))?;
    }
    if let Some(m) = &header.test_metrics {
        write(
            &name("sample-confusion.csv"),
            &m.confusion_csv(&header.classes),
        )?;
    }
    Ok(())
}

/// One row per epoch.
fn write_history(path: &Path, history: &[EpochReport]) -> Result<()> {
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

/// Where a run's trajectories sit in the whole input list (all of it, or one shard's part), and
/// which model file made the outputs: what `molsig merge` needs.
pub struct Place {
    /// The input-list index of each of the run's trajectories, in the run's order.
    pub indices: Vec<usize>,
    /// Trajectories in the whole input list.
    pub inputs: usize,
    /// xxh3 of the model file.
    pub model: String,
}

impl Place {
    fn columns(&self, trajectory: usize) -> String {
        format!(
            "{},{},{}",
            self.indices.get(trajectory).copied().unwrap_or(trajectory),
            self.inputs,
            self.model
        )
    }
}

/// A model file's xxh3, as model files record their training data's.
pub fn model_hash(bytes: &[u8]) -> Result<String> {
    Ok(molsig_pipeline::dataset::hash(&mut std::io::Cursor::new(bytes), "model")?.xxh3)
}

/// What one row of a predictions file stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    /// A trajectory: the mean of its samples' class probabilities (the default answer).
    PerTrajectory,
    /// A sample: one window of frames.
    PerSample,
}

/// Predictions of the trajectories in `part` (all when `None`) as CSV, or JSON when `path` ends
/// in `.json`, one row per trajectory or per sample; every row ends with its trajectory's
/// [`Place`].
pub fn write_predictions(
    path: &Path,
    predictions: &Predictions,
    part: Option<Part>,
    place: &Place,
    rows: Rows,
) -> Result<()> {
    let in_part = |t: usize| {
        part.is_none_or(|p| predictions.trajectories.get(t).is_some_and(|t| t.part == p))
    };
    let json = path.extension().is_some_and(|e| e == "json");
    let probabilities = predictions
        .classes
        .iter()
        .map(|c| format!("p_{c}"))
        .collect::<Vec<_>>()
        .join(",");
    let place_columns = crate::shard::PLACE_COLUMNS.join(",");
    let joined = |p: &[f32]| p.iter().map(f32::to_string).collect::<Vec<_>>().join(",");
    // (trajectory index, JSON value, CSV row without the place columns)
    let mut out: Vec<(usize, serde_json::Value, String)> = Vec::new();
    let header = match rows {
        Rows::PerTrajectory => {
            for r in predictions
                .trajectories
                .iter()
                .filter(|r| in_part(r.trajectory))
            {
                out.push((
                    r.trajectory,
                    serde_json::to_value(r)?,
                    format!(
                        "{},{},{},{},{},{}",
                        r.name,
                        r.label.as_deref().unwrap_or(""),
                        r.predicted,
                        r.confidence,
                        r.samples,
                        joined(&r.probabilities)
                    ),
                ));
            }
            format!("trajectory,label,predicted,confidence,samples,{probabilities},{place_columns}")
        }
        Rows::PerSample => {
            for r in predictions.samples.iter().filter(|r| in_part(r.trajectory)) {
                out.push((
                    r.trajectory,
                    serde_json::to_value(r)?,
                    format!(
                        "{},{},{},{},{},{}",
                        r.name,
                        r.start_frame,
                        r.label.as_deref().unwrap_or(""),
                        r.predicted,
                        r.confidence,
                        joined(&r.probabilities)
                    ),
                ));
            }
            format!(
                "trajectory,start_frame,label,predicted,confidence,{probabilities},{place_columns}"
            )
        }
    };
    if json {
        let values: Vec<serde_json::Value> = out
            .into_iter()
            .map(|(t, mut value, _)| {
                value["inputIndex"] = place.indices.get(t).copied().into();
                value["inputs"] = place.inputs.into();
                value["model"] = place.model.clone().into();
                value
            })
            .collect();
        return write(path, &serde_json::to_string_pretty(&values)?);
    }
    let mut s = header;
    s.push('\n');
    for (t, _, row) in out {
        let _ = writeln!(s, "{row},{}", place.columns(t));
    }
    write(path, &s)
}

/// `molsig features`: per sample a JSON interpretation (assignments, bead paths, couplings,
/// attributions), `assignments.csv` of the first sample for quick plotting, and `run.json`, the
/// run's [`Place`] for `molsig merge`.
pub fn write_features(
    folder: &Path,
    model: &TrainedModel,
    dataset: &Dataset,
    place: &Place,
    device: &Device,
) -> Result<()> {
    std::fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    let record = RunRecord {
        model: place.model.clone(),
        inputs: place.inputs,
        trajectories: dataset
            .trajectories
            .iter()
            .enumerate()
            .map(|(t, trajectory)| {
                (
                    place.indices.get(t).copied().unwrap_or(t),
                    trajectory.name.clone(),
                )
            })
            .collect(),
    };
    write(
        &folder.join(RUN_RECORD),
        &serde_json::to_string_pretty(&record)?,
    )?;
    for s in 0..dataset.samples.len() {
        let i = pollster::block_on(molsig_model::interpret::interpret(
            &model.model,
            &model.header.model,
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
                // Beads numbered from 1, as the page and its exports number them.
                (0..i.beads)
                    .map(|b| format!("bead{}", b + 1))
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
