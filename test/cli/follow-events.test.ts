// The command follows its run's event stream to the run's `done` — not to the stream's end, which a
// server (or a proxy in between) may hold open — and picks a dropped stream up after its last event.
import { describe, expect, it } from 'vitest';
import type { ArticleEventMessage } from '../../src/articles/event-map.ts';
import { followEvents } from '../../src/cli/follow-events.ts';

const sse = (id: number, type: string, data: unknown) =>
  `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;

/** An event stream that sends `frames` and then, unless told to drop, stays open. */
function openStream(frames: string[], opts: { drop?: boolean } = {}) {
  let cancelled = false;
  const left = [...frames];
  const body = new ReadableStream<Uint8Array>({
    // One frame a read; then the connection drops, or nothing more ever comes.
    pull(controller) {
      const next = left.shift();
      if (next !== undefined) controller.enqueue(new TextEncoder().encode(next));
      else if (opts.drop) controller.error(new Error('connection reset'));
      else return new Promise(() => {});
    },
    cancel() {
      cancelled = true;
    },
  });
  return { response: new Response(body), cancelled: () => cancelled };
}

describe('followEvents', () => {
  it('returns at the run’s done and hangs up, though the stream stays open', async () => {
    const stream = openStream([
      sse(1, 'status', { status: 'running' }),
      sse(2, 'step.started', { step: 'plan' }),
      sse(3, 'done', { status: 'completed' }),
    ]);
    const asked: string[] = [];
    const seen: ArticleEventMessage['type'][] = [];
    const done = await followEvents(
      {
        request: async (_method, url) => {
          asked.push(url);
          return stream.response;
        },
      },
      'a1',
      (e) => {
        seen.push(e.type);
      },
    );
    expect(done).toEqual({ status: 'completed' });
    expect(seen).toEqual(['status', 'step.started', 'done']);
    expect(asked).toEqual(['/api/v1/articles/a1/events?lastEventId=0']);
    await expect.poll(stream.cancelled).toBe(true);
  });

  it('resumes after the last event when the stream drops, and skips events it does not know', async () => {
    const streams = [
      openStream([sse(1, 'status', { status: 'running' }), sse(2, 'from.the.future', { x: 1 })], {
        drop: true,
      }),
      openStream([sse(3, 'done', { status: 'failed', error: 'the model is down' })]),
    ];
    const asked: string[] = [];
    const seen: string[] = [];
    const done = await followEvents(
      {
        request: async (_method, url) => {
          asked.push(url);
          return streams[asked.length - 1]!.response;
        },
      },
      'a2',
      (e) => {
        seen.push(e.type);
      },
      1,
    );
    expect(done).toEqual({ status: 'failed', error: 'the model is down' });
    expect(seen).toEqual(['status', 'done']);
    expect(asked).toEqual([
      '/api/v1/articles/a2/events?lastEventId=0',
      '/api/v1/articles/a2/events?lastEventId=2',
    ]);
  });
});
