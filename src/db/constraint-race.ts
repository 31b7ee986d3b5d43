// A write refused by a foreign key or a unique index that the code had checked just before: what it
// refers to was deleted (an article deleted while an edit kept its version), or the same thing was
// created (a second step of one name), by another request in between. Every request checks what it
// refers to and what it creates first, so these mean a race lost, not a bug: the HTTP edge answers
// 409 for them rather than 500.
import { causes } from './error-causes.ts';

export interface ConstraintRace {
  kind: 'deleted' | 'duplicate';
  /** The constraint's name, for the log. */
  constraint?: string;
}

const kinds: Record<string, ConstraintRace['kind']> = {
  '23503': 'deleted', // foreign_key_violation
  '23505': 'duplicate', // unique_violation
};

export function constraintRace(err: unknown): ConstraintRace | undefined {
  for (const e of causes(err)) {
    const kind = typeof e.code === 'string' ? kinds[e.code] : undefined;
    if (kind) return { kind, ...(typeof e.constraint === 'string' ? { constraint: e.constraint } : {}) };
  }
  return undefined;
}
