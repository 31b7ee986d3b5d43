// First run: with BLOGSMITH_ADMIN_EMAIL/PASSWORD set and no user yet, create the owner.
import type { Runtime } from '../runtime.ts';
import { audit } from './audit.ts';
import { countUsers, createUser } from './users.ts';

export async function ensureAdmin(runtime: Pick<Runtime, 'config' | 'database' | 'logger'>) {
  const { BLOGSMITH_ADMIN_EMAIL: email, BLOGSMITH_ADMIN_PASSWORD: password } = runtime.config;
  if (!email || !password) return false;
  if ((await countUsers(runtime.database)) > 0) return false;
  const { user, workspace } = await createUser(runtime.database, { email, password });
  await audit(runtime.database, {
    workspaceId: workspace.id,
    actorUserId: user.id,
    action: 'setup.admin_from_env',
    target: user.email,
  });
  runtime.logger.info({ email: user.email }, 'created the owner account from BLOGSMITH_ADMIN_EMAIL');
  return true;
}
