// Titles and meta descriptions for a page or article.
import { z } from 'zod';
import { text, visibleText } from '../../input/text.ts';
import { defineTemplate } from '../template.ts';

const topic = visibleText(2000).meta({
  title: 'Topic',
  description: 'What the article or page is about',
});
const keyword = text({ max: 100 })
  .optional()
  .meta({ title: 'Keyword', description: 'The search phrase to rank for' });

export const titles = defineTemplate({
  id: 'titles',
  name: 'Titles',
  category: 'seo',
  description: 'Headline ideas for an article or page, each a different angle.',
  input: { topic, keyword },
  variants: { default: 5, max: 10 },
  output: {
    title: { schema: z.string().min(1).max(200).describe('One title, 40–65 characters'), label: 'Title' },
  },
  task: (input) =>
    `Write titles for an article on the topic in the request, each 40–65 characters and a different angle (how-to, list, question, benefit…)${input.keyword ? ', each using its keyword naturally' : ''}. No clickbait, no quotation marks around the title.`,
  variantTokens: () => 40,
});

export const metaDescription = defineTemplate({
  id: 'meta-description',
  name: 'Meta description',
  category: 'seo',
  description: 'Search-result descriptions of at most 160 characters.',
  input: { topic, keyword },
  variants: { default: 3, max: 5 },
  output: {
    text: {
      schema: z.string().min(1).max(600).describe('The meta description, 120–155 characters'),
      label: 'Meta description',
    },
  },
  task: (input) =>
    `Write meta descriptions for a page on the topic in the request: 120–155 characters each, a reason to click, active voice${input.keyword ? ', with its keyword' : ''}.`,
  limits: () => ({ text: { max: 160, unit: 'characters' } }),
  variantTokens: () => 80,
});
