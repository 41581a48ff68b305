// Browser tests of the learn page (molsig/learn's five demos), run by e2e.mjs. Every control is
// driven from the keyboard or the mouse as a teacher would, and the numbers the demo shows are
// checked against the mathematics: translation, atom order and re-timing leave every signature
// level unchanged (relative difference below 1e-5); a rotation changes the coordinates by more
// than 1e-2 but no level's norm (1e-5), and the aligned model's prediction stays within 1e-5;
// reversal negates level 1 and the Lévy areas. Screenshots at 1280×720 (a projector) and 800 px
// show both 3-D copies and the numbers; the latencies go to learn-latency.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { artifacts, base, downloadOf, overflowing, withPage } from './page.mjs';

const SAME = 1e-5;
const latencies = {};

/** The demo's numbers as the page shows them. */
function numbers(page) {
  return page.evaluate(() => {
    const root = document.querySelector('section[role=tabpanel]:not([hidden]) .molsig-learn');
    const levels = [...root.querySelectorAll('.molsig-learn-levels tbody tr')].map((r) => ({
      relative: Number(r.dataset.relative), normRelative: Number(r.dataset.normRelative),
      normOriginal: Number(r.dataset.normOriginal), normCopy: Number(r.dataset.normCopy),
    }));
    const facts = Object.fromEntries([...root.querySelectorAll('.molsig-learn-facts li')].map((li) => [li.dataset.fact, Number(li.dataset.value)]));
    const p = root.querySelector('.molsig-learn-predictions').dataset;
    return { levels, facts, original: JSON.parse(p.original), copy: JSON.parse(p.copy), latency: Number(root.dataset.latency), updates: Number(root.dataset.updates) };
  });
}

/** Opens learn.html on `demo` (at 1280×720) and waits for its first numbers. */
async function open(page, demo) {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`${base}learn.html?demo=${demo}`);
  await settled(page, 0);
}

/** Waits until the shown demo has more than `after` updates and nothing is pending. */
async function settled(page, after) {
  await page.waitForFunction((n) => {
    const root = document.querySelector('section[role=tabpanel]:not([hidden]) .molsig-learn');
    const status = root?.querySelector('.molsig-learn-status')?.textContent ?? '';
    if (/^Error/.test(status)) throw new Error(status);
    return Number(root?.dataset.updates ?? 0) > n && root?.dataset.busy === 'false';
  }, after, { timeout: 120_000 });
  const n = await numbers(page);
  return n;
}

/** Does `action`, then waits for the numbers it causes; records the latency under `name`. */
async function after(page, name, action) {
  const { updates } = await numbers(page);
  await action();
  const n = await settled(page, updates);
  (latencies[name] ??= []).push(n.latency);
  return n;
}

/** Presses `key` `times` times on `selector`. */
async function press(page, selector, key, times = 1) {
  await page.focus(selector);
  for (let i = 0; i < times; i += 1) await page.keyboard.press(key);
}

const maxDiff = (a, b) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

function unchanged(n, what) {
  for (const [i, l] of n.levels.entries()) assert.ok(l.relative < SAME, `${what}: level ${i + 1} changed by ${l.relative}`);
}

function predictionKept(n, what) {
  assert.ok(n.original && n.copy, `${what}: both copies predicted`);
  assert.ok(maxDiff(n.original, n.copy) < SAME, `${what}: predictions ${n.original} vs ${n.copy}`);
}

/** A 1280×720 screenshot once Mol* has drawn both copies (SwiftShader takes a few seconds). */
async function screenshot(page, name) {
  await page.waitForTimeout(4000);
  await page.screenshot({ path: join(artifacts, name) });
}

