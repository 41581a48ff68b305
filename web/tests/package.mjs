// The packed npm package in fresh apps: for each app, a new project in a temporary folder outside
// the source tree installs the tarball with npm (and its framework, at a pinned version), builds,
// serves itself under a strict Content-Security-Policy and is driven by Chromium through
// playwright-core. The page (web/tests/package/shared/molsig-check.js) starts the engine on the
// CPU and fetches the demo; the network is then cut and the page trains, predicts, saves the
// model and computes reference signatures. The model goes to the CLI's `predict` on the same
// files, whose probabilities must agree with the browser's; the signatures must match the
// fixtures of crates/molsig-signature (iisignature et al.) as the Rust tests require.
// The `learn` app instead embeds one classroom demo of `molsig/learn` (with Mol*'s viewer bundle
// from its own install of molstar) and checks the numbers it shows: a translation leaves every
// signature level and the model's prediction unchanged, before and after a slider moves.
//
// Usage: node web/tests/package.mjs <molsig-x.y.z.tgz> [app ...]
//   apps: importmap (no bundler), vite (dev server, and build + preview), webpack (production
//   build), next (Turbopack and webpack builds + next start), learn (molsig/learn's translation
//   demo: an import map and Mol*'s viewer bundle); default all, or MOLSIG_APPS=a,b.
//   Environment:
//   MOLSIG_CLI        the CLI (default target/debug/molsig, else target/release/molsig)
//   MOLSIG_NPM_CACHE  npm's cache folder (default: npm's own, shared by every app and run)
//   MOLSIG_APPS_DIR   where the apps are made (default: a new os.tmpdir()/molsig-apps-XXXX)
//   MOLSIG_KEEP=1     keep the apps' folder even when every app passed
// Exit code 1 when any app fails; a timing summary is printed either way.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const templates = join(here, 'package');
const dataset = join(repo, 'web', 'demo', 'dataset');
const fixtures = join(repo, 'crates', 'molsig-signature', 'tests', 'fixtures', 'signatures');
/** The learn app's files: the demo molecule, its trajectory and the model trained to read it. */
const learnData = join(repo, 'web', 'demo');

/** The strict policy every app is served with (relaxations per app are listed in APPS). */
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; "
  + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'";
