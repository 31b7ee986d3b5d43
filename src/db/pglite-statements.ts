// Statements on the embedded database are prepared once and then only bound and executed.
// PGlite's own `query` sends every statement unnamed — parse, describe, bind, describe, execute and
// sync, six trips into the wasm server — so PostgreSQL parses, analyses and plans it again each
// time, on the thread everything else shares. Measured on the article steps' statements (one run
// start, a step's spend and its completion): 1.68 / 0.56 / 0.63 ms unnamed, 0.58 / 0.18 / 0.23 ms
// prepared (bench/RESULTS.md, "Prepared statements on the embedded database").
//
// Kept to the most recent `max` texts (a query with a list of n values is its own text); the one
// dropped is closed in the same trip as the next statement. A statement PostgreSQL can no longer run
// as prepared (stale-statement.ts) is prepared again once.
import {
  type messages,
  type PGlite,
  parse,
  protocol,
  type QueryOptions,
  type Results,
} from '@electric-sql/pglite';
import { isStalePreparedStatement } from './stale-statement.ts';

type BackendMessage = messages.BackendMessage;

interface Prepared {
  name: string;
  paramTypes: number[];
  /** The statement's RowDescription (or NoData), given to the result parser in place of a describe per call. */
  description: BackendMessage[];
}

// PGlite's two locks, taken in the order its own `query` takes them: the transaction lock, so a
// statement never runs inside another caller's open transaction, then the protocol lock; and its
// readiness check (throws once the database is closing or closed), made while both are held so a
// statement queued behind `close()` fails cleanly instead of reaching a torn-down server.
interface Locks {
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
  _checkReady(): Promise<void>;
}

// One count for every client and every set of statements in this process: a name is never reused.
let counter = 0;

export interface PgliteStatements {
  query<Row>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<Row>>;
}

/** Prepared-statement queries on `client`; its plain `query` when its locks are not where expected. */
export function pgliteStatements(client: PGlite, max = 256): PgliteStatements {
  const locks = client as unknown as Partial<Locks>;
  if (
    typeof locks._runExclusiveTransaction !== 'function' ||
    typeof locks._runExclusiveQuery !== 'function' ||
    typeof locks._checkReady !== 'function'
  )
    return { query: (text, params, options) => client.query(text, params, options) };
  const held = locks as Locks;
  const exclusive = <T>(fn: () => Promise<T>) =>
    held._runExclusiveTransaction.call(client, () =>
      held._runExclusiveQuery.call(client, async () => {
        await held._checkReady.call(client);
        return fn();
      }),
    ) as Promise<T>;
  const statements = new Map<string, Prepared>();
  /** Statements dropped from the map, closed with the next trip. */
  let toClose: string[] = [];

  async function prepare(text: string): Promise<Prepared> {
    const name = `bs${++counter}`;
    const messages = await client.execProtocolStream(
      join([
        ...closing(),
        protocol.serialize.parse({ name, text }),
        protocol.serialize.describe({ type: 'S', name }),
        protocol.serialize.sync(),
      ]),
      { syncToFs: false },
    );
    const prepared: Prepared = {
      name,
      paramTypes: parse.parseDescribeStatementResults(messages),
      description: messages.filter((m) => m.name === 'rowDescription' || m.name === 'noData'),
    };
    statements.set(text, prepared);
    if (statements.size > max) {
      const [oldest] = statements;
      statements.delete(oldest![0]);
      toClose.push(oldest![1].name);
    }
    return prepared;
  }

  function closing() {
    const close = toClose.map((name) => protocol.serialize.close({ type: 'S', name }));
    toClose = [];
    return close;
  }

  async function run<Row>(prepared: Prepared, params: unknown[], options?: QueryOptions) {
    const serializers = over(client.serializers, options?.serializers);
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serialize = serializers[prepared.paramTypes[i]!];
      return serialize ? serialize(value) : String(value);
    });
    const messages = await client.execProtocolStream(
      join([
        ...closing(),
        protocol.serialize.bind({ statement: prepared.name, values }),
        protocol.serialize.execute({}),
        protocol.serialize.sync(),
      ]),
      { syncToFs: false },
    );
    // Given its own parsers, PGlite's result parser would merge them with the client's itself.
    return parse.parseResults(
      [...prepared.description, ...messages],
      over(client.parsers, options?.parsers),
      options?.parsers ? { ...options, parsers: undefined } : options,
    )[0] as Results<Row>;
  }

  return {
    query<Row>(text: string, params: unknown[] = [], options?: QueryOptions) {
      return exclusive(async () => {
        let prepared = statements.get(text);
        if (prepared) {
          // Most recently used last: the first entry is the one to drop.
          statements.delete(text);
          statements.set(text, prepared);
        }
        try {
          prepared ??= await prepare(text);
          let result: Results<Row>;
          try {
            result = await run<Row>(prepared, params, options);
          } catch (err) {
            if (!isStalePreparedStatement(err)) throw err;
            statements.delete(text);
            toClose.push(prepared.name);
            result = await run<Row>(await prepare(text), params, options);
          }
          await client.syncToFs();
          return result;
        } catch (err) {
          // As PGlite's own query reports it: the statement and its parameters on the error.
          throw Object.assign(err as object, { query: text, params });
        }
      });
    },
  };
}

/**
 * A query's own parsers or serializers (Drizzle gives every statement a few, for dates) over the
 * client's. PGlite merges them by spreading the client's 318, keyed by type OIDs, into a new
 * object: an array of ~14,000 slots, ~118 kB for every statement — most of what the embedded
 * database's statements left for the young generation's collector (bench/RESULTS.md). An object
 * that inherits the client's holds only the query's own.
 */
function over<T extends object>(client: T, own: object | undefined): T {
  return own ? Object.assign(Object.create(client) as T, own) : client;
}

function join(parts: Uint8Array[]) {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
