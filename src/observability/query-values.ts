// Failed-query errors carry the statement's parameter values: Drizzle puts them in the message
// ("Failed query: … params: <values>") and in `params`, PGlite in `params`, and PostgreSQL quotes
// an offending value in its message or `detail` ("invalid input syntax for type integer: "…"",
// "Key (email)=(…) already exists"). Those values are user data (a password hash, an email), so
// what is logged or reported keeps the statement and the database's reason, never the values.

// From "params:" to the stack's first frame, or to the end of the text.
const paramsText = /\nparams: [\s\S]*?(?=\n\s+at |$)/g;
const valueKeys = new Set(['params', 'parameters', 'detail']);
// Shorter values ("1", "en") are too common to hunt for in text and too small to be secrets.
const minValueLength = 4;

/** `text` with Drizzle's "params: …" part replaced. */
export const withoutParamsText = (text: string) => text.replace(paramsText, '\nparams: [redacted]');

/** The string forms of the parameter values an error (or its causes) carries. */
export function queryValuesOf(err: unknown): string[] {
  const values: string[] = [];
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const params = (e as { params?: unknown }).params;
    if (Array.isArray(params)) {
      for (const p of params) {
        const text = typeof p === 'string' ? p : p instanceof Date ? p.toISOString() : JSON.stringify(p);
        if (text && text.length >= minValueLength) values.push(text);
      }
    }
    e = (e as { cause?: unknown }).cause;
  }
  return values;
}

function scrubText(text: string, values: readonly string[]) {
  let out = withoutParamsText(text);
  for (const value of values) out = out.split(value).join('[redacted]');
  return out;
}

/** A copy of a serialized error (or any log value) without query parameter values, at any depth. */
export function withoutQueryValues(value: unknown, values: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value, values);
  if (!value || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => withoutQueryValues(v, values, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = valueKeys.has(key) ? '[redacted]' : withoutQueryValues(v, values, depth + 1);
  }
  return out;
}
