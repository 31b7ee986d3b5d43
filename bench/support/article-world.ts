// Starts bench/support/fake-article-world.ts (the fake writer model and the source pages) in its own
// process, so its CPU is not charged to the app being measured.
import path from 'node:path';
import { sourcePages } from '../../test/articles/support.ts';
import { startProcess } from './processes.ts';

export interface ArticleWorld {
  llmBaseUrl: string;
  webUrl: string;
  /** The source pages' addresses, for a brief's research.urls or `generate --url`. */
  urls: string[];
  stop(): Promise<void>;
}

export async function startArticleWorld(perTokenMs: number): Promise<ArticleWorld> {
  const world = await startProcess(
    process.execPath,
    [path.join(import.meta.dirname, 'fake-article-world.ts')],
    /listening (\S+ \S+)/,
    { env: { ...process.env, BENCH_PER_TOKEN_MS: String(perTokenMs) } },
  );
  const [llmBaseUrl, webUrl] = world.match.split(' ') as [string, string];
  return {
    llmBaseUrl,
    webUrl,
    urls: Object.keys(sourcePages).map((p) => `${webUrl}${p}`),
    stop: world.stop,
  };
}
