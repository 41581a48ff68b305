// `molsig/signature`: path signatures, log-signatures (iisignature's Lyndon basis), augmentations
// and their gradients in float64, on a small WebAssembly module of their own (no model, no burn,
// no worker). The wasm-bindgen glue is bundled in; the wasm sits next to this file as
// `signature.wasm` and is compiled while it downloads.
import initWasm, * as wasm from './generated/signature/molsig_signature_wasm.js';

/**
 * An augmentation applied to a path before its signature, in the order given:
 *
 * - `basepoint`: prepend the origin (length L → L + 1), so the signature sees the absolute position.
 * - `time`: append a channel t / (L − 1) ∈ [0, 1] (channels d → d + 1), so it sees speed.
 * - `leadLag`: point 2t is (X_t, X_t), point 2t + 1 is (X_{t+1}, X_t) (L → 2L − 1, d → 2d, lead
 *   channels first), so level 2 carries the quadratic variation.
 * - `cumsum`: Y_t = X_0 + … + X_t.
 * - `increments`: Y_t = X_{t+1} − X_t (L → L − 1; needs L ≥ 2).
 */
export type Augmentation = 'basepoint' | 'time' | 'leadLag' | 'cumsum' | 'increments';

/** Numbers as any of the array types the functions accept; they are read as float64. */
export type Values = Float64Array | Float32Array | readonly number[];

/** The shape of a batch of paths: `batch` paths (default 1) of `length` points in `channels`
 * dimensions. */
export interface PathShape {
  /** Number of paths; 1 when left out. */
  batch?: number;
  /** Points per path. */
  length: number;
  /** Dimensions of each point. */
  channels: number;
}

/** A batch of paths, row-major `[batch, length, channels]`: value `c` of point `t` of path `b` is
 * `data[(b * length + t) * channels + c]`. */
export interface PathBatch extends PathShape {
  /** `batch × length × channels` values. */
  data: Values;
}

/** One path as rows (`length` points of `channels` numbers each), or a batch of paths. */
export type PathInput = readonly (readonly number[])[] | PathBatch;

/** Options of the signature functions. */
export interface SignatureOptions {
  /** Augmentations applied in order before the signature (none by default). The signature then
   * has the augmented path's channels; gradients still come back in the original path's shape. */
  augment?: readonly Augmentation[];
}

/** Paths after augmentation, with their new shape. */
export interface AugmentedPaths {
  /** `batch × length × channels` values, row-major. */
  data: Float64Array;
  /** Number of paths (unchanged). */
  batch: number;
  /** Points per path after augmentation. */
  length: number;
  /** Channels after augmentation. */
  channels: number;
}

/** Where the wasm comes from: a URL (fetched and compiled as it streams; a `file:` URL is read
 * from disk in Node), a `fetch` response, the bytes, or a compiled module. */
export type WasmSource = string | URL | Response | BufferSource | WebAssembly.Module;

/** Options of {@link loadSignature}. */
export interface LoadOptions {
  /** The module's wasm; by default `signature.wasm` next to this script. A string is a URL,
   * relative to the page (or to this script where there is no page, as in Node). */
  wasm?: WasmSource;
}

/**
 * Loads the signature module and returns its functions. The first call compiles the wasm (later
 * calls reuse it, whatever their options).
 *
 * @example
 * ```ts
 * import { loadSignature, levels } from 'molsig/signature';
 * const sig = await loadSignature();
 * const s = sig.signature([[0, 0], [1, 0], [1, 1]], 3); // 2 + 4 + 8 values
 * const [level1, level2] = levels(s, 2, 3); // level1 = [1, 1]
 * ```
 * @throws Error when the wasm cannot be fetched or compiled.
 */
