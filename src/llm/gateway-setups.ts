// Which models and credentials a call uses: the environment's, or a workspace's own settings on
// top of them (re-read after a minute, or at once after `forget`), and the workspace's own prices.
import { createHash } from 'node:crypto';
import type { Config } from '../config.ts';
import type { PriceTable } from './prices.ts';
import { type ResolvedModels, resolveModels, type WorkspaceLlmSettings } from './resolve-models.ts';

export interface Setup {
  resolved: ResolvedModels;
  /** Credential scope: clients and breakers are per scope. */
  scope: string;
  expires: number;
  /** The workspace's own model prices, layered over the recorder's price book. */
  prices: PriceTable;
}

export interface GatewaySetups {
  setupFor(workspaceId?: string): Promise<Setup>;
  /** Drops the workspace's cached setup; returns it, if there was one. */
  forget(workspaceId: string): Setup | undefined;
}

const workspaceSettingsTtlMs = 60_000;

// The scope names the credentials themselves, not only the workspace: another process that read
// the settings again after a key was rotated (or a base URL changed) builds new clients for the new
// ones rather than keeping those it made with the old key until it restarts.
const credentialScope = (workspaceId: string, credentials: unknown) =>
  `ws:${workspaceId}:${createHash('sha256').update(JSON.stringify(credentials)).digest('hex').slice(0, 16)}`;

export function gatewaySetups(
  config: Config,
  workspaceSettings: ((workspaceId: string) => Promise<WorkspaceLlmSettings | null>) | undefined,
  /** Told of a workspace's scope its settings no longer use (its clients can go). */
  scopeDropped: (scope: string) => void = () => {},
): GatewaySetups {
  const environment: Setup = {
    resolved: resolveModels(config),
    scope: 'env',
    expires: Infinity,
    prices: {},
  };
  const workspaces = new Map<string, Setup>();

  async function load(workspaceId: string, settings: (id: string) => Promise<WorkspaceLlmSettings | null>) {
    const own = await settings(workspaceId);
    const setup: Setup =
      own && (own.credentials || own.models)
        ? {
            resolved: resolveModels(config, own),
            scope: own.credentials ? credentialScope(workspaceId, own.credentials) : 'env',
            expires: Date.now() + workspaceSettingsTtlMs,
            prices: own.prices ?? {},
          }
        : { ...environment, expires: Date.now() + workspaceSettingsTtlMs, prices: own?.prices ?? {} };
    const previous = workspaces.get(workspaceId)?.scope;
    if (previous && previous !== 'env' && previous !== setup.scope) scopeDropped(previous);
    workspaces.set(workspaceId, setup);
    return setup;
  }

  return {
    async setupFor(workspaceId) {
      if (!workspaceId || !workspaceSettings) return environment;
      const known = workspaces.get(workspaceId);
      if (known && known.expires > Date.now()) return known;
      return load(workspaceId, workspaceSettings);
    },
    forget(workspaceId) {
      const known = workspaces.get(workspaceId);
      workspaces.delete(workspaceId);
      return known;
    },
  };
}
