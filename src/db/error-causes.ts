// Drivers and ORMs wrap the database's own error (Drizzle's query error around pg's or PGlite's), so
// what it says (its SQLSTATE, its constraint) is looked for down the whole `cause` chain.

export interface ErrorCause {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
  constraint?: unknown;
}

/** The error and each `cause` under it, outermost first (a cycle ends the walk). */
export function* causes(err: unknown): Generator<ErrorCause> {
  const seen = new Set<unknown>();
  for (let e = err; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    yield e as ErrorCause;
  }
}
