// The audit log is kept AUDIT_RETENTION_DAYS (0: for ever). Members' actions add to it at will
// (keys made and revoked, invitations sent and cancelled, failed sign-ins), so without a retention
// it grows for as long as the deployment runs. Deleted hourly by every process that works jobs
// (the deletion is the same whichever runs it).
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { deleteAuditBefore } from './audit.ts';

const hourMs = 3600_000;

export async function pruneAudit(
  database: Database,
  retentionDays: number,
  now = Date.now(),
): Promise<number> {
  if (retentionDays === 0) return 0;
  return deleteAuditBefore(database, new Date(now - retentionDays * 24 * hourMs));
}

export function handleAuditRetention(deps: {
  database: Database;
  queue: Pick<JobQueue, 'repeat'>;
  config: Pick<Config, 'AUDIT_RETENTION_DAYS'>;
  logger: Pick<Logger, 'info'>;
}) {
  if (deps.config.AUDIT_RETENTION_DAYS === 0) return;
  deps.queue.repeat('audit.prune', hourMs, async () => {
    const deleted = await pruneAudit(deps.database, deps.config.AUDIT_RETENTION_DAYS);
    if (deleted > 0) deps.logger.info({ deleted }, 'audit entries past their retention deleted');
  });
}
