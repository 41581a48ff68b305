// The page's side of the worker protocol: numbered requests, progress callbacks, and a fresh
// worker when the old one dies (a wasm trap, out of memory, a lost GPU device). Whatever the
// page holds — files, labels, results — survives; only state inside the worker is lost.
import type { Request, Response, TrainEvent } from '../worker/protocol';

/** A request before the id is assigned (Omit distributed over the union). */
export type Unsent<T> = T extends unknown ? Omit<T, 'id'> : never;

interface Pending {
  resolve: (r: Response) => void;
  progress?: (event: TrainEvent) => void;
}

export class WorkerClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();

  /** `onRestart` hears why the previous worker died, after a new one has been started. */
  constructor(private readonly onRestart: (reason: string) => void) {
    this.worker = this.start();
  }

  private start(): Worker {
    // The page's query (`?backend=webgpu|cpu`) reaches the worker, which picks the device.
    const w = new Worker(new URL(`./worker.js${location.search}`, import.meta.url), { type: 'module' });
    w.onmessage = (event: MessageEvent<Response>) => {
      const r = event.data;
      const p = this.pending.get(r.id);
      if (!p) return;
      if (r.type === 'progress') {
        p.progress?.(r.event);
        return;
      }
      this.pending.delete(r.id);
      p.resolve(r);
    };
    w.onerror = (event) => {
      event.preventDefault();
      this.restart(event.message || 'the worker stopped');
    };
    return w;
  }

  /** Ends the current worker (e.g. after a crash) and answers its requests with errors. */
  restart(reason: string): void {
    this.worker.terminate();
    const message = `The compute worker stopped (${reason}); a new one was started. Your files and labels are kept; load or train the model again.`;
    for (const [id, p] of this.pending) p.resolve({ type: 'error', id, message, context: 'worker' });
    this.pending.clear();
    this.worker = this.start();
    this.onRestart(reason);
  }

  /** Sends `request`; `progress` sees training events until the answer arrives. */
  call(request: Unsent<Request>, progress?: (event: TrainEvent) => void): Promise<Response> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, progress });
      this.worker.postMessage({ ...request, id });
    });
  }

  /** Sends without waiting (cancel must not queue behind the training it cancels). */
  send(request: Unsent<Request>): void {
    this.worker.postMessage({ ...request, id: this.nextId++ });
  }
}
