//! The state one page keeps between calls — backend, training data, model, last predicted
//! data — over molsig-pipeline. Plain Rust over any `Read + Seek` stream, so it is tested
//! natively; `api` only converts JavaScript values into these calls.
//!
//! Every method takes `&self`: a cancel call arrives while `train` is awaiting. State sits in
//! `RefCell`s whose borrows end before any await, and each piece is an `Rc` the awaiting call
//! keeps alive on its own.

use std::cell::{Cell, RefCell};
use std::io::{Read, Seek};
use std::rc::Rc;

use burn::tensor::Device;
use molsig_model::checkpoint::{CheckpointHeader, Part};
use molsig_model::split::SplitPlan;
use molsig_model::train::{Control, Event, Host};
use molsig_pipeline::compare::{ClassComparison, compare};
use molsig_pipeline::dataset::{Classes, Loaded, load};
use molsig_pipeline::explain::{Explanation, explain};
use molsig_pipeline::inspect::{Inspection, inspect, load_system};
use molsig_pipeline::plan::{BROWSER_MEMORY_BUDGET, DataOptions, Files, Plan, plan};
use molsig_pipeline::predict::{Predictions, predict, prediction_batch};
use molsig_pipeline::train::{
    CrossValidation, TrainRequest, TrainSummary, TrainedModel, splits, train,
};
use molsig_pipeline::transform::{Transform, Transformed, transform};
use serde::{Deserialize, Serialize};

use crate::backend::Backend;
use crate::error::{Error, Result};

/// What the page shows after reading a dataset.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DatasetSummary {
    /// Frames, samples, memory of the job, and what reading each trajectory left out.
    pub plan: Plan,
    /// The class order fixed for training.
    pub classes: Vec<String>,
    /// Samples read.
    pub samples: usize,
}

/// One row of the page's trajectory table, beside its `Blob`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TrajectoryEntry {
    /// File name.
    pub name: String,
    /// Class name, if labelled.
    #[serde(default)]
    #[ts(optional)]
    pub label: Option<String>,
    /// Group (trajectories of one group stay on one side of every split).
    #[serde(default)]
    #[ts(optional)]
    pub group: Option<String>,
}

/// Which trajectories an explanation refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The training data.
    Training,
    /// The last predicted data.
    New,
}

/// A k-fold cross-validation run in the page: every fold's test metrics and their spread, and
/// the last fold's run, whose model stays in the session.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct CrossValidated {
    /// Each fold's held-out trajectories and test metrics, with the mean ± sd.
    pub cross_validation: CrossValidation,
    /// The last fold's run, as [`Session::train`] returns it.
    pub last: TrainSummary,
}

/// One page's engine: its backend, and the data and model it works on.
pub struct Session {
    backend: Backend,
    training: RefCell<Option<Rc<Loaded>>>,
    predicted: RefCell<Option<Rc<Loaded>>>,
    model: RefCell<Option<Rc<TrainedModel>>>,
    cancel: Cell<bool>,
}

impl Session {
    /// A session computing on `backend`.
    #[must_use]
    pub fn new(backend: Backend) -> Self {
        Self {
            backend,
            training: RefCell::new(None),
            predicted: RefCell::new(None),
            model: RefCell::new(None),
            cancel: Cell::new(false),
        }
    }

    /// The device and how it was chosen.
    #[must_use]
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    fn device(&self) -> &Device {
        &self.backend.device
    }

    /// Counts, the selection and the radius of gyration of a topology and optionally one
    /// trajectory.
    ///
    /// # Errors
    /// Reader errors, an unknown selection, a backend failure.
    pub async fn inspect<R: Read + Seek>(
        &self,
        topology_name: &str,
        topology: &[u8],
        trajectory: Option<(&str, R)>,
        selection: &str,
    ) -> Result<Inspection> {
        let system = load_system(topology_name, topology, selection)?;
        Ok(inspect(&system, trajectory, self.device()).await?)
    }

