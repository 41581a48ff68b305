//! Files the CLI writes: CSV for tables, JSON where structure matters.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use burn::tensor::Device;
use molsig_model::checkpoint::Part;
use molsig_model::data::Dataset;
use molsig_model::split::SplitPlan;
use molsig_model::train::EpochReport;
use molsig_pipeline::predict::{Predictions, SamplePrediction};
use molsig_pipeline::train::{TrainSummary, TrainedModel};

use crate::shard::{RUN_RECORD, RunRecord};

pub fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// Everything one training run writes into `folder`, each name after `prefix` (`fold2-` with
/// `--folds`): the model file, `history.csv`, `split.json`, `metrics.json`, and with a test set
/// `predictions.csv` (its samples) and `confusion.csv`.
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
        "test": header.test_metrics,
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
        write_predictions(
            &name("predictions.csv"),
            &summary.predictions,
            Some(Part::Test),
            &place,
        )?;
    }
    if let Some(m) = &header.test_metrics {
        write(&name("confusion.csv"), &m.confusion_csv(&header.classes))?;
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

/// Per-sample predictions as CSV (or JSON when the path ends in `.json`), with the model's
/// class names and each row's [`Place`]; only the trajectories in `part` when given.
pub fn write_predictions(
    path: &Path,
    predictions: &Predictions,
    part: Option<Part>,
    place: &Place,
) -> Result<()> {
    let rows: Vec<&SamplePrediction> = predictions
        .samples
        .iter()
        .filter(|s| {
            part.is_none_or(|p| {
                predictions
                    .trajectories
                    .get(s.trajectory)
                    .is_some_and(|t| t.part == p)
            })
        })
        .collect();
    if path.extension().is_some_and(|e| e == "json") {
        let rows = rows
            .iter()
            .map(|r| {
                let mut value = serde_json::to_value(r)?;
                value["inputIndex"] = place.indices.get(r.trajectory).copied().into();
                value["inputs"] = place.inputs.into();
                value["model"] = place.model.clone().into();
                Ok(value)
            })
            .collect::<Result<Vec<_>>>()?;
        return write(path, &serde_json::to_string_pretty(&rows)?);
    }
    let mut s = format!(
        "trajectory,start_frame,label,predicted,confidence,{},{}\n",
        predictions
            .classes
            .iter()
            .map(|c| format!("p_{c}"))
            .collect::<Vec<_>>()
            .join(","),
        crate::shard::PLACE_COLUMNS.join(",")
    );
    for r in rows {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{}",
            r.name,
            r.start_frame,
            r.label.as_deref().unwrap_or(""),
            r.predicted,
            r.confidence,
            r.probabilities
                .iter()
                .map(f32::to_string)
                .collect::<Vec<_>>()
                .join(","),
            place.columns(r.trajectory)
        );
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