const PROBABILITY_TOLERANCE = 1e-5;
/** As crates/molsig-signature/tests/reference.rs (float64). */
const SIGNATURE_TOLERANCE = 1e-10;
/** Training 2 epochs on the demo takes about 4 s here; anything near this is a hang. */
const CHECK_TIMEOUT_MS = 600_000;
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** The learn app draws with Mol*, so it needs WebGL: SwiftShader's, as the site's tests (page.mjs). */
const WEBGL_FLAGS = [...CHROMIUM_FLAGS.filter((f) => f !== '--disable-gpu'), '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
/** The learn demo under a translation: each level's relative change, and the largest difference
 * between the original's and the copy's probabilities, stay below this (molsig/learn's TOLERANCE). */
const LEARN_TOLERANCE = 1e-5;
/** ArrowLeft presses on the learn demo's x slider (0.5 Å each, from 12 Å). */
const LEARN_STEPS = 3;

// ---------------------------------------------------------------------------------------------
// Arguments and inputs.

const [tarballArg, ...appArgs] = process.argv.slice(2);
if (!tarballArg) {
  console.error('usage: node web/tests/package.mjs <molsig-x.y.z.tgz> [importmap|vite|webpack|next|learn ...]');
  process.exit(2);
}
const tarball = resolve(tarballArg);
if (!existsSync(tarball)) {
  console.error(`no tarball at ${tarball} (cargo xtask package writes target/npm/molsig-<version>.tgz)`);
  process.exit(2);
}
const cli = process.env.MOLSIG_CLI
  ? resolve(process.env.MOLSIG_CLI)
  : [join(repo, 'target', 'debug', 'molsig'), join(repo, 'target', 'release', 'molsig')].find(existsSync);
const npmCache = process.env.MOLSIG_NPM_CACHE ? resolve(process.env.MOLSIG_NPM_CACHE) : null;

/** The reference cases: inputs for the page, outputs for the comparison. */
const cases = JSON.parse(readFileSync(join(fixtures, 'index.json'), 'utf8')).cases.map(({ file }) => {
  const json = JSON.parse(readFileSync(join(fixtures, file), 'utf8'));
  const [batch, length, channels] = json.shape.length === 2 ? [1, ...json.shape] : json.shape;
  return { name: file, json, batch, length, channels, depth: json.depth, input: [json.input].flat(Infinity) };
});
if (cases.length === 0) throw new Error(`${fixtures}/index.json lists no case`);

/** The demo manifest's rows: trajectory, label. */
const demoRows = readFileSync(join(dataset, 'manifest.csv'), 'utf8').trim().split('\n').slice(1)
  .map((l) => l.trim().split(',')).map(([, trajectory, label]) => ({ trajectory, label }));

// ---------------------------------------------------------------------------------------------
// The apps. `check` and `demo`: where the runner copies the shared check and the demo dataset;
// `deps`: added to the template's package.json besides molsig; `modes`: each is built (optional)
// and served, then checked in the browser. `relaxed`: what the app's policy adds to CSP, and why.

const APPS = {
  importmap: {
    check: 'molsig-check.js',
    demo: 'demo',
    // `inlined.html` maps `molsig` to `molsig/inlined`: the wasm comes inside the worker script.
    modes: [
      { name: 'static', serve: (dir) => staticServer(dir) },
      { name: 'inlined', page: 'inlined.html', inlined: true, serve: (dir) => staticServer(dir) },
      // The app hosts the worker and the wasm itself and passes their URLs (`workerUrl`, `wasmUrl`).
      {
        name: 'own-urls',
        page: 'index.html?workerUrl=hosted/worker.js&wasmUrl=hosted/molsig.wasm',
        hosted: /^\/hosted\/(worker\.js|molsig\.wasm)$/,
        setup: (dir) => {
          mkdirSync(join(dir, 'hosted'), { recursive: true });
          for (const f of ['worker.js', 'molsig.wasm']) cpSync(join(dir, 'node_modules', 'molsig', 'dist', f), join(dir, 'hosted', f));
        },
        serve: (dir) => staticServer(dir),
      },
    ],
    relaxed: "script-src adds the import map's 'sha256-…' (computed by the runner's server)",
  },
  vite: {
    check: 'src/molsig-check.js',
    demo: 'public/demo',
    modes: [
      { name: 'dev', serve: (dir, port) => command(dir, 'node_modules/.bin/vite', ['--host', '127.0.0.1', '--port', port, '--strictPort']) },
      {
        name: 'build',
        build: ['node_modules/.bin/vite', ['build']],
        serve: (dir, port) => command(dir, 'node_modules/.bin/vite', ['preview', '--host', '127.0.0.1', '--port', port, '--strictPort']),
      },
    ],
    relaxed: 'none',
  },
  webpack: {
    check: 'src/molsig-check.js',
    demo: 'public/demo',
    modes: [{ name: 'build', build: ['node', ['build.mjs']], serve: (dir) => staticServer(join(dir, 'dist')) }],
    relaxed: 'none',
  },
  next: {
    check: 'app/molsig-check.js',
    demo: 'public/demo',
    // `next build` is Turbopack's in Next 16; `--webpack` is the other bundler Next still ships.
    modes: ['turbopack', 'webpack'].map((bundler) => ({
      name: bundler,
      build: ['node_modules/.bin/next', ['build', ...(bundler === 'webpack' ? ['--webpack'] : [])]],
      serve: (dir, port) => command(dir, 'node_modules/.bin/next', ['start', '--hostname', '127.0.0.1', '--port', port]),
    })),
    relaxed: "script-src adds a per-request 'nonce-…' (Next's proxy, for its inline scripts)",
  },
  learn: {
    // No shared check and no dataset: the page mounts molsig/learn's translation demo on
    // web/demo's files, copied beside it (`files`: from, to). Mol* comes from the template's own
    // dependency on molstar (npm), as a real app gets it: its prebuilt viewer bundle
    // (node_modules/molstar/build/viewer/molstar.js and .css), loaded by a classic script tag.
    files: ['demo.pdb', 'demo.xtc', 'friction.molsig'].map((f) => [join(learnData, f), f]),
    learn: true,
    // Mol*'s prebuilt molstar.js, as it starts, evaluates strings as code (`new Function`) and
    // fetches a wasm module it carries as a data: URL, so the page needs 'unsafe-eval' (as the
    // package's README says) and connect-src data:; Mol* from its ES modules through a bundler
    // would need neither. The worker's script keeps the strict policy.
    modes: [{ name: 'static', serve: (dir) => staticServer(dir, { page: { 'script-src': ["'unsafe-eval'"], 'connect-src': ['data:'] } }) }],
    relaxed: "script-src adds the import map's 'sha256-…' (computed by the runner's server); on the page only (Mol*'s "
      + "prebuilt molstar.js), script-src adds 'unsafe-eval' and connect-src data:",
  },
};

const requested = appArgs.length ? appArgs
  : process.env.MOLSIG_APPS ? process.env.MOLSIG_APPS.split(',').map((s) => s.trim()).filter(Boolean)
    : Object.keys(APPS);
for (const a of requested) {
  if (!APPS[a]) {
    console.error(`unknown app ${a}; apps: ${Object.keys(APPS).join(', ')}`);
    process.exit(2);
  }
}
// Every app but learn gives its model to the CLI.
if (requested.some((a) => !APPS[a].learn) && (!cli || !existsSync(cli))) {
  console.error('no molsig CLI: build it (cargo build -p molsig-cli --features molsig-signature/gpu) or set MOLSIG_CLI');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Processes and servers.

const children = new Set();

/** Runs a command to its end; throws with its output's tail when it fails. */
function run(cwd, file, args, env = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise(out);
      else reject(new Error(`${file} ${args.join(' ')} (in ${cwd}) exited with ${code}:\n${out.slice(-6000)}`));
    });
  });
}

