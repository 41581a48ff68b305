// The compute worker's body: owns the wasm module, so parsing and tensor work never block the
// app. Trajectories stay as File handles and stream through molsig-wasm's FileReaderSync reader.
// A `cancel` message is handled while training runs: molsig-wasm yields to this event loop after
// every batch. After a trap the wasm instance is never used again: the worker answers `fatal` and
// the client replaces it. `worker.ts` and `worker-inlined.ts` differ only in where the wasm
// comes from.
import init, { Benchmarks, Session, crashForTesting, panicMessage, parseManifest } from './generated/engine.js';
import { tableEntries } from './protocol';
import type * as P from './protocol';
import type * as T from './types';

declare const self: DedicatedWorkerGlobalScope;

/** Where the engine's wasm comes from: a streamed `Response` (compiled while it downloads) or the
 * bytes themselves. `progress` hears the bytes received so far. */
export type WasmSource = (
  options: P.EngineOptions,
  progress: (loaded: number, total: number) => void,
) => Promise<Response | BufferSource>;

const post = (message: P.Response, transfer: Transferable[] = []) => self.postMessage(message, transfer);

/** What the browser offers: an adapter description, or why WebGPU is not used. A software
 * adapter (SwiftShader, llvmpipe) is passed over: it trains far slower than the CPU backend. */
async function probeWebGpu(choice: T.BackendChoice): Promise<{ adapter?: string; unavailable?: string }> {
  if (choice === 'cpu') return { unavailable: 'the CPU backend was chosen (backend: cpu)' };
  if (!('gpu' in navigator) || !navigator.gpu) return { unavailable: 'this browser has no WebGPU (navigator.gpu is missing)' };
  try {
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return { unavailable: 'WebGPU is present but offers no adapter (disabled or blocklisted GPU)' };
    const { vendor, architecture, description } = adapter.info;
    const name = [vendor, architecture, description].filter(Boolean).join(' ') || 'unnamed adapter';
    const fallback = (adapter.info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
    if ((fallback || /swiftshader|llvmpipe|lavapipe|software/i.test(name)) && choice !== 'webgpu') {
      return { unavailable: `WebGPU's only adapter is a software renderer (${name}), slower than the CPU backend; choose backend "webgpu" to use it anyway` };
    }
    return { adapter: name };
  } catch (e) {
    return { unavailable: `WebGPU adapter request failed: ${String(e)}` };
  }
}

interface Engine { session: Session; backend: T.BackendInfo; benchmarks: () => Promise<Benchmarks> }

/** The worker's one session (and the benchmark page's measurements), made once, on the first
 * `init`; its request id receives the download's progress. */
async function startEngine(source: WasmSource, options: P.EngineOptions, id: number): Promise<Engine> {
  let lastReport = 0;
  const progress = (loaded: number, total: number) => {
    const now = performance.now();
    if (loaded < total && now - lastReport < 100) return;
    lastReport = now;
    post({ type: 'loading', id, loaded, total });
  };
  const wasm = await init({ module_or_path: await source(options, progress) });
  // Long-use checks (web/tests/soak.mjs) read the size of the wasm memory from here.
  (self as unknown as { molsigMemoryBytes: () => number }).molsigMemoryBytes = () => wasm.memory.buffer.byteLength;
  if (options.crashOnInit) crashForTesting(options.crashOnInit);
  const probe = await probeWebGpu(options.backend);
  const session = await Session.create(probe.unavailable);
  const backend = session.backend;
  // wgpu cannot see the adapter's name in browsers; the JS adapter info can.
  if (backend.kind === 'WebGPU' && !backend.adapter) backend.adapter = probe.adapter ?? 'unnamed adapter';
  return { session, backend, benchmarks: () => Benchmarks.create(probe.unavailable) };
}

const bytes = async (file: File) => new Uint8Array(await file.arrayBuffer());

/** The table's rows beside their files, as the session takes them. */
const entries = (d: T.Trajectories) => tableEntries(d.files.map((f) => f.name), d.labels, d.groups);

let engine: Promise<Engine> | undefined;

async function handle(source: WasmSource, request: P.Request): Promise<P.Response> {
  const id = request.id;
  if (request.type === 'init') engine ??= startEngine(source, request.options, id);
  if (!engine) throw new Error(`"${request.type}" came before "init"`);
  const { session, backend, benchmarks } = await engine;
  switch (request.type) {
    case 'init':
      return { type: 'ready', id, backend };
    case 'manifest': {
      const entries = parseManifest(await request.file.text(), request.file.name);
      return { type: 'manifest', id, entries };
    }
    case 'inspect': {
      const t = request.topology;
      const result = await session.inspect(t.name, await bytes(t), undefined, undefined, request.selection);
      return { type: 'inspection', id, result };
    }
    case 'load': {
      const d = request.data;
      const summary = session.loadDataset(d.topology.name, await bytes(d.topology), d.files, entries(d), request.options, request.batchSize);
      return { type: 'dataset', id, summary };
    }
    case 'train': {
      const summary = await session.train(request.request, (event) => post({ type: 'progress', id, event }));
      return { type: 'trained', id, summary };
    }
    case 'crossValidate': {
      const run = await session.crossValidate(request.request, request.folds, (event) => post({ type: 'progress', id, event }));
      return { type: 'crossValidated', id, run };
    }
    case 'cancel':
      session.cancel();
      return { type: 'cancelling', id };
    case 'save':
      return { type: 'saved', id, bytes: await session.saveModel() };
    case 'loadModel': {
      const info = session.loadModel(request.file.name, await bytes(request.file));
      return { type: 'model', id, info };
    }
    case 'predict': {
      const d = request.data;
      const predictions = await session.predict(d.topology.name, await bytes(d.topology), d.files, entries(d));
      return { type: 'predictions', id, predictions };
    }
    case 'explain': {
      const explanation = await session.explain(request.source, request.index, request.sample);
      return { type: 'explanation', id, explanation };
    }
    case 'compare':
      return { type: 'comparison', id, comparison: await session.compare() };
    case 'transform': {
      const view = await session.transform(request.source, request.index, request.transform);
      return { type: 'transformed', id, view };
    }
    case 'benchSignature': {
      const r = request;
      const run = await (await benchmarks()).signature(r.gpu, r.batch, r.length, r.channels, r.depth, r.repeats);
      return { type: 'signatureRun', id, run };
    }
    case 'benchEpoch': {
      const r = request;
      const run = await (await benchmarks()).epoch(r.gpu, r.perClass, r.nodes, r.frames, r.beads);
      return { type: 'epochRun', id, run };
    }
    case 'crash': {
      const { kind } = request;
      if (request.deferred) {
        // Like an async wasm call's trap: it surfaces in the global error handler and this
        // request never gets its own answer.
        queueMicrotask(() => crashForTesting(kind));
        return new Promise<never>(() => {});
      }
      crashForTesting(kind);
      throw new Error(`crashForTesting(${kind}) returned instead of trapping`);
    }
    default: {
      const unknown: never = request;
      throw new Error(`unknown request ${JSON.stringify(unknown)}`);
    }
  }
}

/** Why the wasm instance must not be used again after `e`, or null for an ordinary error. A
 * panic is known from the hook's record; other traps and a stack overflow by their error type
 * (this worker's own code does little else than call wasm, so a `RangeError` is taken as one). */
function poisoning(e: unknown): string | null {
  let panic: string | undefined;
  try {
    panic = panicMessage();
  } catch {
    // The module never loaded: nothing recorded, the error type below decides.
  }
  if (panic) return panic.replace(/\n/g, ' ');
  if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) return `${e.name}: ${e.message}`;
  return null;
}

