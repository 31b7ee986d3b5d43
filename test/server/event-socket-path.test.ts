// The article events' WebSocket is the one path that takes a handshake: asked without one it says
// so in the error shape (it answered 404 with an empty body), a handshake to any other path is
// refused before the upgrade (it was upgraded, then closed with no code), and the OpenAPI document
// describes it (a `websocket: true` route was hidden from it).
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/server/openapi-document.ts';
import { session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/** The status a WebSocket handshake to `path` is answered with (101 when it was upgraded). */
function handshakeStatus(
  base: string,
  path: string,
  cookie: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, {
      headers: {
        ...session(cookie, base),
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, body: '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => {
        body += String(d);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the event socket path', () => {
  let t: TestApp;
  let base: string;
  let cookie: string;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    cookie = (await setupOwner(t.app)).cookie;
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => t?.close());

  it('takes the handshake, says what it wants without one, and refuses one anywhere else', async () => {
    expect((await handshakeStatus(base, '/api/v1/ws', cookie)).status).toBe(101);
    const plain = await fetch(`${base}/api/v1/ws`, { headers: session(cookie, base) });
    expect(plain.status).toBe(400);
    expect(((await plain.json()) as { error: { message: string } }).error.message).toMatch(
      /takes a WebSocket/,
    );
    for (const path of ['/api/v1/articles', '/api/v1/nothing', '/']) {
      const answer = await handshakeStatus(base, path, cookie);
      expect(answer.status, path).toBe(404);
      expect(JSON.parse(answer.body).error.message, path).toMatch(
        /takes no WebSocket: connect to \/api\/v1\/ws/,
      );
    }
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await buildOpenApiDocument()) as {
      paths: Record<string, { get?: { description?: string } }>;
    };
    expect(doc.paths['/api/v1/ws']?.get?.description).toMatch(/subscribe/);
  });
});
