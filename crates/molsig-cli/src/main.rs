//! `molsig`: Deep Signature on the command line — molsig-pipeline, as the browser app runs it,
//! for big runs and scripts. This file only parses arguments and writes files. `molsig --help` lists the commands.

mod allocator;
mod bench;
mod inputs;
mod output;
mod shard;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use burn::tensor::Device;
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use molsig_model::checkpoint::Part;
use molsig_model::data::Molecule;
use molsig_model::model::ModelConfig;
use molsig_model::split::SplitPlan;
use molsig_model::train::{Control, Event, Host};
use molsig_pipeline::dataset::{Classes, Loaded, load};
use molsig_pipeline::plan::{DataOptions, plan};
use molsig_pipeline::predict::{predict, prediction_batch};
use molsig_pipeline::train::{
    CrossValidation, TrainRequest, TrainSummary, TrainedModel, configure, splits, train,
};

#[derive(Parser)]
#[command(
    name = "molsig",
    version,
    about = "Deep Signature for molecular dynamics: train, predict, explain"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a model on labelled trajectories and report held-out metrics.
    Train(TrainArgs),
    /// Predict classes of trajectories with a saved model.
    Predict(PredictArgs),
    /// Write a saved model's features: assignments, bead paths, couplings, signatures.
    Features(PredictArgs),
    /// Join the outputs of `predict --shard` (CSV files) or `features --shard` (folders).
    Merge {
        /// The merged output: a CSV file, or a folder for features.
        #[arg(long, short)]
        out: PathBuf,
        /// The shards' outputs, in any order.
        parts: Vec<PathBuf>,
    },
    /// Describe a topology, trajectory, manifest or saved model.
    Inspect {
        /// Files to describe.
        files: Vec<PathBuf>,
    },
    /// Time training epochs on random data (see BENCHMARKS.md).
    Bench(bench::BenchArgs),
}

/// Where computations run.
#[derive(Clone, Copy, ValueEnum, Default)]
enum Backend {
    /// burn's flex CPU backend.
    #[default]
    Cpu,
    /// wgpu (Vulkan/Metal/DX12; the GPU).
    Gpu,
}

impl Backend {
    fn device(self) -> Result<Device> {
        Ok(match self {
            Self::Cpu => Device::flex(),
            Self::Gpu => {
                let (device, setup) = Device::wgpu_options().init_with_setup().map_err(|e| {
                    anyhow::anyhow!("no GPU adapter for wgpu: {e}; use --backend cpu")
                })?;
                let info = setup.adapter.get_info();
                eprintln!("GPU: {} ({:?})", info.name, info.backend);
                device
            }
        })
    }
}

#[derive(Args)]
struct TrainArgs {
    #[command(flatten)]
    input: inputs::InputArgs,
    /// Model: improved (default), reference, frame-lstm, graph-lstm, graph-transformer.
    #[arg(long, default_value = "improved")]
    model: String,
    /// Beads M after the last pooling level.
    #[arg(long, default_value_t = 8)]
    beads: usize,
    /// Epochs (the preset's default otherwise: 200).
    #[arg(long)]
    epochs: Option<usize>,
    /// Samples per optimiser step.
    #[arg(long)]
    batch_size: Option<usize>,
    /// Adam learning rate.
    #[arg(long)]
    learning_rate: Option<f64>,
    /// Stop after this many epochs without validation improvement.
    #[arg(long)]
    patience: Option<usize>,
    /// Seed of splits, initialisation and shuffling.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Fraction of groups held out for validation.
    #[arg(long, default_value_t = 0.2)]
    validation: f64,
    /// Fraction of groups held out for testing.
    #[arg(long, default_value_t = 0.2)]
    test: f64,
    /// k-fold cross-validation over groups instead of one split.
    #[arg(long)]
    folds: Option<usize>,
    /// Train on the paper's synthetic gene-regulatory benchmark (this many samples per class)
    /// instead of files.
    #[arg(long)]
    synthetic: Option<usize>,
    /// Kabsch-align every frame onto the topology (Deep Signature and `GraphLSTM`; the
    /// `improved` default aligns, `reference` does not).
    #[arg(long, conflicts_with = "no_align")]
    align: bool,
    /// Do not align frames, whatever the preset says.
    #[arg(long)]
    no_align: bool,
    /// Output folder: model.molsig, metrics.json, history.csv, predictions.csv (test trajectories),
    /// sample-predictions.csv, confusion.csv, sample-confusion.csv, split.json.
    #[arg(long, short, default_value = "molsig-run")]
    out: PathBuf,
    /// Where to compute.
    #[arg(long, value_enum, default_value_t)]
    backend: Backend,
}

