//! Training as every front end runs it: the model and schedule from a request, the split (fixed
//! by a manifest, k-fold, or grouped and stratified), training with events and cancel, held-out
//! evaluation, per-trajectory answers, and the model file's header with the run's record.

use burn::tensor::Device;
use molsig_model::checkpoint::{self, CheckpointHeader, Part, RecordedTrajectory};
use molsig_model::config::TrainConfig;
use molsig_model::data::Molecule;
use molsig_model::metrics::Metrics;
use molsig_model::model::{Model, ModelConfig};
use molsig_model::split::{SplitPlan, explicit_split, grouped_k_fold, grouped_split};
use molsig_model::train::{self as trainer, Control, Event, Host, SampleSplit, evaluate};
use serde::{Deserialize, Serialize};

use crate::dataset::Loaded;
use crate::predict::{Predictions, predict};
use crate::{Error, Result};

/// The model and training settings a user picks. Unset values take the preset's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct TrainRequest {
    /// `improved`, `reference`, `frame-lstm`, `graph-lstm` or `graph-transformer`.
    pub model: String,
    /// Beads (coarse-grained clusters).
    pub beads: usize,
    /// Training epochs (at most; early stopping may end sooner).
    #[serde(default)]
    #[ts(optional)]
    pub epochs: Option<usize>,
    /// Samples per optimiser step.
    #[serde(default)]
    #[ts(optional)]
    pub batch_size: Option<usize>,
    /// Adam's learning rate.
    #[serde(default)]
    #[ts(optional)]
    pub learning_rate: Option<f64>,
    /// Stop after this many epochs without validation improvement.
    #[serde(default)]
    #[ts(optional)]
    pub patience: Option<usize>,
    /// Fraction of trajectories (groups) held out for validation.
    pub validation: f64,
    /// Fraction held out for testing.
    pub test: f64,
    /// Seeds the split, the initial weights and the batch order.
    #[ts(type = "number")]
    pub seed: u64,
}

/// Most epochs a request may ask for: far beyond any useful schedule, and a bound on a run.
pub const MAX_EPOCHS: usize = 100_000;
/// Most samples per optimiser step (activations grow with it; the plan checks memory too).
pub const MAX_BATCH_SIZE: usize = 65_536;

impl TrainRequest {
    /// Checks the settings a user (or a page's script) sent before anything is built from them.
    ///
    /// # Errors
    /// [`Error::Input`] naming the setting, its value and what was expected.
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &str, value: String, expected: &str| {
            Err(Error::Input(format!(
                "{what} is {value}; expected {expected}"
            )))
        };
        if let Some(e) = self.epochs.filter(|e| !(1..=MAX_EPOCHS).contains(e)) {
            return bad("epochs", e.to_string(), &format!("1 to {MAX_EPOCHS}"));
        }
        if let Some(b) = self
            .batch_size
            .filter(|b| !(1..=MAX_BATCH_SIZE).contains(b))
        {
            return bad(
                "the batch size",
                b.to_string(),
                &format!("1 to {MAX_BATCH_SIZE}"),
            );
        }
        if let Some(r) = self
            .learning_rate
            .filter(|r| !(r.is_finite() && *r > 0.0 && *r <= 1.0))
        {
            return bad("the learning rate", r.to_string(), "a number in (0, 1]");
        }
        if self.patience == Some(0) {
            return bad("patience", "0".into(), "at least 1 epoch, or none");
        }
        for (what, f) in [
            ("the validation fraction", self.validation),
            ("the test fraction", self.test),
        ] {
            if !(0.0..1.0).contains(&f) {
                return bad(what, f.to_string(), "a fraction in [0, 1)");
            }
        }
        if self.validation + self.test >= 1.0 {
            return bad(
                "the validation and test fractions together",
                (self.validation + self.test).to_string(),
                "less than 1, leaving trajectories to train on",
            );
        }
        Ok(())
    }
}

/// A trained or loaded model with its header (configuration, classes, run record).
#[derive(Debug)]
pub struct TrainedModel {
    /// The parameters (on the session's device, no autodiff).
    pub model: Model,
    /// What the model file stores besides the parameters.
    pub header: CheckpointHeader,
}

impl TrainedModel {
    /// Reads a `.molsig` file onto `device`.
    ///
    /// # Errors
    /// Not a molsig model, a newer format, truncation, or shapes that do not fit the config.
    pub fn load(bytes: &[u8], device: &Device) -> Result<Self> {
        let (header, model) = checkpoint::load(bytes, device)?;
        Ok(Self { model, header })
    }

