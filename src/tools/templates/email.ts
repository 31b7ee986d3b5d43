// Marketing and outreach e-mails: subject line, preview text and body.
import { z } from 'zod';
import { text, visibleText } from '../../input/text.ts';
import { defineTemplate } from '../template.ts';

const kinds = ['announcement', 'newsletter', 'promotion', 'follow-up', 'outreach'] as const;

export const email = defineTemplate({
  id: 'email',
  name: 'Email',
  category: 'email',
  description:
    'An e-mail with its subject line and preview text: announcements, promotions, follow-ups, outreach.',
  input: {
    kind: z.enum(kinds).default('announcement').meta({ title: 'Kind of e-mail' }),
    purpose: visibleText(3000).meta({
      title: 'What it is about',
      description: 'The news, offer or request, with the facts it must carry',
    }),
    callToAction: text({ max: 200 })
      .optional()
      .meta({ title: 'Call to action', description: 'What the reader should do' }),
  },
  variants: { default: 2, max: 4 },
  output: {
    subject: {
      schema: z.string().min(1).max(300).describe('Subject line, at most 60 characters'),
      label: 'Subject',
    },
    preheader: {
      schema: z.string().max(500).describe('Preview text shown after the subject, 40–120 characters'),
      label: 'Preview text',
    },
    body: {
      schema: z.string().min(1).max(10_000).describe('The body in plain text with paragraphs'),
      label: 'Body',
    },
  },
  task: (input) =>
    `Write a ${input.kind} e-mail about what the request describes: a subject line, a preview text and a body of 80–250 words${input.callToAction ? ' that ends with its call to action' : ''}. No placeholders such as [Name] unless the request has them.`,
  limits: () => ({
    subject: { max: 100, unit: 'characters' },
    preheader: { max: 150, unit: 'characters', ellipsis: true },
  }),
  variantTokens: () => 700,
});
