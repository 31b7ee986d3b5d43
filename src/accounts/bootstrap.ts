// First run: with BLOGSMITH_ADMIN_EMAIL/PASSWORD set and no user yet, create the owner.

import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { audit } from './audit.ts';
import { countUsers, createUser } from './users.ts';

export interface BootstrapDeps {
  config: Pick<Config, 'BLOGSMITH_ADMIN_EMAIL' | 'BLOGSMITH_ADMIN_PASSWORD'>;
  database: Database;
  logger: Pick<Logger, 'info'>;
}

export async function ensureAdmin(runtime: BootstrapDeps) {
  const { BLOGSMITH_ADMIN_EMAIL: email, BLOGSMITH_ADMIN_PASSWORD: password } = runtime.config;
  if (!email || !password) return false;
  if ((await countUsers(runtime.database)) > 0) return false;
  let created: Awaited<ReturnType<typeof createUser>>;
  try {
    // Several replicas may start at once: only one creates the owner.
    created = await createUser(runtime.database, { email, password }, { firstOwner: true });
  } catch (err) {
    if (err instanceof AppError && err.code === 'conflict') return false;
    throw err;
  }
  const { user, workspace } = created;
  await audit(runtime.database, {
    workspaceId: workspace.id,
    actorUserId: user.id,
    action: 'setup.admin_from_env',
    target: user.email,
  });
  runtime.logger.info({ email: user.email }, 'created the owner account from BLOGSMITH_ADMIN_EMAIL');
  return true;
}
