// The one rule for text a request carries. What cannot be stored (NUL, a lone UTF-16 surrogate:
// storable-text.ts) is refused here with a 400 rather than reaching the database. Names, titles,
// topics and Markdown must also say something: a value of only whitespace, zero-width or control
// characters is refused.
import { z } from 'zod';
import { storableTextProblem } from './storable-text.ts';

export { storableTextProblem };

// Characters that render as nothing: whitespace, controls, format characters (zero-width space,
// joiners, BOM, bidi marks, soft hyphen) and the blank-looking fillers.
const invisibleOnly = /^[\s\p{Cc}\p{Cf}\p{Zs}\p{Zl}\p{Zp}\u115F\u1160\u2800\u3164\uFFA0]*$/u;

/** True when the text shows nothing: only whitespace, zero-width or control characters. */
export const isInvisible = (value: string) => invisibleOnly.test(value);

export interface TextOptions {
  max: number;
  /** Fewest characters (after trimming, when trimmed). Default 0. */
  min?: number;
  /** Trim surrounding whitespace first (default true). */
  trim?: boolean;
  /** Must contain a visible character: names, titles, topics, Markdown (default false). */
  visible?: boolean;
}

/** A request text field: storable (no NUL, well-formed Unicode), bounded, optionally visible. */
export function text({ max, min = 0, trim = true, visible = false }: TextOptions) {
  let schema = z.string();
  if (trim) schema = schema.trim();
  if (min > 0) schema = schema.min(min, min === 1 ? 'Must not be blank' : `At least ${min} characters`);
  return schema.max(max).superRefine((value, ctx) => {
    const problem = storableTextProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
    // An empty value has already been refused by `min`: one reason per field is enough.
    else if (visible && value.length > 0 && isInvisible(value)) {
      ctx.addIssue({ code: 'custom', message: 'Must contain visible characters' });
    }
  });
}

/** A name, title or topic: trimmed, 1..max characters, something visible. */
export const visibleText = (max: number) => text({ max, min: 1, visible: true });
