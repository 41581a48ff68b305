//! Training and evaluation: mini-batches, Adam, early stopping and best-model selection,
//! divergence detection, progress events and cancellation.
//!
//! The loop is `async` because in a browser every read of a GPU value must be awaited; natively
//! it is driven by a blocking executor. [`Host::with_pause`] lets a Web Worker handle messages
//! after every batch, so a cancel request takes effect at the next batch.
//!
//! Samples of different molecules (graphs of different sizes) may share a mini-batch: the batch
//! is split by molecule, each part runs on its own graph, and the losses are combined weighted by
//! size before one backward pass (per-graph accumulation, no padding).

use std::pin::Pin;

use burn::grad_clipping::GradientClippingConfig;
use burn::module::Module;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::config::TrainConfig;
use crate::data::Dataset;
use crate::graph::DeviceGraph;
use crate::metrics::Metrics;
use crate::model::{Model, ModelConfig, losses, probabilities};
use crate::readback::read_back;
use crate::{Error, Result};
use molsig_rng::SplitMix64;

/// Sample indices of each part of a split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
pub struct SampleSplit {
    /// Training samples.
    pub train: Vec<usize>,
    /// Validation samples (model selection, early stopping).
    pub validation: Vec<usize>,
    /// Held-out test samples.
    pub test: Vec<usize>,
}

impl SampleSplit {
    /// Samples of the trajectories in a trajectory-level plan.
    #[must_use]
    pub fn from_trajectories(dataset: &Dataset, plan: &crate::split::SplitPlan) -> Self {
        let of = |trajectories: &[usize]| -> Vec<usize> {
            (0..dataset.samples.len())
                .filter(|&s| trajectories.contains(&dataset.samples[s].trajectory))
                .collect()
        };
        Self {
            train: of(&plan.train),
            validation: of(&plan.validation),
            test: of(&plan.test),
        }
    }
}

/// Loss terms as numbers (means over samples).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default, ts_rs::TS)]
pub struct LossReport {
    /// The minimised total.
    pub total: f64,
    /// Classification loss.
    pub classification: f64,
    /// Back-mapping L1 loss (0 for models without it).
    pub temporal: f64,
    /// MinCut cut loss (0 for models without it).
    pub cut: f64,
    /// MinCut orthogonality loss (0 for models without it).
    pub orthogonality: f64,
}

impl LossReport {
    fn add(&mut self, other: &Self, weight: f64) {
        self.total += other.total * weight;
        self.classification += other.classification * weight;
        self.temporal += other.temporal * weight;
        self.cut += other.cut * weight;
        self.orthogonality += other.orthogonality * weight;
    }
}

/// One epoch's summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct EpochReport {
    /// 1-based epoch.
    pub epoch: usize,
    /// Epochs planned.
    pub epochs: usize,
    /// Training losses (with dropout active).
    pub train_loss: LossReport,
    /// Training metrics from the same passes.
    pub train_metrics: Option<Metrics>,
    /// Validation losses.
    pub validation_loss: Option<LossReport>,
    /// Validation metrics.
    pub validation_metrics: Option<Metrics>,
    /// Wall time of the epoch.
    pub seconds: f64,
    /// Estimated time to the last planned epoch.
    pub eta_seconds: f64,
    /// Epoch of the best model so far.
    pub best_epoch: usize,
}

/// Progress of a training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(rename = "TrainEvent")]
#[allow(clippy::large_enum_variant)] // a few per epoch; boxing would only add noise
pub enum Event {
    /// Training starts.
    Started {
        /// Model name.
        model: String,
        /// Trainable parameters.
        parameters: usize,
        /// Samples per part.
        train_samples: usize,
        /// Validation samples.
        validation_samples: usize,
        /// Optimiser steps per epoch.
        batches: usize,
    },
    /// A mini-batch was used for one optimiser step.
    Batch {
        /// 1-based epoch.
        epoch: usize,
        /// 1-based batch.
        batch: usize,
        /// Batches per epoch.
        batches: usize,
        /// Its total loss.
        loss: f64,
    },
    /// An epoch finished.
    Epoch(EpochReport),
}

