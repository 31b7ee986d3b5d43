// A member's own sign-ins: changing the password (checked behind the sign-in limits, the other
// sessions signed out, a sign-in that checked the old password just before starting no session),
// signing out everywhere, and leaving a workspace (the session moves to another, or ends).
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeMembershipKeepingAnOwner } from '../../src/accounts/member-store.ts';
import { hashPassword } from '../../src/accounts/passwords.ts';
import { createSession } from '../../src/accounts/sessions.ts';
import { sha256 } from '../../src/accounts/tokens.ts';
import { insertOwnerWithWorkspace, replacePasswordHash } from '../../src/accounts/user-store.ts';
import { auditLog, memberships, users } from '../../src/db/schema/index.ts';
import {
  bearer,
  createKey,
  inviteMember,
  login,
  session,
  sessionCookieOf,
  setupOwner,
} from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('own sessions', () => {
  let t: TestApp;
  let ownerCookie: string;
  beforeAll(async () => {
    t = await createTestApp('pglite', { LOGIN_MAX_FAILURES: '3' });
    ownerCookie = (await setupOwner(t.app)).cookie;
  });
  afterAll(async () => t.close());

  const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
  const changePassword = (cookie: string, payload: unknown, ip = '127.0.0.1') =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: session(cookie),
      payload: payload as object,
      remoteAddress: ip,
    });
  const auditActions = async () =>
    (await t.runtime.database.db.select({ action: auditLog.action }).from(auditLog)).map((r) => r.action);

  it('changes the password with the current one and signs out every other session, keeps keys', async () => {
    const { cookie } = await inviteMember(t.app, ownerCookie, {
      email: 'writer@example.com',
      password: 'first-password',
      role: 'editor',
    });
    const laptop = await login(t.app, 'writer@example.com', 'first-password');
    const { key } = await createKey(t.app, cookie);

    const changed = await changePassword(cookie, {
      currentPassword: 'first-password',
      newPassword: 'second-password',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toEqual({ signedOut: 1 });
    expect((await me(laptop)).statusCode).toBe(401);
    expect((await me(cookie)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(key) })).statusCode).toBe(
      200,
    );
    expect(await auditActions()).toContain('auth.password_changed');
  });

  it('signs in with the changed password only', async () => {
    await expect(login(t.app, 'writer@example.com', 'first-password')).rejects.toThrow(/401/);
    await login(t.app, 'writer@example.com', 'second-password');
  });

  it('refuses a wrong current password at its field, the same one again, and a short one; changes nothing', async () => {
    const { cookie } = await inviteMember(t.app, ownerCookie, {
      email: 'careful@example.com',
      password: 'careful-password',
      role: 'viewer',
    });
    const wrong = await changePassword(cookie, { currentPassword: 'nope-nope', newPassword: 'another-one' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({
      code: 'validation_error',
      details: [{ path: 'currentPassword', message: 'is not your current password' }],
    });
    const same = await changePassword(cookie, {
      currentPassword: 'careful-password',
      newPassword: 'careful-password',
    });
    expect(same.statusCode).toBe(400);
    expect(same.json().error.details).toEqual([
      { path: 'newPassword', message: 'must differ from the current password' },
    ]);
    const short = await changePassword(cookie, { currentPassword: 'careful-password', newPassword: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.details[0].path).toBe('newPassword');
    await login(t.app, 'careful@example.com', 'careful-password');
    expect((await me(cookie)).statusCode).toBe(200);
  });

  it('guards the current password with the sign-in lock: a stolen session cannot guess it', async () => {
    const { cookie } = await inviteMember(t.app, ownerCookie, {
      email: 'guessed@example.com',
      password: 'guessed-password',
      role: 'viewer',
    });
    const ip = '203.0.113.9';
    for (let i = 0; i < 3; i++) {
      const res = await changePassword(
        cookie,
        { currentPassword: `guess-${i}`, newPassword: 'taken-over' },
        ip,
      );
      expect(res.statusCode).toBe(400);
    }
    const locked = await changePassword(
      cookie,
      { currentPassword: 'guessed-password', newPassword: 'taken-over' },
      ip,
    );
    expect(locked.statusCode).toBe(429);
    await login(t.app, 'guessed@example.com', 'guessed-password');
  });

  it('is for a browser session only: an API key cannot change the password or sign out everywhere', async () => {
    const { key } = await createKey(t.app, ownerCookie);
    for (const url of ['/api/v1/auth/password', '/api/v1/auth/logout-everywhere']) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: bearer(key),
        payload: { currentPassword: 'owner-password', newPassword: 'by-a-key-1' },
      });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    await login(t.app, 'owner@example.com', 'owner-password');
  });

  it('starts no session for a sign-in that checked the password a change then replaced', async () => {
    const { userId } = await inviteMember(t.app, ownerCookie, {
      email: 'raced@example.com',
      password: 'raced-password',
      role: 'viewer',
    });
    const { database, revocations } = t.runtime;
    const [row] = await database.db.select().from(users).where(eq(users.id, userId));
    const checked = row!.passwordHash;
    const workspaceId = (await me(ownerCookie)).json().workspace.id;
    // The change lands between the sign-in's check and its session.
    const newer = await hashPassword('raced-newer');
    expect(await replacePasswordHash(database, userId, { from: checked, to: newer })).toBe(true);
    const started = await createSession(database, revocations, { userId, workspaceId, ttlHours: 1 }, checked);
    expect(started).toBeNull();
    // And a sign-in upgrading the old hash cannot put the old password back.
    expect(await replacePasswordHash(database, userId, { from: checked, to: 'old-again' })).toBe(false);
    const [after] = await database.db.select().from(users).where(eq(users.id, userId));
    expect(after!.passwordHash).toBe(newer);
    expect(
      await createSession(database, revocations, { userId, workspaceId, ttlHours: 1 }, newer),
    ).not.toBeNull();
  });

  it('lets two sign-ins at once with the right password upgrade an older hash, both signed in', async () => {
    const { userId } = await inviteMember(t.app, ownerCookie, {
      email: 'double@example.com',
      password: 'double-click',
      role: 'viewer',
    });
    const { database } = t.runtime;
    const [row] = await database.db.select().from(users).where(eq(users.id, userId));
    // An ASCII password is the same in NFKC: without the mark it is a valid hash of the older kind.
    const older = row!.passwordHash.replace(/\$nfkc$/, '');
    await database.db.update(users).set({ passwordHash: older }).where(eq(users.id, userId));
    const signIn = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'double@example.com', password: 'double-click' },
      });
    const both = await Promise.all([signIn(), signIn()]);
    expect(both.map((r) => r.statusCode)).toEqual([200, 200]);
    const [after] = await database.db.select().from(users).where(eq(users.id, userId));
    expect(after!.passwordHash).not.toBe(older);
  });

  it('signs out every session of the account, this one included', async () => {
    await inviteMember(t.app, ownerCookie, {
      email: 'everywhere@example.com',
      password: 'everywhere-pw',
      role: 'viewer',
    });
    const a = await login(t.app, 'everywhere@example.com', 'everywhere-pw');
    const b = await login(t.app, 'everywhere@example.com', 'everywhere-pw');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout-everywhere',
      headers: session(a),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ signedOut: 3 });
    expect(String(res.headers['set-cookie'])).toMatch(/blogsmith_session=;/);
    expect((await me(a)).statusCode).toBe(401);
    expect((await me(b)).statusCode).toBe(401);
    expect((await me(ownerCookie)).statusCode).toBe(200);
    expect(await auditActions()).toContain('auth.logout_everywhere');
  });

  it('lets a member leave: their keys there end, the session moves to another workspace or ends', async () => {
    const { cookie, userId } = await inviteMember(t.app, ownerCookie, {
      email: 'leaver@example.com',
      password: 'leaver-password',
      role: 'editor',
    });
    const { key } = await createKey(t.app, cookie);
    const left = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/members/me',
      headers: session(cookie),
    });
    expect(left.statusCode, left.body).toBe(200);
    expect(left.json()).toEqual({ workspace: null });
    expect(String(left.headers['set-cookie'])).toMatch(/blogsmith_session=;/);
    expect((await me(cookie)).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(key) })).statusCode).toBe(
      401,
    );
    const members = await t.app.inject({
      method: 'GET',
      url: '/api/v1/members',
      headers: { cookie: ownerCookie },
    });
    expect(members.json().items.map((m: { userId: string }) => m.userId)).not.toContain(userId);
    expect(await auditActions()).toContain('member.left');
  });
  it("lists one's own sessions in every workspace, marks this one, and ends one by its id", async () => {
    await inviteMember(t.app, ownerCookie, {
      email: 'listed@example.com',
      password: 'listed-password',
      role: 'viewer',
    });
    const signIn = async (userAgent: string, ip: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'listed@example.com', password: 'listed-password' },
        headers: { 'user-agent': userAgent },
        remoteAddress: ip,
      });
      expect(res.statusCode).toBe(200);
      return sessionCookieOf(res.headers['set-cookie']);
    };
    const phone = await signIn('Phone Browser/1', '198.51.100.7');
    const laptop = await signIn('Laptop Browser/2', '198.51.100.8');
    const idOf = (cookie: string) => sha256(cookie.split('=')[1]!);
    const list = (cookie: string) =>
      t.app.inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: session(cookie) });

    const listed = await list(laptop);
    expect(listed.statusCode, listed.body).toBe(200);
    const items = listed.json().items;
    // The invitation's own session, then the two sign-ins, newest first; nobody else's.
    expect(items).toHaveLength(3);
    expect(items.slice(0, 2)).toMatchObject([
      { id: idOf(laptop), current: true, userAgent: 'Laptop Browser/2', ip: '198.51.100.8' },
      { id: idOf(phone), current: false, userAgent: 'Phone Browser/1', ip: '198.51.100.7' },
    ]);
    const workspaceId = (await me(laptop)).json().workspace.id;
    expect(items[0].workspace).toEqual({ id: workspaceId, name: expect.any(String) });
    expect(JSON.stringify(items)).not.toContain(idOf(ownerCookie));

    const end = (cookie: string, id: string) =>
      t.app.inject({ method: 'DELETE', url: `/api/v1/auth/sessions/${id}`, headers: session(cookie) });
    // Another account's session is not found, and stays signed in.
    expect((await end(laptop, idOf(ownerCookie))).statusCode).toBe(404);
    expect((await me(ownerCookie)).statusCode).toBe(200);
    expect((await end(laptop, 'not-a-session')).statusCode).toBe(400);

    expect((await end(laptop, idOf(phone))).statusCode).toBe(204);
    expect((await me(phone)).statusCode).toBe(401);
    expect((await me(laptop)).statusCode).toBe(200);
    expect((await list(laptop)).json().items.map((s: { id: string }) => s.id)).not.toContain(idOf(phone));
    expect(await auditActions()).toContain('auth.session_ended');

    // Ending this very session signs this browser out.
    const self = await end(laptop, idOf(laptop));
    expect(self.statusCode).toBe(204);
    expect(String(self.headers['set-cookie'])).toMatch(/blogsmith_session=;/);
    expect((await me(laptop)).statusCode).toBe(401);
  });

  it('lists and ends sessions for a browser session only', async () => {
    const { key } = await createKey(t.app, ownerCookie);
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: bearer(key) });
    expect(listed.statusCode).toBe(403);
    const ended = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${sha256(ownerCookie.split('=')[1]!)}`,
      headers: bearer(key),
    });
    expect(ended.statusCode).toBe(403);
    expect((await me(ownerCookie)).statusCode).toBe(200);
  });
});

describe('leaving one of two workspaces', () => {
  let t: TestApp;
  let boss: string;
  let own: string;
  let mine: string;
  beforeAll(async () => {
    t = await createTestApp('pglite', { SIGNUP_ENABLED: 'true' });
    boss = (await setupOwner(t.app, 'boss@example.com', 'boss-password')).cookie;
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'two@example.com', password: 'two-password', workspaceName: 'Mine' },
    });
    if (created.statusCode !== 202) throw new Error(created.body);
    own = await login(t.app, 'two@example.com', 'two-password');
    mine = (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: own } })).json()
      .workspace.id;
  });
  afterAll(async () => t.close());

  const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });

  it('moves the session to the other workspace', async () => {
    const invited = await t.app.inject({
      method: 'POST',
      url: '/api/v1/members',
      headers: session(boss),
      payload: { email: 'two@example.com', role: 'viewer' },
    });
    // Accepted while signed in: the session moves into the inviter's workspace.
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/invitations/${invited.json().token}/accept`,
      headers: session(own),
      payload: {},
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect((await me(own)).json().workspace.id).not.toBe(mine);

    const left = await t.app.inject({ method: 'DELETE', url: '/api/v1/members/me', headers: session(own) });
    expect(left.statusCode, left.body).toBe(200);
    expect(left.json().workspace).toMatchObject({ id: mine, name: 'Mine', role: 'owner' });
    const after = await me(own);
    expect(after.statusCode).toBe(200);
    expect(after.json().workspace.id).toBe(mine);
    expect(after.json().workspaces.map((w: { id: string }) => w.id)).toEqual([mine]);
  });

  it("keeps a workspace's last owner until another member is made an owner", async () => {
    const last = await t.app.inject({ method: 'DELETE', url: '/api/v1/members/me', headers: session(boss) });
    expect(last.statusCode).toBe(409);
    expect(last.json().error.message).toMatch(/last owner/);
    expect((await me(boss)).statusCode).toBe(200);
    // Refused, so not in the audit log as a departure.
    const departures = await t.runtime.database.db
      .select({ details: auditLog.details })
      .from(auditLog)
      .where(eq(auditLog.action, 'member.left'));
    expect(departures).toEqual([{ details: { role: 'viewer' } }]);
  });
});

