// The article and its event stream. The stream replays from the start, so a reload rebuilds the
// view, and EventSource resumes with Last-Event-ID by itself after a dropped connection.
import { useEffect, useRef, useState } from 'react';
import { type Article, api, type Step } from '../../api.ts';
import { applyEvent, eventTypes, finished, initialLive, type LiveState, upsertStep } from './live-events.ts';
import { readLiveEvent } from './read-event.ts';

export type Connection = 'connecting' | 'open' | 'retrying' | 'closed';

function pick(steps: Step[], name: string): Partial<Step> {
  const s = steps.find((x) => x.name === name);
  return s && s.status !== 'pending' ? { status: s.status } : {};
}

export function useLiveArticle(id: string) {
  const [article, setArticle] = useState<Article>();
  const [loadError, setLoadError] = useState<unknown>();
  const [live, setLive] = useState<LiveState>(initialLive);
  const [connection, setConnection] = useState<Connection>('connecting');

  const refresh = useRef(async () => {});
  refresh.current = async () => {
    try {
      const a = await api('GET', '/api/v1/articles/{id}', { params: { id } });
      setArticle(a);
      setLoadError(undefined);
      setLive((s) => ({
        ...s,
        steps: a.steps.reduce(
          (acc, step) => upsertStep(acc, step.name, s.done ? step : { ...step, ...pick(acc, step.name) }),
          s.steps,
        ),
        sources: s.sources.length >= a.sources.length ? s.sources : a.sources,
        status: s.done ? a.status : s.status === 'queued' ? a.status : s.status,
      }));
    } catch (e) {
      setLoadError(e);
    }
  };

  useEffect(() => {
    void refresh.current();
    const es = new EventSource(`/api/v1/articles/${id}/events`);
    es.onopen = () => setConnection('open');
    es.onerror = () => {
      const closed = es.readyState === EventSource.CLOSED;
      setConnection(closed ? 'closed' : 'retrying');
      // The server refused the stream for good (the article was deleted, the session ended): the
      // article's own answer says why, rather than a view left standing at its last step.
      if (closed) void refresh.current();
    };
    for (const type of eventTypes)
      es.addEventListener(type, (e) => {
        // Named server `error` events carry data; connection errors (plain Event) do not.
        if (!(e instanceof MessageEvent)) return;
        const event = readLiveEvent(type, String(e.data));
        if (event) setLive((s) => applyEvent(s, event));
        // Both read the article itself, so they do their part whatever the payload held.
        if (type === 'step.finished') void refresh.current();
        if (type === 'done') void onDone();
      });
    // A replay can hold the `done` of an earlier run while a regeneration is under way: then the
    // stream is left to reconnect (EventSource sends Last-Event-ID) and carries on with the new run.
    const onDone = async () => {
      const current = await api('GET', '/api/v1/articles/{id}', { params: { id } }).catch(() => undefined);
      void refresh.current();
      const status = current?.status;
      if (status && !finished(status)) return;
      // The article's own status ends the view, also when the stream's `done` could not be read.
      if (status) setLive((s) => (s.done ? s : applyEvent(s, { type: 'done', data: { status } })));
      es.close();
      setConnection('closed');
    };
    return () => es.close();
  }, [id]);

  return { article, loadError, live, connection };
}