    /// The `.molsig` file; parameters are read back through `host` (a CPU device).
    ///
    /// # Errors
    /// A parameter that cannot be read back or encoded.
    pub async fn save(&self, host: &Device) -> Result<Vec<u8>> {
        Ok(checkpoint::save(&self.model, &self.header, host).await?)
    }
}

/// What a training run reports: the model file's header (settings, history, metrics, split)
/// and every trajectory's and sample's prediction.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct TrainSummary {
    /// The header of the model file this run writes.
    pub model: CheckpointHeader,
    /// Every trajectory and sample, predicted, with the part of the split it was in.
    pub predictions: Predictions,
}

/// The model configuration and schedule of a request, checked against the data.
///
/// # Errors
/// Missing labels, fewer than two classes, an unknown model, or aligned data for a model that
/// cannot align.
pub fn configure(loaded: &Loaded, request: &TrainRequest) -> Result<(ModelConfig, TrainConfig)> {
    let dataset = &loaded.dataset;
    if let Some(t) = dataset.trajectories.iter().find(|t| t.label.is_none()) {
        return Err(Error::Input(format!(
            "{} has no label: give every trajectory a class, or remove it and use it for \
             prediction after training",
            t.name
        )));
    }
    if dataset.classes.len() < 2 {
        return Err(Error::Input(format!(
            "training needs at least two classes; the labels give {:?}",
            dataset.classes
        )));
    }
    request.validate()?;
    let mut config = ModelConfig::named(&request.model, request.beads, dataset.classes.len())?;
    config.set_alignment(loaded.options.align);
    if config.aligns_frames() != loaded.options.align {
        return Err(Error::Input(format!(
            "the {} model does not align frames, but these were aligned when read; read the \
             files again without alignment",
            request.model
        )));
    }
    let mut settings = config.default_training();
    settings.epochs = request.epochs.unwrap_or(settings.epochs);
    settings.batch_size = request.batch_size.unwrap_or(settings.batch_size);
    settings.learning_rate = request.learning_rate.unwrap_or(settings.learning_rate);
    settings.patience = request.patience.or(settings.patience);
    settings.seed = request.seed;
    Ok((config, settings))
}

/// The splits to train on: the manifest's fixed split if it gives one, else `folds`-fold
/// cross-validation, else one grouped, stratified split. The request is checked against the
/// data first, so its errors come before any about the split.
///
/// # Errors
/// [`configure`]'s errors, or a split that cannot be made (too few groups per class, a fixed
/// split without training data).
pub fn splits(
    loaded: &Loaded,
    request: &TrainRequest,
    folds: Option<usize>,
) -> Result<Vec<SplitPlan>> {
    configure(loaded, request)?;
    let groups = loaded.dataset.groups();
    let labels = loaded.dataset.trajectory_labels();
    Ok(if let Some(k) = folds {
        grouped_k_fold(&groups, &labels, k, request.validation, request.seed)?
    } else if loaded.splits.iter().any(Option::is_some) {
        vec![explicit_split(&loaded.splits, &groups)?]
    } else {
        vec![grouped_split(
            &groups,
            &labels,
            request.validation,
            request.test,
            request.seed,
        )?]
    })
}

/// The part of `plan` trajectory `t` is in.
#[must_use]
pub fn part_of(plan: &SplitPlan, t: usize) -> Part {
    if plan.test.contains(&t) {
        Part::Test
    } else if plan.validation.contains(&t) {
        Part::Validation
    } else {
        Part::Train
    }
}

