// A newsletter issue: subject line, preview text and body.
import { z } from 'zod';
import { type Repair, shorten, type TextLimit } from '../../limits.ts';
import { defineFormat, freePart, type RemixPart } from '../format.ts';

const subjectLimit: TextLimit = { max: 100, unit: 'characters' };
const previewLimit: TextLimit = { max: 150, unit: 'characters', ellipsis: true };

function held(label: string, field: string, written: string, limit: TextLimit, repairs: Repair[]): RemixPart {
  const text = shorten(written, limit);
  if (text !== written.trim())
    repairs.push({
      index: 0,
      field,
      message: `${written.trim().length} characters, over ${limit.max}: shortened to ${text.length}`,
    });
  return { label, text, length: text.length, limit: { max: limit.max, unit: limit.unit } };
}

export const newsletter = defineFormat({
  id: 'newsletter',
  name: 'Newsletter',
  schema: z.object({
    subject: z.string().min(1).max(300).describe('Subject line, at most 60 characters'),
    preheader: z.string().max(500).describe('Preview text shown after the subject, 40–120 characters'),
    body: z.string().min(1).max(30_000).describe('The issue in Markdown'),
  }),
  task: () =>
    'Write a newsletter issue from the article: a subject line (at most 60 characters), a preview text (40–120 characters) and a body in Markdown of 250–450 words — a short personal intro, the key points as short sections or a list, and a closing line inviting readers to read the full article.',
  maxOutputTokens: () => 1400,
  finish(answer) {
    const repairs: Repair[] = [];
    const subject = held('Subject', 'subject', answer.subject, subjectLimit, repairs);
    const preview = held('Preview text', 'preheader', answer.preheader, previewLimit, repairs);
    const body = answer.body.trim();
    return {
      title: subject.text,
      text: `Subject: ${subject.text}\nPreview: ${preview.text}\n\n${body}`,
      parts: [subject, preview, freePart('Body', body)],
      repairs,
    };
  },
});
