// The typed session API over the worker: one `Molsig` per app, each call a promise that resolves
// with the engine's result or rejects with a `MolsigError` (the engine's message: file, line or
// frame, byte). The worker restarts itself after a crash (see client.ts); the app hears of it
// and keeps everything it holds, while the dataset and model inside the engine are lost.
import { WorkerClient, type Progress, type Unsent } from './client';
import type * as P from './protocol';
import type * as T from './types';

/** The ways an app sets up the engine. */
export interface MolsigOptions {
  /** The compute backend; default `auto` (WebGPU on a hardware adapter, else the CPU). */
  backend?: T.BackendChoice;
  /** Where the worker fetches the engine's wasm, for apps that host it themselves (relative to
   * the page); default: the package's `molsig.wasm`, as the bundler shipped it. */
  wasmUrl?: string | URL;
  /** The worker script, for apps that host it themselves (a copy of the package's `worker.js`,
   * same origin); default: the package's, as the bundler shipped it. */
  workerUrl?: string | URL;
  /** Bytes of the wasm received so far, while the engine downloads (once, and after a restart). */
  onLoadProgress?: (loaded: number, total: number) => void;
  /** The engine crashed; a new one starts after `delayMs`. The dataset and model are gone: load
   * the data and train or load a model again once `onRestarted` is called. */
  onRestart?: (reason: string, delayMs: number) => void;
  /** A new engine is ready after a crash. */
  onRestarted?: (backend: T.BackendInfo) => void;
  /** The engine crashed too often (3 times in a minute) and is not restarted. */
  onGiveUp?: (reason: string, crashes: number) => void;
  /** Test-only: every new engine traps as it starts. */
  crashOnInit?: T.CrashKind;
}

/** A failed job: the engine's message, and which request failed (`context`: its type, or
 * `worker` when the engine crashed). The engine goes on after it. */
export class MolsigError extends Error {
  constructor(message: string, readonly context: string) {
    super(message);
    this.name = 'MolsigError';
  }
}

/** Options of one training run. */
export interface TrainOptions {
  /** Every event of the run: started, each batch, each epoch. */
  onProgress?: (event: T.TrainEvent) => void;
  /** Aborting cancels the run after the current batch; the promise then rejects. */
  signal?: AbortSignal;
}

/** A file the engine reads: a browser `File`, or a name and its bytes. */
export type ModelFile = File | { name: string; bytes: Uint8Array };

type Answer<T extends P.Response['type']> = Extract<P.Response, { type: T }>;

/** Starts the package's own worker; set by the entry module (`index.ts`, `inlined.ts`), whose
 * `new Worker(new URL(…), { type: 'module' })` literal is the one bundlers recognise. */
let packageWorker: () => Worker = () => {
  throw new Error('molsig: no worker script is set; import from "molsig" or "molsig/inlined"');
};

/** Called once by each entry module. */
export function usePackageWorker(makeWorker: () => Worker): void {
  packageWorker = makeWorker;
}

/** One molsig engine in a Web Worker of its own. Make it with `Molsig.create()`. */
export class Molsig {
  private constructor(
    private readonly client: WorkerClient,
    private current: T.BackendInfo,
  ) {}

