// A video script: scenes with what is said and what is shown, timed at 150 spoken words a minute.
import { z } from 'zod';
import { defineFormat, freePart } from '../format.ts';

const wordsPerMinute = 150;

export const videoScript = defineFormat({
  id: 'video-script',
  name: 'Video script',
  schema: z.object({
    title: z.string().min(1).max(300),
    scenes: z
      .array(
        z.object({
          heading: z.string().min(1).max(200).describe('What the scene is about'),
          narration: z.string().min(1).max(5000).describe('What is said, word for word'),
          onScreen: z.string().max(1000).describe('What is shown: footage, text overlays, graphics'),
        }),
      )
      .min(1)
      .max(40),
  }),
  task: (o) =>
    `Write the script of a ${o.minutes}-minute video from the article (about ${o.minutes * wordsPerMinute} words of narration in all): a hook in the first ten seconds, then scenes each with what is said and what is shown on screen, and a closing call to action.`,
  maxOutputTokens: (o) => o.minutes * wordsPerMinute * 2 + 400,
  finish(answer) {
    const parts = answer.scenes.map((s, i) =>
      freePart(
        `Scene ${i + 1}: ${s.heading.trim()}`,
        [s.onScreen.trim() ? `On screen: ${s.onScreen.trim()}` : '', s.narration.trim()]
          .filter(Boolean)
          .join('\n\n'),
      ),
    );
    const title = answer.title.trim();
    return {
      title,
      text: [`# ${title}`, ...parts.map((p) => `## ${p.label}\n\n${p.text}`)].join('\n\n'),
      parts,
      repairs: [],
    };
  },
});
