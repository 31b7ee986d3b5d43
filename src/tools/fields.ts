// A template's request fields as a form shows them, read off its body schema's JSON schema: the web
// app builds each tool's form from these, so a new template needs no web code.
import { z } from 'zod';

export const fieldKinds = ['text', 'textarea', 'choice', 'integer', 'language', 'brandVoice'] as const;
export type FieldKind = (typeof fieldKinds)[number];

export interface FieldView {
  name: string;
  kind: FieldKind;
  label: string;
  description?: string;
  required: boolean;
  default?: string | number;
  options?: string[];
  min?: number;
  max?: number;
  maxLength?: number;
}

/** Longer text than this is a passage: a multi-line box. */
const lineChars = 300;

interface PropertySchema {
  type?: string;
  enum?: unknown[];
  title?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  format?: string;
}

function kindOf(name: string, p: PropertySchema): FieldKind {
  if (name === 'brandVoiceId') return 'brandVoice';
  if (name === 'language') return 'language';
  if (p.enum) return 'choice';
  if (p.type === 'integer') return 'integer';
  return (p.maxLength ?? 0) > lineChars ? 'textarea' : 'text';
}

export function fieldsOf(body: z.ZodObject): FieldView[] {
  const json = z.toJSONSchema(body, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, PropertySchema>;
    required?: string[];
  };
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, p]) => {
    const kind = kindOf(name, p);
    return {
      name,
      kind,
      label: p.title ?? name,
      ...(p.description !== undefined && { description: p.description }),
      required: required.has(name),
      ...((typeof p.default === 'string' || typeof p.default === 'number') && { default: p.default }),
      ...(p.enum && { options: p.enum.map(String) }),
      ...(p.minimum !== undefined && { min: p.minimum }),
      ...(p.maximum !== undefined && { max: p.maximum }),
      ...(p.maxLength !== undefined && kind !== 'brandVoice' && { maxLength: p.maxLength }),
    };
  });
}
