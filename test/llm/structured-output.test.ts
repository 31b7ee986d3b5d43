// The structured-output ladder against a server that speaks the real wire protocol and refuses,
// ignores or half-follows response formats: json_schema → json_object (schema in the prompt) →
// forced tool call → plain text with extraction. Answers are validated by zod with one repair round
// that shows the model its error; each model's rung is remembered, in memory and in the store.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { extractJson } from '../../src/llm/json-extract.ts';
import type { RungStore } from '../../src/llm/output-capabilities.ts';
import { LlmUnavailableError } from '../../src/llm/run-chain.ts';
import { metricsRegistry } from '../../src/observability/metrics.ts';
import { article, testGateway, useFakeLlmServers } from './support.ts';

const fakes = useFakeLlmServers({ resetRequests: true });
afterEach(() => {
  fakes.compat.quirks = {};
});

const planSchema = z.object({ questions: z.array(z.string()).min(2) });
const plan = { questions: ['What is it?', 'Why does it matter?'] };

function memoryStore(): RungStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    getMany: async (keys) => keys.map((k) => data.get(k) ?? null),
    setMany: async (entries) => {
      for (const [k, v] of entries) data.set(k, v);
    },
  };
}

// Each test its own model name: capabilities are remembered per server and model.
let n = 0;
function gatewayFor(store?: RungStore, model = `compatible:model-${++n}`) {
  return testGateway(
    { OPENAI_COMPATIBLE_BASE_URL: fakes.compat.baseUrl, LLM_MODEL: model },
    store ? { capabilityStore: store } : {},
  ).gateway;
}

const ask = (gateway: ReturnType<typeof gatewayFor>) =>
  gateway.generateObject({
    role: 'planner',
    prompt: 'Plan research on heat pumps',
    system: 'You are a planner.',
    purpose: article,
    schema: planSchema,
    schemaName: 'research_plan',
  });

const formatOf = (i: number) =>
  (fakes.compat.requests[i]!.body.response_format as { type?: string } | undefined)?.type;
const messagesOf = (i: number) => JSON.stringify(fakes.compat.requests[i]!.body.messages);

async function rungMetric(rung: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('llm_structured_output_total')?.get();
  return (metric?.values ?? []).filter((v) => v.labels.rung === rung).reduce((sum, v) => sum + v.value, 0);
}

