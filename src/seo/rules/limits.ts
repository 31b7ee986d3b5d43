// The thresholds the checks apply and the weight each check carries in the score.
export const seoLimits = {
  minWords: 300,
  metaTitle: { min: 30, max: 60 },
  metaDescription: { min: 70, max: 160 },
  density: { min: 0.5, max: 2.5 },
  fleschWarning: 50,
  fleschError: 30,
  maxAvgSentenceLength: 20,
} as const;

// What search engines and readers punish most weighs most.
export const seoWeights = {
  length: 10,
  h1: 10,
  structure: 10,
  subheadings: 5,
  readability: 10,
  sentenceLength: 5,
  keywordInTitle: 10,
  keywordInFirstParagraph: 10,
  keywordInHeadings: 5,
  keywordInMeta: 5,
  keywordInSlug: 5,
  keywordDensity: 10,
  secondaryKeywords: 5,
  metaTitle: 10,
  metaDescription: 10,
  slug: 5,
} as const;