/** Starts a long-running server process (its own process group, so that it and its children
 * stop together); `stop()` ends it. */
function command(cwd, file, args) {
  const child = spawn(file, args, {
    cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MOLSIG_CSP: CSP, NEXT_TELEMETRY_DISABLED: '1', BROWSER: 'none' },
  });
  children.add(child);
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  return {
    log: () => log,
    stop: () => new Promise((r) => {
      children.delete(child);
      if (child.exitCode !== null || child.signalCode !== null) return r();
      child.once('close', () => r());
      try { process.kill(-child.pid, 'SIGTERM'); } catch { r(); }
      setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000).unref();
    }),
  };
}

process.on('exit', () => {
  for (const c of children) { try { process.kill(-c.pid, 'SIGKILL'); } catch { /* gone */ } }
});
// Ctrl-C: exit through the handler above, so that no server outlives the run.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.css': 'text/css', '.wasm': 'application/wasm', '.map': 'application/json',
  '.csv': 'text/csv', '.pdb': 'chemical/x-pdb', '.xtc': 'application/octet-stream', '.svg': 'image/svg+xml',
};

/** The hashes of an HTML file's inline scripts, as CSP sources. */
function inlineScriptHashes(html) {
  return [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)]
    .map((m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
}

/** `policy` with `sources` (directive → sources) added after each directive's first source. */
function relax(policy, sources) {
  return policy.split('; ').map((directive) => {
    const [name, first, ...rest] = directive.split(' ');
    const added = sources[name] ?? [];
    return added.length ? [name, first, ...added, ...rest].join(' ') : directive;
  }).join('; ');
}

/** A static file server for `root` with the strict policy; an HTML file's inline scripts get
 * their hashes added to script-src, and `page` (directive → sources) relaxes pages only: the
 * worker's script keeps the strict policy. */
function staticServer(root, { page = {} } = {}) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = resolve(root, `.${path}`);
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, { 'Content-Security-Policy': CSP }).end('not found');
      return;
    }
    const body = readFileSync(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const policy = type.startsWith('text/html')
      ? relax(CSP, { ...page, 'script-src': [...inlineScriptHashes(body.toString('utf8')), ...(page['script-src'] ?? [])] })
      : CSP;
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Content-Security-Policy': policy });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return {
    listen: (port) => new Promise((r) => server.listen(port, '127.0.0.1', r)),
    log: () => '',
    stop: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

function freePort() {
  return new Promise((r, reject) => {
    const s = netServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => r(port)); });
  });
}

