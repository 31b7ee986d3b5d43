// Ad copy within each network's field limits (Google responsive search ads, Meta, LinkedIn).
import { z } from 'zod';
import { text, visibleText } from '../../input/text.ts';
import type { TextLimit } from '../limits.ts';
import { defineTemplate } from '../template.ts';

const networks = ['google', 'meta', 'linkedin'] as const;
type Network = (typeof networks)[number];

const characters = (max: number): TextLimit => ({ max, unit: 'characters' });

/** Google: a responsive search ad's headline and description; Meta and LinkedIn: what shows uncut. */
export const adLimits: Record<Network, { headline: TextLimit; description: TextLimit }> = {
  google: { headline: characters(30), description: characters(90) },
  meta: { headline: characters(40), description: characters(125) },
  linkedin: { headline: characters(70), description: characters(150) },
};

export const adCopy = defineTemplate({
  id: 'ad-copy',
  name: 'Ad copy',
  category: 'ads',
  description: 'Headlines and descriptions for Google, Meta or LinkedIn ads, within each network’s limits.',
  input: {
    network: z.enum(networks).default('google').meta({ title: 'Ad network' }),
    product: visibleText(1000).meta({
      title: 'Product or offer',
      description: 'What is advertised and why it is worth it',
    }),
    keywords: text({ max: 200 })
      .optional()
      .meta({ title: 'Keywords', description: 'Search terms to work in, comma-separated' }),
  },
  variants: { default: 3, max: 10 },
  output: {
    headline: { schema: z.string().min(1).max(300).describe('The headline'), label: 'Headline' },
    description: { schema: z.string().min(1).max(1000).describe('The description'), label: 'Description' },
  },
  task: (input) => {
    const limits = adLimits[input.network];
    return `Write ad copy for ${input.network === 'google' ? 'a Google search ad' : `a ${input.network === 'meta' ? 'Meta (Facebook/Instagram)' : 'LinkedIn'} ad`} for the product or offer in the request: a headline of at most ${limits.headline.max} characters and a description of at most ${limits.description.max} characters${input.keywords ? ', working in its keywords' : ''}. Make each variant a different angle.`;
  },
  limits: (input) => adLimits[input.network],
  variantTokens: () => 100,
});
