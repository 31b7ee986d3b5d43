// Every environment variable Blogsmith reads is declared here, validated once at start-up.
// README.md documents each one with its default; keep the two in step.
import { isIP } from 'node:net';
import { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { documentTypes } from './knowledge/types.ts';
import { maxEmbeddingDimensions } from './llm/embedding-width.ts';
import { modelIdProblem } from './llm/model-id.ts';
import { priceOverridesSchema } from './llm/prices.ts';
import { parseProviderConcurrency } from './llm/provider-concurrency.ts';

const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']);
const isOn = (v: string) => ['true', '1', 'yes', 'on'].includes(v);
const bool = (fallback: boolean) => flag.optional().transform((v) => (v === undefined ? fallback : isOn(v)));
const optionalBool = flag.optional().transform((v) => (v === undefined ? undefined : isOn(v)));

// An environment value is text: one that is not a number is named as such, not as zod's "received NaN".
const envNumber = () =>
  z.coerce.number({ error: (issue) => (issue.code === 'invalid_type' ? 'must be a number' : undefined) });
const wholeNumber = 'must be a whole number';
const positiveInt = (fallback: number) => envNumber().int(wholeNumber).positive().default(fallback);
const optionalUrl = z.url().optional();
// Which connecting addresses may tell the client's address (X-Forwarded-For) and scheme. "true" is
// one proxy in front (nginx, an ingress): the address that proxy saw connect. Trusting every hop
// would take the left-most X-Forwarded-For entry — the client's own, since nginx appends to what it
// is sent — and let anyone pick the address rate limits and the sign-in throttle key by.
const proxyNames = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isProxyAddress = (entry: string) => {
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (proxyNames.has(entry)) return true;
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
};
const trustProxy = z
  .string()
  .optional()
  .transform((raw, ctx): false | number | string[] => {
    const value = (raw ?? '').trim().toLowerCase();
    if (['', 'false', '0', 'no', 'off'].includes(value)) return false;
    if (['true', 'yes', 'on'].includes(value)) return 1;
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(',').map((entry) => entry.trim());
    if (entries.every(isProxyAddress)) return entries;
    ctx.addIssue({
      code: 'custom',
      message:
        'must be true, false, a number of proxies in front, or a comma-separated list of proxy addresses or CIDR ranges',
    });
    return z.NEVER;
  });

const commaList = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

// `provider:model`, e.g. `openai:gpt-4o-mini`; checked here so a typo stops start-up.
const modelId = z.string().superRefine((v, ctx) => {
  const problem = modelIdProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const modelIdList = commaList.pipe(z.array(modelId));

/**
 * `auto`: jemalloc where the system has libjemalloc.so.2, else the C library's malloc; `jemalloc`:
 * required (start-up fails without it); `system`: the C library's malloc.
 */
export const memoryAllocatorSetting = z.enum(['auto', 'jemalloc', 'system']).default('auto');

const schema = z.object({
  // Server
  PORT: envNumber().int(wholeNumber).min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  ENVIRONMENT: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT_JSON: bool(true),
  PUBLIC_URL: optionalUrl,

  // Storage
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: positiveInt(10),
  // PostgreSQL's page cache inside the embedded database. Its buffers are touched when the
  // database opens, so this is resident memory from the start (bench/RESULTS.md, issue 13).
  EMBEDDED_DB_CACHE: z
    .string()
    .regex(/^[1-9]\d*(kB|MB|GB)$/, 'must be a size such as 32MB or 1GB')
    .default('32MB'),
  // C allocator of `serve` and `worker` (src/cli/relaunch.ts reads it before the rest is loaded).
  MEMORY_ALLOCATOR: memoryAllocatorSetting,
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),

  // Security
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  ALLOWED_ORIGINS: commaList,
  HTTPS_REDIRECT_ENABLED: bool(false),
  TRUST_PROXY: trustProxy,
  SECURITY_HSTS_ENABLED: bool(false),
  SIGNUP_ENABLED: bool(false),
  SESSION_TTL_HOURS: positiveInt(24 * 14),
  /** Failed sign-ins of one account from one address before that pair is locked (accounts/login-throttle.ts). */
  LOGIN_MAX_FAILURES: positiveInt(5),
  /** First lock of an account/address pair; doubles with each further failure, up to an hour. */
  LOGIN_LOCK_SECONDS: positiveInt(60),
  /** How long audit log entries are kept (0: for ever); older ones are deleted hourly by the workers. */
  AUDIT_RETENTION_DAYS: envNumber().int(wholeNumber).min(0).max(36_500).default(365),
  /** How long the LLM ledger keeps a row per call (0: for ever); older hours are compacted hourly. */
  LLM_LEDGER_DETAIL_DAYS: envNumber().int(wholeNumber).min(0).max(36_500).default(2),
  /** How long a workspace invitation can be accepted. */
  INVITATION_TTL_HOURS: positiveInt(24 * 7),
  MAX_BODY_MB: envNumber().positive().max(1024).default(10),

  // Documents (knowledge base)
  MAX_FILE_SIZE_MB: envNumber().positive().max(1024).default(25),
  /** What one workspace may store in all: its documents' files, its articles' text with their versions, its evaluation reports. */
  WORKSPACE_STORAGE_MB: envNumber().positive().max(1_048_576).default(2048),
  ALLOWED_FILE_TYPES: commaList
    .pipe(z.array(z.enum(documentTypes)))
    .transform((types) => (types.length > 0 ? types : [...documentTypes])),

  // Server-side fetching (SSRF guard) and web research
  FETCH_ALLOW_HOSTS: commaList,
  FETCH_TIMEOUT_SECONDS: envNumber().positive().max(600).default(15),
  FETCH_MAX_BYTES: positiveInt(5 * 1024 * 1024),
  FETCH_MAX_REDIRECTS: envNumber().int(wholeNumber).min(0).max(20).default(5),
  RESEARCH_CACHE_TTL: envNumber()
    .int(wholeNumber)
    .min(0)
    .default(24 * 3600),
  TAVILY_API_KEY: z.string().optional(),
  SERPAPI_API_KEY: z.string().optional(),
  BRAVE_API_KEY: z.string().optional(),
  EXA_API_KEY: z.string().optional(),
  SEARXNG_URL: optionalUrl,

  // Rate limits (requests per minute)
  RATE_LIMIT_ENABLED: bool(true),
  RATE_LIMIT_GENERAL: positiveInt(600),
  RATE_LIMIT_GENERATION: positiveInt(20),
  RATE_LIMIT_EDIT_MB: envNumber().positive().max(1024).default(8),

  // First run
  BLOGSMITH_ADMIN_EMAIL: z.email().optional(),
  BLOGSMITH_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),

  // Operations
  DOCS_ENABLED: optionalBool,
  SENTRY_DSN: optionalUrl,
  SHUTDOWN_TIMEOUT_SECONDS: positiveInt(10),
  /** Bearer token `/metrics` requires when set. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  WORKER_IN_PROCESS: bool(true),
  /** Port of `blogsmith worker`'s /metrics and /health listener; 0 turns it off. */
  WORKER_METRICS_PORT: envNumber().int(wholeNumber).min(0).max(65535).default(9464),
  /** Where `blogsmith backup` writes when no --out is given; default DATA_DIR/backups. */
  BACKUP_DIR: z.string().min(1).optional(),
  /** Seals the secret key into a backup (`--include-secret`) and opens it on restore. */
  BACKUP_PASSPHRASE: z.string().min(12, 'must be at least 12 characters').optional(),

  // Article pipeline
  /** Articles one worker process generates at once. */
  ARTICLE_CONCURRENCY: envNumber().int(wholeNumber).min(1).max(32).default(2),
  /**
   * Sections of one article written at once (and of each kind of check). 6: an article of the
   * default 1,500 words has 5–6 sections, written in one round rather than a second one for the last.
   */
  SECTION_CONCURRENCY: envNumber().int(wholeNumber).min(1).max(16).default(6),
  /** Attempts of a failing pipeline step (with exponential backoff) before the run fails. */
  ARTICLE_STEP_ATTEMPTS: envNumber().int(wholeNumber).min(1).max(10).default(3),
  /** Seconds a worker's hold on a run lasts without a heartbeat; a dead worker's run resumes elsewhere after it. */
  ARTICLE_LEASE_SECONDS: envNumber().int(wholeNumber).min(3).max(600).default(20),

  // LLM providers (credentials are never logged or returned by the API)
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: optionalUrl,
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: optionalUrl,
  GEMINI_API_KEY: z.string().optional(),
  GROQ_API_KEY: z.string().optional(),
  OLLAMA_BASE_URL: optionalUrl,
  OPENAI_COMPATIBLE_BASE_URL: optionalUrl,
  OPENAI_COMPATIBLE_API_KEY: z.string().optional(),
  /** Private hosts/CIDRs a workspace's own model server (base URL) may be on, besides FETCH_ALLOW_HOSTS. */
  LLM_ALLOW_HOSTS: commaList,

  // LLM models and reliability
  LLM_MODEL: modelId.optional(),
  LLM_FALLBACK_MODELS: modelIdList,
  LLM_PLANNER_MODEL: modelId.optional(),
  LLM_WRITER_MODEL: modelId.optional(),
  LLM_CHECKER_MODEL: modelId.optional(),
  EMBEDDING_MODEL: modelId.optional(),
  /**
   * Width of the `embedding vector(N)` column, asked of models that take a width (OpenAI's
   * text-embedding-3-*, Gemini's); others must give it. Its HNSW index holds at most 2000.
   */
  EMBEDDING_DIMENSIONS: envNumber()
    .int(wholeNumber)
    .min(1)
    .max(maxEmbeddingDimensions, {
      error: `must be at most ${maxEmbeddingDimensions}, the widest vectors pgvector's HNSW index (vector search) holds; gemini-embedding-001 and text-embedding-3-large are asked for this width (e.g. 1536) instead of their 3072`,
    })
    .default(1536),
  LLM_TIMEOUT_SECONDS: envNumber().positive().max(3600).default(120),
  LLM_MAX_RETRIES: envNumber().int(wholeNumber).min(0).max(10).default(2),
  LLM_RATE_LIMIT_PER_MINUTE: positiveInt(500),
  LLM_TOKENS_PER_MINUTE: positiveInt(200_000),
  LLM_RATE_LIMIT_MAX_QUEUE: envNumber().int(wholeNumber).min(0).default(100),
  LLM_RATE_LIMIT_MAX_WAIT: positiveInt(30),
  /** Calls in flight per provider, "ollama=1,compatible=4" (0 = unlimited); ollama defaults to 1. */
  LLM_PROVIDER_CONCURRENCY: z
    .string()
    .default('')
    .transform((v, ctx) => {
      try {
        return parseProviderConcurrency(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** What the database's shared cache (without Redis) may hold; the soonest to expire go first. */
  CACHE_MAX_MB: envNumber().positive().max(1_048_576).default(1024),
  LLM_CACHE_TTL: envNumber()
    .int(wholeNumber)
    .min(0)
    .default(24 * 3600),
  LLM_MONTHLY_BUDGET_USD: envNumber().positive().optional(),
  /** Context window (tokens) of every model, unless LLM_CONTEXT_TOKENS_JSON names it. */
  LLM_CONTEXT_TOKENS: envNumber().int(wholeNumber).min(1024).max(10_000_000).optional(),
  LLM_CONTEXT_TOKENS_JSON: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return {} as Record<string, number>;
      try {
        const parsed = z.record(z.string(), z.number().int().min(1024)).safeParse(JSON.parse(v));
        if (parsed.success) return parsed.data;
        ctx.addIssue({
          code: 'custom',
          message: `invalid context sizes: ${parsed.error.issues[0]?.message}`,
        });
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON, e.g. {"ollama:llama3.2:3b":8192}' });
      }
      return z.NEVER;
    }),
  LLM_PRICES_JSON: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return {};
      try {
        const parsed = priceOverridesSchema.safeParse(JSON.parse(v));
        if (parsed.success) return parsed.data;
        ctx.addIssue({ code: 'custom', message: `invalid price table: ${parsed.error.issues[0]?.message}` });
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'must be JSON, e.g. {"compatible:llama3":{"input":0,"output":0}}',
        });
      }
      return z.NEVER;
    }),
});