  /** Starts the engine's worker and waits until the engine is ready (its wasm downloaded and
   * compiled, the backend chosen). Rejects with a `MolsigError` when it cannot start. */
  static async create(options: MolsigOptions = {}): Promise<Molsig> {
    const makeWorker = packageWorker;
    const engineOptions: P.EngineOptions = {
      backend: options.backend ?? 'auto',
      // Relative to the page, as the app wrote it (the worker would resolve it against itself).
      wasmUrl: options.wasmUrl === undefined ? undefined : new URL(options.wasmUrl, location.href).href,
      crashOnInit: options.crashOnInit,
    };
    const progress = (m: Progress) => { if (m.type === 'loading') options.onLoadProgress?.(m.loaded, m.total); };
    let engine: Molsig | undefined;
    // Settles `create`: the first engine that answers `ready`, or the first failure that is not a
    // crash (a crash while starting restarts the worker, and its `init` is waited for instead).
    let started!: { resolve: (backend: T.BackendInfo) => void; reject: (e: Error) => void };
    const first = new Promise<T.BackendInfo>((resolve, reject) => { started = { resolve, reject }; });
    const init = (client: WorkerClient) => void client.call({ type: 'init', options: engineOptions }, progress).then((r) => {
      if (r.type === 'ready' && engine) {
        engine.current = r.backend;
        options.onRestarted?.(r.backend);
      } else if (r.type === 'ready') {
        started.resolve(r.backend);
      } else if (r.type === 'error' && r.context !== 'worker') {
        started.reject(new MolsigError(r.message, r.context));
      }
    });
    const client = new WorkerClient(
      options.workerUrl === undefined ? makeWorker : () => new Worker(options.workerUrl as string | URL, { type: 'module' }),
      (reason, delayMs) => {
        options.onRestart?.(reason, delayMs);
        // Queued for the new worker; it downloads and starts its engine before anything else.
        init(client);
      },
      (reason, crashes) => {
        options.onGiveUp?.(reason, crashes);
        started.reject(new MolsigError(`The engine crashed ${crashes} times while starting (last: ${reason})`, 'worker'));
      },
    );
    init(client);
    try {
      engine = new Molsig(client, await first);
    } catch (e) {
      client.terminate();
      throw e;
    }
    return engine;
  }

  /** The backend the engine computes on, and why. */
  get backend(): T.BackendInfo {
    return this.current;
  }

  private async ask<T extends P.Response['type']>(request: Unsent<P.Request>, type: T, progress?: (m: Progress) => void): Promise<Answer<T>> {
    return expect(await this.client.call(request, progress), type);
  }

  /** Counts, selection and per-frame radius of gyration of a topology. */
  async inspect(topology: File, selection = 'heavy'): Promise<T.Inspection> {
    return (await this.ask({ type: 'inspect', topology, selection }, 'inspection')).result;
  }

  /** The entries of a manifest (CSV or JSON: topology, trajectory, label, group, split). */
  async parseManifest(file: File): Promise<T.ManifestEntry[]> {
    return (await this.ask({ type: 'manifest', file }, 'manifest')).entries;
  }

  /** Plans (a memory check from the headers), then reads the training trajectories. Files
   * stream from disk; only the selected atoms of a batch of frames are held. */
  async load(data: T.Trajectories, options: T.DataOptions, batchSize = 8): Promise<T.DatasetSummary> {
    return (await this.ask({ type: 'load', data, options, batchSize }, 'dataset')).summary;
  }

  /** Trains on the loaded data. The model stays in the engine for prediction, explanation and
   * saving. Rejects with `cancelled` when `signal` aborts. */
  async train(request: T.TrainRequest, options: TrainOptions = {}): Promise<T.TrainSummary> {
    const progress = (m: Progress) => { if (m.type === 'progress') options.onProgress?.(m.event); };
    return cancelledBy(options.signal, () => this.cancel(), async () =>
      (await this.ask({ type: 'train', request }, 'trained', progress)).summary);
  }

  /** Grouped `folds`-fold cross-validation: one model per fold, each tested on trajectories it
   * never saw, with the test accuracy's mean ± sd. Progress reports every fold's events (each
   * fold begins with `started`); the last fold's model stays in the engine. Rejects with
   * `cancelled` when `signal` aborts. */
  async crossValidate(request: T.TrainRequest, folds: number, options: TrainOptions = {}): Promise<T.CrossValidated> {
    const progress = (m: Progress) => { if (m.type === 'progress') options.onProgress?.(m.event); };
    return cancelledBy(options.signal, () => this.cancel(), async () =>
      (await this.ask({ type: 'crossValidate', request, folds }, 'crossValidated', progress)).run);
  }