/** Waits until `url` answers 200 (a server process may take a while to start). */
async function waitFor(url, server, timeoutMs = 180_000) {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = String(e.cause?.code ?? e.message);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s (${last}); server log:\n${server.log().slice(-4000)}`);
}

// ---------------------------------------------------------------------------------------------
// The browser run.

/** Watches `page` of `context` for what the runner fails on: console errors, page errors, failed
 * requests, HTTP errors and requests to another origin; after `goOffline()` (which cuts the
 * network), any request at all. */
function watch(context, page, origin) {
  const problems = { console: [], pageErrors: [], failed: [], badStatus: [], foreign: [], afterOffline: [], consoleAfter: [] };
  const logs = [];
  let offline = false;
  const workers = [];
  const seen = [];
  context.on('request', (r) => {
    const u = r.url();
    if (u.startsWith('data:') || u.startsWith('blob:')) return;
    if (!offline) seen.push(u);
    if (offline) problems.afterOffline.push(`${r.method()} ${u}`);
    else if (!u.startsWith(origin)) problems.foreign.push(u);
  });
  context.on('requestfailed', (r) => {
    if (!offline) problems.failed.push(`${r.url()}: ${r.failure()?.errorText}`);
  });
  context.on('response', (r) => {
    if (!offline && r.status() >= 400) problems.badStatus.push(`${r.status()} ${r.url()}`);
  });
  page.on('worker', (w) => workers.push(w.url()));
  page.on('console', (m) => {
    const where = m.location()?.url ? ` (${m.location().url})` : '';
    logs.push(`${m.type()}: ${m.text()}${where}`);
    if (m.type() === 'error') (offline ? problems.consoleAfter : problems.console).push(`${m.text()}${where}`);
  });
  page.on('pageerror', (e) => { logs.push(`pageerror: ${e.message}`); (offline ? problems.consoleAfter : problems.pageErrors).push(e.message); });
  const goOffline = async () => {
    offline = true;
    await context.route('**/*', (route) => route.abort('internetdisconnected'));
    await context.setOffline(true);
  };
  return { problems, logs, workers, seen, goOffline };
}

async function browserRun(url, artifacts) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
  const context = await browser.newContext();
  const page = await context.newPage();
  const { problems, logs, workers, seen, goOffline } = watch(context, page, new URL(url).origin);
  const t = { start: Date.now() };
  try {
    const documentResponse = await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    const documentCsp = documentResponse?.headers()['content-security-policy'] ?? null;
    await page.waitForFunction(() => window.molsigReady === true || typeof window.molsigError === 'string', null, { timeout: 300_000 });
    const startError = await page.evaluate(() => window.molsigError ?? null);
    if (startError) throw new Error(`the page could not start: ${startError}`);
    t.ready = Date.now();
    // Let anything the page or framework starts after load settle, then cut the network.
    await page.waitForTimeout(1000);
    await goOffline();
    const inputs = cases.map(({ name, input, batch, length, channels, depth }) => ({ name, input, batch, length, channels, depth }));
    const result = await Promise.race([
      page.evaluate((c) => window.molsigCheck(c), inputs),
      new Promise((_, reject) => { setTimeout(() => reject(new Error(`molsigCheck did not finish within ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS).unref(); }),
    ]);
    t.checked = Date.now();
    await page.screenshot({ path: join(artifacts, 'page.png') }).catch(() => {});
    return { result, problems, documentCsp, workers, seen, logs, ms: { ready: t.ready - t.start, check: t.checked - t.ready } };
  } catch (e) {
    await page.screenshot({ path: join(artifacts, 'failure.png') }).catch(() => {});
    e.message += `\nproblems: ${JSON.stringify(problems)}\nlast console lines:\n${logs.slice(-25).join('\n')}`;
    throw e;
  } finally {
    await browser.close();
  }
}

/** Waits until the learn demo shows numbers newer than its `after`-th update and is no longer
 * busy (or the page failed), then reads them from its DOM: the rows of the level table, the
 * predictions' data attributes, the x slider; and, from the mounted demo's `numbers()`, the
 * translation they were made with. */
async function learnState(page, after) {
  await page.waitForFunction((n) => {
    if (typeof window.molsigError === 'string') return true;
    const root = document.querySelector('.molsig-learn');
    if (!root) return false;
    if (root.querySelector('.molsig-learn-status')?.textContent.startsWith('Error:')) return true;
    return Number(root.dataset.updates) > n && root.dataset.busy === 'false';
  }, after, { timeout: CHECK_TIMEOUT_MS });
  const state = await page.evaluate(() => {
    const root = document.querySelector('.molsig-learn');
    const status = root?.querySelector('.molsig-learn-status')?.textContent ?? '';
    if (typeof window.molsigError === 'string' || status.startsWith('Error:')) return { error: window.molsigError ?? status };
    const predictions = root.querySelector('.molsig-learn-predictions');
    const view = root.querySelector('.molsig-learn-view');
    return {
      status,
      updates: Number(root.dataset.updates),
      latency: Number(root.dataset.latency),
      levels: [...root.querySelectorAll('.molsig-learn-levels tbody tr')]
        .map((r) => ({ level: Number(r.dataset.level), relative: Number(r.dataset.relative) })),
      original: JSON.parse(predictions.dataset.original ?? 'null'),
      copy: JSON.parse(predictions.dataset.copy ?? 'null'),
      x: Number(root.querySelector('[data-control=x]').value),
      translate: window.molsigDemo?.numbers()?.settings.transform.translate ?? null,
      view: view.querySelector('canvas') ? 'a canvas' : `no canvas (${view.textContent.trim().slice(0, 300)})`,
    };
  });
  if (state.error) throw new Error(`the demo failed: ${state.error}`);
  return state;
}

/** The learn app: waits for the demo's first numbers, cuts the network, moves the x slider with
 * the keyboard and waits for the numbers of the new position; screenshot at 1280×720. */
