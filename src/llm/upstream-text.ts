// Text that came from a model server (error messages, response bodies) is shown to users in check
// results, step errors and run events. A workspace-chosen server could be anything (an internal
// admin page reached by SSRF, a hostile host), so only a short, plain excerpt ever passes.
export const upstreamExcerptMax = 200;

/** Plain text, no markup or control characters, at most `max` characters. */
export function upstreamExcerpt(text: string, max = upstreamExcerptMax): string {
  const plain = text
    .replace(/<[^>]*>?/g, ' ')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/[<>]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}
