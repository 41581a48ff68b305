// The browser side of web/tests/package.mjs, shared by every app it builds (the runner copies
// this one file into each app; the apps only import it and call `install()`).
//
// On load, `install()` starts the engine on the CPU, fetches the demo dataset (the runner copies
// it into the app's static folder as `demo/`) into `File`s and loads `molsig/signature`, then sets
// `window.molsigReady = true`. The runner then cuts the network and calls
// `window.molsigCheck(cases)`, which trains, predicts, saves the model and computes the
// signatures of the reference `cases`, all without a request, and returns JSON-serialisable
// results for the runner to compare with the CLI and the fixtures.
import { Molsig } from 'molsig';
import { loadSignature } from 'molsig/signature';

/** How the demo is read: the site's defaults (web/src/app/table.ts `dataOptions()`). */
export const DATA_OPTIONS = { selection: 'heavy', frames: 50, stride: 50, align: true };
export const BATCH_SIZE = 8;
/** The site's defaults (web/src/app/training.ts `trainRequest()`) with 2 epochs. */
export const TRAIN_REQUEST = {
  model: 'improved', beads: 4, epochs: 2, batchSize: BATCH_SIZE, learningRate: 0.001,
  validation: 0.2, test: 0.2, seed: 0,
};

function show(text) {
  const el = typeof document === 'undefined' ? null : document.getElementById('molsig-status');
  if (el) el.textContent = text;
}

/** The bytes as base64, in chunks (a spread of a large array overflows the stack). */
function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

let started = null;

/** Starts the engine and fetches everything the check needs; idempotent. `demo`: the demo
 * folder's URL, relative to the page. */
export function install(demo = 'demo/') {
  started ??= prepare(demo).catch((e) => {
    const message = String(e?.stack ?? e);
    window.molsigError = message;
    show(`failed: ${message}`);
    console.error('molsig check could not start:', e);
  });
  return started;
}

async function prepare(demo) {
  show('starting the engine…');
  const progress = { calls: 0, loaded: 0, total: 0 };
  const startedAt = performance.now();
  // `?workerUrl=…&wasmUrl=…`: the app hosts the engine's files itself (the runner's own-urls mode).
  const query = new URLSearchParams(location.search);
  const engine = await Molsig.create({
    backend: 'cpu',
    workerUrl: query.get('workerUrl') ?? undefined,
    wasmUrl: query.get('wasmUrl') ?? undefined,
    onLoadProgress: (loaded, total) => Object.assign(progress, { calls: progress.calls + 1, loaded, total }),
  });
  const engineMs = performance.now() - startedAt;
  show('fetching the demo…');
  const base = new URL(demo, location.href);
  const get = async (name) => {
    const response = await fetch(new URL(name, base));
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
    return new File([await response.blob()], name);
  };
  const manifest = await (await get('manifest.csv')).text();
  const rows = manifest.trim().split('\n').slice(1).map((line) => {
    const [, trajectory = '', label = '', group = ''] = line.trim().split(',');
    return { trajectory, label, group };
  });
  const topology = await get('peptide.pdb');
  const files = await Promise.all(rows.map((r) => get(r.trajectory)));
  const signatures = await loadSignature();
  const data = {
    topology, files, labels: rows.map((r) => r.label), groups: rows.map((r) => r.group),
  };

  window.molsigCheck = async (cases) => {
    const times = {};
    const time = async (name, f) => {
      const t = performance.now();
      try {
        return await f();
      } finally {
        times[name] = Math.round(performance.now() - t);
      }
    };
    show('loading the data…');
    const dataset = await time('load', () => engine.load(data, DATA_OPTIONS, BATCH_SIZE));
    show('training…');
    const events = { started: 0, batch: 0, epoch: 0 };
    const trained = await time('train', () => engine.train(TRAIN_REQUEST, {
      onProgress: (event) => { events[event.type] = (events[event.type] ?? 0) + 1; },
    }));
    show('predicting…');
    const predictions = await time('predict', () => engine.predict({ topology, files, labels: data.labels }));
    const model = await time('save', () => engine.saveModel());
    show('signatures…');
    const sig = await time('signatures', () => cases.map((c) => {
      const path = { data: c.input, batch: c.batch, length: c.length, channels: c.channels };
      return {
        name: c.name,
        signature: Array.from(signatures.signature(path, c.depth)),
        logSignature: Array.from(signatures.logSignature(path, c.depth)),
        logSignatureExpanded: Array.from(signatures.logSignatureExpanded(path, c.depth)),
        sigLength: signatures.sigLength(c.channels, c.depth),
        logsigLength: signatures.logsigLength(c.channels, c.depth),
        lyndonLabels: signatures.lyndonLabels(c.channels, c.depth),
      };
    }));
    show('done');
    return {
      backend: engine.backend,
      loadProgress: progress,
      engineMs: Math.round(engineMs),
      times,
      dataOptions: DATA_OPTIONS,
      trainRequest: TRAIN_REQUEST,
      dataset: { samples: dataset.samples, classes: dataset.classes, points: dataset.plan.points },
      events,
      trained: {
        epochs: trained.model.history.length,
        selectedEpoch: trained.model.selected_epoch,
        classes: trained.model.classes,
        predictions: trained.predictions,
      },
      predictions,
      model: base64(model),
      signatures: sig,
    };
  };
  window.molsigReady = true;
  show('ready');
}