/// What the caller wants after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Go on.
    Continue,
    /// Stop now; training returns [`Error::Cancelled`].
    Cancel,
}

/// A trained model and how it got there.
#[derive(Debug)]
pub struct Trained {
    /// The selected parameters (best validation epoch, or the last), on the inner (non-autodiff)
    /// device.
    pub model: Model,
    /// Every epoch's report.
    pub history: Vec<EpochReport>,
    /// The epoch whose parameters were kept.
    pub selected_epoch: usize,
    /// True when early stopping ended training.
    pub stopped_early: bool,
}

/// A future that hands control back to the host's event loop and resumes.
pub type Pause = fn() -> Pin<Box<dyn Future<Output = ()>>>;

/// What the platform provides to the training loop: a clock that works natively and in wasm
/// (no `Instant` there), and optionally a pause after each batch. In a Web Worker on the CPU
/// backend nothing else in the loop yields, so without the pause a cancel message would only be
/// seen after training ends.
#[derive(Clone, Copy)]
pub struct Host {
    now: fn() -> f64,
    pause: Option<Pause>,
}

impl Host {
    /// A clock that always reads 0 (no timings) and no pauses.
    #[must_use]
    pub fn none() -> Self {
        Self::new(|| 0.0)
    }

    /// A clock reading `now` (seconds from any origin), no pauses.
    #[must_use]
    pub fn new(now: fn() -> f64) -> Self {
        Self { now, pause: None }
    }

    /// Awaits `pause` after every batch, before the batch's event is reported.
    #[must_use]
    pub fn with_pause(self, pause: Pause) -> Self {
        Self {
            pause: Some(pause),
            ..self
        }
    }
}

/// The graphs of a dataset's molecules on a device.
fn upload_graphs(dataset: &Dataset, config: &ModelConfig, device: &Device) -> Vec<DeviceGraph> {
    let one_directional = match config {
        ModelConfig::DeepSignature(c) => c.one_directional_edges,
        ModelConfig::GraphLstm(c) => c.coarse.one_directional_edges,
        _ => false,
    };
    dataset
        .molecules
        .iter()
        .map(|m| m.graph.to_device(one_directional, device))
        .collect()
}

/// One molecule's part of a batch on the device.
struct Part {
    molecule: usize,
    samples: Vec<usize>,
    coordinates: Tensor<4>,
}

/// Splits `samples` by molecule and uploads each part.
fn parts(dataset: &Dataset, samples: &[usize], device: &Device) -> Vec<Part> {
    let mut molecules: Vec<usize> = samples.iter().map(|&s| dataset.molecule_of(s)).collect();
    molecules.sort_unstable();
    molecules.dedup();
    molecules
        .into_iter()
        .map(|molecule| {
            let chosen: Vec<usize> = samples
                .iter()
                .copied()
                .filter(|&s| dataset.molecule_of(s) == molecule)
                .collect();
            let n = dataset.molecules[molecule].len();
            let t = dataset.frames;
            let mut data = Vec::with_capacity(chosen.len() * n * t * 3);
            for &s in &chosen {
                data.extend_from_slice(&dataset.samples[s].coordinates);
            }
            Part {
                molecule,
                coordinates: Tensor::from_data(
                    TensorData::new(data, [chosen.len(), n, t, 3]),
                    device,
                ),
                samples: chosen,
            }
        })
        .collect()
}

fn int_tensor(values: &[usize], device: &Device) -> Tensor<1, Int> {
    let v: Vec<i64> = values.iter().map(|&x| x as i64).collect();
    Tensor::from_data(TensorData::new(v, [values.len()]), device)
}

fn float_tensor(values: Vec<f32>, device: &Device) -> Tensor<1> {
    let n = values.len();
    Tensor::from_data(TensorData::new(values, [n]), device)
}

