// backup → wipe → restore with the real `blogsmith` CLI, pg_dump/pg_restore and PGlite's dump:
// the same articles, documents, users and settings come back, the secret key is handled
// explicitly, verify catches a damaged archive, and --keep prunes old backups.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/accounts/users.ts';
import { insertArticle, updateArticle } from '../../src/articles/article-store.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/client.ts';
import { saveDocument } from '../../src/knowledge/document-store.ts';
import { getWorkspaceLlmSettings, updateWorkspaceLlmSettings } from '../../src/llm/settings.ts';
import { createRuntime } from '../../src/runtime.ts';
import { resolveSecretKey } from '../../src/security/secret-key.ts';
import { parseBrief } from '../../src/writing/brief.ts';
import { adminUrl, createTestDatabase, type TestDatabase } from '../support/database.ts';
import { cliRun } from '../support/processes.ts';

const dirs: string[] = [];
const databases: TestDatabase[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'blogsmith-backup-test-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of databases) await d.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const providerKey = 'sk-test-provider-key-4242';
const passphrase = 'correct horse battery staple';

/** Users, a workspace's encrypted provider key, two articles, a document with chunks. */
async function seed(env: Record<string, string>) {
  const config = loadConfig({ ENVIRONMENT: 'test', LOG_LEVEL: 'silent', ...env });
  const runtime = await createRuntime(config, { logger: pino({ level: 'silent' }) });
  try {
    const db = runtime.database;
    const { user, workspace } = await createUser(db, {
      email: 'owner@example.com',
      password: 'owner-password',
    });
    await createUser(db, { email: 'second@example.com', password: 'second-password', name: 'Second' });
    await updateWorkspaceLlmSettings(db, runtime.secretKey, workspace.id, () => ({
      credentials: { openai: { apiKey: providerKey } },
      roleModels: { writer: 'openai:gpt-4o-mini' },
      monthlyBudgetUsd: 12.5,
      modelPrices: {},
    }));
    for (const topic of ['Backups that restore', 'Why checksums matter']) {
      const brief = parseBrief({ topic });
      if (!brief.ok) throw new Error('bad brief');
      const { row } = await insertArticle(db, {
        workspaceId: workspace.id,
        userId: user.id,
        brief: brief.brief,
      });
      await updateArticle(db, row.id, {
        status: 'completed',
        title: topic,
        markdown: `# ${topic}\n\nA paragraph about ${topic.toLowerCase()} [1].`,
        wordCount: 6,
        sources: [
          { n: 1, kind: 'url', title: 'Source', url: 'https://example.com/a', excerpt: 'A', text: 'A' },
        ],
      });
    }
    const text = 'Point-in-time recovery needs WAL archiving.';
    await saveDocument(db, {
      workspaceId: workspace.id,
      title: 'Ops handbook',
      type: 'markdown',
      sourceKind: 'upload',
      filename: 'ops.md',
      contentHash: createHash('sha256').update(text).digest('hex'),
      byteSize: text.length,
      tags: ['ops'],
      chunks: [0, 1].map((index) => ({
        index,
        text: `${text} (${index})`,
        rawText: `${text} (${index})`,
        tokenCount: 9,
        headingPath: ['Ops'],
        contentHash: createHash('sha256').update(`${text}${index}`).digest('hex'),
      })),
    });
    return { workspaceId: workspace.id };
  } finally {
    await runtime.close();
  }
}

/** Every row of the tables a user cares about, in a stable order. */
async function snapshot(env: { DATABASE_URL?: string; DATA_DIR: string }) {
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    const rows = async (table: string) => (await database.query(`SELECT * FROM ${table} ORDER BY 1, 2`)).rows;
    return {
      users: await rows('users'),
      workspaces: await rows('workspaces'),
      memberships: await rows('memberships'),
      articles: await rows('articles'),
      documents: await rows('documents'),
      chunks: await rows('document_chunks'),
      settings: await rows('workspace_llm_settings'),
    };
  } finally {
    await database.close();
  }
}

async function decryptedProviderKey(
  env: { DATABASE_URL?: string; DATA_DIR: string; SECRET_KEY?: string },
  workspaceId: string,
) {
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    const key = resolveSecretKey({ SECRET_KEY: env.SECRET_KEY, DATA_DIR: env.DATA_DIR });
    return (await getWorkspaceLlmSettings(database, key, workspaceId)).credentials.openai?.apiKey;
  } finally {
    await database.close();
  }
}

const backupsIn = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.tar'));

