// The shape of a server-side base URL (LLM providers): http or https, a host, a port in 1–65535 when
// one is given, no credentials, no control characters (NUL cannot be stored, and the URL parser
// drops tabs and line breaks, so the text would not say where it points). Where it may point (the
// address policy) is checked elsewhere.
import { z } from 'zod';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const controls = /[\u0000-\u001F\u007F]/;

export function httpUrlProblem(value: string): string | undefined {
  if (controls.test(value)) return 'Must not contain control characters';
  if (!value.isWellFormed()) return 'Must be valid Unicode (no unpaired surrogates)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Must be an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Must be an http:// or https:// URL';
  // "http:///v1" parses with host "v1": the host must be written right after "//".
  if (!url.hostname || !/^https?:\/\/[^/?#@]/i.test(value)) return 'Must name a host';
  // `new URL` accepts ":0" (and drops default ports); the raw text is checked for an explicit 0.
  const port = /^[a-z]+:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i.exec(value)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) return 'Port must be 1–65535';
  if (url.username || url.password) return 'Must not contain credentials';
  return undefined;
}

/** An http(s) URL field; the value is the URL normalised (`new URL(value).href`: what is stored is what is fetched). */
export const httpUrl = (max = 2048) =>
  z
    .string()
    .max(max)
    .superRefine((value, ctx) => {
      const problem = httpUrlProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((value) => new URL(value).href);
