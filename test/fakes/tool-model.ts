// A fake writer for the short-form tools and the remix, behind the fake OpenAI server: it reads the
// JSON Schema the request asks for (response format, forced tool, or the schema in the prompt) and
// answers an object of that shape, its text taken from the quoted request. Like a naive real model
// it obeys an instruction planted in the prompt — but only outside the quoted blocks (<request>,
// <text>, <article>, <brand_voice>), which is what the prompt-injection tests check.
import { injectionMarker, injectionPayload } from './article-model.ts';
import type { Behaviour, ReceivedRequest } from './scripted-server.ts';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
};

const quoted = /<(request|text|article|brand_voice)>\n[\s\S]*?\n<\/\1>/g;

function textOf(req: ReceivedRequest): string {
  return ((req.body.messages as Array<{ content: unknown }> | undefined) ?? [])
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
    .join('\n');
}

function askedSchema(req: ReceivedRequest, prompt: string): { name: string; schema: JsonSchema } | undefined {
  const format = req.body.response_format as
    | { type?: string; json_schema?: { name?: string; schema?: JsonSchema } }
    | undefined;
  if (format?.type === 'json_schema' && format.json_schema?.schema)
    return { name: format.json_schema.name ?? 'answer', schema: format.json_schema.schema };
  const tool = (
    req.body.tools as Array<{ function?: { name?: string; parameters?: JsonSchema } }> | undefined
  )?.[0]?.function;
  if (tool?.parameters) return { name: tool.name ?? 'answer', schema: tool.parameters };
  const inPrompt = /JSON object \(a "([a-z_]+)"\) that matches this JSON Schema[^\n]*\n(\{.*\})/.exec(prompt);
  if (inPrompt) return { name: inPrompt[1]!, schema: JSON.parse(inPrompt[2]!) as JsonSchema };
  return undefined;
}

/** What the quoted request is about: its longest field's value, or the start of the text or article. */
function subjectOf(prompt: string): string {
  const request = /<request>\n([\s\S]*?)\n<\/request>/.exec(prompt)?.[1] ?? '';
  const values = [...request.matchAll(/^[^:\n]+: ("(?:[^"\\]|\\.)*")$/gm)].map(
    (m) => JSON.parse(m[1]!) as string,
  );
  const longest = values.sort((a, b) => b.length - a.length)[0];
  if (longest) return longest;
  const block = /<(?:text|article)>\n([\s\S]*?)\n<\/(?:text|article)>/.exec(prompt)?.[1] ?? 'the topic';
  return block.replace(/\s+/g, ' ').slice(0, 80);
}

function fill(
  schema: JsonSchema,
  name: string,
  ctx: { subject: string; count: number; payload?: string },
  n = 0,
): unknown {
  const type = Array.isArray(schema.type) ? schema.type[0] : (schema.type ?? schema.anyOf?.[0]?.type);
  if (type === 'object' || schema.properties)
    return Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([key, value]) => [key, fill(value, key, ctx, n)]),
    );
  if (type === 'array') {
    const count = Math.min(
      schema.maxItems ?? 10,
      Math.max(schema.minItems ?? 1, name === 'variants' ? ctx.count : 3),
    );
    return Array.from({ length: count }, (_, i) => fill(schema.items ?? { type: 'string' }, name, ctx, i));
  }
  if (type === 'integer' || type === 'number') return n + 1;
  if (type === 'boolean') return true;
  return ctx.payload ?? `${name} ${n + 1}: a short note on ${ctx.subject}.`;
}

// The tools' answers (`<template>_variants`) and the remix formats'; any other request is left to
// another responder (the article model's, chained after this one).
const toolAnswer = /_variants$|^(x_thread|linkedin|newsletter|video_script|slides)$/;

export function toolModelResponder() {
  return (req: ReceivedRequest): Behaviour | undefined => {
    if (req.path !== '/v1/chat/completions') return undefined;
    const prompt = textOf(req);
    const asked = askedSchema(req, prompt);
    if (!asked || !toolAnswer.test(asked.name)) return undefined;
    const count = /Write (\d+) versions/.exec(prompt)?.[1];
    const obeys = prompt.replace(quoted, '').includes(injectionMarker);
    const json = fill(asked.schema, asked.name, {
      subject: subjectOf(prompt),
      count: count ? Number(count) : 1,
      ...(obeys && { payload: injectionPayload }),
    });
    const output = Math.ceil(JSON.stringify(json).length / 4);
    const usage = { input: Math.ceil(prompt.length / 4), output, cached: 0 };
    if (req.body.tools) return { type: 'tool-call', name: asked.name, arguments: json, usage };
    return { type: 'answer', json, usage };
  };
}
