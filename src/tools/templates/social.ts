// Social posts for one platform, each within the platform's limit (X's counted as X counts it).
import { z } from 'zod';
import { text, visibleText } from '../../input/text.ts';
import type { TextLimit } from '../limits.ts';
import { defineTemplate } from '../template.ts';
import { xPostLimit } from '../x-length.ts';

const platforms = ['x', 'linkedin', 'facebook', 'instagram', 'threads'] as const;
type Platform = (typeof platforms)[number];

/** What each platform takes in one post (Facebook's 63,206 is past what the output schema allows). */
export const postLimits: Record<Platform, TextLimit | undefined> = {
  x: { max: xPostLimit, unit: 'x', ellipsis: true },
  linkedin: { max: 3000, unit: 'characters', ellipsis: true },
  facebook: undefined,
  instagram: { max: 2200, unit: 'characters', ellipsis: true },
  threads: { max: 500, unit: 'characters', ellipsis: true },
};

const shapes: Record<Platform, { ask: string; tokens: number }> = {
  x: {
    ask: 'a post for X (Twitter) under 280 characters, links counting 23, with at most two hashtags',
    tokens: 120,
  },
  linkedin: {
    ask: 'a LinkedIn post of 120–250 words: a hook in its first two lines, short paragraphs, 3–5 hashtags at the end',
    tokens: 700,
  },
  facebook: { ask: 'a Facebook post of 40–100 words that invites comments', tokens: 250 },
  instagram: {
    ask: 'an Instagram caption of at most 150 words with 3–8 relevant hashtags at the end',
    tokens: 350,
  },
  threads: { ask: 'a Threads post under 500 characters', tokens: 180 },
};

export const socialPost = defineTemplate({
  id: 'social-post',
  name: 'Social post',
  category: 'social',
  description: 'Posts for X, LinkedIn, Facebook, Instagram or Threads, each within the platform’s limit.',
  input: {
    platform: z.enum(platforms).default('x').meta({ title: 'Platform' }),
    topic: visibleText(2000).meta({
      title: 'Topic',
      description: 'What to post about: an announcement, an idea, a link with what it says',
    }),
    callToAction: text({ max: 200 })
      .optional()
      .meta({ title: 'Call to action', description: 'e.g. "Read the guide", "Sign up today"' }),
  },
  variants: { default: 3, max: 5 },
  output: {
    text: { schema: z.string().min(1).max(4000).describe('The whole post, ready to publish'), label: 'Post' },
  },
  task: (input) =>
    `Write ${shapes[input.platform].ask}, about the topic in the request${input.callToAction ? ', ending with its call to action' : ''}.`,
  limits: (input) => ({ text: postLimits[input.platform] }),
  variantTokens: (input) => shapes[input.platform].tokens,
});
