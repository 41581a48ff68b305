// Messages between the app's thread and the compute worker. Each request carries an `id`; the
// worker answers with the same id (a training run also sends `progress` messages, and `init`
// sends `loading` messages while the wasm downloads). The result types are not written here: they
// come from the declarations generated from the Rust types (molsig-wasm's `molsig-types.d.ts`,
// inside wasm-bindgen's `engine.d.ts`).
//
// An `error` is the job's failure; the worker goes on. A `fatal` says the worker's wasm instance
// is poisoned (a Rust panic, a trap, a stack overflow): only the client sees it, answers the
// pending requests itself and starts a new worker.

import type {
  BackendInfo, CheckpointHeader, ClassComparison, CrossValidated, DataOptions, DatasetSummary, EpochRun, Explanation,
  Inspection, ManifestEntry, Predictions, SignatureRun, TrainEvent, TrainRequest, TrainSummary, TrajectoryEntry, Transform, Transformed,
} from './generated/engine.js';

/** Trajectories and their table: one topology (PDB or GRO) and XTC files, each with an optional
 * label (training needs one per file) and group (files of one group stay in one split). */
export interface Trajectories {
  topology: File;
  files: File[];
  /** One per file; `''` or missing for none. */
  labels?: string[];
  /** One per file; `''` or missing for none. */
  groups?: string[];
}

/** The session's table rows for files named `names`, with their labels and groups ('' or a
 * missing column: none). */
export function tableEntries(names: string[], labels?: string[], groups?: string[]): TrajectoryEntry[] {
  return names.map((name, i) => ({ name, label: labels?.[i] || undefined, group: groups?.[i] || undefined }));
}

/** Which compute backend the engine uses: WebGPU when the browser offers a hardware adapter
 * (`auto`), always WebGPU even on a software adapter (`webgpu`), or burn's CPU backend (`cpu`). */
export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

/** How the worker starts its engine (sent with the first `init`). */
export interface EngineOptions {
  backend: BackendChoice;
  /** Where the worker fetches the engine's wasm; default: `molsig.wasm` beside the worker. */
  wasmUrl?: string;
  /** Test-only: every new engine traps as it starts (the restart cap's test). */
  crashOnInit?: CrashKind;
}

export type Request =
  | { type: 'init'; id: number; options: EngineOptions }
  | { type: 'manifest'; id: number; file: File }
  | { type: 'inspect'; id: number; topology: File; selection: string }
  | { type: 'load'; id: number; data: Trajectories; options: DataOptions; batchSize: number }
  | { type: 'train'; id: number; request: TrainRequest }
  | { type: 'crossValidate'; id: number; request: TrainRequest; folds: number }
  | { type: 'cancel'; id: number }
  | { type: 'save'; id: number }
  | { type: 'loadModel'; id: number; file: File }
  | { type: 'predict'; id: number; data: Trajectories }
  | { type: 'explain'; id: number; source: 'training' | 'new'; index: number; sample: number }
  | { type: 'compare'; id: number }
  | { type: 'transform'; id: number; source: 'training' | 'new'; index: number; transform: Transform }
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
  /** Bytes of the engine's wasm received so far, while `init` downloads it. */
  | { type: 'loading'; id: number; loaded: number; total: number }
  | { type: 'manifest'; id: number; entries: ManifestEntry[] }
  | { type: 'inspection'; id: number; result: Inspection }
  | { type: 'dataset'; id: number; summary: DatasetSummary }
  | { type: 'progress'; id: number; event: TrainEvent }
  | { type: 'trained'; id: number; summary: TrainSummary }
  | { type: 'crossValidated'; id: number; run: CrossValidated }
  | { type: 'cancelling'; id: number }
  | { type: 'saved'; id: number; bytes: Uint8Array }
  | { type: 'model'; id: number; info: CheckpointHeader }
  | { type: 'predictions'; id: number; predictions: Predictions }
  | { type: 'explanation'; id: number; explanation: Explanation }
  | { type: 'comparison'; id: number; comparison: ClassComparison }
  | { type: 'transformed'; id: number; view: Transformed }
  | { type: 'signatureRun'; id: number; run: SignatureRun }
  | { type: 'epochRun'; id: number; run: EpochRun }
  | { type: 'error'; id: number; message: string; context: string }
  /** The wasm instance is poisoned; `id` is the request that was running it (0: none known). */
  | { type: 'fatal'; id: number; message: string };
