// A client of the articles API: POST an article, open its event stream, time the first event.
// Used in the benchmark's own process and, as a browser would be, from a process of its own
// (first-event-client.ts).
import { performance } from 'node:perf_hooks';

export interface ApiClient {
  base: string;
  /** The signed-in browser's cookie and this server's Origin (plugins/csrf.ts). */
  headers: Record<string, string>;
}

export async function postArticle(api: ApiClient, brief: Record<string, unknown>) {
  const t0 = performance.now();
  const res = await fetch(`${api.base}/api/v1/articles`, {
    method: 'POST',
    headers: { ...api.headers, 'content-type': 'application/json' },
    body: JSON.stringify(brief),
  });
  if (res.status !== 202) throw new Error(`POST /articles answered ${res.status}: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const postMs = performance.now() - t0;
  const stream = await fetch(`${api.base}/api/v1/articles/${id}/events`, { headers: api.headers });
  return { id, postMs, reader: stream.body!.pipeThrough(new TextDecoderStream()).getReader() };
}

/** POST → first SSE event, then the article is cancelled and its stream read to the end. */
export async function firstEvent(
  api: ApiClient,
  brief: Record<string, unknown>,
): Promise<{ ms: number; postMs: number }> {
  const t0 = performance.now();
  const { id, reader, postMs } = await postArticle(api, brief);
  let ms = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended before its first event');
    if (value.includes('event: ')) {
      ms = performance.now() - t0;
      break;
    }
  }
  const res = await fetch(`${api.base}/api/v1/articles/${id}/cancel`, {
    method: 'POST',
    headers: api.headers,
  });
  if (res.status !== 202) throw new Error(`cancel answered ${res.status}: ${await res.text()}`);
  while (!(await reader.read()).done);
  return { ms, postMs };
}
