// Types of the wasm-bindgen output (`molsig-wasm.js`) that Trunk builds next to the worker.
// Mirrors crates/molsig-wasm/src/api.rs.
export default function init(): Promise<unknown>;
export function initBackend(gpuUnavailable: string | undefined): Promise<unknown>;
export function inspect(
  topologyName: string,
  topology: Uint8Array,
  trajectoryName: string | undefined,
  trajectory: Blob | undefined,
  selection: string,
): Promise<unknown>;
