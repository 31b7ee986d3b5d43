// Where a workspace's own model server may be. Workspace members choose base URLs, so they obey
// the server-side fetch policy (public unicast only); private model servers (Ollama or vLLM on the
// LAN) are reachable only when the operator lists them in LLM_ALLOW_HOSTS or FETCH_ALLOW_HOSTS.
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { precheckUrl } from '../security/ssrf/index.ts';

export function llmAllowHosts(config: Pick<Config, 'LLM_ALLOW_HOSTS' | 'FETCH_ALLOW_HOSTS'>): string[] {
  return [...config.LLM_ALLOW_HOSTS, ...config.FETCH_ALLOW_HOSTS];
}

/**
 * Refuses (400) base URLs that can never be used: wrong scheme, credentials, loopback/private
 * literal addresses. Names are judged again at every connection, where DNS answers are known.
 */
export async function assertBaseUrlsAllowed(
  credentials: Record<string, { baseUrl?: string | null } | undefined>,
  allowHosts: readonly string[],
): Promise<void> {
  const details: { path: string; message: string }[] = [];
  for (const [provider, c] of Object.entries(credentials)) {
    if (!c?.baseUrl) continue;
    const problem = await precheckUrl(c.baseUrl, allowHosts);
    if (problem)
      details.push({
        path: `credentials.${provider}.baseUrl`,
        message: `${problem}. Private model servers must be allowed by the operator (LLM_ALLOW_HOSTS)`,
      });
  }
  if (details.length > 0)
    throw new AppError('validation_error', details.map((d) => d.message).join('; '), details);
}
