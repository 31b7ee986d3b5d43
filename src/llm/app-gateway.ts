// The gateway as the application runs it: wired to the process's storage for the ledger, budgets,
// limits and caches. Tests build bare gateways with createLlmGateway instead.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { createLlmGateway } from './gateway.ts';
import type { LlmGateway } from './types.ts';

export interface AppGatewayDeps {
  config: Config;
  logger: Logger;
  database: Database;
}

export function createAppLlmGateway(deps: AppGatewayDeps): LlmGateway {
  return createLlmGateway({ config: deps.config, logger: deps.logger });
}
