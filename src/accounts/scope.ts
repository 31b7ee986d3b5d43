// Workspace isolation lives here and only here. Every query over a tenant table goes through
// `inWorkspace`, so a row of another workspace is simply not found (404), never forbidden (403):
// callers cannot even learn that it exists.
import { and, eq, type Placeholder, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { AuthContext } from './context.ts';

interface TenantTable {
  workspaceId: PgColumn;
}

/** `workspaceId` may be a placeholder, filled in when a prepared statement runs. */
export function inWorkspace(
  ctx: { workspaceId: AuthContext['workspaceId'] | Placeholder<'workspaceId'> },
  table: TenantTable,
  ...more: (SQL | undefined)[]
) {
  return and(eq(table.workspaceId, ctx.workspaceId), ...more)!;
}