/// Loss terms of one part as numbers, in one readback: [total, cls, temporal, cut, orth].
async fn report(l: &crate::model::Losses) -> Result<LossReport> {
    let zero = || l.total.zeros_like();
    let (t, c, o) = l.auxiliary.as_ref().map_or_else(
        || (zero(), zero(), zero()),
        |a| (a.temporal.clone(), a.cut.clone(), a.orthogonality.clone()),
    );
    let v = read_back::<f64, 1>(Tensor::cat(
        vec![l.total.clone(), l.classification.clone(), t, c, o],
        0,
    ))
    .await?;
    Ok(LossReport {
        total: v[0],
        classification: v[1],
        temporal: v[2],
        cut: v[3],
        orthogonality: v[4],
    })
}

/// Per-sample weights: 1, or n / (classes · count) of the sample's class in `train`.
fn sample_weights(dataset: &Dataset, train: &[usize], classes: usize, balance: bool) -> Vec<f32> {
    let mut counts = vec![0_usize; classes];
    for &s in train {
        if let Some(l) = dataset.label(s) {
            counts[l] += 1;
        }
    }
    let n = train.len() as f32;
    (0..classes)
        .map(|c| {
            if !balance || counts[c] == 0 {
                1.0
            } else {
                n / (classes as f32 * counts[c] as f32)
            }
        })
        .collect()
}

fn labels_of(dataset: &Dataset, samples: &[usize]) -> Result<Vec<usize>> {
    samples
        .iter()
        .map(|&s| {
            dataset.label(s).ok_or_else(|| {
                Error::Invalid(format!(
                    "sample {s} ({}) has no label; training and evaluation need labels",
                    dataset.trajectories[dataset.samples[s].trajectory].name
                ))
            })
        })
        .collect()
}

/// Evaluation of a model on some samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Evaluation {
    /// Mean losses.
    pub loss: LossReport,
    /// Class probabilities, row-major `[samples, classes]`.
    pub probabilities: Vec<f32>,
    /// Metrics (absent when only one class is present… or none).
    pub metrics: Option<Metrics>,
}

/// Class probabilities for samples (labels not needed): row-major `[samples, classes]`, in the
/// order of `samples`. `model` must be on a non-autodiff device (see [`Module::valid`]).
///
/// # Errors
/// From the model's forward pass or a device readback.
pub async fn predict(
    model: &Model,
    config: &ModelConfig,
    dataset: &Dataset,
    samples: &[usize],
    batch_size: usize,
    device: &Device,
) -> Result<Vec<f32>> {
    let graphs = upload_graphs(dataset, config, device);
    let classes = config.classes();
    let mut out = vec![0.0_f32; samples.len() * classes];
    for chunk in samples.chunks(batch_size.max(1)) {
        for part in parts(dataset, chunk, device) {
            let output = model.forward(part.coordinates, &graphs[part.molecule])?;
            let p = read_back::<f32, 2>(probabilities(output.logits)).await?;
            for (row, s) in part.samples.iter().enumerate() {
                let at = samples.iter().position(|x| x == s).unwrap_or(0);
                out[at * classes..(at + 1) * classes]
                    .copy_from_slice(&p[row * classes..(row + 1) * classes]);
            }
        }
    }
    Ok(out)
}

