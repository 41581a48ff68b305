// The page: collects files and labels, sends jobs to the compute worker, shows progress and
// results. Data flows one way: table → worker (read, train, predict, explain) → results and
// viewer. Everything the user entered stays in this page when a job or the worker fails.
import type { BackendInfo, DataOptions, EpochReport, Explanation, ManifestEntry, Response, TrainEvent,
  TrainRequest, TrainSummary, TrajectoryPrediction, Trajectories } from './worker/protocol';
import { WorkerClient } from './app/client';
import { $, bytes, download, duration, el, say } from './app/dom';
import { type Row, droppedFiles, kindOf, labelFromName } from './app/files';
import { drawChart } from './app/charts';
import { assignmentsCsv, predictionsCsv, showConfusion, showMetrics, showPredictions } from './app/results';
import { MoleculePanel } from './app/molecule';
import { showStructure, viewerPng } from './viewer/molstar';

const dataStatus = $('data-status');
const trainStatus = $('train-status');
const modelStatus = $('model-status');
const buttons = {
  demo: $<HTMLButtonElement>('demo'),
  read: $<HTMLButtonElement>('read'),
  train: $<HTMLButtonElement>('train'),
  cancel: $<HTMLButtonElement>('cancel'),
  save: $<HTMLButtonElement>('save-model'),
  predict: $<HTMLButtonElement>('predict'),
};
const exports = ['predictions', 'metrics', 'assignments', 'features', 'charts', 'viewer'].map((k) => $<HTMLButtonElement>(`export-${k}`));

/** Everything the user gave us; survives worker restarts. */
const state = {
  topology: null as File | null,
  rows: [] as Row[],
  /** Fingerprint of the data the worker holds (null: nothing, or a restarted worker). */
  loadedKey: null as string | null,
  busy: false,
  hasModel: false,
  classes: [] as string[],
  summary: null as TrainSummary | null,
  predictions: [] as TrajectoryPrediction[],
  history: [] as EpochReport[],
};

const panel = new MoleculePanel();
const client = new WorkerClient((reason) => {
  state.loadedKey = null;
  state.hasModel = false;
  setBusy(false);
  say(trainStatus, `The compute worker stopped (${reason}) and was restarted; your files and labels are kept. Train or load a model again.`, true);
  void start();
});

/** A Rust panic or trap poisons the wasm instance: restart the worker after reporting it. */
function failed(r: Response, target: HTMLElement, what: string): r is Extract<Response, { type: 'error' }> {
  if (r.type !== 'error') return false;
  say(target, `${what}: ${r.message}`, true);
  if (/unreachable|RuntimeError|panicked|memory access out of bounds/i.test(r.message)) client.restart(r.message);
  return true;
}

