//! The TypeScript declarations of every type that crosses the JavaScript boundary, generated
//! from the Rust definitions with ts-rs instead of mirrored by hand.
//!
//! `molsig-types.d.ts` (next to `Cargo.toml`) is this function's output, committed: `api.rs`
//! embeds it in the wasm-bindgen declarations, so `Session`'s methods are typed with these
//! names. `tests/typescript.rs` fails when the file is stale (`MOLSIG_BLESS=1` rewrites it).

use molsig_model::baselines::{
    FrameChoice, FrameLstmConfig, GraphLstmConfig, GraphTransformerConfig,
};
use molsig_model::checkpoint::{CheckpointHeader, Part, RecordedTrajectory};
use molsig_model::config::{
    Augmentation, Combiner, DeepSignatureConfig, Feature, LossWeights, Preset, TrainConfig,
};
use molsig_model::data::InputOptions;
use molsig_model::interpret::Interpretation;
use molsig_model::manifest::{ManifestEntry, Split};
use molsig_model::metrics::Metrics;
use molsig_model::model::ModelConfig;
use molsig_model::train::{EpochReport, Event, LossReport};
use molsig_pipeline::compare::{ClassComparison, ClassSummary};
use molsig_pipeline::explain::Explanation;
use molsig_pipeline::inspect::Inspection;
use molsig_pipeline::plan::{DataOptions, Plan, PlannedTrajectory};
use molsig_pipeline::predict::{Predictions, SamplePrediction, TrajectoryPrediction};
use molsig_pipeline::train::{CrossValidation, Fold, Spread, TrainRequest, TrainSummary};
use molsig_pipeline::transform::{Transform, Transformed};
use ts_rs::{Config, TS};

use crate::backend::BackendInfo;
use crate::bench::{EpochRun, SignatureRun};
use crate::session::{CrossValidated, DatasetSummary, Source, TrajectoryEntry};

/// Every declaration, as one TypeScript file. Integers are `number`: serde-wasm-bindgen's
/// JSON-compatible serializer sends 64-bit integers as numbers, and none here exceeds 2^53.
#[must_use]
pub fn declarations() -> String {
    let config = Config::new().with_large_int("number");
    let declarations = [
        BackendInfo::decl(&config),
        DataOptions::decl(&config),
        TrajectoryEntry::decl(&config),
        Plan::decl(&config),
        PlannedTrajectory::decl(&config),
        DatasetSummary::decl(&config),
        Inspection::decl(&config),
        ManifestEntry::decl(&config),
        Split::decl(&config),
        TrainRequest::decl(&config),
        Event::decl(&config),
        EpochReport::decl(&config),
        LossReport::decl(&config),
        Metrics::decl(&config),
        TrainSummary::decl(&config),
        CrossValidated::decl(&config),
        CrossValidation::decl(&config),
        Fold::decl(&config),
        Spread::decl(&config),
        CheckpointHeader::decl(&config),
        RecordedTrajectory::decl(&config),
        Part::decl(&config),
        InputOptions::decl(&config),
        TrainConfig::decl(&config),
        ModelConfig::decl(&config),
        DeepSignatureConfig::decl(&config),
        FrameLstmConfig::decl(&config),
        GraphLstmConfig::decl(&config),
        GraphTransformerConfig::decl(&config),
        FrameChoice::decl(&config),
        Preset::decl(&config),
        Feature::decl(&config),
        Augmentation::decl(&config),
        Combiner::decl(&config),
        LossWeights::decl(&config),
        Predictions::decl(&config),
        TrajectoryPrediction::decl(&config),
        SamplePrediction::decl(&config),
        Source::decl(&config),
        Explanation::decl(&config),
        Interpretation::decl(&config),
        ClassComparison::decl(&config),
        ClassSummary::decl(&config),
        Transform::decl(&config),
        Transformed::decl(&config),
        SignatureRun::decl(&config),
        EpochRun::decl(&config),
    ];
    let mut out = String::from(
        "// Generated from molsig's Rust types by ts-rs (crates/molsig-wasm/src/typescript.rs).\n\
         // Do not edit: `MOLSIG_BLESS=1 cargo test -p molsig-wasm --test typescript` rewrites it.\n",
    );
    for declaration in declarations {
        out.push('\n');
        out.push_str("export ");
        // ts-rs ends a field list with `, }` on the last field's line; a closing brace on its
        // own line keeps wasm-bindgen's re-indentation of the embedded declarations flat.
        out.push_str(&declaration.replace(", }", ",\n}"));
        out.push('\n');
    }
    out
}
