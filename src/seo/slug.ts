// URL slugs: lower-case ASCII words joined by hyphens, at most 60 characters.
import { createHash } from 'node:crypto';

export const maxSlugLength = 60;
const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

// Letters that Unicode decomposition does not reduce to ASCII.
const transliterations: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
  '&': ' and ',
};

const articles = new Set(['a', 'an', 'the']);
// Dropped at either end of a slug ("guide-to-the" → "guide"), and in the middle only when it is too long.
const fillers = new Set([
  ...articles,
  'and',
  'or',
  'of',
  'to',
  'in',
  'on',
  'for',
  'at',
  'by',
  'with',
  'from',
  'is',
  'are',
  'be',
  'your',
  'our',
  'my',
]);

function trimFillers(words: string[]): string[] {
  let start = 0;
  let end = words.length;
  while (end - start > 1 && fillers.has(words[start]!)) start++;
  while (end - start > 1 && fillers.has(words[end - 1]!)) end--;
  return words.slice(start, end);
}

const joinedLength = (words: string[]) => words.join('-').length;

/** The text's ASCII words, lower case: accents dropped, a few letters transliterated, the rest gone. */
function asciiWords(text: string): string[] {
  const ascii = text
    .toLowerCase()
    .replace(/[ßæœøđðþłı&]/g, (c) => transliterations[c] ?? c)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/['’]/g, '');
  return ascii.split(/[^a-z0-9]+/).filter(Boolean);
}

/**
 * The words a slug of the text is made of; none when its letters are all of other scripts (a title
 * in Greek or Chinese, where "東京ガイド 2025" kept "2025" alone): its slug is then a hash of it.
 */
function slugWords(text: string): string[] {
  const words = asciiWords(text);
  return words.some((w) => /[a-z]/.test(w)) || !/\p{L}/u.test(text) ? words : [];
}

/** Whether a slug of the text is made of its words (else it is a hash of it). */
export const hasSlugWords = (text: string): boolean => slugWords(text).length > 0;

export function slugify(title: string, maxLength = maxSlugLength): string {
  let words = slugWords(title);
  if (words.length === 0) {
    return title.trim()
      ? `article-${createHash('sha256').update(title.trim()).digest('hex').slice(0, 10)}`
      : 'article';
  }
  const withoutArticles = words.filter((w) => !articles.has(w));
  if (withoutArticles.length > 0) words = withoutArticles;
  words = trimFillers(words);
  if (joinedLength(words) > maxLength) {
    const contentOnly = words.filter((w) => !fillers.has(w));
    if (contentOnly.length > 0) words = contentOnly;
  }
  // Words go from the end, each time with the fillers it leaves there, until the slug fits. Counted
  // as they go: the title may be a heading of thousands of words (a join per word was quadratic).
  // The first word is never a filler here (trimmed above), so only the end moves.
  let end = words.length;
  let length = joinedLength(words);
  const drop = () => {
    end--;
    length -= words[end]!.length + 1;
  };
  while (end > 1 && length > maxLength) {
    drop();
    while (end > 1 && fillers.has(words[end - 1]!)) drop();
  }
  return words.slice(0, end).join('-').slice(0, maxLength).replace(/-+$/, '');
}

export function isValidSlug(slug: string): boolean {
  return slug.length <= maxSlugLength && slugPattern.test(slug);
}
