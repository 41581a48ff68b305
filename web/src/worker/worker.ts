// The compute worker: owns the wasm module, so parsing and tensor work never block the page.
// Trajectories stay as File handles and stream through molsig-wasm's FileReaderSync reader.
import init, { initBackend, inspect } from './molsig-wasm.js';
import type { BackendInfo, Inspection, Request, Response } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const post = (message: Response) => self.postMessage(message);

/** What the browser offers: an adapter description, or why WebGPU cannot be used. */
async function probeWebGpu(): Promise<{ adapter?: string; unavailable?: string }> {
  if (!('gpu' in navigator) || !navigator.gpu) return { unavailable: 'this browser has no WebGPU (navigator.gpu is missing)' };
  try {
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return { unavailable: 'WebGPU is present but offers no adapter (disabled or blocklisted GPU)' };
    const { vendor, architecture, description } = adapter.info;
    return { adapter: [vendor, architecture, description].filter(Boolean).join(' ') || 'unnamed adapter' };
  } catch (e) {
    return { unavailable: `WebGPU adapter request failed: ${String(e)}` };
  }
}

const ready: Promise<BackendInfo> = (async () => {
  await init();
  const probe = await probeWebGpu();
  const backend = (await initBackend(probe.unavailable)) as BackendInfo;
  // wgpu cannot see the adapter's name in browsers; the JS adapter info can.
  if (backend.kind === 'WebGPU' && !backend.adapter) backend.adapter = probe.adapter ?? 'unnamed adapter';
  return backend;
})();

async function handle(request: Request): Promise<Response> {
  switch (request.type) {
    case 'init':
      return { type: 'ready', id: request.id, backend: await ready };
    case 'inspect': {
      await ready;
      const topology = new Uint8Array(await request.topology.arrayBuffer());
      const result = (await inspect(
        request.topology.name,
        topology,
        request.trajectory?.name,
        request.trajectory ?? undefined,
        request.selection,
      )) as Inspection;
      return { type: 'inspection', id: request.id, result };
    }
    default: {
      const unknown: never = request;
      throw new Error(`unknown request ${JSON.stringify(unknown)}`);
    }
  }
}

self.onmessage = async (event: MessageEvent<Request>) => {
  const request = event.data;
  try {
    post(await handle(request));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    post({ type: 'error', id: request.id, message, context: request.type });
  }
};
