// For the sweeps that look for work no job will do: whether a job for a row is still waiting or
// running, asked of pg-boss's own table (queue.ts keeps its jobs in the `pgboss` schema) in the
// sweep's statement, so the rows and the jobs are read at one moment.
import type { AppJobName } from './job-map.ts';

/**
 * SQL true while a `name` job whose payload's `field` equals the SQL expression `value` is waiting,
 * retrying or running. `name` and `field` come from code, never from a request.
 */
export function pendingJobExists(name: AppJobName, field: string, value: string): string {
  if (!/^[a-z.]+$/.test(name) || !/^[A-Za-z]+$/.test(field))
    throw new Error(`Unexpected job ${name}.${field}`);
  return `EXISTS (SELECT 1 FROM pgboss.job j
    WHERE j.name = '${name}' AND j.state < 'completed' AND j.data->>'${field}' = ${value})`;
}
