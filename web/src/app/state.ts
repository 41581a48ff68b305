// What the page's modules share: the user's files, labels and results (kept across worker
// restarts), the status lines and buttons, the molecule panel, and the one worker client with
// its start-up and error handling. Every other page module imports this one and none of them
// imports each other in a circle, so the state lives here and nowhere else.
import type { BackendInfo, CheckpointHeader, EpochReport, Response, TrajectoryPrediction } from '../worker/protocol';
import { WorkerClient } from './client';
import { $, say } from './dom';
import type { Row } from './files';
import { MoleculePanel } from './molecule';

export const dataStatus = $('data-status');
export const trainStatus = $('train-status');
export const modelStatus = $('model-status');
export const buttons = {
  demo: $<HTMLButtonElement>('demo'),
  read: $<HTMLButtonElement>('read'),
  train: $<HTMLButtonElement>('train'),
  cancel: $<HTMLButtonElement>('cancel'),
  save: $<HTMLButtonElement>('save-model'),
  predict: $<HTMLButtonElement>('predict'),
};
/** The export buttons, enabled once there are results to export. */
export const exportButtons = ['predictions', 'metrics', 'assignments', 'features', 'charts', 'viewer'].map((k) => $<HTMLButtonElement>(`export-${k}`));

/** Everything the user gave us; survives worker restarts. */
export const state = {
  topology: null as File | null,
  rows: [] as Row[],
  /** Fingerprint of the data the worker holds (null: nothing, or a restarted worker). */
  loadedKey: null as string | null,
  busy: false,
  hasModel: false,
  /** The current model's header: its classes, settings and the record of its run. */
  model: null as CheckpointHeader | null,
  /** The shown predictions, with the model's class order. */
  classes: [] as string[],
  predictions: [] as TrajectoryPrediction[],
  history: [] as EpochReport[],
};

export const panel = new MoleculePanel();
export const client = new WorkerClient((reason) => {
  state.loadedKey = null;
  state.hasModel = false;
  setBusy(false);
  say(trainStatus, `The compute worker stopped (${reason}) and was restarted; your files and labels are kept. Train or load a model again.`, true);
  void startWorker();
});

/** The form's input with `id`, and its value as a number. */
export const input = (id: string) => $<HTMLInputElement>(id);
export const numberOf = (id: string) => Number(input(id).value);

/** A Rust panic or trap poisons the wasm instance: restart the worker after reporting it. */
export function failed(r: Response, target: HTMLElement, what: string): r is Extract<Response, { type: 'error' }> {
  if (r.type !== 'error') return false;
  say(target, `${what}: ${r.message}`, true);
  if (/unreachable|RuntimeError|panicked|memory access out of bounds/i.test(r.message)) client.restart(r.message);
  return true;
}

/** Records whether a job runs and enables the buttons that make sense now. */
export function setBusy(busy: boolean) {
  state.busy = busy;
  buttons.demo.disabled = busy;
  buttons.train.disabled = busy || !state.topology || state.rows.length < 2;
  buttons.read.disabled = busy || !state.topology || state.rows.length === 0;
  buttons.cancel.disabled = !busy;
  buttons.save.disabled = busy || !state.hasModel;
  buttons.predict.disabled = busy || !state.hasModel;
}

function describeBackend(b: BackendInfo): string {
  return b.kind === 'WebGPU' ? `WebGPU (${b.adapter})` : `CPU — ${b.fallbackReason ?? 'WebGPU not used'}`;
}

/** Initialises the worker (on page load and after each restart) and shows its backend. */
export async function startWorker() {
  const r = await client.call({ type: 'init' });
  if (failed(r, dataStatus, 'Could not start the compute worker') || r.type !== 'ready') return;
  const backend = $('backend');
  backend.textContent = describeBackend(r.backend);
  backend.dataset.kind = r.backend.kind;
  if (!state.busy && dataStatus.textContent?.startsWith('Starting')) say(dataStatus, 'Ready: load the demo dataset or drop your files.');
  setBusy(state.busy);
}
