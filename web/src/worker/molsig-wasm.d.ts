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
export function parseManifest(text: string, name: string): unknown;
export function loadDataset(
  topologyName: string,
  topology: Uint8Array,
  files: Blob[],
  names: string[],
  labels: string[],
  groups: string[],
  options: unknown,
  batchSize: number,
): unknown;
export function train(request: unknown, onEvent: (event: unknown) => void): Promise<unknown>;
export function cancel(): void;
export function saveModel(): Promise<Uint8Array>;
export function loadModel(name: string, bytes: Uint8Array): unknown;
export function predict(
  topologyName: string,
  topology: Uint8Array,
  files: Blob[],
  names: string[],
  labels: string[],
): Promise<unknown>;
export function explain(source: string, index: number): Promise<unknown>;
export function benchSignature(gpu: boolean, batch: number, length: number, channels: number, depth: number, repeats: number): Promise<unknown>;
export function benchEpoch(gpu: boolean, perClass: number, nodes: number, frames: number, beads: number): Promise<unknown>;
