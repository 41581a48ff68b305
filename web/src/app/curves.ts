// The loss and accuracy curves of the current run or model, from the history in the page state:
// drawn live while training, and again when a saved model brings its own history.
import { drawChart } from './charts';
import { $ } from './dom';
import { state } from './state';

/** Loss and accuracy per epoch so far (empty axes before training). */
export function drawCurves() {
  const h = state.history;
  const train = { colour: '#0072b2', dashed: false };
  const validation = { colour: '#d55e00', dashed: true };
  drawChart($<HTMLCanvasElement>('loss-chart'), 'Loss', [
    { name: 'train', ...train, values: h.map((e) => e.train_loss.total) },
    { name: 'validation', ...validation, values: h.map((e) => e.validation_loss?.total ?? null) },
  ]);
  drawChart($<HTMLCanvasElement>('accuracy-chart'), 'Accuracy', [
    { name: 'train', ...train, values: h.map((e) => e.train_metrics?.accuracy ?? null) },
    { name: 'validation', ...validation, values: h.map((e) => e.validation_metrics?.accuracy ?? null) },
  ], [0, 1]);
  $('loss-chart').dataset.epochs = String(h.length);
}

