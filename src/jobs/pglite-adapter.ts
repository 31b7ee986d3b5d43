// pg-boss talks to PGlite through this: PGlite's `query` takes one statement with parameters,
// while pg-boss also sends parameterless multi-statement scripts (schema creation, maintenance),
// which must go through `exec`. Statements go through the database's `query` (prepared once).
import type { Database } from '../db/client.ts';

export function pgliteExecutor(database: Database) {
  const pglite = database.pglite!;
  return {
    async executeSql(text: string, values: unknown[] = []) {
      if (values.length > 0) return database.query(text, values);
      const results = await pglite.exec(text);
      return { rows: results.at(-1)?.rows ?? [] };
    },
  };
}
