// The compute worker: owns the wasm module, so parsing and tensor work never block the page.
// Trajectories stay as File handles and stream through molsig-wasm's FileReaderSync reader.
// A `cancel` message is handled while training runs: molsig-wasm yields to this event loop
// after every batch.
import init, * as wasm from './molsig-wasm.js';
import type * as P from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const post = (message: P.Response, transfer: Transferable[] = []) => self.postMessage(message, transfer);

/** `?backend=webgpu` or `?backend=cpu` in the page's address overrides the choice below. */
const forced = new URLSearchParams(self.location.search).get('backend');

/** What the browser offers: an adapter description, or why WebGPU is not used. A software
 * adapter (SwiftShader, llvmpipe) is passed over: it trains far slower than the CPU backend. */
async function probeWebGpu(): Promise<{ adapter?: string; unavailable?: string }> {
  if (forced === 'cpu') return { unavailable: 'the CPU backend was chosen in the address (?backend=cpu)' };
  if (!('gpu' in navigator) || !navigator.gpu) return { unavailable: 'this browser has no WebGPU (navigator.gpu is missing)' };
  try {
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return { unavailable: 'WebGPU is present but offers no adapter (disabled or blocklisted GPU)' };
    const { vendor, architecture, description } = adapter.info;
    const name = [vendor, architecture, description].filter(Boolean).join(' ') || 'unnamed adapter';
    const fallback = (adapter.info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
    if ((fallback || /swiftshader|llvmpipe|lavapipe|software/i.test(name)) && forced !== 'webgpu') {
      return { unavailable: `WebGPU's only adapter is a software renderer (${name}), slower than the CPU backend; add ?backend=webgpu to the address to use it anyway` };
    }
    return { adapter: name };
  } catch (e) {
    return { unavailable: `WebGPU adapter request failed: ${String(e)}` };
  }
}

const ready: Promise<P.BackendInfo> = (async () => {
  await init();
  const probe = await probeWebGpu();
  const backend = (await wasm.initBackend(probe.unavailable)) as P.BackendInfo;
  // wgpu cannot see the adapter's name in browsers; the JS adapter info can.
  if (backend.kind === 'WebGPU' && !backend.adapter) backend.adapter = probe.adapter ?? 'unnamed adapter';
  return backend;
})();

const bytes = async (file: File) => new Uint8Array(await file.arrayBuffer());

async function handle(request: P.Request): Promise<P.Response> {
  const id = request.id;
  switch (request.type) {
    case 'init':
      return { type: 'ready', id, backend: await ready };
    case 'manifest': {
      await ready;
      const entries = wasm.parseManifest(await request.file.text(), request.file.name) as P.ManifestEntry[];
      return { type: 'manifest', id, entries };
    }
    case 'inspect': {
      await ready;
      const t = request.topology;
      const result = (await wasm.inspect(t.name, await bytes(t), undefined, undefined, request.selection)) as P.Inspection;
      return { type: 'inspection', id, result };
    }
    case 'load': {
      await ready;
      const d = request.data;
      const summary = wasm.loadDataset(d.topology.name, await bytes(d.topology), d.files, d.files.map((f) => f.name),
        d.labels, d.groups, request.options, request.batchSize) as P.DatasetSummary;
      return { type: 'dataset', id, summary };
    }
    case 'train': {
      await ready;
      const summary = (await wasm.train(request.request, (event) =>
        post({ type: 'progress', id, event: event as P.TrainEvent }))) as P.TrainSummary;
      return { type: 'trained', id, summary };
    }
    case 'cancel':
      wasm.cancel();
      return { type: 'cancelling', id };
    case 'save': {
      const saved = await wasm.saveModel();
      return { type: 'saved', id, bytes: saved };
    }
    case 'loadModel': {
      await ready;
      const info = wasm.loadModel(request.file.name, await bytes(request.file)) as P.ModelInfo;
      return { type: 'model', id, info };
    }
    case 'predict': {
      await ready;
      const d = request.data;
      const predictions = (await wasm.predict(d.topology.name, await bytes(d.topology), d.files,
        d.files.map((f) => f.name), d.labels)) as P.TrajectoryPrediction[];
      return { type: 'predictions', id, predictions };
    }
    case 'explain': {
      const explanation = (await wasm.explain(request.source, request.index)) as P.Explanation;
      return { type: 'explanation', id, explanation };
    }
    case 'benchSignature': {
      await ready;
      const r = request;
      const run = (await wasm.benchSignature(r.gpu, r.batch, r.length, r.channels, r.depth, r.repeats)) as P.SignatureRun;
      return { type: 'signatureRun', id, run };
    }
    case 'benchEpoch': {
      await ready;
      const r = request;
      const run = (await wasm.benchEpoch(r.gpu, r.perClass, r.nodes, r.frames, r.beads)) as P.EpochRun;
      return { type: 'epochRun', id, run };
    }
    default: {
      const unknown: never = request;
      throw new Error(`unknown request ${JSON.stringify(unknown)}`);
    }
  }
}

self.onmessage = async (event: MessageEvent<P.Request>) => {
  const request = event.data;
  try {
    const response = await handle(request);
    post(response, response.type === 'saved' ? [response.bytes.buffer] : []);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    post({ type: 'error', id: request.id, message, context: request.type });
  }
};