describe('own sessions on PostgreSQL, under races', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('postgres');
  });
  afterAll(async () => t.close());

  it('signs out a sign-in whose session was being written while the password changed', async () => {
    const { cookie } = await setupOwner(t.app);
    const { database } = t.runtime;
    // The sign-in from this address writes its session slowly: the change lands meanwhile.
    await database.exec(`CREATE FUNCTION slow_session() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.ip = '198.51.100.7' THEN PERFORM pg_sleep(2); END IF; RETURN NEW; END $$;
      CREATE TRIGGER slow_session BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION slow_session();`);
    try {
      const thief = t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '198.51.100.7',
        payload: { email: 'owner@example.com', password: 'owner-password' },
      });
      await expect
        .poll(
          async () =>
            (
              await database.query<{ n: number }>(
                `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'INSERT INTO sessions%' AND state = 'active'`,
              )
            ).rows[0]!.n,
          { timeout: 20_000, interval: 20 },
        )
        .toBe(1);
      const changed = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: session(cookie),
        payload: { currentPassword: 'owner-password', newPassword: 'a-brand-new-password' },
      });
      expect(changed.statusCode, changed.body).toBe(200);
      const stolen = await thief;
      const thiefCookie = String(stolen.headers['set-cookie'] ?? '').split(';')[0]!;
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: thiefCookie } });
      expect(me.statusCode).toBe(401);
    } finally {
      await database.exec('DROP TRIGGER slow_session ON sessions; DROP FUNCTION slow_session()');
    }
  });

  it('ends, rather than moves, a leaving session whose next workspace is no longer theirs', async () => {
    const { database } = t.runtime;
    const [a, b] = await Promise.all(
      ['mover-a', 'mover-b'].map(async (name) => {
        const made = await insertOwnerWithWorkspace(database, {
          email: `${name}@example.com`,
          name: null,
          passwordHash: 'x',
          workspaceName: name,
        });
        if (typeof made === 'string') throw new Error(made);
        return made;
      }),
    );
    const userId = a!.user.id;
    // Another owner in A, so the mover may leave it; the mover is in no other workspace (B is not theirs).
    await database.db
      .insert(memberships)
      .values({ workspaceId: a!.workspace.id, userId: b!.user.id, role: 'owner' });
    const started = await createSession(database, t.runtime.revocations, {
      userId,
      workspaceId: a!.workspace.id,
      ttlHours: 1,
    });
    const id = sha256(started.token);
    const outcome = await changeMembershipKeepingAnOwner(
      database,
      { workspaceId: a!.workspace.id },
      { userId, from: 'owner', role: null, moveSession: { id, to: b!.workspace.id } },
    );
    expect(outcome).toBe('changed');
    const left = await database.query('SELECT 1 FROM sessions WHERE id = $1', [id]);
    expect(left.rows).toEqual([]);
  });
});
