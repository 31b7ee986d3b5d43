// Who may scrape /metrics. Open by default (the usual setup keeps it on an internal network);
// with METRICS_TOKEN set, only `Authorization: Bearer <token>`, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function metricsScrapeAllowed(authorization: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match ? timingSafeEqual(digest(match[1]!), digest(token)) : false;
}
