// The export buttons: predictions as CSV, metrics and settings as JSON, the shown trajectory's
// bead assignments (CSV) and features (JSON), the training curves and the molecule viewer as PNG.
// Everything is built in the page from results it already holds and offered as a download.
import type { Explanation } from 'molsig';
import { $, download, el, say } from './dom';
import { assignmentsCsv, predictionsCsv } from './results';
import { modelStatus, panel, state } from './state';

const text = (s: string, type: string) => new Blob([s], { type });

function exportPredictions(): void {
  download(text(predictionsCsv(state.predictions, state.classes), 'text/csv'), 'predictions.csv');
}

/** The current model's record: held-out metrics, history, the settings it was trained with and
 * its split — from the model itself, so a loaded model exports what its run measured. */
function exportMetrics(): void {
  const m = state.model;
  if (!m) { say(modelStatus, 'Train or load a model first.', true); return; }
  const record = {
    test: m.test_metrics, selectedEpoch: m.selected_epoch, stoppedEarly: m.stopped_early, history: m.history,
    settings: { input: m.input, model: m.model, training: m.training }, classes: m.classes, split: m.split,
    molsigVersion: m.molsig_version,
  };
  download(text(JSON.stringify(record, null, 2), 'application/json'), 'metrics.json');
}

function exportAssignments(): void {
  const e = panel.explanation;
  if (e) download(text(assignmentsCsv(e), 'text/csv'), `${e.name}-assignments.csv`);
  else say(modelStatus, 'Show a trajectory on the molecule first.', true);
}

/** The shown explanation without its PDB text. */
function exportFeatures(): void {
  const e: Explanation | undefined = panel.explanation;
  if (!e) { say(modelStatus, 'Show a trajectory on the molecule first.', true); return; }
  const { pdb: _pdb, ...features } = e;
  download(text(JSON.stringify(features), 'application/json'), `${e.name}-features.json`);
}

/** Both training charts, one above the other, in one PNG. */
function exportCharts(): void {
  const a = $<HTMLCanvasElement>('loss-chart');
  const b = $<HTMLCanvasElement>('accuracy-chart');
  const both = el('canvas', { width: Math.max(a.width, b.width), height: a.height + b.height });
  const g = both.getContext('2d');
  g?.drawImage(a, 0, 0);
  g?.drawImage(b, 0, a.height);
  both.toBlob((blob) => blob && download(blob, 'training-curves.png'), 'image/png');
}

function exportViewer(): void {
  void panel.png().then((png) => download(png, 'molecule.png'), (e) => say(modelStatus, `No image: ${String(e)}`, true));
}

/** Connects each export button to its export. */
export function listenToExports(): void {
  $<HTMLButtonElement>('export-predictions').addEventListener('click', exportPredictions);
  $<HTMLButtonElement>('export-metrics').addEventListener('click', exportMetrics);
  $<HTMLButtonElement>('export-assignments').addEventListener('click', exportAssignments);
  $<HTMLButtonElement>('export-features').addEventListener('click', exportFeatures);
  $<HTMLButtonElement>('export-charts').addEventListener('click', exportCharts);
  $<HTMLButtonElement>('export-viewer').addEventListener('click', exportViewer);
}
