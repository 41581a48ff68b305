//! Prediction against the model's own classes: every sample's class probabilities, and each
//! trajectory's answer as the mean over its samples. Labels are reported as the user wrote
//! them; one the model does not know is flagged, never re-indexed.

use burn::tensor::Device;
use molsig_model::checkpoint::{CheckpointHeader, Part};
use molsig_model::metrics::{Metrics, argmax};
use serde::Serialize;

use crate::Result;
use crate::dataset::Loaded;
use crate::train::{TrainedModel, seen_in_training};

/// Samples per forward pass for a model that records no training batch (format 1 files).
const DEFAULT_BATCH: usize = 16;

/// Samples per forward pass when predicting with `header`'s model: its training batch, the size
/// the memory plan budgeted. A larger one would raise the tab's peak memory, and its transient
/// activations fragment the wasm heap.
#[must_use]
pub fn prediction_batch(header: &CheckpointHeader) -> usize {
    header
        .training
        .as_ref()
        .map_or(DEFAULT_BATCH, |t| t.batch_size.max(1))
}

/// One trajectory's prediction: the mean of its samples' class probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct TrajectoryPrediction {
    /// Index among the predicted trajectories.
    pub trajectory: usize,
    /// File name.
    pub name: String,
    /// The part of the split it was in; `new` for prediction-only data.
    pub part: Part,
    /// The user's label, if any, as written.
    pub label: Option<String>,
    /// The label is one of the model's classes.
    pub label_known: bool,
    /// The model's training data held a file of the same size and content hash, in this part.
    pub seen_in_training: Option<Part>,
    /// Most probable class (one of the model's).
    pub predicted: String,
    /// Its mean probability.
    pub confidence: f32,
    /// Mean probability of every class, in the model's class order.
    pub probabilities: Vec<f32>,
    /// Samples averaged.
    pub samples: usize,
    /// What reading its file left out (a trajectory cut short inside a frame), or `null`.
    pub warning: Option<String>,
}

/// One sample's prediction.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SamplePrediction {
    /// Index of its trajectory among the predicted ones.
    pub trajectory: usize,
    /// Its trajectory's file name.
    pub name: String,
    /// First frame of the sample in its trajectory.
    pub start_frame: usize,
    /// The user's label, if any, as written.
    pub label: Option<String>,
    /// Most probable class.
    pub predicted: String,
    /// Its probability.
    pub confidence: f32,
    /// Probability of every class, in the model's class order.
    pub probabilities: Vec<f32>,
}

/// Every trajectory's and sample's prediction, with the model's classes.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Predictions {
    /// The model's classes: the order of every `probabilities`.
    pub classes: Vec<String>,
    /// One per trajectory, in input order.
    pub trajectories: Vec<TrajectoryPrediction>,
    /// One per sample, grouped by trajectory.
    pub samples: Vec<SamplePrediction>,
}

impl Predictions {
    /// Metrics with one answer per trajectory (its mean class probabilities) over the
    /// trajectories in `part` whose label is one of the model's classes; `None` when there are
    /// none.
    ///
    /// # Errors
    /// A NaN probability.
    pub fn trajectory_metrics(&self, part: Part) -> Result<Option<Metrics>> {
        let mut probabilities = Vec::new();
        let mut labels = Vec::new();
        for t in self.trajectories.iter().filter(|t| t.part == part) {
            let Some(label) = t.label.as_ref() else {
                continue;
            };
            let Some(class) = self.classes.iter().position(|c| c == label) else {
                continue;
            };
            labels.push(class);
            probabilities.extend_from_slice(&t.probabilities);
        }
        if labels.is_empty() {
            return Ok(None);
        }
        Ok(Some(Metrics::from_probabilities(
            &probabilities,
            self.classes.len(),
            &labels,
        )?))
    }
}

