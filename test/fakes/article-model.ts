// A fake writer model for pipeline tests and benchmarks, behind the fake OpenAI server: it reads the
// pipeline's prompts (structured-output schema name, or the task sentence) and answers each in the
// expected shape, building its text from the quoted sources so citations are genuinely supported.
// Like a naive real model, it obeys an instruction planted in the prompt — but only when that
// instruction appears outside <source> quoting, which is what the prompt-injection test checks.
import { askedLanguage, type FakePhrases, fakePhrases } from './article-model-languages.ts';
import type { Behaviour, FakeUsage, ReceivedRequest, ServerQuirks } from './scripted-server.ts';

export interface ArticleModelOptions {
  /** Claims containing this text are judged unsupported by the fact check. */
  unsupportedMarker?: string;
  /** The reviser writes this in place of the marker; without it, it drops the marker's sentences. */
  reviseMarkerTo?: string;
  /** Pause between streamed chunks, ms (benchmarks use it for a fixed per-token latency). */
  chunkDelayMs?: number;
  /** Characters per streamed chunk. */
  chunkSize?: number;
  /** Counts tokens of a text (default: about 4 characters per token). */
  countTokens?: (text: string) => number;
  /** Delay before non-streamed answers, ms. */
  delayMs?: number;
  /**
   * A fixed generation latency per output token (benchmarks): streamed answers send about one token
   * per chunk with this pause, non-streamed ones wait tokens × this before answering.
   */
  perTokenMs?: number;
  /** The server's quirks (the same object the fake server mutates): which response formats it honours. */
  quirks?: ServerQuirks;
}

/**
 * Which structured answer the request asks for: the json_schema response format's name (unless the
 * server ignores response formats), a forced tool's name, or a schema described in the prompt.
 */
function structuredAsk(
  req: ReceivedRequest,
  allText: string,
  quirks: ServerQuirks,
): { name: string; via: 'format' | 'tool' | 'prompt' } | undefined {
  const format = req.body.response_format as { type?: string; json_schema?: { name?: string } } | undefined;
  if (!quirks.ignoreResponseFormat && format?.type === 'json_schema' && format.json_schema?.name)
    return { name: format.json_schema.name, via: 'format' };
  const tools = req.body.tools as Array<{ function?: { name?: string } }> | undefined;
  const forced = (req.body.tool_choice as { function?: { name?: string } } | undefined)?.function?.name;
  const toolName = forced ?? tools?.[0]?.function?.name;
  if (toolName) return { name: toolName, via: 'tool' };
  const inPrompt = /JSON object \(a "([a-z_]+)"\) that matches this JSON Schema/.exec(allText)?.[1];
  if (inPrompt) return { name: inPrompt, via: 'prompt' };
  return undefined;
}

export const injectionMarker = 'IGNORE ALL PREVIOUS INSTRUCTIONS';
export const injectionPayload = 'PWNED-BY-INJECTION';

interface QuotedSource {
  n: number;
  title: string;
  text: string;
}

function messagesOf(req: ReceivedRequest): Array<{ role: string; content: string }> {
  const raw = (req.body.messages as Array<{ role: string; content: unknown }> | undefined) ?? [];
  return raw.map((m) => ({
    role: m.role,
    content:
      typeof m.content === 'string'
        ? m.content
        : Array.isArray(m.content)
          ? (m.content as Array<{ text?: string }>).map((p) => p.text ?? '').join('')
          : '',
  }));
}

export function quotedSources(prompt: string): QuotedSource[] {
  const out: QuotedSource[] = [];
  for (const m of prompt.matchAll(/<source n="(\d+)" title="([^"]*)">\n([\s\S]*?)\n<\/source>/g)) {
    out.push({ n: Number(m[1]), title: m[2] ?? '', text: m[3] ?? '' });
  }
  return out;
}

const outsideSources = (prompt: string) =>
  prompt.replace(/<source n="\d+"[^>]*>[\s\S]*?<\/source>/g, '').replace(/<samples>[\s\S]*?<\/samples>/g, '');

