import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { articleJsonLd, jsonLdScript } from '../../src/seo/json-ld.ts';

describe('articleJsonLd', () => {
  const base = {
    title: 'Cold brew coffee at home',
    description: 'How to make smooth cold brew coffee at home.',
    datePublished: '2026-11-22T10:00:00Z',
    keywords: ['cold brew', 'coffee'],
  };

  it('has the fields schema.org and search engines require', () => {
    const ld = articleJsonLd({
      ...base,
      author: 'Ada Lovelace',
      url: 'https://blog.example.com/cold-brew',
      image: 'https://blog.example.com/cover.jpg',
      language: 'en',
    });
    expect(ld).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'Article',
      headline: base.title,
      description: base.description,
      datePublished: '2026-11-22T10:00:00.000Z',
      dateModified: '2026-11-22T10:00:00.000Z',
      author: { '@type': 'Person', name: 'Ada Lovelace' },
      mainEntityOfPage: { '@type': 'WebPage', '@id': 'https://blog.example.com/cold-brew' },
      image: ['https://blog.example.com/cover.jpg'],
      keywords: 'cold brew, coffee',
      inLanguage: 'en',
    });
    // Round-trips as JSON with nothing lost (no Dates, no undefined).
    expect(JSON.parse(JSON.stringify(ld))).toEqual(ld);
  });

  it('omits optional fields rather than emitting empty ones', () => {
    const ld = articleJsonLd({ ...base, keywords: [] });
    expect(Object.keys(ld).sort()).toEqual(
      ['@context', '@type', 'dateModified', 'datePublished', 'description', 'headline'].sort(),
    );
  });

  it('caps the headline at 110 characters', () => {
    const ld = articleJsonLd({ ...base, title: `${'word '.repeat(40)}end` });
    expect(ld.headline.length).toBeLessThanOrEqual(110);
    expect(ld.headline.endsWith('…')).toBe(true);
  });

  it('rejects an invalid date with a validation error', () => {
    expect(() => articleJsonLd({ ...base, datePublished: 'yesterday-ish' })).toThrow(AppError);
  });

  it('escapes "<" so a title cannot close the script element', () => {
    const html = jsonLdScript(articleJsonLd({ ...base, title: '</script><script>alert(1)</script>' }));
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(JSON.parse(html.replace(/^<script[^>]*>|<\/script>$/g, '')).headline).toContain('</script>');
  });
});
