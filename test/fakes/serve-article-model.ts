// Runs the fake writer model as its own process (for trying the CLI or the web app by hand, and for
// process-level tests): prints "listening <baseUrl>" and serves until killed.
import { articleModelResponder } from './article-model.ts';
import { startOpenAiServer } from './openai-server.ts';

const server = await startOpenAiServer();
server.responder = articleModelResponder({
  chunkDelayMs: Number(process.env.CHUNK_DELAY_MS ?? 0),
  chunkSize: Number(process.env.CHUNK_SIZE ?? 16),
});
process.stdout.write(`listening ${server.baseUrl}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
