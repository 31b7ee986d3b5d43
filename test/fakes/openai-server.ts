// A fake OpenAI-compatible server for tests: /v1/chat/completions (plain and SSE streaming with
// the final usage chunk when `stream_options.include_usage`), json_schema response formats, tool
// calls, and /v1/embeddings. Scripted per test; see scripted-server.ts. Its `quirks` switch on what
// real local servers do: reasoning in `<think>` blocks or separate fields, refused or ignored
// response formats, fenced or chatty JSON, missing usage, small context windows.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
// The server's own tokenizer differs from the gateway's (as a Llama or Qwen tokenizer would).
import { countTokens } from 'gpt-tokenizer/encoding/cl100k_base';
import {
  answerText,
  type Behaviour,
  chunk,
  defaultUsage,
  type FakeServer,
  type FakeUsage,
  type Gate,
  type ReceivedRequest,
  type ServerQuirks,
  secretReasoning,
  sendJson,
  startScriptedServer,
  writeStream,
} from './scripted-server.ts';

const defaultReasoning = `Okay, the user wants an answer. Let me think step by step about what to write. ${secretReasoning}. I should be concise and follow the instructions.`;

/** Tokens of the request's prompt as this server counts them: text plus a few per message (chat template). */
export function promptTokens(body: Record<string, unknown>): number {
  const messages = (body.messages as Array<{ content: unknown }> | undefined) ?? [];
  let n = 0;
  for (const m of messages)
    n += 4 + countTokens(typeof m.content === 'string' ? m.content : JSON.stringify(m.content));
  if (body.tools) n += countTokens(JSON.stringify(body.tools));
  return n + 3;
}

const requestedOutput = (body: Record<string, unknown>) =>
  Number(body.max_completion_tokens ?? body.max_tokens ?? 0);

/** What a JSON answer looks like from a server that does not constrain its output. */
function shapeJson(json: string, q: ServerQuirks): string {
  let text = json;
  if (q.fencedJson)
    text = `Sure! Here is the JSON you asked for:\n\n\`\`\`json\n${JSON.stringify(JSON.parse(json), null, 2)}\n\`\`\``;
  if (q.trailingText) text += '\n\nI hope this helps! Let me know if you want me to change anything.';
  return text;
}

const gate: Gate = (req, q) => {
  if (req.path !== '/v1/chat/completions') return undefined;
  const format = req.body.response_format as { type?: string } | undefined;
  if (q.rejectJsonSchema && format?.type === 'json_schema')
    return {
      type: 'error',
      status: 400,
      message: "Unsupported response_format type 'json_schema'",
      body: {
        error: {
          message: "Unsupported response_format type 'json_schema'",
          type: 'invalid_request_error',
          code: 400,
        },
      },
    };
  if (q.rejectResponseFormat && format?.type && format.type !== 'text')
    return { type: 'error', status: 400, message: `response_format ${format.type} is not supported` };
  if (q.rejectTools && req.body.tools)
    return { type: 'error', status: 400, message: 'tools are not supported by this model' };
  if (q.rejectStreamedStructure && req.body.stream === true && (format?.type || req.body.tools))
    return {
      type: 'error',
      status: 400,
      message: 'response_format and tools are not supported when streaming',
    };
  if (q.contextTokens) {
    const input = promptTokens(req.body);
    const output = requestedOutput(req.body);
    if (input + output > q.contextTokens) {
      // Hugging Face TGI: a 422 whose `error` is a string, in its own words.
      if (q.contextErrorStyle === 'tgi')
        return {
          type: 'error',
          status: 422,
          body: {
            error: `Input validation error: \`inputs\` tokens + \`max_new_tokens\` must be <= ${q.contextTokens}. Given: ${input} \`inputs\` tokens and ${output} \`max_new_tokens\``,
            error_type: 'validation',
          },
        };
      const body =
        q.contextErrorStyle === 'vllm'
          ? {
              object: 'error',
              message: `This model's maximum context length is ${q.contextTokens} tokens. However, you requested ${input + output} tokens (${input} in the messages, ${output} in the completion). Please reduce the length of the messages or completion.`,
              type: 'BadRequestError',
              param: null,
              code: 400,
            }
          : {
              error: {
                message: `This model's maximum context length is ${q.contextTokens} tokens. However, your messages resulted in ${input + output} tokens. Please reduce the length of the messages.`,
                type: 'invalid_request_error',
                param: 'messages',
                code: 'context_length_exceeded',
              },
            };
      return { type: 'error', status: 400, body };
    }
  }
  return undefined;
};

const usageJson = (u: FakeUsage, reasoningTokens = 0) => ({
  prompt_tokens: u.input,
  completion_tokens: u.output,
  total_tokens: u.input + u.output,
  prompt_tokens_details: { cached_tokens: u.cached ?? 0 },
  ...(reasoningTokens > 0 && { completion_tokens_details: { reasoning_tokens: reasoningTokens } }),
});

const sse = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

