// The app's side of the worker protocol: numbered requests, progress callbacks, and a fresh
// worker when the old one dies. Only the worker's explicit `fatal` answer (its wasm instance is
// poisoned: a panic, a trap, a stack overflow) or `worker.onerror` (an uncaught error, or the
// script failed to load) restarts it — never the text of an error. Restarts wait a growing
// backoff and stop after a cap, so a worker that crashes as it starts cannot loop. Whatever the
// app holds — files, labels, results — survives; only state inside the worker is lost.
import type { Request, Response } from './protocol';

/** A request before the id is assigned (Omit distributed over the union). */
export type Unsent<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The wait before the 1st, 2nd and 3rd restart within `CRASH_WINDOW_MS`; one more crash in
 * that window and the client gives up. */
export const RESTART_BACKOFF_MS = [500, 2000, 8000];
const CRASH_WINDOW_MS = 60_000;

/** The messages a request receives before its answer. */
export type Progress = Extract<Response, { type: 'progress' | 'loading' }>;

interface Pending {
  resolve: (r: Response) => void;
  progress?: (message: Progress) => void;
}

export class WorkerClient {
  /** Null while a restart waits its backoff, and after giving up. */
  private worker: Worker | null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  /** Requests made while no worker runs, sent to the next one. */
  private outbox: Request[] = [];
  /** When the recent crashes happened (ms), for the backoff and the cap. */
  private crashes: number[] = [];
  /** Why the client gave up (the cap was reached); null while it still restarts. */
  private gaveUp: string | null = null;

  /**
   * `onRestart` hears why the worker died and how long until a new one starts (requests made
   * meanwhile wait for it); `onGiveUp` hears that it crashed too often and no worker will start.
   */
  constructor(
    private readonly makeWorker: () => Worker,
    private readonly onRestart: (reason: string, delayMs: number) => void,
    private readonly onGiveUp: (reason: string, crashes: number) => void = () => {},
  ) {
    this.worker = this.start();
  }

  private start(): Worker {
    const w = this.makeWorker();
    w.onmessage = (event: MessageEvent<Response>) => {
      if (w !== this.worker) return; // a late message from a replaced worker
      const r = event.data;
      if (r.type === 'fatal') return this.crashed(r.message, r.id);
      const p = this.pending.get(r.id);
      if (!p) return;
      if (r.type === 'progress' || r.type === 'loading') {
        p.progress?.(r);
        return;
      }
      this.pending.delete(r.id);
      p.resolve(r);
    };
    w.onerror = (event) => {
      event.preventDefault();
      // No message: the script could not be fetched or failed before running any code.
      const reason = event.message || 'the worker script failed to load or stopped (if it never starts, check that the app serves molsig\'s worker.js and molsig.wasm: see the README)';
      if (w === this.worker) this.crashed(reason, 0);
    };
    for (const request of this.outbox) w.postMessage(request);
    this.outbox = [];
    return w;
  }

  /** The worker cannot go on: answer its requests with ordinary errors (they never restart
   * anything), then start a new worker after a backoff, or give up after too many crashes. */
  private crashed(reason: string, failedId: number): void {
    this.worker?.terminate();
    this.worker = null;
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    const delay = RESTART_BACKOFF_MS[this.crashes.length - 1];
    const next = delay === undefined ? 'no new one is started, as it keeps failing' : 'a new one is starting';
    for (const [id, p] of this.pending) {
      const message = id === failedId
        ? `The compute engine crashed while running this (${reason}); ${next}.`
        : `The compute worker stopped (${reason}) before this finished; ${next}${delay === undefined ? '' : ': run this again'}.`;
      p.resolve({ type: 'error', id, message, context: 'worker' });
    }
    this.pending.clear();
    if (delay === undefined) {
      this.gaveUp = reason;
      this.onGiveUp(reason, this.crashes.length);
      return;
    }
    setTimeout(() => { if (this.gaveUp === null) this.worker = this.start(); }, delay);
    this.onRestart(reason, delay);
  }

  /** Sends `request`; `progress` sees its progress messages until the answer arrives. */
  call(request: Unsent<Request>, progress?: (message: Progress) => void): Promise<Response> {
    const id = this.nextId++;
    if (this.gaveUp !== null) {
      const message = `The compute engine keeps failing (last: ${this.gaveUp}); reload the page to try again.`;
      return Promise.resolve({ type: 'error', id, message, context: 'worker' });
    }
    const message = { ...request, id } as Request;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, progress });
      if (this.worker) this.worker.postMessage(message);
      else this.outbox.push(message);
    });
  }

  /** Sends without waiting (cancel must not queue behind the training it cancels); dropped
   * while no worker runs, as there is nothing to cancel then. */
  send(request: Unsent<Request>): void {
    this.worker?.postMessage({ ...request, id: this.nextId++ });
  }

  /** Stops the worker for good; pending requests are answered with an error. */
  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    this.gaveUp = 'the engine was terminated';
    for (const [id, p] of this.pending) p.resolve({ type: 'error', id, message: 'The engine was terminated before this finished.', context: 'worker' });
    this.pending.clear();
  }
}