// Rules between variables, checked on the raw values so they are reported together with
// any per-variable problem rather than only once those are fixed.
function crossChecks(env: Record<string, string>): string[] {
  const problems: string[] = [];
  if (env.ENVIRONMENT === 'production' && !env.SECRET_KEY)
    problems.push('SECRET_KEY: is required in production');
  if (Boolean(env.BLOGSMITH_ADMIN_EMAIL) !== Boolean(env.BLOGSMITH_ADMIN_PASSWORD)) {
    problems.push(
      'BLOGSMITH_ADMIN_PASSWORD: BLOGSMITH_ADMIN_EMAIL and BLOGSMITH_ADMIN_PASSWORD must be set together',
    );
  }
  return problems;
}

type Parsed = z.infer<typeof schema>;
export type Config = Omit<Parsed, 'DOCS_ENABLED'> & { DOCS_ENABLED: boolean };

export { ConfigError };

/** Parses the environment; throws one ConfigError that lists every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, so `FOO=` in a compose file means "use the default".
  const cleaned = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
  const result = schema.safeParse(cleaned);
  const problems = [
    ...(result.success
      ? []
      : result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)),
    ...crossChecks(cleaned),
  ];
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  const parsed = result.data;
  return {
    ...parsed,
    // Interactive API docs are on by default for development, off in production unless asked for.
    DOCS_ENABLED: parsed.DOCS_ENABLED ?? parsed.ENVIRONMENT !== 'production',
  };
}

export const isProduction = (c: Config) => c.ENVIRONMENT === 'production';
