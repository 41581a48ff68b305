// Runs the browser benchmark page (bench.html) in headless Chromium and prints its result.
// Usage: node web/tests/bench.mjs http://127.0.0.1:PORT/
// `cargo xtask bench browser` serves dist/ and runs this. WebGPU is enabled with
// --enable-unsafe-webgpu, which in a headless Chromium without a GPU means SwiftShader, a
// software adapter. The page's progress goes to stderr; the last stdout line is the result as one
// flat JSON object ("cases.0.cpu.seconds": …), which xtask's small JSON reader can parse.
import { chromium } from 'playwright-core';

const base = process.argv[2];
if (!base) throw new Error('usage: node bench.mjs URL');
/** The whole run must finish within this (SwiftShader on two cores takes a few minutes). */
const timeout = Number(process.env.MOLSIG_BENCH_TIMEOUT_S ?? 1200) * 1000;

const flags = ['--no-sandbox', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu'];

/** `{a: {b: [1]}}` → `{"a.b.0": 1}`; quotes and backslashes leave strings, so no value needs escapes. */
function flatten(value, prefix = '', out = {}) {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = typeof value === 'string' ? value.replace(/["\\]/g, "'").replace(/\s+/g, ' ') : value;
  }
  return out;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: flags });
const logs = [];
try {
  const page = await browser.newPage();
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  // The software adapter is only used when asked for (see src/worker/worker.ts).
  await page.goto(new URL('bench.html?backend=webgpu', base).href);
  await page.waitForSelector('#backend[data-kind]', { timeout: 120_000 });
  console.error(`bench: backend ${await page.textContent('#backend')}`);
  // Echo the page's status line while it runs.
  await page.exposeFunction('benchStatus', (text) => console.error(`bench: ${text}`));
  await page.evaluate(() => {
    const status = document.getElementById('status');
    new MutationObserver(() => window.benchStatus(status.textContent)).observe(status, { childList: true });
  });
  await page.click('#run');
  await page.waitForSelector('#bench-json[data-done]', { timeout });
  const done = await page.getAttribute('#bench-json', 'data-done');
  const text = await page.textContent('#bench-json');
  if (done !== 'true') throw new Error(`the page failed: ${text}`);
  console.error(text);
  console.log(JSON.stringify(flatten(JSON.parse(text))));
} catch (e) {
  console.error(logs.slice(-30).join('\n'));
  throw e;
} finally {
  await browser.close();
}
