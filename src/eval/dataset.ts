// The evaluation set shipped in eval/briefs: one folder per brief, its brief.json and its sources.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const defaultEvalDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../eval/briefs');

// The brief fields an evaluation case may set; its sources are added by the runner.
const caseBriefSchema = z.strictObject({
  topic: z.string().min(1),
  words: z.number().int().min(300).max(10_000).optional(),
  keywords: z.array(z.string()).optional(),
  audience: z.string().optional(),
  language: z.string().optional(),
});

export interface EvalCase {
  id: string;
  brief: z.infer<typeof caseBriefSchema>;
  sources: Array<{ filename: string; bytes: Buffer }>;
}

export function loadEvalCases(dir = defaultEvalDir, limit?: number): EvalCase[] {
  const ids = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  return ids.slice(0, limit ?? ids.length).map((id) => {
    const folder = path.join(dir, id);
    const brief = caseBriefSchema.parse(JSON.parse(readFileSync(path.join(folder, 'brief.json'), 'utf8')));
    const sourceDir = path.join(folder, 'sources');
    const sources = readdirSync(sourceDir)
      .sort()
      .map((filename) => ({ filename, bytes: readFileSync(path.join(sourceDir, filename)) }));
    return { id, brief, sources };
  });
}
