// The built site hosted under a sub-path (/sub/dir/), as on a lab's web server: every asset
// path in the pages must be relative. A small static server here serves dist/ under the prefix
// and answers 404 everywhere else, so an absolute path shows up as a failed request.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, extname, dirname, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { artifacts, flags } from './page.mjs';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
const PREFIX = '/sub/dir/';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };

function serveUnderPrefix() {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const inside = path.startsWith(PREFIX) ? normalize(path.slice(PREFIX.length) || 'index.html') : null;
    if (!inside || inside.startsWith('..')) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(dist, inside));
      response.writeHead(200, { 'content-type': TYPES[extname(inside)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function subPathTests(test) {
  await test('the site hosted under a sub-path: every asset found, the page styled, the engine started', async () => {
    const server = await serveUnderPrefix();
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: flags });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      const failed = [];
      page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
      page.on('requestfailed', (r) => failed.push(`failed ${r.url()}`));
      const root = `http://127.0.0.1:${server.address().port}${PREFIX}`;
      for (const [file, ready] of [['', '#backend[data-kind]'], ['learn.html', '.molsig-learn[data-updates="1"]']]) {
        await page.goto(root + file);
        await page.waitForSelector(ready, { timeout: 120_000 });
        assert.equal(await page.$eval('header', (h) => getComputedStyle(h).backgroundColor), 'rgb(35, 57, 91)', `${file || 'index.html'} is unstyled`);
        // Unstyled, Mol*'s canvas would cover the page: the header must stay visible on top.
        assert.equal(await page.evaluate(() => document.elementFromPoint(20, 20)?.closest('header') !== null), true);
        await page.screenshot({ path: join(artifacts, `subpath-${file || 'index'}.png`) });
      }
      assert.deepEqual(failed, []);
    } finally {
      await browser.close();
      server.close();
    }
  });
}
