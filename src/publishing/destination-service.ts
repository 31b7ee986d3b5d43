// A workspace's publishing destinations as its admins manage them: the site's address checked
// against the fetch policy when stored, the credentials sealed with SECRET_KEY and never shown again
// (only their last 4 characters), and a check that signs in to the CMS with them.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { AppError, notFound } from '../errors.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { decryptSecret, encryptSecret } from '../security/encryption.ts';
import { precheckUrl } from '../security/ssrf/index.ts';
import { cmsClientFor } from './cms/client-for.ts';
import type { CmsConnection } from './cms/cms-request.ts';
import { CmsError } from './cms/cms-request.ts';
import { ghostKeyMessage, parseGhostKey } from './cms/ghost-token.ts';
import {
  type DestinationChange,
  type DestinationRow,
  deleteDestination as deleteDestinationRow,
  destinationById,
  insertDestination,
  listDestinations as listDestinationRows,
  maxDestinations,
  nameTaken,
  type SealedCredentials,
  sealedDestination,
  updateDestination as updateDestinationRow,
} from './destination-store.ts';
import type { DestinationKind } from './publishing-kinds.ts';
import { siteBaseUrl } from './site-url.ts';

export interface PublishingDeps {
  database: Database;
  secretKey: string;
  config: Pick<Config, 'FETCH_ALLOW_HOSTS' | 'FETCH_TIMEOUT_SECONDS' | 'PUBLIC_URL'>;
  queue: Pick<JobQueue, 'send'>;
  logger: Pick<Logger, 'warn' | 'info'>;
  /** Tests resolve names without DNS. */
  connection?: Partial<CmsConnection>;
}

type Scope = { workspaceId: string };

export type DestinationInput =
  | { kind: 'wordpress'; name: string; siteUrl: string; username: string; applicationPassword: string }
  | { kind: 'ghost'; name: string; siteUrl: string; adminApiKey: string };

export interface DestinationPatch {
  name?: string;
  siteUrl?: string;
  username?: string;
  applicationPassword?: string;
  adminApiKey?: string;
}

const invalid = (path: string, message: string) =>
  new AppError('validation_error', message, [{ path, message }]);

const destinationNotFound = (id: string) => notFound(`Publishing destination ${id}`);

/** The CMS connection of deps: the operator's allow list and fetch deadline. */
export const connectionOf = (deps: Pick<PublishingDeps, 'config' | 'connection'>): CmsConnection => ({
  allowHosts: deps.config.FETCH_ALLOW_HOSTS,
  timeoutMs: deps.config.FETCH_TIMEOUT_SECONDS * 1000,
  ...deps.connection,
});

/**
 * The site's base URL, refused with a 400 at `siteUrl` when the fetch policy could never reach it (a
 * private or loopback literal, `localhost`, a metadata host, a refused port); names are judged again
 * at each connection, where their addresses are known.
 */
async function reachableSite(kind: DestinationKind, href: string, allowHosts: readonly string[]) {
  const base = siteBaseUrl(kind, href);
  if ('problem' in base) throw invalid('siteUrl', base.problem);
  const problem = await precheckUrl(base.url, allowHosts);
  if (problem)
    throw invalid(
      'siteUrl',
      `${problem}. A site on a private network must be allowed by the operator (FETCH_ALLOW_HOSTS)`,
    );
  return base.url;
}

const sameOrigin = (a: string, b: string) => new URL(a).origin === new URL(b).origin;

async function uniqueName(deps: PublishingDeps, scope: Scope, name: string, exceptId?: string) {
  if (await nameTaken(deps.database, scope, name, exceptId))
    throw new AppError('conflict', `A publishing destination is already named "${name}"`, [
      { path: 'name', message: 'Taken by another destination of this workspace' },
    ]);
}

/** What the API shows of a secret: its last 4 characters. */
const hintOf = (secret: string) => `…${secret.replace(/\s+/g, '').slice(-4)}`;

function sealed(deps: PublishingDeps, secret: string, username: string | null): SealedCredentials {
  return { username, sealedSecret: encryptSecret(secret, deps.secretKey), secretHint: hintOf(secret) };
}

function ghostKey(value: string) {
  const parsed = parseGhostKey(value);
  if (!parsed) throw invalid('adminApiKey', ghostKeyMessage);
  return `${parsed.id}:${parsed.secret}`;
}

export async function createDestination(
  deps: PublishingDeps,
  scope: Scope & { userId: string },
  input: DestinationInput,
): Promise<DestinationRow> {
  const siteUrl = await reachableSite(input.kind, input.siteUrl, deps.config.FETCH_ALLOW_HOSTS);
  const credentials =
    input.kind === 'wordpress'
      ? sealed(deps, input.applicationPassword, input.username)
      : sealed(deps, ghostKey(input.adminApiKey), null);
  await uniqueName(deps, scope, input.name);
  const row = await insertDestination(deps.database, scope, {
    kind: input.kind,
    name: input.name,
    siteUrl,
    ...credentials,
  });
  if (row === 'full')
    throw new AppError(
      'conflict',
      `A workspace has at most ${maxDestinations} publishing destinations: delete one before adding another`,
    );
  return row;
}