/**
 * The markers of an integration guide's samples a section prompt offers. The fake places them as
 * a model does, imperfectly: the last of several is forgotten (the pipeline must still place it),
 * the second spelled loosely; and it writes a code block of its own, which the pipeline removes.
 */
function withSamples(prompt: string, text: string): string {
  const offered = /<samples>\n([\s\S]*?)\n<\/samples>/.exec(prompt)?.[1];
  if (!offered) return text;
  const ids = [...offered.matchAll(/^\{\{sample:(S\d+)\}\}:/gm)].map((m) => m[1]!);
  const placed = ids.length > 1 ? ids.slice(0, -1) : ids;
  const markers = placed.map((id, i) => (i === 1 ? `{{ Sample: ${id.toLowerCase()} }}` : `{{sample:${id}}}`));
  const [first, ...rest] = text.split('\n\n');
  const invented = "```js\nfetch('https://invented.example/api', { method: 'POST' });\n```";
  return [first, 'Here is how the request looks:', ...markers, invented, ...rest].join('\n\n');
}

// Japanese and Chinese write no spaces: a sentence of theirs is long enough by its characters.
const unspaced = /[\u3040-\u30ff\u4e00-\u9fff]/;
const wordsIn = (text: string) => (unspaced.test(text) ? Math.ceil(text.length / 2) : text.split(' ').length);

function sentencesOf(text: string): string[] {
  return (text.replace(/\s+/g, ' ').match(/[^.!?。！？]+[.!?。！？]+/g) ?? [])
    .map((s) => s.trim())
    .filter((s) => wordsIn(s) >= 5 && !s.includes(injectionMarker));
}

function wordTarget(prompt: string, fallback: number) {
  const m = /about (\d+) words/.exec(prompt);
  return m ? Number(m[1]) : fallback;
}

// How models really cite when not told firmly enough (the fake cycles through them).
const citationSpellings = [
  (n: number) => ` 【${n}】`,
  (n: number) => ` (Source ${n})`,
  (n: number) => `^${n}`,
  (n: number) => ` [${n}, ${n}]`,
  (n: number) => ` [${n}-${n}]`,
  (n: number) => ` [Source ${n}]`,
];

function sectionText(prompt: string, phrases: FakePhrases, spellings = false): string {
  const sources = quotedSources(prompt);
  const target = wordTarget(prompt, 200);
  const heading = /section \d+, "([^"]+)"/.exec(prompt)?.[1] ?? 'this topic';
  const paragraphs: string[] = [];
  let words = 0;
  if (sources.length === 0) {
    let i = 0;
    while (words < target) {
      const p = phrases.noSourceParagraph(heading, ++i);
      paragraphs.push(p);
      words += wordsIn(p);
    }
    return paragraphs.join('\n\n');
  }
  const pools = sources.map((s) => ({ n: s.n, sentences: sentencesOf(s.text) }));
  let round = 0;
  while (words < target && round < 50) {
    const lines: string[] = [];
    for (const pool of pools) {
      const sentence = pool.sentences[round % Math.max(1, pool.sentences.length)];
      if (!sentence) continue;
      const k = lines.length + round;
      const cite = spellings ? citationSpellings[k % citationSpellings.length]!(pool.n) : ` [${pool.n}]`;
      lines.push(`${sentence.replace(/[.!?。！？]+$/, '')}${cite}${phrases.stop}`);
    }
    if (lines.length === 0) break;
    // A citation of a source the section was never given (a hallucinated number).
    if (spellings && round === 0) lines.push(`Experts agree on this point 【${sources.length + 7}】.`);
    const p = lines.join(' ');
    paragraphs.push(p);
    words += wordsIn(p);
    round++;
  }
  return paragraphs.join('\n\n');
}

