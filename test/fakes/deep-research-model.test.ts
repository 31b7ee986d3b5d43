import { describe, expect, it } from 'vitest';
import { deepResearchModelResponder } from './deep-research-model.ts';
import { pageMarkdown, pagesMentioned, webPages } from './fake-web.ts';
import type { ReceivedRequest } from './scripted-server.ts';

const model = deepResearchModelResponder({
  perTokenMs: 5,
  countTokens: (t) => Math.ceil(t.length / 4),
  reportWords: 300,
});

// The request the agent's generateObject sends: the AI SDK names an unnamed schema "response".
function ask(prompt: string, properties: Record<string, { description?: string }>, name = 'response') {
  const req: ReceivedRequest = {
    method: 'POST',
    path: '/v1/chat/completions',
    headers: {},
    at: 0,
    body: {
      messages: [
        { role: 'system', content: 'You are an expert researcher.' },
        { role: 'user', content: prompt },
      ],
      response_format: { type: 'json_schema', json_schema: { name, schema: { type: 'object', properties } } },
    },
  };
  const b = model(req);
  if (b?.type !== 'answer') return undefined;
  return { json: b.json as Record<string, unknown>, delayMs: b.delayMs ?? 0, output: b.usage?.output ?? 0 };
}

describe('fake deep-research model', () => {
  it('writes at most the asked number of SERP queries, from the follow-up directions when given', () => {
    const first = ask('Return a maximum of 2 queries: <prompt>heat pumps for family homes</prompt>', {
      queries: {},
    })!;
    expect((first.json.queries as unknown[]).length).toBe(2);
    expect(first.delayMs).toBe(first.output * 5);
    const deeper = ask(
      'Return a maximum of 2 queries: <prompt>Previous research goal: costs\nFollow-up research directions: \nHow loud are they?\nWhat do they cost?</prompt>',
      { queries: {} },
    )!;
    expect((deeper.json.queries as Array<{ query: string }>).map((q) => q.query)).toEqual([
      'How loud are they?',
      'What do they cost?',
    ]);
  });

  it("takes each learning from a content's specific sentence, and the report keeps every learning", () => {
    const contents = webPages.slice(0, 4).map((p) => `<content>\n${pageMarkdown(p)}\n</content>`);
    const learned = ask(
      `<query>heat pumps</query>. Return a maximum of 3 learnings.\n\n<contents>${contents.join('\n')}</contents>`,
      { learnings: {}, followUpQuestions: { description: 'List of follow-up questions, max of 2' } },
    )!;
    const learnings = learned.json.learnings as string[];
    expect(learnings).toHaveLength(3);
    expect(pagesMentioned(learnings.join(' ')).size).toBe(3);
    expect(learned.json.followUpQuestions).toHaveLength(2);
    const report = ask(
      `<prompt>heat pumps</prompt>\n\n<learnings>\n${learnings.map((l) => `<learning>\n${l}\n</learning>`).join('\n')}\n</learnings>`,
      { reportMarkdown: {} },
    )!.json.reportMarkdown as string;
    expect(pagesMentioned(report).size).toBe(3);
    expect(report.split(/\s+/).length).toBeGreaterThanOrEqual(300);
  });

  it("leaves Blogsmith's named schemas to the writer model", () => {
    expect(ask('Topic: heat pumps', { questions: {} }, 'research_plan')).toBeUndefined();
  });
});
