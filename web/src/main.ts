// The page: collects files and options, talks to the compute worker, shows the results.
import type { BackendInfo, Inspection, Request, Response } from './worker/protocol';
import { showStructure } from './viewer/molstar';

type Pending = { resolve: (r: Response) => void };
/** A request before the id is assigned (Omit distributed over the union). */
type Unsent<T> = T extends unknown ? Omit<T, 'id'> : never;

const $ = <T extends HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page is missing #${id}`);
  return el as T;
};
const status = $('status');
const runButton = $<HTMLButtonElement>('run');
const demoButton = $<HTMLButtonElement>('demo');
const fileInput = $<HTMLInputElement>('files');
const drop = $('drop');
const selection = $<HTMLSelectElement>('selection');

let files: File[] = [];
let nextId = 1;
const pending = new Map<number, Pending>();
let worker = startWorker();

function startWorker(): Worker {
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  w.onmessage = (event: MessageEvent<Response>) => {
    pending.get(event.data.id)?.resolve(event.data);
    pending.delete(event.data.id);
  };
  // A trap in the wasm kills the worker's state: report it and start a fresh one.
  w.onerror = (event) => {
    setStatus(`The compute worker crashed (${event.message}); it has been restarted.`, true);
    for (const p of pending.values()) p.resolve({ type: 'error', id: -1, message: event.message, context: 'worker' });
    pending.clear();
    worker = startWorker();
    void init();
  };
  return w;
}

function call(request: Unsent<Request>): Promise<Response> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, { resolve });
    worker.postMessage({ ...request, id });
  });
}

function setStatus(text: string, error = false) {
  status.textContent = text;
  status.classList.toggle('error', error);
}

function describeBackend(b: BackendInfo): string {
  return b.kind === 'WebGPU' ? `WebGPU (${b.adapter})` : `CPU (${b.fallbackReason ?? 'WebGPU not used'})`;
}

async function init() {
  const r = await call({ type: 'init' });
  if (r.type === 'ready') {
    $('backend').textContent = describeBackend(r.backend);
    $('backend').dataset.kind = r.backend.kind;
    setStatus('Ready. Drop files or open the demo.');
    runButton.disabled = files.length === 0;
  } else if (r.type === 'error') {
    setStatus(`Could not start the compute worker: ${r.message}`, true);
  }
}

function pickFiles(list: File[]) {
  files = list;
  runButton.disabled = files.length === 0;
  setStatus(`${files.length} file(s): ${files.map((f) => f.name).join(', ')}`);
}

function show(result: Inspection) {
  $('atoms').textContent = String(result.atoms);
  $('residues').textContent = String(result.residues);
  $('bonds').textContent = String(result.bonds);
  $('frames').textContent = String(result.frames);
  $('selected').textContent = `${result.selection}: ${result.selected} atoms, ${result.selectedBonds} bonds`;
  const rg = result.radiusOfGyration;
  const mean = rg.reduce((a, b) => a + b, 0) / Math.max(rg.length, 1);
  $('rg').textContent = rg.length ? `${(rg[0] ?? 0).toFixed(3)} nm in frame 1, mean ${mean.toFixed(3)} nm` : '—';
  const warnings = $('warnings');
  warnings.replaceChildren(...result.warnings.map((w) => Object.assign(document.createElement('li'), { textContent: w })));
}

async function inspectFiles(list: File[]) {
  const topology = list.find((f) => /\.(pdb|ent|gro)$/i.test(f.name));
  const trajectory = list.find((f) => /\.xtc$/i.test(f.name)) ?? null;
  const unknown = list.filter((f) => f !== topology && f !== trajectory);
  if (!topology) {
    setStatus(`No topology among ${list.map((f) => f.name).join(', ')}: add a .pdb or .gro file.`, true);
    return;
  }
  if (unknown.length) {
    setStatus(`Unsupported file(s): ${unknown.map((f) => f.name).join(', ')} (expected .pdb, .gro, .xtc).`, true);
    return;
  }
  setStatus('Reading…');
  runButton.disabled = demoButton.disabled = true;
  const r = await call({ type: 'inspect', topology, trajectory, selection: selection.value });
  runButton.disabled = demoButton.disabled = false;
  if (r.type === 'error') {
    setStatus(`Error: ${r.message}`, true);
    return;
  }
  if (r.type !== 'inspection') return;
  show(r.result);
  setStatus(`Done: ${topology.name}${trajectory ? ` + ${trajectory.name}` : ''}.`);
  try {
    await showStructure($('viewer'), r.result.firstFramePdb, topology.name);
  } catch (e) {
    setStatus(`Done, but the 3D viewer failed: ${String(e)}`, true);
  }
}

async function openDemo() {
  const fetchFile = async (name: string) => new File([await (await fetch(`demo/${name}`)).blob()], name);
  pickFiles([await fetchFile('demo.pdb'), await fetchFile('demo.xtc')]);
  await inspectFiles(files);
}

fileInput.addEventListener('change', () => pickFiles([...(fileInput.files ?? [])]));
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  pickFiles([...(e.dataTransfer?.files ?? [])]);
});
runButton.addEventListener('click', () => void inspectFiles(files));
demoButton.addEventListener('click', () => void openDemo());
void init();