    /// Plans (memory check from the headers), then reads the training trajectories, replacing
    /// any earlier training data.
    ///
    /// # Errors
    /// Unreadable or mismatched files, a job that would not fit in a tab, trajectories too short.
    pub fn load_dataset<R: Read + Seek>(
        &self,
        mut files: Files<R>,
        options: &DataOptions,
        batch_size: usize,
    ) -> Result<DatasetSummary> {
        self.training.borrow_mut().take();
        // The last predicted data belongs to the model trained before; a new dataset means a new
        // model, and holding both would raise the tab's memory high-water mark every round.
        self.predicted.borrow_mut().take();
        let (molecules, plan) = plan(&mut files, options, batch_size, Some(BROWSER_MEMORY_BUDGET))?;
        let loaded = load(
            molecules,
            &plan,
            options,
            Classes::FromLabels,
            &mut files.trajectories,
        )?;
        let summary = DatasetSummary {
            plan,
            classes: loaded.dataset.classes.clone(),
            samples: loaded.dataset.samples.len(),
        };
        *self.training.borrow_mut() = Some(Rc::new(loaded));
        Ok(summary)
    }

    /// Trains on the loaded dataset with one grouped split (or the manifest's fixed one);
    /// `on_event` sees every event. The model stays in the session.
    ///
    /// # Errors
    /// No dataset, the pipeline's training errors (including cancelled).
    pub async fn train(
        &self,
        request: &TrainRequest,
        host: Host,
        on_event: &mut dyn FnMut(&Event),
    ) -> Result<TrainSummary> {
        let loaded = self.training_data()?;
        let plan = splits(&loaded, request, None)?
            .into_iter()
            .next()
            .ok_or(Error::Missing("no split could be made"))?;
        self.cancel.set(false);
        self.train_on(&loaded, request, &plan, host, on_event).await
    }

    /// Grouped `folds`-fold cross-validation on the loaded dataset: one model per fold, each
    /// tested on trajectories it never saw. `on_event` sees every fold's events (each fold
    /// starts with its own `started`); a cancel stops them all. The last fold's model stays in
    /// the session.
    ///
    /// # Errors
    /// No dataset, too few groups per class for `folds`, the pipeline's training errors.
    pub async fn cross_validate(
        &self,
        request: &TrainRequest,
        folds: usize,
        host: Host,
        on_event: &mut dyn FnMut(&Event),
    ) -> Result<CrossValidated> {
        let loaded = self.training_data()?;
        let plans = splits(&loaded, request, Some(folds))?;
        self.cancel.set(false);
        let mut runs = Vec::with_capacity(plans.len());
        for plan in &plans {
            runs.push(
                self.train_on(&loaded, request, plan, host, on_event)
                    .await?,
            );
        }
        let headers: Vec<_> = plans.iter().zip(runs.iter().map(|r| &r.model)).collect();
        let cross_validation = CrossValidation::of(&loaded, &headers)?;
        let last = runs.pop().ok_or(Error::Missing("no fold could be made"))?;
        Ok(CrossValidated {
            cross_validation,
            last,
        })
    }

    fn training_data(&self) -> Result<Rc<Loaded>> {
        self.training
            .borrow()
            .clone()
            .ok_or(Error::Missing("load a dataset before training"))
    }

    /// One training run on `plan`, stopped by [`Session::cancel`]; its model becomes the
    /// session's.
    async fn train_on(
        &self,
        loaded: &Loaded,
        request: &TrainRequest,
        plan: &SplitPlan,
        host: Host,
        on_event: &mut dyn FnMut(&Event),
    ) -> Result<TrainSummary> {
        let mut report = |event: &Event| {
            on_event(event);
            if self.cancel.get() {
                Control::Cancel
            } else {
                Control::Continue
            }
        };
        let (model, summary) = Box::pin(train(
            loaded,
            request,
            plan,
            self.device(),
            host,
            &mut report,
        ))
        .await?;
        *self.model.borrow_mut() = Some(Rc::new(model));
        Ok(summary)
    }

