// The first-event measurement from a process of its own, as a browser is: its requests and the
// parsing of the answers do not take turns on the server's thread. Started by article-pipeline.ts
// with { base, headers, brief, posts } as its argument; prints the samples as JSON.
import { type ApiClient, firstEvent } from './first-event.ts';

const { base, headers, brief, posts } = JSON.parse(process.argv[2]!) as ApiClient & {
  brief: Record<string, unknown>;
  posts: number;
};
const samples: Array<{ ms: number; postMs: number }> = [];
// The first one opens connections and warms this process: not a sample.
await firstEvent({ base, headers }, brief);
for (let i = 0; i < posts; i++) samples.push(await firstEvent({ base, headers }, brief));
process.stdout.write(JSON.stringify(samples));
