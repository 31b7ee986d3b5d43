// An article's events paced by what the client reads: a client that reads slowly gets every event,
// in order and once, while no more than the allowed bytes wait for it; a client that reads nothing
// is ended after its stall time and held no more than that meanwhile.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/accounts/users.ts';
import type { ArticleEvent } from '../../src/articles/event-map.ts';
import { type ArticleEventBus, createArticleEventBus } from '../../src/articles/events.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { pacedEvents } from '../../src/server/paced-events.ts';

let database: Database;
let bus: ArticleEventBus;
let articleId: string;
const eventCount = 3_000;

beforeAll(async () => {
  database = await openDatabase({ dataDir: 'memory://' });
  await runMigrations(database);
  const { workspace } = await createUser(database, { email: 'pace@example.com', password: 'pace-password' });
  const { rows } = await database.query<{ id: string }>(
    `INSERT INTO articles (workspace_id, brief, topic) VALUES ($1, '{}', 'pace') RETURNING id`,
    [workspace.id],
  );
  articleId = rows[0]!.id;
  bus = createArticleEventBus(database, pino({ level: 'silent' }));
  const text = 'word '.repeat(200);
  for (let i = 0; i < eventCount; i += 500)
    await bus.publishAll(
      articleId,
      'section.delta',
      Array.from({ length: 500 }, (_, k) => ({ part: 'section:0', text: `${i + k} ${text}` })),
    );
}, 60_000);
afterAll(async () => {
  await bus?.close();
  await database?.close();
});

/** A client whose socket buffer is `sent − read` bytes; it reads `readBytes` every 10 ms (0: never). */
function slowClient(readBytes: number) {
  const events: ArticleEvent[] = [];
  let sent = 0;
  let read = 0;
  let mostWaiting = 0;
  let stalled = false;
  const reading = setInterval(() => {
    read = Math.min(sent, read + readBytes);
  }, 10);
  return {
    events,
    get mostWaiting() {
      return mostWaiting;
    },
    get stalled() {
      return stalled;
    },
    stopReading: () => clearInterval(reading),
    client: {
      send(event: ArticleEvent) {
        events.push(event);
        sent += JSON.stringify(event.data).length;
        mostWaiting = Math.max(mostWaiting, sent - read);
      },
      waiting: () => sent - read,
      gone() {},
      stalled() {
        stalled = true;
      },
    },
  };
}

const until = async (probe: () => boolean, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('pacedEvents', () => {
  it('gives a slow reader every event, in order and once, with at most the allowed bytes waiting', async () => {
    const pace = { maxWaitingBytes: 64 * 1024, maxStallMs: 10_000 };
    // ~3 MB of events read at 1.6 MB/s.
    const reader = slowClient(16 * 1024);
    const stop = pacedEvents(bus, articleId, 0, reader.client, pace);
    await until(() => reader.events.length === eventCount);
    stop();
    reader.stopReading();
    expect(reader.events.map((e) => Number((e.data as { text: string }).text.split(' ')[0]))).toEqual(
      Array.from({ length: eventCount }, (_, i) => i),
    );
    // The limit, plus the one event that went past it.
    expect(reader.mostWaiting).toBeLessThanOrEqual(pace.maxWaitingBytes + 1_100);
    expect(reader.stalled).toBe(false);
  });

  it('ends a client that reads nothing after its stall time, holding no more than the limit', async () => {
    const pace = { maxWaitingBytes: 64 * 1024, maxStallMs: 300 };
    const reader = slowClient(0);
    const stop = pacedEvents(bus, articleId, 0, reader.client, pace);
    await until(() => reader.stalled);
    stop();
    reader.stopReading();
    expect(reader.mostWaiting).toBeLessThanOrEqual(pace.maxWaitingBytes + 1_100);
    expect(reader.events.length).toBeLessThan(100);
  });

  it('resumes after the last event given, with later events published meanwhile', async () => {
    const pace = { maxWaitingBytes: 64 * 1024, maxStallMs: 10_000 };
    const { rows } = await database.query<{ id: string }>(
      'SELECT id FROM article_events WHERE article_id = $1 ORDER BY id DESC OFFSET 10 LIMIT 1',
      [articleId],
    );
    const reader = slowClient(0);
    const stop = pacedEvents(bus, articleId, Number(rows[0]!.id), reader.client, pace);
    await until(() => reader.events.length === 10);
    await bus.publish(articleId, 'done', { status: 'completed' });
    await until(() => reader.events.length === 11);
    stop();
    reader.stopReading();
    expect(reader.events.at(-1)!.type).toBe('done');
  });
});
