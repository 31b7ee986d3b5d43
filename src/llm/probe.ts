// `blogsmith models check`: one tiny real request per configured model, straight to the provider
// (no retries, no fallback, no cache), reporting its latency or the exact error.
import { APICallError, embedMany, generateText } from 'ai';
import { ModelFactory } from './providers.ts';
import type { ResolvedModels } from './resolve-models.ts';
import { llmRoles, type ModelRef } from './types.ts';
import { upstreamExcerpt, upstreamExcerptMax } from './upstream-text.ts';

export interface ProbeResult {
  model: string;
  kind: 'text' | 'embedding';
  ok: boolean;
  latencyMs: number;
  error?: string;
}

// Shown to workspace admins: the status and short sanitized excerpts, never the upstream body as is.
function describeError(err: unknown): string {
  if (APICallError.isInstance(err)) {
    const message = upstreamExcerpt(err.message);
    const body = err.responseBody ? upstreamExcerpt(err.responseBody) : '';
    const excerpt = body && !message.includes(body) ? ` — ${body}` : '';
    return `${err.statusCode ? `HTTP ${err.statusCode}: ` : ''}${message}${excerpt}`;
  }
  if (err instanceof Error)
    return upstreamExcerpt(
      err.cause instanceof Error ? `${err.message} (${err.cause.message})` : err.message,
      2 * upstreamExcerptMax,
    );
  return upstreamExcerpt(String(err));
}

export async function probeModels(
  resolved: ResolvedModels,
  opts: { timeoutMs: number },
): Promise<ProbeResult[]> {
  const factory = new ModelFactory();
  const targets = new Map<string, { ref: ModelRef; kind: ProbeResult['kind'] }>();
  for (const role of llmRoles)
    for (const ref of resolved.chains[role])
      targets.set(`${role === 'embedder' ? 'e' : 't'}:${ref.id}`, {
        ref,
        kind: role === 'embedder' ? 'embedding' : 'text',
      });

  const results: ProbeResult[] = [];
  for (const { ref, kind } of targets.values()) {
    const started = performance.now();
    try {
      const abortSignal = AbortSignal.timeout(opts.timeoutMs);
      if (kind === 'text') {
        await generateText({
          model: factory.language('probe', ref, resolved.credentials),
          prompt: 'Reply with the single word OK.',
          maxOutputTokens: 16,
          maxRetries: 0,
          abortSignal,
        });
      } else {
        await embedMany({
          model: factory.embedding('probe', ref, resolved.credentials),
          values: ['ping'],
          maxRetries: 0,
          abortSignal,
        });
      }
      results.push({ model: ref.id, kind, ok: true, latencyMs: Math.round(performance.now() - started) });
    } catch (err) {
      results.push({
        model: ref.id,
        kind,
        ok: false,
        latencyMs: Math.round(performance.now() - started),
        error: describeError(err),
      });
    }
  }
  return results;
}