  /** Asks a running `train` or `crossValidate` to stop after the current batch. */
  cancel(): void {
    this.client.send({ type: 'cancel' });
  }

  /** Predicts trajectories with the current model, read as its training data was read. */
  async predict(data: T.Trajectories): Promise<T.Predictions> {
    return (await this.ask({ type: 'predict', data }, 'predictions')).predictions;
  }

  /** Explains sample `sample` (from 0; default the first) of trajectory `index` of the training
   * data or of the last prediction: bead memberships and paths, couplings, attributions, the
   * sample's frames and their times (ps), and its first frame as PDB text for a viewer. */
  async explain(source: 'training' | 'new', index: number, sample = 0): Promise<T.Explanation> {
    return (await this.ask({ type: 'explain', source, index, sample }, 'explanation')).explanation;
  }

  /** Per-class summaries of the labelled training data with the current model: each class's
   * mean bead couplings, and per atom the evidence for the class and what separates it from
   * the other classes. */
  async compare(): Promise<T.ClassComparison> {
    return (await this.ask({ type: 'compare' }, 'comparison')).comparison;
  }

  /** Transforms the first sample of trajectory `index` of the training data or of the last
   * prediction (moved, rotated, atoms shuffled, re-timed, reversed, noised) and runs the model on
   * the copy: its coordinates, Q, bead paths and class probabilities. `{}` gives the original. */
  async transform(source: 'training' | 'new', index: number, transform: T.Transform): Promise<T.Transformed> {
    return (await this.ask({ type: 'transform', source, index, transform }, 'transformed')).view;
  }

  /** The current model as the bytes of a `.molsig` file (the CLI reads it too). */
  async saveModel(): Promise<Uint8Array> {
    return (await this.ask({ type: 'save' }, 'saved')).bytes;
  }

  /** Loads a `.molsig` file as the current model; returns its header: classes, settings, and
   * the record of its run. */
  async loadModel(file: ModelFile): Promise<T.CheckpointHeader> {
    const asFile = file instanceof File ? file : new File([file.bytes as Uint8Array<ArrayBuffer>], file.name);
    return (await this.ask({ type: 'loadModel', file: asFile }, 'model')).info;
  }

  /** Measures the signature's throughput on WebGPU or the CPU (the benchmark page's). */
  async benchmarkSignature(gpu: boolean, shape: { batch: number; length: number; channels: number; depth: number }, repeats = 3): Promise<T.SignatureRun> {
    return (await this.ask({ type: 'benchSignature', gpu, ...shape, repeats }, 'signatureRun')).run;
  }

  /** Times one training epoch on synthetic graphs, on WebGPU or the CPU. */
  async benchmarkEpoch(gpu: boolean, size: { perClass: number; nodes: number; frames: number; beads: number }): Promise<T.EpochRun> {
    return (await this.ask({ type: 'benchEpoch', gpu, ...size }, 'epochRun')).run;
  }

  /** Test-only: makes the engine trap (a real wasm panic or stack overflow), the failure the
   * restart exists for. `deferred`: from a later microtask, as a trap while training would. */
  crashForTesting(kind: T.CrashKind, deferred = false): Promise<P.Response> {
    return this.client.call({ type: 'crash', kind, deferred });
  }

  /** Stops the worker; the engine cannot be used after this. */
  terminate(): void {
    this.client.terminate();
  }
}

/** Runs `job`, calling `cancel` if `signal` aborts meanwhile (at once if it already has). */
export async function cancelledBy<R>(signal: AbortSignal | undefined, cancel: () => void, job: () => Promise<R>): Promise<R> {
  signal?.throwIfAborted();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    return await job();
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

/** The answer if it has the expected type; otherwise the error it carries. */
function expect<T extends P.Response['type']>(r: P.Response, type: T): Answer<T> {
  if (r.type === type) return r as Answer<T>;
  if (r.type === 'error') throw new MolsigError(r.message, r.context);
  throw new MolsigError(`expected "${type}", the engine answered "${r.type}"`, 'worker');
}
