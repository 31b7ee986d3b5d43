// What a backup is checked against: exact row counts of every table (all application schemas:
// public, drizzle's migration log, pg-boss) and a checksum of the articles, read in one snapshot.
import { AppError } from '../errors.ts';

export type RunQuery = <Row>(text: string) => Promise<Row[]>;

export interface Inventory {
  /** `schema.table` → rows. */
  tables: Record<string, number>;
  /** md5 over every article row's text form, ordered by id: any changed field changes it. */
  articlesChecksum: string;
  /** Applied drizzle migrations (to refuse restoring into an older code base blindly). */
  migrations: number;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function takeInventory(query: RunQuery): Promise<Inventory> {
  const tables = await query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
        AND table_schema NOT LIKE 'pg\\_%'
      ORDER BY 1, 2`,
  );
  // A database Blogsmith never migrated (a new cluster, an empty PostgreSQL database) has nothing to
  // back up, and its checksum below would fail on a missing table.
  if (!tables.some((t) => t.schema === 'public' && t.name === 'articles'))
    throw new AppError(
      'validation_error',
      'The database holds no Blogsmith tables: run `blogsmith migrate` (or start Blogsmith once) first',
    );
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const [row] = await query<{ n: string | number }>(
      `SELECT count(*) AS n FROM ${ident(t.schema)}.${ident(t.name)}`,
    );
    counts[`${t.schema}.${t.name}`] = Number(row?.n ?? 0);
  }
  const [sum] = await query<{ md5: string }>(
    `SELECT md5(coalesce(string_agg(a::text, E'\\n' ORDER BY a.id), '')) AS md5 FROM public.articles a`,
  );
  return {
    tables: counts,
    articlesChecksum: sum?.md5 ?? '',
    migrations: counts['drizzle.__drizzle_migrations'] ?? 0,
  };
}

export interface InventoryDifference {
  what: string;
  expected: string | number;
  actual: string | number;
}

export function compareInventories(expected: Inventory, actual: Inventory): InventoryDifference[] {
  const differences: InventoryDifference[] = [];
  const names = new Set([...Object.keys(expected.tables), ...Object.keys(actual.tables)]);
  for (const name of [...names].sort()) {
    const e = expected.tables[name];
    const a = actual.tables[name];
    if (e !== a)
      differences.push({ what: `rows in ${name}`, expected: e ?? 'missing', actual: a ?? 'missing' });
  }
  if (expected.articlesChecksum !== actual.articlesChecksum) {
    differences.push({
      what: 'articles checksum',
      expected: expected.articlesChecksum,
      actual: actual.articlesChecksum,
    });
  }
  return differences;
}
