// Failed-query errors carry the statement's parameter values: Drizzle puts them in the message
// ("Failed query: … params: <values>") and in `params`, PGlite in `params`, PostgreSQL's `detail`
// quotes key values. Those values are user data (a password hash, an email), so what is logged or
// reported keeps the statement and the database's reason and drops the values.

// From "params:" to the stack's first frame, or to the end of the text.
const paramsText = /\nparams: [\s\S]*?(?=\n\s+at |$)/g;
const valueKeys = new Set(['params', 'parameters', 'detail']);

/** `text` with Drizzle's "params: …" part replaced. */
export const withoutParamsText = (text: string) => text.replace(paramsText, '\nparams: [redacted]');

/** A copy of a serialized error (or any log value) without query parameter values, at any depth. */
export function withoutQueryValues(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return withoutParamsText(value);
  if (!value || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => withoutQueryValues(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = valueKeys.has(key) ? '[redacted]' : withoutQueryValues(v, depth + 1);
  }
  return out;
}
