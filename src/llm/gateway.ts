// The LLM gateway: every generation and embedding in Blogsmith goes through here.
// Per call: resolve the role's chain (workspace settings on top of the environment), look up the
// response cache, check the budget, then run the chain (limiter, breaker, timeout, retries,
// repair, fallback); each upstream request is reported to the recorder (ledger + metrics).
// The steps live in their own files: gateway-core.ts (shared pieces, `prepare`),
// gateway-generate.ts (text and structured output), stream.ts, gateway-embed.ts.
import { createGatewayCore, type LlmGatewayDeps } from './gateway-core.ts';
import { embed } from './gateway-embed.ts';
import { generate } from './gateway-generate.ts';
import { fromCache } from './gateway-response-cache.ts';
import { holdBudget } from './hold-budget.ts';
import { estimatedCallUsage } from './prompt.ts';
import { openStream } from './stream.ts';
import type { LlmGateway, LlmObjectCall, LlmObjectResult, LlmStream } from './types.ts';

export type { LlmGatewayDeps } from './gateway-core.ts';

export function createLlmGateway(deps: LlmGatewayDeps): LlmGateway {
  const core = createGatewayCore(deps);
  const { recorder, fitter, factory, setups } = core;
  return {
    generateText: (call) => generate(core, call),

    async generateObject<T>(call: LlmObjectCall<T>): Promise<LlmObjectResult<T>> {
      return generate(core, call, call.schema, call.schemaName, call.onPartial);
    },

    streamText(call): LlmStream {
      return openStream(call, {
        prepare: () => core.prepare(call),
        cachedResponse: (ctx, key) => core.responses.read(ctx, call, key),
        fromCache,
        storeResponse: (key, value) => core.responses.write(key, value),
        holdBudget: (id, setup, chain) =>
          holdBudget(recorder, id, chain, setup.prices, estimatedCallUsage(call)),
        cost: (setup, ref, usage) => recorder.cost(ref.provider, ref.model, usage, setup.prices),
        chainEnv: core.chainEnv,
        languageModel: (setup, ref) => factory.language(setup.scope, ref, setup.resolved.credentials),
        fitter,
      });
    },

    embed: (texts, options = {}) => embed(core, texts, options),

    async resolved(workspaceId) {
      return (await setups.setupFor(workspaceId)).resolved;
    },

    async contextTokens(role, workspaceId) {
      const setup = await setups.setupFor(workspaceId);
      const sizes = await Promise.all(
        setup.resolved.chains[role].map((ref) => fitter.sizeOf(ref, setup.resolved.credentials, setup.scope)),
      );
      return sizes.length > 0 ? Math.min(...sizes) : 8192;
    },

    invalidateWorkspace(workspaceId) {
      const known = setups.forget(workspaceId);
      if (known && known.scope !== 'env') factory.forget(known.scope);
      recorder.invalidate?.(workspaceId);
    },

    async flush() {
      await core.responses.flush();
      await core.capabilities.flush();
      await recorder.flush();
    },
  };
}
