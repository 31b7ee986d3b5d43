// Parameterised statements on PostgreSQL are sent as named prepared statements: node-postgres then
// parses each once per pooled connection and afterwards only binds and executes it, so the server
// does not parse, analyse and plan the same text on every call (it shares the machine's cores with
// the app). Measured on the article steps' statements: a run's start 1.32–1.42 → 0.76–0.78 ms, a
// call's spend 0.69–0.73 → 0.46–0.49 ms, a step's completion 0.77–0.81 → 0.53–0.56 ms (bench/RESULTS.md).
//
// The first `max` texts get a name and keep it; later texts run unnamed, as every text did before,
// so a caller that builds texts (a list of n values is its own text) cannot grow what each
// connection holds without bound. Parameterless texts stay unnamed: they may be scripts of several
// statements, which a prepared statement cannot hold.

export interface StatementNames {
  /** The name to send `text` under, or undefined to send it unnamed. */
  of(text: string, params: readonly unknown[]): string | undefined;
  /** `text` is sent unnamed from now on. */
  drop(text: string): void;
}

export function statementNames(max = 256): StatementNames {
  // A dropped text keeps its slot, unnamed: it is never named again.
  const names = new Map<string, string | null>();
  return {
    of(text, params) {
      if (params.length === 0) return undefined;
      let name = names.get(text);
      if (name === undefined && names.size < max) {
        name = `bs_${names.size + 1}`;
        names.set(text, name);
      }
      return name ?? undefined;
    },
    drop(text) {
      names.set(text, null);
    },
  };
}
