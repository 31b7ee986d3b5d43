// The distinct values of a column among one workspace's rows, one index probe each (a "loose index
// scan"): PostgreSQL has no skip scan before 18, so SELECT DISTINCT reads every row of the workspace
// (7–9 ms at 20,000 documents before each knowledge search, bench/RESULTS.md "Article list search").
// The table needs an index on (workspace_id, column).

/** Identifiers written into the SQL: from code, never from input. */
export interface IndexedColumn {
  table: string;
  column: string;
}

/**
 * SQL ($1: the workspace) of the column's distinct values as text (`value`), a NULL among them when
 * some row has none (one more probe).
 */
export function workspaceDistinctValuesSql({ table, column }: IndexedColumn): string {
  return `WITH RECURSIVE found AS (
       (SELECT ${column} AS value FROM ${table}
          WHERE workspace_id = $1 AND ${column} IS NOT NULL ORDER BY ${column} LIMIT 1)
       UNION ALL
       SELECT (SELECT t.${column} FROM ${table} t
                 WHERE t.workspace_id = $1 AND t.${column} > found.value ORDER BY t.${column} LIMIT 1)
       FROM found WHERE found.value IS NOT NULL)
     SELECT value::text AS value FROM found WHERE value IS NOT NULL
     UNION ALL
     SELECT NULL WHERE EXISTS (SELECT 1 FROM ${table} WHERE workspace_id = $1 AND ${column} IS NULL)`;
}
