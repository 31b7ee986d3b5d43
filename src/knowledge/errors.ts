// One error for every document the ingestion refuses, so the HTTP edge and the CLI can explain it.
import { AppError } from '../errors.ts';

export const rejectionCodes = [
  'unsupported_type',
  'too_large',
  'encrypted',
  'corrupt',
  'empty',
  'bomb',
  'too_nested',
  'too_complex',
] as const;
export type RejectionCode = (typeof rejectionCodes)[number];

export class DocumentRejectedError extends Error {
  readonly code: RejectionCode;
  constructor(code: RejectionCode, message: string) {
    super(message);
    this.name = 'DocumentRejectedError';
    this.code = code;
  }

  /**
   * The API error for this rejection: 415 for a type we do not take, 413 for a file or archive too
   * large, 400 (validation_error) for content we cannot use. `details.reason` keeps the precise code.
   */
  toAppError(): AppError {
    const appCode =
      this.code === 'unsupported_type'
        ? 'unsupported_media_type'
        : this.code === 'too_large' || this.code === 'bomb'
          ? 'payload_too_large'
          : 'validation_error';
    return new AppError(appCode, this.message, { reason: this.code });
  }
}

export const rejected = (code: RejectionCode, message: string) => new DocumentRejectedError(code, message);
