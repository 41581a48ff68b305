// Messages between the page and the compute worker. Each request carries an `id`; the worker
// answers with the same id. `type` strings mirror the Rust names in snake_case.

/** Which device burn runs on, as molsig-wasm reports it. */
export interface BackendInfo {
  kind: 'WebGPU' | 'CPU';
  adapter: string;
  fallbackReason?: string | null;
}

/** molsig-wasm's `Inspection`, field for field. */
export interface Inspection {
  atoms: number;
  residues: number;
  bonds: number;
  selection: string;
  selected: number;
  selectedBonds: number;
  frames: number;
  timeRange: [number, number];
  radiusOfGyration: number[];
  warnings: string[];
  firstFramePdb: string;
}

export type Request =
  | { type: 'init'; id: number }
  | {
      type: 'inspect';
      id: number;
      topology: File;
      trajectory: File | null;
      selection: string;
    };

export type Response =
  | { type: 'ready'; id: number; backend: BackendInfo }
  | { type: 'inspection'; id: number; result: Inspection }
  | { type: 'error'; id: number; message: string; context: string };
