// Which priced name a model id falls back to when it has no price of its own: a dated snapshot or
// a `-latest` alias is billed as its family (`gpt-4o-mini-2024-07-18` as `gpt-4o-mini`,
// `claude-3-5-haiku-20241022` as `claude-3-5-haiku-latest`). Only a version suffix is taken off —
// a date, a revision number, `latest` — never a word: `gpt-4o-mini` is not a `gpt-4o`, and
// `gpt-4.1-nano-2025-04-14` is a `gpt-4.1-nano` (unpriced), not a `gpt-4.1`.

const day = '(?:0[1-9]|[12]\\d|3[01])';
const month = '(?:0[1-9]|1[0-2])';
const versionToken = [
  `20\\d\\d-${month}-${day}`, // 2024-07-18 (OpenAI)
  `20\\d\\d${month}${day}`, // 20241022 (Anthropic)
  `${month}${day}`, // 0613, 0125 (OpenAI's older snapshots)
  '0\\d\\d', // 001 (Gemini's stable revisions)
  'latest',
].join('|');
/** One version suffix at the end of a model name (`@` for Vertex-style names, `:latest` for Ollama tags). */
const versionSuffix = new RegExp(`(?:[-@](?:${versionToken})|:latest)$`);

// Ids are configured models, so few; a workspace's members name them, so they are bounded all the
// same (forgotten all at once past this many), as in scoped-key.ts.
const maxKnown = 1024;
const families = new Map<string, string | null>();

/**
 * The family `id` (`provider:model`) belongs to: the id without its version suffix, or null when
 * it has none. Each id's answer is kept: it is asked on every call to a model without a price.
 */
export function familyOf(id: string): string | null {
  const known = families.get(id);
  if (known !== undefined) return known;
  const colon = id.indexOf(':');
  const match = versionSuffix.exec(id.slice(colon + 1));
  // Nothing before the suffix (`openai:2024-07-18`) is no family.
  const family = match && match.index > 0 ? id.slice(0, colon + 1 + match.index) : null;
  if (families.size >= maxKnown) families.clear();
  families.set(id, family);
  return family;
}

/**
 * The family a priced id stands for besides itself: an alias's (`claude-3-5-haiku-latest` prices
 * `claude-3-5-haiku-…`), or Anthropic's `-0` alias of a major version (`claude-sonnet-4-0` is
 * `claude-sonnet-4-20250514`); null for any other id. `claude-sonnet-4-5` is not an alias: its
 * `-5` is the minor version.
 */
export function familyAliasOf(id: string): string | null {
  if (id.endsWith('-latest') || id.endsWith(':latest')) return id.slice(0, -'-latest'.length);
  if (id.startsWith('anthropic:') && /-\d+-0$/.test(id)) return id.slice(0, -2);
  return null;
}
