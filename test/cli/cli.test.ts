// The real `blogsmith` command line, spawned as a user would run it.
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adminUrl, createTestDatabase } from '../support/database.ts';
import { cliRun, type ServerProcess, startServerProcess } from '../support/processes.ts';

const cli = cliRun;

const dirs: string[] = [];
const servers: ServerProcess[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'blogsmith-cli-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// Each case spawns real processes (a few seconds of start-up each, more on a loaded machine): the
// timeout guards against hangs, it is not a speed target.
describe('blogsmith CLI', { timeout: 120_000 }, () => {
  it('prints help for every command', async () => {
    for (const args of [
      ['--help'],
      ['serve', '--help'],
      ['worker', '--help'],
      ['migrate', '--help'],
      ['user', 'create', '--help'],
      ['user', 'password', '--help'],
      ['apikey', 'create', '--help'],
      ['models', '--help'],
    ]) {
      const r = await cli(args, { DATA_DIR: tempDir() });
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: blogsmith/);
    }
  });

  it('gives an option to the command it follows: a subcommand its own --json, an unknown one refused', async () => {
    const DATA_DIR = tempDir();
    // `models` has a --json of its own: this one is check's — JSON, not its text "No model is
    // configured." (with nothing configured no model is checked, which check counts a failure).
    const checked = await cli(['models', 'check', '--json'], { DATA_DIR });
    expect(JSON.parse(checked.stdout)).toEqual([]);
    expect(checked.code).toBe(1);
    const verify = await cli(['backup', 'verify', 'backup.tar', '--keep', '3'], { DATA_DIR });
    expect(verify.code).toBe(2);
    expect(verify.stderr).toMatch(/unknown option '--keep'/);
  });

  it('exits 2 on a usage error', async () => {
    const r = await cli(['user', 'create', '--email', 'a@example.com'], { DATA_DIR: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--password/);
  });

  it('creates a user and a key that a server started afterwards accepts', async () => {
    const DATA_DIR = tempDir();
    const user = await cli(['user', 'create', '--email', 'cli@example.com', '--password', 'cli-password'], {
      DATA_DIR,
    });
    expect(user.code, user.stderr).toBe(0);
    const key = await cli(['apikey', 'create', '--email', 'cli@example.com', '--name', 'ci', '--json'], {
      DATA_DIR,
    });
    expect(key.code, key.stderr).toBe(0);
    const created = JSON.parse(key.stdout) as { key: string; prefix: string };
    expect(created.key).toMatch(/^bsk_/);
    const plain = await cli(['apikey', 'create', '--email', 'cli@example.com', '--name', 'plain'], {
      DATA_DIR,
    });
    expect(plain.stdout.trim()).toMatch(/^bsk_[A-Za-z0-9]{8}_\S+$/);

    const server = await startServerProcess({ DATA_DIR });
    servers.push(server);
    const me = await fetch(`${server.base}/api/v1/me`, {
      headers: { authorization: `Bearer ${created.key}` },
    });
    expect(me.status).toBe(200);
    expect((await me.json()).user.email).toBe('cli@example.com');

    // While the server holds the data directory, the CLI refuses at once and the server carries on.
    const busy = await cli(
      ['user', 'create', '--email', 'other@example.com', '--password', 'other-password'],
      { DATA_DIR },
    );
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/is using .* Stop it first, or while it runs use the HTTP API/);
    // Refused at start-up rather than hanging on the locked database (which would last until the timeout).
    expect(busy.ms).toBeLessThan(20_000);
    // A second server (a second `npm start`) is pointed at the first.
    const second = await cli(['serve'], { DATA_DIR, PORT: '0' });
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toMatch(
      /^Error: A Blogsmith server \(pid \d+, http:\/\/[\d.]+:\d+\) is using .*\. Use it at http:\/\/[\d.]+:\d+, or stop it before starting another server on this DATA_DIR\.$/,
    );
    // Another data directory on the port this server holds: one line that says what to change.
    const taken = await cli(['serve'], { DATA_DIR: tempDir(), PORT: String(server.port) });
    expect(taken.code).toBe(1);
    expect(taken.stderr.trim()).toMatch(
      /^Error: listen EADDRINUSE: .*: another program uses this port; stop it, or set PORT \(a worker: WORKER_METRICS_PORT\) to a free one$/,
    );
    expect((await fetch(`${server.base}/health/ready`)).status).toBe(200);
  });

  it('refuses a user or a key the API would refuse, naming the option, and stores nothing of it', async () => {
    const DATA_DIR = tempDir();
    const password = ['--password', 'cli-password'];
    for (const [args, refusal] of [
      [['user', 'create', '--email', 'notanemail', ...password], /^ {2}- --email: Invalid email address$/m],
      [
        ['user', 'create', '--email', 'ws@example.com', ...password, '--workspace', ' '],
        /^ {2}- --workspace: Must not be blank$/m,
      ],
      [
        ['apikey', 'create', '--email', 'cli@example.com', '--name', ''],
        /^ {2}- --name: Must not be blank$/m,
      ],
      [
        ['apikey', 'create', '--email', 'cli@example.com', '--name', 'k', '--scopes', 'articles:read,bogus'],
        /^ {2}- --scopes: Invalid option/m,
      ],
    ] as const) {
      const r = await cli([...args], { DATA_DIR });
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/^Error: Invalid options$/m);
      expect(r.stderr).toMatch(refusal);
    }
    // Nothing was stored: the refused address has no account, and the refused workspace's owner neither.
    for (const email of ['notanemail', 'ws@example.com']) {
      const key = await cli(['apikey', 'create', '--email', email, '--name', 'k'], { DATA_DIR });
      expect(key.stderr.trim()).toBe(`Error: No user with email ${email}`);
    }
  });

  it("sets a user's forgotten password: the old one stops working and their sessions end", async () => {
    const DATA_DIR = tempDir();
    const email = 'forgot@example.com';
    expect(
      (await cli(['user', 'create', '--email', email, '--password', 'old-password'], { DATA_DIR })).code,
    ).toBe(0);
    const short = await cli(['user', 'password', '--email', email, '--password', 'short'], { DATA_DIR });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/^ {2}- --password: .*8/m);
    const unknown = await cli(
      ['user', 'password', '--email', 'nobody@example.com', '--password', 'new-password'],
      {
        DATA_DIR,
      },
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('Error: No user with email nobody@example.com');

    const signIn = (base: string, password: string) =>
      fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
    const server = await startServerProcess({ DATA_DIR });
    servers.push(server);
    const before = await signIn(server.base, 'old-password');
    expect(before.status).toBe(200);
    const cookie = before.headers.get('set-cookie')!.split(';')[0]!;
    await server.stop();

    const reset = await cli(['user', 'password', '--email', email, '--password', 'new-password', '--json'], {
      DATA_DIR,
    });
    expect(reset.code, reset.stderr).toBe(0);
    expect(JSON.parse(reset.stdout)).toMatchObject({ user: { email }, signedOut: 1 });

    const again = await startServerProcess({ DATA_DIR });
    servers.push(again);
    expect((await fetch(`${again.base}/api/v1/me`, { headers: { cookie } })).status).toBe(401);
    expect((await signIn(again.base, 'old-password')).status).toBe(401);
    expect((await signIn(again.base, 'new-password')).status).toBe(200);
  });

  it('works against PostgreSQL too', async () => {
    const db = await createTestDatabase('postgres');
    try {
      const env = { DATABASE_URL: db.url!, DATA_DIR: tempDir() };
      expect((await cli(['migrate'], env)).stdout).toMatch(/Migrations applied to the PostgreSQL/);
      const user = await cli(
        ['user', 'create', '--email', 'pg@example.com', '--password', 'pg-password', '--json'],
        env,
      );
      expect(user.code, user.stderr).toBe(0);
      expect(JSON.parse(user.stdout).user.email).toBe('pg@example.com');
      const dup = await cli(
        ['user', 'create', '--email', 'pg@example.com', '--password', 'pg-password'],
        env,
      );
      expect(dup.code).toBe(1);
      expect(dup.stderr).toMatch(/already exists/);
    } finally {
      await db.drop();
    }
  });

  it('says in one line when the database cannot be reached or refuses the connection', async () => {
    // A port nothing listens on: taken, then let go.
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const server = new URL(adminUrl);
    const at = (user: string, database: string) =>
      `postgres://${user}@${server.hostname}:${server.port || '5432'}/${database}`;
    const cases: Array<[string[], string, RegExp]> = [
      [
        ['serve'],
        `postgres://postgres:a-secret-password@127.0.0.1:${closed}/blogsmith`,
        new RegExp(
          `^Error: The database at 127\\.0\\.0\\.1:${closed}/blogsmith cannot be reached \\(ECONNREFUSED\\): check DATABASE_URL and that PostgreSQL is running$`,
        ),
      ],
      [
        ['migrate'],
        at('postgres', 'no_such_database_here'),
        /^Error: The database at .*\/no_such_database_here refused the connection: database "no_such_database_here" does not exist \(3D000\); check DATABASE_URL$/,
      ],
      [
        ['user', 'create', '--email', 'a@example.com', '--password', 'a-long-password'],
        at('no_such_role:a-secret-password', 'postgres'),
        /^Error: The database at .*\/postgres refused the connection: .*"no_such_role".* \(28\w{3}\); check DATABASE_URL$/,
      ],
    ];
    for (const [args, url, message] of cases) {
      const r = await cli(args, { DATABASE_URL: url, DATA_DIR: tempDir(), PORT: '0' });
      expect(r.code, args[0]).toBe(1);
      // The last line; `serve` logs its data directory's permissions first.
      const lines = r.stderr.trim().split('\n');
      expect(lines.at(-1), args[0]).toMatch(message);
      expect(r.stderr).not.toContain('a-secret-password');
      expect(r.stderr).not.toMatch(/\bat async\b|DrizzleQueryError/);
    }
  });

  it('refuses a worker on the embedded database and reports bad configuration with exit 2', async () => {
    const worker = await cli(['worker'], { DATA_DIR: tempDir() });
    expect(worker.code).toBe(1);
    expect(worker.stderr).toMatch(/needs DATABASE_URL/);
    const bad = await cli(['migrate'], { DATA_DIR: tempDir(), PORT: 'x', DATABASE_URL: 'mysql://nope' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/PORT/);
    expect(bad.stderr).toMatch(/DATABASE_URL/);
    // Gemini's native width: refused by the configuration, not by the database creating its index.
    const wide = await cli(['migrate'], {
      DATA_DIR: tempDir(),
      EMBEDDING_DIMENSIONS: '3072',
      GEMINI_API_KEY: 'x',
    });
    expect(wide.code).toBe(2);
    expect(wide.stderr).toMatch(/EMBEDDING_DIMENSIONS: must be at most 2000, .*HNSW/);
    expect(wide.stderr).not.toMatch(/\bat \S+ \(|pglite/i);
  });
});
