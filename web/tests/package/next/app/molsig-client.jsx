'use client';
// The check runs in the browser only: after hydration, in an effect.
import { useEffect } from 'react';
import { install } from './molsig-check.js';

export default function MolsigCheck() {
  useEffect(() => {
    install();
  }, []);
  return <pre id="molsig-status">loading…</pre>;
}
