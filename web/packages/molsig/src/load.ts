// Fetching the engine's wasm with progress, still compiled while it downloads: the response's
// body is counted as it streams into `WebAssembly.instantiateStreaming` (through wasm-bindgen's
// `init`), not read whole first.

/** Fetches `url` and returns a response that reports its bytes to `progress` as they arrive.
 * `expectedBytes` is the size when the server does not say it (compressed transfers give the
 * compressed length, which the decoded stream outgrows). */
export async function streamWasm(
  url: string | URL,
  expectedBytes: number,
  progress: (loaded: number, total: number) => void,
): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Could not fetch the engine's wasm from ${String(url)}: HTTP ${response.status} ${response.statusText}`);
  const length = Number(response.headers.get('content-length'));
  const total = response.headers.get('content-encoding') || !(length > 0) ? expectedBytes : length;
  if (!response.body) return response;
  let loaded = 0;
  progress(0, total);
  const counted = response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      loaded += chunk.byteLength;
      progress(loaded, Math.max(total, loaded));
      controller.enqueue(chunk);
    },
  }));
  // A new Response loses the original's type; streaming compilation needs the wasm MIME type.
  return new Response(counted, { headers: { 'content-type': 'application/wasm' } });
}

/** Decodes gzip'd bytes (the inlined variants' embedded wasm) into a streamed wasm response. */
export function gunzipWasm(base64: string): Response {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream, { headers: { 'content-type': 'application/wasm' } });
}
