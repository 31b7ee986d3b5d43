// Helpers to create users, sessions and keys through the real HTTP routes.
import type { App } from '../../src/server/app.ts';

export async function setupOwner(app: App, email = 'owner@example.com', password = 'owner-password') {
  const res = await app.inject({ method: 'POST', url: '/api/v1/setup', payload: { email, password } });
  if (res.statusCode !== 201) throw new Error(`setup failed: ${res.statusCode} ${res.body}`);
  return {
    cookie: sessionCookieOf(res.headers['set-cookie']),
    body: res.json() as { id: string; workspace: { id: string } },
  };
}

export async function login(app: App, email: string, password: string) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return sessionCookieOf(res.headers['set-cookie']);
}

export function sessionCookieOf(header: string | string[] | undefined) {
  const all = Array.isArray(header) ? header : header ? [header] : [];
  const found = all.find((c) => c.startsWith('blogsmith_session='));
  if (!found) throw new Error('no session cookie');
  return found.split(';')[0]!;
}

export async function createKey(app: App, cookie: string, body: Record<string, unknown> = { name: 'test' }) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/api-keys',
    headers: { cookie },
    payload: body,
  });
  if (res.statusCode !== 201) throw new Error(`key failed: ${res.statusCode} ${res.body}`);
  return res.json() as { key: string; apiKey: { id: string; prefix: string; scopes: string[] } };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
