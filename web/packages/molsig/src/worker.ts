// The engine's worker, loading `molsig.wasm` from beside this file (or the app's `wasmUrl`).
// The literal `new URL('./molsig.wasm', import.meta.url)` is what bundlers see to ship the asset.
import { streamWasm } from './load';
import { serveWorker } from './serve-worker';

/** The wasm's size in bytes, written in by the package build. */
declare const MOLSIG_WASM_BYTES: number;

serveWorker((options, progress) =>
  streamWasm(options.wasmUrl ?? new URL('./molsig.wasm', import.meta.url), MOLSIG_WASM_BYTES, progress));
