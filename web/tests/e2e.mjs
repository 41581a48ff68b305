// Browser end-to-end test of the built site (served by `cargo xtask test`).
// Usage: node web/tests/e2e.mjs http://127.0.0.1:PORT/
// Drives Debian's Chromium through playwright-core, once with WebGPU on a software adapter
// (SwiftShader) and once without WebGPU. Expected numbers come from the demo files themselves,
// read here independently of molsig: ATOM/HETATM records and the XTC frame headers.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const base = process.argv[2];
if (!base) throw new Error('usage: node e2e.mjs URL');
const here = dirname(fileURLToPath(import.meta.url));
const demoDir = join(here, '..', 'demo');
const artifacts = process.env.MOLSIG_E2E_ARTIFACTS ?? join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });

/** Counts from the PDB text: all atoms, and CA atoms of amino-acid residues. */
function pdbCounts(text) {
  const atoms = text.split('\n').filter((l) => l.startsWith('ATOM  ') || l.startsWith('HETATM'));
  const firstModel = [];
  for (const l of text.split('\n')) {
    if (l.startsWith('ENDMDL')) break;
    if (l.startsWith('ATOM  ') || l.startsWith('HETATM')) firstModel.push(l);
  }
  const ca = firstModel.filter((l) => l.slice(12, 16).trim() === 'CA' && l.slice(17, 20).trim() !== 'CA');
  return { atoms: firstModel.length, ca: ca.length, records: atoms.length };
}

/** Frames of an XTC file by walking its headers (XDR big-endian). */
function xtcFrames(buf) {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let offset = 0;
  let frames = 0;
  while (offset < buf.byteLength) {
    const magic = view.getInt32(offset);
    const natoms = view.getInt32(offset + 4);
    assert.ok(magic === 1995 || magic === 2023, `bad magic at ${offset}`);
    if (natoms <= 9) {
      offset += 56 + natoms * 12;
    } else if (magic === 1995) {
      const nbytes = view.getInt32(offset + 88);
      offset += 92 + Math.ceil(nbytes / 4) * 4;
    } else {
      const nbytes = Number(view.getBigUint64(offset + 88));
      offset += 96 + Math.ceil(nbytes / 4) * 4;
    }
    frames += 1;
  }
  return frames;
}

const pdbText = readFileSync(join(demoDir, 'demo.pdb'), 'utf8');
const expected = { ...pdbCounts(pdbText), frames: xtcFrames(readFileSync(join(demoDir, 'demo.xtc'))) };
console.log('expected from the files:', expected);

const flags = ['--no-sandbox', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let passed = 0;
let failed = 0;
async function test(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`FAILED - ${name}\n${e.stack ?? e}`);
  }
}

async function withPage(webgpu, fn) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: webgpu ? [...flags, '--enable-unsafe-webgpu'] : flags,
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const foreign = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url());
  });
  const logs = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  try {
    await page.goto(base);
    await page.waitForSelector('#backend[data-kind]', { timeout: 120_000 });
    await fn(page);
    assert.deepEqual(foreign, [], 'requests left the page');
  } catch (e) {
    console.log(logs.slice(-30).join('\n'));
    throw e;
  } finally {
    await browser.close();
  }
}

async function inspect(page, files, selection) {
  await page.setInputFiles('#files', files);
  await page.selectOption('#selection', selection);
  await page.click('#run');
  await page.waitForFunction(() => /^(Done|Error)/.test(document.querySelector('#status')?.textContent ?? ''), null, { timeout: 180_000 });
  return page.textContent('#status');
}

const text = (page, id) => page.textContent(`#${id}`);
const demoFiles = [join(demoDir, 'demo.pdb'), join(demoDir, 'demo.xtc')];

for (const webgpu of [true, false]) {
  const mode = webgpu ? 'WebGPU' : 'CPU';
  await test(`${mode}: uploaded PDB + XTC give the files' counts, on the ${mode} backend`, () =>
    withPage(webgpu, async (page) => {
      assert.equal(await page.getAttribute('#backend', 'data-kind'), mode);
      assert.match(await text(page, 'backend'), webgpu ? /^WebGPU \(.+\)$/ : /^CPU \(.*(adapter|WebGPU).*\)$/);
      const status = await inspect(page, demoFiles, 'ca');
      assert.match(status, /^Done/);
      assert.equal(Number(await text(page, 'atoms')), expected.atoms);
      assert.equal(Number(await text(page, 'frames')), expected.frames);
      assert.match(await text(page, 'selected'), new RegExp(`^ca: ${expected.ca} atoms, ${expected.ca - 1} bonds`));
      assert.match(await text(page, 'rg'), /^\d+\.\d{3} nm in frame 1/);
      // The first frame is in Mol*: no viewer error, and a drawing canvas exists.
      assert.equal(await page.evaluate(() => document.querySelector('#status')?.classList.contains('error')), false, status);
      await page.waitForSelector('#viewer canvas', { timeout: 60_000 });
      await page.waitForTimeout(1500); // let Mol* draw before the screenshot
      await page.screenshot({ path: join(artifacts, `inspect-${mode}.png`) });
    }));
}

await test('demo button opens the bundled trajectory', () =>
  withPage(true, async (page) => {
    await page.click('#demo');
    await page.waitForFunction(() => /^Done/.test(document.querySelector('#status')?.textContent ?? ''), null, { timeout: 180_000 });
    assert.equal(Number(await text(page, 'frames')), expected.frames);
    assert.equal(Number(await text(page, 'atoms')), expected.atoms);
  }));

await test('a corrupt XTC gives a specific error and the app stays usable', () =>
  withPage(false, async (page) => {
    const garbage = { name: 'broken.xtc', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not an xtc file at all, just text bytes '.repeat(4)) };
    await page.setInputFiles('#files', [join(demoDir, 'demo.pdb')]);
    await page.setInputFiles('#files', [{ name: 'demo.pdb', mimeType: 'text/plain', buffer: readFileSync(join(demoDir, 'demo.pdb')) }, garbage]);
    await page.click('#run');
    await page.waitForFunction(() => /^Error/.test(document.querySelector('#status')?.textContent ?? ''), null, { timeout: 60_000 });
    const status = await text(page, 'status');
    assert.match(status, /broken\.xtc.*frame 0 at byte 0.*magic/i);
    // Still usable: the real files work afterwards in the same worker.
    assert.match(await inspect(page, demoFiles, 'backbone'), /^Done/);
  }));

const large = process.env.MOLSIG_E2E_LARGE;
if (large) {
  const xtc = join(large, 'large.xtc');
  const gro = join(large, 'large.gro');
  const bytes = statSync(xtc).size;
  await test(`a ${(bytes / 1e9).toFixed(2)} GB XTC streams from disk through the worker`, () =>
    withPage(true, async (page) => {
      const start = Date.now();
      const status = await inspect(page, [gro, xtc], 'ca');
      assert.match(status, /^Done/);
      assert.equal(Number(await text(page, 'frames')), 9000);
      assert.equal(Number(await text(page, 'atoms')), Number(readFileSync(gro, 'utf8').split('\n')[1]));
      console.log(`  read 9000 frames in ${((Date.now() - start) / 1000).toFixed(1)} s`);
    }));
}

console.log(`\ne2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
