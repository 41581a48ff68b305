// Models once trained or loaded: saving one as a `.molsig` file, loading one back, predicting new
// trajectories with it, and the per-trajectory results both training and prediction show — the
// predictions table, and one trajectory explained on the molecule panel. Training shows its
// results through here too, so this module imports only the shared state, never the table or
// training modules (which import it).
import type { CheckpointHeader, Predictions, TrajectoryPrediction } from 'molsig';
import { $, bytes, download, say } from './dom';
import { drawCurves } from './curves';
import { kindOf } from './files';
import { headlineMetrics, showConfusion, showMetrics, showPredictions } from './results';
import { attempt, exportButtons, input, modelStatus, panel, setBusy, state } from './state';

/** Which results the worker explains from: the training run's, or the last prediction's. */
export type Source = 'training' | 'new';

/** Makes `model` the current one and shows its record: curves, held-out metrics, confusion. */
export function showModel(model: CheckpointHeader) {
  state.model = model;
  state.hasModel = true;
  state.history = model.history;
  panel.newModel();
  state.crossValidation = null;
  $('cv').hidden = true;
  drawCurves();
  showMetrics($('metrics'), model);
  const { metrics, unit } = headlineMetrics(model);
  showConfusion($<HTMLTableElement>('confusion'), metrics, model.classes, unit);
}

/** Shows the trajectories' answers in the table (each row can be explained), keeps the
 * samples' for their export, and enables the exports. */
export function showResults(all: Predictions, source: Source) {
  const predictions = all.trajectories;
  state.predictions = predictions;
  state.samples = all.samples;
  state.classes = all.classes;
  const rows = () => {
    // Test trajectories first, on request (a stable sort keeps the file order within each part).
    const testFirst = input('test-first').checked;
    const order = testFirst ? [...predictions].sort((a, b) => Number(b.part === 'test') - Number(a.part === 'test')) : predictions;
    showPredictions($<HTMLTableElement>('predictions'), order, (p) => void explain(source, p));
  };
  input('test-first').onchange = rows;
  rows();
  for (const b of exportButtons) b.disabled = false;
}

/** Asks the worker to explain sample `sample` of `p` and shows it on the molecule; the panel's
 * sample picker asks for the trajectory's other samples. */
export async function explain(source: Source, p: TrajectoryPrediction, sample = 0, scroll = true) {
  // The viewer may sit below the fold: bring it into view at once, as feedback for the click.
  if (scroll) $('molecule').scrollIntoView({ behavior: 'smooth', block: 'start' });
  panel.onSample = (k) => void explain(source, p, k, false);
  const explanation = await attempt((e) => e.explain(source, p.trajectory, sample), modelStatus, `${p.name} could not be explained`);
  if (!explanation) return;
  try {
    await panel.show(explanation);
  } catch (e) {
    say(modelStatus, `The viewer failed: ${String(e)}`, true);
  }
}

/** Summarises the labelled training data per class with the current model and shows it. */
export async function compareClasses() {
  setBusy(true);
  const status = $('compare-status');
  say(status, 'Comparing the classes over every labelled sample…');
  const started = performance.now();
  const comparison = await attempt((e) => e.compare(), status, 'The classes could not be compared');
  setBusy(false);
  if (!comparison) return;
  panel.showComparison(comparison);
  const samples = comparison.classes.reduce((n, c) => n + c.samples, 0);
  say(status, `Compared ${comparison.classes.length} classes over ${samples} samples in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

export async function saveModel() {
  setBusy(true);
  const saved = await attempt((e) => e.saveModel(), modelStatus, 'The model could not be saved');
  setBusy(false);
  if (!saved) return;
  download(new Blob([saved as BlobPart], { type: 'application/octet-stream' }), `${$<HTMLSelectElement>('model').value}.molsig`);
  say(modelStatus, `Saved the model (${bytes(saved.byteLength)}).`);
}

export async function loadModel(file: File) {
  setBusy(true);
  const info = await attempt((e) => e.loadModel(file), modelStatus, 'The model could not be loaded');
  if (info) showModel(info);
  setBusy(false);
  if (!info) return;
  const m = info.model;
  const preset = m.kind === 'deep_signature' ? ` (${m.preset})` : '';
  const record = info.history.length ? `, trained ${info.history.length} epochs` : ' (no training record: an older model file)';
  say(modelStatus, `Loaded ${file.name}: ${m.kind}${preset}, classes ${info.classes.join(', ')}, ${info.input.selection} atoms (${info.atoms}), ${info.input.frames}-frame samples${record}. Choose trajectories to predict.`);
}

/** Predicts the chosen trajectories (labels from the table where a row matches by name). */
export async function predict() {
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
  const predictions = await attempt((e) => e.predict({ topology, files, labels }), modelStatus, 'Prediction failed');
  setBusy(false);
  if (!predictions) return;
  const seen = predictions.trajectories.filter((p) => p.seenInTraining !== null).map((p) => p.name);
  const note = seen.length ? ` ${seen.length} of them were in the model's training data (same size and content): ${seen.slice(0, 3).join(', ')}${seen.length > 3 ? ', …' : ''}.` : '';
  const cut = predictions.trajectories.filter((p) => p.warning).length;
  const cutNote = cut ? ` ⚠ ${cut} ${cut === 1 ? 'was' : 'were'} cut short and predicted from the complete frames (see the table).` : '';
  say(modelStatus, `Predicted ${predictions.trajectories.length} trajectories.${note}${cutNote}`, seen.length > 0 || cut > 0);
  showResults(predictions, 'new');
  const first = predictions.trajectories[0];
  if (first) await explain('new', first);
}
