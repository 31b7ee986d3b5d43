import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { storableTextProblem } from '../../src/input/storable-text.ts';
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

  it('drops NUL and other control characters, and mends lone surrogates, so the page can be stored', () => {
    // A stray NUL in a paragraph failed the whole article: the gather step's JSON output was refused.
    const paragraphs = prose('heat pumps', 'Stray');
    paragraphs[1] = `${paragraphs[1]}\u0000 and a bell\u0007 in it`;
    const page = articlePage({ title: 'Heat\u0001 pumps', paragraphs }).replace(
      'Ada Lovelace',
      'Ada\u0000 Lovelace',
    );
    const html = extractReadable(Buffer.from(page), 'text/html', 'https://a.example/p');
    for (const value of [html.title, html.text, html.byline ?? ''])
      expect(storableTextProblem(value)).toBeUndefined();
    expect(html.title).toBe('Heat pumps | The Daily Example');
    expect(html.text).toContain('ownership in several regions. and a bell in it');
    expect(html.byline).toContain('Ada Lovelace');
    // Tabs and line breaks are text; a lone surrogate (a string cut inside a pair) becomes U+FFFD.
    const plain = extractReadable(
      'Notes\u0000\tone\r\ntwo \ud83d three',
      'text/plain',
      'https://a.example/n',
    );
    expect(plain).toMatchObject({ title: 'Notes\tone', text: 'Notes\tone\r\ntwo \ufffd three' });
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
