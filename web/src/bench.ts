// The benchmark page (bench.html): signature throughput and training-epoch time, each on burn's
// CPU backend (wasm) and on WebGPU, measured in the same worker as the app uses, one after the
// other. When done, #bench-json holds the whole result as JSON and data-done="true", so that a
// script (web/tests/bench.mjs, run by `cargo xtask bench browser`) can read it.
import { Molsig, type BackendChoice, type BackendInfo, type EpochRun, type SignatureRun } from 'molsig';
import { $, el, say } from './app/dom';

/** Signature shapes (batch, points, channels, depth): few channels and deep, many and shallow. */
const SIGNATURES = [
  { batch: 64, length: 50, channels: 3, depth: 4 },
  { batch: 32, length: 100, channels: 8, depth: 3 },
];
/** Timed calls per signature measurement (after one warm-up call). */
const REPEATS = 5;
/** Training: 2 × perClass synthetic graphs; the worker times the second of two epochs. 8 graphs
 * make one batch, one optimiser step per epoch: on SwiftShader (software WebGPU, 2 cores) a step
 * takes about a minute and the first epoch two, which bounds the run to a few minutes. */
const EPOCH = { perClass: 4, nodes: 40, frames: 50, beads: 4 };

/** One measurement: the worker's report, or why there is none. */
type Measurement = SignatureRun | EpochRun | { error: string };

interface Case {
  what: string;
  cpu: Measurement;
  gpu: Measurement;
}

interface Result {
  date: string;
  userAgent: string;
  backend: BackendInfo;
  totalSeconds: number;
  cases: Case[];
}

const status = $('status');
const output = $('bench-json');
const runButton = $<HTMLButtonElement>('run');
/** `?backend=webgpu|cpu` in the address chooses the backend, as on the main page. */
const engine = Molsig.create({
  backend: (new URLSearchParams(location.search).get('backend') ?? 'auto') as BackendChoice,
  onRestart: (reason) => say(status, `The compute engine stopped (${reason}); a new one is starting.`, true),
});
let backend: BackendInfo | null = null;

/** The run's report, or its error as the measurement. */
async function measurement(run: Promise<SignatureRun | EpochRun>): Promise<Measurement> {
  try {
    return await run;
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

const seconds = (m: Measurement) => ('seconds' in m ? m.seconds : null);

function cell(m: Measurement): string {
  if ('error' in m) return m.error;
  const s = `${m.seconds.toPrecision(3)} s`;
  return 'pathsPerSecond' in m ? `${s} (${Math.round(m.pathsPerSecond).toLocaleString('en')} paths/s)` : s;
}

function showRow(c: Case) {
  const cpu = seconds(c.cpu);
  const gpu = seconds(c.gpu);
  const ratio = cpu !== null && gpu !== null ? `${(cpu / gpu).toFixed(2)}×` : '—';
  $('results').querySelector('tbody')?.append(el('tr', {}, el('td', {}, c.what), el('td', {}, cell(c.cpu)),
    el('td', {}, cell(c.gpu)), el('td', {}, ratio)));
}

/** Runs one case on the CPU, then on WebGPU (the worker answers an error when it has none). */
async function measure(what: string, job: (engine: Molsig, gpu: boolean) => Promise<SignatureRun | EpochRun>): Promise<Case> {
  const e = await engine;
  say(status, `${what}: CPU…`);
  const cpu = await measurement(job(e, false));
  say(status, `${what}: CPU ${cell(cpu)}; WebGPU…`);
  const gpu = await measurement(job(e, true));
  const c = { what, cpu, gpu };
  say(status, `${what}: CPU ${cell(cpu)}; WebGPU ${cell(gpu)}`);
  showRow(c);
  return c;
}

async function run() {
  runButton.disabled = true;
  output.textContent = '';
  delete output.dataset.done;
  $('results').querySelector('tbody')?.replaceChildren();
  const start = performance.now();
  try {
    const cases: Case[] = [];
    for (const s of SIGNATURES) {
      cases.push(await measure(`signature, batch ${s.batch}, length ${s.length}, channels ${s.channels}, depth ${s.depth}`,
        (engine, gpu) => engine.benchmarkSignature(gpu, s, REPEATS)));
    }
    const e = EPOCH;
    cases.push(await measure(`training epoch, Deep Signature improved, ${2 * e.perClass} graphs × ${e.nodes} nodes × ${e.frames} frames, ${e.beads} beads, batch 8`,
      (engine, gpu) => engine.benchmarkEpoch(gpu, e)));
    const result: Result = {
      date: new Date().toISOString(),
      userAgent: navigator.userAgent,
      backend: backend ?? { kind: 'CPU', adapter: '', fallbackReason: 'the worker did not start' },
      totalSeconds: (performance.now() - start) / 1000,
      cases,
    };
    output.textContent = JSON.stringify(result, null, 2);
    output.dataset.done = 'true';
    say(status, `Done in ${result.totalSeconds.toFixed(0)} s.`);
  } catch (e) {
    // A script waiting for the JSON sees the error instead of timing out.
    output.textContent = `error: ${e instanceof Error ? e.message : String(e)}`;
    output.dataset.done = 'error';
    say(status, output.textContent, true);
  } finally {
    runButton.disabled = false;
  }
}

async function start() {
  const line = $('backend');
  try {
    backend = (await engine).backend;
  } catch (e) {
    say(status, `Could not start the compute engine: ${e instanceof Error ? e.message : String(e)}`, true);
    return;
  }
  line.textContent = backend.kind === 'WebGPU' ? `WebGPU (${backend.adapter})` : `CPU — ${backend.fallbackReason ?? 'WebGPU not used'}`;
  line.dataset.kind = backend.kind;
  runButton.disabled = false;
  say(status, 'Ready.');
}

runButton.addEventListener('click', () => void run());
void start();
