//! `molsig`: Deep Signature on the command line — the same pipeline as the browser app, for big
//! runs and scripts. `molsig --help` lists the commands.

mod bench;
mod inputs;
mod output;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use burn::tensor::Device;
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use molsig_model::checkpoint::{self, CheckpointHeader};
use molsig_model::config::TrainConfig;
use molsig_model::model::ModelConfig;
use molsig_model::split::{explicit_split, grouped_k_fold, grouped_split};
use molsig_model::train::{Control, Event, Host, SampleSplit, Trained, evaluate, train};

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
    /// Output folder: model.molsig, metrics.json, history.csv, predictions.csv, split.json.
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
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Train(args) => train_command(&args),
        Command::Predict(args) => predict_command(&args, false),
        Command::Features(args) => predict_command(&args, true),
        Command::Inspect { files } => inputs::inspect(&files),
        Command::Bench(args) => bench::run(&args),
    }
}

#[allow(clippy::too_many_lines)] // the train command's steps, in order
fn train_command(args: &TrainArgs) -> Result<()> {
    let options = args.input.options();
    let (mut dataset, explicit) = if let Some(per_class) = args.synthetic {
        let config = molsig_model::synthetic::GeneRegulatoryConfig {
            seed: args.seed,
            ..Default::default()
        };
        let samples = molsig_model::synthetic::gene_regulatory(&config, per_class)?;
        (
            molsig_model::data::Dataset::from_synthetic(&samples)?,
            Vec::new(),
        )
    } else {
        let (manifest, base) = args.input.manifest()?;
        eprintln!("reading {} trajectories…", manifest.entries.len());
        let dataset = molsig_model::data::Dataset::from_manifest(&manifest, &base, &options)?;
        (dataset, manifest.splits())
    };
    let classes = dataset.classes.clone();
    if classes.len() < 2 {
        bail!("training needs at least two classes; the data has {classes:?}");
    }
    let mut config = ModelConfig::named(&args.model, args.beads, classes.len())?;
    if args.align || args.no_align {
        config.set_alignment(args.align);
    }
    let mut settings = config.default_training();
    settings.seed = args.seed;
    settings.epochs = args.epochs.unwrap_or(settings.epochs);
    settings.batch_size = args.batch_size.unwrap_or(settings.batch_size);
    settings.learning_rate = args.learning_rate.unwrap_or(settings.learning_rate);
    settings.patience = args.patience.or(settings.patience);
    if config.aligns_frames() {
        dataset.align_frames();
    }
    eprintln!(
        "{} samples of {} frames from {} trajectories; {} points per frame; classes {classes:?}",
        dataset.samples.len(),
        dataset.frames,
        dataset.trajectories.len(),
        dataset
            .molecules
            .first()
            .map_or(0, molsig_model::data::Molecule::len)
    );
    let groups = dataset.groups();
    let labels = dataset.trajectory_labels();
    let plans = if let Some(k) = args.folds {
        grouped_k_fold(&groups, &labels, k, args.validation, args.seed)?
    } else if explicit.iter().any(Option::is_some) {
        vec![explicit_split(&explicit, &groups)?]
    } else {
        vec![grouped_split(
            &groups,
            &labels,
            args.validation,
            args.test,
            args.seed,
        )?]
    };
    let device = args.backend.device()?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let mut fold_metrics = Vec::new();
    for (fold, plan) in plans.iter().enumerate() {
        let split = SampleSplit::from_trajectories(&dataset, plan);
        let name = |f: &str| {
            if plans.len() == 1 {
                args.out.join(f)
            } else {
                args.out.join(format!("fold{}-{f}", fold + 1))
            }
        };
        if plans.len() > 1 {
            eprintln!("fold {}/{}", fold + 1, plans.len());
        }
        let trained = run_training(&dataset, &split, &config, &settings, &device)?;
        let test = if split.test.is_empty() {
            None
        } else {
            Some(pollster::block_on(evaluate(
                &trained.model,
                &config,
                &dataset,
                &split.test,
                settings.batch_size,
                &device,
            ))?)
        };
        let header = CheckpointHeader {
            format: checkpoint::FORMAT,
            molsig_version: env!("CARGO_PKG_VERSION").into(),
            model: config.clone(),
            input: molsig_model::data::InputOptions {
                frames: dataset.frames,
                ..options.clone()
            },
            classes: classes.clone(),
            atoms: dataset
                .molecules
                .first()
                .map_or(0, molsig_model::data::Molecule::len),
            selected_epoch: trained.selected_epoch,
            test_metrics: test.as_ref().and_then(|t| t.metrics.clone()),
        };
        std::fs::write(
            name("model.molsig"),
            pollster::block_on(checkpoint::save(&trained.model, &header))?,
        )?;
        output::write_history(&name("history.csv"), &trained.history)?;
        std::fs::write(
            name("split.json"),
            serde_json::to_string_pretty(&(plan, &split))?,
        )?;
        if let Some(test) = &test {
            output::write_predictions(
                &name("predictions.csv"),
                &dataset,
                &split.test,
                &test.probabilities,
                &classes,
            )?;
            if let Some(m) = &test.metrics {
                std::fs::write(name("confusion.csv"), m.confusion_csv(&classes))?;
                eprintln!(
                    "held-out test: accuracy {:.3}, balanced accuracy {:.3}, F1 {:.3}, ROC-AUC {} ({} samples, epoch {} kept)",
                    m.accuracy,
                    m.balanced_accuracy,
                    m.f1,
                    m.roc_auc.map_or("n/a".into(), |a| format!("{a:.3}")),
                    m.count,
                    trained.selected_epoch
                );
                fold_metrics.push(m.clone());
            }
        }
        let summary = serde_json::json!({
            "model": config,
            "train": settings,
            "selected_epoch": trained.selected_epoch,
            "stopped_early": trained.stopped_early,
            "test": test.as_ref().map(|t| (&t.loss, &t.metrics)),
            "last_epoch": trained.history.last(),
        });
        std::fs::write(
            name("metrics.json"),
            serde_json::to_string_pretty(&summary)?,
        )?;
    }
    if fold_metrics.len() > 1 {
        let n = fold_metrics.len() as f64;
        let mean = fold_metrics.iter().map(|m| m.accuracy).sum::<f64>() / n;
        let sd = (fold_metrics
            .iter()
            .map(|m| (m.accuracy - mean).powi(2))
            .sum::<f64>()
            / (n - 1.0))
            .sqrt();
        eprintln!(
            "{}-fold test accuracy: {mean:.3} ± {sd:.3}",
            fold_metrics.len()
        );
    }
    eprintln!("wrote {}", args.out.display());
    Ok(())
}