/// Predicts every sample of `loaded` (read with the model's options, frames aligned if it
/// aligns) and aggregates per trajectory; `part` names each trajectory's part of the split.
///
/// # Errors
/// A molecule the model cannot read (point count), or the forward pass.
pub async fn predict(
    model: &TrainedModel,
    loaded: &Loaded,
    device: &Device,
    part: impl Fn(usize) -> Part,
) -> Result<Predictions> {
    let header = &model.header;
    let dataset = &loaded.dataset;
    for molecule in &dataset.molecules {
        header.check_molecule(molecule)?;
    }
    let all: Vec<usize> = (0..dataset.samples.len()).collect();
    let batch = prediction_batch(header);
    let p = molsig_model::train::predict(&model.model, &header.model, dataset, &all, batch, device)
        .await?;
    let classes = &header.classes;
    let k = classes.len();
    let label_of = |t: usize| loaded.labels.get(t).filter(|l| !l.is_empty()).cloned();
    let mut samples = Vec::with_capacity(dataset.samples.len());
    let mut sums = vec![vec![0_f32; k]; dataset.trajectories.len()];
    let mut counts = vec![0_usize; dataset.trajectories.len()];
    for (row, sample) in p.chunks(k.max(1)).zip(&dataset.samples) {
        let t = sample.trajectory;
        counts[t] += 1;
        for (s, v) in sums[t].iter_mut().zip(row) {
            *s += v;
        }
        let best = argmax(row);
        samples.push(SamplePrediction {
            trajectory: t,
            name: dataset.trajectories[t].name.clone(),
            start_frame: sample.start_frame,
            label: label_of(t),
            predicted: classes[best].clone(),
            confidence: row[best],
            probabilities: row.to_vec(),
        });
    }
    let trajectories = dataset
        .trajectories
        .iter()
        .enumerate()
        .map(|(t, trajectory)| {
            let n = counts[t].max(1) as f32;
            let probabilities: Vec<f32> = sums[t].iter().map(|s| s / n).collect();
            let best = argmax(&probabilities);
            let label = label_of(t);
            TrajectoryPrediction {
                trajectory: t,
                name: trajectory.name.clone(),
                part: part(t),
                label_known: label.as_ref().is_some_and(|l| classes.contains(l)),
                label,
                seen_in_training: loaded
                    .files
                    .get(t)
                    .and_then(|f| seen_in_training(header, f.bytes, &f.xxh3)),
                predicted: classes[best].clone(),
                confidence: probabilities[best],
                probabilities,
                samples: counts[t],
                warning: loaded.files.get(t).and_then(|f| f.warning.clone()),
            }
        })
        .collect();
    Ok(Predictions {
        classes: classes.clone(),
        trajectories,
        samples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trajectory(part: Part, label: Option<&str>, p_b: f32) -> TrajectoryPrediction {
        let probabilities = vec![1.0 - p_b, p_b];
        let best = argmax(&probabilities);
        TrajectoryPrediction {
            trajectory: 0,
            name: String::new(),
            part,
            label: label.map(Into::into),
            label_known: label.is_some_and(|l| l == "a" || l == "b"),
            seen_in_training: None,
            predicted: ["a", "b"][best].into(),
            confidence: probabilities[best],
            probabilities,
            samples: 4,
            warning: None,
        }
    }

    /// Only the asked part's trajectories with a known label count, one answer each.
    #[test]
    fn trajectory_metrics_count_each_labelled_trajectory_of_the_part_once() {
        let predictions = Predictions {
            classes: vec!["a".into(), "b".into()],
            trajectories: vec![
                trajectory(Part::Test, Some("a"), 0.2),
                trajectory(Part::Test, Some("a"), 0.7),
                trajectory(Part::Test, Some("b"), 0.9),
                trajectory(Part::Test, Some("unknown"), 0.9),
                trajectory(Part::Test, None, 0.9),
                trajectory(Part::Train, Some("b"), 0.1),
            ],
            samples: Vec::new(),
        };
        let m = predictions
            .trajectory_metrics(Part::Test)
            .expect("metrics")
            .expect("labelled test trajectories");
        assert_eq!(m.count, 3);
        assert_eq!(m.confusion, [[1, 1], [0, 1]]);
        assert!((m.accuracy - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.balanced_accuracy - 0.75).abs() < 1e-12);
        assert_eq!(
            predictions
                .trajectory_metrics(Part::Validation)
                .expect("metrics"),
            None
        );
    }
}