async function learnBrowserRun(url, artifacts) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: WEBGL_FLAGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const { problems, logs, workers, seen, goOffline } = watch(context, page, new URL(url).origin);
  const t = { start: Date.now() };
  try {
    const documentResponse = await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    const documentCsp = documentResponse?.headers()['content-security-policy'] ?? null;
    const first = await learnState(page, 0);
    t.ready = Date.now();
    // Let Mol* and anything else the page started settle, then cut the network: moving the
    // slider must need no request (the engine transforms, molsig/signature computes, in the page).
    await page.waitForTimeout(1000);
    await goOffline();
    t.keys = Date.now();
    const slider = page.locator('.molsig-learn [data-control=x]');
    await slider.focus();
    for (let i = 0; i < LEARN_STEPS; i += 1) await page.keyboard.press('ArrowLeft');
    const moved = await learnState(page, first.updates);
    t.moved = Date.now();
    // Mol*'s view follows the numbers in its own time: give it a moment to draw the copy.
    await page.locator('.molsig-learn-view canvas').first().waitFor({ timeout: 60_000 }).catch(() => {});
    await page.waitForTimeout(3000);
    await page.screenshot({ path: join(artifacts, 'page.png') });
    return { result: { first, moved }, problems, documentCsp, workers, seen, logs, ms: { ready: t.ready - t.start, moved: t.moved - t.keys } };
  } catch (e) {
    await page.screenshot({ path: join(artifacts, 'failure.png') }).catch(() => {});
    e.message += `\nproblems: ${JSON.stringify(problems)}\nlast console lines:\n${logs.slice(-25).join('\n')}`;
    throw e;
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Comparisons.

/** |got − want| ≤ tol·max(|want|, 1e-2·max|want|) elementwise, as tests/reference.rs. */
function closeToReference(what, got, want, failures) {
  if (got.length !== want.length) {
    failures.push(`${what}: ${got.length} values, reference has ${want.length}`);
    return;
  }
  const scale = want.reduce((m, w) => Math.max(m, Math.abs(w)), 0);
  for (let i = 0; i < want.length; i += 1) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= SIGNATURE_TOLERANCE * Math.max(Math.abs(want[i]), 1e-2 * scale, 1e-300))) {
      failures.push(`${what}[${i}]: got ${got[i]}, reference ${want[i]} (error ${err.toExponential(2)}, tolerance ${SIGNATURE_TOLERANCE} relative)`);
      return;
    }
  }
}

function checkSignatures(results, failures) {
  for (const c of cases) {
    const r = results.find((x) => x.name === c.name);
    if (!r) { failures.push(`signature case ${c.name}: no result`); continue; }
    closeToReference(`${c.name} signature`, r.signature, [c.json.outputs.sig_iisignature].flat(Infinity), failures);
    closeToReference(`${c.name} log-signature`, r.logSignature, [c.json.outputs.logsig_iisignature_lyndon_O].flat(Infinity), failures);
    closeToReference(`${c.name} expanded log-signature`, r.logSignatureExpanded, [c.json.outputs.logsig_iisignature_expanded_X].flat(Infinity), failures);
    if (r.sigLength !== c.json.siglength) failures.push(`${c.name} sigLength ${r.sigLength}, reference ${c.json.siglength}`);
    if (r.logsigLength !== c.json.logsiglength) failures.push(`${c.name} logsigLength ${r.logsigLength}, reference ${c.json.logsiglength}`);
    if (JSON.stringify(r.lyndonLabels) !== JSON.stringify(c.json.basis_labels.iisignature_lyndon)) {
      failures.push(`${c.name} Lyndon labels ${JSON.stringify(r.lyndonLabels)}, reference ${JSON.stringify(c.json.basis_labels.iisignature_lyndon)}`);
    }
  }
}

const maxDiff = (a, b) => (a.length !== b.length ? Infinity : a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0));

/** The browser's predictions against the CLI's sample rows (and their per-trajectory means). */
function checkAgainstCli(what, browser, cliSamples, failures) {
  let worst = 0;
  cliSamples = cliSamples.map((s) => ({ ...s, name: basename(s.name), startFrame: s.startFrame ?? s.start_frame }));
  const cliBy = new Map(cliSamples.map((s) => [`${s.name}@${s.startFrame}`, s]));
  if (browser.samples.length !== cliSamples.length) {
    failures.push(`${what}: ${browser.samples.length} samples in the browser, ${cliSamples.length} from the CLI`);
  }
  for (const s of browser.samples) {
    const c = cliBy.get(`${s.name}@${s.startFrame}`);
    if (!c) { failures.push(`${what}: sample ${s.name}@${s.startFrame} missing from the CLI's output`); continue; }
    const d = maxDiff(s.probabilities, c.probabilities);
    worst = Math.max(worst, d);
    if (!(d <= PROBABILITY_TOLERANCE)) failures.push(`${what}: sample ${s.name}@${s.startFrame}: browser ${JSON.stringify(s.probabilities)}, CLI ${JSON.stringify(c.probabilities)} (|Δ| ${d})`);
  }
  for (const t of browser.trajectories) {
    const rows = cliSamples.filter((s) => s.name === t.name);
    if (rows.length === 0) { failures.push(`${what}: trajectory ${t.name} missing from the CLI's output`); continue; }
    if (rows.length !== t.samples) failures.push(`${what}: ${t.name}: ${t.samples} samples in the browser, ${rows.length} from the CLI`);
    const mean = t.probabilities.map((_, k) => rows.reduce((a, r) => a + r.probabilities[k], 0) / rows.length);
    const d = maxDiff(t.probabilities, mean);
    worst = Math.max(worst, d);
    if (!(d <= PROBABILITY_TOLERANCE)) failures.push(`${what}: trajectory ${t.name}: browser ${JSON.stringify(t.probabilities)}, CLI sample mean ${JSON.stringify(mean)} (|Δ| ${d})`);
  }
  return worst;
}

