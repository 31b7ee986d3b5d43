// The expand/contract rule (docs/operations.md): a migration must keep working with the previous
// release's code, because both run side by side during a rollout and on rollback. Statements that
// break that (drops, renames, retypes, new NOT NULL on existing columns) need an explicit
// `-- contract: <reason>` comment on the line before, for a reviewer to judge.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const folder = path.resolve(import.meta.dirname, '../../drizzle');

const breaking: Array<[RegExp, string]> = [
  [/\bDROP\s+(TABLE|COLUMN|TYPE|SCHEMA|VIEW)\b/i, 'drops'],
  [/\bRENAME\b/i, 'renames'],
  [/\bALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE\b/i, 'changes a column type'],
  [/\bALTER\s+COLUMN\s+\S+\s+SET\s+NOT\s+NULL\b/i, 'makes an existing column NOT NULL'],
  // A serial column's default is its sequence: the previous release's inserts still fill it.
  [
    /\bADD\s+COLUMN\b(?![^;]*\b(DEFAULT|(small|big)?serial)\b)[^;]*\bNOT\s+NULL\b/i,
    'adds a NOT NULL column without a default',
  ],
];

/** Problems of one migration file: breaking statements without a `-- contract:` justification. */
function unsafeStatements(sql: string): string[] {
  const problems: string[] = [];
  const lines = sql.split('\n');
  lines.forEach((line, i) => {
    for (const [pattern, what] of breaking) {
      if (!pattern.test(line)) continue;
      const justified =
        /--\s*contract:\s*\S/.test(line) || /^\s*--\s*contract:\s*\S/.test(lines[i - 1] ?? '');
      if (!justified) problems.push(`line ${i + 1} ${what}: ${line.trim()}`);
    }
  });
  return problems;
}

describe('migrations follow expand/contract', () => {
  it('no migration breaks the previous release without a contract note', () => {
    const files = readdirSync(folder).filter((f) => f.endsWith('.sql'));
    expect(files.length).toBeGreaterThan(0);
    const problems = files.flatMap((f) =>
      unsafeStatements(readFileSync(path.join(folder, f), 'utf8')).map((p) => `${f} ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it('recognises breaking statements and accepts justified ones', () => {
    expect(unsafeStatements('ALTER TABLE "articles" DROP COLUMN "favorite";')).toHaveLength(1);
    expect(unsafeStatements('ALTER TABLE "a" RENAME COLUMN "x" TO "y";')).toHaveLength(1);
    expect(unsafeStatements('ALTER TABLE "a" ALTER COLUMN "x" SET DATA TYPE text;')).toHaveLength(1);
    expect(unsafeStatements('ALTER TABLE "a" ALTER COLUMN "x" SET NOT NULL;')).toHaveLength(1);
    expect(unsafeStatements('ALTER TABLE "a" ADD COLUMN "x" text NOT NULL;')).toHaveLength(1);
    expect(unsafeStatements('ALTER TABLE "a" ADD COLUMN "x" text DEFAULT \'\' NOT NULL;')).toEqual([]);
    expect(unsafeStatements('ALTER TABLE "a" ADD COLUMN "x" text;')).toEqual([]);
    expect(unsafeStatements('ALTER TABLE "a" ADD COLUMN "seq" bigserial NOT NULL;')).toEqual([]);
    expect(
      unsafeStatements(
        '-- contract: unused since 0.3 (release N-1 stopped reading it)\nALTER TABLE "a" DROP COLUMN "x";',
      ),
    ).toEqual([]);
  });
});
