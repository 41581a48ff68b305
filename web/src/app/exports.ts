// The export buttons: predictions as CSV, metrics and settings as JSON, the shown trajectory's
// bead assignments (CSV) and features (JSON), the training curves and the molecule viewer as PNG.
// Everything is built in the page from results it already holds and offered as a download.
import { version, type Explanation } from 'molsig';
import { $, download, el, say } from './dom';
import { assignmentsCsv, predictionsCsv, samplePredictionsCsv } from './results';
import { modelStatus, panel, state } from './state';

const text = (s: string, type: string) => new Blob([s], { type });

function exportPredictions(): void {
  download(text(predictionsCsv(state.predictions, state.classes), 'text/csv'), 'predictions.csv');
}

function exportSamplePredictions(): void {
  download(text(samplePredictionsCsv(state.samples, state.predictions, state.classes), 'text/csv'), 'sample-predictions.csv');
}

/** The current model's record: held-out metrics, history, the settings it was trained with and
 * its split — from the model itself, so a loaded model exports what its run measured. */
function exportMetrics(): void {
  const m = state.model;
  if (!m) { say(modelStatus, 'Train or load a model first.', true); return; }
  const record = {
    test: { perTrajectory: m.test_trajectory_metrics, perSample: m.test_metrics }, selectedEpoch: m.selected_epoch, stoppedEarly: m.stopped_early, history: m.history,
    settings: { input: m.input, model: m.model, training: m.training }, classes: m.classes,
    classOrder: 'confusion rows (true class) and columns (predicted class), and every list of probabilities, follow `classes`',
    split: m.split,
    crossValidation: state.crossValidation,
    pageVersion: version,
    molsigVersion: m.molsig_version,
  };
  download(text(JSON.stringify(record, null, 2), 'application/json'), 'metrics.json');
}

function exportAssignments(): void {
  const e = panel.explanation;
  if (e) download(text(assignmentsCsv(e), 'text/csv'), `${e.name}-assignments.csv`);
  else say(modelStatus, 'Show a trajectory on the molecule first.', true);
}

/** The shown explanation as a documented file: camelCase names, each array's shape and unit
 * stated, beads numbered from 1 as on screen (array index + 1), no PDB text or atom frames. */
function featuresJson(e: Explanation, classes: string[], modelVersion: string | undefined): string {
  return JSON.stringify({
    pageVersion: version,
    molsigVersion: modelVersion ?? null,
    trajectory: e.name,
    sample: e.sample + 1,
    firstFrame: e.firstFrame,
    timesPs: e.timesPs,
    frames: e.frames,
    points: e.points,
    beads: e.beads,
    classes,
    units: {
      assignments: 'flat, row-major [points][beads], membership of each point in each bead (rows sum to 1); bead k is index k − 1',
      beadPositions: 'flat, row-major [frames][beads][3], Å: membership-weighted centroids of the points, in the frame of the viewer',
      signedPaths: 'flat, row-major [frames][beads][3], nm: the back-mapped bead path the signature reads',
      couplings: 'flat, row-major [beads][beads], nm²: Frobenius norm of the 3×3 block of level-2 Lévy areas of signedPaths between two beads',
      attributions: 'flat, row-major [points], logit units: gradient × input of the predicted class, summed over frames and axes',
      assignmentEntropy: 'mean normalised row entropy of the assignments: 1 uniform, 0 hard',
      timesPs: 'flat [frames], ps: each frame\'s time as the trajectory file records it (empty when it records none)',
      sample: 'which of the trajectory\'s samples, from 1; firstFrame is its first frame, from 0',
    },
    pointLabels: e.pointLabels,
    assignments: e.assignments,
    beadPositions: e.beadPositions,
    signedPaths: e.signed_paths,
    couplings: e.couplings,
    attributions: e.attributions,
    assignmentEntropy: e.assignment_entropy,
    warning: e.warning,
  }, null, 1);
}

function exportFeatures(): void {
  const e: Explanation | undefined = panel.explanation;
  if (!e) { say(modelStatus, 'Show a trajectory on the molecule first.', true); return; }
  download(text(featuresJson(e, state.classes, state.model?.molsig_version), 'application/json'), `${e.name}-features.json`);
}

/** Height of the line under an exported image that names the page's version. */
const FOOTER = 22;

/** Writes what made the image, and when, on the footer line at `y`. */
function footer(g: CanvasRenderingContext2D, y: number, what: string): void {
  g.fillStyle = '#555';
  g.font = '12px system-ui, sans-serif';
  g.fillText(`${what} — molsig ${version} (web page), ${new Date().toISOString().slice(0, 10)}`, 8, y + 15);
}

/** The training charts, one above the other, in one PNG, with the page's version. */
function exportCharts(): void {
  const charts = ['loss-chart', 'accuracy-chart', 'components-chart'].map((id) => $<HTMLCanvasElement>(id));
  const all = el('canvas', { width: Math.max(...charts.map((c) => c.width)), height: charts.reduce((h, c) => h + c.height, 0) + FOOTER });
  const g = all.getContext('2d');
  if (!g) return;
  g.fillStyle = '#fff';
  g.fillRect(0, 0, all.width, all.height);
  let y = 0;
  for (const c of charts) {
    g.drawImage(c, 0, y);
    y += c.height;
  }
  footer(g, y, 'Training curves');
  all.toBlob((blob) => blob && download(blob, 'training-curves.png'), 'image/png');
}

/** The 3D view with its colour legend (from the page's legend) and the page's version below. */
async function viewerWithLegend(png: Blob): Promise<Blob> {
  const image = await createImageBitmap(png);
  const items = [...document.querySelectorAll<HTMLElement>('#legend li')].map((li) => ({
    colour: li.querySelector<HTMLElement>('.swatch')?.style.background ?? '#fff',
    text: li.textContent ?? '',
  }));
  const line = 18;
  const canvas = el('canvas', { width: Math.max(image.width, 480), height: image.height + 10 + items.length * line + FOOTER });
  const g = canvas.getContext('2d');
  if (!g) return png;
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.drawImage(image, 0, 0);
  g.font = '13px system-ui, sans-serif';
  items.forEach((item, i) => {
    const y = image.height + 10 + i * line;
    g.fillStyle = item.colour;
    g.fillRect(8, y + 2, 14, 14);
    g.fillStyle = '#111';
    g.fillText(item.text, 30, y + 14);
  });
  footer(g, image.height + 10 + items.length * line, `${$('explained').textContent?.replace(/^— /, '') ?? ''}, coloured by ${$<HTMLSelectElement>('colour-mode').selectedOptions[0]?.textContent ?? ''}`);
  return new Promise((resolve) => canvas.toBlob((b) => resolve(b ?? png), 'image/png'));
}

function exportViewer(): void {
  void panel.png().then(viewerWithLegend).then((png) => download(png, 'molecule.png'), (e) => say(modelStatus, `No image: ${String(e)}`, true));
}

/** Connects each export button to its export. */
export function listenToExports(): void {
  $<HTMLButtonElement>('export-predictions').addEventListener('click', exportPredictions);
  $<HTMLButtonElement>('export-sample-predictions').addEventListener('click', exportSamplePredictions);
  $<HTMLButtonElement>('export-metrics').addEventListener('click', exportMetrics);
  $<HTMLButtonElement>('export-assignments').addEventListener('click', exportAssignments);
  $<HTMLButtonElement>('export-features').addEventListener('click', exportFeatures);
  $<HTMLButtonElement>('export-charts').addEventListener('click', exportCharts);
  $<HTMLButtonElement>('export-viewer').addEventListener('click', exportViewer);
}
