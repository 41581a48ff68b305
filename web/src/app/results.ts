// Held-out metrics, the confusion matrix, per-trajectory predictions, and their exports.
import { version, type CheckpointHeader, type Metrics, type SamplePrediction, type TrajectoryPrediction, type Explanation } from 'molsig';
import { el, warningRow } from './dom';

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

/** The held-out metrics to lead with: one answer per trajectory (the mean of its samples'
 * probabilities), else — in a model file from before molsig recorded it — one per sample. */
export function headlineMetrics(model: CheckpointHeader): { metrics: Metrics | null; unit: 'trajectory' | 'sample' } {
  return model.test_trajectory_metrics
    ? { metrics: model.test_trajectory_metrics, unit: 'trajectory' }
    : { metrics: model.test_metrics, unit: 'sample' };
}

/** A model's held-out metrics as a definition list, or a note when there was no test set.
 * Each number says whether it counts trajectories or samples. */
export function showMetrics(target: HTMLElement, model: CheckpointHeader): void {
  const { metrics: m, unit } = headlineMetrics(model);
  const samples = model.test_metrics;
  const rows: [string, string][] = m
    ? [
        [`Test accuracy (per ${unit})`, pct(m.accuracy)],
        [`Balanced accuracy (per ${unit})`, pct(m.balanced_accuracy)],
        [`F1 (per ${unit})`, m.f1.toFixed(3)],
        [`ROC-AUC (per ${unit})`, m.roc_auc === null ? 'n/a' : m.roc_auc.toFixed(3)],
        [`Test ${unit === 'trajectory' ? 'trajectories' : 'samples'}`, String(m.count)],
        ...(unit === 'trajectory' && samples
          ? [['Test accuracy (per sample)', pct(samples.accuracy)], ['Test samples', String(samples.count)]] as [string, string][]
          : []),
      ]
    : [['Test', 'no test trajectories (set a test share above 0)']];
  const epochs = model.history.length ? ` of ${model.history.length}${model.stopped_early ? ' (stopped early)' : ''}` : '';
  rows.push(['Epoch kept', `${model.selected_epoch}${epochs}`]);
  const list = el('dl', { id: 'metrics-list' });
  for (const [k, v] of rows) list.append(el('dt', {}, k), el('dd', {}, v));
  const warning = splitWarning(model);
  target.replaceChildren(list, ...(warning ? [el('p', { className: 'warning', id: 'split-warning' }, warning)] : []));
}

/** Fewer than two test trajectories per class, or a class missing from the test set: the test
 * accuracy then says little, and the page says so (from the split the model file records). */
export function splitWarning(model: CheckpointHeader): string | null {
  const test = model.split.filter((t) => t.part === 'test');
  if (!model.test_metrics || model.split.length === 0) return null;
  const present = model.classes.filter((c) => test.some((t) => t.label === c));
  const missing = model.classes.filter((c) => !present.includes(c));
  const few = model.classes.filter((c) => test.filter((t) => t.label === c).length < 2);
  if (!missing.length && !few.length) return null;
  const what = missing.length
    ? `the test set has no trajectory of ${missing.join(', ')}`
    : `the test set has fewer than two trajectories of ${few.join(', ')}`;
  return `⚠ ${test.length} test ${test.length === 1 ? 'trajectory' : 'trajectories'}: ${what}, so the test accuracy rests on very few trajectories and may be far from the truth. Add trajectories, raise the test share, or set cross-validation folds in the settings.`;
}

/** Rows = true class, columns = predicted class; `unit` is what each count counts. */
export function showConfusion(table: HTMLTableElement, metrics: Metrics | null, classes: string[], unit: 'trajectory' | 'sample'): void {
  table.replaceChildren();
  if (!metrics) return;
  table.append(el('caption', {}, `Confusion matrix (test ${unit === 'trajectory' ? 'trajectories' : 'samples'}): rows true, columns predicted`));
  const head = el('tr', {}, el('th', { scope: 'col' }, ''));
  for (const c of classes) head.append(el('th', { scope: 'col' }, c));
  table.append(el('thead', {}, head));
  const body = el('tbody');
  metrics.confusion.forEach((row, i) => {
    const tr = el('tr', {}, el('th', { scope: 'row' }, classes[i] ?? String(i)));
    for (const v of row) tr.append(el('td', {}, String(v)));
    body.append(tr);
  });
  table.append(body);
}

