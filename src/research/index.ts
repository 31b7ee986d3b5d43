export { memoryCache, type ResearchCache } from './cache.ts';
export { normaliseUrl } from './canonical-url.ts';
export { type ExtractedPage, extractableTypes, extractReadable } from './extract.ts';
export { type ResearchConfig, researchFromConfig } from './from-config.ts';
export * from './providers/index.ts';
export { domainSignal, freshnessSignal, lengthSignal, qualityScore } from './quality.ts';
export {
  type ResearchDeps,
  type ResearchOptions,
  type ResearchProgress,
  researchDefaults,
  researchQuestions,
  type Source,
} from './web-research.ts';
