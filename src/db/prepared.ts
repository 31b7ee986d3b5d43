// Statements on a hot path (every authenticated request, the busiest lists) are built once per open
// database rather than on every call: Drizzle then skips rebuilding the SQL text, and on PostgreSQL
// the statement is named, so each pooled connection parses and plans it once and afterwards only
// binds and executes it.
import type { Database } from './client.ts';

/**
 * `build` run once for each database it is asked about (kept while that database is), e.g. a
 * Drizzle query ending in `.prepare('unique_name')` with `sql.placeholder`s for its inputs.
 */
export function preparedPerDatabase<T>(build: (database: Database) => T): (database: Database) => T {
  const built = new WeakMap<Database, T>();
  return (database) => {
    let statements = built.get(database);
    if (!statements) {
      statements = build(database);
      built.set(database, statements);
    }
    return statements;
  };
}
