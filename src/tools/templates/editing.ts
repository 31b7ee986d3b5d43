// Work on a passage the member gives: rewrite, expand, summarize, change its tone. The passage is
// quoted data in a <text> block; what to do with it is the task.
import { z } from 'zod';
import { text, visibleText } from '../../input/text.ts';
import { defineTemplate } from '../template.ts';

const passage = (max: number) =>
  visibleText(max).meta({ title: 'Text', description: 'The passage to work on' });

// About 3 characters a token for the answer, which is as long as the passage or longer.
const passageTokens = (passageText: string) => Math.ceil(passageText.length / 3) + 100;

const outputText = (max: number, label: string) => ({
  text: { schema: z.string().min(1).max(max).describe(label), label: 'Text' },
});

export const rewrite = defineTemplate({
  id: 'rewrite',
  name: 'Rewrite',
  category: 'editing',
  description: 'The same passage said better: clearer, tighter, or as you ask.',
  input: {
    text: passage(10_000),
    instruction: text({ max: 500 })
      .optional()
      .meta({ title: 'What to change', description: 'e.g. "simpler words", "more concrete"' }),
  },
  passages: ['text'],
  variants: { default: 2, max: 3 },
  output: outputText(40_000, 'The rewritten passage'),
  task: (input) =>
    `Rewrite the text: keep its meaning, facts and language, make it clearer and tighter.${input.instruction ? ` The user asks for this change; follow it within the rules above: ${JSON.stringify(input.instruction)}` : ''}`,
  variantTokens: (input) => passageTokens(input.text),
});

export const expand = defineTemplate({
  id: 'expand',
  name: 'Expand',
  category: 'editing',
  description: 'A passage grown to the length you ask, with detail and examples.',
  input: {
    text: passage(5000),
    words: z
      .number()
      .int()
      .min(50)
      .max(2000)
      .default(300)
      .meta({ title: 'Words', description: 'Length to reach (50–2000)' }),
  },
  passages: ['text'],
  variants: { default: 1, max: 3 },
  output: outputText(40_000, 'The expanded passage'),
  task: (input) =>
    `Expand the text to about ${input.words} words: keep what it says, add explanation, detail and examples. Do not invent statistics, quotes or sources.`,
  variantTokens: (input) => Math.ceil(input.words * 2) + 100,
});

const summaryForms = ['paragraph', 'bullets', 'tldr'] as const;
const summaryAsks: Record<(typeof summaryForms)[number], string> = {
  paragraph: 'one paragraph',
  bullets: 'a bullet list (lines starting with "- ")',
  tldr: 'one or two sentences',
};

export const summarize = defineTemplate({
  id: 'summarize',
  name: 'Summarize',
  category: 'editing',
  description: 'The gist of a passage as a paragraph, bullet points or a TL;DR.',
  input: {
    text: passage(30_000),
    form: z.enum(summaryForms).default('paragraph').meta({ title: 'Form' }),
    words: z
      .number()
      .int()
      .min(10)
      .max(500)
      .default(100)
      .meta({ title: 'Words', description: 'Length at most (10–500)' }),
  },
  passages: ['text'],
  variants: { default: 1, max: 3 },
  output: outputText(10_000, 'The summary'),
  task: (input) =>
    `Summarize the text as ${summaryAsks[input.form]} of at most ${input.words} words: its main points only, nothing it does not say.`,
  variantTokens: (input) => Math.ceil(input.words * 2) + 50,
});

export const changeTone = defineTemplate({
  id: 'change-tone',
  name: 'Change tone',
  category: 'editing',
  description: 'The same passage in another tone: formal, friendly, persuasive…',
  input: {
    text: passage(10_000),
    tone: visibleText(100).meta({ title: 'Tone', description: 'e.g. formal, friendly, persuasive, playful' }),
  },
  passages: ['text'],
  variants: { default: 1, max: 3 },
  output: outputText(40_000, 'The passage in the new tone'),
  task: () =>
    'Rewrite the text in the tone the request names: keep its meaning, facts, length and language; change only how it is said.',
  variantTokens: (input) => passageTokens(input.text),
});
