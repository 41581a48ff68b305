//! What separates the classes: per class, the mean bead couplings over its labelled samples, and
//! per atom the evidence the model finds for the class in its own samples and how that evidence
//! differs from the other classes' samples.

use burn::tensor::Device;
use molsig_model::data::Dataset;
use molsig_model::interpret::{class_attributions, interpret};
use serde::Serialize;

use crate::explain::{sample_of, single_sample};
use crate::train::TrainedModel;
use crate::{Error, Result};

/// One class, summarised over the samples of its labelled trajectories.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ClassSummary {
    /// Class name.
    pub class: String,
    /// Trajectories and samples summarised.
    pub trajectories: usize,
    /// Samples summarised.
    pub samples: usize,
    /// Mean bead–bead coupling matrix, `[beads, beads]` (empty for a model without beads).
    pub couplings: Vec<f32>,
    /// Mean evidence for the class in its own samples, per point: gradient × input of the class's
    /// logit minus the mean of the others'.
    pub evidence: Vec<f32>,
    /// Per point, the mean evidence for the class in its own samples minus that in the other
    /// classes' samples: where the model's score for the class differs between them. Summed over
    /// points it approximates the gap in the class's mean score.
    pub separation: Vec<f32>,
}

/// Every class of a dataset, summarised with one model.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ClassComparison {
    /// Points per frame.
    pub points: usize,
    /// Beads (0 for models without coarse-graining).
    pub beads: usize,
    /// One label per point (`A:ALA12:CA`).
    pub point_labels: Vec<String>,
    /// One summary per class of the model, in its class order.
    pub classes: Vec<ClassSummary>,
}

/// Summarises every labelled sample of `dataset` per class with `model`.
///
/// # Errors
/// Data that does not fit the model, a class without labelled samples, or the forward and
/// backward passes.
pub async fn compare(
    model: &TrainedModel,
    dataset: &Dataset,
    device: &Device,
) -> Result<ClassComparison> {
    let classes = model.header.classes.len();
    let mut sums: Vec<Sums> = (0..classes).map(|_| Sums::default()).collect();
    let mut points = 0;
    let mut beads = 0;
    let names = &model.header.classes;
    for (t, trajectory) in dataset.trajectories.iter().enumerate() {
        let Some(label) = trajectory.label else {
            continue;
        };
        // The data's class indices are its own; the model's classes are matched by name.
        let name = dataset.classes.get(label).map_or("", String::as_str);
        let Some(label) = names.iter().position(|c| c == name) else {
            return Err(Error::Input(format!(
                "{} is labelled {name:?}, which is not one of the model's classes {names:?}: \
                 compare the classes of the data the model was trained on",
                trajectory.name
            )));
        };
        sample_of(model, dataset, t, 0)?;
        sums[label].trajectories += 1;
        for sample in (0..dataset.samples.len()).filter(|&s| dataset.samples[s].trajectory == t) {
            let single = single_sample(model, dataset, sample);
            let config = &model.header.model;
            let explained = Box::pin(interpret(&model.model, config, &single, 0, device)).await?;
            points = explained.points;
            beads = explained.beads;
            add(&mut sums[label].couplings, &explained.couplings);
            sums[label].samples += 1;
            // Evidence for every class in this sample: the class's own, and the others' (the
            // baseline of their separation).
            for (class, sum) in sums.iter_mut().enumerate() {
                let evidence = Box::pin(class_attributions(
                    &model.model,
                    config,
                    &single,
                    0,
                    class,
                    device,
                ))
                .await?;
                if class == label {
                    add(&mut sum.own, &evidence);
                } else {
                    add(&mut sum.others, &evidence);
                    sum.other_samples += 1;
                }
            }
        }
    }
    let summaries = sums
        .into_iter()
        .zip(names)
        .map(|(s, class)| {
            if s.samples == 0 {
                return Err(Error::Input(format!(
                    "no labelled trajectory of class {class} to summarise"
                )));
            }
            let evidence = scale(&s.own, s.samples);
            let others = scale(&s.others, s.other_samples.max(1));
            Ok(ClassSummary {
                class: class.clone(),
                trajectories: s.trajectories,
                samples: s.samples,
                couplings: scale(&s.couplings, s.samples),
                separation: evidence.iter().zip(&others).map(|(a, b)| a - b).collect(),
                evidence,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let point_labels = dataset
        .molecules
        .first()
        .map(|m| m.labels.clone())
        .unwrap_or_default();
    Ok(ClassComparison {
        points,
        beads,
        point_labels,
        classes: summaries,
    })
}

/// Running sums for one class (f64, so that many samples add up without loss).
#[derive(Default)]
struct Sums {
    trajectories: usize,
    samples: usize,
    other_samples: usize,
    couplings: Vec<f64>,
    own: Vec<f64>,
    others: Vec<f64>,
}

fn add(sum: &mut Vec<f64>, values: &[f32]) {
    if sum.is_empty() {
        sum.resize(values.len(), 0.0);
    }
    for (s, &v) in sum.iter_mut().zip(values) {
        *s += f64::from(v);
    }
}

#[allow(clippy::cast_possible_truncation)] // means of f32 values fit an f32
fn scale(sum: &[f64], count: usize) -> Vec<f32> {
    sum.iter().map(|s| (s / count as f64) as f32).collect()
}
