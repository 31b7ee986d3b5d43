// The one statement on workspace_storage: what a workspace holds (triggers keep it; migration 0016).
import { eq } from 'drizzle-orm';
import type { Transaction } from '../db/client.ts';
import { workspaceStorage } from '../db/schema/storage.ts';

export async function storedBytes(db: Pick<Transaction, 'select'>, workspaceId: string) {
  const [row] = await db
    .select({
      documentBytes: workspaceStorage.documentBytes,
      articleBytes: workspaceStorage.articleBytes,
      evalReportBytes: workspaceStorage.evalReportBytes,
    })
    .from(workspaceStorage)
    .where(eq(workspaceStorage.workspaceId, workspaceId));
  return row ?? { documentBytes: 0, articleBytes: 0, evalReportBytes: 0 };
}
