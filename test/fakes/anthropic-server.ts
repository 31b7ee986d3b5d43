// A fake Anthropic Messages API for tests: POST /v1/messages, plain and streaming
// (message_start, content_block_*, message_delta with usage, message_stop), and forced tool use
// (how structured output is asked of models without native JSON schema). Scripted per test.
import type { ServerResponse } from 'node:http';
import {
  answerText,
  type Behaviour,
  chunk,
  defaultUsage,
  type FakeServer,
  type ReceivedRequest,
  sendJson,
  startScriptedServer,
  writeStream,
} from './scripted-server.ts';

const event = (type: string, data: Record<string, unknown>) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

async function messages(req: ReceivedRequest, b: Behaviour, res: ServerResponse) {
  const model = String(req.body.model ?? 'fake');
  const id = `msg_${req.at}`;
  const usage = ('usage' in b && b.usage) || defaultUsage;
  const forcedTool =
    (req.body.tool_choice as { type?: string; name?: string } | undefined)?.type === 'tool'
      ? (req.body.tool_choice as { name: string }).name
      : undefined;
  const text = b.type === 'answer' ? answerText(b) : b.type === 'cut' ? b.text : '';
  const toolUse =
    b.type === 'tool-call'
      ? { type: 'tool_use', id: 'toolu_1', name: b.name, input: b.arguments }
      : forcedTool && b.type === 'answer'
        ? { type: 'tool_use', id: 'toolu_1', name: forcedTool, input: b.json ?? JSON.parse(text) }
        : undefined;
  const usageJson = {
    input_tokens: usage.input - (usage.cached ?? 0),
    cache_read_input_tokens: usage.cached ?? 0,
    cache_creation_input_tokens: 0,
  };
  const stopReason = toolUse ? 'tool_use' : 'end_turn';

  if (req.body.stream !== true) {
    return sendJson(res, 200, {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [toolUse ?? { type: 'text', text }],
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { ...usageJson, output_tokens: usage.output },
    });
  }

  const block = toolUse ? { ...toolUse, input: {} } : { type: 'text', text: '' };
  const deltas = toolUse
    ? [
        event('content_block_delta', {
          index: 0,
          delta: { type: 'input_json_delta', partial_json: JSON.stringify(toolUse.input) },
        }),
      ]
    : chunk(text, b.type === 'answer' ? b.chunkSize : undefined).map((c) =>
        event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: c } }),
      );
  await writeStream(res, b, {
    head: [
      event('message_start', {
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usageJson, output_tokens: 1 },
        },
      }),
      event('content_block_start', { index: 0, content_block: block }),
    ],
    deltas,
    tail: [
      event('content_block_stop', { index: 0 }),
      event('message_delta', {
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: { output_tokens: usage.output },
      }),
      event('message_stop', {}),
    ],
    // Anthropic's documented overload inside a stream: an `error` event after message_start.
    streamError: (error) => event('error', { error }),
  });
}

export function startAnthropicServer(): Promise<FakeServer> {
  return startScriptedServer({ '/v1/messages': messages }, (b) => ({
    type: 'error',
    error: {
      type: b.status === 429 ? 'rate_limit_error' : b.status >= 500 ? 'api_error' : 'invalid_request_error',
      message: b.message ?? `fake error ${b.status}`,
    },
  }));
}
