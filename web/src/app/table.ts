// The data section: the trajectory table (one row per file, with its label and group), the class
// counts under it, adding dropped or chosen files and a manifest's labels, the demo dataset, and
// reading the table into the worker. `readData` is the one way training gets its data: it skips
// the read when the worker already holds exactly this table with these settings.
import type { DataOptions, ManifestEntry, Trajectories } from 'molsig';
import { $, bytes, el, say, warningRow } from './dom';
import { kindOf, labelFromName } from './files';
import { loadModel } from './models';
import { attempt, dataStatus, input, numberOf, panel, setBusy, state } from './state';

/** Models whose configuration records alignment; the others must be trained on unaligned frames. */
export const ALIGNING_MODELS = ['improved', 'reference', 'graph-lstm'];

/** How trajectories are read into samples, from the form. */
export function dataOptions(): DataOptions {
  const aligns = ALIGNING_MODELS.includes($<HTMLSelectElement>('model').value);
  return { selection: $<HTMLSelectElement>('selection').value, frames: numberOf('frames'), stride: numberOf('stride'), align: aligns && input('align').checked };
}

/** What reading each trajectory left out (a file cut short inside a frame), from the last read. */
const fileWarnings = new WeakMap<File, string>();

/** A truncated file's warning as a line under its row, or nothing. */
function warningOf(row: (typeof state.rows)[number]): HTMLTableRowElement[] {
  const warning = fileWarnings.get(row.file);
  return warning ? [warningRow(row.file.name, warning, 6)] : [];
}

export function renderTable() {
  const body = $('trajectories').querySelector('tbody');
  if (!body) return;
  body.replaceChildren(...state.rows.flatMap((row, i) => {
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
    const frames = row.frames === undefined ? '—' : `${row.frames} (${row.samples ?? 0} samples)`;
    return [el('tr', {}, el('td', {}, row.file.name), el('td', {}, bytes(row.file.size)), el('td', {}, frames),
      el('td', {}, label), el('td', {}, group), el('td', {}, remove)), ...warningOf(row)];
  }));
  $('topology-name').textContent = state.topology?.name ?? 'none';
  renderCounts();
  setBusy(state.busy);
}

/** Trajectories per class, and the class names the label inputs suggest. */
function renderCounts() {
  const classes = new Map<string, number>();
  for (const r of state.rows) if (r.label) classes.set(r.label, (classes.get(r.label) ?? 0) + 1);
  $('class-names').replaceChildren(...[...classes.keys()].map((c) => el('option', { value: c })));
  const unlabelled = state.rows.filter((r) => !r.label).length;
  $('counts').textContent = state.rows.length === 0 ? '' :
    `${state.rows.length} trajectories; ${[...classes].map(([c, n]) => `${c}: ${n}`).join(', ') || 'no labels yet'}` +
    (unlabelled ? `; ${unlabelled} unlabelled` : '');
}

/** Labels and groups from a manifest's entries, matched to rows by file name; returns a note. */
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
export async function addFiles(files: File[]) {
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
    const entries = await attempt((e) => e.parseManifest(file), dataStatus, 'Manifest not read');
    if (!entries) return renderTable();
    notes.push(applyManifest(entries, file.name));
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
export async function describeSystem() {
  const topology = state.topology;
  if (!topology) return;
  const selection = dataOptions().selection;
  const x = await attempt((e) => e.inspect(topology, selection), dataStatus, `${topology.name} could not be read`);
  if (!x) {
    $('system').textContent = '';
    return;
  }
  $('system').textContent = `— ${x.atoms} atoms, ${x.residues} residues, ${x.bonds} bonds; selection ${x.selection}: ${x.selected} atoms, ${x.selectedBonds} bonds`;
  $('warnings').replaceChildren(...x.warnings.map((w) => el('li', {}, w)));
  if (!panel.explanation) await panel.showStructure(x.firstFramePdb, topology.name).catch(() => undefined);
}

/** Replaces the table with the bundled demo dataset and its manifest's labels. */
export async function loadDemo() {
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

/** Guesses every row's label from its file name. */
export function labelsFromNames() {
  for (const r of state.rows) r.label = labelFromName(r.file.name);
  state.loadedKey = null;
  renderTable();
}

/** Removes the topology and every trajectory, and what was said about them. */
export function clearTable() {
  state.rows = [];
  state.topology = null;
  state.loadedKey = null;
  $('system').textContent = '';
  $('warnings').replaceChildren();
  renderTable();
  say(dataStatus, 'Removed all files.');
}

/** The settings that change what the worker reads forget the data it holds. */
export function forgetLoadedData() {
  state.loadedKey = null;
}

/** Fingerprint of the table and the settings it is read with (compared with `state.loadedKey`). */
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
export async function readData(target: HTMLElement): Promise<boolean> {
  const data = table();
  if (!data) { say(target, 'Add a topology (PDB or GRO) first.', true); return false; }
  if (state.loadedKey === key()) return true;
  say(target, `Reading ${state.rows.length} trajectories…`);
  const summary = await attempt((e) => e.load(data, dataOptions(), numberOf('batch')), target, 'The data could not be used');
  if (!summary) return false;
  summary.plan.trajectories.forEach((t, i) => {
    const row = state.rows[i];
    if (!row) return;
    row.frames = t.frames;
    row.samples = t.samples;
    if (t.warning) fileWarnings.set(row.file, t.warning);
    else fileWarnings.delete(row.file);
  });
  renderTable();
  state.loadedKey = key();
  if (target !== dataStatus) say(target, '');
  const cut = summary.plan.trajectories.filter((t) => t.warning).length;
  const cutNote = cut ? ` ⚠ ${cut} ${cut === 1 ? 'trajectory was' : 'trajectories were'} cut short and read up to the last complete frame (see the table).` : '';
  say(dataStatus, `${summary.samples} samples of ${dataOptions().frames} frames from ${state.rows.length} trajectories; ${summary.plan.points} atoms per frame; classes ${summary.classes.join(', ') || 'none yet (no labels)'}; about ${bytes(summary.plan.dataBytes)} in memory.${cutNote}`);
  return true;
}

/** The Read button: reads the table into the worker, reporting in the data status line. */
export function readTable() {
  setBusy(true);
  void readData(dataStatus).finally(() => setBusy(false));
}
