// A short-form tool template: its request body (the template's own fields and the ones every tool
// takes), the shape of one variant the model writes, the task it is asked, and the limits its
// output is held to. The zod schemas are the one source: the HTTP body, the OpenAPI document, the
// web app's form (from `fieldsOf`) and the model's JSON schema all come from them.
import { z } from 'zod';
import { languageTag } from '../input/language.ts';
import { text } from '../input/text.ts';
import { type FieldView, fieldsOf } from './fields.ts';
import type { TextLimit } from './limits.ts';

export const toolCategories = ['social', 'email', 'ads', 'seo', 'editing'] as const;
export type ToolCategory = (typeof toolCategories)[number];

/** Who the model is asked to be, by the kind of writing. */
const roles: Record<ToolCategory, string> = {
  social: 'You are an expert social media copywriter.',
  email: 'You are an expert e-mail marketing copywriter.',
  ads: 'You are an expert advertising copywriter who writes within strict character limits.',
  seo: 'You are an expert SEO copywriter.',
  editing: 'You are a careful, skilled editor.',
};

/** The fields every tool takes besides its own (a template may redefine `tone` or `audience`). */
export function commonFields(variants: { default: number; max: number }) {
  return {
    variants: z
      .number()
      .int()
      .min(1)
      .max(variants.max)
      .default(variants.default)
      .meta({ title: 'Variants', description: `How many versions to write (1–${variants.max})` }),
    tone: text({ max: 100 })
      .optional()
      .meta({ title: 'Tone', description: 'e.g. friendly, confident, playful' }),
    audience: text({ max: 200 }).optional().meta({ title: 'Audience', description: 'Who it is for' }),
    language: languageTag.optional().meta({
      title: 'Language',
      description: 'BCP 47 tag of the language to write in, e.g. en, de, pt-BR (default: the request’s own)',
    }),
    brandVoiceId: z
      .uuid()
      .optional()
      .meta({ title: 'Brand voice', description: "One of the workspace's brand voices" }),
  };
}

type Common = ReturnType<typeof commonFields>;

/** What an output field of a variant is and how long it may be. */
export interface OutputField {
  schema: z.ZodString;
  label: string;
}

export interface ToolTemplateSpec<I extends z.ZodRawShape, O extends Record<string, OutputField>> {
  id: string;
  name: string;
  category: ToolCategory;
  description: string;
  /** The template's own request fields; those named like a common field replace it. */
  input: I;
  variants: { default: number; max: number };
  /** One variant's fields. Their schemas bound what the model may write; `limits` what is kept. */
  output: O;
  /** Fields whose text is material to work on (a passage): quoted in `<text>` blocks of their own. */
  passages?: ReadonlyArray<keyof I & string>;
  /** The task, in words that refer to the quoted request ("the topic in the request"). */
  task(input: z.infer<z.ZodObject<Common & I>>): string;
  /** Limits enforced on each output field after the model (platform limits), by the input. */
  limits?(input: z.infer<z.ZodObject<Common & I>>): Partial<Record<keyof O & string, TextLimit>>;
  /** Output tokens one variant may take. */
  variantTokens(input: z.infer<z.ZodObject<Common & I>>): number;
}

/** A template with its types erased, as the registry, the service and the routes use it. */
export interface ToolTemplate {
  id: string;
  name: string;
  category: ToolCategory;
  description: string;
  body: z.ZodObject;
  /** The body's fields as a form shows them. */
  fields: FieldView[];
  /** The system prompt's first line: who the model is asked to be. */
  role: string;
  variant: z.ZodObject;
  outputFields: ReadonlyArray<{ name: string; label: string }>;
  variantsMax: number;
  passages: readonly string[];
  /** The parsed body's parts the prompt and the limits need. */
  plan(input: ToolInput): ToolPlan;
}

export type ToolInput = Record<string, unknown> & {
  variants: number;
  language?: string | undefined;
  tone?: string | undefined;
  audience?: string | undefined;
  brandVoiceId?: string | undefined;
};

export interface ToolPlan {
  task: string;
  limits: Partial<Record<string, TextLimit>>;
  maxOutputTokens: number;
}

/** Output tokens any one tool call may ask for. */
export const maxToolOutputTokens = 8192;

export function defineTemplate<I extends z.ZodRawShape, O extends Record<string, OutputField>>(
  spec: ToolTemplateSpec<I, O>,
): ToolTemplate {
  // The template's own fields first (a form shows them first), then the common ones it keeps.
  const common = Object.entries(commonFields(spec.variants)).filter(([name]) => !(name in spec.input));
  const body = z.strictObject({ ...spec.input, ...Object.fromEntries(common) });
  const variant = z.object(Object.fromEntries(Object.entries(spec.output).map(([k, f]) => [k, f.schema])));
  type Input = z.infer<z.ZodObject<Common & I>>;
  return {
    id: spec.id,
    name: spec.name,
    category: spec.category,
    description: spec.description,
    body,
    fields: fieldsOf(body),
    role: roles[spec.category],
    variant,
    outputFields: Object.entries(spec.output).map(([name, f]) => ({ name, label: f.label })),
    variantsMax: spec.variants.max,
    passages: spec.passages ?? [],
    plan(input) {
      const typed = input as Input;
      return {
        task: spec.task(typed),
        limits: spec.limits?.(typed) ?? {},
        maxOutputTokens: Math.min(maxToolOutputTokens, input.variants * spec.variantTokens(typed) + 64),
      };
    },
  };
}
