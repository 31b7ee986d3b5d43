import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { extractReadable } from '../../src/research/extract.ts';
import { articlePage, prose } from './article-page.ts';

describe('extractReadable', () => {
  const page = articlePage({
    title: 'How heat pumps cut winter bills',
    paragraphs: prose('heat pumps', 'Northern'),
    canonical: '/energy/heat-pumps',
    published: '2026-03-04T08:00:00Z',
    lang: 'en-GB',
  });

  it('keeps the article and strips navigation, sidebar, footer and scripts', () => {
    const result = extractReadable(
      Buffer.from(page),
      'text/html; charset=utf-8',
      'https://news.example/amp/heat',
    );
    expect(result.title).toBe('How heat pumps cut winter bills');
    expect(result.text).toContain('Northern paragraph 1 explains how heat pumps affects households');
    expect(result.text).toContain('Northern paragraph 6');
    for (const chrome of [
      'Subscribe to our newsletter',
      'Celebrity gossip',
      'All rights reserved',
      'Cookie settings',
      'UA-1',
    ])
      expect(result.text).not.toContain(chrome);
    // Paragraphs stay separate.
    expect(result.text.split('\n\n').length).toBeGreaterThanOrEqual(6);
    expect(result.canonicalUrl).toBe('https://news.example/energy/heat-pumps');
    expect(result.publishedAt).toBe('2026-03-04T08:00:00.000Z');
    expect(result.language).toBe('en-GB');
    expect(result.byline).toContain('Ada Lovelace');
    expect(result.wordCount).toBeGreaterThan(150);
  });

  it('falls back to the fetched URL without a canonical link', () => {
    const plain = articlePage({ title: 'T', paragraphs: prose('x', 'Y') });
    expect(extractReadable(plain, 'text/html', 'https://a.example/p').canonicalUrl).toBe(
      'https://a.example/p',
    );
  });

  it('passes plain text through', () => {
    const result = extractReadable(
      '# Notes\n\nsome plain words here',
      'text/plain',
      'https://a.example/n.txt',
    );
    expect(result).toMatchObject({ title: 'Notes', text: '# Notes\n\nsome plain words here', wordCount: 6 });
  });

  it('rejects content that is not text', () => {
    const error = (() => {
      try {
        return extractReadable(Buffer.from('%PDF-1.7'), 'application/pdf', 'https://a.example/f.pdf');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('unsupported_media_type');
  });
});
