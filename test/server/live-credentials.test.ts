// An open WebSocket holds a credential: logout, key revocation and removal from the workspace close
// it within moments with 4401; with the session cookie, a handshake from a foreign Origin is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articles } from '../../src/db/schema/index.ts';
import { articleBriefSchema } from '../../src/writing/brief.ts';
import { bearer, createKey, inviteMember, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let base: string;
let ownerCookie: string;

beforeAll(async () => {
  t = await createTestApp('pglite');
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  ownerCookie = (await setupOwner(t.app)).cookie;
}, 60_000);
afterAll(async () => t?.close());

interface Socket {
  ws: WebSocket;
  opened: Promise<boolean>;
  closed: Promise<{ code: number; reason: string; at: number }>;
}

function connect(headers: Record<string, string>): Socket {
  // Node's WebSocket takes headers in its options, as browsers do not.
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/ws`, { headers } as unknown as string[]);
  const opened = new Promise<boolean>((resolve) => {
    ws.addEventListener('open', () => resolve(true));
    ws.addEventListener('error', () => resolve(false));
  });
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) =>
    ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason, at: Date.now() })),
  );
  return { ws, opened, closed };
}

/** Still open after `ms`? */
const staysOpen = (socket: Socket, ms: number) =>
  Promise.race([socket.closed.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), ms))]);

describe('WebSocket credentials', () => {
  it('refuses a cookie handshake from a foreign Origin, accepts this site', async () => {
    const foreign = connect({ cookie: ownerCookie, origin: 'http://evil.example' });
    expect(await foreign.opened).toBe(false);
    const missing = connect({ cookie: ownerCookie });
    expect(await missing.opened).toBe(false);
    const mine = connect(session(ownerCookie, base));
    expect(await mine.opened).toBe(true);
    mine.ws.close();
  });

  it('closes with 4401 soon after the session logs out', async () => {
    const { cookie } = await inviteMember(t.app, ownerCookie, {
      email: 'leaver@example.com',
      password: 'leaver-pass',
      role: 'editor',
    });
    const socket = connect(session(cookie, base));
    expect(await socket.opened).toBe(true);
    expect(await staysOpen(socket, 300)).toBe(true);
    const loggedOut = Date.now();
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: session(cookie) });
    expect(out.statusCode).toBe(204);
    const closed = await socket.closed;
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/signed out|revoked/i);
    expect(closed.at - loggedOut).toBeLessThan(3000);
  });

  it('closes with 4401 soon after its API key is revoked, or its holder leaves the workspace', async () => {
    const { key, apiKey } = await createKey(t.app, ownerCookie, { name: 'socket key' });
    const byKey = connect(bearer(key));
    expect(await byKey.opened).toBe(true);
    const revoked = Date.now();
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${apiKey.id}`,
      headers: session(ownerCookie),
    });
    const closed = await byKey.closed;
    expect(closed.code).toBe(4401);
    expect(closed.at - revoked).toBeLessThan(3000);

    const member = await inviteMember(t.app, ownerCookie, {
      email: 'removed@example.com',
      password: 'removed-pass',
      role: 'viewer',
    });
    const memberSocket = connect(session(member.cookie, base));
    expect(await memberSocket.opened).toBe(true);
    const removed = Date.now();
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/members/${member.userId}`,
      headers: session(ownerCookie),
    });
    expect(del.statusCode).toBe(204);
    const gone = await memberSocket.closed;
    expect(gone.code).toBe(4401);
    expect(gone.at - removed).toBeLessThan(3000);
  });
});

describe('event stream credentials', () => {
  it('ends an SSE stream with an error event soon after its session logs out', async () => {
    const member = await inviteMember(t.app, ownerCookie, {
      email: 'reader@example.com',
      password: 'reader-pass',
      role: 'viewer',
    });
    const me = (
      await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: session(member.cookie) })
    ).json();
    // A queued article that never runs: its stream stays open until something ends it.
    const [article] = await t.runtime.database.db
      .insert(articles)
      .values({
        workspaceId: me.workspace.id,
        topic: 'never runs',
        brief: articleBriefSchema.parse({ topic: 'never runs' }),
      })
      .returning({ id: articles.id });
    const res = await fetch(`${base}/api/v1/articles/${article!.id}/events`, {
      headers: { cookie: member.cookie },
    });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toContain('retry:');
    const loggedOut = Date.now();
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: session(member.cookie) });
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    expect(Date.now() - loggedOut).toBeLessThan(3000);
    expect(text).toMatch(/event: error\ndata: \{"code":"unauthenticated"/);
  });
});
