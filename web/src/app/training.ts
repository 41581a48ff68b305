// The training section: the model's settings from the form, a training run with its progress
// line and live loss/accuracy curves, cancelling it, and what it ends with — held-out metrics,
// the confusion matrix, per-trajectory predictions, and the first test trajectory explained.
// The data itself comes from the table module's `readData`.
import type { CrossValidation, TrainEvent, TrainRequest, TrainSummary } from 'molsig';
import { drawCurves } from './curves';
import { $, duration, el, say } from './dom';
import { explain, showModel, showResults } from './models';
import { headlineMetrics } from './results';
import { engine, messageOf, numberOf, setBusy, state, trainStatus } from './state';
import { readData } from './table';

/** The model and optimisation settings, from the form. */
export function trainRequest(): TrainRequest {
  return {
    model: $<HTMLSelectElement>('model').value, beads: numberOf('beads'),
    epochs: numberOf('epochs'), batchSize: numberOf('batch'), learningRate: numberOf('lr'),
    validation: numberOf('validation'), test: numberOf('test'), seed: numberOf('seed'),
  };
}

/** A handler of the run's events: the progress bar and line, and the curves after each epoch.
 * With `folds`, every fold starts with its own `started` event and its own curves. */
function onProgress(started: number, epochs: number, folds = 1) {
  const progress = $<HTMLProgressElement>('progress');
  let fold = 0;
  return (event: TrainEvent) => {
    const prefix = folds > 1 ? `Fold ${fold} of ${folds}: ` : '';
    if (event.type === 'started') {
      fold += 1;
      state.history = [];
      drawCurves();
      say(trainStatus, `${folds > 1 ? `Fold ${fold} of ${folds}: ` : ''}${event.model}: ${event.parameters.toLocaleString()} parameters; ${event.train_samples} training and ${event.validation_samples} validation samples.`);
    } else if (event.type === 'batch') {
      const done = (fold - 1 + (event.epoch - 1 + event.batch / event.batches) / epochs) / folds;
      progress.value = done;
      const elapsed = (performance.now() - started) / 1000;
      const eta = done > 0 ? (elapsed * (1 - done)) / done : NaN;
      say(trainStatus, `${prefix}Epoch ${event.epoch}/${epochs}, batch ${event.batch}/${event.batches}: loss ${event.loss.toFixed(4)} — ${duration(elapsed)} elapsed, about ${duration(eta)} left (at most; early stopping may end sooner).`);
    } else {
      state.history.push(event);
      drawCurves();
    }
  };
}

/** Reads the data if needed, trains, and shows the results. */
export async function train() {
  setBusy(true);
  try {
    const unlabelled = state.rows.filter((r) => !r.label);
    if (unlabelled.length) {
      say(trainStatus, `Give every trajectory a label before training (${unlabelled.length} without: ${unlabelled.slice(0, 3).map((r) => r.file.name).join(', ')}…), or remove them.`, true);
      return;
    }
    if (!(await readData(trainStatus))) return;
    // The shown model's curves, put back if this run ends without a model (cancel, failure), so
    // that curves, metrics and table never mix two runs.
    const shown = state.history;
    state.history = [];
    drawCurves();
    const request = trainRequest();
    const folds = numberOf('folds');
    $<HTMLProgressElement>('progress').value = 0;
    let summary: TrainSummary;
    let cv: CrossValidation | null = null;
    try {
      const started = performance.now();
      if (folds >= 2) {
        const run = await (await engine).crossValidate(request, folds, { onProgress: onProgress(started, request.epochs ?? 0, folds) });
        summary = run.last;
        cv = run.crossValidation;
      } else {
        summary = await (await engine).train(request, { onProgress: onProgress(started, request.epochs ?? 0) });
      }
    } catch (e) {
      const message = messageOf(e);
      const epochs = state.history.length;
      state.history = shown;
      drawCurves();
      const kept = state.hasModel ? ' The curves, results and model shown are the earlier run’s.' : '';
      if (/cancel/i.test(message)) say(trainStatus, `Training cancelled after ${epochs} epoch(s). Your data and settings are kept.${kept}`);
      else say(trainStatus, `Training failed: ${message}${kept}`, true);
      return;
    }
    $<HTMLProgressElement>('progress').value = 1;
    const header = summary.model;
    showModel(header);
    state.crossValidation = cv;
    showCrossValidation(cv);
    const { metrics: m, unit } = headlineMetrics(header);
    const pct = (v: number) => (100 * v).toFixed(1);
    say(trainStatus, cv
      ? `Trained ${cv.folds.length} models (${cv.folds.length}-fold cross-validation): test accuracy ${pct(cv.trajectoryAccuracy.mean)} ± ${pct(cv.trajectoryAccuracy.sd)} % per trajectory (mean ± sd over folds). Shown below: fold ${cv.folds.length}'s model (${header.history.length} epochs, kept epoch ${header.selected_epoch}).`
      : `Trained: ${header.history.length} epochs, kept epoch ${header.selected_epoch}${m ? `; test accuracy ${pct(m.accuracy)} % per ${unit}` : ''}.`);
    const predictions = summary.predictions;
    showResults(predictions, 'training');
    const first = predictions.trajectories.find((p) => p.part === 'test') ?? predictions.trajectories[0];
    if (first) await explain('training', first);
  } finally {
    setBusy(false);
  }
}

/** Each fold's held-out trajectories and test metrics, and the mean ± sd over folds (hidden
 * without a cross-validation). */
function showCrossValidation(cv: CrossValidation | null): void {
  const table = $<HTMLTableElement>('cv');
  table.hidden = !cv;
  table.replaceChildren();
  if (!cv) return;
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  // Five columns, as many as the results column holds at 1280 px; the balanced accuracies are in
  // the metrics export.
  const head = ['Fold', 'Test trajectories', 'Accuracy per trajectory', 'Accuracy per sample', 'Epoch kept'];
  const spread = (s: { mean: number; sd: number }) => `${pct(s.mean)} ± ${pct(s.sd)}`;
  table.append(
    el('caption', {}, `${cv.folds.length}-fold cross-validation: each fold's model tested on trajectories it never saw. A trajectory's answer is the mean of its samples' probabilities.`),
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...cv.folds.map((f, k) => el('tr', {},
      el('th', { scope: 'row' }, String(k + 1)), el('td', {}, f.test.join(', ')),
      el('td', {}, pct(f.byTrajectory.accuracy)), el('td', {}, pct(f.bySample.accuracy)),
      el('td', {}, String(f.selectedEpoch))))),
    el('tfoot', {}, el('tr', {},
      el('th', { scope: 'row' }, 'mean ± sd'), el('td', {}, ''),
      el('td', {}, spread(cv.trajectoryAccuracy)), el('td', {}, spread(cv.sampleAccuracy)),
      el('td', {}, ''))),
  );
}

/** Asks the worker to stop after the current batch (sent at once, not queued behind training). */
export function cancelTraining() {
  void engine.then((e) => e.cancel());
  say(trainStatus, 'Cancelling after this batch…');
}
