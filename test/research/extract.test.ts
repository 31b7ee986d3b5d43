import { Readability } from '@mozilla/readability';
import { describe, expect, it, vi } from 'vitest';
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

describe('extractReadable: character sets', () => {
  const hex = (h: string) => Buffer.from(h, 'hex');
  /** A page in a legacy encoding: markup in ASCII around the encoded title and sentence. */
  const encodedPage = (head: string, title: Buffer, sentence: Buffer) =>
    Buffer.concat([
      Buffer.from(`<!doctype html><html><head>${head}<title>`),
      title,
      Buffer.from('</title></head><body><article>'),
      ...Array.from({ length: 4 }, () =>
        Buffer.concat([
          Buffer.from('<p>'),
          ...Array.from({ length: 5 }, () => sentence),
          Buffer.from('</p>'),
        ]),
      ),
      Buffer.from('</article></body></html>'),
    ]);
  const japanese = {
    title: hex('8371815b8367837c83938376'),
    sentence: hex('8371815b8367837c8393837682cd8bf38b4382cc944d82f08e6782c182c489c682f0926782df82dc82b78142'),
  };
  const chinese = {
    title: hex('c8c8b1c3'),
    sentence: hex('c8c8b1c3c0fbd3c3bfd5c6f8d6d0b5c4c8c8c1bfceaab7bfceddb9a9c5afa1a3'),
  };
  const korean = {
    title: hex('c8f7c6aec6dfc7c1'),
    sentence: hex('c8f7c6aec6dfc7c1b4c220b0f8b1e2c0c720bfadb7ce20c1fdc0bb20b5a5bff3b4cfb4d92e'),
  };

  // Every page was read as UTF-8 whatever it declared: these were U+FFFD soup, cached for a day.
  it.each([
    [
      'Shift_JIS in <meta charset>',
      'text/html',
      encodedPage('<meta charset="Shift_JIS">', japanese.title, japanese.sentence),
      'ヒートポンプ',
      'ヒートポンプは空気の熱を使って家を暖めます。',
    ],
    [
      'GBK in <meta http-equiv>',
      'text/html',
      encodedPage(
        '<meta http-equiv="Content-Type" content="text/html; charset=gbk">',
        chinese.title,
        chinese.sentence,
      ),
      '热泵',
      '热泵利用空气中的热量为房屋供暖。',
    ],
    [
      'EUC-KR in the Content-Type',
      'text/html; charset=EUC-KR',
      encodedPage('', korean.title, korean.sentence),
      '히트펌프',
      '히트펌프는 공기의 열로 집을 데웁니다.',
    ],
    [
      'Windows-1252 in the Content-Type',
      'text/html; charset=windows-1252',
      Buffer.from(
        articlePage({ title: 'Café crème à Zürich', paragraphs: prose('Größe', 'Café') }).replace(
          '<meta charset="utf-8">',
          '',
        ),
        'latin1',
      ),
      'Café crème à Zürich | The Daily Example',
      'Café paragraph 1 explains how Größe affects households',
    ],
  ])('reads a page in %s', (_name, contentType, body, title, sentence) => {
    const page = extractReadable(body, contentType, 'https://a.example/p');
    expect(page.title).toBe(title);
    expect(page.text).toContain(sentence);
    expect(page.text).not.toContain('\ufffd');
  });

  const notes = 'Heat pump notes. Café visits, Größe and cost: 30 € a month.';
  it.each([
    ['UTF-16LE with a byte order mark', 'text/plain', Buffer.from(`\ufeff${notes}`, 'utf16le')],
    ['UTF-16BE with a byte order mark', 'text/plain', Buffer.from(`\ufeff${notes}`, 'utf16le').swap16()],
    ['UTF-16LE declared in the Content-Type', 'text/plain; charset=utf-16le', Buffer.from(notes, 'utf16le')],
    // A mark vouches for UTF-8: a bad byte is one U+FFFD, not the page read as Windows-1252.
    [
      'UTF-8 with a mark and a bad byte',
      'text/plain',
      Buffer.concat([hex('efbbbf'), Buffer.from(`${notes}\nA bad byte: `), hex('ff')]),
    ],
  ])('reads plain text in %s', (_name, contentType, body) => {
    const page = extractReadable(body, contentType, 'https://a.example/n.txt');
    expect(page.text.startsWith(notes)).toBe(true);
    expect(page.title).toBe(notes);
  });

  it('refuses plain text that is UTF-16 with neither a mark nor a declaration, not a source of NULs', () => {
    const error = (() => {
      try {
        return extractReadable(Buffer.from(notes.repeat(10), 'utf16le'), 'text/plain', 'https://a.example/n');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({
      code: 'unsupported_media_type',
      message: 'The page holds binary data, not text',
    });
  });
});

describe('extractReadable: pages that leave out <html>, <head> or <body>', () => {
  const paragraphs = prose('heat pumps', 'Short').map((p) => `<p>${p}`);
  // Valid HTML5 all: linkedom adds none of the tags, so these read as no words or threw.
  it.each([
    [
      'a doctype, a title and paragraphs',
      `<!DOCTYPE html>\n<title>Heat pumps</title>\n${paragraphs.join('\n')}`,
    ],
    [
      'minified, with <html> but neither <head> nor <body>',
      `<!doctype html><html lang=en><meta charset=utf-8><title>Heat pumps</title><link rel=canonical href=/x><header><nav><a href=/>Home</a></nav></header><main><article><h1>Heat pumps</h1>${paragraphs.join('')}</article></main></html>`,
    ],
    [
      '<head> and <body> without <html>',
      `<head><title>Heat pumps</title></head><body>${paragraphs.join('')}</body>`,
    ],
    [
      '<html> and <head> without <body>',
      `<html><head><title>Heat pumps</title></head>${paragraphs.join('')}</html>`,
    ],
  ])('reads %s', (_name, html) => {
    const page = extractReadable(Buffer.from(html), 'text/html', 'https://a.example/p');
    expect(page.title).toBe('Heat pumps');
    expect(page.text).toContain('Short paragraph 6 explains how heat pumps affects households');
    expect(page.text).not.toContain('Home');
    expect(page.wordCount).toBeGreaterThan(150);
  });

  it('keeps the language and canonical link of a page without <head>', () => {
    const page = extractReadable(
      `<!doctype html><html lang=de><link rel=canonical href=/x><title>T</title>${paragraphs.join('')}`,
      'text/html',
      'https://a.example/p',
    );
    expect(page).toMatchObject({ language: 'de', canonicalUrl: 'https://a.example/x' });
  });

  it.each([
    [
      'plain text',
      'Plain words served as HTML by a lazy server.',
      'Plain words served as HTML by a lazy server.',
    ],
    ['JSON', '{"answer": "served as HTML"}', '{"answer": "served as HTML"}'],
    ['nothing', '', ''],
  ])(
    'reads %s served as text/html as its text (it threw: no document for Readability)',
    (_name, body, text) => {
      expect(extractReadable(Buffer.from(body), 'text/html', 'https://a.example/p').text).toBe(text);
    },
  );

  it('takes a page Readability fails on for one without readable text, not an error', () => {
    const parse = vi.spyOn(Readability.prototype, 'parse').mockImplementation(() => {
      throw new TypeError("Cannot read properties of null (reading 'tagName')");
    });
    try {
      const page = extractReadable(
        articlePage({ title: 'T', paragraphs: prose('x', 'Y') }),
        'text/html',
        'https://a.example/p',
      );
      expect(page).toMatchObject({ title: 'T | The Daily Example', text: '', wordCount: 0 });
    } finally {
      parse.mockRestore();
    }
  });
});
