// The Node entry (`molsig/node`) on the demo dataset: the built package, as a server would use it.
// Trains briefly, predicts, saves and reloads the model, and checks the results against what
// must hold whatever the weights: the manifest's classes, probabilities that sum to 1, the same
// answers from the reloaded model, and an error that names the file and the frame for a broken
// trajectory. Run: node --test web/packages/molsig/tests/node.test.mjs (after the package build).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Molsig, MolsigError, version } from '../dist/node.js';

const demo = fileURLToPath(new URL('../../../demo/dataset/', import.meta.url));
const manifest = readFileSync(join(demo, 'manifest.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
const data = {
  topology: join(demo, 'peptide.pdb'),
  files: manifest.map((row) => join(demo, row[1])),
  labels: manifest.map((row) => row[2]),
  groups: manifest.map((row) => row[3]),
};
const options = { selection: 'heavy', frames: 50, stride: 50, align: true };
const scratch = mkdtempSync(join(tmpdir(), 'molsig-node-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('the Node engine trains, predicts, saves and reloads a model on the CPU', async () => {
  const engine = await Molsig.create();
  assert.equal(engine.backend.kind, 'CPU');

  const summary = await engine.load(data, options, 8);
  assert.deepEqual([...summary.classes].sort(), [...new Set(data.labels)].sort());
  assert.equal(summary.plan.trajectories.length, data.files.length);

  const events = [];
  const trained = await engine.train(
    { model: 'improved', beads: 4, epochs: 1, batchSize: 8, learningRate: 0.001, validation: 0.2, test: 0.2, seed: 0 },
    { onProgress: (e) => events.push(e.type) },
  );
  assert.equal(events[0], 'started');
  assert.ok(events.includes('epoch'));
  assert.equal(trained.model.history.length, 1);

  const predicted = await engine.predict(data);
  assert.equal(predicted.trajectories.length, data.files.length);
  for (const t of predicted.trajectories) {
    const total = t.probabilities.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 1) < 1e-5, `${t.name}: probabilities sum to ${total}`);
  }

  const bytes = await engine.saveModel();
  const path = join(scratch, 'model.molsig');
  writeFileSync(path, bytes);
  const reloaded = await Molsig.create();
  const header = await reloaded.loadModel(path);
  assert.deepEqual(header.classes, trained.model.classes);
  const again = await reloaded.predict(data);
  again.trajectories.forEach((t, i) => {
    const before = predicted.trajectories[i];
    t.probabilities.forEach((p, c) => assert.ok(Math.abs(p - before.probabilities[c]) < 1e-6, `${t.name} class ${c}: ${p} vs ${before.probabilities[c]}`));
  });
});

test('cross-validation holds every trajectory out once; any sample is explained with its times; classes are compared', async () => {
  const engine = await Molsig.create();
  await engine.load(data, options, 8);
  let started = 0;
  const run = await engine.crossValidate(
    { model: 'improved', beads: 3, epochs: 1, batchSize: 8, learningRate: 0.001, validation: 0.2, test: 0.2, seed: 0 },
    5,
    { onProgress: (e) => { if (e.type === 'started') started += 1; } },
  );
  const cv = run.crossValidation;
  assert.equal(started, 5);
  assert.equal(cv.folds.length, 5);
  assert.deepEqual(cv.folds.flatMap((f) => f.test).sort(), data.files.map((f) => basename(f)).sort());
  // Mean and sample sd (n − 1), as numpy's std(ddof=1) gives them, per trajectory and per sample.
  for (const [spread, of] of [[cv.trajectoryAccuracy, (f) => f.byTrajectory], [cv.sampleAccuracy, (f) => f.bySample]]) {
    const accuracies = cv.folds.map((f) => of(f).accuracy);
    const mean = accuracies.reduce((a, b) => a + b, 0) / 5;
    const sd = Math.sqrt(accuracies.reduce((a, v) => a + (v - mean) ** 2, 0) / 4);
    assert.ok(Math.abs(spread.mean - mean) < 1e-12 && Math.abs(spread.sd - sd) < 1e-12, JSON.stringify(spread));
  }
  // Each fold tests four trajectories of four samples each.
  assert.deepEqual(cv.folds.map((f) => [f.byTrajectory.count, f.bySample.count]), Array(5).fill([4, 16]));
  // The engine keeps the last fold's model: its record holds that fold's test set.
  const lastTest = run.last.model.split.filter((t) => t.part === 'test').map((t) => t.name).sort();
  assert.deepEqual(lastTest, [...cv.folds[4].test].sort());

  // The second sample of the first trajectory, with its frames' times: an XTC frame header keeps
  // the time as a big-endian f32 at byte 12, and the demo saves frames at a fixed interval.
  const e = await engine.explain('training', 0, 1);
  assert.deepEqual([e.sample, e.samples, e.firstFrame, e.timesPs.length], [1, 4, 50, 50]);
  const t0 = readFileSync(data.files[0]).readFloatBE(12);
  const dt = e.timesPs[1] - e.timesPs[0];
  assert.ok(dt > 0 && Math.abs(e.timesPs[0] - (t0 + 50 * dt)) < 1e-3 * 50 * dt, `${e.timesPs[0]} vs ${t0} + 50 × ${dt}`);

  const comparison = await engine.compare();
  assert.deepEqual(comparison.classes.map((c) => c.class), run.last.model.classes);
  for (const c of comparison.classes) {
    assert.equal(c.couplings.length, 9);
    assert.equal(c.separation.length, comparison.points);
    assert.equal(c.trajectories, data.labels.filter((l) => l === c.class).length);
  }
  assert.equal(version, JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
});

test('a broken trajectory is a MolsigError naming the file', async () => {
  const engine = await Molsig.create();
  const broken = join(scratch, 'broken.xtc');
  writeFileSync(broken, readFileSync(data.files[0]).subarray(0, 100));
  await assert.rejects(
    engine.load({ ...data, files: [broken, data.files[1]], labels: data.labels.slice(0, 2) }, options, 8),
    (e) => e instanceof MolsigError && e.message.includes('broken.xtc') && e.context === 'load',
  );
});
