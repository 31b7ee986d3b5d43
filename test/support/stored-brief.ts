// A brief as the articles table stores it (every default filled in), for tests that insert
// articles directly instead of going through POST /articles.
export const storedBrief = (topic: string) => ({
  topic,
  words: 800,
  language: 'en',
  keywords: [],
  outline: [],
  research: { web: false, knowledge: false, documents: [], urls: [] },
  factCheck: true,
  seo: true,
});
