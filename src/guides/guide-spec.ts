// The OpenAPI document a guide names, read from the workspace's knowledge library: another
// workspace's document is unknown here, another type of document or one stored without its file is
// refused with the reason, and the spec itself is read in a worker process (spec-pool.ts).

import type { Database } from '../db/client.ts';
import { declaredCharset } from '../decode-text.ts';
import { AppError, notFound } from '../errors.ts';
import { documentWithFile } from '../knowledge/document-store.ts';
import type { GuideChoices, GuideIssue, GuideOutcome } from './build-guide.ts';
import { guideOffThread, operationsOffThread, type SpecFile } from './spec-pool.ts';

const field = 'guide.specDocumentId';

/** The spec document's file and address, or the issue that refuses it. */
async function specFile(
  database: Database,
  workspaceId: string,
  id: string,
): Promise<{ file: SpecFile; sourceUrl: string | null } | { issue: GuideIssue; missing: boolean }> {
  const document = await documentWithFile(database, workspaceId, id);
  if (!document) return { issue: { path: field, message: `Unknown document ${id}` }, missing: true };
  if (document.type !== 'openapi')
    return {
      issue: {
        path: field,
        message: `Document ${id} ("${document.title}") is a ${document.type} document, not an OpenAPI spec: upload the spec's JSON or YAML to the knowledge library`,
      },
      missing: false,
    };
  if (!document.file)
    return {
      issue: {
        path: field,
        message: `Document ${id} was stored without its file, so its spec cannot be read: upload it again`,
      },
      missing: false,
    };
  const { bytes, contentType } = document.file;
  return {
    file: { bytes, charset: declaredCharset(bytes, contentType ?? undefined) },
    sourceUrl: document.sourceKind === 'url' ? document.sourceUrl : null,
  };
}

/** A guide's sources and samples from the spec `documentId` of the workspace, or the issues refusing it. */
export async function readGuide(
  database: Database,
  workspaceId: string,
  guide: {
    specDocumentId: string;
    operations?: readonly string[] | undefined;
    languages: GuideChoices['languages'];
  },
): Promise<GuideOutcome> {
  const found = await specFile(database, workspaceId, guide.specDocumentId);
  if ('issue' in found) return { issues: [found.issue] };
  return guideOffThread(
    found.file,
    {
      languages: guide.languages,
      ...(guide.operations ? { operations: guide.operations } : {}),
      ...(found.sourceUrl ? { specUrl: found.sourceUrl } : {}),
    },
    workspaceId,
  );
}

/** The operations of the workspace's spec `documentId`: 404 for no such document, 400 for one that is no spec. */
export async function specOperations(database: Database, workspaceId: string, documentId: string) {
  const found = await specFile(database, workspaceId, documentId);
  if ('issue' in found) {
    if (found.missing) throw notFound('Document');
    throw new AppError('validation_error', found.issue.message, [
      { path: 'id', message: found.issue.message },
    ]);
  }
  const listed = await operationsOffThread(found.file, workspaceId);
  if ('problem' in listed) {
    const message = `The document cannot be used: ${listed.problem}`;
    throw new AppError('validation_error', message, [{ path: 'id', message }]);
  }
  return listed;
}
