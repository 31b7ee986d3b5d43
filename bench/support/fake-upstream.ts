// A fake OpenAI-compatible upstream in its own process, so that its CPU is not charged to the
// process being measured: answers every chat completion at once with a fixed text and usage — a
// short sentence, or BENCH_ANSWER_TOKENS tokens of one word each (a stream sends one per event).
// Prints "listening <baseUrl>" and serves until killed.
import { startOpenAiServer } from '../../test/fakes/openai-server.ts';

const tokens = Number(process.env.BENCH_ANSWER_TOKENS ?? 0);
const server = await startOpenAiServer();
server.fallback =
  tokens > 0
    ? {
        type: 'answer',
        text: ' word'.repeat(tokens),
        chunkSize: 5,
        usage: { input: 20, output: tokens, cached: 0 },
      }
    : { type: 'answer', text: 'A short answer.', usage: { input: 20, output: 4, cached: 0 } };
// The scripted server keeps every request for test assertions; a benchmark sends far too many.
setInterval(() => server.requests.splice(0), 1000).unref();
process.stdout.write(`listening ${server.baseUrl}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
