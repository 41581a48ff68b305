// Long use of one page: demo → train → save → load → predict, ROUNDS times (default 30), in one
// tab. After each round it records the wasm memory (the worker's linear memory, which never
// shrinks: it shows the high-water mark) and the page's JS heap after a forced garbage
// collection. Fails if the last round's figures exceed the first round's by more than 10 %, if a
// round fails, or if anything is logged as an error. Not part of `cargo xtask test` (about a
// minute per round); its figures are in BENCHMARKS.md.
// Usage: node web/tests/soak.mjs http://127.0.0.1:PORT/   (MOLSIG_SOAK_ROUNDS=N)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { artifacts, dataset, demoTrajectories, downloadOf, loadDemo, settings, train, withPage } from './page.mjs';

const rounds = Number(process.env.MOLSIG_SOAK_ROUNDS ?? 30);
const quick = { epochs: 2, beads: 3, frames: 50, stride: 50, batch: 8 };
const MiB = 2 ** 20;

/** The page's JS heap after a full collection, and the worker's wasm memory, in bytes. */
async function memory(page, workers) {
  const worker = workers[workers.length - 1].worker;
  const wasm = await worker.evaluate(() => self.molsigMemoryBytes());
  const heap = await page.evaluate(() => { window.gc(); return performance.memory.usedJSHeapSize; });
  return { wasm, heap };
}

const figures = [];
await withPage(false, async (page, _context, workers) => {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  for (let round = 1; round <= rounds; round += 1) {
    const start = Date.now();
    await loadDemo(page);
    await settings(page, quick);
    const status = await train(page);
    assert.match(status.text, /^Trained/, `round ${round}: ${status.text}`);
    // A fresh name each round: choosing the same file again would not be a change.
    const model = `soak-${round}.molsig`;
    await downloadOf(page, '#save-model', model, 180_000);
    await page.setInputFiles('#model-file', join(artifacts, model));
    await page.waitForFunction((name) => document.querySelector('#model-status')?.textContent?.startsWith(`Loaded ${name}`), model, { timeout: 120_000 });
    await page.setInputFiles('#predict-files', [join(dataset, 'peptide.pdb'), ...demoTrajectories.map((f) => join(dataset, f))]);
    await page.click('#predict');
    await page.waitForFunction(() => /^Predicted 20/.test(document.querySelector('#model-status')?.textContent ?? ''), null, { timeout: 120_000 });
    const m = { round, seconds: (Date.now() - start) / 1000, ...(await memory(page, workers)) };
    figures.push(m);
    console.log(`round ${round}: ${m.seconds.toFixed(0)} s, wasm ${(m.wasm / MiB).toFixed(1)} MiB, page JS heap ${(m.heap / MiB).toFixed(1)} MiB`);
  }
  assert.equal(workers.length, 1, 'the worker was restarted');
  assert.deepEqual(errors, [], 'console errors');
}, { launchArgs: ['--js-flags=--expose-gc', '--enable-precise-memory-info'] });

writeFileSync(join(artifacts, 'soak.json'), JSON.stringify(figures, null, 1));
const [first, last] = [figures[0], figures[figures.length - 1]];
for (const key of ['wasm', 'heap']) {
  const growth = last[key] / first[key] - 1;
  console.log(`${key}: ${(first[key] / MiB).toFixed(1)} → ${(last[key] / MiB).toFixed(1)} MiB (${(growth * 100).toFixed(1)} %)`);
  assert.ok(growth <= 0.1, `${key} grew by ${(growth * 100).toFixed(1)} % over ${rounds} rounds`);
}
