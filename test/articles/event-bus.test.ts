// The article event bus: however many clients follow one article in a process, one reader queries
// its events, and each subscriber still gets every event after its own id, in order; a deleted
// article's subscribers are told, in this process and in others.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/accounts/users.ts';
import type { ArticleEvent } from '../../src/articles/event-map.ts';
import { type ArticleEventBus, createArticleEventBus } from '../../src/articles/events.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

async function until(probe: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('article event bus (embedded database)', () => {
  let database: Database;
  let bus: ArticleEventBus;
  let articleId: string;
  let eventReads = 0;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
    const { workspace } = await createUser(database, { email: 'bus@example.com', password: 'bus-password' });
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO articles (workspace_id, brief, topic) VALUES ($1, '{}', 'bus') RETURNING id`,
      [workspace.id],
    );
    articleId = rows[0]!.id;
    const query = database.query.bind(database);
    database.query = ((text: string, params?: unknown[]) => {
      if (/FROM article_events/.test(text)) eventReads++;
      return query(text, params);
    }) as Database['query'];
    bus = createArticleEventBus(database, pino({ level: 'silent' }));
  });
  afterAll(async () => {
    await bus?.close();
    await database?.close();
  });

  it('reads once per wake-up for all subscribers and gives each every event in order', async () => {
    const received = Array.from({ length: 200 }, () => [] as ArticleEvent[]);
    const stops = received.map((list) => bus.subscribe(articleId, 0, (e) => list.push(e)));
    await new Promise((r) => setTimeout(r, 100));
    const readsBefore = eventReads;
    for (const step of ['plan', 'gather', 'outline']) await bus.publish(articleId, 'step.started', { step });
    await bus.publish(articleId, 'done', { status: 'completed' });
    await until(() => received.every((list) => list.length === 4));
    // Four wake-ups (and perhaps a safety poll), not four per subscriber.
    expect(eventReads - readsBefore).toBeLessThanOrEqual(8);
    for (const list of received) {
      expect(list.map((e) => e.type)).toEqual(['step.started', 'step.started', 'step.started', 'done']);
      expect(list.map((e) => e.id)).toEqual([...list.map((e) => e.id)].sort((a, b) => a - b));
    }

    // A client joining later replays from its own id; the others get nothing twice.
    const ids = received[0]!.map((e) => e.id);
    const late: ArticleEvent[] = [];
    const resumed: ArticleEvent[] = [];
    const stopLate = bus.subscribe(articleId, 0, (e) => late.push(e));
    const stopResumed = bus.subscribe(articleId, ids[1]!, (e) => resumed.push(e));
    await until(() => late.length === 4 && resumed.length === 2);
    expect(late.map((e) => e.id)).toEqual(ids);
    expect(resumed.map((e) => e.id)).toEqual(ids.slice(2));
    expect(received.every((list) => list.length === 4)).toBe(true);
    for (const stop of [...stops, stopLate, stopResumed]) stop();
  });

  it('stores a batch in one statement, in the order given', async () => {
    const got: ArticleEvent[] = [];
    const { rows } = await database.query<{ id: string }>(
      'SELECT coalesce(max(id), 0) AS id FROM article_events WHERE article_id = $1',
      [articleId],
    );
    const stopGot = bus.subscribe(articleId, Number(rows[0]!.id), (e) => got.push(e));
    await new Promise((r) => setTimeout(r, 100));
    const found = [1, 2, 3, 4, 5].map((n) => ({
      n,
      kind: 'url' as const,
      title: `Source ${n}`,
      excerpt: 'x',
    }));
    await bus.publishAll(articleId, 'source.found', found);
    await until(() => got.length === 5);
    expect(got.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4, 5]);
    expect(got.map((e) => e.id)).toEqual([...got.map((e) => e.id)].sort((a, b) => a - b));
    stopGot();
  });

  it("stores a run's batch only while that run holds the article", async () => {
    const count = async () =>
      Number(
        (
          await database.query<{ n: string }>(
            "SELECT count(*) AS n FROM article_events WHERE article_id = $1 AND type = 'section.delta'",
            [articleId],
          )
        ).rows[0]!.n,
      );
    await database.query("UPDATE articles SET status = 'running', lease_owner = 'run-b' WHERE id = $1", [
      articleId,
    ]);
    const before = await count();
    // A superseded run's late text: dropped. The holder's: stored.
    await bus.publishAll(articleId, 'section.delta', [{ part: 'section:0', text: 'late' }], 'run-a');
    expect(await count()).toBe(before);
    await bus.publishAll(articleId, 'section.delta', [{ part: 'section:0', text: 'live' }], 'run-b');
    expect(await count()).toBe(before + 1);
    await database.query("UPDATE articles SET status = 'queued', lease_owner = NULL WHERE id = $1", [
      articleId,
    ]);
  });

  it('keeps delivering to the others when one subscriber throws', async () => {
    const got: ArticleEvent[] = [];
    const stopBad = bus.subscribe(articleId, Number.MAX_SAFE_INTEGER - 1, () => {
      throw new Error('broken socket');
    });
    const stopBroken = bus.subscribe(articleId, 0, () => {
      throw new Error('broken socket');
    });
    const stopGood = bus.subscribe(articleId, 0, (e) => got.push(e));
    await bus.publish(articleId, 'status', { status: 'running' });
    await until(() => got.some((e) => e.type === 'status'));
    for (const stop of [stopBad, stopBroken, stopGood]) stop();
  });

  it('tells subscribers when the article is deleted, and only then', async () => {
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO articles (workspace_id, brief, topic) SELECT workspace_id, '{}', 'short-lived' FROM articles WHERE id = $1 RETURNING id`,
      [articleId],
    );
    const doomed = rows[0]!.id;
    let goneCalls = 0;
    let othersGone = 0;
    const stop = bus.subscribe(
      doomed,
      0,
      () => {},
      () => goneCalls++,
    );
    const stopOther = bus.subscribe(
      articleId,
      Number.MAX_SAFE_INTEGER - 1,
      () => {},
      () => othersGone++,
    );
    // Wake-ups with nothing new are not deletions.
    await bus.notify(doomed);
    await bus.notify(articleId);
    await new Promise((r) => setTimeout(r, 100));
    expect(goneCalls).toBe(0);
    await database.query('DELETE FROM articles WHERE id = $1', [doomed]);
    await bus.notify(doomed);
    await until(() => goneCalls > 0);
    expect(othersGone).toBe(0);
    stop();
    stopOther();
  });
});

