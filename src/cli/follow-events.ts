// A command following an article's run over the API's event stream (SSE), as a browser would.
import type { ArticleEventData, ArticleEventMessage } from '../articles/event-map.ts';
import { AppError } from '../errors.ts';
import { sleep } from '../sleep.ts';
import type { ApiConnection } from './server-connection.ts';

/**
 * Follows the article's SSE stream, reconnecting with Last-Event-ID, until its run's `done`. Each
 * event is checked against its schema; one this version does not know (a newer server) is skipped.
 */
export async function followEvents(
  api: Pick<ApiConnection, 'request'>,
  id: string,
  onEvent: (e: ArticleEventMessage) => Promise<void> | void,
  reconnectDelayMs = 500,
): Promise<ArticleEventData['done']> {
  const { EventSourceParserStream } = await import('eventsource-parser/stream');
  // The event schemas (zod) load with the first run, not with `blogsmith --help`.
  const { parseArticleEvent } = await import('../articles/event-map.ts');
  let last = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await api.request('GET', `/api/v1/articles/${id}/events?lastEventId=${last}`);
    if (!res.ok || !res.body)
      throw new AppError('unavailable', `Event stream failed with HTTP ${res.status}`);
    const reader = res.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream())
      .getReader();
    try {
      for (;;) {
        const { value, done: ended } = await reader.read();
        if (ended) break;
        last = Number(value.id ?? last);
        const event = parseArticleEvent(value.event ?? 'message', JSON.parse(value.data));
        if (!event) continue;
        await onEvent(event);
        if (event.type === 'done') {
          // The run this command started is over. The server ends the stream too, once it has
          // asked the database whether anything follows (a later run of the same article) — a
          // statement behind the finished job's own: that end is not waited for.
          reader.cancel().catch(() => {});
          return event.data;
        }
      }
    } catch {
      // The connection dropped: resume after the last event seen.
    }
    await sleep(reconnectDelayMs);
  }
  throw new AppError('unavailable', 'Lost the event stream of the run');
}
