// When a prepared statement can no longer run as prepared — its plan's result type changed (a table
// it reads with `*` gained or lost columns: another process migrated the schema; SQLSTATE 0A000,
// "cached plan must not change result type") or the server no longer holds it (26000, after
// `DEALLOCATE`, or a pooler that hands the session to another client). The statement did not run,
// so it is safe to send again. Both prepared paths — the embedded one (pglite-statements.ts) and
// PostgreSQL's named statements (client.ts) — recover on this one test.
export const isStalePreparedStatement = (err: unknown) => {
  const code = (err as { code?: string }).code;
  return code === '0A000' || code === '26000';
};
