// Next's documented nonce approach (guides/content-security-policy): a fresh nonce per request in
// the policy's script-src; Next reads it from the request's Content-Security-Policy header and
// puts it on its own inline and external scripts. The rest of the policy is the test's strict one
// (MOLSIG_CSP, set by web/tests/package.mjs).
import { NextResponse } from 'next/server';

const STRICT = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; "
  + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'";

export function proxy(request) {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const policy = (process.env.MOLSIG_CSP || STRICT).replace("script-src 'self'", `script-src 'self' 'nonce-${nonce}'`);
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

export const config = {
  matcher: [{
    source: '/((?!api|_next/static|_next/image|favicon.ico).*)',
    missing: [{ type: 'header', key: 'next-router-prefetch' }, { type: 'header', key: 'purpose', value: 'prefetch' }],
  }],
};