    /// Asks a running [`Session::train`] to stop after the current batch.
    pub fn cancel(&self) {
        self.cancel.set(true);
    }

    fn model(&self) -> Result<Rc<TrainedModel>> {
        self.model
            .borrow()
            .clone()
            .ok_or(Error::Missing("train or load a model first"))
    }

    /// The current model as a `.molsig` file.
    ///
    /// # Errors
    /// No model, or a parameter that cannot be read back.
    pub async fn save_model(&self) -> Result<Vec<u8>> {
        Ok(self.model()?.save(&Device::flex()).await?)
    }

    /// Loads a `.molsig` file as the current model and returns its header (classes,
    /// configuration, input options, the record of its run).
    ///
    /// # Errors
    /// Not a molsig model, a newer format, truncation, shapes that do not fit the config.
    pub fn load_model(&self, name: &str, bytes: &[u8]) -> Result<CheckpointHeader> {
        let model = TrainedModel::load(bytes, self.device()).map_err(|e| Error::File {
            name: name.to_owned(),
            source: e,
        })?;
        let header = model.header.clone();
        self.predicted.borrow_mut().take();
        *self.model.borrow_mut() = Some(Rc::new(model));
        Ok(header)
    }

    /// Predicts new trajectories with the current model, reading them exactly as its training
    /// data was read. Labels are optional; ones the model does not know are reported as such.
    ///
    /// # Errors
    /// No model, files that do not fit the model (point count), reader errors.
    pub async fn predict<R: Read + Seek>(&self, mut files: Files<R>) -> Result<Predictions> {
        let model = self.model()?;
        let header = &model.header;
        let options = DataOptions::of_model(&header.input, header.model.aligns_frames());
        let batch = prediction_batch(header);
        let (molecules, plan) = plan(&mut files, &options, batch, Some(BROWSER_MEMORY_BUDGET))?;
        for molecule in &molecules {
            header
                .check_molecule(molecule)
                .map_err(molsig_pipeline::Error::from)?;
        }
        let classes = Classes::OfModel(header.classes.clone());
        let loaded = load(molecules, &plan, &options, classes, &mut files.trajectories)?;
        let predictions = predict(&model, &loaded, self.device(), |_| Part::New).await?;
        *self.predicted.borrow_mut() = Some(Rc::new(loaded));
        Ok(predictions)
    }

    /// Explains sample `sample` (from 0) of trajectory `index` of the training data or of the
    /// last prediction.
    ///
    /// # Errors
    /// No model or data, an index out of range, or the interpretation pass.
    pub async fn explain(
        &self,
        source: Source,
        index: usize,
        sample: usize,
    ) -> Result<Explanation> {
        let model = self.model()?;
        let data = self.data(source)?;
        Ok(explain(&model, &data.dataset, index, sample, self.device()).await?)
    }

    /// Per-class summaries of the labelled training data with the current model: mean bead
    /// couplings, and per atom the evidence for each class and what separates it from the others.
    ///
    /// # Errors
    /// No model or training data, data that does not fit the model, a class without samples.
    pub async fn compare(&self) -> Result<ClassComparison> {
        let model = self.model()?;
        let data = self.data(Source::Training)?;
        Ok(compare(&model, &data.dataset, self.device()).await?)
    }

    /// Transforms the first sample of trajectory `index` (training data or last prediction) and
    /// runs the model on the copy; the identity transform gives the original.
    ///
    /// # Errors
    /// No model or data, an index out of range, a bad transform, or the forward pass.
    pub async fn transform(
        &self,
        source: Source,
        index: usize,
        change: &Transform,
    ) -> Result<Transformed> {
        let model = self.model()?;
        let data = self.data(source)?;
        Ok(transform(&model, &data.dataset, index, change, self.device()).await?)
    }

    fn data(&self, source: Source) -> Result<Rc<Loaded>> {
        match source {
            Source::Training => self.training.borrow().clone(),
            Source::New => self.predicted.borrow().clone(),
        }
        .ok_or(Error::Missing("no trajectories loaded"))
    }
}