/// Losses, probabilities and metrics of a model on labelled samples.
///
/// # Errors
/// Unlabelled samples, or the forward pass.
pub async fn evaluate(
    model: &Model,
    config: &ModelConfig,
    dataset: &Dataset,
    samples: &[usize],
    batch_size: usize,
    device: &Device,
) -> Result<Evaluation> {
    let labels = labels_of(dataset, samples)?;
    let graphs = upload_graphs(dataset, config, device);
    let classes = config.classes();
    let mut probabilities_out = vec![0.0_f32; samples.len() * classes];
    let mut loss = LossReport::default();
    for chunk in samples.chunks(batch_size.max(1)) {
        for part in parts(dataset, chunk, device) {
            let part_labels: Vec<usize> = part
                .samples
                .iter()
                .map(|&s| dataset.label(s).unwrap_or(0))
                .collect();
            let b = part.samples.len();
            let output = model.forward(part.coordinates, &graphs[part.molecule])?;
            let p = read_back::<f32, 2>(probabilities(output.logits.clone())).await?;
            let l = losses(
                config,
                output,
                int_tensor(&part_labels, device),
                float_tensor(vec![1.0; b], device),
            );
            loss.add(&report(&l).await?, b as f64 / samples.len() as f64);
            for (row, s) in part.samples.iter().enumerate() {
                let at = samples.iter().position(|x| x == s).unwrap_or(0);
                probabilities_out[at * classes..(at + 1) * classes]
                    .copy_from_slice(&p[row * classes..(row + 1) * classes]);
            }
        }
    }
    let metrics = Metrics::from_probabilities(&probabilities_out, classes, &labels).ok();
    Ok(Evaluation {
        loss,
        probabilities: probabilities_out,
        metrics,
    })
}

fn check_finite(loss: &LossReport, epoch: usize, batch: usize) -> Result<()> {
    if loss.total.is_finite() {
        return Ok(());
    }
    Err(Error::Diverged(format!(
        "training diverged at epoch {epoch}, batch {batch}: the loss is {} (classification {}, \
         back-mapping {}, cut {}, orthogonality {}). Lower the learning rate, turn on gradient \
         clipping, or check the inputs for extreme coordinates.",
        loss.total, loss.classification, loss.temporal, loss.cut, loss.orthogonality
    )))
}

