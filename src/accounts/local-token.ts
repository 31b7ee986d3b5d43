// The local token: how `blogsmith` commands on the same machine reach a running server that holds
// the embedded data directory. The server mints it at start and writes it into DATA_DIR (mode 0600);
// whoever can read that directory can read the database itself, so the token grants nothing new.
// It acts as the first owner of the oldest workspace.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from '../db/client.ts';
import type { AuthContext } from './context.ts';
import { firstOwner } from './member-store.ts';
import { scopesForRole } from './roles.ts';

export const localTokenPrefix = 'bsl_';
const fileName = 'cli-token';

export const createLocalToken = () => `${localTokenPrefix}${randomBytes(32).toString('base64url')}`;

export function writeLocalTokenFile(dataDir: string, token: string) {
  const file = path.resolve(dataDir, fileName);
  writeFileSync(file, token, { mode: 0o600 });
  process.once('exit', () => rmSync(file, { force: true }));
}

export function readLocalTokenFile(dataDir: string): string | undefined {
  try {
    return readFileSync(path.resolve(dataDir, fileName), 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function localTokenMatches(expected: string | undefined, given: string): boolean {
  if (!expected) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function localOwnerContext(database: Database): Promise<AuthContext | null> {
  const owner = await firstOwner(database);
  if (!owner) return null;
  return {
    ...owner,
    role: 'owner',
    via: 'session',
    scopes: scopesForRole('owner'),
  };
}
