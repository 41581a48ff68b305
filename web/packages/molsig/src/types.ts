// The types of the session API: results generated from the Rust types (ts-rs, through
// wasm-bindgen's declarations) and the few the package adds.
export type {
  BackendInfo, CheckpointHeader, ClassComparison, ClassSummary, CrossValidated, CrossValidation, DataOptions,
  DatasetSummary, EpochReport, EpochRun, Explanation, Fold, Inspection, LossReport, ManifestEntry, Metrics, Part, Plan,
  Predictions, SamplePrediction, SignatureRun, Spread, TrainEvent, TrainRequest, TrainSummary, TrajectoryEntry,
  TrajectoryPrediction, Transform, Transformed,
} from './generated/engine.js';
export type { BackendChoice, CrashKind, Trajectories } from './protocol';
