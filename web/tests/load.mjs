// The first visit on a slow line: every request of the page and its worker goes through a proxy
// here that shares one 20 Mbit/s link among them (and adds 20 ms of latency), in front of the test
// server, which sends the build's brotli copies as a static host would. Chromium's own network
// emulation does not reach a worker's requests, so the line is shaped here. Measures the time to
// a page ready to train (the engine started) and to the viewer (Mol* loaded), checks that the
// download's progress is shown meanwhile, and writes the numbers for BENCHMARKS.md ("Page
// load"). A measurement, not a timed test: it asserts no duration.
import { request as httpRequest, createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { artifacts, base, flags } from './page.mjs';

const MBIT = 20;
const LATENCY_MS = 20;
const BYTES_PER_SECOND = (MBIT * 1e6) / 8;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A proxy to `upstream` whose responses share one link of BYTES_PER_SECOND: each chunk waits
 * for its turn on the line. Records every response's path, bytes and content encoding. */
function slowLine(upstream) {
  let lineFreeAt = 0;
  const transfers = [];
  const server = createServer((req, res) => {
    void (async () => {
      await sleep(LATENCY_MS);
      const target = new URL(req.url ?? '/', upstream);
      const forward = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, async (answer) => {
        const record = { path: target.pathname, bytes: 0, encoding: answer.headers['content-encoding'] ?? '' };
        transfers.push(record);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        for await (const chunk of answer) {
          for (let at = 0; at < chunk.length; at += 16_384) {
            const piece = chunk.subarray(at, at + 16_384);
            const start = Math.max(Date.now(), lineFreeAt);
            lineFreeAt = start + (1000 * piece.length) / BYTES_PER_SECOND;
            await sleep(lineFreeAt - Date.now());
            record.bytes += piece.length;
            if (!res.write(piece)) await new Promise((r) => res.once('drain', r));
          }
        }
        res.end();
      });
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    })();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, transfers, url: `http://127.0.0.1:${server.address().port}/` })));
}

export async function loadTests(test) {
  await test(`first load at ${MBIT} Mbit/s: the download's progress is shown, and the page becomes ready (measured)`, async () => {
    const line = await slowLine(base);
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: flags });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      // Every backend line the page shows while it starts.
      await page.addInitScript(() => {
        const seen = [];
        Object.assign(window, { backendLines: seen });
        new MutationObserver(() => {
          const text = document.querySelector('#backend')?.textContent;
          if (text && seen.at(-1) !== text) seen.push(text);
        }).observe(document, { subtree: true, childList: true, characterData: true });
      });
      const start = Date.now();
      await page.goto(`${line.url}?backend=cpu`, { waitUntil: 'commit' });
      await page.waitForSelector('#backend[data-kind]', { timeout: 120_000 });
      const ready = Date.now() - start;
      await page.waitForFunction(() => 'molstar' in window, null, { timeout: 120_000 });
      const viewer = Date.now() - start;
      const lines = await page.evaluate(() => window.backendLines);
      assert.ok(lines.some((l) => /^starting… \(downloading the engine: \d+ of \d+ MB\)$/.test(l)), `no download progress among ${JSON.stringify(lines)}`);
      assert.equal(await page.textContent('#backend'), 'CPU (WebAssembly)');
      const wasm = line.transfers.find((t) => t.path.endsWith('/molsig.wasm'));
      assert.ok(wasm, `the engine was fetched: ${JSON.stringify(line.transfers.map((t) => t.path))}`);
      assert.equal(wasm.encoding, 'br', 'the engine came brotli-compressed');
      const total = line.transfers.reduce((n, t) => n + t.bytes, 0);
      const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
      console.log(`  ready to train after ${seconds(ready)}, viewer after ${seconds(viewer)}; ${(total / 1e6).toFixed(2)} MB over the line (${seconds((1000 * total) / BYTES_PER_SECOND)} at ${MBIT} Mbit/s)`);
      const rows = [...line.transfers].sort((a, b) => b.bytes - a.bytes).slice(0, 6)
        .map((t) => `| \`${t.path.split('/').pop() || 'index.html'}\` | ${(t.bytes / 1e6).toFixed(2)} MB | ${t.encoding || 'none'} |`);
      writeFileSync(join(artifacts, 'page-load.md'), [
        `Measured by \`cargo xtask test\` (e2e, \`web/tests/load.mjs\`) on ${new Date().toISOString().slice(0, 10)}: headless Chromium with an empty cache, `
          + `every request through a proxy that shares one ${MBIT} Mbit/s line and adds ${LATENCY_MS} ms, in front of \`cargo xtask serve\`'s server `
          + '(brotli copies). The CPU engine is asked for (`?backend=cpu`). Times from navigation; a measurement, not a test threshold.',
        '',
        '| | time | target |',
        '|---|---|---|',
        `| ready to train (engine started: \`#backend\` names the backend) | ${seconds(ready)} | ≤ 3 s |`,
        `| molecule viewer loaded (Mol*, \`async\`) | ${seconds(viewer)} | |`,
        `| every byte at the line's rate | ${seconds((1000 * total) / BYTES_PER_SECOND)} | |`,
        '',
        `${(total / 1e6).toFixed(2)} MB over the line in all. Largest transfers:`,
        '',
        '| file | bytes over the line | encoding |',
        '|---|---|---|',
        ...rows,
      ].join('\n'));
      await page.screenshot({ path: join(artifacts, 'first-load.png') });
    } finally {
      await browser.close();
      line.server.close();
    }
  });
}
