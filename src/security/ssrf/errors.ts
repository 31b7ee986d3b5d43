import { AppError } from '../../errors.ts';

export type BlockReason =
  | 'invalid_url'
  | 'scheme'
  | 'credentials'
  | 'port'
  | 'metadata_host'
  | 'blocked_address'
  | 'unresolvable'
  | 'redirect';

/** The target (or a redirect hop) is not allowed: a client mistake or an attack, never retried. */
export class BlockedUrlError extends AppError {
  readonly reason: BlockReason;
  readonly url: string;
  /**
   * For the server's log only: the private address a name resolved to. Told to whoever chose the
   * URL, it would map the server's internal names (any workspace admin could ask).
   */
  readonly resolvedTo: string | undefined;
  constructor(reason: BlockReason, url: string, message: string, resolvedTo?: string) {
    super('validation_error', `URL blocked: ${message}`, { reason, url });
    this.name = 'BlockedUrlError';
    this.reason = reason;
    this.url = url;
    this.resolvedTo = resolvedTo;
  }
}

export type FetchLimit = 'bytes' | 'time' | 'redirects' | 'content_type' | 'content_encoding';

/** The fetch was allowed but went over one of its limits. */
export class FetchLimitError extends AppError {
  readonly limit: FetchLimit;
  constructor(limit: FetchLimit, message: string) {
    const code =
      limit === 'bytes'
        ? 'payload_too_large'
        : limit === 'content_type' || limit === 'content_encoding'
          ? 'unsupported_media_type'
          : limit === 'time'
            ? 'unavailable'
            : 'validation_error';
    super(code, message, { limit });
    this.name = 'FetchLimitError';
    this.limit = limit;
  }
}