describe('structured output ladder', () => {
  it('uses json_schema when the server supports it, reading a fenced answer after a preamble', async () => {
    fakes.compat.quirks = { fencedJson: true, trailingText: true };
    fakes.compat.script({ type: 'answer', json: plan });
    const r = await ask(gatewayFor());
    expect(r.object).toEqual(plan);
    expect(r.rung).toBe('json_schema');
    expect(fakes.compat.requests).toHaveLength(1);
    expect(formatOf(0)).toBe('json_schema');
  });

  it('steps down to json_object with the schema in the prompt when json_schema is refused, and remembers it', async () => {
    const store = memoryStore();
    const before = await rungMetric('json_object');
    fakes.compat.quirks = { rejectJsonSchema: true };
    fakes.compat.script({ type: 'answer', json: plan }, { type: 'answer', json: plan });
    const gateway = gatewayFor(store, 'compatible:llamacpp-model');
    const first = await ask(gateway);
    expect(first.object).toEqual(plan);
    expect(first.rung).toBe('json_object');
    expect(fakes.compat.requests.map((_, i) => formatOf(i))).toEqual(['json_schema', 'json_object']);
    expect(messagesOf(1)).toContain('matches this JSON Schema');
    expect(messagesOf(1)).toContain('questions');
    expect(await rungMetric('json_object')).toBe(before + 1);

    // Not rediscovered: the next call asks json_object straight away.
    const second = await ask(gateway);
    expect(second.rung).toBe('json_object');
    expect(fakes.compat.requests).toHaveLength(3);
    expect(formatOf(2)).toBe('json_object');

    // Another process with the same store (another worker, a restart) starts where this one ended.
    await gateway.flush();
    expect([...store.data.values()]).toEqual(['json_object']);
    fakes.compat.script({ type: 'answer', json: plan });
    const third = await ask(gatewayFor(store, 'compatible:llamacpp-model'));
    expect(third.rung).toBe('json_object');
    expect(fakes.compat.requests).toHaveLength(4);
    expect(formatOf(3)).toBe('json_object');
  });

  it('repairs an invalid answer once, showing the model its validation error', async () => {
    fakes.compat.script(
      { type: 'answer', json: { questions: ['only one'] } },
      { type: 'answer', json: plan },
    );
    const r = await ask(gatewayFor());
    expect(r.object).toEqual(plan);
    expect(r.rung).toBe('json_schema');
    expect(fakes.compat.requests).toHaveLength(2);
    const repair = messagesOf(1);
    expect(repair).toContain('not valid');
    expect(repair).toContain('questions');
    expect(repair).toMatch(/too small|at least|>=2/i);
  });

  it('detects a server that ignores response_format: prose, failed repair, then json_object works', async () => {
    fakes.compat.script(
      { type: 'answer', text: 'Sure! A good plan would look at costs first.' },
      { type: 'answer', text: 'Of course, here is the plan again: costs, then benefits.' },
      { type: 'answer', json: plan },
    );
    const r = await ask(gatewayFor());
    expect(r.rung).toBe('json_object');
    expect(r.object).toEqual(plan);
    expect(messagesOf(1)).toContain('no valid JSON');
    expect(formatOf(2)).toBe('json_object');
    expect(messagesOf(2)).not.toContain('Sure! A good plan'); // a fresh start at the new rung
  });

  it('falls to a forced tool call, then to plain text with extraction', async () => {
    fakes.compat.quirks = { rejectJsonSchema: true };
    const prose = { type: 'answer', text: 'I think the plan is fine as it is.' } as const;
    fakes.compat.script(prose, prose, { type: 'tool-call', name: 'research_plan', arguments: plan });
    const gateway = gatewayFor();
    const viaTool = await ask(gateway);
    expect(viaTool.rung).toBe('tool');
    expect(viaTool.object).toEqual(plan);
    const toolRequest = fakes.compat.requests.at(-1)!.body;
    expect(toolRequest.tool_choice).toEqual({ type: 'function', function: { name: 'research_plan' } });

    fakes.compat.requests.length = 0;
    const textModel = gatewayFor();
    fakes.compat.quirks = { rejectJsonSchema: true, rejectTools: true, fencedJson: true, trailingText: true };
    fakes.compat.script(prose, prose, { type: 'answer', json: plan });
    const viaText = await ask(textModel);
    expect(viaText.rung).toBe('text');
    expect(viaText.object).toEqual(plan);
    const last = fakes.compat.requests.at(-1)!.body;
    expect(last.response_format).toBeUndefined();
    expect(last.tools).toBeUndefined();
    expect(JSON.stringify(last.messages)).toContain('matches this JSON Schema');
  });

  it('gives up on the model (and the chain) when even plain text never validates', async () => {
    fakes.compat.quirks = { rejectJsonSchema: true, rejectTools: true };
    fakes.compat.fallback = { type: 'answer', text: 'No JSON from me, ever.' };
    try {
      await expect(ask(gatewayFor())).rejects.toBeInstanceOf(LlmUnavailableError);
    } finally {
      fakes.compat.fallback = { type: 'answer', text: 'ok' };
    }
    // json_schema refused, json_object + repair, tool refused, text + repair.
    expect(fakes.compat.requests).toHaveLength(6);
  });
});

describe('extractJson', () => {
  it.each([
    ['plain JSON', '{"a":1}', { a: 1 }],
    ['a fence after a preamble', 'Here you go:\n```json\n{"a": [1, 2]}\n```\nEnjoy!', { a: [1, 2] }],
    ['an unlabelled fence', '```\n{"a":true}\n```', { a: true }],
    ['trailing text', '{"a":"x}"} I hope this helps {not json}', { a: 'x}' }],
    ['a preamble without fence', 'Sure! {"b": {"c": [1]}} done', { b: { c: [1] } }],
    ['a think block first', '<think>{"wrong": true}</think>\n{"right": true}', { right: true }],
    ['an array', 'Result: [1, 2, 3].', [1, 2, 3]],
  ])('finds %s', (_name, text, value) => {
    expect(extractJson(text)).toEqual({ ok: true, value });
  });

  it.each(['', 'no json here', '{"a": '])('reports %j as no JSON', (text) => {
    expect(extractJson(text).ok).toBe(false);
  });

  it('reads answers of brackets or think tags that never close in linear time', () => {
    // Each `{` was read to the end of the answer, and each `<think>` searched for its close: 40 kB
    // took 4 s, these megabytes hours.
    expect(extractJson('{'.repeat(1_000_000))).toEqual({
      ok: false,
      error: expect.stringContaining('too many that do not close'),
    });
    expect(extractJson(`Note [1, [2 {x ${'[1'.repeat(500_000)}`).ok).toBe(false);
    expect(extractJson(`</think>${'<think>'.repeat(150_000)}{"a":1}`)).toEqual({ ok: true, value: { a: 1 } });
    expect(extractJson(`</think> {"a": 1} ${'<think>'.repeat(150_000)}`)).toEqual({
      ok: true,
      value: { a: 1 },
    });
    // A few unclosed brackets in the prose before the answer are passed over.
    expect(extractJson(`Plan: {draft [outline ${'words '.repeat(20_000)} {"a": 2}`)).toEqual({
      ok: true,
      value: { a: 2 },
    });
  });
});
