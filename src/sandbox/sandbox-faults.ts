import type { Response } from 'express';

/** Before the call: nothing is executed. `timeout` holds the request, `error500` answers HTTP 500, `down` drops it. */
export type BeforeMode = 'timeout' | 'error500' | 'down';
/**
 * After the call: it is executed (state changed, money charged), then its answer is `lost` (socket
 * dropped), `late` (held `ms` before it is sent) or `truncated` (the first half of the body, then the
 * connection is closed: a well-formed HTTP answer carrying a cut XML document).
 */
export type AfterMode = 'lost' | 'late' | 'truncated';
/**
 * `slow`: the request waits `ms` before it is carried out, then is answered if the client still
 * listens — a client that gave up meanwhile sees no answer, yet the call takes effect later (an HTTP
 * server goes on with a request whose client has left).
 */
export type SlowMode = 'slow';
export type FaultMode = BeforeMode | AfterMode | SlowMode;

export interface FaultRule {
  readonly mode: FaultMode;
  /** Only requests for this upstream function; '' = any. */
  readonly target: string;
  remaining: number;
  /** `timeout`: how long the request is held before the socket is dropped; `late`: the delay. */
  readonly ms: number;
}

const BEFORE: readonly string[] = ['timeout', 'error500', 'down'];
const MODES: readonly string[] = [...BEFORE, 'lost', 'late', 'truncated', 'slow'];

/** How long a `timeout` fault holds a request by default: longer than any client timeout. */
export const HANG_MS = 120_000;
export const LATE_MS = 5_000;

export function isFaultMode(value: string | undefined): value is FaultMode {
  return value !== undefined && MODES.includes(value);
}

export const isBeforeMode = (mode: FaultMode): mode is BeforeMode => BEFORE.includes(mode);

/** Injected failures for the next N matching `/billmgr` requests, to exercise a client's unknown-outcome paths. */
export function createFaults() {
  let rules: FaultRule[] = [];
  const held = new Set<Response>();
  const delayed = new Set<NodeJS.Timeout>();

  function hold(res: Response, ms: number, then: () => void) {
    held.add(res);
    const timer = setTimeout(() => {
      held.delete(res);
      then();
    }, ms);
    timer.unref();
    res.on('close', () => {
      clearTimeout(timer);
      held.delete(res);
    });
  }

  return {
    set(rule: FaultRule) {
      rules = [rule];
    },
    add(rule: FaultRule) {
      rules.push(rule);
    },
    clear() {
      rules = [];
    },
    state: (): readonly FaultRule[] => rules.map((rule) => ({ ...rule })),
    /** The first rule matching this function, with one of its requests used up. */
    take(func: string): FaultRule | undefined {
      const rule = rules.find((r) => r.remaining > 0 && (r.target === '' || r.target === func));
      if (!rule) return undefined;
      rule.remaining -= 1;
      rules = rules.filter((r) => r.remaining > 0);
      return rule;
    },
    before(res: Response, rule: FaultRule) {
      if (rule.mode === 'error500') return void res.status(500).type('text/plain').send('Internal Server Error');
      if (rule.mode === 'down') return void res.socket?.destroy();
      hold(res, rule.ms, () => res.socket?.destroy());
    },
    /** Mangles the answer of a call already carried out; `send` sends it whole. */
    after(res: Response, rule: FaultRule, body: string, send: () => void) {
      if (rule.mode === 'lost') return void res.socket?.destroy();
      if (rule.mode === 'late') return hold(res, rule.ms, send);
      const bytes = Buffer.from(body, 'utf8');
      const head = 'HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nConnection: close\r\n\r\n';
      res.socket?.end(Buffer.concat([Buffer.from(head), bytes.subarray(0, Math.floor(bytes.length / 2))]));
    },
    /** `slow`: carries the call out after `ms` whether or not its client still waits, then answers it if it does. */
    slow(rule: FaultRule, carryOut: () => void) {
      const timer = setTimeout(() => {
        delayed.delete(timer);
        carryOut();
      }, rule.ms);
      timer.unref();
      delayed.add(timer);
    },
    /** Drops the requests still held, so that a closing server does not wait for them. */
    releaseAll() {
      for (const timer of delayed) clearTimeout(timer);
      delayed.clear();
      for (const res of held) res.socket?.destroy();
      held.clear();
    },
  };
}

export type Faults = ReturnType<typeof createFaults>;
