// The key that encrypts secrets at rest and signs tokens. Production must set SECRET_KEY; an
// embedded install generates one on first start and keeps it beside its data, so restarts can
// still decrypt what was stored.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { makeDirectory } from '../db/make-directory.ts';

export function resolveSecretKey(config: Pick<Config, 'SECRET_KEY' | 'DATA_DIR'>, dataDir = config.DATA_DIR) {
  if (config.SECRET_KEY) return config.SECRET_KEY;
  if (dataDir === 'memory://') return randomBytes(32).toString('base64url');
  const file = path.resolve(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  makeDirectory(path.dirname(file));
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
