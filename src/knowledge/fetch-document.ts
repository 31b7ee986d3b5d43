// Fetches a document someone named by URL, through the SSRF guard, within the document size limit.
// Every failure is an AppError a client can act on: blocked target (400 with the reason), too
// large (413), timeout, network failure or a non-2xx answer (400).
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import {
  FetchLimitError,
  fetchOptionsFromConfig,
  type SafeFetchOptions,
  safeFetch,
} from '../security/ssrf/index.ts';
import { documentLimits, megabytes } from './ingest-document.ts';

export interface FetchedDocument {
  bytes: Buffer;
  finalUrl: string;
  filename?: string;
  declaredType?: string;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export async function fetchDocument(
  url: string,
  config: Parameters<typeof fetchOptionsFromConfig>[0] &
    Pick<Config, 'MAX_FILE_SIZE_MB' | 'ALLOWED_FILE_TYPES'>,
  extra: Pick<SafeFetchOptions, 'resolver' | 'signal'> = {},
): Promise<FetchedDocument> {
  const options = fetchOptionsFromConfig(config);
  const maxBytes = Math.min(options.maxBytes ?? Number.POSITIVE_INFINITY, documentLimits(config).maxBytes);
  let response: Awaited<ReturnType<typeof safeFetch>>;
  try {
    response = await safeFetch(url, { ...options, ...extra, maxBytes });
  } catch (err) {
    if (err instanceof FetchLimitError && err.limit === 'time') {
      throw new AppError(
        'validation_error',
        `the URL did not answer within ${config.FETCH_TIMEOUT_SECONDS} s`,
        {
          reason: 'timeout',
        },
      );
    }
    if (err instanceof FetchLimitError && err.limit === 'bytes') {
      throw new AppError(
        'payload_too_large',
        `the URL's content is larger than the limit of ${megabytes(maxBytes)}`,
        {
          reason: 'too_large',
        },
      );
    }
    if (err instanceof AppError) throw err;
    throw new AppError('validation_error', `could not fetch the URL: ${(err as Error).message}`, {
      reason: 'fetch_failed',
    });
  }
  if (response.status < 200 || response.status >= 300) {
    throw new AppError('validation_error', `the URL answered HTTP ${response.status}`, {
      reason: 'http_status',
      status: response.status,
    });
  }
  const last = new URL(response.finalUrl).pathname.split('/').pop();
  return {
    bytes: response.body,
    finalUrl: response.finalUrl,
    ...(last ? { filename: decodeSafe(last).slice(0, 255) } : {}),
    declaredType: response.contentType.slice(0, 100),
  };
}