describe('article event bus across processes (PostgreSQL)', () => {
  let testDb: TestDatabase;
  let database: Database;
  const buses: ArticleEventBus[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    database = await openDatabase({ url: testDb.url });
    await runMigrations(database);
  });
  afterAll(async () => {
    for (const bus of buses) await bus.close();
    await database?.close();
    await testDb?.drop();
  });

  it("tells another process's subscribers when the article is deleted", async () => {
    const { workspace } = await createUser(database, {
      email: 'pg-bus@example.com',
      password: 'bus-password',
    });
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO articles (workspace_id, brief, topic) VALUES ($1, '{}', 'elsewhere') RETURNING id`,
      [workspace.id],
    );
    const id = rows[0]!.id;
    // Each bus has its own LISTEN connection, as an API process and a worker would.
    const deleting = createArticleEventBus(database, pino({ level: 'silent' }));
    const following = createArticleEventBus(database, pino({ level: 'silent' }));
    buses.push(deleting, following);
    let gone = false;
    const stop = following.subscribe(
      id,
      0,
      () => {},
      () => {
        gone = true;
      },
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(gone).toBe(false);
    await database.query('DELETE FROM articles WHERE id = $1', [id]);
    await deleting.notify(id);
    await until(() => gone);
    stop();
  });
});
