// A fake model for dzhng/deep-research behind the fake OpenAI server: it recognises the agent's
// structured calls by their JSON schema's properties (follow-up questions, SERP queries, learnings,
// final report, exact answer) and answers each as its prompt asks, from the quoted contents, so the
// report's facts are genuinely taken from the pages the agent read. Answers are not streamed (the
// agent calls generateObject): each waits output tokens × perTokenMs, as a model would.
import type { Behaviour, ReceivedRequest } from './scripted-server.ts';

export interface DeepResearchModelOptions {
  perTokenMs: number;
  countTokens: (text: string) => number;
  /** Words of the final report (its prompt asks for "3 or more pages"). */
  reportWords: number;
}

type Schema = { properties?: Record<string, { description?: string }> };

function promptOf(req: ReceivedRequest): string {
  const messages = (req.body.messages as Array<{ role: string; content: unknown }> | undefined) ?? [];
  return messages
    .filter((m) => m.role !== 'system')
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
    .join('\n');
}

/** "max of N" / "maximum of N" in the text, or the fallback. */
const maxOf = (text: string | undefined, fallback: number) =>
  Number(/max(?:imum)? of (\d+)/.exec(text ?? '')?.[1] ?? fallback);

const between = (text: string, tag: string) =>
  [...text.matchAll(new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`, 'g'))].map((m) => m[1]!.trim());

const sentences = (text: string) =>
  (text.replace(/^#.*$/gm, '').match(/[^.!?\n]+[.!?]/g) ?? []).map((s) => s.trim()).filter(Boolean);

/** The topic line a query was asked about (the first line of the user's prompt). */
function topicOf(prompt: string): string {
  const asked = between(prompt, 'prompt')[0] ?? between(prompt, 'query')[0] ?? prompt;
  const first = asked
    .split('\n')
    .map((l) => l.replace(/^(Initial Query|Previous research goal|Q|A):\s*/, '').trim())
    .find(Boolean);
  return first ?? 'the topic';
}

const angles = ['costs and savings', 'getting started', 'performance in practice', 'common mistakes'];

function answer(kind: string, prompt: string, schema: Schema, reportWords: number): unknown {
  const topic = topicOf(prompt);
  switch (kind) {
    case 'questions': {
      const n = maxOf(prompt, 3);
      return { questions: angles.slice(0, n).map((a) => `Which matters most to you about ${topic}: ${a}?`) };
    }
    case 'queries': {
      const n = maxOf(prompt, 3);
      const asked = between(prompt, 'prompt')[0] ?? prompt;
      const followUps = /Follow-up research directions:([\s\S]*)/
        .exec(asked)?.[1]
        ?.split('\n')
        .filter((l) => l.trim());
      return {
        queries: Array.from({ length: n }, (_, i) => ({
          query: followUps?.[i]?.trim() ?? `${topic} ${angles[i % angles.length]}`,
          researchGoal: `Find figures on ${angles[i % angles.length]} for ${topic}, then look for studies that confirm them.`,
        })),
      };
    }
    case 'learnings': {
      const n = maxOf(/Return a maximum of (\d+) learnings/.exec(prompt)?.[0], 3);
      const follow = maxOf(schema.properties?.followUpQuestions?.description, 3);
      // A learning per content, its most specific sentence (the one with a number in it).
      const learnings = between(prompt, 'content')
        .slice(0, n)
        .map((c) => sentences(c).find((s) => /\d/.test(s)) ?? sentences(c)[0])
        .filter((s): s is string => !!s);
      return {
        learnings,
        followUpQuestions: Array.from(
          { length: follow },
          (_, i) => `How do ${topic} compare on ${angles[(i + 1) % angles.length]}?`,
        ),
      };
    }
    case 'report': {
      const learnings = between(prompt, 'learning');
      const paragraphs = [`# ${topic}`];
      let words = 0;
      // Every learning, each explained, until the report reaches its length.
      for (let round = 0; words < reportWords && learnings.length > 0 && round < 50; round++) {
        for (const l of learnings) {
          const p = `${l} ${round === 0 ? 'This finding' : 'Read together with the other findings, it'} shows how much the details of ${topic} matter for the outcome a household sees.`;
          paragraphs.push(p);
          words += p.split(' ').length;
          if (words >= reportWords) break;
        }
      }
      return { reportMarkdown: paragraphs.join('\n\n') };
    }
    case 'exact':
      return { exactAnswer: between(prompt, 'learning')[0] ?? 'No answer.' };
    default:
      return undefined;
  }
}

function kindOf(schema: Schema): string | undefined {
  const keys = Object.keys(schema.properties ?? {});
  if (keys.includes('reportMarkdown')) return 'report';
  if (keys.includes('exactAnswer')) return 'exact';
  if (keys.includes('learnings')) return 'learnings';
  if (keys.includes('queries')) return 'queries';
  if (keys.includes('questions')) return 'questions';
  return undefined;
}

/** Answers deep-research's structured calls; leaves anything else to the next responder. */
export function deepResearchModelResponder(opts: DeepResearchModelOptions) {
  return (req: ReceivedRequest): Behaviour | undefined => {
    if (req.path !== '/v1/chat/completions') return undefined;
    const format = req.body.response_format as
      | { type?: string; json_schema?: { name?: string; schema?: Schema } }
      | undefined;
    // The AI SDK names an unnamed schema "response"; Blogsmith names each of its own.
    const unnamed = (format?.json_schema?.name ?? 'response') === 'response';
    const schema = format?.type === 'json_schema' && unnamed ? format.json_schema?.schema : undefined;
    const kind = schema && kindOf(schema);
    if (!schema || !kind) return undefined;
    const prompt = promptOf(req);
    const json = answer(kind, prompt, schema, opts.reportWords);
    if (json === undefined) return undefined;
    const messages = (req.body.messages as Array<{ content: unknown }> | undefined) ?? [];
    const input = opts.countTokens(messages.map((m) => String(m.content)).join('\n'));
    const output = opts.countTokens(JSON.stringify(json));
    return {
      type: 'answer',
      json,
      usage: { input, output, cached: 0 },
      delayMs: Math.round(output * opts.perTokenMs),
    };
  };
}
