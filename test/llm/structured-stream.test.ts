// A structured answer followed as the model writes it (`onPartial`): the request is streamed, the
// caller sees the object grow value by value on every rung of the ladder, and the result is the
// same validated object a whole answer gives — reasoning kept out, usage estimated when the stream
// has none, a cut stream retried.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { countTokens } from '../../src/llm/token-count.ts';
import { secretReasoning } from '../fakes/scripted-server.ts';
import { article, testGateway, useFakeLlmServers } from './support.ts';

const fakes = useFakeLlmServers({ resetRequests: true });
afterEach(() => {
  fakes.compat.quirks = {};
});

const planSchema = z.object({ questions: z.array(z.string()).min(2) });
const plan = { questions: ['What is a heat pump?', 'Why does it matter?', 'What does one cost?'] };

let n = 0;
const gatewayFor = () =>
  testGateway({ OPENAI_COMPATIBLE_BASE_URL: fakes.compat.baseUrl, LLM_MODEL: `compatible:stream-${++n}` })
    .gateway;

function follow(gateway: ReturnType<typeof gatewayFor>, onPartial?: (partial: unknown) => void) {
  const partials: unknown[] = [];
  const result = gateway.generateObject({
    role: 'planner',
    prompt: 'Plan research on heat pumps',
    purpose: article,
    schema: planSchema,
    schemaName: 'research_plan',
    onPartial: onPartial ?? ((p) => partials.push(structuredClone(p))),
  });
  return { result, partials };
}

const questionsOf = (partials: unknown[]) =>
  partials.map((p) => (p as { questions?: string[] }).questions ?? []);

/** The partial plans grew one value at a time, to the whole plan, each an extension of the one before. */
function expectGrowth(partials: unknown[]) {
  const seen = questionsOf(partials);
  expect(seen.length).toBeGreaterThanOrEqual(plan.questions.length);
  expect(seen.at(-1)).toEqual(plan.questions);
  for (let i = 1; i < seen.length; i++) {
    const [before, now] = [seen[i - 1]!, seen[i]!];
    expect(now.length).toBeGreaterThanOrEqual(before.length);
    // Every question but the one being written is final.
    for (let q = 0; q < before.length - 1; q++) expect(now[q]).toBe(before[q]);
  }
  // The first question was complete while the last was not yet begun.
  expect(seen.some((q) => q.length === 2 && q[0] === plan.questions[0])).toBe(true);
}

describe('structured output followed as it streams', () => {
  it('streams only when followed, and the object grows question by question, reasoning and all kept apart', async () => {
    fakes.compat.quirks = { thinkTags: true, noStreamUsage: true };
    fakes.compat.script({ type: 'answer', json: plan }, { type: 'answer', json: plan });
    const gateway = gatewayFor();
    const whole = await gateway.generateObject({
      role: 'planner',
      prompt: 'Plan research on heat pumps',
      purpose: article,
      schema: planSchema,
    });
    expect(fakes.compat.requests[0]!.body.stream).toBeUndefined();

    const { result, partials } = follow(gateway);
    const r = await result;
    expect(fakes.compat.requests[1]!.body.stream).toBe(true);
    expect(r.object).toEqual(whole.object);
    expect(r.rung).toBe('json_schema');
    expectGrowth(partials);
    expect(JSON.stringify(partials)).not.toContain(secretReasoning);
    // The stream carried no usage: the tokenizer's estimate, the reasoning counted with the answer.
    expect(r.usage.outputTokens).toBeGreaterThan(
      countTokens(JSON.stringify(plan)) + countTokens(secretReasoning),
    );
  });

  it('finds the object after a preamble and a Markdown fence on the plain-text rung', async () => {
    fakes.compat.quirks = { rejectJsonSchema: true, rejectTools: true, fencedJson: true, trailingText: true };
    const prose = { type: 'answer', text: 'I think the plan is fine as it is.' } as const;
    fakes.compat.script(prose, prose, { type: 'answer', json: plan });
    const { result, partials } = follow(gatewayFor());
    const r = await result;
    expect(r.rung).toBe('text');
    expect(r.object).toEqual(plan);
    expectGrowth(partials);
  });

  it('follows the arguments of a forced tool call as they arrive', async () => {
    fakes.compat.quirks = { rejectJsonSchema: true };
    const prose = { type: 'answer', text: 'I think the plan is fine as it is.' } as const;
    fakes.compat.script(prose, prose, { type: 'tool-call', name: 'research_plan', arguments: plan });
    const { result, partials } = follow(gatewayFor());
    const r = await result;
    expect(r.rung).toBe('tool');
    expect(r.object).toEqual(plan);
    expect(fakes.compat.requests.at(-1)!.body.stream).toBe(true);
    expectGrowth(partials);
  });

  it('asks again when the stream is cut; what the cut attempt showed was only a hint', async () => {
    const text = JSON.stringify({ questions: ['An abandoned question?', 'Another one?', 'And'] });
    fakes.compat.script({ type: 'cut', text, afterChunks: 14 }, { type: 'answer', json: plan });
    const { result, partials } = follow(gatewayFor());
    const r = await result;
    expect(r.object).toEqual(plan);
    expect(fakes.compat.requests).toHaveLength(2);
    expect(questionsOf(partials).some((q) => q.includes('An abandoned question?'))).toBe(true);
    expect(questionsOf(partials).at(-1)).toEqual(plan.questions);
  });

  it('asks for the whole answer from a server that will not stream a structured request, keeping the rung, and then asks whole', async () => {
    fakes.compat.quirks = { rejectStreamedStructure: true };
    fakes.compat.script({ type: 'answer', json: plan }, { type: 'answer', json: plan });
    const gateway = gatewayFor();
    for (let call = 0; call < 2; call++) {
      const { result, partials } = follow(gateway);
      const r = await result;
      expect(r.object).toEqual(plan);
      expect(r.rung).toBe('json_schema');
      expect(partials).toEqual([]);
      const whole = fakes.compat.requests.at(-1)!;
      expect(whole.body.stream).toBeUndefined();
      expect((whole.body.response_format as { type: string }).type).toBe('json_schema');
    }
    // Streaming was tried once: the second call asked for the whole answer at once.
    expect(fakes.compat.requests.map((r) => r.body.stream)).toEqual([true, undefined, undefined]);
  });

  it('keeps answering when the one following it throws', async () => {
    fakes.compat.script({ type: 'answer', json: plan });
    let calls = 0;
    const { result } = follow(gatewayFor(), () => {
      calls++;
      throw new Error('a broken follower');
    });
    expect((await result).object).toEqual(plan);
    expect(calls).toBeGreaterThan(1);
  });
});
