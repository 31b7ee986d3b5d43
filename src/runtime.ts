import type { Logger } from 'pino';
import { type ApiKeyVerifier, createApiKeyVerifier } from './accounts/api-keys.ts';
import { audit } from './accounts/audit.ts';
import { ensureAdmin } from './accounts/bootstrap.ts';
import { createLoginThrottle, type LoginThrottle } from './accounts/login-throttle.ts';
import { createRevocationBus, type RevocationBus } from './accounts/revocations.ts';
import { type ArticleEventBus, createArticleEventBus } from './articles/events.ts';
import { type CounterStore, memoryCounters, redisCounters } from './cache/counters.ts';
import { closeRedis, createRedis, type Redis } from './cache/redis.ts';
import type { Config } from './config.ts';
import { type Database, openDatabase } from './db/client.ts';
import { type DataDirLock, lockDataDir } from './db/data-dir-lock.ts';
import { makeDirectory } from './db/make-directory.ts';
import { type MigrationResult, runMigrations } from './db/migrate.ts';
import { unreachableAtStart } from './db/unavailable.ts';
import { appJobs } from './jobs/job-map.ts';
import { createJobQueue, type JobQueue } from './jobs/queue.ts';
import { prepareVectorSearch } from './knowledge/vector-setup.ts';
import { createAppLlmGateway } from './llm/app-gateway.ts';
import { resolveModels } from './llm/resolve-models.ts';
import type { LlmGateway } from './llm/types.ts';
import { watchDataDirDisk } from './observability/disk-metrics.ts';
import { createLogger } from './observability/logger.ts';
import { closeDataDir, secureDataDir } from './security/data-dir-permissions.ts';
import { resolveSecretKey } from './security/secret-key.ts';

export interface Runtime {
  config: Config;
  logger: Logger;
  database: Database;
  migration: MigrationResult;
  /** SECRET_KEY, or the key generated into DATA_DIR on first start. */
  secretKey: string;
  /** Held while this process owns the embedded data directory. */
  dataDirLock?: DataDirLock;
  /** The job queue (pg-boss on the same database); started by `serve` and `worker`. */
  queue: JobQueue;
  /** Every LLM and embedding call goes through this gateway. */
  llm: LlmGateway;
  /** Token for `blogsmith` commands on this machine (set by the edge that listens); see local-token.ts. */
  localToken?: string;
  /** Article progress events: stored for replay, delivered live across processes. */
  articleEvents: ArticleEventBus;
  /** Present when REDIS_URL is set; commands fail fast while Redis is down. */
  redis?: Redis;
  /** Announces revoked credentials to every process (accounts/revocations.ts). */
  revocations: RevocationBus;
  /** Verifies API keys, remembering them briefly until a revocation says otherwise. */
  apiKeys: ApiKeyVerifier;
  /** Password-guessing limits, shared through Redis when configured. */
  signIns: LoginThrottle;
  /** Expiring counters for throttles, shared by every process through Redis when it is configured. */
  counters: CounterStore;
  /** Closes everything opened here, in reverse order. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logger?: Logger;
  /** Overrides DATA_DIR for the embedded database (tests use `memory://`). */
  dataDir?: string;
  /**
   * Which command this is: shown to other processes that find the embedded data directory held, and
   * PostgreSQL's application_name for its connections (a restore refuses while one is connected).
   */
  command?: string;
  /** Prefix for every Redis key (tests isolate runs with it). */
  redisKeyPrefix?: string;
}

