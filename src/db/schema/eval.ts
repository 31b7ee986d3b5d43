// Quality-lab reports stored per workspace, so the web app shows them wherever it runs (a
// container has no report folder to read). The report itself is validated JSON (src/eval/report-schema.ts).
import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { EvalReport } from '../../eval/report-schema.ts';
import { workspaces } from './accounts.ts';

export const evalReports = pgTable(
  'eval_reports',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** Who stored it (a member, or the local CLI's owner); kept when that member leaves. */
    createdBy: uuid('created_by'),
    judge: text('judge').notNull(),
    report: jsonb('report').$type<EvalReport>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('eval_reports_workspace_created_idx').on(t.workspaceId, t.createdAt)],
);
