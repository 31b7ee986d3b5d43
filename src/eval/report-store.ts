// Every statement on stored evaluation reports: a workspace's `blogsmith eval` runs, newest first.
import { and, eq } from 'drizzle-orm';
import { inWorkspace } from '../accounts/scope.ts';
import type { Database, Transaction } from '../db/client.ts';
import { after, createdMicrosOf, newestFirst, type PagePosition } from '../db/keyset.ts';
import { evalReports } from '../db/schema/eval.ts';
import { AppError } from '../errors.ts';
import { type EvalReport, evalReportSchema } from './report-schema.ts';

type Scope = { workspaceId: string };

export interface StoredEvalReport {
  id: string;
  createdAt: Date;
  /** Who judged the run (its own column: readable whatever the report's shape). */
  judge: string;
  report: EvalReport;
}

/** A listed report: `report` is null for one another version stored in a shape this one cannot read. */
export type ListedEvalReport = Omit<StoredEvalReport, 'report'> & { report: EvalReport | null };

const readable = (stored: unknown): EvalReport | null => {
  const parsed = evalReportSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
};

const columns = {
  id: evalReports.id,
  createdAt: evalReports.createdAt,
  judge: evalReports.judge,
  report: evalReports.report,
};

/** Stores a report; `tx` holds the workspace's storage lock (insertWithinStorage). */
export async function saveEvalReport(
  tx: Transaction,
  scope: Scope & { userId: string },
  report: EvalReport,
): Promise<StoredEvalReport> {
  const [row] = await tx
    .insert(evalReports)
    .values({ workspaceId: scope.workspaceId, createdBy: scope.userId, judge: report.judge, report })
    .returning(columns);
  return row!;
}

export async function listEvalReports(
  database: Database,
  scope: Scope,
  input: { limit: number; after?: PagePosition | undefined },
): Promise<(ListedEvalReport & { createdMicros: string })[]> {
  const rows = await database.db
    .select({ ...columns, createdMicros: createdMicrosOf(evalReports) })
    .from(evalReports)
    .where(inWorkspace(scope, evalReports, input.after ? after(evalReports, input.after) : undefined))
    .orderBy(...newestFirst(evalReports))
    .limit(input.limit);
  return rows.map((row) => ({ ...row, report: readable(row.report) }));
}

export async function evalReportById(
  database: Database,
  scope: Scope,
  id: string,
): Promise<StoredEvalReport> {
  const [row] = await database.db
    .select(columns)
    .from(evalReports)
    .where(inWorkspace(scope, evalReports, eq(evalReports.id, id)));
  if (!row) throw new AppError('not_found', `Evaluation report ${id} not found`);
  const report = readable(row.report);
  if (!report)
    throw new AppError(
      'conflict',
      `Evaluation report ${id} was stored by another version of Blogsmith in a shape this one cannot read: ` +
        'delete it, or read it with that version',
    );
  return { ...row, report };
}

export async function deleteEvalReport(database: Database, scope: Scope, id: string) {
  const deleted = await database.db
    .delete(evalReports)
    .where(and(inWorkspace(scope, evalReports), eq(evalReports.id, id)))
    .returning({ id: evalReports.id });
  if (deleted.length === 0) throw new AppError('not_found', `Evaluation report ${id} not found`);
}
