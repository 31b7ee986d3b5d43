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
  if (task.want === 'operations')
    return text === undefined ? { problem: notText } : guides.listOperations(text);
  if (text === undefined)
    return { issues: [{ path: 'guide.specDocumentId', message: `The document cannot be used: ${notText}` }] };
  return guides.buildGuide(text, task.choices);
}