export async function loadSignature(options: LoadOptions = {}): Promise<Signatures> {
  // A failed load is forgotten, so that a later call can try again.
  loading ??= load(options).catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

let loading: Promise<Signatures> | undefined;

async function load(options: LoadOptions): Promise<Signatures> {
  const source = options.wasm ?? new URL('./signature.wasm', import.meta.url);
  await initWasm({ module_or_path: await resolveSource(source) });
  return Signatures.instance;
}

/** Turns URLs into something the glue can instantiate: a checked `fetch` response (streamed),
 * or, for `file:` URLs (Node has no `fetch` for them), the file's bytes. */
async function resolveSource(source: WasmSource): Promise<Response | BufferSource | WebAssembly.Module> {
  const url = typeof source === 'string' ? new URL(source, typeof location === 'undefined' ? import.meta.url : location.href) : source;
  if (!(url instanceof URL)) return url;
  if (url.protocol === 'file:') {
    // A dynamic import of a name in a variable, so that browser bundlers never see (or warn about)
    // a Node module.
    const fs = 'node:fs/promises';
    const { readFile } = (await import(/* webpackIgnore: true */ /* @vite-ignore */ fs)) as typeof import('node:fs/promises');
    return readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`Could not fetch molsig's signature wasm from ${url.href}: HTTP ${response.status} ${response.statusText}`);
  }
  return response;
}

/** Checks that `value` is a whole number the wasm can take (0 to 2³² − 1); the wasm itself says
 * when it is too small (zero) or too large for the operation. */
function count(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new Error(`${name} must be a whole number from 0 to 4294967295, got ${String(value)}`);
  }
  return value;
}

/** `values` as a Float64Array (copied only when it is not one already). */
function float64(values: Values): Float64Array {
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

interface Batch {
  data: Float64Array;
  batch: number;
  length: number;
  channels: number;
}

/** Any path input as flat float64 data with its shape. */
function toBatch(path: PathInput): Batch {
  if (!Array.isArray(path)) {
    const p = path as PathBatch;
    return {
      data: float64(p.data),
      batch: count('batch', p.batch ?? 1),
      length: count('length', p.length),
      channels: count('channels', p.channels),
    };
  }
  const rows = path as readonly (readonly number[])[];
  const channels = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * channels);
  rows.forEach((row, t) => {
    if (!Array.isArray(row) || row.length !== channels) {
      const got = Array.isArray(row) ? `${row.length} values` : 'not an array';
      throw new Error(`path point ${t} has ${got}, but point 0 has ${channels}`);
    }
    data.set(row, t * channels);
  });
  return { data, batch: 1, length: rows.length, channels };
}

function augments(options: SignatureOptions | undefined): string[] {
  return options?.augment ? [...options.augment] : [];
}

/**
 * The signature module's functions. Every path argument is one path as rows (`number[][]`,
 * length × channels) or a batch ({@link PathBatch}); every result is a new `Float64Array`, row-major,
 * one row per path of the batch. Bad shapes, depths, values (NaN, infinity) and augmentation
 * names throw an `Error` saying what is wrong.
 *
 * Layouts follow iisignature: a signature is levels 1..depth (the constant level 0 is left out),
 * level k holding channels^k words in lexicographic order with channel 0 first ({@link levels}
 * splits them); a log-signature is in the Lyndon basis, ordered by word length then
 * lexicographically, equal to `iisignature.logsig(path, iisignature.prepare(channels, depth))`.
 */
export class Signatures {
  /** The one instance: the functions are stateless, the module's state is the wasm's. */
  static readonly instance = new Signatures();

  private constructor() {}

  /**
   * Signatures of the paths (after `options.augment`): `batch × sigLength(channels', depth)`
   * values, where channels' is the channel count after augmentation.
   */
  signature(path: PathInput, depth: number, options?: SignatureOptions): Float64Array {
    const p = toBatch(path);
    return wasm.forward('signature', p.data, p.batch, p.length, p.channels, count('depth', depth), augments(options));
  }

  /**
   * Log-signatures in the Lyndon basis: `batch × logsigLength(channels', depth)` values, labelled
   * by {@link Signatures.lyndonLabels} / {@link Signatures.lyndonWords}.
   */
  logSignature(path: PathInput, depth: number, options?: SignatureOptions): Float64Array {
    const p = toBatch(path);
    return wasm.forward('logSignature', p.data, p.batch, p.length, p.channels, count('depth', depth), augments(options));
  }

  /**
   * The logarithm of the signature in tensor coordinates (iisignature's `logsig(…, "X")`), in
   * the signature's layout: `batch × sigLength(channels', depth)` values.
   */
  logSignatureExpanded(path: PathInput, depth: number, options?: SignatureOptions): Float64Array {
    const p = toBatch(path);
    return wasm.forward('logSignatureExpanded', p.data, p.batch, p.length, p.channels, count('depth', depth), augments(options));
  }

