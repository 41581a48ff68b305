// `molsig/signature` as built (dist/signature.js + dist/signature.wasm) against the independent
// reference vectors of crates/molsig-signature/tests/fixtures/signatures (iisignature, pySigLib,
// esig in float64), with the Rust tests' tolerances (tests/reference.rs): 1e-10 relative, and
// 1e-6 · max(|fd|, 1) against the fixtures' finite differences. A missing fixture fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { levels, loadSignature } from '../dist/signature.js';

const FIXTURES = new URL('../../../../crates/molsig-signature/tests/fixtures/signatures/', import.meta.url);
const TOL = 1e-10;

async function readJson(url) {
  let text;
  try {
    text = await readFile(url, 'utf8');
  } catch (e) {
    throw new Error(`missing reference fixture ${url.pathname} (${e.message}); see crates/molsig-signature/tests/fixtures/README.md`);
  }
  return JSON.parse(text);
}

/** Every case of the index, read up front; fails when the index or a case file is missing. */
async function cases() {
  const index = await readJson(new URL('index.json', FIXTURES));
  assert.ok(Array.isArray(index.cases) && index.cases.length > 0, 'index.json lists no reference case');
  return Promise.all(
    index.cases.map(async ({ file }) => {
      const json = await readJson(new URL(file, FIXTURES));
      const shape = json.shape;
      const [batch, length, channels] = shape.length === 2 ? [1, ...shape] : shape;
      return { name: file, json, batch, length, channels, depth: json.depth };
    }),
  );
}

function values(c, pointer) {
  const v = pointer.split('/').slice(1).reduce((o, k) => o?.[k], c.json);
  assert.ok(v !== undefined, `${c.name}: no ${pointer}`);
  return [v].flat(Infinity);
}

let checks = 0;

/** |got − want| ≤ tol·max(|want|, 1e-2·max|want|) elementwise, as tests/reference.rs. */
function assertClose(name, what, got, want, tol = TOL) {
  assert.equal(got.length, want.length, `${name} ${what}: length`);
  const scale = want.reduce((m, w) => Math.max(m, Math.abs(w)), 0);
  want.forEach((w, i) => {
    const err = Math.abs(got[i] - w);
    assert.ok(
      err <= tol * Math.max(Math.abs(w), 1e-2 * scale, 1e-300),
      `${name} ${what}[${i}]: got ${got[i]}, reference ${w} (error ${err}, tolerance ${tol} relative)`,
    );
  });
  checks++;
}

const sig = await loadSignature();
const all = await cases();

test('every reference case matches in float64', () => {
  for (const c of all) {
    const path = { data: values(c, '/input'), batch: c.batch, length: c.length, channels: c.channels };
    assertClose(c.name, 'signature', sig.signature(path, c.depth), values(c, '/outputs/sig_iisignature'));
    assertClose(c.name, 'log-signature', sig.logSignature(path, c.depth), values(c, '/outputs/logsig_iisignature_lyndon_O'));
    assertClose(c.name, 'expanded log-signature', sig.logSignatureExpanded(path, c.depth), values(c, '/outputs/logsig_iisignature_expanded_X'));
    assert.equal(sig.sigLength(c.channels, c.depth), c.json.siglength, `${c.name} sigLength`);
    assert.equal(sig.logsigLength(c.channels, c.depth), c.json.logsiglength, `${c.name} logsigLength`);
    assert.deepEqual(sig.lyndonLabels(c.channels, c.depth), c.json.basis_labels.iisignature_lyndon, `${c.name} labels`);
    assert.deepEqual(sig.lyndonWords(c.channels, c.depth), c.json.basis_labels.lyndon_words_0based, `${c.name} words`);
    checks += 4;

    const w = values(c, '/W_sig_cotangent');
    assertClose(c.name, 'signature gradient', sig.signatureBackward(path, c.depth, w), values(c, '/outputs/grad_sig_own_autograd'));

    // Case G (a single point) has no log-signature gradient (fixtures README); the others must.
    const v = values(c, '/V_logsig_cotangent');
    const grad = sig.logSignatureBackward(path, c.depth, v);
    if (c.length > 1) {
      assertClose(c.name, 'log-signature gradient', grad, values(c, '/outputs/grad_logsig_lyndon_pysiglib_autograd'));
      const fd = c.json.grad_logsig_fd_check;
      assert.ok(fd, `${c.name}: no grad_logsig_fd_check`);
      fd.flat_indices.forEach((i, k) => {
        const f = fd.finite_difference[k];
        assert.ok(Math.abs(grad[i] - f) <= 1e-6 * Math.max(Math.abs(f), 1), `${c.name} [${i}]: ${grad[i]} vs fd ${f}`);
      });
      checks++;
    } else {
      assert.ok(grad.every((g) => g === 0), `${c.name}: a constant path's log-signature gradient is zero`);
      checks++;
    }
  }
  console.log(`${all.length} reference cases, ${checks} checks`);
});

