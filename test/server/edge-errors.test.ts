import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { backends } from '../support/database.ts';
import { createEdgeApp, type EdgeApp } from './edge-app.ts';

const secretInError = 'postgres://admin:hunter2@db.internal/blogsmith';

describe.each(backends)('HTTP error classes (%s)', (backend) => {
  let t: EdgeApp;
  beforeAll(async () => {
    t = await createEdgeApp(backend, {
      env: { MAX_BODY_MB: '0.001', RATE_LIMIT_GENERAL: '1000' },
      routes: (app) => {
        app.post(
          '/test/echo',
          {
            schema: {
              body: z.object({ title: z.string().min(3), meta: z.object({ words: z.number().int() }) }),
              response: { 200: z.object({ ok: z.boolean() }) },
            },
          },
          async () => ({ ok: true }),
        );
        // Writes that another request's delete or insert beat: real statements, real driver errors.
        app.post('/test/orphan-step', async () => {
          await t.runtime.database.query(
            "INSERT INTO article_steps (article_id, name, position) VALUES (gen_random_uuid(), 'plan', 0)",
          );
          return { ok: true };
        });
        app.post('/test/same-email', async () => {
          for (let i = 0; i < 2; i++)
            await t.runtime.database.query(
              "INSERT INTO users (email, password_hash) VALUES ('twice@example.com', 'x')",
            );
          return { ok: true };
        });
        app.get('/test/boom', async () => {
          const err = new Error(`connect failed: ${secretInError}`);
          throw err;
        });
      },
    });
  });
  afterAll(async () => t.close());

  it('400 lists every invalid field by path', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: { title: 'x', meta: { words: 'many' } },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('validation_error');
    const paths = body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['meta.words', 'title']);
  });

  it('404 for an unknown route in the error shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it('413 when the body exceeds MAX_BODY_MB', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ title: 'x'.repeat(5000), meta: { words: 1 } }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('415 for an unsupported media type', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/x-thing' },
      payload: 'abc',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
  });

  it('409, not 500, when a write finds what it refers to deleted or its row created meanwhile', async () => {
    const orphan = await t.app.inject({ method: 'POST', url: '/test/orphan-step' });
    expect(orphan.statusCode).toBe(409);
    expect(orphan.json()).toEqual({
      error: {
        code: 'conflict',
        message: expect.stringMatching(/deleted while it was being handled/),
        requestId: expect.any(String),
      },
    });
    const twice = await t.app.inject({ method: 'POST', url: '/test/same-email' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toMatch(/created the same thing/);
    expect(twice.body).not.toContain('users_email');
  });

  it('500 hides the message, stack and any secret', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: { code: 'internal_error', message: 'Internal server error', requestId: expect.any(String) },
    });
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('at ');
  });
});
