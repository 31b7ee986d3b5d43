// Servers that report no usage (many local ones, especially in streams): the gateway counts the
// exchange with its tokenizer and marks the usage estimated — never zero, never passed off as reported.
import { countTokens as serverCount } from 'gpt-tokenizer/encoding/cl100k_base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { promptTokens } from '../fakes/openai-server.ts';
import { article, testGateway, useFakeLlmServers } from './support.ts';

const fakes = useFakeLlmServers({ resetRequests: true });
afterEach(() => {
  fakes.compat.quirks = {};
});

const env = () => ({ OPENAI_COMPATIBLE_BASE_URL: fakes.compat.baseUrl, LLM_MODEL: 'compatible:local' });
const answer =
  'Heat pumps move heat from outdoor air into the home, delivering about three units of heat for each unit of electricity they use.';
const prompt = 'Explain in one sentence how an air source heat pump heats a home, for a homeowner.';

/** Within 15 % of what the server itself would have counted (its tokenizer differs from ours). */
function near(estimate: number, truth: number) {
  expect(estimate).toBeGreaterThan(truth * 0.85);
  expect(estimate).toBeLessThan(truth * 1.15 + 4);
}

describe('usage estimated when the server reports none', () => {
  it('plain answers without usage', async () => {
    fakes.compat.quirks = { noUsage: true };
    const { gateway, recorder } = testGateway(env());
    fakes.compat.script({ type: 'answer', text: answer });
    const r = await gateway.generateText({ role: 'writer', system: 'Be brief.', prompt, purpose: article });
    expect(r.usage.estimated).toBe(true);
    near(r.usage.inputTokens, promptTokens(fakes.compat.requests[0]!.body));
    near(r.usage.outputTokens, serverCount(answer));
    expect(recorder.attempts.at(-1)!.usage).toEqual(r.usage);
  });

  it('counts answers that quote special tokens or hold long runs without spaces', async () => {
    fakes.compat.quirks = { noUsage: true };
    const { gateway } = testGateway(env());
    // The tokenizer threw on "<|endoftext|>" (the call failed), and took seconds over a run of
    // 40,000 dashes (its time grows with a run's length squared).
    const quoting = `Models end a document with <|endoftext|>. ${'—'.repeat(40_000)} ${answer}`;
    fakes.compat.script({ type: 'answer', text: quoting });
    const r = await gateway.generateText({ role: 'writer', system: 'Be brief.', prompt, purpose: article });
    expect(r.text).toBe(quoting);
    expect(r.usage.estimated).toBe(true);
    expect(r.usage.outputTokens).toBeGreaterThan(serverCount(answer));
  });

  it('streams without a usage chunk, counting reasoning as output', async () => {
    fakes.compat.quirks = { noStreamUsage: true, reasoningField: 'reasoning_content' };
    const { gateway } = testGateway(env());
    fakes.compat.script({ type: 'answer', text: answer });
    const stream = gateway.streamText({ role: 'writer', prompt, purpose: article });
    let text = '';
    for await (const d of stream) text += d;
    const { usage } = await stream.result;
    expect(text).toBe(answer);
    expect(usage.estimated).toBe(true);
    expect(usage.reasoningTokens).toBeGreaterThan(10);
    near(usage.outputTokens - usage.reasoningTokens!, serverCount(answer));
    near(usage.inputTokens, promptTokens(fakes.compat.requests[0]!.body));
  });

  it('structured answers without usage, on a lower rung too', async () => {
    fakes.compat.quirks = { noUsage: true, rejectJsonSchema: true };
    const { gateway, recorder } = testGateway(env());
    fakes.compat.script({ type: 'answer', json: { questions: ['What?', 'Why?'] } });
    const r = await gateway.generateObject({
      role: 'planner',
      prompt,
      purpose: article,
      schema: z.object({ questions: z.array(z.string()) }),
      schemaName: 'research_plan',
    });
    expect(r.rung).toBe('json_object');
    expect(r.usage.estimated).toBe(true);
    // The estimate covers the prompt as sent, with the schema the json_object rung adds to it.
    near(r.usage.inputTokens, promptTokens(fakes.compat.requests.at(-1)!.body));
    expect(r.usage.outputTokens).toBeGreaterThan(5);
    expect(recorder.attempts.at(-1)!.usage.estimated).toBe(true);
  });

  it('keeps the server’s own counts, unmarked, when it reports them', async () => {
    const { gateway } = testGateway(env());
    fakes.compat.script({ type: 'answer', text: answer, usage: { input: 40, output: 30 } });
    const r = await gateway.generateText({ role: 'writer', prompt, purpose: article });
    expect(r.usage).toEqual({ inputTokens: 40, outputTokens: 30, cachedInputTokens: 0 });
  });
});
