// A request that waits on one model call (a tool, a remix), read as Server-Sent Events: `partial`
// events as the model writes, then `result` or `error` (src/server/model-answer.ts). Aborting the
// signal closes the request, and the server cancels the model call with it.
import { ApiError, type ErrorDetail, send } from './api.ts';

/** POSTs `body` to `url` and resolves with the `result` event's data; `onPartial` gets each `partial`. */
export async function streamModelCall<T>(
  url: string,
  body: unknown,
  options: { signal?: AbortSignal; onPartial?: (partial: unknown) => void } = {},
): Promise<T> {
  const res = await send(url, {
    method: 'POST',
    headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!res.body) throw new ApiError(0, 'network_error', 'The server sent no answer.');
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (!event || data === undefined) continue;
      const parsed = JSON.parse(data) as unknown;
      if (event === 'partial') options.onPartial?.(parsed);
      else if (event === 'result') return parsed as T;
      else if (event === 'error') {
        const e = parsed as { code?: string; message?: string; details?: ErrorDetail[] };
        throw new ApiError(0, e.code ?? 'error', e.message ?? 'The model call failed', e.details ?? []);
      }
    }
  }
  throw new ApiError(0, 'network_error', 'The answer ended before its result. Try again.');
}