export async function createRuntime(config: Config, opts: RuntimeOptions = {}): Promise<Runtime> {
  const logger = opts.logger ?? createLogger(config);
  const dataDir = opts.dataDir ?? config.DATA_DIR;
  // The embedded database and a generated secret key live in DATA_DIR: private to this user. The
  // folder is closed (0700) before anything is written into it; its contents are repaired once the
  // database is open (PGlite sets its own file modes, so the umask alone does not cover them).
  const privateDataDir = dataDir !== 'memory://' && (!config.DATABASE_URL || !config.SECRET_KEY);
  if (privateDataDir) closeDataDir(dataDir);
  const lock =
    !config.DATABASE_URL && dataDir !== 'memory://'
      ? lockDataDir(dataDir, opts.command ?? 'process')
      : undefined;
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: opts.dataDir ?? config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    embeddedCache: config.EMBEDDED_DB_CACHE,
    processName: opts.command ?? 'process',
  });
  if (privateDataDir) {
    const fixed = secureDataDir(dataDir);
    logger.info(
      { dataDir, fixed },
      `DATA_DIR permissions: ${fixed} files and folders made private to this user`,
    );
  }
  const migration = await runMigrations(database).catch(async (err: unknown) => {
    await database.close().catch(() => {});
    lock?.release();
    throw config.DATABASE_URL ? unreachableAtStart(err, config.DATABASE_URL) : err;
  });
  if (dataDir !== 'memory://') {
    makeDirectory(dataDir);
    watchDataDirDisk(dataDir);
  }
  await prepareVectorSearch(
    database,
    config.EMBEDDING_DIMENSIONS,
    logger,
    resolveModels(config).chains.embedder[0],
  );
  await ensureAdmin({ config, database, logger });
  if (migration.unknownMigrations) {
    logger.warn(
      { unknownMigrations: migration.unknownMigrations },
      `The database holds ${migration.unknownMigrations} migration(s) this release does not know: a newer ` +
        'Blogsmith migrated it. The previous release runs on the next one\u2019s schema (a rolling update, a ' +
        'rollback); anything older may not: upgrade Blogsmith.',
    );
  }
  if (!migration.vectorAvailable) {
    logger.warn(
      { reason: migration.vectorError },
      'pgvector is not available: vector search is disabled, full-text search still works',
    );
  }
  let closing: Promise<void> | undefined;
  const closers: Array<() => Promise<void>> = [
    async () => lock?.release(),
    // Files the database created while running (WAL segments, new relations) are made private too.
    async () => void (privateDataDir && secureDataDir(dataDir)),
    () => database.close(),
  ];
  const redis = config.REDIS_URL
    ? createRedis({
        url: config.REDIS_URL,
        logger,
        ...(opts.redisKeyPrefix ? { keyPrefix: opts.redisKeyPrefix } : {}),
      })
    : undefined;
  if (redis) closers.push(() => closeRedis(redis));
  // Created here so every edge can enqueue; the processes that work jobs register their handlers
  // (jobs/register.ts) and call start({ work: true }).
  const queue = createJobQueue({ database, logger, jobs: appJobs });
  const secretKey = resolveSecretKey(config, dataDir);
  const llm = createAppLlmGateway({ config, logger, database, secretKey, ...(redis ? { redis } : {}) });
  // Closers run in reverse: the jobs stop first (their model calls end, aborted at the deadline, and
  // are recorded), then the ledger's pending rows are written, then the database closes.
  closers.push(() => llm.flush());
  closers.push(() => queue.stop(config.SHUTDOWN_TIMEOUT_SECONDS * 1000));
  const articleEvents = createArticleEventBus(database, logger);
  closers.push(() => articleEvents.close());
  const revocations = createRevocationBus({
    database,
    logger,
    ...(redis ? { redis, redisChannelPrefix: opts.redisKeyPrefix ?? '' } : {}),
  });
  closers.push(() => revocations.close());
  const apiKeys = createApiKeyVerifier(database, revocations);
  closers.push(async () => apiKeys.close());
  const counters = redis ? redisCounters(redis, logger, 'blogsmith:') : memoryCounters();
  const signIns = createLoginThrottle(counters, {
    maxFailures: config.LOGIN_MAX_FAILURES,
    lockSeconds: config.LOGIN_LOCK_SECONDS,
    async onLock(lock) {
      logger.warn(
        { ip: lock.ip, scope: lock.scope, seconds: lock.seconds, failures: lock.failures },
        'sign-in locked after repeated failures',
      );
      await audit(database, {
        action: 'auth.login_locked',
        target: lock.email.trim().toLowerCase(),
        ip: lock.ip,
        details: { scope: lock.scope, seconds: lock.seconds, failures: lock.failures },
      });
    },
  });
  const runtime: Runtime = {
    config,
    logger,
    database,
    migration,
    secretKey,
    llm,
    queue,
    articleEvents,
    revocations,
    apiKeys,
    signIns,
    counters,
    ...(redis ? { redis } : {}),
    dataDirLock: lock,
    close() {
      // Once, however often asked (a signal during a shutdown, a test's own cleanup after its check).
      closing ??= (async () => {
        for (const close of closers.toReversed()) await close();
      })();
      return closing;
    },
  };
  return runtime;
}