/** One row per trajectory; `onSelect` explains the chosen one, whose row stays marked. */
export function showPredictions(
  table: HTMLTableElement,
  predictions: TrajectoryPrediction[],
  onSelect: (p: TrajectoryPrediction) => void,
): void {
  table.replaceChildren(
    el('thead', {}, el('tr', {}, ...['Trajectory', 'Set', 'Label', 'Predicted', 'p', ''].map((h) => el('th', { scope: 'col', title: h === 'p' ? 'mean probability of the predicted class over the trajectory’s samples' : '' }, h)))),
  );
  const body = el('tbody');
  for (const p of predictions) {
    const right = p.label === null ? '' : !p.labelKnown ? '(label not a model class)' : p.label === p.predicted ? '✓' : '✗';
    const show = el('button', { type: 'button', className: 'small' }, 'Show');
    show.setAttribute('aria-label', `Show ${p.name} on the molecule`);
    show.addEventListener('click', () => {
      for (const row of body.querySelectorAll('tr[aria-current]')) row.removeAttribute('aria-current');
      tr.setAttribute('aria-current', 'true');
      onSelect(p);
    });
    const tr = el('tr', {},
      el('td', {}, p.name), el('td', {}, p.part), el('td', {}, p.label ?? '—'),
      el('td', {}, `${p.predicted} ${right}`), el('td', {}, pct(p.confidence)), el('td', {}, show));
    tr.dataset.part = p.part;
    body.append(tr);
    if (p.warning) body.append(warningRow(p.name, p.warning, 6));
  }
  table.append(body);
}

/** The first line of every CSV the page writes: which molsig wrote it (pandas reads past it with
 * `comment='#'`, numpy's loadtxt by default). */
export const csvVersionLine = `# molsig ${version} (web page)`;

const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function predictionsCsv(predictions: TrajectoryPrediction[], classes: string[]): string {
  const head = ['trajectory', 'set', 'label', 'predicted', 'confidence', 'samples', ...classes.map((c) => `p_${c}`)];
  const lines = predictions.map((p) =>
    [p.name, p.part, p.label ?? '', p.predicted, p.confidence.toFixed(6), String(p.samples), ...p.probabilities.map((v) => v.toFixed(6))]
      .map(quote).join(','));
  return [csvVersionLine, head.map(quote).join(','), ...lines].join('\n') + '\n';
}

/** One row per sample (window of frames), with its trajectory's part of the split. */
export function samplePredictionsCsv(samples: SamplePrediction[], trajectories: TrajectoryPrediction[], classes: string[]): string {
  const head = ['trajectory', 'set', 'start_frame', 'label', 'predicted', 'confidence', ...classes.map((c) => `p_${c}`)];
  const lines = samples.map((s) =>
    [s.name, trajectories[s.trajectory]?.part ?? '', String(s.startFrame), s.label ?? '', s.predicted, s.confidence.toFixed(6), ...s.probabilities.map((v) => v.toFixed(6))]
      .map(quote).join(','));
  return [csvVersionLine, head.map(quote).join(','), ...lines].join('\n') + '\n';
}

/** Memberships of every point in every bead, with the point's label. */
export function assignmentsCsv(e: Explanation): string {
  // Beads numbered from 1, as the legend and the viewer number them.
  const head = ['point', ...Array.from({ length: e.beads }, (_, b) => `bead${b + 1}`), 'attribution'];
  const lines = e.pointLabels.map((label, i) =>
    [quote(label), ...e.assignments.slice(i * e.beads, (i + 1) * e.beads).map((v) => v.toFixed(6)), (e.attributions[i] ?? 0).toExponential(4)].join(','));
  return [csvVersionLine, head.join(','), ...lines].join('\n') + '\n';
}
