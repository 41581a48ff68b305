// What the page's modules share: the user's files, labels and results (kept across worker
// restarts), the status lines and buttons, the molecule panel, and the one worker client with
// its start-up and error handling. Every other page module imports this one and none of them
// imports each other in a circle, so the state lives here and nowhere else.
import type { BackendInfo, CheckpointHeader, EpochReport, Response, TrajectoryPrediction } from '../worker/protocol';
import { WorkerClient } from './client';
import { $, el, say } from './dom';
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
  /** The compute engine crashed too often and is not restarted: compute buttons stay off. */
  engineFailed: false,
};

export const panel = new MoleculePanel();

/** The line under the header that says when the compute engine crashed, restarted or gave up
 * (made here: it appears only after a crash). `data-state`: restarting, restarted, failed. */
const engineStatus = el('p', { id: 'engine-status', role: 'alert', hidden: true });
document.querySelector('main')?.before(engineStatus);
/** The last crash's reason, shown again once the new worker is ready. */
let lastCrash: string | null = null;

function sayEngine(status: 'restarting' | 'restarted' | 'failed', text: string) {
  engineStatus.hidden = false;
  engineStatus.dataset.state = status;
  say(engineStatus, text, true);
}

export const client = new WorkerClient(
  (reason, delayMs) => {
    lastCrash = reason;
    state.loadedKey = null;
    state.hasModel = false;
    setBusy(false);
    sayEngine('restarting', `The compute engine crashed (${reason}). Starting a new one in ${(delayMs / 1000).toFixed(1)} s; your files and labels are kept.`);
    void startWorker();
  },
  (reason, crashes) => {
    state.loadedKey = null;
    state.hasModel = false;
    state.engineFailed = true;
    setBusy(false);
    $('backend').textContent = 'stopped (the compute engine keeps failing)';
    sayEngine('failed', `The compute engine keeps failing: it crashed ${crashes} times within a minute (last: ${reason}). Your files and labels are still here; reload the page to try again.`);
  },
);

/** The form's input with `id`, and its value as a number. */
export const input = (id: string) => $<HTMLInputElement>(id);
export const numberOf = (id: string) => Number(input(id).value);

/** Reports an error answer on `target`. Only reports: a crashed worker is the client's to
 * restart, on the worker's explicit fatal answer. */
export function failed(r: Response, target: HTMLElement, what: string): r is Extract<Response, { type: 'error' }> {
  if (r.type !== 'error') return false;
  say(target, `${what}: ${r.message}`, true);
  return true;
}

/** Records whether a job runs and enables the buttons that make sense now. */
export function setBusy(busy: boolean) {
  state.busy = busy;
  const off = busy || state.engineFailed;
  buttons.demo.disabled = off;
  buttons.train.disabled = off || !state.topology || state.rows.length < 2;
  buttons.read.disabled = off || !state.topology || state.rows.length === 0;
  buttons.cancel.disabled = !busy;
  buttons.save.disabled = off || !state.hasModel;
  buttons.predict.disabled = off || !state.hasModel;
  input('model-file').disabled = state.engineFailed;
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
  if (lastCrash) sayEngine('restarted', `The compute engine crashed (${lastCrash}) and was restarted. Your files and labels are kept; read the data and train or load a model again.`);
  setBusy(state.busy);
}
