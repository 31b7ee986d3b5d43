// `blogsmith models check`: one tiny real request per configured model, straight to the provider
// (no retries, no fallback, no cache), reporting its latency or the exact error; then, for each
// text model that answered, the best structured-output rung it handles. An embedding model is
// asked for the embedding column's width, and fails the check when it gives another.
import { APICallError, embedMany, generateText } from 'ai';
import { z } from 'zod';
import { widthMismatch, widthRequest } from './embedding-width.ts';
import { InvalidOutputError } from './failures.ts';
import { ModelFactory } from './providers.ts';
import type { ResolvedModels } from './resolve-models.ts';
import { refusesRung, requestAtRung } from './structured-output.ts';
import { llmRoles, type ModelRef, type OutputRung, outputRungs } from './types.ts';
import { upstreamExcerpt, upstreamExcerptMax } from './upstream-text.ts';

export interface ProbeResult {
  model: string;
  kind: 'text' | 'embedding';
  ok: boolean;
  latencyMs: number;
  error?: string;
  /** Text models: the first rung whose answer validated (null: none did). */
  structuredOutput?: OutputRung | null;
}

const probeSchema = z.object({ ok: z.boolean(), word: z.string() });

/** Walks the ladder from the top with a tiny question; each rung gets one request. */
async function detectRung(
  factory: ModelFactory,
  ref: ModelRef,
  resolved: ResolvedModels,
  timeoutMs: number,
): Promise<OutputRung | null> {
  const model = factory.language('probe', ref, resolved.credentials);
  for (const rung of outputRungs) {
    try {
      await requestAtRung(rung, {
        model,
        prompt: {
          messages: [
            {
              role: 'user',
              content:
                'Is water wet? Answer as the JSON object {"ok": true or false, "word": "one word why"}.',
            },
          ],
        },
        settings: { maxOutputTokens: 200, abortSignal: AbortSignal.timeout(timeoutMs) },
        schema: probeSchema,
        schemaJson: z.toJSONSchema(probeSchema) as Record<string, unknown>,
        name: 'probe_answer',
      });
      return rung;
    } catch (err) {
      // Refused or invalid: try the next rung. Anything else (auth, network) ends the walk.
      if (!refusesRung(err) && !(err instanceof InvalidOutputError)) return null;
    }
  }
  return null;
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
  /** `embeddingDimensions`: the embedding column's width (EMBEDDING_DIMENSIONS). */
  opts: { timeoutMs: number; embeddingDimensions: number },
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
        const providerOptions = widthRequest(ref, opts.embeddingDimensions);
        const r = await embedMany({
          model: factory.embedding('probe', ref, resolved.credentials),
          values: ['ping'],
          maxRetries: 0,
          abortSignal,
          ...(providerOptions && { providerOptions }),
        });
        const width = r.embeddings[0]?.length ?? 0;
        if (width !== opts.embeddingDimensions) {
          const gives = { width, atMost: false };
          results.push({
            model: ref.id,
            kind,
            ok: false,
            latencyMs: Math.round(performance.now() - started),
            error: `Documents cannot be embedded: ${widthMismatch(ref.id, gives, opts.embeddingDimensions)}`,
          });
          continue;
        }
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
  for (const r of results) {
    const target = targets.get(`t:${r.model}`);
    if (r.kind === 'text' && r.ok && target)
      r.structuredOutput = await detectRung(factory, target.ref, resolved, opts.timeoutMs);
  }
  return results;
}
