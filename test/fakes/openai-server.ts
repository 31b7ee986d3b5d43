// A fake OpenAI-compatible server for tests: /v1/chat/completions (plain and SSE streaming with
// the final usage chunk when `stream_options.include_usage`), json_schema response formats, tool
// calls, and /v1/embeddings. Scripted per test; see scripted-server.ts.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  answerText,
  type Behaviour,
  chunk,
  defaultUsage,
  type FakeServer,
  type FakeUsage,
  type ReceivedRequest,
  sendJson,
  startScriptedServer,
  writeStream,
} from './scripted-server.ts';

const usageJson = (u: FakeUsage) => ({
  prompt_tokens: u.input,
  completion_tokens: u.output,
  total_tokens: u.input + u.output,
  prompt_tokens_details: { cached_tokens: u.cached ?? 0 },
});

const sse = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

function usageOf(b: Behaviour): FakeUsage {
  return ('usage' in b && b.usage) || defaultUsage;
}

async function chatCompletions(req: ReceivedRequest, b: Behaviour, res: ServerResponse) {
  const model = String(req.body.model ?? 'fake');
  const id = `chatcmpl-${req.at}`;
  const created = Math.floor(req.at / 1000);
  const usage = usageOf(b);
  const text = b.type === 'answer' ? answerText(b) : b.type === 'cut' ? b.text : '';
  const toolCall =
    b.type === 'tool-call'
      ? { id: 'call_1', type: 'function', function: { name: b.name, arguments: JSON.stringify(b.arguments) } }
      : undefined;

  if (req.body.stream !== true) {
    return sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: toolCall ? null : text,
            ...(toolCall && { tool_calls: [toolCall] }),
          },
          finish_reason: toolCall ? 'tool_calls' : 'stop',
        },
      ],
      usage: usageJson(usage),
    });
  }

  const base = { id, object: 'chat.completion.chunk', created, model };
  const includeUsage = (req.body.stream_options as { include_usage?: boolean } | undefined)?.include_usage;
  const deltas = toolCall
    ? [
        sse({
          ...base,
          choices: [{ index: 0, delta: { tool_calls: [{ index: 0, ...toolCall }] }, finish_reason: null }],
        }),
      ]
    : chunk(text, b.type === 'answer' ? b.chunkSize : undefined).map((c) =>
        sse({ ...base, choices: [{ index: 0, delta: { content: c }, finish_reason: null }] }),
      );
  await writeStream(res, b, {
    head: [
      sse({
        ...base,
        choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      }),
    ],
    deltas,
    tail: [
      sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: toolCall ? 'tool_calls' : 'stop' }] }),
      ...(includeUsage ? [sse({ ...base, choices: [], usage: usageJson(usage) })] : []),
      'data: [DONE]\n\n',
    ],
  });
}

/** Deterministic 8-dimensional vector for a text, so tests can compare results. */
export function fakeVector(text: string): number[] {
  const digest = createHash('sha256').update(text).digest();
  return Array.from({ length: 8 }, (_, i) => (digest[i] ?? 0) / 255);
}

function embeddings(req: ReceivedRequest, b: Behaviour, res: ServerResponse) {
  const input = req.body.input;
  const texts = Array.isArray(input) ? (input as string[]) : [String(input)];
  const tokens =
    'usage' in b && b.usage ? b.usage.input : texts.reduce((n, t) => n + t.split(/\s+/).length, 0);
  sendJson(res, 200, {
    object: 'list',
    model: req.body.model,
    data: texts.map((t, index) => ({ object: 'embedding', index, embedding: fakeVector(t) })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

export function startOpenAiServer(): Promise<FakeServer> {
  return startScriptedServer(
    { '/v1/chat/completions': chatCompletions, '/v1/embeddings': embeddings },
    (b) => ({
      error: {
        message: b.message ?? `fake error ${b.status}`,
        type: b.status === 429 ? 'rate_limit_exceeded' : 'server_error',
        code: b.code ?? null,
      },
    }),
  );
}
