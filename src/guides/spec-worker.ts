// A spec-reading process (spec-pool.ts): parses one OpenAPI document and lists its operations or
// builds a guide's samples from it.
import { enablePrivateCompileCache } from '../compile-cache.ts';
import type { GuideChoices, GuideOutcome, listOperations } from './build-guide.ts';

enablePrivateCompileCache();
const { decodeText } = await import('../decode-text.ts');
const guides = await import('./build-guide.ts');

export type SpecTask =
  | { bytes: Uint8Array; charset?: string | undefined; want: 'operations' }
  | { bytes: Uint8Array; charset?: string | undefined; want: 'guide'; choices: GuideChoices };

export type SpecAnswer = ReturnType<typeof listOperations> | GuideOutcome;

const notText = 'it is not text (an OpenAPI document is JSON or YAML)';

/** A task of `null` does nothing (the process has started). */
export default function read(task: SpecTask | null): SpecAnswer | null {
  if (!task) return null;
  const text = decodeText(task.bytes, task.charset);
  const problem = (reason: string): SpecAnswer =>
    task.want === 'operations'
      ? { problem: reason }
      : { issues: [{ path: 'guide.specDocumentId', message: `The document cannot be used: ${reason}` }] };
  if (text === undefined) return problem(notText);
  try {
    return task.want === 'operations' ? guides.listOperations(text) : guides.buildGuide(text, task.choices);
  } catch (err) {
    // A shape of spec the reader did not foresee is refused with the reason, not answered with a 500.
    return problem(`it could not be read (${err instanceof Error ? err.message : String(err)})`);
  }
}
