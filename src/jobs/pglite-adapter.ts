// pg-boss talks to PGlite through this: PGlite's `query` takes one statement with parameters,
// while pg-boss also sends parameterless multi-statement scripts (schema creation, maintenance),
// which must go through `exec`.
import type { PGlite } from '@electric-sql/pglite';

export function pgliteExecutor(pglite: PGlite) {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      if (values.length > 0) {
        const r = await pglite.query(text, values);
        return { rows: r.rows };
      }
      const results = await pglite.exec(text);
      return { rows: results.at(-1)?.rows ?? [] };
    },
  };
}
