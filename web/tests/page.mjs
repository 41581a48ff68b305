// What the browser tests share: the site's address and artifacts folder (from the command
// line), the demo dataset read independently of molsig, a fresh Chromium page per test, and the
// page's controls driven as a user drives them.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

export const base = process.argv[2];
if (!base) throw new Error('usage: node <test>.mjs URL');
const here = dirname(fileURLToPath(import.meta.url));
export const dataset = join(here, '..', 'demo', 'dataset');
export const artifacts = process.env.MOLSIG_E2E_ARTIFACTS ?? join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });

/** Frames of an XTC file by walking its headers (XDR big-endian). */
export const xtcFrames = (buf) => xtcTimes(buf).length;

/** Each frame's time (ps) from an XTC file's frame headers (a big-endian f32 at byte 12). */
export function xtcTimes(buf) {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let offset = 0;
  const times = [];
  while (offset < buf.byteLength) {
    const magic = view.getInt32(offset);
    const natoms = view.getInt32(offset + 4);
    assert.ok(magic === 1995 || magic === 2023, `bad magic at ${offset}`);
    times.push(view.getFloat32(offset + 12));
    if (natoms <= 9) offset += 56 + natoms * 12;
    else if (magic === 1995) offset += 92 + Math.ceil(view.getInt32(offset + 88) / 4) * 4;
    else offset += 96 + Math.ceil(Number(view.getBigUint64(offset + 88)) / 4) * 4;
  }
  return times;
}

/** The demo manifest: trajectory → label. */
export const manifest = Object.fromEntries(readFileSync(join(dataset, 'manifest.csv'), 'utf8').trim().split('\n').slice(1)
  .map((l) => l.split(',')).map(([, trajectory, label]) => [trajectory, label]));
export const demoTrajectories = Object.keys(manifest);

// WebGL (Mol*) on SwiftShader too, so that the viewer's image can be checked.
export const flags = ['--no-sandbox', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

/** A fresh browser and page (WebGPU on or off); fails if any request leaves the origin. With
 * WebGPU on, the address forces the software adapter unless `force` is false; `query` adds to
 * the address; `ready: false` does not wait for the compute worker to start; `launchArgs` adds
 * Chromium flags. `fn` also gets the compute workers the page started, in order, each with when
 * it started (ms). */
export async function withPage(webgpu, fn, { force = true, query = '', ready = true, launchArgs = [] } = {}) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...flags, ...(webgpu ? ['--enable-unsafe-webgpu'] : []), ...launchArgs],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  const foreign = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url());
  });
  const workers = [];
  page.on('worker', (worker) => { if (new URL(worker.url()).pathname.endsWith('/worker.js')) workers.push({ worker, at: Date.now() }); });
  const logs = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  try {
    // WebGPU here is SwiftShader, which the app passes over unless the address asks for it.
    const search = [webgpu && force ? 'backend=webgpu' : '', query].filter(Boolean).join('&');
    await page.goto(search ? `${base}?${search}` : base);
    if (ready) await page.waitForSelector('#backend[data-kind]', { timeout: 120_000 });
    await fn(page, context, workers);
    assert.deepEqual(foreign, [], 'requests left the page');
  } catch (e) {
    console.log(logs.slice(-30).join('\n'));
    await page.screenshot({ path: join(artifacts, `failure-${Date.now()}.png`), fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await browser.close();
  }
}

export const text = (page, selector) => page.textContent(selector);
export const statusOf = (page, id) => page.evaluate((i) => {
  const el = document.getElementById(i);
  return { text: el?.textContent ?? '', error: el?.classList.contains('error') ?? false };
}, id);

/** Sets the numeric/select settings of the Model section. */
export async function settings(page, values) {
  for (const [id, value] of Object.entries(values)) {
    if (id === 'model' || id === 'selection') await page.selectOption(`#${id}`, value);
    else await page.fill(`#${id}`, String(value));
  }
}

export async function loadDemo(page) {
  await page.click('#demo');
  await page.waitForFunction((n) => document.querySelectorAll('#trajectories tbody tr').length === n && !document.querySelector('#train')?.disabled, demoTrajectories.length, { timeout: 60_000 });
}

/** Clicks Train and waits for the answer: the train status text. */
export async function train(page, timeout = 420_000) {
  await page.click('#train');
  await page.waitForFunction(() => /^(Trained|Training|The data|Give)/.test(document.querySelector('#train-status')?.textContent ?? '') && !document.querySelector('#train')?.disabled, null, { timeout });
  return statusOf(page, 'train-status');
}

/** The predictions table as objects. */
export const predictions = (page) => page.$$eval('#predictions tbody tr', (rows) => rows.map((r) => {
  const c = [...r.querySelectorAll('td')].map((td) => td.textContent ?? '');
  return { name: c[0], part: c[1], label: c[2], predicted: c[3]?.replace(/ [✓✗]$/, ''), confidence: c[4] };
}));

/** Saves a download triggered by clicking `selector`; returns its bytes. */
export async function downloadOf(page, selector, name, timeout = 30_000) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout }), page.click(selector, { timeout })]);
  const path = join(artifacts, name);
  await download.saveAs(path);
  return readFileSync(path);
}


/** Controls and table cells that stick out of their section sideways (described), for the
 * layout checks at 1280×720 and 800 px. */
export function overflowing(page, container = 'section') {
  return page.evaluate((container) => {
    const out = [];
    for (const c of document.querySelectorAll('main button, main input, main select, main label, main td, main th, main canvas')) {
      if (c.offsetParent === null) continue; // hidden
      const box = c.closest(container)?.getBoundingClientRect();
      const r = c.getBoundingClientRect();
      if (box && (r.right > box.right + 1 || r.left < box.left - 1)) {
        out.push(`${c.tagName.toLowerCase()}${c.id ? `#${c.id}` : ''} "${(c.textContent ?? '').trim().slice(0, 20)}" at ${Math.round(r.left)}–${Math.round(r.right)} outside ${Math.round(box.left)}–${Math.round(box.right)}`);
      }
    }
    return out;
  }, container);
}
