import type { NextFunction, Request, Response } from 'express';

export type FaultMode = 'timeout' | 'error500' | 'down';

/** How long a `timeout` fault holds a request: longer than any client timeout, then the socket is dropped. */
const HANG_MS = 120_000;

/** Injected failures for the next N `/billmgr` requests, to exercise a client's unavailable path. */
export function createFaults() {
  let mode: FaultMode | undefined;
  let remaining = 0;
  const hung = new Set<Response>();
  return {
    set(next: FaultMode, count: number) {
      mode = next;
      remaining = count;
    },
    clear() {
      mode = undefined;
      remaining = 0;
    },
    state: () => ({ mode: mode ?? '', remaining }),
    middleware(_req: Request, res: Response, next: NextFunction) {
      if (!mode || remaining <= 0) return next();
      remaining -= 1;
      const current = mode;
      if (remaining === 0) mode = undefined;
      if (current === 'error500') return void res.status(500).type('text/plain').send('Internal Server Error');
      if (current === 'down') return void res.socket?.destroy();
      hung.add(res);
      const timer = setTimeout(() => {
        hung.delete(res);
        res.socket?.destroy();
      }, HANG_MS);
      timer.unref();
      res.on('close', () => {
        clearTimeout(timer);
        hung.delete(res);
      });
    },
    /** Drops the requests still held, so that a closing server does not wait for them. */
    releaseAll() {
      for (const res of hung) res.socket?.destroy();
      hung.clear();
    },
  };
}

export type Faults = ReturnType<typeof createFaults>;

export function isFaultMode(value: string | undefined): value is FaultMode {
  return value === 'timeout' || value === 'error500' || value === 'down';
}
