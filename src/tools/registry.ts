// Every short-form tool template, in the order the Tools page lists them.
import { AppError } from '../errors.ts';
import type { ToolTemplate } from './template.ts';
import { adCopy } from './templates/ads.ts';
import { changeTone, expand, rewrite, summarize } from './templates/editing.ts';
import { email } from './templates/email.ts';
import { metaDescription, titles } from './templates/seo.ts';
import { socialPost } from './templates/social.ts';

export const toolTemplates: readonly ToolTemplate[] = [
  socialPost,
  email,
  adCopy,
  titles,
  metaDescription,
  rewrite,
  expand,
  summarize,
  changeTone,
];

const byId = new Map(toolTemplates.map((t) => [t.id, t]));

export function toolTemplate(id: string): ToolTemplate {
  const found = byId.get(id);
  if (!found)
    throw new AppError('not_found', `No tool template "${id}": GET /api/v1/tools lists them`, [
      { path: 'id', message: `must be one of ${[...byId.keys()].join(', ')}` },
    ]);
  return found;
}