function setBusy(busy: boolean) {
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

async function start() {
  const r = await client.call({ type: 'init' });
  if (failed(r, dataStatus, 'Could not start the compute worker') || r.type !== 'ready') return;
  const backend = $('backend');
  backend.textContent = describeBackend(r.backend);
  backend.dataset.kind = r.backend.kind;
  if (!state.busy && dataStatus.textContent?.startsWith('Starting')) say(dataStatus, 'Ready: load the demo dataset or drop your files.');
  setBusy(state.busy);
}

// ---------------------------------------------------------------- data

const input = (id: string) => $<HTMLInputElement>(id);
const numberOf = (id: string) => Number(input(id).value);

/** Models whose configuration records alignment; the others must be trained on unaligned frames. */
const ALIGNING_MODELS = ['improved', 'reference', 'graph-lstm'];

function dataOptions(): DataOptions {
  const aligns = ALIGNING_MODELS.includes($<HTMLSelectElement>('model').value);
  return { selection: $<HTMLSelectElement>('selection').value, frames: numberOf('frames'), stride: numberOf('stride'), align: aligns && input('align').checked };
}

function renderTable() {
  const body = $('trajectories').querySelector('tbody');
  if (!body) return;
  body.replaceChildren(...state.rows.map((row, i) => {
    const label = el('input', { value: row.label, placeholder: 'class' });
    label.setAttribute('list', 'class-names');
    label.setAttribute('aria-label', `Label of ${row.file.name}`);
    label.addEventListener('change', () => { row.label = label.value.trim(); state.loadedKey = null; renderCounts(); });
    const group = el('input', { value: row.group, placeholder: '(own)' });
    group.setAttribute('aria-label', `Group of ${row.file.name}`);
    group.addEventListener('change', () => { row.group = group.value.trim(); state.loadedKey = null; });
    const remove = el('button', { type: 'button', className: 'small' }, '✕');
    remove.setAttribute('aria-label', `Remove ${row.file.name}`);
    remove.addEventListener('click', () => { state.rows.splice(i, 1); state.loadedKey = null; renderTable(); });
    return el('tr', {}, el('td', {}, row.file.name), el('td', {}, bytes(row.file.size)),
      el('td', {}, row.frames === undefined ? '—' : `${row.frames} (${row.samples ?? 0} samples)`),
      el('td', {}, label), el('td', {}, group), el('td', {}, remove));
  }));
  $('topology-name').textContent = state.topology?.name ?? 'none';
  renderCounts();
  setBusy(state.busy);
}

function renderCounts() {
  const classes = new Map<string, number>();
  for (const r of state.rows) if (r.label) classes.set(r.label, (classes.get(r.label) ?? 0) + 1);
  $('class-names').replaceChildren(...[...classes.keys()].map((c) => el('option', { value: c })));
  const unlabelled = state.rows.filter((r) => !r.label).length;
  $('counts').textContent = state.rows.length === 0 ? '' :
    `${state.rows.length} trajectories; ${[...classes].map(([c, n]) => `${c}: ${n}`).join(', ') || 'no labels yet'}` +
    (unlabelled ? `; ${unlabelled} unlabelled` : '');
}

function applyManifest(entries: ManifestEntry[], source: string) {
  const base = (p: string) => p.split(/[\\/]/).pop() ?? p;
  const missing: string[] = [];
  for (const entry of entries) {
    const row = state.rows.find((r) => r.file.name === base(entry.trajectory));
    if (!row) { missing.push(base(entry.trajectory)); continue; }
    row.label = entry.label ?? '';
    row.group = entry.group ?? '';
  }
  const note = missing.length ? ` ${missing.length} listed trajectories were not among the files: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}.` : '';
  return `Labels from ${source} (${entries.length - missing.length} trajectories).${note}`;
}

/** Adds dropped or chosen files: the topology, trajectories, then a manifest's labels. */
async function addFiles(files: File[]) {
  if (files.length === 0) return;
  const by = (k: string) => files.filter((f) => kindOf(f.name) === k);
  const [topologies, trajectories, manifests, models, unknown] = ['topology', 'trajectory', 'manifest', 'model', 'unknown'].map(by);
  const notes: string[] = [];
  let error = false;
  if ((topologies?.length ?? 0) > 1) {
    notes.push(`Several topologies dropped (${topologies?.map((f) => f.name).join(', ')}); using ${topologies?.[0]?.name}. One molecule per dataset.`);
    error = true;
  }
  if (topologies?.[0]) {
    state.topology = topologies[0];
    void describeSystem();
  }
  for (const file of trajectories ?? []) {
    if (state.rows.some((r) => r.file.name === file.name && r.file.size === file.size)) continue;
    state.rows.push({ file, label: '', group: '' });
  }
  state.rows.sort((a, b) => a.file.name.localeCompare(b.file.name, undefined, { numeric: true }));
  state.loadedKey = null;
  for (const file of manifests ?? []) {
    const r = await client.call({ type: 'manifest', file });
    if (failed(r, dataStatus, 'Manifest not read')) return renderTable();
    if (r.type === 'manifest') notes.push(applyManifest(r.entries, file.name));
  }
  if (unknown?.length) {
    notes.push(`Ignored ${unknown.length} unsupported file(s): ${unknown.slice(0, 5).map((f) => f.name).join(', ')} (expected .pdb, .gro, .xtc, .csv, .json, .molsig).`);
    error = true;
  }
  renderTable();
  if (!state.topology && state.rows.length) { notes.push('Add a topology (PDB or GRO) for these trajectories.'); error = true; }
  say(dataStatus, [`${state.rows.length} trajectories${state.topology ? ` with ${state.topology.name}` : ''}.`, ...notes].join(' '), error);
  for (const file of models ?? []) await loadModel(file);
}

/** Counts of the topology and the selection, and the first frame in the viewer. */
async function describeSystem() {
  const topology = state.topology;
  if (!topology) return;
  const selection = dataOptions().selection;
  const r = await client.call({ type: 'inspect', topology, selection });
  if (failed(r, dataStatus, `${topology.name} could not be read`) || r.type !== 'inspection') {
    $('system').textContent = '';
    return;
  }
  const x = r.result;
  $('system').textContent = `— ${x.atoms} atoms, ${x.residues} residues, ${x.bonds} bonds; selection ${x.selection}: ${x.selected} atoms, ${x.selectedBonds} bonds`;
  $('warnings').replaceChildren(...x.warnings.map((w) => el('li', {}, w)));
  if (!panel.explanation) await showStructure($('viewer'), x.firstFramePdb, topology.name).catch(() => undefined);
}

async function loadDemo() {
  setBusy(true);
  say(dataStatus, 'Fetching the demo dataset…');
  try {
    const get = async (name: string) => {
      const response = await fetch(`demo/dataset/${name}`);
      if (!response.ok) throw new Error(`demo/dataset/${name}: HTTP ${response.status}`);
      return new File([await response.blob()], name);
    };
    const manifest = await get('manifest.csv');
    const names = (await manifest.text()).trim().split('\n').slice(1).map((l) => l.split(',')[1] ?? '');
    const files = await Promise.all(['peptide.pdb', ...names].map(get));
    state.rows = [];
    state.topology = null;
    await addFiles([...files, manifest]);
  } catch (e) {
    say(dataStatus, `The demo could not be loaded: ${String(e)}`, true);
  } finally {
    setBusy(false);
  }
}

// ---------------------------------------------------------------- training

function key(): string {
  const rows = state.rows.map((r) => [r.file.name, r.file.size, r.file.lastModified, r.label, r.group].join('|'));
  return JSON.stringify([state.topology?.name, state.topology?.size, dataOptions(), numberOf('batch'), rows]);
}

function table(): Trajectories | null {
  if (!state.topology) return null;
  return { topology: state.topology, files: state.rows.map((r) => r.file), labels: state.rows.map((r) => r.label), groups: state.rows.map((r) => r.group) };
}

/** Makes sure the worker holds the table's data (memory checked first); false, with a message
 * in `target`, when it cannot. */
async function readData(target: HTMLElement): Promise<boolean> {
  const data = table();
  if (!data) { say(target, 'Add a topology (PDB or GRO) first.', true); return false; }
  if (state.loadedKey === key()) return true;
  say(target, `Reading ${state.rows.length} trajectories…`);
  const r = await client.call({ type: 'load', data, options: dataOptions(), batchSize: numberOf('batch') });
  if (failed(r, target, 'The data could not be used') || r.type !== 'dataset') return false;
  r.summary.plan.trajectories.forEach((t, i) => {
    const row = state.rows[i];
    if (row) { row.frames = t.frames; row.samples = t.samples; }
  });
  renderTable();
  state.loadedKey = key();
  if (target !== dataStatus) say(target, '');
  say(dataStatus, `${r.summary.samples} samples of ${dataOptions().frames} frames from ${state.rows.length} trajectories; ${r.summary.plan.points} atoms per frame; classes ${r.summary.classes.join(', ')}; about ${bytes(r.summary.plan.dataBytes)} in memory.`);
  return true;
}

function trainRequest(): TrainRequest {
  return {
    model: $<HTMLSelectElement>('model').value, beads: numberOf('beads'),
    epochs: numberOf('epochs'), batchSize: numberOf('batch'), learningRate: numberOf('lr'),
    validation: numberOf('validation'), test: numberOf('test'), seed: numberOf('seed'),
  };
}

function drawCurves() {
  const h = state.history;
  const train = { colour: '#0072b2', dashed: false };
  const validation = { colour: '#d55e00', dashed: true };
  drawChart($<HTMLCanvasElement>('loss-chart'), 'Loss', [
    { name: 'train', ...train, values: h.map((e) => e.train_loss.total) },
    { name: 'validation', ...validation, values: h.map((e) => e.validation_loss?.total ?? null) },
  ]);
  drawChart($<HTMLCanvasElement>('accuracy-chart'), 'Accuracy', [
    { name: 'train', ...train, values: h.map((e) => e.train_metrics?.accuracy ?? null) },
    { name: 'validation', ...validation, values: h.map((e) => e.validation_metrics?.accuracy ?? null) },
  ], [0, 1]);
}

function onProgress(started: number, epochs: number) {
  const progress = $<HTMLProgressElement>('progress');
  return (event: TrainEvent) => {
    if (event.type === 'started') {
      say(trainStatus, `${event.model}: ${event.parameters.toLocaleString()} parameters; ${event.train_samples} training and ${event.validation_samples} validation samples.`);
    } else if (event.type === 'batch') {
      const done = (event.epoch - 1 + event.batch / event.batches) / epochs;
      progress.value = done;
      const elapsed = (performance.now() - started) / 1000;
      const eta = done > 0 ? (elapsed * (1 - done)) / done : NaN;
      say(trainStatus, `Epoch ${event.epoch}/${epochs}, batch ${event.batch}/${event.batches}: loss ${event.loss.toFixed(4)} — ${duration(elapsed)} elapsed, about ${duration(eta)} left (at most; early stopping may end sooner).`);
    } else {
      state.history.push(event);
      drawCurves();
    }
  };
}

async function train() {
  setBusy(true);
  try {
    const unlabelled = state.rows.filter((r) => !r.label);
    if (unlabelled.length) {
      say(trainStatus, `Give every trajectory a label before training (${unlabelled.length} without: ${unlabelled.slice(0, 3).map((r) => r.file.name).join(', ')}…), or remove them.`, true);
      return;
    }
    if (!(await readData(trainStatus))) return;
    state.history = [];
    drawCurves();
    const request = trainRequest();
    $<HTMLProgressElement>('progress').value = 0;
    const r = await client.call({ type: 'train', request }, onProgress(performance.now(), request.epochs));
    if (r.type === 'error' && /cancel/i.test(r.message)) {
      say(trainStatus, `Training cancelled after ${state.history.length} epoch(s). Your data and settings are kept.`);
      return;
    }
    if (failed(r, trainStatus, 'Training failed') || r.type !== 'trained') return;
    $<HTMLProgressElement>('progress').value = 1;
    state.summary = r.summary;
    state.hasModel = true;
    state.classes = r.summary.classes;
    const m = r.summary.testMetrics;
    say(trainStatus, `Trained: ${r.summary.history.length} epochs, kept epoch ${r.summary.selectedEpoch}${m ? `; test accuracy ${(100 * m.accuracy).toFixed(1)} %` : ''}.`);
    showResults(r.summary.predictions, 'training');
    showMetrics($('metrics'), r.summary);
    showConfusion($<HTMLTableElement>('confusion'), m, r.summary.classes);
    const first = r.summary.predictions.find((p) => p.part === 'test') ?? r.summary.predictions[0];
    if (first) await explain('training', first);
  } finally {
    setBusy(false);
  }
}

function showResults(predictions: TrajectoryPrediction[], source: 'training' | 'new') {
  state.predictions = predictions;
  showPredictions($<HTMLTableElement>('predictions'), predictions, (p) => void explain(source, p));
  for (const b of exports) b.disabled = false;
}

async function explain(source: 'training' | 'new', p: TrajectoryPrediction) {
  const r = await client.call({ type: 'explain', source, index: p.trajectory });
  if (failed(r, modelStatus, `${p.name} could not be explained`) || r.type !== 'explanation') return;
  try {
    await panel.show(r.explanation);
  } catch (e) {
    say(modelStatus, `The viewer failed: ${String(e)}`, true);
  }
}

// ---------------------------------------------------------------- models and prediction

async function saveModel() {
  setBusy(true);
  const r = await client.call({ type: 'save' });
  setBusy(false);
  if (failed(r, modelStatus, 'The model could not be saved') || r.type !== 'saved') return;
  download(new Blob([r.bytes as BlobPart], { type: 'application/octet-stream' }), `${$<HTMLSelectElement>('model').value}.molsig`);
  say(modelStatus, `Saved the model (${bytes(r.bytes.byteLength)}).`);
}

async function loadModel(file: File) {
  setBusy(true);
  const r = await client.call({ type: 'loadModel', file });
  if (r.type === 'model') {
    state.hasModel = true;
    state.classes = r.info.classes;
  }
  setBusy(false);
  if (failed(r, modelStatus, 'The model could not be loaded') || r.type !== 'model') return;
  say(modelStatus, `Loaded ${file.name}: ${r.info.model.kind}${r.info.model.preset ? ` (${r.info.model.preset})` : ''}, classes ${r.info.classes.join(', ')}, ${r.info.input.selection} atoms (${r.info.atoms}), ${r.info.input.frames}-frame samples. Choose trajectories to predict.`);
}

async function predict() {
  const chosen = [...(input('predict-files').files ?? [])];
  const topology = chosen.find((f) => kindOf(f.name) === 'topology') ?? state.topology;
  const files = chosen.filter((f) => kindOf(f.name) === 'trajectory');
  if (!topology || files.length === 0) {
    say(modelStatus, 'Choose XTC trajectories to predict (and their topology unless it is the one in the data table).', true);
    return;
  }
  setBusy(true);
  say(modelStatus, `Predicting ${files.length} trajectories…`);
  const labels = files.map((f) => state.rows.find((r) => r.file.name === f.name)?.label ?? '');
  const r = await client.call({ type: 'predict', data: { topology, files, labels: labels.map((l) => (state.classes.includes(l) ? l : '')), groups: files.map(() => '') } });
  setBusy(false);
  if (failed(r, modelStatus, 'Prediction failed') || r.type !== 'predictions') return;
  say(modelStatus, `Predicted ${r.predictions.length} trajectories.`);
  showResults(r.predictions, 'new');
  const first = r.predictions[0];
  if (first) await explain('new', first);
}

// ---------------------------------------------------------------- exports

const text = (s: string, type: string) => new Blob([s], { type });

function exportFeatures(): void {
  const e: Explanation | undefined = panel.explanation;
  if (!e) { say(modelStatus, 'Show a trajectory on the molecule first.', true); return; }
  const { pdb: _pdb, ...features } = e;
  download(text(JSON.stringify(features), 'application/json'), `${e.name}-features.json`);
}

function exportCharts(): void {
  const a = $<HTMLCanvasElement>('loss-chart');
  const b = $<HTMLCanvasElement>('accuracy-chart');
  const both = el('canvas', { width: Math.max(a.width, b.width), height: a.height + b.height });
  const g = both.getContext('2d');
  g?.drawImage(a, 0, 0);
  g?.drawImage(b, 0, a.height);
  both.toBlob((blob) => blob && download(blob, 'training-curves.png'), 'image/png');
}

$<HTMLButtonElement>('export-predictions').addEventListener('click', () =>
  download(text(predictionsCsv(state.predictions, state.classes), 'text/csv'), 'predictions.csv'));
$<HTMLButtonElement>('export-metrics').addEventListener('click', () =>
  download(text(JSON.stringify({ test: state.summary?.testMetrics ?? null, selectedEpoch: state.summary?.selectedEpoch, history: state.summary?.history ?? [], settings: { data: dataOptions(), model: trainRequest() } }, null, 2), 'application/json'), 'metrics.json'));
$<HTMLButtonElement>('export-assignments').addEventListener('click', () => {
  const e = panel.explanation;
  if (e) download(text(assignmentsCsv(e), 'text/csv'), `${e.name}-assignments.csv`);
  else say(modelStatus, 'Show a trajectory on the molecule first.', true);
});
$<HTMLButtonElement>('export-features').addEventListener('click', exportFeatures);
$<HTMLButtonElement>('export-charts').addEventListener('click', exportCharts);
$<HTMLButtonElement>('export-viewer').addEventListener('click', () =>
  void viewerPng().then((png) => download(png, 'molecule.png'), (e) => say(modelStatus, `No image: ${String(e)}`, true)));

// ---------------------------------------------------------------- wiring

const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
// The drop zone is focusable: Enter or Space opens the file chooser.
drop.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    input('files').click();
  }
});
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (e.dataTransfer) void droppedFiles(e.dataTransfer).then(addFiles);
});
for (const id of ['files', 'folder']) input(id).addEventListener('change', () => void addFiles([...(input(id).files ?? [])]));
input('model-file').addEventListener('change', () => { const f = input('model-file').files?.[0]; if (f) void loadModel(f); });
$('labels-from-names').addEventListener('click', () => {
  for (const r of state.rows) r.label = labelFromName(r.file.name);
  state.loadedKey = null;
  renderTable();
});
$('clear').addEventListener('click', () => { state.rows = []; state.topology = null; state.loadedKey = null; renderTable(); say(dataStatus, 'Removed all files.'); });
for (const id of ['selection', 'frames', 'stride', 'batch']) $(id).addEventListener('change', () => { state.loadedKey = null; });
buttons.demo.addEventListener('click', () => void loadDemo());
buttons.train.addEventListener('click', () => void train());
buttons.read.addEventListener('click', () => {
  setBusy(true);
  void readData(dataStatus).finally(() => setBusy(false));
});
$('selection').addEventListener('change', () => void describeSystem());
// Each preset's own alignment (improved aligns; reference reproduces the authors' code, which does not).
$('model').addEventListener('change', () => { input('align').checked = $<HTMLSelectElement>('model').value !== 'reference'; });
buttons.cancel.addEventListener('click', () => { client.send({ type: 'cancel' }); say(trainStatus, 'Cancelling after this batch…'); });
buttons.save.addEventListener('click', () => void saveModel());
buttons.predict.addEventListener('click', () => void predict());
drawCurves();
void start();
