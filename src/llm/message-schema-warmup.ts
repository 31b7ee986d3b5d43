// The AI SDK checks every call's messages against `z.array(modelMessageSchema)`, a new array schema
// per call. Zod's first parse of a schema instance walks its subtree to learn whether it can recurse,
// and keeps the answer only where it is certain: the JSON value schema under `providerOptions` is a
// `z.lazy` that stays unresolved until some message carries provider options, so every call walked
// the whole message schema again (~45 µs of CPU a call, measured in bench/RESULTS.md). One parse of a
// message with nested provider options resolves that lazy, and later walks stop at the cached answer.
import { modelMessageSchema } from 'ai';

let resolved = false;

export function resolveMessageSchemaOnce(): void {
  if (resolved) return;
  resolved = true;
  modelMessageSchema.safeParse({
    role: 'user',
    content: 'warm-up',
    providerOptions: { warmup: { nested: [1, { value: 'x' }] } },
  });
}
