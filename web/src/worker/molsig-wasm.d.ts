// Types of the wasm-bindgen output the worker imports at run time (built by Trunk next to it).
declare module '*/molsig_wasm.js' {
  export default function init(): Promise<unknown>;
  export function initBackend(gpuUnavailable: string | undefined): Promise<unknown>;
  export function inspect(
    topologyName: string,
    topology: Uint8Array,
    trajectoryName: string | undefined,
    trajectory: Blob | undefined,
    selection: string,
  ): Promise<unknown>;
}