export const listDestinations = (deps: Pick<PublishingDeps, 'database'>, scope: Scope) =>
  listDestinationRows(deps.database, scope);

export async function getDestination(deps: Pick<PublishingDeps, 'database'>, scope: Scope, id: string) {
  const row = await destinationById(deps.database, scope, id);
  if (!row) throw destinationNotFound(id);
  return row;
}

export async function updateDestination(
  deps: PublishingDeps,
  scope: Scope,
  id: string,
  patch: DestinationPatch,
): Promise<DestinationRow> {
  const current = await sealedDestination(deps.database, scope, id);
  if (!current) throw destinationNotFound(id);
  // Each CMS has its own credentials: another CMS's field is a mistake, not something to ignore.
  const foreign =
    current.kind === 'wordpress'
      ? (['adminApiKey'] as const)
      : (['username', 'applicationPassword'] as const);
  for (const field of foreign)
    if (patch[field] !== undefined) throw invalid(field, `A ${current.kind} destination has no ${field}`);
  const change: DestinationChange = {};
  if (patch.siteUrl !== undefined)
    change.siteUrl = await reachableSite(current.kind, patch.siteUrl, deps.config.FETCH_ALLOW_HOSTS);
  const secretField = current.kind === 'wordpress' ? 'applicationPassword' : 'adminApiKey';
  // The stored secret belongs to its site: sent to another origin, it would reach whoever runs that
  // server (an admin or a settings:write key could read the owner's password so).
  if (
    change.siteUrl !== undefined &&
    !sameOrigin(change.siteUrl, current.siteUrl) &&
    patch[secretField] === undefined
  )
    throw invalid(
      'siteUrl',
      `Moving the destination to another site (scheme, host or port) needs its ${secretField} in the same request: the stored one is not sent elsewhere`,
    );
  if (patch.name !== undefined) {
    await uniqueName(deps, scope, patch.name, id);
    change.name = patch.name;
  }
  if (patch.username !== undefined) change.username = patch.username;
  const secret =
    patch.applicationPassword ?? (patch.adminApiKey !== undefined ? ghostKey(patch.adminApiKey) : undefined);
  if (secret !== undefined) {
    const { sealedSecret, secretHint } = sealed(deps, secret, null);
    Object.assign(change, { sealedSecret, secretHint });
  }
  const row = await updateDestinationRow(deps.database, scope, id, change);
  if (!row) throw destinationNotFound(id);
  return row;
}

export async function deleteDestination(deps: Pick<PublishingDeps, 'database'>, scope: Scope, id: string) {
  if (!(await deleteDestinationRow(deps.database, scope, id))) throw destinationNotFound(id);
}

/** The destination's secret opened; undefined when it was sealed with another SECRET_KEY. */
export function openSecret(sealedSecret: string, secretKey: string): string | undefined {
  try {
    return decryptSecret(sealedSecret, secretKey);
  } catch {
    return undefined;
  }
}

export const unreadableSecret =
  'the credentials were sealed with another SECRET_KEY (a backup restored without its key?): enter them again';

/** The destination and its secret opened (undefined when sealed with another SECRET_KEY). */
export async function openedDestination(
  deps: Pick<PublishingDeps, 'database' | 'secretKey'>,
  scope: Scope,
  id: string,
): Promise<{ destination: DestinationRow; secret: string | undefined }> {
  const row = await sealedDestination(deps.database, scope, id);
  if (!row) throw destinationNotFound(id);
  const { sealedSecret, ...destination } = row;
  return { destination, secret: openSecret(sealedSecret, deps.secretKey) };
}

export interface CheckResult {
  ok: boolean;
  /** What the CMS said: who is signed in, or its error. */
  message: string;
  /** The CMS's HTTP status when it answered with an error. */
  status: number | null;
}

/** Signs in to the destination's CMS with its credentials: ok, or the CMS's error (never thrown). */
export async function checkDestination(deps: PublishingDeps, scope: Scope, id: string): Promise<CheckResult> {
  const { destination, secret } = await openedDestination(deps, scope, id);
  if (secret === undefined) return { ok: false, message: unreadableSecret, status: null };
  try {
    const message = await cmsClientFor({ ...destination, secret }, connectionOf(deps)).check();
    return { ok: true, message, status: null };
  } catch (err) {
    if (err instanceof CmsError) return { ok: false, message: err.message, status: err.status };
    throw err;
  }
}