/** Training's own predictions against `predict`'s on the same files with the same model. */
function checkTrainedAgainstPredicted(trained, predicted, failures) {
  let worst = 0;
  for (const t of predicted.trajectories) {
    const u = trained.trajectories.find((x) => x.name === t.name);
    if (!u) { failures.push(`training's predictions lack ${t.name}`); continue; }
    const d = maxDiff(t.probabilities, u.probabilities);
    worst = Math.max(worst, d);
    if (!(d <= PROBABILITY_TOLERANCE)) failures.push(`${t.name}: train() predicted ${JSON.stringify(u.probabilities)}, predict() ${JSON.stringify(t.probabilities)} (|Δ| ${d})`);
  }
  return worst;
}

/** The learn demo's numbers under a translation, at its first position and after the slider
 * moved: every level unchanged, the same prediction for the original and the copy. */
function checkLearn(label, run, failures) {
  const { first, moved } = run.result;
  let worstLevel = 0;
  let worstProbability = 0;
  for (const [when, s] of [['first numbers', first], [`after ${LEARN_STEPS} × ArrowLeft on x`, moved]]) {
    const what = `${label} (${when})`;
    if (s.levels.length !== 3) failures.push(`${what}: ${s.levels.length} signature levels shown; 3 expected (the default depth)`);
    for (const l of s.levels) {
      worstLevel = Math.max(worstLevel, l.relative);
      if (!(l.relative < LEARN_TOLERANCE)) failures.push(`${what}: level ${l.level} changed by ${l.relative} relative under a translation (tolerance ${LEARN_TOLERANCE})`);
    }
    if (!Array.isArray(s.original) || !Array.isArray(s.copy) || s.original.length < 2) {
      failures.push(`${what}: predictions original ${JSON.stringify(s.original)}, copy ${JSON.stringify(s.copy)}; two arrays of class probabilities expected`);
    } else {
      const d = maxDiff(s.original, s.copy);
      worstProbability = Math.max(worstProbability, d);
      if (!(d <= LEARN_TOLERANCE)) failures.push(`${what}: the model says ${JSON.stringify(s.original)} for the original, ${JSON.stringify(s.copy)} for the copy (|Δ| ${d}, tolerance ${LEARN_TOLERANCE})`);
      const sum = s.copy.reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > 1e-4) failures.push(`${what}: the copy's probabilities sum to ${sum}`);
    }
    if (s.translate?.[0] !== s.x) failures.push(`${what}: the numbers shown are for translate ${JSON.stringify(s.translate)}, the x slider is at ${s.x}`);
    if (s.view !== 'a canvas') failures.push(`${what}: Mol*'s view has ${s.view}`);
  }
  const x = first.x - 0.5 * LEARN_STEPS;
  if (moved.x !== x) failures.push(`${label}: the x slider is at ${moved.x} after ${LEARN_STEPS} × ArrowLeft from ${first.x}; ${x} expected`);
  return `${first.levels.length} levels; translate x ${first.x} → ${moved.x} Å (updates ${first.updates} → ${moved.updates}, `
    + `last in ${Math.round(moved.latency)} ms); max relative level change ${worstLevel.toExponential(2)}, max |Δp| original vs copy `
    + `${worstProbability.toExponential(2)}; p ${JSON.stringify(moved.copy?.map((p) => Number(p.toFixed(4))))}; `
    + `page ready ${seconds(run.ms.ready)}, keys to numbers ${seconds(run.ms.moved)}`;
}

