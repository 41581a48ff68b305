// What the page's modules share: the user's files, labels and results (kept across worker
// restarts), the status lines and buttons, the molecule panel, and the one engine (the npm
// package's `Molsig`) with its start-up and error handling. Every other page module imports this one and none of them
// imports each other in a circle, so the state lives here and nowhere else.
import { Molsig, type BackendChoice, type BackendInfo, type CheckpointHeader, type CrashKind, type CrossValidation, type EpochReport, type SamplePrediction, type TrajectoryPrediction } from 'molsig';
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
  compare: $<HTMLButtonElement>('compare'),
};
/** The export buttons, enabled once there are results to export. */
export const exportButtons = ['predictions', 'sample-predictions', 'metrics', 'assignments', 'features', 'charts', 'viewer'].map((k) => $<HTMLButtonElement>(`export-${k}`));

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
  /** Every sample's answer behind `predictions` (a trajectory's is their mean). */
  samples: [] as SamplePrediction[],
  history: [] as EpochReport[],
  /** The last training run's cross-validation (null: one split, or a loaded model). */
  crossValidation: null as CrossValidation | null,
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

/** The form's input with `id`, and its value as a number. */
export const input = (id: string) => $<HTMLInputElement>(id);
export const numberOf = (id: string) => Number(input(id).value);

/** An error's message (the engine's `MolsigError`s carry the file, frame and byte). */
export const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Runs `job` on the engine; on failure says `what: the engine's message` on `target` (or why
 * the engine could not start) and gives undefined. Only reports: a crashed engine restarts
 * itself (see `engine`). */
export async function attempt<T>(job: (engine: Molsig) => Promise<T>, target: HTMLElement, what: string): Promise<T | undefined> {
  let started: Molsig;
  try {
    started = await engine;
  } catch (e) {
    say(target, `Could not start the compute engine: ${messageOf(e)}`, true);
    return undefined;
  }
  try {
    return await job(started);
  } catch (e) {
    say(target, `${what}: ${messageOf(e)}`, true);
    return undefined;
  }
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
  buttons.compare.disabled = off || !state.hasModel || state.loadedKey === null;
  input('model-file').disabled = state.engineFailed;
}

/** The backend line: what computes, and, on the CPU, why not WebGPU as a plain note (the CPU is a
 * normal way to run, not a fault); passed over a software adapter, how to choose it anyway. */
function showBackend(b: BackendInfo): void {
  const backend = $('backend');
  backend.textContent = b.kind === 'WebGPU' ? `WebGPU (${b.adapter})` : 'CPU (WebAssembly)';
  backend.dataset.kind = b.kind;
  const reason = b.kind === 'WebGPU' ? '' : b.fallbackReason ?? 'WebGPU not used';
  $('backend-note').textContent = reason
    ? ` · WebGPU not used: ${reason}${/software renderer/.test(reason) ? ' (add ?backend=webgpu to the address)' : ''}`
    : '';
}

const query = new URLSearchParams(location.search);

/** The engine, started once with the page: `?backend=webgpu|cpu` in the address chooses the
 * backend; `?crashOnInit=panic` (tests only) makes every new engine trap as it starts. */
export const engine: Promise<Molsig> = Molsig.create({
  backend: (query.get('backend') ?? 'auto') as BackendChoice,
  crashOnInit: (query.get('crashOnInit') ?? undefined) as CrashKind | undefined,
  onLoadProgress: (loaded, total) => {
    $('backend').textContent = `starting… (downloading the engine: ${Math.round(loaded / 1e6)} of ${Math.round(total / 1e6)} MB)`;
  },
  onRestart: (reason, delayMs) => {
    lastCrash = reason;
    state.loadedKey = null;
    state.hasModel = false;
    setBusy(false);
    sayEngine('restarting', `The compute engine crashed (${reason}). Starting a new one in ${(delayMs / 1000).toFixed(1)} s; your files and labels are kept.`);
  },
  onRestarted: (b) => {
    showBackend(b);
    sayEngine('restarted', `The compute engine crashed (${lastCrash}) and was restarted. Your files and labels are kept; read the data and train or load a model again.`);
    setBusy(state.busy);
  },
  onGiveUp: (reason, crashes) => {
    state.loadedKey = null;
    state.hasModel = false;
    state.engineFailed = true;
    setBusy(false);
    $('backend').textContent = 'stopped (the compute engine keeps failing)';
    sayEngine('failed', `The compute engine keeps failing: it crashed ${crashes} times within a minute (last: ${reason}). Your files and labels are still here; reload the page to try again.`);
  },
});

/** Shows the engine's backend once it is ready, or why it could not start. */
export async function startEngine(): Promise<void> {
  try {
    showBackend((await engine).backend);
  } catch (e) {
    say(dataStatus, `Could not start the compute engine: ${messageOf(e)}`, true);
    if (!state.engineFailed) $('backend').textContent = 'not started'; // else: "stopped", said above
    return;
  }
  if (!state.busy && dataStatus.textContent?.startsWith('Starting')) say(dataStatus, 'Ready: load the demo dataset or drop your files.');
  setBusy(state.busy);
}