fn run_training(
    dataset: &molsig_model::data::Dataset,
    split: &SampleSplit,
    config: &ModelConfig,
    settings: &TrainConfig,
    device: &Device,
) -> Result<Trained> {
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
    let trained = pollster::block_on(train(
        dataset,
        split,
        config,
        settings,
        device,
        host,
        &mut on_event,
    ))?;
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
    let (header, model) = checkpoint::load(&bytes, &device)
        .with_context(|| format!("loading {}", args.model_file.display()))?;
    let (manifest, base) = args.input.manifest()?;
    let mut dataset = molsig_model::data::Dataset::from_manifest(&manifest, &base, &header.input)?;
    dataset.classes.clone_from(&header.classes);
    for molecule in &dataset.molecules {
        header.check_molecule(molecule)?;
    }
    if header.model.aligns_frames() {
        dataset.align_frames();
    }
    let samples: Vec<usize> = (0..dataset.samples.len()).collect();
    if features {
        return output::write_features(&args.out, &model, &header, &dataset, &device);
    }
    let probabilities = pollster::block_on(molsig_model::train::predict(
        &model,
        &header.model,
        &dataset,
        &samples,
        16,
        &device,
    ))?;
    output::write_predictions(
        &args.out,
        &dataset,
        &samples,
        &probabilities,
        &header.classes,
    )?;
    eprintln!(
        "wrote {} predictions to {}",
        samples.len(),
        args.out.display()
    );
    Ok(())
}
