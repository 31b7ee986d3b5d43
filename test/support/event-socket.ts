// The article-events WebSocket (/api/v1/ws) of a server listening at `base`, signed in with a
// session cookie from this site's Origin, open: every message it receives, and how it closed.
import { session } from './accounts.ts';

export async function openEventSocket(base: string, cookie: string) {
  // Node's WebSocket takes headers in its options, as browsers do not.
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/ws`, {
    headers: session(cookie, base),
  } as unknown as string[]);
  const messages: Array<Record<string, unknown>> = [];
  ws.addEventListener('message', (m) => messages.push(JSON.parse(String(m.data))));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason })),
  );
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve);
    ws.addEventListener('error', reject);
  });
  return { ws, messages, closed };
}