test("Chen's identity: S(X₀..X_k) ⊗ S(X_k..X_L) = S(X)", () => {
  const c = all[0];
  const [d, depth] = [c.channels, c.depth];
  const x = values(c, '/input');
  const k = Math.floor(c.length / 2);
  const head = { data: x.slice(0, (k + 1) * d), length: k + 1, channels: d };
  const tail = { data: x.slice(k * d), length: c.length - k, channels: d };
  const product = tensorProduct(sig.signature(head, depth), sig.signature(tail, depth), d, depth);
  assertClose(c.name, "Chen's identity", product, Array.from(sig.signature({ data: x, length: c.length, channels: d }, depth)), 1e-12);
});

/** (1 + a) ⊗ (1 + b) − 1 in the truncated tensor algebra, signature layout. */
function tensorProduct(a, b, d, depth) {
  const la = levels(a, d, depth);
  const lb = levels(b, d, depth);
  const out = new Float64Array(a.length);
  const lo = levels(out, d, depth);
  for (let k = 1; k <= depth; k++) {
    const o = lo[k - 1];
    o.set(la[k - 1]);
    o.forEach((_, w) => (o[w] += lb[k - 1][w]));
    for (let i = 1; i < k; i++) {
      const [x, y] = [la[i - 1], lb[k - i - 1]];
      x.forEach((xv, u) => y.forEach((yv, v) => (o[u * y.length + v] += xv * yv)));
    }
  }
  return out;
}

test('number[][] paths, augmentations and their transposes', () => {
  const rows = [[0, 0], [1, 0], [1, 2], [3, 1]];
  const s = sig.signature(rows, 2);
  assert.deepEqual(Array.from(levels(s, 2, 2)[0]), [3, 1]);
  const augment = ['basepoint', 'time', 'leadLag'];
  const a = sig.augment(rows, augment);
  assert.deepEqual([a.batch, a.length, a.channels], [1, 9, 6]);
  assert.deepEqual(sig.augmentedShape(4, 2, augment), { length: 9, channels: 6 });
  // The signature of the augmented path, directly or through the option.
  assertClose('augment', 'signature', sig.signature(rows, 3, { augment }), Array.from(sig.signature(a, 3)), 0);
  // ⟨A x − A 0, g⟩ = ⟨x, Aᵀ g⟩ (time adds a constant channel).
  const g = Array.from(a.data, (_, i) => Math.sin(i));
  const zero = sig.augment({ data: new Float64Array(8), length: 4, channels: 2 }, augment).data;
  const lhs = a.data.reduce((t, y, i) => t + (y - zero[i]) * g[i], 0);
  const back = sig.augmentBackward(g, { length: 4, channels: 2 }, augment);
  const rhs = rows.flat().reduce((t, x, i) => t + x * back[i], 0);
  assert.ok(Math.abs(lhs - rhs) < 1e-12, `${lhs} vs ${rhs}`);
  // Gradients through augmentations come back in the original shape.
  const n = sig.sigLength(6, 3);
  assert.equal(sig.signatureBackward(rows, 3, new Float64Array(n).fill(1), { augment }).length, 8);
  assert.equal(sig.logSignatureBackward(rows, 3, new Float32Array(sig.logsigLength(6, 3)).fill(1), { augment }).length, 8);
});

test('bad shapes and arguments throw Errors that name the mismatch', () => {
  const bad = { data: new Float64Array(30), length: 10, channels: 4 };
  assert.throws(() => sig.signature(bad, 3), { name: 'Error', message: /path has 30 values, but length 10 × channels 4 needs 40/ });
  assert.throws(() => sig.logSignature({ ...bad, batch: 2 }, 3), { name: 'Error', message: /batch 2 × length 10 × channels 4 needs 80/ });
  assert.throws(() => sig.signature([[0, 1], [2]], 2), { name: 'Error', message: /point 1 has 1 values, but point 0 has 2/ });
  assert.throws(() => sig.signatureBackward([[0, 1], [2, 3]], 2, [1, 2]), { name: 'Error', message: /gradient has 2 values, but batch 1 × signature length 6 needs 6/ });
  assert.throws(() => sig.signature([[0, NaN]], 2), { name: 'Error', message: /not finite/ });
  assert.throws(() => sig.signature([[0, 1]], 2.5), { name: 'Error', message: /depth must be a whole number/ });
  assert.throws(() => sig.signature([[0, 1]], 0), { name: 'Error', message: /depth 0/ });
  assert.throws(() => sig.augment([[0, 1]], ['lead-lag']), { name: 'Error', message: /unknown augmentation "lead-lag"/ });
  assert.throws(() => levels(new Float64Array(5), 2, 2), { name: 'Error', message: /5 values, but channels 2 at depth 2 needs 6/ });
  // The module still works after an error.
  assert.equal(sig.signature([[0, 0], [1, 1]], 1).length, 2);
});