/// Trains on one split, evaluates the held-out test trajectories, predicts every trajectory and
/// writes the header that records the run. `host` supplies the clock and the pause that lets a
/// browser worker see a cancel request; `on_event` sees every event and may cancel.
///
/// # Errors
/// [`configure`]'s errors, training errors (cancelled, diverged), and evaluation errors.
pub async fn train(
    loaded: &Loaded,
    request: &TrainRequest,
    plan: &SplitPlan,
    device: &Device,
    host: Host,
    on_event: &mut dyn FnMut(&Event) -> Control,
) -> Result<(TrainedModel, TrainSummary)> {
    let (config, settings) = configure(loaded, request)?;
    let dataset = &loaded.dataset;
    let split = SampleSplit::from_trajectories(dataset, plan);
    let trained = Box::pin(trainer::train(
        dataset, &split, &config, &settings, device, host, on_event,
    ))
    .await?;
    let test_metrics = if split.test.is_empty() {
        None
    } else {
        evaluate(
            &trained.model,
            &config,
            dataset,
            &split.test,
            settings.batch_size,
            device,
        )
        .await?
        .metrics
    };
    let record = dataset
        .trajectories
        .iter()
        .enumerate()
        .map(|(t, trajectory)| {
            let file = loaded.files.get(t);
            RecordedTrajectory {
                name: trajectory.name.clone(),
                part: part_of(plan, t),
                label: loaded.labels.get(t).cloned().unwrap_or_default(),
                bytes: file.map_or(0, |f| f.bytes),
                xxh3: file.map(|f| f.xxh3.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let header = CheckpointHeader {
        format: checkpoint::FORMAT,
        molsig_version: env!("CARGO_PKG_VERSION").into(),
        model: config,
        input: loaded.options.input(),
        classes: dataset.classes.clone(),
        atoms: dataset.molecules.first().map_or(0, Molecule::len),
        selected_epoch: trained.selected_epoch,
        test_metrics,
        test_trajectory_metrics: None,
        training: Some(settings),
        history: trained.history,
        stopped_early: trained.stopped_early,
        split: record,
    };
    let mut model = TrainedModel {
        model: trained.model,
        header,
    };
    let predictions = predict(&model, loaded, device, |t| part_of(plan, t)).await?;
    model.header.test_trajectory_metrics = predictions.trajectory_metrics(Part::Test)?;
    let summary = TrainSummary {
        model: model.header.clone(),
        predictions,
    };
    Ok((model, summary))
}

/// Whether a trajectory was part of a model's training data, judged by size and content hash
/// (names may differ): its recorded part, or `None`.
#[must_use]
pub fn seen_in_training(header: &CheckpointHeader, bytes: u64, xxh3: &str) -> Option<Part> {
    header
        .split
        .iter()
        .find(|r| r.bytes == bytes && r.xxh3 == xxh3)
        .map(|r| r.part)
}

/// A mean and the sample standard deviation (n − 1) of a few values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ts_rs::TS)]
pub struct Spread {
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (0 for one value).
    pub sd: f64,
}

impl Spread {
    /// The spread of `values`, or `None` when there are none.
    #[must_use]
    pub fn of(values: &[f64]) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let sd = if values.len() > 1 {
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        Some(Self { mean, sd })
    }
}

/// One fold of a cross-validation: what it held out and how its model did there.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Fold {
    /// The held-out test trajectories.
    pub test: Vec<String>,
    /// The epoch whose weights the fold's model kept.
    pub selected_epoch: usize,
    /// Test metrics with one answer per held-out trajectory (its samples' mean probabilities).
    pub by_trajectory: Metrics,
    /// Test metrics with one answer per held-out sample.
    pub by_sample: Metrics,
}

/// Every fold of a cross-validation, with the spread of its test metrics over the folds.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct CrossValidation {
    /// One entry per fold, in order.
    pub folds: Vec<Fold>,
    /// Test accuracy per trajectory, over the folds: the headline number.
    pub trajectory_accuracy: Spread,
    /// Test balanced accuracy per trajectory, over the folds.
    pub trajectory_balanced_accuracy: Spread,
    /// Test accuracy per sample, over the folds.
    pub sample_accuracy: Spread,
    /// Test balanced accuracy per sample, over the folds.
    pub sample_balanced_accuracy: Spread,
}

impl CrossValidation {
    /// The folds' summaries: every fold must have a test set.
    ///
    /// # Errors
    /// No folds, or a fold whose model has no test metrics.
    pub fn of(loaded: &Loaded, runs: &[(&SplitPlan, &CheckpointHeader)]) -> Result<Self> {
        let names = &loaded.dataset.trajectories;
        let folds = runs
            .iter()
            .enumerate()
            .map(|(k, (plan, header))| {
                let missing = || Error::Input(format!("fold {} has no test trajectories", k + 1));
                Ok(Fold {
                    test: plan.test.iter().map(|&t| names[t].name.clone()).collect(),
                    selected_epoch: header.selected_epoch,
                    by_trajectory: header.test_trajectory_metrics.clone().ok_or_else(missing)?,
                    by_sample: header.test_metrics.clone().ok_or_else(missing)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let spread = |f: &dyn Fn(&Fold) -> f64| {
            Spread::of(&folds.iter().map(f).collect::<Vec<_>>()).ok_or(Error::Input(
                "cross-validation needs at least one fold".into(),
            ))
        };
        Ok(Self {
            trajectory_accuracy: spread(&|f| f.by_trajectory.accuracy)?,
            trajectory_balanced_accuracy: spread(&|f| f.by_trajectory.balanced_accuracy)?,
            sample_accuracy: spread(&|f| f.by_sample.accuracy)?,
            sample_balanced_accuracy: spread(&|f| f.by_sample.balanced_accuracy)?,
            folds,
        })
    }
}
