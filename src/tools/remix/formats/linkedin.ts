// A LinkedIn post: at most 3,000 characters (LinkedIn's limit), cut at a sentence end past it.
import { z } from 'zod';
import { measure, shorten, type TextLimit } from '../../limits.ts';
import { defineFormat } from '../format.ts';

const limit: TextLimit = { max: 3000, unit: 'characters' };

export const linkedIn = defineFormat({
  id: 'linkedin',
  name: 'LinkedIn post',
  schema: z.object({
    text: z.string().min(1).max(12_000).describe('The whole post, under 3,000 characters'),
  }),
  task: () =>
    'Write a LinkedIn post from the article, 150–300 words and well under 3,000 characters: a hook in its first two lines (what shows before “see more”), short paragraphs with the article’s key insight and two or three takeaways, a question or call to action, and 3–5 hashtags on the last line.',
  maxOutputTokens: () => 900,
  finish(answer) {
    const written = answer.text.trim();
    const text = shorten(written, limit);
    const repairs =
      text === written
        ? []
        : [
            {
              index: 0,
              field: 'text',
              message: `${written.length} characters, over LinkedIn's 3000: shortened to ${text.length}`,
            },
          ];
    return {
      title: null,
      text,
      parts: [{ label: 'Post', text, length: measure(text, 'characters'), limit }],
      repairs,
    };
  },
});