function plainPart(prompt: string, kind: 'introduction' | 'conclusion', phrases: FakePhrases): string {
  const title = /^Article: (.*)$/m.exec(prompt)?.[1] ?? 'this subject';
  const phrase = /use the phrase "([^"]+)"/.exec(prompt)?.[1];
  return kind === 'introduction' ? phrases.intro(title, phrase) : phrases.conclusion(title);
}

/**
 * The sources a section of the fake outline may cite: two neighbours in the list, as a model picks
 * the closest ones; when the list is longer than that covers, the rest are dealt out in turn, as a
 * model asked to plan from every source would, so no source is left unused.
 */
function sectionSourceIds(numbers: number[], i: number, sections: number): number[] {
  if (numbers.length === 0) return [];
  const near = [numbers[i % numbers.length]!, numbers[(i + 1) % numbers.length]!];
  const rest = numbers.slice(sections + 1).filter((_, k) => (k + sections + 1) % sections === i);
  return [...new Set([...near, ...rest])];
}

function structured(name: string, prompt: string, opts: ArticleModelOptions, phrases: FakePhrases): unknown {
  switch (name) {
    case 'research_plan': {
      const topic = /^Topic: (.*)$/m.exec(prompt)?.[1] ?? 'the topic';
      return { questions: phrases.questions(topic) };
    }
    case 'article_outline': {
      const topic = /^Topic: (.*)$/m.exec(prompt)?.[1] ?? 'the topic';
      const count = Number(/and (\d+) body sections/.exec(prompt)?.[1] ?? 4);
      const numbers = quotedSources(prompt).map((s) => s.n);
      // As a model that keeps to the rule: only the request's own lines, never a quoted source's.
      const request = outsideSources(prompt);
      const asked = [...request.matchAll(/^- (.+)$/gm)].map((m) => m[1]!);
      const headings = asked.length > 0 && /exactly these section headings/.test(request) ? asked : [];
      const { aspects } = phrases;
      return {
        title: phrases.guideTitle(topic),
        sections: Array.from({ length: count }, (_, i) => ({
          heading: headings[i] ?? phrases.sectionHeading(aspects[i % aspects.length]!, topic),
          goal: phrases.goal(aspects[i % aspects.length]!),
          keyPoints: [phrases.keyPoint(topic)],
          sourceIds: sectionSourceIds(numbers, i, count),
        })),
        faq: phrases.faq(topic),
      };
    }
    case 'faq': {
      const questions = [...prompt.matchAll(/^- (.+)$/gm)].map((m) => m[1]!);
      return {
        items: questions.map((q) => ({
          question: q,
          answer: phrases.faqAnswer,
        })),
      };
    }
    case 'fact_check': {
      const text = /<text>\n([\s\S]*?)\n<\/text>/.exec(prompt)?.[1] ?? '';
      const claims = (text.match(/[^.!?。\n]+\[\d+(?:,\s*\d+)*\][.!?。]/g) ?? [])
        .slice(0, 8)
        .map((sentence) => {
          const sources = [...sentence.matchAll(/\d+/g)]
            .map((m) => Number(m[0]))
            .filter((n) => n < 1000)
            .slice(-1);
          const claim = sentence.replace(/\s*\[[\d,\s]+\]/g, '').trim();
          const bad = opts.unsupportedMarker !== undefined && claim.includes(opts.unsupportedMarker);
          return { claim, sources, verdict: bad ? 'unsupported' : 'supported' };
        });
      return { claims };
    }
    case 'citation_verdicts': {
      const items = [...prompt.matchAll(/^\((\d+)\) "/gm)].map((m) => Number(m[1]));
      return { verdicts: items.map((i) => ({ i, supported: true, score: 0.9 })) };
    }
    case 'seo_meta': {
      const title = /^Title: (.*)$/m.exec(prompt)?.[1] ?? 'Article';
      const keywords = /Keywords to use \(keep them, primary first\): (.*)$/m
        .exec(prompt)?.[1]
        ?.split(', ') ?? ['guide'];
      const metaTitle = title.length > 58 ? title.slice(0, 58) : title.padEnd(32, '.');
      return {
        metaTitle,
        metaDescription: phrases.metaDescription(keywords[0] ?? ''),
        keywords,
      };
    }
    default:
      return {};
  }
}

function revise(prompt: string, opts: ArticleModelOptions): string {
  const text = /<text>\n([\s\S]*?)\n<\/text>/.exec(prompt)?.[1] ?? '';
  if (!opts.unsupportedMarker) return text;
  const marker = opts.unsupportedMarker;
  if (opts.reviseMarkerTo !== undefined) return text.replaceAll(marker, opts.reviseMarkerTo);
  return text
    .split('\n\n')
    .map((p) =>
      (p.match(/[^.!?]+[.!?]+(?:\s*\[[\d,\s]+\])?/g) ?? [p])
        .filter((s) => !s.includes(marker))
        .join('')
        .trim(),
    )
    .join('\n\n');
}

export function articleModelResponder(opts: ArticleModelOptions = {}) {
  const count = opts.countTokens ?? ((t: string) => Math.max(1, Math.ceil(t.length / 4)));
  return (req: ReceivedRequest): Behaviour | undefined => {
    if (req.path !== '/v1/chat/completions') return undefined;
    const messages = messagesOf(req);
    const phrases =
      fakePhrases[
        askedLanguage(
          messages
            .filter((m) => m.role === 'system')
            .map((m) => m.content)
            .join('\n'),
        )
      ];
    const prompt = messages
      .filter((m) => m.role !== 'system')
      .map((m) => m.content)
      .join('\n');
    const input = count(messages.map((m) => m.content).join('\n'));
    const usage = (text: string): FakeUsage => ({ input, output: count(text), cached: 0 });
    const pacing = {
      ...(opts.chunkDelayMs ? { chunkDelayMs: opts.chunkDelayMs } : {}),
      ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}),
      ...(opts.delayMs ? { delayMs: opts.delayMs } : {}),
    };
    const ask = structuredAsk(req, messages.map((m) => m.content).join('\n'), opts.quirks ?? {});
    if (ask) {
      const json = structured(ask.name, prompt, opts, phrases);
      const answer = usage(JSON.stringify(json));
      if (ask.via === 'tool') return { type: 'tool-call', name: ask.name, arguments: json, usage: answer };
      const text = JSON.stringify(json);
      // Streamed, the object arrives about a token at a time, as from a real server; whole, after
      // them all. Either way it takes its tokens × perTokenMs.
      const size = Math.max(1, Math.round(text.length / answer.output));
      const wait = !opts.perTokenMs
        ? {}
        : req.body.stream === true
          ? {
              chunkSize: size,
              chunkDelayMs: (answer.output * opts.perTokenMs) / Math.ceil(text.length / size),
            }
          : { delayMs: Math.round(answer.output * opts.perTokenMs) };
      return { type: 'answer', json, usage: answer, ...pacing, ...wait };
    }
    if (req.body.response_format) {
      // Asked for JSON but told nothing about its shape (a server that ignores response formats):
      // a chatty model answers in prose.
      const text =
        'Sure! Here is what I would suggest: start with the basics, then look at costs and benefits.';
      return { type: 'answer', text, usage: usage(text), ...pacing };
    }
    let text: string;
    if (outsideSources(prompt).includes(injectionMarker)) text = injectionPayload;
    else if (prompt.includes('Write the body of section'))
      text = withSamples(prompt, sectionText(prompt, phrases, opts.quirks?.citationSpellings));
    else if (prompt.includes('Write the introduction')) text = plainPart(prompt, 'introduction', phrases);
    else if (prompt.includes('Write the conclusion')) text = plainPart(prompt, 'conclusion', phrases);
    else if (prompt.includes('A fact check found problems')) text = revise(prompt, opts);
    else return undefined;
    const paced = opts.perTokenMs
      ? { chunkDelayMs: opts.perTokenMs, chunkSize: Math.max(1, Math.round(text.length / count(text))) }
      : {};
    return { type: 'answer', text, usage: usage(text), ...pacing, ...paced };
  };
}
