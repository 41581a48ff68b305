// Messages between the page and the compute worker. Each request carries an `id`; the worker
// answers with the same id (a training run also sends `progress` messages with its id). The
// result types are not written here: they come from the declarations generated from the Rust
// types (molsig-wasm's `molsig-types.d.ts`, inside wasm-bindgen's `molsig-wasm.d.ts`).
//
// An `error` is the job's failure; the worker goes on. A `fatal` says the worker's wasm instance
// is poisoned (a Rust panic, a trap, a stack overflow): only the client sees it, answers the
// pending requests itself and starts a new worker.

export type {
  BackendInfo, CheckpointHeader, DataOptions, DatasetSummary, EpochReport, EpochRun, Explanation, Inspection,
  LossReport, ManifestEntry, Metrics, Part, Plan, Predictions, SamplePrediction, SignatureRun, TrainEvent,
  TrainRequest, TrainSummary, TrajectoryEntry, TrajectoryPrediction,
} from './molsig-wasm.js';
import type {
  BackendInfo, CheckpointHeader, DataOptions, DatasetSummary, EpochRun, Explanation, Inspection, ManifestEntry,
  Predictions, SignatureRun, TrainEvent, TrainRequest, TrainSummary,
} from './molsig-wasm.js';

/** The trajectory table as parallel columns (what `loadDataset` and `predict` take). */
export interface Trajectories {
  topology: File;
  files: File[];
  labels: string[];
  groups: string[];
}

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
  | { type: 'benchEpoch'; id: number; gpu: boolean; perClass: number; nodes: number; frames: number; beads: number }
  /** Test-only: a real wasm trap (molsig-wasm's `crashForTesting`); the page sends it only from
   * its e2e hook. `deferred`: the trap comes from a later microtask, outside the request, as a
   * panic while an async call (training) is polled does; otherwise from the call itself. */
  | { type: 'crash'; id: number; kind: CrashKind; deferred: boolean };

/** The kinds of real trap `crashForTesting` makes. */
export type CrashKind = 'panic' | 'stackOverflow';

export type Response =
  | { type: 'ready'; id: number; backend: BackendInfo }
  | { type: 'manifest'; id: number; entries: ManifestEntry[] }
  | { type: 'inspection'; id: number; result: Inspection }
  | { type: 'dataset'; id: number; summary: DatasetSummary }
  | { type: 'progress'; id: number; event: TrainEvent }
  | { type: 'trained'; id: number; summary: TrainSummary }
  | { type: 'cancelling'; id: number }
  | { type: 'saved'; id: number; bytes: Uint8Array }
  | { type: 'model'; id: number; info: CheckpointHeader }
  | { type: 'predictions'; id: number; predictions: Predictions }
  | { type: 'explanation'; id: number; explanation: Explanation }
  | { type: 'signatureRun'; id: number; run: SignatureRun }
  | { type: 'epochRun'; id: number; run: EpochRun }
  | { type: 'error'; id: number; message: string; context: string }
  /** The wasm instance is poisoned; `id` is the request that was running it (0: none known). */
  | { type: 'fatal'; id: number; message: string };
