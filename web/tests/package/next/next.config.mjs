// The pages' Content-Security-Policy (with a nonce per request) comes from proxy.js. The files
// under /_next/static get the same policy without a nonce here, so that the engine's worker
// script (served from there) runs under it too: a worker has the policy of its own response, not
// the page's.
const csp = process.env.MOLSIG_CSP;

/** @type {import('next').NextConfig} */
export default {
  poweredByHeader: false,
  async headers() {
    return csp ? [{ source: '/_next/static/:path*', headers: [{ key: 'Content-Security-Policy', value: csp }] }] : [];
  },
};
