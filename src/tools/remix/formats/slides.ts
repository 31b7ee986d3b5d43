// A slide outline: a title, one idea per slide with short bullets and speaker notes; the text is
// Markdown with `---` between slides (what Marp and most Markdown deck tools read).
import { z } from 'zod';
import { defineFormat, freePart } from '../format.ts';

export const slides = defineFormat({
  id: 'slides',
  name: 'Slide outline',
  schema: z.object({
    title: z.string().min(1).max(300),
    slides: z
      .array(
        z.object({
          title: z.string().min(1).max(200),
          bullets: z.array(z.string().min(1).max(300)).max(8).describe('3–5 short bullets'),
          notes: z.string().max(3000).describe('Speaker notes, 2–4 sentences'),
        }),
      )
      .min(1)
      .max(40),
  }),
  task: (o) =>
    `Write the outline of a ${o.slides}-slide deck from the article: one idea per slide, 3–5 bullets of at most 12 words each and 2–4 sentences of speaker notes per slide, the last slide a summary of the takeaways. The title is the deck's; do not count a title slide among the ${o.slides}.`,
  maxOutputTokens: (o) => o.slides * 160 + 200,
  finish(answer) {
    const parts = answer.slides.map((s, i) =>
      freePart(
        `Slide ${i + 1}: ${s.title.trim()}`,
        [
          s.bullets.map((b) => `- ${b.trim()}`).join('\n'),
          s.notes.trim() ? `Speaker notes: ${s.notes.trim()}` : '',
        ]
          .filter(Boolean)
          .join('\n\n'),
      ),
    );
    const title = answer.title.trim();
    return {
      title,
      text: [`# ${title}`, ...answer.slides.map((s, i) => `## ${s.title.trim()}\n\n${parts[i]!.text}`)].join(
        '\n\n---\n\n',
      ),
      parts,
      repairs: [],
    };
  },
});
