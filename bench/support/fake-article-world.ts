// The article benchmark's fake world in its own process, so that the fake model's tokenizer and the
// source pages' server are not charged to the app being measured (a real model runs elsewhere too):
// the fake writer model behind the fake OpenAI server, with a fixed latency per output token
// (BENCH_PER_TOKEN_MS) and o200k token counts, and the source pages on a local web server.
// Prints "listening <llmBaseUrl> <webUrl>" and serves until killed.
import type { ServerResponse } from 'node:http';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { pageHtml, sourcePages } from '../../test/articles/support.ts';
import { articleModelResponder } from '../../test/fakes/article-model.ts';
import { startOpenAiServer } from '../../test/fakes/openai-server.ts';
import { html, startServer } from '../../test/research/local-server.ts';

const perTokenMs = Number(process.env.BENCH_PER_TOKEN_MS ?? 2);
const llm = await startOpenAiServer();
llm.responder = articleModelResponder({ perTokenMs, countTokens: (text) => encode(text).length });
// The scripted server keeps every request for test assertions; a benchmark does not read them.
setInterval(() => llm.requests.splice(0), 1000).unref();
const web = await startServer(
  Object.fromEntries(
    Object.entries(sourcePages).map(([p, page]) => [
      p,
      (_req: unknown, res: ServerResponse) => html(res, pageHtml(page)),
    ]),
  ),
);
setInterval(() => web.received.splice(0), 1000).unref();
process.stdout.write(`listening ${llm.baseUrl} ${web.url}\n`);
process.on('SIGTERM', () => void Promise.all([llm.close(), web.close()]).then(() => process.exit(0)));