#[derive(Args)]
struct PredictArgs {
    /// A model written by `molsig train`.
    #[arg(long)]
    model_file: PathBuf,
    #[command(flatten)]
    input: inputs::InputArgs,
    /// Output file (.csv or .json) or, for `features`, a folder.
    #[arg(long, short)]
    out: PathBuf,
    /// Where to compute.
    #[arg(long, value_enum, default_value_t)]
    backend: Backend,
    /// Only every N-th trajectory of the input list, from the I-th (`I/N`, 1 ≤ I ≤ N): one task
    /// of a job array; `molsig merge` joins the shards' outputs.
    #[arg(long)]
    shard: Option<shard::Shard>,
    /// One row per sample (window of frames) instead of one per trajectory.
    #[arg(long)]
    per_sample: bool,
}

fn main() -> Result<()> {
    allocator::keep_freed_memory();
    match Cli::parse().command {
        Command::Train(args) => train_command(&args),
        Command::Predict(args) => predict_command(&args, false),
        Command::Features(args) => predict_command(&args, true),
        Command::Merge { out, parts } => shard::merge(&parts, &out),
        Command::Inspect { files } => inputs::inspect(&files),
        Command::Bench(args) => bench::run(&args),
    }
}

/// Whether frames are aligned: as asked, else as the model's preset says.
fn alignment(args: &TrainArgs) -> Result<bool> {
    if args.align || args.no_align {
        return Ok(args.align);
    }
    Ok(ModelConfig::named(&args.model, args.beads, 2)?.aligns_frames())
}

/// The training data: the synthetic benchmark, or the files the arguments name.
fn training_data(args: &TrainArgs) -> Result<Loaded> {
    let options = args.input.options(alignment(args)?);
    if let Some(per_class) = args.synthetic {
        let config = molsig_model::synthetic::GeneRegulatoryConfig {
            seed: args.seed,
            ..Default::default()
        };
        let samples = molsig_model::synthetic::gene_regulatory(&config, per_class)?;
        let dataset = molsig_model::data::Dataset::from_synthetic(&samples)?;
        let options = DataOptions {
            frames: dataset.frames,
            stride: dataset.frames,
            align: false,
            ..options
        };
        return Ok(Loaded::generated(dataset, options));
    }
    let mut files = args.input.files()?;
    eprintln!("reading {} trajectories…", files.trajectories.len());
    let (molecules, plan) = plan(&mut files, &options, 16, None)?;
    let loaded = load(
        molecules,
        &plan,
        &options,
        Classes::FromLabels,
        &mut files.trajectories,
    )?;
    warn_about_files(&loaded);
    Ok(loaded)
}

/// Prints what reading left out (a trajectory cut short) to stderr.
fn warn_about_files(loaded: &Loaded) {
    for warning in loaded.files.iter().filter_map(|f| f.warning.as_ref()) {
        eprintln!("warning: {warning}");
    }
}

fn train_command(args: &TrainArgs) -> Result<()> {
    let loaded = training_data(args)?;
    let dataset = &loaded.dataset;
    eprintln!(
        "{} samples of {} frames from {} trajectories; {} points per frame; classes {:?}",
        dataset.samples.len(),
        dataset.frames,
        dataset.trajectories.len(),
        dataset.molecules.first().map_or(0, Molecule::len),
        dataset.classes
    );
    let request = TrainRequest {
        model: args.model.clone(),
        beads: args.beads,
        epochs: args.epochs,
        batch_size: args.batch_size,
        learning_rate: args.learning_rate,
        patience: args.patience,
        validation: args.validation,
        test: args.test,
        seed: args.seed,
    };
    let plans = splits(&loaded, &request, args.folds)?;
    let device = args.backend.device()?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let mut headers = Vec::with_capacity(plans.len());
    for (fold, plan) in plans.iter().enumerate() {
        let prefix = if plans.len() == 1 {
            String::new()
        } else {
            eprintln!("fold {}/{}", fold + 1, plans.len());
            format!("fold{}-", fold + 1)
        };
        let (model, summary) = run_training(&loaded, &request, plan, &device)?;
        let bytes = pollster::block_on(model.save(&Device::flex()))?;
        output::write_run(&args.out, &prefix, plan, &bytes, &summary)?;
        let held_out = [
            (
                "trajectory",
                "trajectories",
                &summary.model.test_trajectory_metrics,
            ),
            ("sample", "samples", &summary.model.test_metrics),
        ];
        for (unit, units, metrics) in held_out {
            if let Some(m) = metrics {
                eprintln!(
                    "held-out test, one answer per {unit}: accuracy {:.3}, balanced accuracy {:.3}, F1 {:.3}, ROC-AUC {} ({} {units}, epoch {} kept)",
                    m.accuracy,
                    m.balanced_accuracy,
                    m.f1,
                    m.roc_auc.map_or("n/a".into(), |a| format!("{a:.3}")),
                    m.count,
                    summary.model.selected_epoch
                );
            }
        }
        headers.push(summary.model);
    }
    if plans.len() > 1 {
        let runs: Vec<_> = plans.iter().zip(&headers).collect();
        let cv = CrossValidation::of(&loaded, &runs)?;
        output::write(
            &args.out.join("cross-validation.json"),
            &serde_json::to_string_pretty(&cv)?,
        )?;
        eprintln!(
            "{}-fold test accuracy: {:.3} ± {:.3} per trajectory, {:.3} ± {:.3} per sample (mean ± sd over folds)",
            cv.folds.len(),
            cv.trajectory_accuracy.mean,
            cv.trajectory_accuracy.sd,
            cv.sample_accuracy.mean,
            cv.sample_accuracy.sd
        );
    }
    eprintln!("wrote {}", args.out.display());
    Ok(())
}