/// Trains a model from scratch.
///
/// `device` is the plain device (flex, wgpu); training runs on its autodiff version, evaluation
/// on the device itself. `on_event` sees every batch and epoch; returning [`Control::Cancel`]
/// stops at once with [`Error::Cancelled`].
///
/// # Errors
/// [`Error::Cancelled`], [`Error::Diverged`] (non-finite loss), unlabelled or empty training
/// data, or the forward pass's errors.
#[allow(clippy::too_many_lines)]
pub async fn train(
    dataset: &Dataset,
    split: &SampleSplit,
    config: &ModelConfig,
    settings: &TrainConfig,
    device: &Device,
    host: Host,
    on_event: &mut dyn FnMut(&Event) -> Control,
) -> Result<Trained> {
    if split.train.is_empty() {
        return Err(Error::Invalid("the training set is empty".into()));
    }
    if settings.batch_size == 0 || settings.epochs == 0 {
        return Err(Error::Invalid(
            "batch size and epochs must be at least 1".into(),
        ));
    }
    let train_labels = labels_of(dataset, &split.train)?;
    let classes = config.classes();
    if let Some(&l) = train_labels.iter().find(|&&l| l >= classes) {
        return Err(Error::Invalid(format!(
            "a training label is class {l} but the model has {classes} classes"
        )));
    }
    let autodiff = device.clone().autodiff();
    autodiff.seed(settings.seed);
    let mut model = config.init(dataset.frames, &autodiff)?;
    let graphs = upload_graphs(dataset, config, &autodiff);
    let class_weight = sample_weights(dataset, &split.train, classes, settings.class_weights);
    let mut optimiser = AdamConfig::new()
        .with_epsilon(1e-8)
        .with_weight_decay(
            (settings.weight_decay > 0.0)
                .then(|| WeightDecayConfig::new(settings.weight_decay as f32)),
        )
        .with_grad_clipping(
            settings
                .clip_norm
                .map(|c| GradientClippingConfig::Norm(c as f32)),
        )
        .init();
    let batches = split.train.len().div_ceil(settings.batch_size);
    if on_event(&Event::Started {
        model: config.name(),
        parameters: model.num_params(),
        train_samples: split.train.len(),
        validation_samples: split.validation.len(),
        batches,
    }) == Control::Cancel
    {
        return Err(Error::Cancelled);
    }
    let mut rng = SplitMix64::new(settings.seed ^ 0x5EED_5A3B_1E50);
    let mut order = split.train.clone();
    let mut history = Vec::new();
    let mut best: Option<(f64, usize, Model)> = None;
    let mut stopped_early = false;
    let started = (host.now)();
    for epoch in 1..=settings.epochs {
        let epoch_start = (host.now)();
        rng.shuffle(&mut order);
        let mut train_loss = LossReport::default();
        let mut train_probabilities = Vec::with_capacity(order.len() * classes);
        let mut train_seen = Vec::with_capacity(order.len());
        for (b, chunk) in order.chunks(settings.batch_size).enumerate() {
            let mut total: Option<Tensor<1>> = None;
            let mut batch_loss = LossReport::default();
            for part in parts(dataset, chunk, &autodiff) {
                let labels: Vec<usize> = part
                    .samples
                    .iter()
                    .map(|&s| dataset.label(s).unwrap_or(0))
                    .collect();
                let weights: Vec<f32> = labels.iter().map(|&l| class_weight[l]).collect();
                let share = part.samples.len() as f64 / chunk.len() as f64;
                let output = model.forward(part.coordinates, &graphs[part.molecule])?;
                let p = read_back::<f32, 2>(probabilities(output.logits.clone().detach())).await?;
                train_probabilities.extend_from_slice(&p);
                train_seen.extend_from_slice(&labels);
                let l = losses(
                    config,
                    output,
                    int_tensor(&labels, &autodiff),
                    float_tensor(weights, &autodiff),
                );
                batch_loss.add(&report(&l).await?, share);
                let weighted = l.total * share;
                total = Some(match total {
                    None => weighted,
                    Some(t) => t + weighted,
                });
            }
            check_finite(&batch_loss, epoch, b + 1)?;
            train_loss.add(&batch_loss, chunk.len() as f64 / order.len() as f64);
            if let Some(total) = total {
                let grads = GradientsParams::from_grads(total.backward(), &model);
                model = optimiser.step(settings.learning_rate, model, grads);
            }
            if let Some(pause) = host.pause {
                pause().await;
            }
            let event = Event::Batch {
                epoch,
                batch: b + 1,
                batches,
                loss: batch_loss.total,
            };
            if on_event(&event) == Control::Cancel {
                return Err(Error::Cancelled);
            }
        }
        let train_metrics =
            Metrics::from_probabilities(&train_probabilities, classes, &train_seen).ok();
        let validation = if split.validation.is_empty() {
            None
        } else {
            Some(
                evaluate(
                    &model.valid(),
                    config,
                    dataset,
                    &split.validation,
                    settings.batch_size,
                    device,
                )
                .await?,
            )
        };
        let score = validation
            .as_ref()
            .map_or(train_loss.total, |v| v.loss.total);
        let improved = best.as_ref().is_none_or(|(s, _, _)| score < *s);
        if improved {
            best = Some((score, epoch, model.valid()));
        }
        let best_epoch = best.as_ref().map_or(epoch, |b| b.1);
        let now = (host.now)();
        let per_epoch = (now - started) / epoch as f64;
        let report = EpochReport {
            epoch,
            epochs: settings.epochs,
            train_loss,
            train_metrics,
            validation_loss: validation.as_ref().map(|v| v.loss),
            validation_metrics: validation.and_then(|v| v.metrics),
            seconds: now - epoch_start,
            eta_seconds: per_epoch * (settings.epochs - epoch) as f64,
            best_epoch,
        };
        let control = on_event(&Event::Epoch(report.clone()));
        history.push(report);
        if control == Control::Cancel {
            return Err(Error::Cancelled);
        }
        if settings
            .patience
            .is_some_and(|p| !split.validation.is_empty() && epoch - best_epoch >= p)
        {
            stopped_early = true;
            break;
        }
    }
    let last_epoch = history.len();
    let (model, selected_epoch) = match best {
        Some((_, epoch, best_model)) if settings.keep_best => (best_model, epoch),
        _ => (model.valid(), last_epoch),
    };
    Ok(Trained {
        model,
        history,
        selected_epoch,
        stopped_early,
    })
}