// ---------------------------------------------------------------------------------------------
// One app.

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function runApp(name, root) {
  const app = APPS[name];
  const dir = join(root, name);
  const timings = {};
  const notes = [];
  const failures = [];
  let t = Date.now();
  // Fresh copy of the template, the shared check, the demo (or the app's own `files`).
  cpSync(join(templates, name), dir, { recursive: true });
  if (app.check) cpSync(join(templates, 'shared', 'molsig-check.js'), join(dir, app.check));
  if (app.demo) {
    mkdirSync(join(dir, app.demo), { recursive: true });
    for (const f of ['peptide.pdb', 'manifest.csv', ...demoRows.map((r) => r.trajectory)]) cpSync(join(dataset, f), join(dir, app.demo, f));
  }
  for (const [from, to] of app.files ?? []) cpSync(from, join(dir, to));
  const pkgPath = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  pkg.dependencies = { molsig: `file:${tarball}`, ...pkg.dependencies };
  writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
  const npmArgs = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...(npmCache ? ['--cache', npmCache] : [])];
  await run(dir, 'npm', npmArgs);
  timings.install = Date.now() - t;
  const installed = JSON.parse(readFileSync(join(dir, 'node_modules', 'molsig', 'package.json'), 'utf8')).version;
  notes.push(`molsig ${installed}${Object.entries(pkg.devDependencies ?? {}).concat(Object.entries(pkg.dependencies).filter(([k]) => k !== 'molsig')).map(([k, v]) => `, ${k} ${v}`).join('')}`);

  for (const mode of app.modes) {
    const label = `${name}/${mode.name}`;
    const artifacts = join(root, 'artifacts', `${name}-${mode.name}`);
    mkdirSync(artifacts, { recursive: true });
    mode.setup?.(dir);
    if (mode.build) {
      t = Date.now();
      const out = await run(dir, mode.build[0], mode.build[1], { MOLSIG_CSP: CSP, NEXT_TELEMETRY_DISABLED: '1' });
      writeFileSync(join(artifacts, 'build.log'), out);
      // Warnings are reported, not failed on (webpack's asset-size hint is expected: the engine's
      // wasm is 17 MB raw).
      for (const line of out.split('\n').filter((l) => /warn|externalized/i.test(l))) notes.push(`${mode.name} build: ${line.trim().slice(0, 240)}`);
      timings[`${mode.name} build`] = Date.now() - t;
    }
    t = Date.now();
    const port = await freePort();
    const server = mode.serve(dir, String(port));
    if (server.listen) await server.listen(port);
    const url = `http://127.0.0.1:${port}/${mode.page ?? ''}`;
    let run1;
    try {
      await waitFor(url, server);
      timings[`${mode.name} serve`] = Date.now() - t;
      t = Date.now();
      run1 = await (app.learn ? learnBrowserRun : browserRun)(url, artifacts);
      timings[`${mode.name} browser`] = Date.now() - t;
      // The worker's script must carry the policy too (a worker has its own response's policy).
      // One worker: the engine's (bundlers rename it; a second one would mean a restart).
      const workerUrl = run1.workers[0];
      if (run1.workers.length !== 1) failures.push(`${label}: ${run1.workers.length} workers started (${run1.workers.join(', ')}); one expected`);
      const workerCsp = workerUrl ? (await fetch(workerUrl)).headers.get('content-security-policy') : null;
      notes.push(`${mode.name}: worker ${workerUrl ? new URL(workerUrl).pathname : '(none seen)'}; page policy: ${run1.documentCsp}; worker policy: ${workerCsp}`);
      if (!workerUrl) failures.push(`${label}: no worker was seen`);
      else if (!workerCsp?.includes("'wasm-unsafe-eval'")) failures.push(`${label}: the worker's script ${workerUrl} was served without the policy (${workerCsp})`);
      if (!run1.documentCsp?.includes("'wasm-unsafe-eval'")) failures.push(`${label}: the page was served without the policy (${run1.documentCsp})`);
    } finally {
      await server.stop();
      writeFileSync(join(artifacts, 'server.log'), server.log());
    }
    const { result, problems } = run1;
    writeFileSync(join(artifacts, 'console.log'), run1.logs.join('\n'));
    writeFileSync(join(artifacts, 'requests.log'), run1.seen.join('\n'));
    // The worker's own requests must be visible here, or "nothing after going offline" proves nothing.
    // (The inlined engine carries its wasm in the worker script: the worker's request is the one.)
    const engineRequest = mode.inlined ? /worker-inlined\.js(\?|$)/ : /\.wasm(\?|$)/;
    if (!run1.seen.some((u) => engineRequest.test(new URL(u).pathname + new URL(u).search) && !/signature/.test(u))) {
      failures.push(`${label}: the engine's wasm request was not seen (requests: ${run1.seen.join(', ')})`);
    }
    if (mode.hosted) {
      const paths = run1.seen.map((u) => new URL(u).pathname);
      const used = paths.filter((p) => mode.hosted.test(p));
      const packaged = paths.filter((p) => /\/molsig\/dist\/(worker\.js|molsig\.wasm)$/.test(p));
      if (used.length !== 2 || packaged.length) failures.push(`${label}: the app's own worker and wasm were not the ones used (requests: ${paths.join(', ')})`);
    }
    for (const [key, list] of Object.entries(problems)) {
      if (list.length) failures.push(`${label}: ${key}: ${list.slice(0, 10).join(' | ')}${list.length > 10 ? ` (${list.length} in all)` : ''}`);
    }
    if (app.learn) {
      writeFileSync(join(artifacts, 'browser-result.json'), JSON.stringify(result, null, 1));
      notes.push(`${mode.name}: ${checkLearn(label, run1, failures)}`);
      continue;
    }
    // Shape of the run.
    if (result.backend.kind !== 'CPU') failures.push(`${label}: backend ${JSON.stringify(result.backend)}, asked for the CPU`);
    if (result.events.epoch !== 2 || result.trained.epochs !== 2) failures.push(`${label}: ${result.events.epoch} epoch events, ${result.trained.epochs} epochs recorded; 2 asked`);
    if (result.predictions.trajectories.length !== demoRows.length) failures.push(`${label}: ${result.predictions.trajectories.length} trajectories predicted, ${demoRows.length} given`);
    for (const p of result.predictions.trajectories) {
      const sum = p.probabilities.reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > 1e-4) failures.push(`${label}: ${p.name}: probabilities sum to ${sum}`);
    }
    if (!(result.loadProgress.calls > 0 && result.loadProgress.loaded > 0)) failures.push(`${label}: no load progress reported (${JSON.stringify(result.loadProgress)})`);
    checkSignatures(result.signatures, failures);
    const trainedVsPredicted = checkTrainedAgainstPredicted(result.trained.predictions, result.predictions, failures);
    // The model into the CLI.
    t = Date.now();
    const modelPath = join(artifacts, 'model.molsig');
    writeFileSync(modelPath, Buffer.from(result.model, 'base64'));
    const cliOut = join(artifacts, 'cli-predictions.json');
    const demoDir = join(dir, app.demo);
    await run(demoDir, cli, ['predict', '--model-file', modelPath, '--topology', 'peptide.pdb',
      '--trajectories', ...demoRows.map((r) => `${r.trajectory}=${r.label}`), '--out', cliOut, '--per-sample']);
    timings[`${mode.name} cli`] = Date.now() - t;
    writeFileSync(join(artifacts, 'browser-result.json'), JSON.stringify({ ...result, model: `(${result.model.length} base64 chars)` }, null, 1));
    const worst = checkAgainstCli(label, result.predictions, JSON.parse(readFileSync(cliOut, 'utf8')), failures);
    notes.push(`${mode.name}: ${result.dataset.samples} samples, classes ${result.dataset.classes.join('/')}; page ready ${seconds(run1.ms.ready)} (engine ${seconds(result.engineMs)}), `
      + `load ${seconds(result.times.load)}, train ${seconds(result.times.train)}, predict ${seconds(result.times.predict)}, `
      + `model ${Math.round(result.model.length * 0.75 / 1024)} KiB; max |Δp| browser vs CLI ${worst.toExponential(2)}, train() vs predict() ${trainedVsPredicted.toExponential(2)}`);
  }
  return { timings, notes, failures };
}