// Each case spawns several real processes (PGlite start-up costs seconds each, far more on a loaded
// machine): the timeout guards against hangs, it is not a speed target.
describe('backup and restore', { timeout: 600_000 }, () => {
  it('round-trips the embedded database, with the secret key sealed by a passphrase', async () => {
    const DATA_DIR = tempDir();
    const out = tempDir();
    // No SECRET_KEY: the embedded install keeps its generated key in DATA_DIR/secret.key.
    const env = { DATA_DIR, SECRET_KEY: '' };
    const { workspaceId } = await seed({ DATA_DIR });
    const before = await snapshot({ DATA_DIR });
    expect(before.articles).toHaveLength(2);
    expect(before.chunks).toHaveLength(2);
    const originalKey = readFileSync(path.join(DATA_DIR, 'secret.key'), 'utf8');

    const refused = await cliRun(['backup', '--out', out, '--include-secret'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/BACKUP_PASSPHRASE/);

    const made = await cliRun(['backup', '--out', out, '--include-secret', '--json'], {
      ...env,
      BACKUP_PASSPHRASE: passphrase,
    });
    expect(made.code, made.stderr).toBe(0);
    const { file, manifest } = JSON.parse(made.stdout) as {
      file: string;
      manifest: {
        database: { kind: string };
        secret: { included: boolean };
        inventory: { tables: Record<string, number> };
      };
    };
    expect(manifest.database.kind).toBe('pglite');
    expect(manifest.secret.included).toBe(true);
    expect(manifest.inventory.tables['public.articles']).toBe(2);
    expect(manifest.inventory.tables['public.users']).toBe(2);
    // The archive holds the key only sealed: its plain text appears nowhere in it.
    expect(readFileSync(file).includes(Buffer.from(originalKey.trim()))).toBe(false);

    const verified = await cliRun(['backup', 'verify', file], { ...env, BACKUP_PASSPHRASE: passphrase });
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(
      /^OK: \d+ tables, \d+ rows and the articles checksum match .*opens with BACKUP_PASSPHRASE/m,
    );

    // Disaster: the database and the key are gone.
    rmSync(path.join(DATA_DIR, 'pg'), { recursive: true, force: true });
    rmSync(path.join(DATA_DIR, 'secret.key'));

    const noPassphrase = await cliRun(['restore', file], env);
    expect(noPassphrase.code).toBe(1);
    expect(noPassphrase.stderr).toMatch(
      /includes the secret key sealed with a passphrase: set BACKUP_PASSPHRASE/,
    );
    expect(existsSync(path.join(DATA_DIR, 'pg'))).toBe(false);
    const wrong = await cliRun(['restore', file], { ...env, BACKUP_PASSPHRASE: 'not the passphrase at all' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/does not open the secret key/);

    const restored = await cliRun(['restore', file], { ...env, BACKUP_PASSPHRASE: passphrase });
    expect(restored.code, restored.stdout + restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/Row counts and the articles checksum match the backup/);
    expect(restored.stdout).toMatch(/Secret key restored to .*secret\.key/);
    expect(readFileSync(path.join(DATA_DIR, 'secret.key'), 'utf8')).toBe(originalKey);

    expect(await snapshot({ DATA_DIR })).toEqual(before);
    expect(await decryptedProviderKey({ DATA_DIR }, workspaceId)).toBe(providerKey);

    // Another kind of database is refused before anything is touched.
    const otherKind = await cliRun(['restore', file], {
      ...env,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/none',
    });
    expect(otherKind.code).toBe(1);
    expect(otherKind.stderr).toMatch(/restore into the same kind of database/);

    // Retention: one more backup with --keep 1 leaves only the newest.
    const again = await cliRun(['backup', '--out', out, '--keep', '1'], env);
    expect(again.code, again.stderr).toBe(0);
    // Taken without the key: the operator is told what that costs.
    expect(again.stderr).toMatch(/secret key is not in this backup.*encrypted provider API keys/s);
    const kept = backupsIn(out);
    expect(kept).toHaveLength(1);
    expect(kept).not.toContain(path.basename(file));

    // A damaged archive fails verification instead of passing silently.
    const damaged = path.join(out, 'damaged.tar');
    const bytes = readFileSync(path.join(out, kept[0] as string));
    bytes[bytes.length - 2048] = (bytes[bytes.length - 2048] ?? 0) ^ 0xff;
    writeFileSync(damaged, bytes);
    const bad = await cliRun(['backup', 'verify', damaged], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/damaged|does not match/);
  });

  it('refuses with one line when there is nothing to back up or nowhere to write it', async () => {
    // A data directory without a database: refused, and no database is created there.
    const empty = tempDir();
    const noDatabase = await cliRun(['backup', '--out', tempDir()], { DATA_DIR: empty });
    expect(noDatabase.code).toBe(1);
    expect(noDatabase.stderr.trim()).toBe(
      `Error: No embedded database in ${empty} (DATA_DIR) to back up: start Blogsmith once, or set DATA_DIR`,
    );
    expect(existsSync(path.join(empty, 'pg'))).toBe(false);
    // A data directory that does not exist (a typo in DATA_DIR) is not made.
    const typo = path.join(tempDir(), 'dat');
    const missing = await cliRun(['backup', '--out', tempDir()], { DATA_DIR: typo });
    expect(missing.stderr.trim()).toMatch(/^Error: No embedded database in .*dat \(DATA_DIR\)/);
    expect(existsSync(typo)).toBe(false);

    // A PostgreSQL database Blogsmith never migrated.
    const bare = await createTestDatabase('postgres');
    databases.push(bare);
    const unmigrated = await cliRun(['backup', '--out', tempDir()], {
      DATA_DIR: tempDir(),
      DATABASE_URL: bare.url!,
    });
    expect(unmigrated.code).toBe(1);
    expect(unmigrated.stderr.trim()).toBe(
      'Error: The database holds no Blogsmith tables: run `blogsmith migrate` (or start Blogsmith once) first',
    );

    // A folder that refuses new files: the system's reason, no trace, no partial archive left.
    const dataDir = tempDir();
    expect((await cliRun(['migrate'], { DATA_DIR: dataDir })).code).toBe(0);
    const refused = await cliRun(['backup', '--out', '/proc'], { DATA_DIR: dataDir });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(
      /^Error: ENOENT: no such file or directory, open '\/proc\/blogsmith-backup-[^']+\.tar\.partial'$/,
    );
    // A file where the folder should be: named as such before any work (mkdir said only EEXIST).
    const file = path.join(tempDir(), 'backups');
    writeFileSync(file, '');
    const notFolder = await cliRun(['backup'], { DATA_DIR: dataDir, BACKUP_DIR: file });
    expect(notFolder.code).toBe(1);
    expect(notFolder.stderr.trim()).toBe(`Error: BACKUP_DIR ${file}: cannot be written (not a folder)`);
  });

  it('round-trips PostgreSQL through pg_dump and pg_restore, and says when the key does not fit', async () => {
    const database = await createTestDatabase('postgres');
    databases.push(database);
    const url = database.url as string;
    const DATA_DIR = tempDir();
    const out = tempDir();
    const SECRET_KEY = 'backup-test-secret-key-that-is-long-enough-01234';
    const env = { DATA_DIR, DATABASE_URL: url, SECRET_KEY };
    const { workspaceId } = await seed(env);
    const before = await snapshot(env);

    const made = await cliRun(['backup', '--out', out, '--json'], env);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toMatch(/secret key is not in this backup/);
    const { file, manifest } = JSON.parse(made.stdout) as {
      file: string;
      manifest: {
        database: { kind: string };
        payload: { name: string };
        inventory: { tables: Record<string, number> };
      };
    };
    expect(manifest.database.kind).toBe('postgres');
    expect(manifest.payload.name).toBe('database.pgdump');
    expect(manifest.inventory.tables['public.documents']).toBe(1);

    const verified = await cliRun(['backup', 'verify', file], env);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^OK: /m);
    // The scratch database is gone afterwards.
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const scratch = await admin.query(
      `SELECT datname FROM pg_database WHERE datname LIKE 'blogsmith_verify_%'`,
    );
    expect(scratch.rows.filter((r) => !String(r.datname).startsWith('blogsmith_verify_x'))).toEqual([]);

    // Disaster: the database is dropped and created empty.
    const name = new URL(url).pathname.slice(1);
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();

    // Restored under another key: the data comes back, and the lost provider keys are named.
    const otherKey = await cliRun(['restore', file], {
      ...env,
      SECRET_KEY: 'a-different-secret-key-that-is-long-enough-000',
    });
    expect(otherKey.code, otherKey.stdout + otherKey.stderr).toBe(0);
    expect(otherKey.stderr).toMatch(/not the one this backup was taken with.*encrypted provider API keys/s);

    // Refused while a Blogsmith process is connected (a server's pool, by its application_name).
    const server = new pg.Client({ connectionString: url, application_name: 'blogsmith server' });
    await server.connect();
    try {
      const refused = await cliRun(['restore', file], env);
      expect(refused.code, refused.stdout + refused.stderr).not.toBe(0);
      expect(refused.stderr).toMatch(
        /Blogsmith is running on this database \(connected: blogsmith server\): stop/,
      );
    } finally {
      await server.end();
    }

    // Restoring again over the populated database (pg_restore --clean) with the right key.
    const restored = await cliRun(['restore', file], env);
    expect(restored.code, restored.stdout + restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/Row counts and the articles checksum match/);
    expect(restored.stdout).toMatch(/the key in use is the one this backup was taken with/);

    expect(await snapshot(env)).toEqual(before);
    expect(await decryptedProviderKey(env, workspaceId)).toBe(providerKey);
  });
});
