// The loss and accuracy curves of the current run or model, from the history in the page state:
// drawn live while training, and again when a saved model brings its own history.
import { drawChart } from './charts';
import { $ } from './dom';
import { state } from './state';

/** Loss, accuracy and the training loss's parts per epoch so far (empty axes before training),
 * with the kept epoch marked once the history is a model's. */
export function drawCurves() {
  const h = state.history;
  const kept = state.model && state.history === state.model.history ? state.model.selected_epoch : undefined;
  const train = { colour: '#0072b2', dashed: false };
  const validation = { colour: '#d55e00', dashed: true };
  drawChart($<HTMLCanvasElement>('loss-chart'), 'Loss (total)', [
    { name: 'train', ...train, values: h.map((e) => e.train_loss.total) },
    { name: 'validation', ...validation, values: h.map((e) => e.validation_loss?.total ?? null) },
  ], undefined, kept);
  drawChart($<HTMLCanvasElement>('accuracy-chart'), 'Accuracy', [
    { name: 'train', ...train, values: h.map((e) => e.train_metrics?.accuracy ?? null) },
    { name: 'validation', ...validation, values: h.map((e) => e.validation_metrics?.accuracy ?? null) },
  ], [0, 1], kept);
  // The total mixes terms of either sign (MinCut's cut term is negative): each part on its own line.
  drawChart($<HTMLCanvasElement>('components-chart'), 'Training loss parts', [
    { name: 'classification', colour: '#0072b2', dashed: false, values: h.map((e) => e.train_loss.classification) },
    { name: 'cut', colour: '#d55e00', dashed: true, values: h.map((e) => e.train_loss.cut) },
    { name: 'orthogonality', colour: '#009e73', dashed: false, values: h.map((e) => e.train_loss.orthogonality) },
    { name: 'temporal', colour: '#cc79a7', dashed: true, values: h.map((e) => e.train_loss.temporal) },
  ], undefined, kept);
  $('loss-chart').dataset.epochs = String(h.length);
}