// ---------------------------------------------------------------------------------------------
// Main.

const root = process.env.MOLSIG_APPS_DIR ? resolve(process.env.MOLSIG_APPS_DIR) : mkdtempSync(join(tmpdir(), 'molsig-apps-'));
if (root === repo || root.startsWith(repo + sep)) throw new Error(`the apps must live outside the source tree, not in ${root}`);
mkdirSync(root, { recursive: true });
for (const a of requested) if (existsSync(join(root, a))) rmSync(join(root, a), { recursive: true, force: true });
console.log(`molsig package test: ${relative(process.cwd(), tarball) || tarball} in ${requested.join(', ')}; apps in ${root}; CLI ${cli}; npm cache ${npmCache ?? '(npm default)'}`);

const summary = [];
for (const name of requested) {
  const start = Date.now();
  let outcome;
  try {
    outcome = await runApp(name, root);
  } catch (e) {
    outcome = { timings: {}, notes: [], failures: [`${name}: ${e.stack ?? e}`] };
  }
  const total = Date.now() - start;
  summary.push({ name, total, ...outcome });
  const ok = outcome.failures.length === 0;
  console.log(`${ok ? 'ok' : 'FAILED'} - ${name} (${seconds(total)}; ${Object.entries(outcome.timings).map(([k, v]) => `${k} ${seconds(v)}`).join(', ')})`);
  for (const n of outcome.notes) console.log(`    ${n}`);
  for (const f of outcome.failures) console.log(`  ✗ ${f}`);
  console.log(`    policy relaxation: ${APPS[name].relaxed}`);
}

console.log('\napp        result  total    timings');
for (const s of summary) {
  console.log(`${s.name.padEnd(10)} ${(s.failures.length ? 'FAILED' : 'ok').padEnd(7)} ${seconds(s.total).padStart(8)}  ${Object.entries(s.timings).map(([k, v]) => `${k} ${seconds(v)}`).join(', ')}`);
}
const failed = summary.filter((s) => s.failures.length);
if (failed.length === 0 && !process.env.MOLSIG_KEEP && !process.env.MOLSIG_APPS_DIR) rmSync(root, { recursive: true, force: true });
else console.log(`apps and artifacts kept in ${root}`);
process.exit(failed.length ? 1 : 0);
