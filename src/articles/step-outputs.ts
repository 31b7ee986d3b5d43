// What each pipeline step stores as its output, as zod schemas: the one description of those shapes.
// A run resumed (a crashed worker, a retried job, an upgrade between the two) returns the stored
// outputs of finished steps instead of running them again; a stored output this version cannot read
// (another version wrote it) must run again rather than flow on as if it had the shape the code
// expects (src/articles/resume.ts). Shapes only, not the model's bounds: a stored outline that the
// normalisation left with an empty title is still one the code reads.
import { z } from 'zod';
import { citationView, claimRecord, seoView, sourceView } from '../server/routes/article-schemas.ts';
import { guideMaterialSchema } from './guide-schema.ts';

const strings = z.array(z.string());

/** A source as the writer sees it: what the API shows, and the quoted text it does not. */
export const articleSourceSchema = sourceView.extend({ text: z.string() });

const outlineShape = z.object({
  title: z.string(),
  sections: z.array(
    z.object({ heading: z.string(), goal: z.string(), keyPoints: strings, sourceIds: z.array(z.number()) }),
  ),
  faq: strings.optional(),
});

const citationChecks = z.array(citationView);
const regeneratedText = z.string();

/** Each step kind's stored output (a step's kind: its name up to a `:` or `#`). */
export const stepOutputSchemas = {
  plan: z.object({ questions: strings }),
  gather: z.object({
    questions: strings,
    sources: z.array(articleSourceSchema),
    /** An integration guide's samples, citing their operations among `sources`. */
    guide: guideMaterialSchema.optional(),
  }),
  outline: outlineShape,
  section: z.object({
    heading: z.string(),
    markdown: z.string(),
    /** Citations of numbers beyond the section's sources, removed from its text. */
    removedCitations: z.number().optional(),
  }),
  intro: z.string(),
  conclusion: z.string(),
  faq: z.array(z.object({ question: z.string(), answer: z.string() })),
  factcheck: z.array(claimRecord),
  revise: strings,
  citations: citationChecks,
  seo: seoView,
  render: z.object({ wordCount: z.number(), removedCitations: z.number() }),
} as const;

export type StepOutput<K extends keyof typeof stepOutputSchemas> = z.output<(typeof stepOutputSchemas)[K]>;

/** Whether the step `name` belongs to a regeneration (`section:2#r1`, `intro#r3`, `section:2#r1:citations`). */
export const isRegenerationStep = (name: string) => /#r\d+(:|$)/.test(name);

/** A step's kind: its name up to a `:` or `#` (`section:3` → `section`, `intro#r2` → `intro`). */
export const stepKind = (name: string) => name.split(':')[0]!.split('#')[0]!;

/**
 * The schema of the output the step `name` stores: a regeneration (`section:2#r1`, `intro#r3`)
 * stores its text, its citation check (`section:2#r1:citations`) the checks. Undefined for a name
 * this version has no step of.
 */
export function stepOutputSchema(name: string): z.ZodType | undefined {
  if (/#r\d+:citations$/.test(name)) return citationChecks;
  if (/#r\d+$/.test(name)) return regeneratedText;
  const kind = stepKind(name);
  return Object.hasOwn(stepOutputSchemas, kind)
    ? stepOutputSchemas[kind as keyof typeof stepOutputSchemas]
    : undefined;
}

/** Whether this version can read `output` as the stored output of the step `name`. */
export const readableOutput = (name: string, output: unknown): boolean =>
  stepOutputSchema(name)?.safeParse(output).success ?? true;

/** The stored output of step `name` in `outputs` (by step name) when it has the shape of `schema`. */
export function storedOutput<S extends z.ZodType>(
  outputs: ReadonlyMap<string, unknown>,
  name: string,
  schema: S,
): z.output<S> | undefined {
  const parsed = schema.safeParse(outputs.get(name));
  return parsed.success ? parsed.data : undefined;
}