  /**
   * Gradient of Σ grad · signature with respect to the path's values, given `grad`, the gradient
   * with respect to the signature (`batch × sigLength(channels', depth)` values). The result has
   * the path's shape before augmentation: `batch × length × channels`.
   */
  signatureBackward(path: PathInput, depth: number, grad: Values, options?: SignatureOptions): Float64Array {
    const p = toBatch(path);
    return wasm.backward('signature', p.data, p.batch, p.length, p.channels, count('depth', depth), augments(options), float64(grad));
  }

  /**
   * Gradient of Σ grad · log-signature with respect to the path's values, given `grad`
   * (`batch × logsigLength(channels', depth)` values). The result has the path's shape before
   * augmentation: `batch × length × channels`.
   */
  logSignatureBackward(path: PathInput, depth: number, grad: Values, options?: SignatureOptions): Float64Array {
    const p = toBatch(path);
    return wasm.backward('logSignature', p.data, p.batch, p.length, p.channels, count('depth', depth), augments(options), float64(grad));
  }

  /** The paths after `augment` (applied in order), with their new shape. */
  augment(path: PathInput, augment: readonly Augmentation[]): AugmentedPaths {
    const p = toBatch(path);
    const data = wasm.augment(p.data, p.batch, p.length, p.channels, [...augment]);
    return { data, batch: p.batch, ...this.augmentedShape(p.length, p.channels, augment) };
  }

  /**
   * The transpose of {@link Signatures.augment}: the gradient with respect to the original paths
   * (`batch × length × channels`, as `shape` says) from `grad`, the gradient with respect to the
   * augmented paths.
   */
  augmentBackward(grad: Values, shape: PathShape, augment: readonly Augmentation[]): Float64Array {
    return wasm.augmentBackward(float64(grad), count('batch', shape.batch ?? 1), count('length', shape.length), count('channels', shape.channels), [...augment]);
  }

  /** A path's `length` and `channels` after `augment`. */
  augmentedShape(length: number, channels: number, augment: readonly Augmentation[]): { length: number; channels: number } {
    const [l = 0, c = 0] = wasm.augmentedShape(count('length', length), count('channels', channels), [...augment]);
    return { length: l, channels: c };
  }

  /** Values in one signature: channels + channels² + … + channels^depth. */
  sigLength(channels: number, depth: number): number {
    return wasm.sigLength(count('channels', channels), count('depth', depth));
  }

  /** Values in one log-signature: the number of Lyndon words of length ≤ depth over `channels`
   * letters (Witt's formula). */
  logsigLength(channels: number, depth: number): number {
    return wasm.logsigLength(count('channels', channels), count('depth', depth));
  }

  /** The Lyndon words that index the log-signature's coordinates, in order, letters 0-based
   * (channel numbers): `[[0], [1], [0, 1], [0, 0, 1], …]`. */
  lyndonWords(channels: number, depth: number): number[][] {
    return wasm.lyndonWords(count('channels', channels), count('depth', depth)).map((w) => Array.from(w));
  }

  /** iisignature's labels of the log-signature's coordinates (the bracketed Lyndon words, letters
   * 1-based): `["1", "2", "[1,2]", "[1,[1,2]]", …]`. */
  lyndonLabels(channels: number, depth: number): string[] {
    return wasm.lyndonLabels(count('channels', channels), count('depth', depth));
  }
}

/**
 * Splits one signature into its levels 1..depth: level k holds `channels^k` values, words in
 * lexicographic order. The levels are views into `sig` (no copy).
 *
 * @throws Error when `sig` does not have `channels + … + channels^depth` values.
 */
export function levels(sig: Float64Array, channels: number, depth: number): Float64Array[] {
  if (count('channels', channels) < 1 || count('depth', depth) < 1) {
    throw new Error(`levels need channels ≥ 1 and depth ≥ 1, got channels ${channels}, depth ${depth}`);
  }
  // Level sizes, stopping as soon as they outgrow `sig` (a large depth must not loop for long).
  const sizes: number[] = [];
  let total = 0;
  for (let size = channels; sizes.length < depth && total <= sig.length; size *= channels) {
    sizes.push(size);
    total += size;
  }
  if (total !== sig.length) {
    const needs = sizes.length === depth ? String(total) : `more than ${sig.length}`;
    throw new Error(`signature has ${sig.length} values, but channels ${channels} at depth ${depth} needs ${needs}`);
  }
  let at = 0;
  return sizes.map((size) => sig.subarray(at, (at += size)));
}