export async function learnTests(test) {
  await test('learn: translation leaves every level and the prediction unchanged; keyboard and CSV', () =>
    withPage(false, async (page) => {
      await open(page, 'translation');
      let n = await numbers(page);
      assert.equal(n.levels.length, 3);
      unchanged(n, 'x = 12 Å');
      predictionKept(n, 'x = 12 Å');
      n = await after(page, 'translation', () => press(page, '[data-control=x]', 'ArrowLeft', 4));
      n = await after(page, 'translation', () => press(page, '[data-control=z]', 'ArrowRight', 6));
      unchanged(n, 'x = 10, z = 3 Å');
      predictionKept(n, 'x = 10, z = 3 Å');
      // The copy really moved: the exported CSV records the settings with the numbers.
      const csv = (await downloadOf(page, '.molsig-learn button:text("Export CSV")', 'learn-translation.csv')).toString();
      const rows = csv.trim().split('\n');
      assert.match(rows[0], /^demo,settings,quantity,level,original,copy,relative_difference,unchanged$/);
      assert.match(rows[1], /"translate"":\[10,0,3\]/);
      const level1 = rows.find((r) => /signature level/.test(r) && /,1,/.test(r));
      assert.ok(level1?.endsWith(',true'), level1);
      assert.equal(rows.filter((r) => /probability of/.test(r)).length, n.original.length);
      // Tabs follow the arrow keys, and the teacher notes are there.
      assert.match(await page.textContent('section[role=tabpanel]:not([hidden]) .molsig-learn-notes'), /increments/);
      await screenshot(page, 'learn-translation-1280.png');
      assert.deepEqual(await overflowing(page, '.molsig-learn'), [], 'at 1280 px');
      await page.setViewportSize({ width: 800, height: 900 });
      await screenshot(page, 'learn-translation-800.png');
      assert.deepEqual(await overflowing(page, '.molsig-learn'), [], 'at 800 px');
      await press(page, '#tab-translation', 'ArrowRight');
      await settled(page, 0);
      assert.equal(await page.getAttribute('#tab-rotation', 'aria-selected'), 'true');
    }, { ready: false }));

  await test('learn: rotation changes coordinates, keeps each level\'s norm, and the aligned model agrees', () =>
    withPage(false, async (page) => {
      await open(page, 'rotation');
      const check = (n, what) => {
        for (const [i, l] of n.levels.entries()) {
          assert.ok(l.relative > 1e-2, `${what}: level ${i + 1} coordinates moved only ${l.relative}`);
          assert.ok(l.normRelative < SAME, `${what}: level ${i + 1} norm changed by ${l.normRelative}`);
        }
        predictionKept(n, what);
      };
      check(await numbers(page), '60° about z');
      await after(page, 'rotation', () => page.selectOption('[data-control=axis]', 'diagonal'));
      const n = await after(page, 'rotation', () => press(page, '[data-control=angle]', 'ArrowRight', 3));
      check(n, '75° about x = y = z');
      await screenshot(page, 'learn-rotation-1280.png');
    }, { ready: false }));

  await test('learn: shuffling the atoms permutes Q and changes neither the bead paths nor the prediction', () =>
    withPage(false, async (page) => {
      await open(page, 'permutation');
      for (const click of [null, 'shuffle', 'restore']) {
        const n = click ? await after(page, 'permutation', () => page.click(`[data-control=${click}]`)) : await numbers(page);
        unchanged(n, `after ${click ?? 'the first shuffle'}`);
        predictionKept(n, `after ${click ?? 'the first shuffle'}`);
        assert.ok(n.facts.qPermutes < SAME, `Q does not permute with the atoms: ${n.facts.qPermutes}`);
      }
      await screenshot(page, 'learn-permutation-1280.png');
    }, { ready: false }));

  await test('learn: warping time or repeating frames keeps the signature; dropping frames does not', () =>
    withPage(false, async (page) => {
      await open(page, 'time');
      let n = await numbers(page);
      unchanged(n, 'the first warp');
      assert.ok(n.facts.frames > 50, `the warp adds frames: ${n.facts.frames}`);
      n = await after(page, 'time', () => press(page, '[data-control=warp]', 'ArrowUp', 2));
      unchanged(n, 'the warp moved by keyboard');
      // Dragging the handle with the mouse.
      const box = await page.locator('[data-control=warp]').boundingBox();
      n = await after(page, 'time', async () => {
        await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.4);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3, { steps: 3 });
        await page.mouse.up();
      });
      unchanged(n, 'the warp dragged');
      n = await after(page, 'time', () => page.selectOption('[data-control=repeat]', '3'));
      unchanged(n, 'every 3rd frame repeated');
      await screenshot(page, 'learn-time-1280.png');
      n = await after(page, 'time', () => page.selectOption('[data-control=drop]', '3'));
      assert.ok(n.levels[1].relative > 1e-3, `dropping frames must change level 2: ${n.levels[1].relative}`);
    }, { ready: false }));

  await test('learn: reversal negates level 1 and the Lévy areas; noise and lead-lag show roughness', () =>
    withPage(false, async (page) => {
      await open(page, 'break');
      unchanged(await numbers(page), 'nothing broken yet');
      let n = await after(page, 'break', () => press(page, '[data-control=reverse]', 'Space'));
      assert.ok(n.facts.level1Negated < SAME, `level 1 not negated: ${n.facts.level1Negated}`);
      assert.ok(n.facts.areasNegated < SAME, `Lévy areas not negated: ${n.facts.areasNegated}`);
      assert.ok(n.levels[0].relative > 1, `level 1 changed sign: ${n.levels[0].relative}`);
      await screenshot(page, 'learn-break-reversed-1280.png');
      n = await after(page, 'break', () => press(page, '[data-control=reverse]', 'Space'));
      // Lead-lag puts each coordinate's quadratic variation into level 2 (the roughness fact);
      // with no noise the copy's equals the original's, and noise raises it.
      n = await after(page, 'break', () => press(page, '[data-control=leadLag]', 'Space'));
      assert.ok(Math.abs(n.facts.roughness - 1) < SAME, `no noise, roughness ratio ${n.facts.roughness}`);
      unchanged(n, 'lead-lag, nothing broken');
      n = await after(page, 'break', () => press(page, '[data-control=noise]', 'ArrowRight', 10));
      assert.ok(n.facts.roughness > 1.2, `1 Å of noise, roughness ratio only ${n.facts.roughness}`);
      assert.ok(n.levels[1].relative > 1e-2, `noise changes level 2: ${n.levels[1].relative}`);
      await screenshot(page, 'learn-break-leadlag-1280.png');
      writeFileSync(join(artifacts, 'learn-latency.json'), JSON.stringify(latencies, null, 2));
      const all = Object.values(latencies).flat().sort((a, b) => a - b);
      console.log(`learn: ${all.length} updates, median ${all[Math.floor(all.length / 2)]?.toFixed(0)} ms, max ${all.at(-1)?.toFixed(0)} ms from control to numbers`);
    }, { ready: false }));
}