fn run_training(
    loaded: &Loaded,
    request: &TrainRequest,
    plan: &SplitPlan,
    device: &Device,
) -> Result<(TrainedModel, TrainSummary)> {
    let (_, settings) = configure(loaded, request)?;
    let bar = ProgressBar::new(settings.epochs as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} epoch {pos}/{len} {msg} [{elapsed} < {eta}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let host = Host::new(|| {
        static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_secs_f64()
    });
    let mut on_event = |event: &Event| {
        match event {
            Event::Started {
                model,
                parameters,
                train_samples,
                validation_samples,
                batches,
            } => {
                say(
                    &bar,
                    format!(
                        "{model}: {parameters} parameters; {train_samples} training / {validation_samples} validation samples, {batches} batches per epoch"
                    ),
                );
            }
            Event::Batch {
                batch,
                batches,
                loss,
                ..
            } => {
                bar.set_message(format!("batch {batch}/{batches} loss {loss:.4}"));
            }
            Event::Epoch(r) => {
                bar.set_position(r.epoch as u64);
                let acc = |m: &Option<molsig_model::metrics::Metrics>| {
                    m.as_ref()
                        .map_or("-".into(), |m| format!("{:.3}", m.accuracy))
                };
                say(
                    &bar,
                    format!(
                        "epoch {:>3}: train loss {:.4} acc {} | validation loss {} acc {} | {:.1} s",
                        r.epoch,
                        r.train_loss.total,
                        acc(&r.train_metrics),
                        r.validation_loss
                            .map_or("-".into(), |l| format!("{:.4}", l.total)),
                        acc(&r.validation_metrics),
                        r.seconds
                    ),
                );
            }
        }
        Control::Continue
    };
    let trained = pollster::block_on(train(loaded, request, plan, device, host, &mut on_event))?;
    bar.finish_and_clear();
    Ok(trained)
}

/// A line above the progress bar, or on stderr when there is no terminal to draw the bar on.
fn say(bar: &ProgressBar, line: String) {
    if bar.is_hidden() {
        eprintln!("{line}");
    } else {
        bar.println(line);
    }
}

fn predict_command(args: &PredictArgs, features: bool) -> Result<()> {
    let bytes = std::fs::read(&args.model_file)
        .with_context(|| format!("reading {}", args.model_file.display()))?;
    let device = args.backend.device()?;
    let model = TrainedModel::load(&bytes, &device)
        .with_context(|| format!("loading {}", args.model_file.display()))?;
    let header = &model.header;
    let options = DataOptions::of_model(&header.input, header.model.aligns_frames());
    let mut files = args.input.files()?;
    let inputs = files.trajectories.len();
    let rows = if args.per_sample {
        output::Rows::PerSample
    } else {
        output::Rows::PerTrajectory
    };
    let in_shard = |k: usize| args.shard.is_none_or(|s| s.keeps(k));
    let indices: Vec<usize> = (0..inputs).filter(|&k| in_shard(k)).collect();
    files.trajectories = files
        .trajectories
        .into_iter()
        .enumerate()
        .filter(|&(k, _)| in_shard(k))
        .map(|(_, t)| t)
        .collect();
    let place = output::Place {
        indices,
        inputs,
        model: output::model_hash(&bytes)?,
    };
    if files.trajectories.is_empty() {
        // A job array may have more tasks than trajectories: an empty shard writes empty outputs.
        eprintln!("this shard holds none of the {inputs} trajectories");
        if features {
            let empty = molsig_model::data::Dataset::default();
            return output::write_features(&args.out, &model, &empty, &place, &device);
        }
        let none = molsig_pipeline::predict::Predictions {
            classes: header.classes.clone(),
            trajectories: Vec::new(),
            samples: Vec::new(),
        };
        return output::write_predictions(&args.out, &none, None, &place, rows);
    }
    let (molecules, plan) = plan(&mut files, &options, prediction_batch(header), None)?;
    let classes = Classes::OfModel(header.classes.clone());
    let loaded = load(molecules, &plan, &options, classes, &mut files.trajectories)?;
    warn_about_files(&loaded);
    if features {
        return output::write_features(&args.out, &model, &loaded.dataset, &place, &device);
    }
    let predictions = pollster::block_on(predict(&model, &loaded, &device, |_| Part::New))?;
    output::write_predictions(&args.out, &predictions, None, &place, rows)?;
    eprintln!(
        "wrote {} to {}",
        match rows {
            output::Rows::PerTrajectory => format!(
                "{} trajectory predictions (each the mean over its samples)",
                predictions.trajectories.len()
            ),
            output::Rows::PerSample => format!("{} sample predictions", predictions.samples.len()),
        },
        args.out.display()
    );
    Ok(())
}
