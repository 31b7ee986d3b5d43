// schema.org `Article` structured data for search engines.
import { AppError } from '../errors.ts';

export interface ArticleJsonLdInput {
  title: string;
  description: string;
  datePublished: Date | string;
  dateModified?: Date | string;
  author?: string | { name: string; url?: string; type?: 'Person' | 'Organization' };
  publisher?: { name: string; logoUrl?: string };
  url?: string;
  keywords: readonly string[];
  image?: string | readonly string[];
  language?: string;
}

export type ArticleJsonLd = {
  '@context': 'https://schema.org';
  '@type': 'Article';
  headline: string;
} & Record<string, unknown>;

// Google truncates (and has rejected) longer headlines.
const maxHeadlineLength = 110;

function isoDate(value: Date | string, field: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new AppError('validation_error', `${field} is not a valid date`, { field });
  return date.toISOString();
}

function headline(title: string): string {
  const clean = title.replace(/\s+/g, ' ').trim();
  if (clean.length <= maxHeadlineLength) return clean;
  const cut = clean.slice(0, maxHeadlineLength - 1);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 60 ? cut.lastIndexOf(' ') : cut.length)}…`;
}

export function articleJsonLd(input: ArticleJsonLdInput): ArticleJsonLd {
  if (!input.title.trim())
    throw new AppError('validation_error', 'title is required for JSON-LD', { field: 'title' });
  const published = isoDate(input.datePublished, 'datePublished');
  const author =
    typeof input.author === 'string'
      ? { '@type': 'Person', name: input.author }
      : input.author
        ? {
            '@type': input.author.type ?? 'Person',
            name: input.author.name,
            ...(input.author.url ? { url: input.author.url } : {}),
          }
        : undefined;
  const images =
    input.image === undefined ? [] : typeof input.image === 'string' ? [input.image] : [...input.image];
  return {
    '@context': 'https://schema.org',
    '@type': 'Article',
    headline: headline(input.title),
    description: input.description.trim(),
    datePublished: published,
    dateModified: input.dateModified ? isoDate(input.dateModified, 'dateModified') : published,
    ...(author ? { author } : {}),
    ...(input.publisher
      ? {
          publisher: {
            '@type': 'Organization',
            name: input.publisher.name,
            ...(input.publisher.logoUrl
              ? { logo: { '@type': 'ImageObject', url: input.publisher.logoUrl } }
              : {}),
          },
        }
      : {}),
    ...(input.url ? { url: input.url, mainEntityOfPage: { '@type': 'WebPage', '@id': input.url } } : {}),
    ...(images.length > 0 ? { image: images } : {}),
    ...(input.keywords.length > 0 ? { keywords: input.keywords.join(', ') } : {}),
    ...(input.language ? { inLanguage: input.language } : {}),
  };
}

// For HTML pages: "<" is escaped so no string inside can close the script element.
export function jsonLdScript(data: object): string {
  return `<script type="application/ld+json">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>`;
}
