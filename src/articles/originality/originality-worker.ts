// An originality-checking process (originality-pool.ts): compares one article with its sources and
// the library's candidates.
import { enablePrivateCompileCache } from '../../compile-cache.ts';
import type { OriginalityReport, OriginalityTask } from './compare.ts';

enablePrivateCompileCache();
const { compareOriginality } = await import('./compare.ts');

/** A task of `null` does nothing (the process has started). */
export default function compare(task: OriginalityTask | null): OriginalityReport | null {
  return task ? compareOriginality(task) : null;
}
