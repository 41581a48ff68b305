// The training section: the model's settings from the form, a training run with its progress
// line and live loss/accuracy curves, cancelling it, and what it ends with — held-out metrics,
// the confusion matrix, per-trajectory predictions, and the first test trajectory explained.
// The data itself comes from the table module's `readData`.
import type { TrainEvent, TrainRequest } from 'molsig';
import { drawCurves } from './curves';
import { $, duration, say } from './dom';
import { explain, showModel, showResults } from './models';
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

/** A handler of the run's events: the progress bar and line, and the curves after each epoch. */
function onProgress(started: number, epochs: number) {
  const progress = $<HTMLProgressElement>('progress');
  return (event: TrainEvent) => {
    if (event.type === 'started') {
      say(trainStatus, `${event.model}: ${event.parameters.toLocaleString()} parameters; ${event.train_samples} training and ${event.validation_samples} validation samples.`);
    } else if (event.type === 'batch') {
      const done = (event.epoch - 1 + event.batch / event.batches) / epochs;
      progress.value = done;
      const elapsed = (performance.now() - started) / 1000;
      const eta = done > 0 ? (elapsed * (1 - done)) / done : NaN;
      say(trainStatus, `Epoch ${event.epoch}/${epochs}, batch ${event.batch}/${event.batches}: loss ${event.loss.toFixed(4)} — ${duration(elapsed)} elapsed, about ${duration(eta)} left (at most; early stopping may end sooner).`);
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
    $<HTMLProgressElement>('progress').value = 0;
    let summary;
    try {
      summary = await (await engine).train(request, { onProgress: onProgress(performance.now(), request.epochs ?? 0) });
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
    const m = header.test_metrics;
    say(trainStatus, `Trained: ${header.history.length} epochs, kept epoch ${header.selected_epoch}${m ? `; test accuracy ${(100 * m.accuracy).toFixed(1)} %` : ''}.`);
    const predictions = summary.predictions;
    showResults(predictions.trajectories, predictions.classes, 'training');
    const first = predictions.trajectories.find((p) => p.part === 'test') ?? predictions.trajectories[0];
    if (first) await explain('training', first);
  } finally {
    setBusy(false);
  }
}

/** Asks the worker to stop after the current batch (sent at once, not queued behind training). */
export function cancelTraining() {
  void engine.then((e) => e.cancel());
  say(trainStatus, 'Cancelling after this batch…');
}
