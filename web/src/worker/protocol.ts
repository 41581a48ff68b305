// Messages between the page and the compute worker. Each request carries an `id`; the worker
// answers with the same id (a training run also sends `progress` messages with its id). Field
// names of results mirror molsig-wasm's Rust types: camelCase where they are the wasm API's own,
// snake_case inside molsig-model's training events and metrics.

/** Which device burn runs on, as molsig-wasm reports it. */
export interface BackendInfo {
  kind: 'WebGPU' | 'CPU';
  adapter: string;
  fallbackReason?: string | null;
}

/** molsig-model's `Metrics`. */
export interface Metrics {
  count: number;
  accuracy: number;
  balanced_accuracy: number;
  f1: number;
  roc_auc: number | null;
  confusion: number[][];
}

export interface LossReport {
  total: number;
  classification: number;
  temporal: number;
  cut: number;
  orthogonality: number;
}

/** molsig-model's `EpochReport`. */
export interface EpochReport {
  epoch: number;
  epochs: number;
  train_loss: LossReport;
  train_metrics: Metrics | null;
  validation_loss: LossReport | null;
  validation_metrics: Metrics | null;
  seconds: number;
  eta_seconds: number;
  best_epoch: number;
}

/** molsig-model's training `Event`. */
export type TrainEvent =
  | { type: 'started'; model: string; parameters: number; train_samples: number; validation_samples: number; batches: number }
  | { type: 'batch'; epoch: number; batch: number; batches: number; loss: number }
  | ({ type: 'epoch' } & EpochReport);

export interface Plan {
  points: number;
  trajectories: { name: string; frames: number; samples: number }[];
  dataBytes: number;
  trainingBytes: number;
}

export interface DatasetSummary {
  plan: Plan;
  classes: string[];
  samples: number;
}

export interface DataOptions {
  selection: string;
  frames: number;
  stride: number;
  /** Kabsch-align frames as they are read (only for the models that align). */
  align: boolean;
}

export interface TrainRequest {
  model: string;
  beads: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  validation: number;
  test: number;
  seed: number;
}

export interface TrajectoryPrediction {
  trajectory: number;
  name: string;
  part: 'train' | 'validation' | 'test' | 'new';
  label: string | null;
  predicted: string;
  confidence: number;
  probabilities: number[];
  samples: number;
}

export interface TrainSummary {
  history: EpochReport[];
  selectedEpoch: number;
  stoppedEarly: boolean;
  testMetrics: Metrics | null;
  predictions: TrajectoryPrediction[];
  classes: string[];
}

/** molsig-wasm's `Explanation` (with molsig-model's `Interpretation` flattened in). */
export interface Explanation {
  name: string;
  pdb: string;
  pointLabels: string[];
  beadPositions: number[];
  firstFrame: number;
  points: number;
  beads: number;
  frames: number;
  assignments: number[];
  bead_paths: number[];
  couplings: number[];
  attributions: number[];
  assignment_entropy: number;
  warning: string | null;
}

/** A checkpoint's header. */
export interface ModelInfo {
  format: number;
  molsig_version: string;
  model: { kind: string; preset?: string; beads?: number };
  input: { selection: string; frames: number; stride: number };
  classes: string[];
  atoms: number;
  selected_epoch: number;
  test_metrics: Metrics | null;
}

/** molsig-wasm's `Inspection` (what the topology holds, and the selection's share of it). */
export interface Inspection {
  atoms: number;
  residues: number;
  bonds: number;
  selection: string;
  selected: number;
  selectedBonds: number;
  warnings: string[];
  firstFramePdb: string;
}

export interface ManifestEntry {
  topology: string;
  trajectory: string;
  label: string;
  group: string | null;
  split: string | null;
}

/** The trajectory table as parallel columns (what `loadDataset` and `predict` take). */
export interface Trajectories {
  topology: File;
  files: File[];
  labels: string[];
  groups: string[];
}

/** molsig-wasm's benchmark results (crates/molsig-wasm/src/bench.rs). */
export interface SignatureRun { batch: number; length: number; channels: number; depth: number; repeats: number; seconds: number; pathsPerSecond: number }
export interface EpochRun { samples: number; nodes: number; frames: number; beads: number; batchSize: number; warmUpSeconds: number; seconds: number }

export type Request =
  | { type: 'init'; id: number }
  | { type: 'manifest'; id: number; file: File }
  | { type: 'inspect'; id: number; topology: File; selection: string }
  | { type: 'load'; id: number; data: Trajectories; options: DataOptions; batchSize: number }
  | { type: 'train'; id: number; request: TrainRequest }
  | { type: 'cancel'; id: number }
  | { type: 'save'; id: number }
  | { type: 'loadModel'; id: number; file: File }
  | { type: 'predict'; id: number; data: Trajectories }
  | { type: 'explain'; id: number; source: 'training' | 'new'; index: number }
  | { type: 'benchSignature'; id: number; gpu: boolean; batch: number; length: number; channels: number; depth: number; repeats: number }
  | { type: 'benchEpoch'; id: number; gpu: boolean; perClass: number; nodes: number; frames: number; beads: number };

export type Response =
  | { type: 'ready'; id: number; backend: BackendInfo }
  | { type: 'manifest'; id: number; entries: ManifestEntry[] }
  | { type: 'inspection'; id: number; result: Inspection }
  | { type: 'dataset'; id: number; summary: DatasetSummary }
  | { type: 'progress'; id: number; event: TrainEvent }
  | { type: 'trained'; id: number; summary: TrainSummary }
  | { type: 'cancelling'; id: number }
  | { type: 'saved'; id: number; bytes: Uint8Array }
  | { type: 'model'; id: number; info: ModelInfo }
  | { type: 'predictions'; id: number; predictions: TrajectoryPrediction[] }
  | { type: 'explanation'; id: number; explanation: Explanation }
  | { type: 'signatureRun'; id: number; run: SignatureRun }
  | { type: 'epochRun'; id: number; run: EpochRun }
  | { type: 'error'; id: number; message: string; context: string };
