// An article's events for one client connection (an SSE stream, a WebSocket subscription), paced
// by what the client reads. The event bus hands each subscriber every event as soon as it is read,
// and a socket buffers whatever its client has not taken: a client that never read had the whole
// log kept for it in this process (20 such streams on a 20 MB log: +1.1 GB). Once more than
// `maxWaitingBytes` waits for the client, its subscription is dropped; it follows again from the
// last event it was given once the client has read most of that, and is ended if it has not within
// `maxStallMs` (a client resumes from its last event id, as after any disconnect).

import type { ArticleEvent } from '../articles/event-map.ts';
import type { ArticleEventBus } from '../articles/events.ts';

export interface Pace {
  maxWaitingBytes: number;
  maxStallMs: number;
}

export const defaultPace: Pace = { maxWaitingBytes: 256 * 1024, maxStallMs: 60_000 };
// How often a paused subscription looks at what its client has read.
const drainCheckMs = 100;

export interface PacedClient {
  send(event: ArticleEvent): void;
  /** Bytes written for the client that it has not read yet (the socket's buffer). */
  waiting(): number;
  /** The article was deleted. */
  gone(): void;
  /** The client did not read most of what waited for it within `maxStallMs`. */
  stalled(): void;
}

/** Follows `articleId` after `afterId` for `client`; returns the function that stops it. */
export function pacedEvents(
  bus: ArticleEventBus,
  articleId: string,
  afterId: number,
  client: PacedClient,
  { maxWaitingBytes, maxStallMs }: Pace = defaultPace,
): () => void {
  let last = afterId;
  let stopped = false;
  let unsubscribe: (() => void) | undefined;
  let drainCheck: NodeJS.Timeout | undefined;

  const waitForClient = () => {
    const since = Date.now();
    drainCheck = setInterval(() => {
      if (client.waiting() <= maxWaitingBytes / 4) {
        clearInterval(drainCheck);
        drainCheck = undefined;
        follow();
      } else if (Date.now() - since >= maxStallMs) {
        clearInterval(drainCheck);
        drainCheck = undefined;
        client.stalled();
      }
    }, drainCheckMs);
    drainCheck.unref();
  };

  const follow = () => {
    if (stopped) return;
    if (client.waiting() > maxWaitingBytes) return waitForClient();
    unsubscribe = bus.subscribe(
      articleId,
      last,
      (event) => {
        if (stopped || event.id <= last) return;
        last = event.id;
        client.send(event);
        if (stopped || unsubscribe === undefined || client.waiting() <= maxWaitingBytes) return;
        unsubscribe();
        unsubscribe = undefined;
        waitForClient();
      },
      client.gone,
    );
  };

  follow();
  return () => {
    stopped = true;
    unsubscribe?.();
    clearInterval(drainCheck);
  };
}
