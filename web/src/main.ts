// The page: collects files and labels, sends jobs to the compute worker, shows progress and
// results. Data flows one way: table → worker (read, train, predict, explain) → results and
// viewer. Everything the user entered stays in this page when a job or the worker fails. This
// file only wires the page's controls to the modules in `app/` and starts the engine; the shared
// state and the engine (the npm package's `Molsig`) live in `app/state.ts`.
import { $ } from './app/dom';
import { droppedFiles } from './app/files';
import { listenToExports } from './app/exports';
import { compareClasses, loadModel, predict, saveModel } from './app/models';
import { buttons, engine, input, startEngine } from './app/state';
import { ALIGNING_MODELS, addFiles, clearTable, describeSystem, forgetLoadedData, labelsFromNames, loadDemo, readTable } from './app/table';
import { drawCurves } from './app/curves';
import { cancelTraining, train } from './app/training';
import { version, type CrashKind } from 'molsig';

/** The drop zone takes files and folders; focused, Enter or Space opens the file chooser. */
function listenToDropZone() {
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
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
}

listenToExports();
listenToDropZone();
for (const id of ['files', 'folder']) input(id).addEventListener('change', () => void addFiles([...(input(id).files ?? [])]));
input('model-file').addEventListener('change', () => { const f = input('model-file').files?.[0]; if (f) void loadModel(f); });
$('labels-from-names').addEventListener('click', labelsFromNames);
$('clear').addEventListener('click', clearTable);
for (const id of ['selection', 'frames', 'stride', 'batch']) $(id).addEventListener('change', forgetLoadedData);
buttons.demo.addEventListener('click', () => void loadDemo());
buttons.train.addEventListener('click', () => void train());
buttons.read.addEventListener('click', readTable);
$('selection').addEventListener('change', () => void describeSystem());
// Each preset's own alignment (improved aligns; reference reproduces the authors' code, which does
// not); models that cannot align get the box unticked and switched off.
$('model').addEventListener('change', () => {
  const model = $<HTMLSelectElement>('model').value;
  const align = input('align');
  align.disabled = !ALIGNING_MODELS.includes(model);
  align.checked = !align.disabled && model !== 'reference';
});
buttons.cancel.addEventListener('click', cancelTraining);
buttons.save.addEventListener('click', () => void saveModel());
buttons.predict.addEventListener('click', () => void predict());
buttons.compare.addEventListener('click', () => void compareClasses());
$('version').textContent = `molsig ${version}`;
drawCurves();
// Canvases keep the pixels they were drawn with: redraw the curves at their new size.
new ResizeObserver(() => drawCurves()).observe($('loss-chart'));
void startEngine();

// Test hook, only with `?testing` in the address: the e2e tests ask the worker for a real wasm
// trap, the failure the worker's restart exists for. No control of the page sends it.
if (new URLSearchParams(location.search).has('testing')) {
  const crash = async (kind: CrashKind, deferred: boolean) => {
    try {
      return await (await engine).crashForTesting(kind, deferred);
    } catch (e) {
      return { type: 'error', message: e instanceof Error ? e.message : String(e) }; // no engine started
    }
  };
  Object.assign(window, { molsigTest: { crash } });
}
