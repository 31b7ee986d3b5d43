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
    headers: session(cookie),
    payload: body,
  });
  if (res.statusCode !== 201) throw new Error(`key failed: ${res.statusCode} ${res.body}`);
  return res.json() as { key: string; apiKey: { id: string; prefix: string; scopes: string[] } };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/**
 * Headers of a same-site browser request signed in with `cookie`: a cookie-authenticated request
 * that changes state must carry this server's Origin (plugins/csrf.ts). `app.inject` talks to
 * `http://localhost`; tests over a real socket pass their base URL.
 */
export const session = (cookie: string, origin = 'http://localhost') => ({ cookie, origin });

/**
 * Invites `email` into the inviter's workspace and accepts as a new account with `password`;
 * returns the invitee's session (in that workspace) and id.
 */
export async function inviteMember(
  app: App,
  inviterCookie: string,
  input: { email: string; password: string; role: string },
) {
  const invited = await app.inject({
    method: 'POST',
    url: '/api/v1/members',
    headers: session(inviterCookie),
    payload: { email: input.email, role: input.role },
  });
  if (invited.statusCode !== 201) throw new Error(`invite failed: ${invited.statusCode} ${invited.body}`);
  const accepted = await app.inject({
    method: 'POST',
    url: `/api/v1/invitations/${invited.json().token}/accept`,
    payload: { password: input.password },
  });
  if (accepted.statusCode !== 200) throw new Error(`accept failed: ${accepted.statusCode} ${accepted.body}`);
  return { cookie: sessionCookieOf(accepted.headers['set-cookie']), userId: accepted.json().id as string };
}
