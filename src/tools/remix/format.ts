// A remix format: what the model is asked for (its schema and task), and how its answer becomes
// the text to paste — split into parts (a thread's posts, a deck's slides), each held to its limit.
import type { z } from 'zod';
import type { LimitUnit, Repair } from '../limits.ts';

export const remixFormats = ['x-thread', 'linkedin', 'newsletter', 'video-script', 'slides'] as const;
export type RemixFormatId = (typeof remixFormats)[number];

/** The options of a request, each defaulted (the body leaves out those of other formats). */
export interface RemixOptions {
  posts: number;
  numbered: boolean;
  slides: number;
  minutes: number;
}

export interface RemixPart {
  label: string;
  text: string;
  /** In `limit.unit` when there is a limit, else characters. */
  length: number;
  limit: { max: number; unit: LimitUnit } | null;
}

export interface Remixed {
  title: string | null;
  /** The whole remix, ready to paste. */
  text: string;
  parts: RemixPart[];
  repairs: Repair[];
}

export interface RemixFormat<T = unknown> {
  id: RemixFormatId;
  name: string;
  schema: z.ZodType<T>;
  task(options: RemixOptions): string;
  maxOutputTokens(options: RemixOptions): number;
  finish(answer: T, options: RemixOptions): Remixed;
}

/** A format with its answer's type checked here and erased for the registry. */
export const defineFormat = <T>(format: RemixFormat<T>) => format as unknown as RemixFormat;

/** A part without a limit. */
export const freePart = (label: string, text: string): RemixPart => ({
  label,
  text,
  length: text.length,
  limit: null,
});
