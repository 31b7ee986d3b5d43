// Every remix format, by id.
import type { RemixFormat, RemixFormatId } from './format.ts';
import { linkedIn } from './formats/linkedin.ts';
import { newsletter } from './formats/newsletter.ts';
import { slides } from './formats/slides.ts';
import { videoScript } from './formats/video-script.ts';
import { xThread } from './formats/x-thread.ts';

export const formatsById: Record<RemixFormatId, RemixFormat> = {
  'x-thread': xThread,
  linkedin: linkedIn,
  newsletter,
  'video-script': videoScript,
  slides,
};
