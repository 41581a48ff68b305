// The compute worker: owns the wasm module, so parsing and tensor work never block the page.
// Trajectories stay as File handles and stream through molsig-wasm's FileReaderSync reader.
import init, { initBackend, inspect } from './molsig_wasm.js';
import type { BackendInfo, Inspection, Request, Response } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const post = (message: Response) => self.postMessage(message);

/** Why WebGPU cannot be used here, or undefined when an adapter exists. */
async function webgpuUnavailable(): Promise<string | undefined> {
  if (!('gpu' in navigator) || !navigator.gpu) return 'this browser has no WebGPU (navigator.gpu is missing)';
  try {
    const adapter = await navigator.gpu.requestAdapter();
    return adapter ? undefined : 'WebGPU is present but offers no adapter (disabled or blocklisted GPU)';
  } catch (e) {
    return `WebGPU adapter request failed: ${String(e)}`;
  }
}

const ready: Promise<BackendInfo> = (async () => {
  await init();
  return (await initBackend(await webgpuUnavailable())) as BackendInfo;
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
