// Values from a spec written as literals of the sample's language. Whatever a spec's example holds
// (quotes, `$(…)`, backslashes, line breaks), it stays one string in the sample: nothing in it can
// end the literal and become code.

/** A POSIX shell word in single quotes: a quote inside becomes `'\''`. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const escapes: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function escaped(s: string, quote: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\' || ch === quote) out += `\\${ch}`;
    else if (escapes[ch]) out += escapes[ch];
    // Control characters, and the line and paragraph separators some editors break lines at.
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029)
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** A JavaScript string literal in single quotes. */
export const jsString = (s: string) => `'${escaped(s, "'")}'`;

/** A Python string literal in double quotes. */
export const pyString = (s: string) => `"${escaped(s, '"')}"`;

const jsKey = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : jsString(k));

type Spell = {
  string: (s: string) => string;
  key: (k: string) => string;
  true: string;
  false: string;
  null: string;
  /** After the last item of a multi-line object or array (JavaScript's trailing comma). */
  trailing: string;
};

const spellings: Record<'javascript' | 'python', Spell> = {
  javascript: { string: jsString, key: jsKey, true: 'true', false: 'false', null: 'null', trailing: ',' },
  python: { string: pyString, key: pyString, true: 'True', false: 'False', null: 'None', trailing: ',' },
};

/** A JSON value as a literal of `language`, indented by two (JavaScript) or four (Python) spaces a level. */
export function literal(value: unknown, language: 'javascript' | 'python', indent = ''): string {
  const spell = spellings[language];
  const step = language === 'python' ? '    ' : '  ';
  if (value === null || value === undefined) return spell.null;
  if (typeof value === 'string') return spell.string(value);
  if (typeof value === 'boolean') return value ? spell.true : spell.false;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : spell.null;
  const inner = indent + step;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v) => `${inner}${literal(v, language, inner)}${spell.trailing}`);
    return `[\n${items.join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const items = entries.map(
    ([k, v]) => `${inner}${spell.key(k)}: ${literal(v, language, inner)}${spell.trailing}`,
  );
  return `{\n${items.join('\n')}\n${indent}}`;
}

/** A query string of `pairs`, each part percent-encoded. */
export const queryString = (pairs: ReadonlyArray<[string, string]>) =>
  pairs.map(([k, v]) => `${encoded(k)}=${encoded(v)}`).join('&');

/** Percent-encoded; a lone surrogate (which encodeURIComponent throws on) as U+FFFD. */
export const encoded = (text: string) => encodeURIComponent(text.toWellFormed());
