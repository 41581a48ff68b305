// molsig in Node 20+ (`molsig/node`): the same engine and results as in the browser, on burn's CPU
// backend, in this thread, with files read from disk by path. For portals that precompute on a
// server. Trajectories stream from disk as in the browser's worker: the engine reads them through
// `FileReaderSync`, which Node lacks, so this module provides one that reads the slices of the
// files it opened with synchronous `fs` calls.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import init, { Session, parseManifest } from './generated/engine.js';
import { MolsigError, cancelledBy, type TrainOptions } from './engine';
import { tableEntries } from './protocol';
import type * as T from './types';

/** A byte range of a file on disk, as the engine's reader asks for it. */
class DiskSlice {
  constructor(readonly path: string, readonly start: number, readonly end: number) {}

  read(): ArrayBuffer {
    const bytes = new Uint8Array(Math.max(0, this.end - this.start));
    const fd = openSync(this.path, 'r');
    try {
      let done = 0;
      while (done < bytes.length) {
        const n = readSync(fd, bytes, done, bytes.length - done, this.start + done);
        if (n === 0) break;
        done += n;
      }
      return bytes.buffer.slice(0, done);
    } finally {
      closeSync(fd);
    }
  }
}

/** A trajectory on disk, passed where the browser passes a `File` (the engine checks it is a
 * `Blob`, asks its size and slices it). */
class DiskFile extends Blob {
  readonly #size: number;

  constructor(readonly path: string, readonly name = basename(path)) {
    super([]);
    this.#size = statSync(path).size;
  }

  override get size(): number {
    return this.#size;
  }

  override slice(start = 0, end = this.#size): Blob {
    return new DiskSlice(this.path, start, Math.min(end, this.#size)) as unknown as Blob;
  }
}

/** The engine's synchronous reader, for the slices of `DiskFile`s. */
class FileReaderSync {
  readAsArrayBuffer(blob: unknown): ArrayBuffer {
    if (blob instanceof DiskSlice) return blob.read();
    throw new Error('molsig/node reads files given by path only');
  }
}

/** Trajectories on disk: one topology (PDB or GRO) and XTC files, by path, each with an optional
 * label and group. */
export interface DiskTrajectories {
  topology: string;
  files: string[];
  labels?: string[];
  groups?: string[];
}

/** Where the engine's wasm comes from; default: `molsig.wasm` beside this module. */
export interface NodeOptions {
  wasm?: string | URL | BufferSource;
}

const wasmBytes = async (wasm: NodeOptions['wasm']) =>
  wasm === undefined || typeof wasm === 'string' || wasm instanceof URL
    ? readFile(wasm ?? new URL('./molsig.wasm', import.meta.url))
    : wasm;

/** Runs `f`, turning the engine's errors into `MolsigError`s (`context`: the call). */
async function call<R>(context: string, f: () => R | Promise<R>): Promise<R> {
  try {
    return await f();
  } catch (e) {
    throw new MolsigError(e instanceof Error ? e.message : String(e), context);
  }
}

const entries = (d: DiskTrajectories) => tableEntries(d.files.map((path) => basename(path)), d.labels, d.groups);

/** One molsig engine in this Node process, on the CPU. Make it with `Molsig.create()`. The API
 * is the browser's with paths in place of `File`s. One call at a time: the engine holds one
 * dataset and one model. */
export class Molsig {
  private constructor(private readonly session: Session) {}

  /** Loads and compiles the engine's wasm and starts a CPU session. */
  static async create(options: NodeOptions = {}): Promise<Molsig> {
    const g = globalThis as { FileReaderSync?: unknown };
    g.FileReaderSync ??= FileReaderSync;
    const bytes = await wasmBytes(options.wasm);
    await call('init', () => init({ module_or_path: bytes }));
    const session = await Session.create('Node.js: molsig/node computes on the CPU');
    return new Molsig(session);
  }

  /** The backend the engine computes on (the CPU, in Node). */
  get backend(): T.BackendInfo {
    return this.session.backend;
  }

  /** Counts, selection and per-frame radius of gyration of a topology, and optionally of one
   * trajectory, streamed. */
  async inspect(topology: string, selection = 'heavy', trajectory?: string): Promise<T.Inspection> {
    const bytes = await readFile(topology);
    const file = trajectory === undefined ? undefined : new DiskFile(trajectory);
    return call('inspect', () => this.session.inspect(basename(topology), bytes, file?.name, file, selection));
  }

  /** The entries of a manifest file (CSV or JSON). */
  async parseManifest(path: string): Promise<T.ManifestEntry[]> {
    const text = await readFile(path, 'utf8');
    return call('manifest', () => parseManifest(text, basename(path)));
  }

  /** Plans (a memory check from the headers), then reads the training trajectories. */
  async load(data: DiskTrajectories, options: T.DataOptions, batchSize = 8): Promise<T.DatasetSummary> {
    const topology = await readFile(data.topology);
    const files = data.files.map((path) => new DiskFile(path));
    return call('load', () => this.session.loadDataset(basename(data.topology), topology, files, entries(data), options, batchSize));
  }

  /** Trains on the loaded data; rejects with `cancelled` when `signal` aborts. */
  async train(request: T.TrainRequest, options: TrainOptions = {}): Promise<T.TrainSummary> {
    return cancelledBy(options.signal, () => this.cancel(), () =>
      call('train', () => this.session.train(request, (event) => options.onProgress?.(event))));
  }

  /** Grouped `folds`-fold cross-validation; rejects with `cancelled` when `signal` aborts. The
   * last fold's model stays in the engine. */
  async crossValidate(request: T.TrainRequest, folds: number, options: TrainOptions = {}): Promise<T.CrossValidated> {
    return cancelledBy(options.signal, () => this.cancel(), () =>
      call('crossValidate', () => this.session.crossValidate(request, folds, (event) => options.onProgress?.(event))));
  }

  /** Asks a running `train` or `crossValidate` to stop after the current batch. */
  cancel(): void {
    this.session.cancel();
  }

  /** Predicts trajectories with the current model, read as its training data was read. */
  async predict(data: DiskTrajectories): Promise<T.Predictions> {
    const topology = await readFile(data.topology);
    const files = data.files.map((path) => new DiskFile(path));
    return call('predict', () => this.session.predict(basename(data.topology), topology, files, entries(data)));
  }

  /** Explains sample `sample` (from 0) of trajectory `index` of the training data or of the
   * last prediction. */
  async explain(source: 'training' | 'new', index: number, sample = 0): Promise<T.Explanation> {
    return call('explain', () => this.session.explain(source, index, sample));
  }

  /** Per-class summaries of the labelled training data with the current model. */
  async compare(): Promise<T.ClassComparison> {
    return call('compare', () => this.session.compare());
  }

  /** Transforms the first sample of trajectory `index` and runs the model on the copy. */
  async transform(source: 'training' | 'new', index: number, transform: T.Transform): Promise<T.Transformed> {
    return call('transform', () => this.session.transform(source, index, transform));
  }

  /** The current model as the bytes of a `.molsig` file. */
  async saveModel(): Promise<Uint8Array> {
    return call('save', () => this.session.saveModel());
  }

  /** Loads a `.molsig` file (a path, or a name and its bytes) as the current model. */
  async loadModel(file: string | { name: string; bytes: Uint8Array }): Promise<T.CheckpointHeader> {
    const { name, bytes } = typeof file === 'string' ? { name: basename(file), bytes: await readFile(file) } : file;
    return call('loadModel', () => this.session.loadModel(name, bytes));
  }
}

export { MolsigError, type TrainOptions } from './engine';
export { version } from './version';
export type * from './types';