function usageOf(b: Behaviour): FakeUsage {
  return ('usage' in b && b.usage) || defaultUsage;
}

async function chatCompletions(req: ReceivedRequest, b: Behaviour, res: ServerResponse, q: ServerQuirks) {
  const model = String(req.body.model ?? 'fake');
  const id = `chatcmpl-${req.at}`;
  const created = Math.floor(req.at / 1000);
  const answer =
    b.type === 'answer' ? (b.json !== undefined ? shapeJson(answerText(b), q) : answerText(b)) : '';
  const reasoning =
    q.thinkTags || q.openThinkInPrompt || q.reasoningField ? (q.reasoningText ?? defaultReasoning) : '';
  const reasoningTokens = reasoning ? countTokens(reasoning) : 0;
  const scripted = usageOf(b);
  // Reasoning is generated output: servers count it in completion_tokens.
  const usage = { ...scripted, output: scripted.output + reasoningTokens };
  const withUsage = !q.noUsage;
  let text = b.type === 'answer' ? answer : b.type === 'cut' ? b.text : '';
  if (q.thinkTags && b.type === 'answer') text = `<think>\n${reasoning}\n</think>\n\n${text}`;
  else if (q.openThinkInPrompt && b.type === 'answer') text = `${reasoning}\n</think>\n\n${text}`;
  const field = !q.thinkTags && !q.openThinkInPrompt && b.type === 'answer' ? q.reasoningField : undefined;
  const toolCall =
    b.type === 'tool-call'
      ? { id: 'call_1', type: 'function', function: { name: b.name, arguments: JSON.stringify(b.arguments) } }
      : undefined;
  const finishReason = toolCall ? 'tool_calls' : b.type === 'answer' ? (b.finishReason ?? 'stop') : 'stop';

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
            ...(field && { [field]: reasoning }),
            ...(toolCall && { tool_calls: [toolCall] }),
          },
          finish_reason: finishReason,
        },
      ],
      ...(withUsage && { usage: usageJson(usage, reasoningTokens) }),
    });
  }

  const base = { id, object: 'chat.completion.chunk', created, model };
  const includeUsage = (req.body.stream_options as { include_usage?: boolean } | undefined)?.include_usage;
  // As OpenAI streams a tool call: its id and name first, then its arguments a few characters at a time.
  const deltas = toolCall
    ? [
        sse({
          ...base,
          choices: [
            {
              index: 0,
              delta: {
                tool_calls: [
                  { index: 0, ...toolCall, function: { name: toolCall.function.name, arguments: '' } },
                ],
              },
              finish_reason: null,
            },
          ],
        }),
        ...chunk(toolCall.function.arguments).map((c) =>
          sse({
            ...base,
            choices: [
              {
                index: 0,
                delta: { tool_calls: [{ index: 0, function: { arguments: c } }] },
                finish_reason: null,
              },
            ],
          }),
        ),
      ]
    : [
        ...(field ? chunk(reasoning, 16) : []).map((c) =>
          sse({ ...base, choices: [{ index: 0, delta: { [field!]: c }, finish_reason: null }] }),
        ),
        ...chunk(text, b.type === 'answer' ? b.chunkSize : undefined).map((c) =>
          sse({ ...base, choices: [{ index: 0, delta: { content: c }, finish_reason: null }] }),
        ),
      ];
  await writeStream(res, b, {
    head: [
      sse({
        ...base,
        choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      }),
    ],
    deltas,
    tail: [
      sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finishReason }] }),
      ...(includeUsage && withUsage && !q.noStreamUsage
        ? [sse({ ...base, choices: [], usage: usageJson(usage, reasoningTokens) })]
        : []),
      'data: [DONE]\n\n',
    ],
    // OpenRouter, vLLM and others report a failure after the 200 as a chunk with an `error` field.
    streamError: (error) => sse({ error: { ...error, code: null } }),
  });
}

/** Deterministic 8-dimensional vector for a text, so tests can compare results. */
export function fakeVector(text: string): number[] {
  const digest = createHash('sha256').update(text).digest();
  return Array.from({ length: 8 }, (_, i) => (digest[i] ?? 0) / 255);
}

function embeddings(req: ReceivedRequest, b: Behaviour, res: ServerResponse, _q: ServerQuirks) {
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
    (b) =>
      b.body ?? {
        error: {
          message: b.message ?? `fake error ${b.status}`,
          type: b.status === 429 ? 'rate_limit_exceeded' : 'server_error',
          code: b.code ?? null,
        },
      },
    {
      gate,
      direct: {
        // vLLM lists its models with the context size it serves them with.
        '/v1/models': (_req, res, q) =>
          sendJson(res, 200, {
            object: 'list',
            data: (q.modelIds ?? ['fake-writer']).map((id) => ({
              id,
              object: 'model',
              owned_by: 'vllm',
              ...(q.maxModelLen && { max_model_len: q.maxModelLen }),
            })),
          }),
      },
    },
  );
}