/** Set once the instance is poisoned: every later request is answered `fatal` too. */
let poisoned: string | null = null;

function poison(reason: string, id: number) {
  if (poisoned) return;
  poisoned = reason;
  post({ type: 'fatal', id, message: reason });
}

/** Answers the client's requests, with the engine's wasm from `source`. */
export function serveWorker(source: WasmSource): void {
  self.onmessage = async (event: MessageEvent<P.Request>) => {
    const request = event.data;
    if (poisoned) return post({ type: 'fatal', id: request.id, message: poisoned });
    try {
      const response = await handle(source, request);
      post(response, response.type === 'saved' ? [response.bytes.buffer] : []);
    } catch (e) {
      const fatal = poisoning(e);
      if (fatal) return poison(fatal, request.id);
      const message = e instanceof Error ? e.message : String(e);
      post({ type: 'error', id: request.id, message, context: request.type });
    }
  };

  // A trap inside an async wasm call surfaces outside any request (in the microtask that polls the
  // Rust future), and that request's promise never settles: report it here. Other uncaught errors
  // reach the page's `worker.onerror`, which restarts the worker as well.
  self.addEventListener('error', (event) => {
    const fatal = poisoning(event.error);
    if (!fatal) return;
    event.preventDefault();
    poison(fatal, 0);
  });
  self.addEventListener('unhandledrejection', (event) => {
    const fatal = poisoning(event.reason);
    if (!fatal) return;
    event.preventDefault();
    poison(fatal, 0);
  });
}
