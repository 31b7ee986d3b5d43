// An X thread: each post within 280 as X counts it. An over-long post is split where its sentences
// end (nothing dropped); numbering (" 3/8") is ours, added after the split and counted in it.
import { z } from 'zod';
import { type Repair, splitIntoPosts } from '../../limits.ts';
import { xLength, xPostLimit } from '../../x-length.ts';
import { defineFormat, type RemixPart } from '../format.ts';

// "1/", "1/8", "(1/8)", "1." or "1)" that a model puts at a post's start, " 1/8" at its end — not
// the number a post opens with ("5 ways to…").
const leadingNumber = /^\s*\(?\d{1,3}(?:\s*\/\s*\d{0,3}\)?|[.:)])\s+/;
const trailingNumber = /\s+\(?\d{1,3}\s*\/\s*\d{1,3}\)?\s*$/;
const withoutNumbering = (post: string) => post.replace(leadingNumber, '').replace(trailingNumber, '').trim();

function splitAll(posts: readonly string[], room: number) {
  const out: string[] = [];
  const repairs: Repair[] = [];
  for (const [i, post] of posts.entries()) {
    const pieces = splitIntoPosts(post, room, 'x');
    if (pieces.length > 1)
      repairs.push({
        index: out.length,
        field: 'post',
        message: `Post ${i + 1} was ${xLength(post)} characters as X counts them: split into ${pieces.length} posts`,
      });
    out.push(...pieces);
  }
  return { posts: out, repairs };
}

export const xThread = defineFormat({
  id: 'x-thread',
  name: 'X thread',
  schema: z.object({
    posts: z
      .array(z.string().min(1).max(2000))
      .min(1)
      .max(40)
      .describe('The posts in order, each under 280 characters'),
  }),
  task: (o) =>
    `Write an X (Twitter) thread of about ${o.posts} posts from the article: the first post a hook that makes people read on, then one idea per post, the last a takeaway or call to action. Each post under 260 characters (a link counts 23); no numbering, no hashtags except at most two in the last post.`,
  maxOutputTokens: (o) => o.posts * 90 + 200,
  finish(answer, o) {
    const given = answer.posts.map((p) => (o.numbered ? withoutNumbering(p) : p.trim())).filter(Boolean);
    // Room for the " n/N" suffix: sized by the count after splitting, which a longer suffix can raise.
    let suffix = o.numbered ? ` ${given.length}/${given.length}`.length : 0;
    let split = splitAll(given, xPostLimit - suffix);
    while (o.numbered && ` ${split.posts.length}/${split.posts.length}`.length > suffix) {
      suffix = ` ${split.posts.length}/${split.posts.length}`.length;
      split = splitAll(given, xPostLimit - suffix);
    }
    const total = split.posts.length;
    const posts = split.posts.map((p, i) => (o.numbered ? `${p} ${i + 1}/${total}` : p));
    const parts: RemixPart[] = posts.map((text, i) => ({
      label: `Post ${i + 1}`,
      text,
      length: xLength(text),
      limit: { max: xPostLimit, unit: 'x' },
    }));
    return { title: null, text: posts.join('\n\n'), parts, repairs: split.repairs };
  },
});
