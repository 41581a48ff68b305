// The engine's worker with its wasm inside this script (gzip, base64), for bundlers that do not
// ship `new URL('…wasm', import.meta.url)` assets. Larger to download; nothing else differs.
import wasmGzip from './generated/molsig.wasm.gz';
import { gunzipWasm } from './load';
import { serveWorker } from './serve-worker';

serveWorker(async (options, progress) => {
  if (options.wasmUrl) throw new Error('molsig/inlined carries its wasm; wasmUrl is for the main entry');
  const response = gunzipWasm(wasmGzip);
  progress(1, 1);
  return response;
});
