// The stored shape of an integration guide's material (guide-material.ts), in a module of its own so
// the step outputs' schemas can name it without importing the pipeline.
import { z } from 'zod';
import { sampleLanguages } from '../guides/languages.ts';

const strings = z.array(z.string());

export const guideMaterialSchema = z.object({
  api: z.object({
    title: z.string(),
    version: z.string(),
    baseUrl: z.string(),
    baseUrlAssumed: z.boolean(),
  }),
  samples: z.array(
    z.object({
      id: z.string(),
      operation: z.string(),
      method: z.string(),
      path: z.string(),
      summary: z.string(),
      source: z.number().int(),
      env: strings,
      files: strings,
      code: z.array(z.object({ language: z.enum(sampleLanguages), code: z.string() })),
      assumedBase: z.string().optional(),
    }),
  ),
});

export type GuideMaterial = z.output<typeof guideMaterialSchema>;
