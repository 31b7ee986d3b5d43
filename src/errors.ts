// Domain errors: services throw these, the HTTP edge maps `code` to a status and the one error shape.
export const errorCodes = [
  'validation_error',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  /** The workspace stores what WORKSPACE_STORAGE_MB allows (413, like a body too large). */
  'storage_full',
  'unsupported_media_type',
  'rate_limited',
  'budget_exceeded',
  'unavailable',
  /** The database cannot be reached: 503 with Retry-After, the client may simply try again. */
  'service_unavailable',
  'internal_error',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  /** When the caller may try again (a lock, a spent budget): sent as Retry-After. */
  readonly retryAfterSeconds?: number;
  constructor(
    code: ErrorCode,
    message: string,
    details?: unknown,
    options: { retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'You do not have permission to do this') =>
  new AppError('forbidden', message);

/** The message of anything thrown (a non-Error is stringified). */
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
