// The languages an integration guide's code samples are written in: a leaf module, so the brief's
// schema can name them without importing the sample generator.

export const sampleLanguages = ['curl', 'javascript', 'python'] as const;
export type SampleLanguage = (typeof sampleLanguages)[number];

/** How each language is named to a reader, and the info string of its fenced code block. */
export const languageInfo: Record<SampleLanguage, { label: string; fence: string }> = {
  curl: { label: 'curl', fence: 'sh' },
  javascript: { label: 'JavaScript (Node.js 18+, saved as an .mjs module)', fence: 'javascript' },
  python: { label: 'Python 3 (requests)', fence: 'python' },
};

/** How many operations one guide explains at most: each is a section's worth of prose and samples. */
export const maxGuideOperations = 12;
