// A small, explainable quality score in [0, 1]: where the page comes from, how fresh it is,
// and how much readable text it has. The lists are deliberately short; they nudge, not decide.

// Public-interest and reference publishers.
const referenceDomains = [
  'wikipedia.org',
  'britannica.com',
  'nature.com',
  'arxiv.org',
  'nih.gov',
  'who.int',
  'developer.mozilla.org',
  'w3.org',
  'ietf.org',
  'acm.org',
  'ieee.org',
];
// Sites known for thin or aggregated content.
const contentFarmDomains = [
  'ehow.com',
  'answers.com',
  'wikihow.com',
  'quora.com',
  'pinterest.com',
  'medium.com',
];

const endsWithDomain = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

export function domainSignal(hostname: string): number {
  const host = hostname.toLowerCase();
  if (/\.(gov|edu|mil)(\.[a-z]{2})?$/.test(host) || /\.(gov|ac)\.[a-z]{2}$/.test(host)) return 1;
  if (referenceDomains.some((d) => endsWithDomain(host, d))) return 0.9;
  if (contentFarmDomains.some((d) => endsWithDomain(host, d))) return 0.1;
  return 0.5;
}

/** 1 for this year's pages, fading to 0.2 over five years; neutral when the date is unknown. */
export function freshnessSignal(publishedAt: string | undefined, now: Date): number {
  if (!publishedAt) return 0.5;
  const ageYears = (now.getTime() - Date.parse(publishedAt)) / (365.25 * 24 * 3600 * 1000);
  if (!Number.isFinite(ageYears)) return 0.5;
  return Math.max(0.2, Math.min(1, 1 - (ageYears * 0.8) / 5));
}

/** Readable length: under 150 words is thin, 1500+ is substantial. */
export function lengthSignal(wordCount: number): number {
  if (wordCount < 150) return (wordCount / 150) * 0.3;
  return Math.min(1, 0.3 + ((wordCount - 150) / 1350) * 0.7);
}

export const qualityWeights = { domain: 0.4, freshness: 0.2, length: 0.4 };

export function qualityScore(
  input: { hostname: string; publishedAt?: string | undefined; wordCount: number },
  now: Date,
): number {
  const score =
    qualityWeights.domain * domainSignal(input.hostname) +
    qualityWeights.freshness * freshnessSignal(input.publishedAt, now) +
    qualityWeights.length * lengthSignal(input.wordCount);
  return Math.round(score * 1000) / 1000;
}
