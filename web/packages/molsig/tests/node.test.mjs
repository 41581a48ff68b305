// The Node entry (`molsig/node`) on the demo dataset: the built package, as a server would use it.
// Trains briefly, predicts, saves and reloads the model, and checks the results against what
// must hold whatever the weights: the manifest's classes, probabilities that sum to 1, the same
// answers from the reloaded model, and an error that names the file and the frame for a broken
// trajectory. Run: node --test web/packages/molsig/tests/node.test.mjs (after the package build).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Molsig, MolsigError } from '../dist/node.js';

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

test('a broken trajectory is a MolsigError naming the file', async () => {
  const engine = await Molsig.create();
  const broken = join(scratch, 'broken.xtc');
  writeFileSync(broken, readFileSync(data.files[0]).subarray(0, 100));
  await assert.rejects(
    engine.load({ ...data, files: [broken, data.files[1]], labels: data.labels.slice(0, 2) }, options, 8),
    (e) => e instanceof MolsigError && e.message.includes('broken.xtc') && e.context === 'load',
  );
});
